//! The border mechanics: traffic classes in the same slots, finite sidings
//! and spill-back onto the line, departure tracks, wagon and locomotive
//! pools, acceptance bans, partial reductions of capacity and
//! consolidation.
//!
//! Three kinds of check:
//!
//! - **Invariants on every sample path**, for a corridor where every
//!   mechanism binds at once: trains, containers, wagons and locomotives
//!   are conserved; no siding, yard, departure track or line ever holds
//!   more than its capacity; and, on a run that drains, Little's law holds
//!   to the millisecond at the border (the handover buffer), in the yard,
//!   in the port and on every line.
//! - **Queueing theory** for one port where theory gives the answer: two
//!   classes sharing one server with non-preemptive priority (Cobham's
//!   formulas), and inspection by `c` teams (Erlang C). Each is checked
//!   with a Student-t interval over independent replications; the
//!   significance level is split over the checks of this file
//!   (Bonferroni) and the seeds are fixed, so the outcome never changes.
//! - **Behaviour** that follows from the rules: a cut to 20 % of a cap
//!   hands over no more than the cut cap a day; a seasonal reduction
//!   happens only in its months; reserved slots keep a class moving.

mod common;

use silkrail::corridor::{CorridorModel, Direction, ReplicationReport, RunSettings, TraceEvent};
use silkrail::queueing::erlang_c;
use silkrail::scenario::Scenario;
use silkrail::study::CorridorExperiment;
use silkrail::time::{SimDuration, SimTime};

/// Probability that any statistical check in this file fails for a
/// correct model.
const FAMILY_ALPHA: f64 = 0.01;
/// Statistical checks in this file: 2 priority classes + 1 Erlang C wait.
const CHECKS: f64 = 3.0;
const ALPHA: f64 = FAMILY_ALPHA / CHECKS;

/// A corridor where everything binds: containers (priority, a ban that
/// cancels) and grain (its own transloading track, phytosanitary holds, a
/// ban that makes trains wait at their origin) share a cap of 14 trains a
/// day at one port; a 3-train siding, a 4-train yard, 2 departure tracks,
/// a wagon pool and 4 locomotives; a short approach line that holds 3
/// trains; inspection by 2 teams in working hours with deep inspections;
/// a dated cut and winter storms at the port, a dated cut on the line out;
/// consolidation into trains of at most 43 FEU.
const STRESS: &str = r#"
name = "Everything binds"

[experiment]
horizon_days = 150
warmup_days = 20
replications = 4
seed = 7
delay_threshold_hours = 48

[classes.grain]
name = "Grain"
tonnes_per_unit = 65

[nodes.east]
name = "East"
kind = "hub"
gauge_mm = 1435

[nodes.mid]
name = "Approach junction"
kind = "junction"
gauge_mm = 1435

[nodes.west]
name = "West"
kind = "hub"
gauge_mm = 1520

[ports.border]
name = "Border"
west_gauge_mm = 1520
east_gauge_mm = 1435
gauge_change = "transshipment"
cuts = [{ start_day = 60, days = 8, capacity_factor = 0.25, cranes_factor = 0.5 }]
random_cuts = [{ events_per_year = 10, monthly_weights = [3, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3], duration = { exponential = { mean_hours = 24 } }, capacity_factor = 0.4 }]

[ports.border.westbound]
tracks = 2
cranes = 2
transshipment = { exponential = { mean_hours = 1.2 } }
reference_containers = 55
track_release = { deterministic_hours = 0.5 }
inspection = { exponential = { mean_hours = 1.0 } }
inspection_teams = 2
inspection_hours = { from_hour = 6, to_hour = 22 }
deep_inspection = { share = 0.1, duration = { uniform = { min_hours = 6, max_hours = 18 } } }
handover_cap_trains_per_day = 14
handover_siding_trains = 3
yard_capacity_trains = 4
departure_tracks = 2
max_containers_out = 43
consolidate_max_wait_hours = 12
wagon_pool = { wagons = 1200, turnaround = { lognormal = { mean_hours = 40, sd_hours = 10 } } }
locomotive_pool = { locomotives = 4, turnaround = { lognormal = { mean_hours = 5.5, sd_hours = 1.5 } } }

[ports.border.westbound.classes.container]
priority = 1
acceptance = { stop_above_trains = 10, resume_below_trains = 4, refused = "cancel" }

[ports.border.westbound.classes.grain]
handling = "transload"
tracks = 1
service = { exponential = { mean_hours = 3.0 } }
reference_wagons = 50
hold = { share = 0.3, duration = { uniform = { min_hours = 24, max_hours = 72 } } }
acceptance = { stop_above_trains = 4, resume_below_trains = 1 }

