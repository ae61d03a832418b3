//! From file types to domain types: a [`ScenarioSpec`] becomes a
//! [`Network`] through the [`NetworkBuilder`], which does the checks;
//! what is left here is what only a file has (ids as text, gauges in
//! millimetres, distributions as written), each mapped with its path.

use super::experiment::{Experiment, MAX_TRAINS_PER_REPLICATION, SweepSettings};
use super::routes::{at, lookup, routing};
use super::spec::{
    AcceptanceSpec, ArrivalSpec, ChangeSpec, ClassAtSideSpec, CutSpec, DirectionSpec, DistSpec,
    ExperimentSpec, GaugeChangeSpec, HandlingSpec, HoldSpec, NodeKindSpec, PortSideSpec,
    RandomCutSpec, RefusedSpec, ScenarioSpec,
};
use crate::corridor::{
    Acceptance, ArrivalProcess, BorderPort, Change, ClassAtSide, ClassId, ClosureWindow, Cut,
    DatedCut, Direction, FlowDef, Gauge, GaugeChange, Handling, Hold, HoursDist, LocomotivePool,
    Network, NetworkBuilder, PortSide, RandomClosures, RandomCuts, Refused, Section, TrafficClass,
    WagonPool, WorkingHours, metric_keys,
};
use crate::error::{FieldPath, InvalidField};
use crate::metric::MetricKey;
use crate::metric::is_identifier;
use crate::montecarlo::{MAX_REPLICATIONS, StoppingRule};
use crate::time::SimDuration;

fn dist(path: FieldPath, spec: &DistSpec) -> Result<HoursDist, InvalidField> {
    spec.to_dist()
        .map_err(|e| InvalidField::new(path, e.value, e.expected))
}

fn gauge(path: FieldPath, mm: u32) -> Result<Gauge, InvalidField> {
    Gauge::from_mm(mm).ok_or_else(|| InvalidField::new(path, mm, "1435 or 1520"))
}

fn hold(path: FieldPath, h: &HoldSpec) -> Result<Hold, InvalidField> {
    Ok(Hold {
        share: h.share,
        duration: dist(path.key("duration"), &h.duration)?,
    })
}

fn class_at_side(
    path: FieldPath,
    c: &ClassAtSideSpec,
    container: bool,
) -> Result<ClassAtSide, InvalidField> {
    let spec = c.handling.unwrap_or(if container {
        HandlingSpec::Transship
    } else {
        HandlingSpec::Transload
    });
    let needs = |key: &str| {
        InvalidField::new(
            path.clone().key(key),
            "nothing",
            format!("`{key}` for a class that is transloaded"),
        )
    };
    let handling = match spec {
        HandlingSpec::Transship => Handling::Transship,
        HandlingSpec::Pass => Handling::Pass,
        HandlingSpec::Transload => Handling::Transload {
            tracks: c.tracks.ok_or_else(|| needs("tracks"))?,
            service: dist(
                path.clone().key("service"),
                c.service.as_ref().ok_or_else(|| needs("service"))?,
            )?,
            reference_units: c
                .reference_wagons
                .ok_or_else(|| needs("reference_wagons"))?,
        },
    };
    if !matches!(spec, HandlingSpec::Transload)
        && (c.tracks.is_some() || c.service.is_some() || c.reference_wagons.is_some())
    {
        return Err(InvalidField::new(
            path.key("handling"),
            format!("{spec:?} with tracks, service or reference_wagons"),
            "`transload` for a class with a facility of its own",
        ));
    }
    Ok(ClassAtSide {
        handling,
        hold: c
            .hold
            .as_ref()
            .map(|h| hold(path.clone().key("hold"), h))
            .transpose()?,
        priority: c.priority,
        reserved_slots_per_day: c.reserved_slots_per_day,
        acceptance: c.acceptance.map(acceptance),
    })
}

fn acceptance(a: AcceptanceSpec) -> Acceptance {
    Acceptance {
        stop_above: a.stop_above_trains,
        resume_below: a.resume_below_trains,
        refused: match a.refused {
            RefusedSpec::Wait => Refused::Wait,
            RefusedSpec::Cancel => Refused::Cancel,
        },
    }
}

