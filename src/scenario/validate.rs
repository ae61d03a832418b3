//! From file types to domain types: a [`ScenarioSpec`] becomes a
//! [`Network`] through the [`NetworkBuilder`], which does the checks;
//! what is left here is what only a file has (ids as text, gauges in
//! millimetres, distributions as written), each mapped with its path.

use std::sync::Arc;

use super::experiment::{Experiment, MAX_TRAINS_PER_REPLICATION, SweepSettings};
use super::spec::{
    ArrivalSpec, DirectionSpec, DistSpec, ExperimentSpec, GaugeChangeSpec, NodeKindSpec,
    PortSideSpec, RoutingSpec, ScenarioSpec,
};
use crate::corridor::{
    ArrivalProcess, BorderPort, ClosureWindow, Direction, FixedShares, FlowDef, Gauge, GaugeChange,
    HoursDist, Network, NetworkBuilder, PlaceId, PortSide, RandomClosures, RoutingPolicy, Section,
    ShortestExpectedDelay, metric_keys,
};
use crate::error::{FieldPath, InvalidField};
use crate::metric::MetricKey;
use crate::metric::is_identifier;
use crate::montecarlo::{MAX_REPLICATIONS, StoppingRule};
use crate::time::SimDuration;

fn at(root: &str, id: &str) -> FieldPath {
    FieldPath::root().key(root).key(id)
}

fn dist(path: FieldPath, spec: &DistSpec) -> Result<HoursDist, InvalidField> {
    spec.to_dist()
        .map_err(|e| InvalidField::new(path, e.value, e.expected))
}

fn gauge(path: FieldPath, mm: u32) -> Result<Gauge, InvalidField> {
    Gauge::from_mm(mm).ok_or_else(|| InvalidField::new(path, mm, "1435 or 1520"))
}

fn side(path: FieldPath, s: &PortSideSpec) -> Result<PortSide, InvalidField> {
    Ok(PortSide {
        tracks: s.tracks,
        cranes: s.cranes,
        cranes_per_train: s.cranes_per_train,
        transshipment: dist(path.clone().key("transshipment"), &s.transshipment)?,
        reference_containers: s.reference_containers,
        track_release: dist(path.clone().key("track_release"), &s.track_release)?,
        inspection: dist(path.key("inspection"), &s.inspection)?,
        handover_cap_per_day: s.handover_cap_trains_per_day,
        yard_capacity: s.yard_capacity_trains,
        max_containers_out: s.max_containers_out,
        couple_waiting_trains: s.couple_waiting_trains,
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
    let trains = per_day * days;
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
                sides: [
                    side(path.clone().key("westbound"), &p.westbound)?,
                    side(path.key("eastbound"), &p.eastbound)?,
                ],
            },
        )?;
    }
    let lookup = |b: &NetworkBuilder, path: FieldPath, id: &str| -> Result<PlaceId, InvalidField> {
        b.place_id(id)
            .ok_or_else(|| InvalidField::new(path, format!("'{id}'"), "the id of a node or port"))
    };
    for (id, s) in &spec.sections {
        let path = at("sections", id);
        let from = lookup(&b, path.clone().key("from"), &s.from)?;
        let to = lookup(&b, path.clone().key("to"), &s.to)?;
        let section = Section {
            from,
            to,
            gauge: gauge(path.clone().key("gauge_mm"), s.gauge_mm)?,
            running: dist(path.key("running"), &s.running)?,
            paths_per_day: s.paths_per_day,
        };
        b.section(id, section)?;
    }
    b.demand(spec.demand.multiplier, &spec.demand.seasonality)?;
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
        let routing: Arc<dyn RoutingPolicy> = match f.routing {
            RoutingSpec::FixedShares => Arc::new(FixedShares),
            RoutingSpec::ShortestExpectedDelay => Arc::new(ShortestExpectedDelay),
        };
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
                containers_per_train: f.containers_per_train,
                destinations,
                via,
                shares: f.shares.clone(),
                routing,
                arrival,
            },
        )?;
    }
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