[ports.border.eastbound]
tracks = 1
cranes = 1
transshipment = { deterministic_hours = 1.0 }
reference_containers = 50
track_release = { deterministic_hours = 0.2 }
inspection = { deterministic_hours = 0.5 }
yard_capacity_trains = 4

[ports.border.eastbound.classes.grain]
handling = "pass"

[sections.east_mid]
from = "east"
to = "mid"
gauge_mm = 1435
running = { lognormal = { mean_hours = 10, sd_hours = 2 } }

[sections.mid_border]
from = "mid"
to = "border"
gauge_mm = 1435
running = { deterministic_hours = 1.5 }
capacity_trains = 3
acceptance = { stop_above_trains = 6, resume_below_trains = 2 }

[sections.border_west]
from = "border"
to = "west"
gauge_mm = 1520
running = { lognormal = { mean_hours = 20, sd_hours = 4 } }
paths_per_day = 30
capacity_trains = 8
cuts = [{ start_day = 90, days = 3, capacity_factor = 0.0 }]

[flows.containers]
origin = "east"
direction = "westbound"
trains_per_year = 3650
containers_per_train = 55
destinations = { west = 1.0 }

[flows.grain]
origin = "east"
direction = "westbound"
class = "grain"
trains_per_year = 1095
wagons_per_train = 50
destinations = { west = 1.0 }

[flows.empties_back]
origin = "west"
direction = "eastbound"
class = "grain"
trains_per_year = 1095
wagons_per_train = 50
destinations = { east = 1.0 }

[flows.containers_back]
origin = "west"
direction = "eastbound"
trains_per_year = 1460
containers_per_train = 50
destinations = { east = 1.0 }
"#;

fn stress() -> Scenario {
    Scenario::from_toml_str(STRESS, "stress.toml").unwrap()
}

fn settings(replication: u64, warmup_days: u64, days: u64) -> RunSettings {
    RunSettings {
        seed: 7,
        replication,
        warmup: SimDuration::from_days(warmup_days),
        horizon: SimDuration::from_days(days),
        delay_threshold: SimDuration::from_hours(48),
        trace: false,
    }
}

/// No siding, yard, departure track or line ever held more than it has.
fn assert_bounded(r: &ReplicationReport, s: &Scenario) {
    for (p, port) in r.ports.iter().zip(s.network.ports()) {
        for dir in Direction::BOTH {
            let (got, cfg) = (&p.sides[dir.index()], &port.sides[dir.index()]);
            assert!(
                got.yard.peak() <= u64::from(cfg.yard_capacity),
                "{} yard",
                p.id
            );
            if let Some(n) = cfg.handover_siding {
                assert!(got.in_siding.peak() <= u64::from(n), "{} siding", p.id);
            }
            if let Some(n) = cfg.departure_tracks {
                assert!(got.departing.peak() <= u64::from(n), "{} departure", p.id);
            }
            if let Some(n) = cfg.max_containers_out {
                assert!(got.longest_out <= n, "{} longest {}", p.id, got.longest_out);
            }
        }
    }
    for (sec, cfg) in r.sections.iter().zip(s.network.sections()) {
        if let Some(n) = cfg.capacity_trains {
            for line in &sec.lines {
                assert!(line.on.peak() <= u64::from(n), "{} on the line", sec.id);
            }
        }
    }
}

#[test]
fn everything_is_conserved_and_bounded_when_everything_binds() {
    let s = stress();
    let mut seen = [false; 8];
    for rep in 0..4 {
        let r = CorridorModel::run(&s.network, settings(rep, 20, 150));
        assert!(r.is_conserved(), "rep {rep}: {:?}", r.network);
        assert!(r.ports_conserve_trains(), "rep {rep}");
        assert_bounded(&r, &s);
        let w = &r.port("border").unwrap().sides[Direction::Westbound.index()];
        // Each mechanism did bind in some replication.
        seen[0] |= w.held_on_line.peak() > 0;
        seen[1] |= w.refused > 0;
        seen[2] |= w.blocked_tracks.peak() > 0;
        seen[3] |= w.wagon_wait_hours.max().unwrap_or(0.0) > 0.0;
        seen[4] |= w.locomotive_wait_hours.max().unwrap_or(0.0) > 0.0;
        seen[5] |= w.coupled_away > 0 && w.split_added > 0;
        seen[6] |= r
            .sections
            .iter()
            .any(|x| x.lines.iter().any(|l| l.waiting.peak() > 0));
        seen[7] |= r
            .sections
            .iter()
            .any(|x| x.lines.iter().any(|l| l.refused > 0));
    }
    let names = [
        "spill-back onto the line",
        "bans",
        "blocked tracks",
        "wagon shortage",
        "locomotive shortage",
        "consolidation",
        "trains waiting for a full line",
        "a railway's ban on a line",
    ];
    for (hit, name) in seen.iter().zip(names) {
        assert!(hit, "{name} never happened: the test would not test it");
    }
}