fn side(b: &NetworkBuilder, path: FieldPath, s: &PortSideSpec) -> Result<PortSide, InvalidField> {
    let mut side = PortSide::new(
        s.tracks,
        s.cranes,
        s.cranes_per_train,
        dist(path.clone().key("transshipment"), &s.transshipment)?,
        s.reference_containers,
        dist(path.clone().key("track_release"), &s.track_release)?,
        dist(path.clone().key("inspection"), &s.inspection)?,
        s.yard_capacity_trains,
    );
    side.handover_cap_per_day = s.handover_cap_trains_per_day;
    side.max_containers_out = s.max_containers_out;
    side.consolidate_max_wait = s
        .consolidate_max_wait_hours
        .map(|h| hours(path.clone().key("consolidate_max_wait_hours"), h))
        .transpose()?;
    side.inspection_teams = s.inspection_teams;
    side.inspection_hours = s.inspection_hours.map(|h| WorkingHours {
        from_hour: h.from_hour,
        to_hour: h.to_hour,
    });
    side.deep_inspection = s
        .deep_inspection
        .as_ref()
        .map(|h| hold(path.clone().key("deep_inspection"), h))
        .transpose()?;
    side.handover_siding = s.handover_siding_trains;
    side.departure_tracks = s.departure_tracks;
    side.wagon_pool = s
        .wagon_pool
        .as_ref()
        .map(|w| {
            Ok::<_, InvalidField>(WagonPool {
                wagons: w.wagons,
                turnaround: dist(
                    path.clone().key("wagon_pool").key("turnaround"),
                    &w.turnaround,
                )?,
            })
        })
        .transpose()?;
    side.locomotive_pool = s
        .locomotive_pool
        .as_ref()
        .map(|l| {
            Ok::<_, InvalidField>(LocomotivePool {
                locomotives: l.locomotives,
                turnaround: dist(
                    path.clone().key("locomotive_pool").key("turnaround"),
                    &l.turnaround,
                )?,
            })
        })
        .transpose()?;
    for (id, c) in &s.classes {
        let cp = path.clone().key("classes").key(id.clone());
        let class = b.class_id(id).ok_or_else(|| {
            InvalidField::new(
                cp.clone(),
                format!("'{id}'"),
                "the id of a class (under [classes])",
            )
        })?;
        let at_side = class_at_side(cp, c, class == ClassId::CONTAINER)?;
        match side.classes.iter_mut().find(|(k, _)| *k == class) {
            Some((_, slot)) => *slot = at_side,
            None => side.classes.push((class, at_side)),
        }
    }
    Ok(side)
}

fn hours(path: FieldPath, h: f64) -> Result<SimDuration, InvalidField> {
    if !(0.0..=87_660.0).contains(&h) {
        return Err(InvalidField::new(
            path,
            h,
            "a number of hours from 0 to 87660",
        ));
    }
    Ok(SimDuration::try_from_hours_f64(h).expect("bounded above"))
}

fn cut(c: &CutSpec) -> DatedCut {
    DatedCut {
        start_day: c.start_day,
        days: c.days,
        cut: Cut {
            capacity: c.capacity_factor,
            cranes: c.cranes_factor,
        },
    }
}

fn change(c: &ChangeSpec) -> Change {
    Change {
        from_day: c.from_day,
        cut: Cut {
            capacity: c.capacity_factor,
            cranes: c.cranes_factor,
        },
    }
}

fn random_cut(path: FieldPath, c: &RandomCutSpec) -> Result<RandomCuts, InvalidField> {
    let mut weights = [0.0; 12];
    if c.monthly_weights.len() != 12 {
        return Err(InvalidField::new(
            path.key("monthly_weights"),
            format!("{} values", c.monthly_weights.len()),
            "12 monthly weights, January first",
        ));
    }
    weights.copy_from_slice(&c.monthly_weights);
    Ok(RandomCuts {
        events_per_year: c.events_per_year,
        monthly_weights: weights,
        duration: dist(path.key("duration"), &c.duration)?,
        cut: Cut {
            capacity: c.capacity_factor,
            cranes: c.cranes_factor,
        },
    })
}

/// Whether `name` may be shown as it is: no control characters and no
/// characters that reorder text (bidirectional overrides and isolates),
/// which would garble tables and file listings.
fn displayable(name: &str) -> bool {
    !name.chars().any(|c| {
        c.is_control()
            || matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    })
}

