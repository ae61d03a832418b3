//! The corridor's metrics: what a [`ReplicationReport`] says, as typed keys
//! with units, and the list of every key a network can report.
//!
//! | scope | labels | measures |
//! |---|---|---|
//! | `port` | port, direction | `throughput` (formations leaving the facility), `handed_over` (at the border) \[trains/day\], `freight` \[wagons/day\] and \[Mt/yr\] (several classes), `track_wait_mean`, `track_wait_p95`, `dwell_mean`, `dwell_p95`, `held_upstream_mean` (wait at the border), `departure_wait_mean`, `delay_mean`, `delay_p95` \[h\], `queue_mean`, `held_upstream_mean`, `held_upstream_peak`, `queue_peak` \[trains\], `track_utilisation`, `crane_utilisation` \[ratio\]; where the side has them: `held_on_line_mean`, `tracks_blocked_mean` \[trains\], `inspection_wait_mean`, `hold_mean`, `wagon_wait_mean`, `locomotive_wait_mean` \[h\], `wagon_utilisation`, `locomotive_utilisation`, `banned`, `trains_out_per_train_in` \[ratio\], `refused` \[trains/day\] |
//! | `port` | port, direction, class | `throughput` \[trains/day\], `freight` \[Mt/yr\], `held_upstream_mean`, `dwell_mean` \[h\] (several classes); `transload_utilisation` \[ratio\] (transloaded classes) |
//! | `port` | port, direction | `handover_utilisation` \[ratio\] (where the side has a cap: trains handed over against the slots the cap in force offered, closures, cuts, changes and an opening date included) |
//! | `port` | port | `closed`, `reduced` (with reductions) \[h\] |
//! | `group` | group | `delay_mean`, `delay_p95` \[h\] |
//! | `group` | group, direction | `throughput` \[trains/day\], `delay_mean`, `delay_p95` \[h\] |
//! | `section` | section | `load` (both directions) \[trains/day\]; `path_hold_mean`, `line_wait_mean` (where limited) \[h\] |
//! | `section` | section, towards | `load` \[trains/day\]; `path_load` \[ratio\] (trains entering against the scenario's paths a day, where limited, cuts and changes not counted; above 1 they queue for paths ahead; on a single track, one figure for both directions under `section`); `waiting_mean`, `waiting_peak` (where limited) \[trains\]; `banned` \[ratio\], `refused` \[trains/day\] (with a ban) |
//! | any of `port` (handed_over, delay_mean, handover_utilisation), `group` (delay_mean, and per direction throughput and delay_mean), `section` (path_load) | the same, then `year` | each calendar year, when the network has a start year |
//! | `flow` | flow | `released` \[trains/day\] |
//! | `od` | origin, destination | `transit_mean`, `transit_p95` \[days\] |
//! | `network` | — | `transit_mean` \[days\], `delayed` \[ratio\], `backlog` \[trains\], `delivered` \[trains/day\]; with bans: `refused`, `cancelled` \[trains/day\] |
//!
//! Distributions (merged across replications for the charts), in
//! milliseconds: `port.<port>.<direction>.delay_ms`, `…track_wait_ms`,
//! `…dwell_ms` and `od.<origin>.<destination>.transit_ms`.

use super::ids::Direction;
use super::network::Network;
use super::report::{ReplicationReport, SideStats, ms_to_hours};
use super::tally::Tally;
use super::years::YearStats;
use crate::metric::{MetricKey, Observation, Unit};
use crate::stats::{Histogram, OnlineStats};
use crate::time::{SimDuration, SimTime, TICKS_PER_DAY, TICKS_PER_HOUR};

fn side_key(port: &str, dir: Direction, measure: &str, unit: Unit) -> MetricKey {
    MetricKey::new("port", measure, unit)
        .with("port", port)
        .with("direction", dir.name())
}