#[test]
fn littles_law_holds_at_the_border_the_yard_the_port_and_on_every_line() {
    // No warm-up, and the run drains: the area under each count equals the
    // sum of the stays it counts, to the millisecond (L·T = Σ W).
    let s = stress();
    for rep in 0..2 {
        let mut cfg = settings(rep, 0, 120);
        cfg.warmup = SimDuration::ZERO;
        let mut sim = CorridorModel::simulation(&s.network, cfg);
        sim.run_until(SimTime::from_days(120));
        sim.run_until(SimTime::from_days(400));
        let end = sim.now();
        let r = sim.into_model().finish(end, 0);
        assert_eq!(r.network.backlog_trains, 0, "the system drained");
        assert!(r.is_conserved() && r.ports_conserve_trains());
        for p in &r.ports {
            for side in &p.sides {
                assert_eq!(side.blocked.area(end), side.border_ms, "{} border", p.id);
                assert_eq!(side.yard.area(end), side.yard_ms, "{} yard", p.id);
                assert_eq!(side.in_port.area(end), side.dwell_ms, "{} port", p.id);
            }
        }
        for sec in &r.sections {
            for line in &sec.lines {
                assert_eq!(line.on.value(), 0);
                assert_eq!(line.on.area(end), line.on_ms, "{} line", sec.id);
            }
        }
    }
}

/// One port where the yard is a single server: containers (high
/// priority) and grain share it; trains wait at the border and the
/// handover takes the highest priority first. Service (inspection, then
/// straight through) is exponential with mean 1 h; containers arrive at
/// 0.3/h, grain at 0.4/h.
const PRIORITY: &str = r#"
name = "Two classes, one server, non-preemptive priority"

[experiment]
horizon_days = 200
warmup_days = 10
replications = 20
seed = 2027
delay_threshold_hours = 24

[classes.grain]
name = "Grain"
tonnes_per_unit = 65

[nodes.east]
name = "East"
kind = "hub"
gauge_mm = 1435

[nodes.west]
name = "West"
kind = "hub"
gauge_mm = 1435

[ports.port]
name = "Port"
west_gauge_mm = 1435
east_gauge_mm = 1435
gauge_change = "none"

[ports.port.westbound]
tracks = 0
transshipment = { deterministic_hours = 0.0 }
reference_containers = 50
track_release = { deterministic_hours = 0.0 }
inspection = { exponential = { mean_hours = 1.0 } }
yard_capacity_trains = 1

[ports.port.westbound.classes.container]
priority = 1

[ports.port.westbound.classes.grain]
handling = "pass"

[ports.port.eastbound]
tracks = 0
transshipment = { deterministic_hours = 0.0 }
reference_containers = 50
track_release = { deterministic_hours = 0.0 }
inspection = { deterministic_hours = 0.0 }
yard_capacity_trains = 1

[sections.east_port]
from = "east"
to = "port"
gauge_mm = 1435
running = { deterministic_hours = 0.0 }

[sections.port_west]
from = "port"
to = "west"
gauge_mm = 1435
running = { deterministic_hours = 0.0 }

# 0.3 and 0.4 trains an hour.
[flows.containers]
origin = "east"
direction = "westbound"
trains_per_year = 2628
containers_per_train = 50
destinations = { west = 1.0 }

[flows.grain]
origin = "east"
direction = "westbound"
class = "grain"
trains_per_year = 3504
wagons_per_train = 50
destinations = { west = 1.0 }
"#;

#[test]
fn two_classes_sharing_one_server_follow_cobham() {
    let s = Scenario::from_toml_str(PRIORITY, "priority.toml").unwrap();
    let (l1, l2, mu) = (0.3, 0.4, 1.0);
    let (r1, rho) = (l1 / mu, (l1 + l2) / mu);
    // Non-preemptive priority M/M/1: the mean residual work the server
    // holds is W0 = Σ λ E[S²] / 2 = ρ / μ for exponential service; a class
    // waits W0 / ((1 − σ_{k−1})(1 − σ_k)), σ_k the load of classes 1..k.
    let w0 = rho / mu;
    let truth = [
        ("container", w0 / (1.0 - r1)),
        ("grain", w0 / ((1.0 - r1) * (1.0 - rho))),
    ];
    let model = CorridorExperiment::of(&s);
    let result = common::run(s.experiment.seed, &[&model], 20);
    for (class, exact) in truth {
        let metric = format!("port.port.westbound.{class}.held_upstream_mean_hours");
        let ci = result.arms[0]
            .moments(&common::key(&model, &metric))
            .unwrap()
            .confidence_interval(1.0 - ALPHA)
            .unwrap();
        assert!(
            ci.contains(exact),
            "{metric}: {ci} excludes Cobham's {exact} at α = {ALPHA}"
        );
    }
}