fn check_name(path: FieldPath, name: &str) -> Result<(), InvalidField> {
    if !displayable(name) || name.chars().count() > 200 {
        return Err(InvalidField::new(
            path,
            format!("{name:?}"),
            "a name of at most 200 characters without control or bidirectional-override characters",
        ));
    }
    Ok(())
}

/// Checks what is only text: variant names are identifiers (they label
/// results), display names are displayable.
pub(super) fn names(spec: &ScenarioSpec) -> Result<(), InvalidField> {
    check_name(FieldPath::root().key("name"), &spec.name)?;
    for (id, a) in &spec.assumptions {
        let p = at("assumptions", id);
        if !is_identifier(id) {
            return Err(InvalidField::new(
                p,
                format!("the name {id:?}"),
                "an assumption name of 1 to 64 characters from a–z, 0–9 and _ (it labels results)",
            ));
        }
        if a.paths.is_empty()
            || a.paths
                .iter()
                .any(|s| s.trim().is_empty() || s.contains('='))
        {
            return Err(InvalidField::new(
                p.key("paths"),
                format!("{:?}", a.paths),
                "one or more field paths as for --set, e.g. [\"ports.ID.westbound.tracks\"]",
            ));
        }
        if !(a.low.is_finite() && a.high.is_finite() && a.low < a.high) {
            return Err(InvalidField::new(
                p.key("high"),
                format!("low {} and high {}", a.low, a.high),
                "finite numbers with low < high",
            ));
        }
    }
    for (id, n) in &spec.nodes {
        check_name(at("nodes", id).key("name"), &n.name)?;
    }
    for (id, p) in &spec.ports {
        check_name(at("ports", id).key("name"), &p.name)?;
    }
    for name in spec.variants.keys() {
        if !is_identifier(name) {
            return Err(InvalidField::new(
                at("variants", name),
                format!("the name {name:?}"),
                "a variant name of 1 to 64 characters from a–z, 0–9 and _ (it labels results)",
            ));
        }
    }
    Ok(())
}

/// Checks that one replication stays within bounds: at most
/// [`MAX_TRAINS_PER_REPLICATION`] trains over its warm-up and horizon.
pub(super) fn size(
    e: &ExperimentSpec,
    exp: &Experiment,
    net: &Network,
) -> Result<(), InvalidField> {
    let per_day =
        net.trains_per_day(Direction::Westbound) + net.trains_per_day(Direction::Eastbound);
    let days = (exp.warmup + exp.horizon).as_days_f64();
    // Each flow's trains over the run, year by year with its growth.
    let trains: f64 = net
        .flows()
        .iter()
        .map(|f| {
            let mut total = 0.0;
            let mut year = 0;
            while (year as f64) * 365.0 < days {
                let span = (days - year as f64 * 365.0).min(365.0);
                let factor = match f.year_factors.len() {
                    0 => 1.0,
                    n => f.year_factors[year.min(n - 1)],
                };
                total += f.trains_per_day * factor * span;
                year += 1;
            }
            total
        })
        .sum();
    if trains > MAX_TRAINS_PER_REPLICATION {
        return Err(InvalidField::new(
            FieldPath::root().key("experiment").key("horizon_days"),
            format!(
                "{} days (with {} of warm-up) at {per_day:.0} trains a day, {trains:.3e} trains a replication",
                e.horizon_days, e.warmup_days
            ),
            format!(
                "at most {MAX_TRAINS_PER_REPLICATION:.0e} trains a replication: shorten the horizon or lower the demand"
            ),
        ));
    }
    Ok(())
}