/// Calls `put` for every metric of `r`, in a fixed order; with
/// `every_side`, also for port sides that no train reached (whose values
/// are then mostly undefined).
fn visit(r: &ReplicationReport, every_side: bool, put: &mut dyn FnMut(MetricKey, Option<f64>)) {
    let days = r.measured_days();
    let end = r.end;
    let per_day = |n: u64| (days > 0.0).then(|| n as f64 / days);
    let per_year_mt = |tonnes: f64| (days > 0.0).then(|| tonnes / 1e6 * 365.0 / days);
    let several_classes = r.classes.len() > 1;
    for p in &r.ports {
        for dir in Direction::BOTH {
            let s = &p.sides[dir.index()];
            if s.arrivals == 0 && !every_side {
                continue;
            }
            let k = |m: &str, u: Unit| side_key(&p.id, dir, m, u);
            put(k("throughput", Unit::TrainsPerDay), per_day(s.departed));
            put(k("track_wait_mean", Unit::Hours), s.track_wait_hours.mean());
            put(
                k("track_wait_p95", Unit::Hours),
                s.track_wait.quantile(0.95).map(ms_to_hours),
            );
            put(k("dwell_mean", Unit::Hours), s.dwell_hours.mean());
            put(
                k("dwell_p95", Unit::Hours),
                s.dwell.quantile(0.95).map(ms_to_hours),
            );
            put(
                k("held_upstream_mean", Unit::Hours),
                s.held_upstream_hours.mean(),
            );
            put(
                k("departure_wait_mean", Unit::Hours),
                s.departure_wait_hours.mean(),
            );
            put(k("delay_mean", Unit::Hours), s.delay_hours.mean());
            put(
                k("delay_p95", Unit::Hours),
                s.delay.quantile(0.95).map(ms_to_hours),
            );
            put(k("queue_mean", Unit::Trains), s.queue.mean(end));
            put(k("held_upstream_mean", Unit::Trains), s.blocked.mean(end));
            put(k("queue_peak", Unit::Trains), Some(s.queue.peak() as f64));
            if s.tracks > 0 {
                put(
                    k("track_utilisation", Unit::Ratio),
                    s.tracks_busy.mean(end).map(|b| b / f64::from(s.tracks)),
                );
            }
            if s.cranes > 0 {
                put(
                    k("crane_utilisation", Unit::Ratio),
                    s.cranes_busy.mean(end).map(|b| b / f64::from(s.cranes)),
                );
            }
            put(k("handed_over", Unit::TrainsPerDay), per_day(s.handed_over));
            if s.handover_cap > 0 {
                // Against the slots the cap in force offered (closures,
                // cuts, changes and an opening date included).
                let slots = s.cap_in_force.area(end) as f64 / TICKS_PER_DAY as f64;
                put(
                    k("handover_utilisation", Unit::Ratio),
                    (slots > 0.0).then(|| s.handed_over as f64 / slots),
                );
            }
            put(
                k("held_upstream_peak", Unit::Trains),
                Some(s.blocked.peak() as f64),
            );
            side_mechanics(r, s, &k, days, put);
            if several_classes {
                for (c, flow) in s.classes.iter().enumerate() {
                    if !flow.handled {
                        continue;
                    }
                    let class = &r.classes[c];
                    let kc = |m: &str, u: Unit| k(m, u).with("class", &class.id);
                    put(kc("throughput", Unit::TrainsPerDay), per_day(flow.departed));
                    put(
                        kc("held_upstream_mean", Unit::Hours),
                        flow.border_wait_hours.mean(),
                    );
                    put(kc("dwell_mean", Unit::Hours), flow.dwell_hours.mean());
                    if class.tonnes_per_unit > 0.0 {
                        put(
                            kc("freight", Unit::MegatonnesPerYear),
                            per_year_mt(flow.units_out as f64 * class.tonnes_per_unit),
                        );
                    }
                }
            }
            for (c, &tracks) in s.transload_tracks.iter().enumerate() {
                if tracks > 0 {
                    put(
                        k("transload_utilisation", Unit::Ratio).with("class", &r.classes[c].id),
                        s.transload_busy[c].mean(end).map(|b| b / f64::from(tracks)),
                    );
                }
            }
        }
        put(
            MetricKey::new("port", "closed", Unit::Hours).with("port", &p.id),
            Some(p.closed.area(end) as f64 / TICKS_PER_HOUR as f64),
        );
        if p.has_cuts {
            put(
                MetricKey::new("port", "reduced", Unit::Hours).with("port", &p.id),
                Some(p.reduced.area(end) as f64 / TICKS_PER_HOUR as f64),
            );
        }
    }
    for (name, members) in &r.groups {
        // Train-weighted over the member ports: both directions, then each
        // direction.
        let merged = |dirs: &[Direction]| {
            let (mut delay, mut hist, mut served) = (OnlineStats::new(), Histogram::new(), 0);
            for &p in members {
                for d in dirs {
                    let s: &SideStats = &r.ports[p].sides[d.index()];
                    delay.merge(&s.delay_hours);
                    hist.merge(&s.delay);
                    served += s.departed;
                }
            }
            (delay, hist, served)
        };
        let g = |m: &str, u: Unit| MetricKey::new("group", m, u).with("group", name);
        let (delay, hist, _) = merged(&Direction::BOTH);
        put(g("delay_mean", Unit::Hours), delay.mean());
        put(
            g("delay_p95", Unit::Hours),
            hist.quantile(0.95).map(ms_to_hours),
        );
        for dir in Direction::BOTH {
            let (delay, hist, served) = merged(&[dir]);
            let k = |m: &str, u: Unit| g(m, u).with("direction", dir.name());
            put(k("throughput", Unit::TrainsPerDay), per_day(served));
            put(k("delay_mean", Unit::Hours), delay.mean());
            put(
                k("delay_p95", Unit::Hours),
                hist.quantile(0.95).map(ms_to_hours),
            );
        }
    }
    for sec in &r.sections {
        let k = |m: &str, u: Unit| MetricKey::new("section", m, u).with("section", &sec.id);
        put(
            k("load", Unit::TrainsPerDay),
            per_day(sec.lines[0].entered + sec.lines[1].entered),
        );
        if sec.paths_limited {
            put(
                k("path_hold_mean", Unit::Hours),
                Some(sec.path_hold_hours.mean().unwrap_or(0.0)),
            );
            if sec.single_track {
                put(
                    k("path_load", Unit::Ratio),
                    per_day(sec.lines[0].entered + sec.lines[1].entered)
                        .map(|n| n / sec.paths_per_day),
                );
            }
        }
        if sec.capacity_trains > 0 || sec.has_cuts {
            put(
                k("line_wait_mean", Unit::Hours),
                Some(sec.line_wait_hours.mean().unwrap_or(0.0)),
            );
        }
        if sec.has_cuts {
            put(
                k("reduced", Unit::Hours),
                Some(sec.reduced.area(end) as f64 / TICKS_PER_HOUR as f64),
            );
        }
        for (o, line) in sec.lines.iter().enumerate() {
            // Direction 0 runs from `from` towards `to`.
            let kt = |m: &str, u: Unit| k(m, u).with("towards", &sec.ends[1 - o]);
            put(kt("load", Unit::TrainsPerDay), per_day(line.entered));
            if sec.paths_limited && !sec.single_track {
                put(
                    kt("path_load", Unit::Ratio),
                    per_day(line.entered).map(|n| n / sec.paths_per_day),
                );
            }
            if sec.capacity_trains > 0 || sec.has_cuts || sec.acceptance {
                put(kt("waiting_mean", Unit::Trains), line.waiting.mean(end));
                put(
                    kt("waiting_peak", Unit::Trains),
                    Some(line.waiting.peak() as f64),
                );
            }
            if sec.acceptance {
                put(kt("banned", Unit::Ratio), line.banned.mean(end));
                put(kt("refused", Unit::TrainsPerDay), per_day(line.refused));
            }
        }
    }
    for f in &r.flows {
        put(
            MetricKey::new("flow", "released", Unit::TrainsPerDay).with("flow", &f.id),
            per_day(f.released),
        );
    }
    for od in &r.ods {
        let k = |m: &str| {
            MetricKey::new("od", m, Unit::Days)
                .with("origin", &od.origin)
                .with("destination", &od.destination)
        };
        put(k("transit_mean"), od.transit_hours.mean().map(|h| h / 24.0));
        put(
            k("transit_p95"),
            od.transit.quantile(0.95).map(|ms| ms_to_hours(ms) / 24.0),
        );
    }
    let n = &r.network;
    let mut transit = OnlineStats::new();
    for od in &r.ods {
        transit.merge(&od.transit_hours);
    }
    let net = |m: &str, u: Unit| MetricKey::new("network", m, u);
    put(
        net("transit_mean", Unit::Days),
        transit.mean().map(|h| h / 24.0),
    );
    put(
        net("delayed", Unit::Ratio),
        (n.delivered_consignments > 0)
            .then(|| n.delayed_consignments as f64 / n.delivered_consignments as f64),
    );
    put(net("backlog", Unit::Trains), Some(n.backlog_trains as f64));
    put(
        net("delivered", Unit::TrainsPerDay),
        per_day(n.delivered_trains),
    );
    if r.ports.iter().any(|p| p.sides.iter().any(|s| s.acceptance))
        || r.sections.iter().any(|s| s.acceptance)
    {
        put(
            net("refused", Unit::TrainsPerDay),
            per_day(n.refused_trains),
        );
        put(
            net("cancelled", Unit::TrainsPerDay),
            per_day(n.cancelled_trains),
        );
    }
    for y in &r.years {
        visit_year(r, y, every_side, put);
    }
}