#[test]
fn inspection_by_three_teams_follows_erlang_c() {
    // The M/M/3 port of the examples, with the servers moved from the
    // cranes to inspection teams: 2.4 trains an hour, inspection of mean
    // 1 h by 3 teams, nothing else.
    let mut spec = Scenario::from_toml_str(PRIORITY, "priority.toml")
        .unwrap()
        .spec;
    spec.classes.clear();
    spec.flows.remove("grain");
    spec.flows.get_mut("containers").unwrap().trains_per_year = 2.4 * 24.0 * 365.0;
    let side = &mut spec.ports.get_mut("port").unwrap().westbound;
    side.classes.clear();
    side.yard_capacity_trains = 1_000_000;
    side.inspection_teams = Some(3);
    let s = Scenario::from_spec(spec).unwrap();
    let truth = erlang_c(3, 2.4, 1.0).unwrap();
    let model = CorridorExperiment::of(&s);
    let result = common::run(s.experiment.seed, &[&model], 20);
    let metric = "port.port.westbound.inspection_wait_mean_hours";
    let ci = result.arms[0]
        .moments(&common::key(&model, metric))
        .unwrap()
        .confidence_interval(1.0 - ALPHA)
        .unwrap();
    assert!(
        ci.contains(truth.wq),
        "{metric}: {ci} excludes Erlang C {} at α = {ALPHA}",
        truth.wq
    );
}

/// Westbound handovers at the border of `r`'s trace, per day.
fn handovers_per_day(r: &ReplicationReport, days: usize) -> Vec<u32> {
    let mut per_day = vec![0u32; days + 1];
    for e in r.trace.as_ref().expect("a trace was asked for") {
        if e.event == TraceEvent::HandedOver && e.place == "border" {
            per_day[(e.time_ms / 86_400_000) as usize] += 1;
        }
    }
    per_day
}

/// The stress corridor with westbound trains only (so that every handover
/// at the border is westbound), no reductions, and nothing at the port
/// that binds but its cap: no wagon or locomotive pool, no bans, holds,
/// limited inspection or departure tracks, a siding and a yard that do not
/// fill.
fn cap_only() -> silkrail::scenario::spec::ScenarioSpec {
    let mut spec = stress().spec;
    spec.flows.retain(|_, f| f.origin == "east");
    let port = spec.ports.get_mut("border").unwrap();
    port.random_cuts.clear();
    port.cuts.clear();
    let side = &mut port.westbound;
    side.wagon_pool = None;
    side.locomotive_pool = None;
    side.departure_tracks = None;
    side.handover_siding_trains = None;
    side.inspection_teams = None;
    side.inspection_hours = None;
    side.deep_inspection = None;
    side.yard_capacity_trains = 30;
    for c in side.classes.values_mut() {
        c.acceptance = None;
        c.hold = None;
        c.priority = 0;
    }
    spec.sections.get_mut("mid_border").unwrap().capacity_trains = None;
    spec
}

#[test]
fn a_cut_to_a_fifth_of_the_cap_hands_over_no_more_than_the_cut_cap() {
    // 15 trains a day cut to 20 % for ten days: at most 3 a day (the
    // sourced Dec 2023 storm, facts 1J), while trains queue at the border.
    let mut spec = cap_only();
    let port = spec.ports.get_mut("border").unwrap();
    port.cuts = vec![silkrail::scenario::spec::CutSpec {
        start_day: 40.0,
        days: 10.0,
        capacity_factor: 0.2,
        cranes_factor: 1.0,
    }];
    port.westbound.handover_cap_trains_per_day = Some(15);
    let s = Scenario::from_spec(spec).unwrap();
    let mut cfg = settings(0, 0, 80);
    cfg.trace = true;
    let r = CorridorModel::run(&s.network, cfg);
    let per_day = handovers_per_day(&r, 80);
    for (d, &n) in per_day.iter().enumerate().take(50).skip(40) {
        assert!(n <= 3, "day {d}: {n} handed over under a cut to 3");
    }
    assert!(
        per_day[40..50].iter().sum::<u32>() > 0,
        "the cut cap is used"
    );
    assert!(
        per_day[..40].iter().any(|&n| n > 3),
        "more pass without the cut"
    );
    let w = &r.port("border").unwrap().sides[Direction::Westbound.index()];
    assert!(w.blocked.peak() > 3, "trains queued at the border");
}