/// Validates a scenario's network and demand.
///
/// # Errors
///
/// The first [`InvalidField`] found, naming the field's path.
pub(super) fn network(spec: &ScenarioSpec) -> Result<Network, InvalidField> {
    let mut b = NetworkBuilder::new();
    for (id, c) in &spec.classes {
        for (i, &r) in c.growth_per_year.iter().enumerate() {
            if !(r.is_finite() && r > -1.0 && r <= 10.0) {
                return Err(InvalidField::new(
                    at("classes", id).key("growth_per_year").index(i),
                    r,
                    "a yearly rate above -1 (-100 %) and at most 10 (+1000 %)",
                ));
            }
        }
        b.class(
            id,
            TrafficClass {
                id: id.clone(),
                name: c.name.clone(),
                tonnes_per_unit: c.tonnes_per_unit,
            },
        )?;
    }
    for (id, n) in &spec.nodes {
        let g = gauge(at("nodes", id).key("gauge_mm"), n.gauge_mm)?;
        match n.kind {
            NodeKindSpec::Hub => b.hub(id, &n.name, g)?,
            NodeKindSpec::Junction => b.junction(id, &n.name, g)?,
        };
    }
    for (id, p) in &spec.ports {
        let path = at("ports", id);
        let west_gauge = gauge(path.clone().key("west_gauge_mm"), p.west_gauge_mm)?;
        let east_gauge = gauge(path.clone().key("east_gauge_mm"), p.east_gauge_mm)?;
        let random_closures = match &p.random_closures {
            None => None,
            Some(c) => Some(RandomClosures {
                mean_days_between: c.mean_days_between,
                duration: dist(
                    path.clone().key("random_closures").key("duration"),
                    &c.duration,
                )?,
            }),
        };
        b.port(
            id,
            BorderPort {
                name: p.name.clone(),
                west_gauge,
                east_gauge,
                change: match p.gauge_change {
                    GaugeChangeSpec::Transshipment => GaugeChange::Transshipment,
                    GaugeChangeSpec::BogieExchange => GaugeChange::BogieExchange,
                    GaugeChangeSpec::None => GaugeChange::None,
                },
                random_closures,
                scheduled_closures: p
                    .scheduled_closures
                    .iter()
                    .map(|w| ClosureWindow {
                        start_day: w.start_day,
                        hours: w.hours,
                    })
                    .collect(),
                cuts: p.cuts.iter().map(cut).collect(),
                random_cuts: p
                    .random_cuts
                    .iter()
                    .enumerate()
                    .map(|(i, c)| random_cut(path.clone().key("random_cuts").index(i), c))
                    .collect::<Result<_, _>>()?,
                opens_day: p.opens_day,
                changes: p.changes.iter().map(change).collect(),
                sides: [
                    side(&b, path.clone().key("westbound"), &p.westbound)?,
                    side(&b, path.key("eastbound"), &p.eastbound)?,
                ],
            },
        )?;
    }
    for (id, s) in &spec.sections {
        let path = at("sections", id);
        let from = lookup(&b, path.clone().key("from"), &s.from)?;
        let to = lookup(&b, path.clone().key("to"), &s.to)?;
        let running = dist(path.clone().key("running"), &s.running)?;
        let paths_per_day = match (s.paths_per_day, s.passing_loops) {
            (Some(_), Some(_)) => {
                return Err(InvalidField::new(
                    path.clone().key("passing_loops"),
                    "both passing_loops and paths_per_day",
                    "one of them: paths_per_day, or passing_loops to derive them",
                ));
            }
            (None, Some(loops)) if !s.single_track => {
                return Err(InvalidField::new(
                    path.clone().key("passing_loops"),
                    loops,
                    "no passing loops on a section that is not single_track",
                ));
            }
            (None, Some(loops)) => {
                if loops > 1000 {
                    return Err(InvalidField::new(
                        path.clone().key("passing_loops"),
                        loops,
                        "from 0 to 1000 loops",
                    ));
                }
                // One train a block at a time, alternately each way.
                Some(24.0 * f64::from(loops + 1) / running.mean_hours().max(1e-3))
            }
            (paths, None) => paths,
        };
        let section = Section {
            from,
            to,
            gauge: gauge(path.clone().key("gauge_mm"), s.gauge_mm)?,
            running,
            paths_per_day,
            single_track: s.single_track,
            changes: s.changes.iter().map(change).collect(),
            capacity_trains: s.capacity_trains,
            cuts: s.cuts.iter().map(cut).collect(),
            random_cuts: s
                .random_cuts
                .iter()
                .enumerate()
                .map(|(i, c)| random_cut(path.clone().key("random_cuts").index(i), c))
                .collect::<Result<_, _>>()?,
            acceptance: s.acceptance.map(acceptance),
        };
        b.section(id, section)?;
    }
    b.demand(spec.demand.multiplier, &spec.demand.seasonality)?;
    if let Some(year) = spec.demand.start_year {
        b.start_year(year)?;
    }
    for (id, f) in &spec.flows {
        let path = at("flows", id);
        let origin = lookup(&b, path.clone().key("origin"), &f.origin)?;
        let mut destinations = Vec::new();
        for (dest, &share) in &f.destinations {
            let place = lookup(&b, path.clone().key("destinations").key(dest.clone()), dest)?;
            destinations.push((place, share));
        }
        let mut via = Vec::new();
        for (k, stops) in f.via.iter().enumerate() {
            let mut route = Vec::new();
            for (j, v) in stops.iter().enumerate() {
                route.push(lookup(&b, path.clone().key("via").index(k).index(j), v)?);
            }
            via.push(route);
        }
        let class = b.class_id(&f.class).ok_or_else(|| {
            InvalidField::new(
                path.clone().key("class"),
                format!("'{}'", f.class),
                "`container` or the id of a class under [classes]",
            )
        })?;
        let units = match (
            class == ClassId::CONTAINER,
            f.containers_per_train,
            f.wagons_per_train,
        ) {
            (true, Some(n), None) | (false, None, Some(n)) => n,
            (true, _, _) => {
                return Err(InvalidField::new(
                    path.clone().key("containers_per_train"),
                    "no containers_per_train (or wagons_per_train as well)",
                    "containers_per_train, and only it, for container trains",
                ));
            }
            (false, _, _) => {
                return Err(InvalidField::new(
                    path.clone().key("wagons_per_train"),
                    "no wagons_per_train (or containers_per_train as well)",
                    "wagons_per_train, and only it, for trains of a class other than containers",
                ));
            }
        };
        let decide_at = match &f.decide_at {
            Some(id) => Some(lookup(&b, path.clone().key("decide_at"), id)?),
            None => None,
        };
        let routing = routing(path.clone().key("routing"), f.routing)?;
        let arrival = match &f.arrival {
            ArrivalSpec::Poisson => ArrivalProcess::Poisson,
            ArrivalSpec::Timetable { lateness } => ArrivalProcess::Timetable(dist(
                path.clone().key("arrival").key("timetable").key("lateness"),
                lateness,
            )?),
        };
        b.flow(
            id,
            FlowDef {
                origin,
                direction: match f.direction {
                    DirectionSpec::Westbound => Direction::Westbound,
                    DirectionSpec::Eastbound => Direction::Eastbound,
                },
                trains_per_year: f.trains_per_year,
                class,
                containers_per_train: units,
                destinations,
                via,
                shares: f.shares.clone(),
                routing,
                arrival,
                route_bias_hours: f.route_bias_hours.clone(),
                decide_at,
                growth_per_year: if f.growth_per_year.is_empty() {
                    spec.classes
                        .get(&f.class)
                        .map(|c| c.growth_per_year.clone())
                        .unwrap_or_default()
                } else {
                    f.growth_per_year.clone()
                },
            },
        )?;
    }
    super::routes::choices(spec, &mut b)?;
    for (name, members) in &spec.groups {
        let mut ids = Vec::new();
        for (i, m) in members.iter().enumerate() {
            ids.push(lookup(&b, at("groups", name).index(i), m)?);
        }
        b.group(name, &ids)?;
    }
    b.build()
}