/// The metrics of one calendar year: per port side, the trains handed over
/// and the waiting at the port; per group, the waiting (both directions and
/// each) and the throughput each way. Keys carry a `year` label after the
/// others: `group.cn_kz.2028.delay_mean_hours`.
fn visit_year(
    r: &ReplicationReport,
    y: &YearStats,
    every_side: bool,
    put: &mut dyn FnMut(MetricKey, Option<f64>),
) {
    let days = y.days();
    let per_day = |n: u64| (days > 0.0).then(|| n as f64 / days);
    let label = y.year.to_string();
    for (p, sides) in r.ports.iter().zip(&y.sides) {
        for dir in Direction::BOTH {
            if p.sides[dir.index()].arrivals == 0 && !every_side {
                continue;
            }
            let s = &sides[dir.index()];
            let k = |m: &str, u: Unit| side_key(&p.id, dir, m, u).with("year", &label);
            put(k("handed_over", Unit::TrainsPerDay), per_day(s.handed_over));
            put(k("delay_mean", Unit::Hours), s.delay_hours.mean());
            if p.sides[dir.index()].handover_cap > 0 {
                put(
                    k("handover_utilisation", Unit::Ratio),
                    (s.cap_slots > 0.0).then(|| s.handed_over as f64 / s.cap_slots),
                );
            }
        }
    }
    for (sec, entered) in r.sections.iter().zip(&y.sections) {
        if !sec.paths_limited {
            continue;
        }
        let k = |m: &str, u: Unit| MetricKey::new("section", m, u).with("section", &sec.id);
        if sec.single_track {
            put(
                k("path_load", Unit::Ratio).with("year", &label),
                per_day(entered[0] + entered[1]).map(|n| n / sec.paths_per_day),
            );
        } else {
            for (o, &n) in entered.iter().enumerate() {
                put(
                    k("path_load", Unit::Ratio)
                        .with("towards", &sec.ends[1 - o])
                        .with("year", &label),
                    per_day(n).map(|n| n / sec.paths_per_day),
                );
            }
        }
    }
    for (name, members) in &r.groups {
        let merged = |dirs: &[Direction]| {
            let (mut delay, mut served) = (OnlineStats::new(), 0);
            for &p in members {
                for d in dirs {
                    let s = &y.sides[p][d.index()];
                    delay.merge(&s.delay_hours);
                    served += s.departed;
                }
            }
            (delay, served)
        };
        let g = |m: &str, u: Unit| MetricKey::new("group", m, u).with("group", name);
        put(
            g("delay_mean", Unit::Hours).with("year", &label),
            merged(&Direction::BOTH).0.mean(),
        );
        for dir in Direction::BOTH {
            let (delay, served) = merged(&[dir]);
            let k = |m: &str, u: Unit| g(m, u).with("direction", dir.name()).with("year", &label);
            put(k("throughput", Unit::TrainsPerDay), per_day(served));
            put(k("delay_mean", Unit::Hours), delay.mean());
        }
    }
}