#[test]
fn seasonal_reductions_happen_only_in_their_months() {
    // Storms that stop the handover, only from December to February: a
    // run measured from 2 April to 30 November sees none; one measured
    // over the winter sees some.
    let mut spec = cap_only();
    let port = spec.ports.get_mut("border").unwrap();
    port.random_cuts = vec![silkrail::scenario::spec::RandomCutSpec {
        events_per_year: 30.0,
        monthly_weights: vec![1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0],
        duration: silkrail::scenario::spec::DistSpec::DeterministicHours(24.0),
        capacity_factor: 0.0,
        cranes_factor: 1.0,
    }];
    let s = Scenario::from_spec(spec).unwrap();
    let reduced = |warmup: u64, days: u64| {
        let r = CorridorModel::run(&s.network, settings(3, warmup, days));
        let p = r.port("border").unwrap();
        p.reduced.area(r.end)
    };
    assert_eq!(reduced(91, 243), 0, "no storm from April to November");
    assert!(reduced(334, 120) > 0, "storms in the winter");
}

#[test]
fn reserved_slots_keep_a_class_moving_under_a_binding_cap() {
    // A cap of 10 a day against 10 container and 3 grain trains a day:
    // with 3 slots kept for grain, grain waits far less than containers.
    let mut spec = cap_only();
    let side = &mut spec.ports.get_mut("border").unwrap().westbound;
    side.handover_cap_trains_per_day = Some(10);
    side.classes
        .get_mut("grain")
        .unwrap()
        .reserved_slots_per_day = 3;
    spec.flows.get_mut("grain").unwrap().trains_per_year = 3.0 * 365.0;
    spec.flows.get_mut("containers").unwrap().trains_per_year = 10.0 * 365.0;
    let s = Scenario::from_spec(spec).unwrap();
    let r = CorridorModel::run(&s.network, settings(1, 20, 120));
    let w = &r.port("border").unwrap().sides[Direction::Westbound.index()];
    let wait = |c: usize| w.classes[c].border_wait_hours.mean().unwrap();
    assert!(
        wait(1) * 4.0 < wait(0),
        "grain {} h against containers {} h",
        wait(1),
        wait(0)
    );
    assert!(r.is_conserved() && r.ports_conserve_trains());
}

#[test]
fn a_ban_on_one_class_holds_no_other_and_every_held_train_leaves() {
    // Containers are cancelled when 3 wait, grain waits at its origin when
    // 2 do, under a cap of 4 a day: both bans start and end many times.
    // Once demand stops, every train held at its origin gets away (none is
    // left waiting for a lift that a ban on the other class blocks), and
    // the run drains.
    let mut spec = cap_only();
    let side = &mut spec.ports.get_mut("border").unwrap().westbound;
    side.handover_cap_trains_per_day = Some(4);
    let accept = |stop, resume, refused| silkrail::scenario::spec::AcceptanceSpec {
        stop_above_trains: stop,
        resume_below_trains: resume,
        refused,
    };
    use silkrail::scenario::spec::RefusedSpec;
    side.classes.get_mut("container").unwrap().acceptance = Some(accept(3, 1, RefusedSpec::Cancel));
    side.classes.get_mut("grain").unwrap().acceptance = Some(accept(2, 0, RefusedSpec::Wait));
    // Working hours that do not fall on a millisecond: the wake-up must
    // still open the working day.
    side.inspection_hours = Some(silkrail::scenario::spec::HoursSpec {
        from_hour: 8.333_333_4,
        to_hour: 20.1,
    });
    let s = Scenario::from_spec(spec).unwrap();
    let mut sim = CorridorModel::simulation(&s.network, settings(5, 0, 120));
    sim.run_until(SimTime::from_days(120));
    sim.run_until(SimTime::from_days(2000));
    let end = sim.now();
    let r = sim.into_model().finish(end, 0);
    let w = &r.port("border").unwrap().sides[Direction::Westbound.index()];
    assert!(
        w.refused > 0 && r.network.cancelled_trains > 0,
        "both bans acted"
    );
    assert_eq!(
        r.network.backlog_trains, 0,
        "no train left held at its origin"
    );
    assert!(r.is_conserved() && r.ports_conserve_trains());
}