fn days(path: FieldPath, v: f64, allow_zero: bool) -> Result<SimDuration, InvalidField> {
    let ok = if allow_zero { v >= 0.0 } else { v > 0.0 };
    if !(ok && v <= 36_525.0) {
        return Err(InvalidField::new(
            path,
            v,
            if allow_zero {
                "a number of days from 0 to 36525"
            } else {
                "a number of days above 0 and at most 36525"
            },
        ));
    }
    Ok(SimDuration::try_from_hours_f64(v * 24.0).expect("bounded above"))
}

/// The metric named `name` among those `net` reports.
fn metric(path: FieldPath, name: &str, net: &Network) -> Result<MetricKey, InvalidField> {
    metric_keys(net)
        .into_iter()
        .find(|k| k.to_string() == name)
        .ok_or_else(|| {
            InvalidField::new(
                path,
                format!("'{name}'"),
                "a metric this scenario reports (`silkrail metrics SCENARIO` lists them)",
            )
        })
}

/// Validates the experiment settings; metric names are checked against
/// what `net` reports.
pub(super) fn experiment(e: &ExperimentSpec, net: &Network) -> Result<Experiment, InvalidField> {
    let root = FieldPath::root().key("experiment");
    if e.seed > i64::MAX as u64 {
        // TOML integers are signed: a larger seed could not be written
        // back (variants are laid over the file as TOML).
        return Err(InvalidField::new(
            root.key("seed"),
            e.seed,
            format!("a seed from 0 to {}", i64::MAX),
        ));
    }
    if e.replications == 0 || e.replications > MAX_REPLICATIONS {
        return Err(InvalidField::new(
            root.key("replications"),
            e.replications,
            format!("from 1 to {MAX_REPLICATIONS} replications"),
        ));
    }
    if !(e.delay_threshold_hours >= 0.0 && e.delay_threshold_hours <= 87_660.0) {
        return Err(InvalidField::new(
            root.key("delay_threshold_hours"),
            e.delay_threshold_hours,
            "a number of hours from 0 to 87660",
        ));
    }
    let stopping = match &e.stopping {
        None => None,
        Some(st) => {
            let p = root.clone().key("stopping");
            if !(st.relative_half_width > 0.0 && st.relative_half_width.is_finite()) {
                return Err(InvalidField::new(
                    p.key("relative_half_width"),
                    st.relative_half_width,
                    "a positive fraction of the mean, e.g. 0.05",
                ));
            }
            if !(st.level > 0.0 && st.level < 1.0) {
                return Err(InvalidField::new(
                    p.key("level"),
                    st.level,
                    "a level between 0 and 1",
                ));
            }
            if st.min_replications < 2
                || st.max_replications < st.min_replications
                || st.max_replications > MAX_REPLICATIONS
            {
                return Err(InvalidField::new(
                    p.key("max_replications"),
                    format!(
                        "min {} and max {}",
                        st.min_replications, st.max_replications
                    ),
                    format!("2 ≤ min_replications ≤ max_replications ≤ {MAX_REPLICATIONS}"),
                ));
            }
            if st.batch == 0 {
                return Err(InvalidField::new(
                    p.key("batch"),
                    0,
                    "at least 1 replication per round",
                ));
            }
            Some(StoppingRule {
                metric: metric(p.key("metric"), &st.metric, net)?,
                relative_half_width: st.relative_half_width,
                level: st.level,
                min: st.min_replications,
                max: st.max_replications,
                batch: st.batch,
            })
        }
    };
    let sweep = match &e.sweep {
        None => None,
        Some(sw) => {
            let p = root.clone().key("sweep");
            if sw.multipliers.is_empty()
                || sw.multipliers.iter().any(|m| !(*m > 0.0 && m.is_finite()))
                || sw.multipliers.windows(2).any(|w| w[0] >= w[1])
            {
                return Err(InvalidField::new(
                    p.key("multipliers"),
                    format!("{:?}", sw.multipliers),
                    "positive multipliers in ascending order",
                ));
            }
            if !sw.threshold.is_finite() {
                return Err(InvalidField::new(
                    p.key("threshold"),
                    sw.threshold,
                    "a finite number",
                ));
            }
            if sw.replications < 2 || sw.replications > MAX_REPLICATIONS {
                return Err(InvalidField::new(
                    p.key("replications"),
                    sw.replications,
                    format!("from 2 to {MAX_REPLICATIONS} replications per point"),
                ));
            }
            Some(SweepSettings {
                multipliers: sw.multipliers.clone(),
                metric: metric(p.key("metric"), &sw.metric, net)?,
                threshold: sw.threshold,
                replications: sw.replications,
            })
        }
    };
    Ok(Experiment {
        stopping,
        sweep,
        horizon: days(root.clone().key("horizon_days"), e.horizon_days, false)?,
        warmup: days(root.key("warmup_days"), e.warmup_days, true)?,
        replications: e.replications,
        seed: e.seed,
        delay_threshold: SimDuration::try_from_hours_f64(e.delay_threshold_hours)
            .expect("bounded above"),
        trace: e.trace,
    })
}