/// The metrics of the mechanics a side has: a finite siding, departure
/// tracks, limited inspection, holds, a wagon pool, bans, re-forming.
fn side_mechanics(
    r: &ReplicationReport,
    s: &SideStats,
    k: &dyn Fn(&str, Unit) -> MetricKey,
    days: f64,
    put: &mut dyn FnMut(MetricKey, Option<f64>),
) {
    let end = r.end;
    let per_day = |n: u64| (days > 0.0).then(|| n as f64 / days);
    if r.classes.len() > 1 {
        let units: u64 = s.classes.iter().map(|c| c.units_out).sum();
        let tonnes: f64 = s
            .classes
            .iter()
            .zip(&r.classes)
            .map(|(c, info)| c.units_out as f64 * info.tonnes_per_unit)
            .sum();
        put(k("freight", Unit::WagonsPerDay), per_day(units));
        put(
            k("freight", Unit::MegatonnesPerYear),
            (days > 0.0).then(|| tonnes / 1e6 * 365.0 / days),
        );
    }
    if s.siding > 0 {
        put(
            k("held_on_line_mean", Unit::Trains),
            s.held_on_line.mean(end),
        );
    }
    if s.departure_tracks > 0 {
        put(
            k("tracks_blocked_mean", Unit::Trains),
            s.blocked_tracks.mean(end),
        );
    }
    if s.inspection_limited {
        put(
            k("inspection_wait_mean", Unit::Hours),
            s.inspection_wait_hours.mean(),
        );
    }
    if s.holds {
        put(k("hold_mean", Unit::Hours), s.hold_hours.mean());
    }
    if s.wagon_pool > 0 {
        put(k("wagon_wait_mean", Unit::Hours), s.wagon_wait_hours.mean());
        put(
            k("wagon_utilisation", Unit::Ratio),
            s.wagons_out.mean(end).map(|w| w / f64::from(s.wagon_pool)),
        );
    }
    if s.locomotive_pool > 0 {
        put(
            k("locomotive_wait_mean", Unit::Hours),
            s.locomotive_wait_hours.mean(),
        );
        put(
            k("locomotive_utilisation", Unit::Ratio),
            s.locomotives_out
                .mean(end)
                .map(|w| w / f64::from(s.locomotive_pool)),
        );
    }
    if s.acceptance {
        put(k("banned", Unit::Ratio), s.banned.mean(end));
        put(k("refused", Unit::TrainsPerDay), per_day(s.refused));
    }
    if s.reforms {
        put(
            k("trains_out_per_train_in", Unit::Ratio),
            (s.departed > 0)
                .then(|| (s.departed - s.coupled_away + s.split_added) as f64 / s.departed as f64),
        );
    }
}

impl ReplicationReport {
    /// The scalar results as typed metrics, in a fixed order (undefined
    /// ones left out), without the distributions.
    pub fn observation(&self) -> Observation {
        let mut obs = Observation::new(self.events);
        obs.consistent = self.is_conserved() && self.ports_conserve_trains();
        visit(self, false, &mut |k, v| obs.put(k, v));
        obs
    }

    /// The scalar results as [`observation`](Self::observation) gives them,
    /// with the distributions behind the charts moved in: every train's
    /// delay, track wait and dwell per port side, and transit per
    /// origin–destination pair \[ms\].
    pub fn into_observation(mut self) -> Observation {
        let mut obs = self.observation();
        for p in &mut self.ports {
            for dir in Direction::BOTH {
                let s = &mut p.sides[dir.index()];
                if s.arrivals == 0 {
                    continue;
                }
                for (m, h) in [
                    ("delay", &mut s.delay),
                    ("track_wait", &mut s.track_wait),
                    ("dwell", &mut s.dwell),
                ] {
                    obs.distributions.push((
                        side_key(&p.id, dir, m, Unit::Milliseconds),
                        std::mem::take(h),
                    ));
                }
            }
        }
        for od in &mut self.ods {
            let k = MetricKey::new("od", "transit", Unit::Milliseconds)
                .with("origin", &od.origin)
                .with("destination", &od.destination);
            obs.distributions.push((k, std::mem::take(&mut od.transit)));
        }
        // Day by day and month by month, for the sides that saw trains.
        for (p, sides) in self.ports.iter().zip(&self.daily) {
            for dir in Direction::BOTH {
                if p.sides[dir.index()].arrivals == 0 {
                    continue;
                }
                let daily = &sides[dir.index()];
                for ((measure, _), values) in super::DAILY_MEASURES.iter().zip(&daily.values) {
                    obs.series
                        .push((series_key(&p.id, dir, "day", measure), values.clone()));
                    obs.series.push((
                        series_key(&p.id, dir, "month", measure),
                        super::monthly_means(values),
                    ));
                }
            }
        }
        obs
    }
}

/// The key of a port side's series: `port.ID.DIR.day.waiting_for_handover_trains`
/// (`every` is `day` or `month`; handovers are counted per day).
pub fn series_key(port: &str, dir: Direction, every: &str, measure: &str) -> MetricKey {
    let unit = if measure == "handed_over" {
        Unit::TrainsPerDay
    } else {
        Unit::Trains
    };
    MetricKey::new("port", measure, unit)
        .with("port", port)
        .with("direction", dir.name())
        .with("every", every)
}

/// The measures of a capacity's use (a ratio: 1 is full), what each
/// measures, and the measure of the wait in front of it: a port side's
/// handover cap, tracks, cranes, wagon and locomotive pools, and a line's
/// paths.
pub const USE_MEASURES: &[(&str, &str, &str)] = &[
    (
        "handover_utilisation",
        "handover cap",
        "held_upstream_mean_hours",
    ),
    ("track_utilisation", "tracks", "track_wait_mean_hours"),
    ("crane_utilisation", "cranes", "track_wait_mean_hours"),
    ("wagon_utilisation", "wagon pool", "wagon_wait_mean_hours"),
    (
        "locomotive_utilisation",
        "locomotives",
        "locomotive_wait_mean_hours",
    ),
    ("path_load", "line paths", "path_hold_mean_hours"),
];

/// Every metric key a replication of `net` may report, in the order of
/// [`ReplicationReport::observation`].
///
/// These are the keys of a run of one year or less without per-year
/// results; [`metric_keys_over`] adds those of each calendar year a run
/// covers when the network has a start year.
pub fn metric_keys(net: &Network) -> Vec<MetricKey> {
    metric_keys_over(net, SimDuration::ZERO, SimDuration::ZERO)
}

/// Every metric key a replication of `net` with this warm-up and horizon
/// may report: [`metric_keys`], and for a network with a start year the
/// per-year keys of each calendar year the measured span covers.
pub fn metric_keys_over(
    net: &Network,
    warmup: SimDuration,
    horizon: SimDuration,
) -> Vec<MetricKey> {
    let start = SimTime::ZERO + warmup;
    let empty = Tally::new(net, start, start + horizon).into_report();
    let mut keys = Vec::new();
    visit(&empty, true, &mut |k, _| keys.push(k));
    keys
}
