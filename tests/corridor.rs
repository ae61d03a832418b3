//! The corridor model: conservation, Little's law, determinism, Erlang C
//! through a border port, effects of closures and caps, blocking, and
//! errors for invalid networks built in code.

mod common;

use silkrail::corridor::{CorridorModel, Direction, RunSettings, TraceEvent};
use silkrail::error::ScenarioError;
use silkrail::queueing::erlang_c;
use silkrail::scenario::Scenario;
use silkrail::scenario::spec::{DistSpec, ScenarioSpec};
use silkrail::study::CorridorExperiment;
use silkrail::time::{SimDuration, SimTime};

const MMC_PORT: &str = include_str!("../examples/scenarios/mmc_port.toml");

fn settings(seed: u64, replication: u64, days: u64) -> RunSettings {
    RunSettings {
        seed,
        replication,
        warmup: SimDuration::from_days(20),
        horizon: SimDuration::from_days(days),
        delay_threshold: SimDuration::from_hours(48),
        trace: false,
    }
}

/// The built-in scenario with trains consolidated at Dostyk into trains of
/// up to 120 FEU, waiting at most 12 h for a full train.
fn coupling_at_dostyk() -> Scenario {
    let mut spec = Scenario::builtin().spec;
    let side = &mut spec.ports.get_mut("alashankou_dostyk").unwrap().westbound;
    side.max_containers_out = Some(120);
    side.consolidate_max_wait_hours = Some(12.0);
    Scenario::from_spec(spec).unwrap()
}

#[test]
fn trains_and_containers_are_conserved_everywhere() {
    let base = Scenario::builtin();
    let baktu = base.with_variant("baktu_now").unwrap();
    for s in [&base, &baktu] {
        for rep in 0..3 {
            let r = CorridorModel::run(&s.network, settings(11, rep, 120));
            assert!(r.is_conserved(), "{:?}", r.network);
            assert!(r.ports_conserve_trains());
            assert!(r.network.delivered_trains > 1_000);
            // Brest–Małaszewicze splits every 55-FEU train for the EU side.
            assert!(r.network.split_added > 0);
        }
    }
}

#[test]
fn littles_law_holds_exactly_at_every_port() {
    // No warm-up, and the run drains: the area under "trains in the port"
    // equals the sum of dwells, to the millisecond (L·T = Σ W), with and
    // without trains coupled at the handover.
    let base = Scenario::builtin();
    let coupling = coupling_at_dostyk();
    for s in [&base, &coupling] {
        let mut cfg = settings(5, 0, 90);
        cfg.warmup = SimDuration::ZERO;
        let mut sim = CorridorModel::simulation(&s.network, cfg);
        sim.run_until(SimTime::ZERO + SimDuration::from_days(90));
        // Releases stop at the horizon; let every train reach its
        // destination.
        sim.run_until(SimTime::ZERO + SimDuration::from_days(200));
        let end = sim.now();
        let r = sim.into_model().finish(end, 0);
        assert_eq!(r.network.backlog_trains, 0, "the system drained");
        for p in &r.ports {
            for s in &p.sides {
                assert_eq!(s.in_port.value(), 0);
                assert_eq!(s.in_port.area(end), s.dwell_ms, "port {}", p.id);
            }
        }
    }
    let coupled = CorridorModel::run(&coupling.network, settings(5, 0, 90));
    assert!(coupled.port("alashankou_dostyk").unwrap().sides[0].coupled_away > 0);
}

#[test]
fn same_seed_same_results_other_seed_other_results() {
    let s = Scenario::builtin();
    let a = CorridorModel::run(&s.network, settings(3, 7, 60));
    let b = CorridorModel::run(&s.network, settings(3, 7, 60));
    let c = CorridorModel::run(&s.network, settings(3, 8, 60));
    assert_eq!(a, b);
    let bits = |r: &silkrail::corridor::ReplicationReport| {
        r.observation()
            .values
            .into_iter()
            .map(|(k, v)| (k, v.to_bits()))
            .collect::<Vec<_>>()
    };
    assert_eq!(bits(&a), bits(&b));
    assert_ne!(bits(&a), bits(&c));
}

/// Probability that any statistical check in this file fails for a correct
/// model: split by Bonferroni over its 8 checks (3 Erlang C measures, 2
/// paired effects, 1 Poisson count, the bottleneck's use and wait). Every
/// check uses a fixed seed, so its outcome never changes between runs.
const FAMILY_ALPHA: f64 = 0.005;
const CHECKS: f64 = 8.0;
const ALPHA: f64 = FAMILY_ALPHA / CHECKS;

#[test]
fn one_port_reproduces_erlang_c() {
    let s = Scenario::from_toml_str(MMC_PORT, "mmc_port.toml").unwrap();
    let truth = erlang_c(3, 2.4, 1.0).unwrap();
    let model = CorridorExperiment::of(&s);
    let result = common::run(s.experiment.seed, &[&model], 20);
    for (metric, exact) in [
        ("port.port.westbound.track_wait_mean_hours", truth.wq),
        (
            "port.port.westbound.track_utilisation_ratio",
            truth.utilisation,
        ),
        ("port.port.westbound.queue_mean_trains", truth.lq),
    ] {
        let ci = result.arms[0]
            .moments(&common::key(&model, metric))
            .unwrap()
            .confidence_interval(1.0 - ALPHA)
            .unwrap();
        assert!(
            ci.contains(exact),
            "{metric}: {} excludes Erlang C {exact} at α = {ALPHA}",
            ci
        );
    }
}

#[test]
fn closures_and_caps_increase_waits() {
    // The same trains (common random numbers) with and without a port
    // closed four days a month, and with a tight handover cap: the mean
    // paired difference in delay must be positive, with a one-sided
    // confidence of 1 − ALPHA (the interval's lower end above zero).
    let base = Scenario::builtin();
    let mut spec: ScenarioSpec = base.spec.clone();
    let port = spec.ports.get_mut("khorgos_altynkol").unwrap();
    for month in 0..13 {
        port.scheduled_closures
            .push(silkrail::scenario::spec::WindowSpec {
                start_day: 5.0 + 30.0 * month as f64,
                hours: 96.0,
            });
    }
    let closed = Scenario::from_spec(spec.clone()).unwrap();
    spec = base.spec.clone();
    spec.ports
        .get_mut("khorgos_altynkol")
        .unwrap()
        .westbound
        .handover_cap_trains_per_day = Some(16);
    let capped = Scenario::from_spec(spec).unwrap();

    let horizon = SimDuration::from_days(120);
    let reference = CorridorExperiment::of(&base).with_horizon(horizon);
    let metric = common::key(
        &reference,
        "port.khorgos_altynkol.westbound.delay_mean_hours",
    );
    for (label, s) in [("closures", &closed), ("cap", &capped)] {
        let other = CorridorExperiment::of(s).with_horizon(horizon);
        let result = common::run(base.experiment.seed, &[&reference, &other], 10);
        let d = result.compare(1, &metric, 1.0 - 2.0 * ALPHA).unwrap();
        let low = d.difference.mean - d.difference.half_width.unwrap();
        assert!(
            low > 0.0,
            "{label}: delay difference {} not above zero",
            d.difference.display(3)
        );
    }
}

#[test]
fn blocking_holds_trains_upstream_and_loses_none() {
    let base = Scenario::builtin();
    let mut spec = base.spec.clone();
    let side = &mut spec.ports.get_mut("khorgos_altynkol").unwrap().eastbound;
    side.yard_capacity_trains = 1;
    let s = Scenario::from_spec(spec).unwrap();
    let r = CorridorModel::run(&s.network, settings(2, 0, 120));
    let side = &r.port("khorgos_altynkol").unwrap().sides[Direction::Eastbound.index()];
    assert!(
        side.held_upstream_hours.max().unwrap() > 0.0,
        "some train was held"
    );
    assert!(side.blocked.peak() > 0);
    assert!(r.is_conserved());
    assert!(r.ports_conserve_trains());
}

#[test]
fn coupling_conserves_containers() {
    let s = coupling_at_dostyk();
    let r = CorridorModel::run(&s.network, settings(4, 0, 90));
    let side = &r.port("alashankou_dostyk").unwrap().sides[0];
    assert!(side.coupled_away > 0, "trains are pooled");
    assert!(
        side.split_added < side.coupled_away,
        "two 55-FEU trains make one of 110"
    );
    assert!(r.is_conserved(), "{:?}", r.network);
    assert!(r.ports_conserve_trains());
}

fn invalid(spec: ScenarioSpec) -> String {
    match Scenario::from_spec(spec) {
        Err(ScenarioError::Invalid { field, .. }) => field.to_string(),
        Err(other) => panic!("expected an invalid field, got {other}"),
        Ok(_) => panic!("expected an error"),
    }
}

#[test]
fn invalid_networks_built_in_code_are_errors() {
    let base = Scenario::builtin().spec;

    let mut s = base.clone();
    s.ports
        .get_mut("alashankou_dostyk")
        .unwrap()
        .westbound
        .tracks = 0;
    assert!(invalid(s).starts_with("ports.alashankou_dostyk.westbound.tracks: found 0"));

    let mut s = base.clone();
    s.flows.get_mut("xian_west").unwrap().trains_per_year = -1.0;
    assert!(invalid(s).starts_with("flows.xian_west.trains_per_year: found -1"));

    let mut s = base.clone();
    s.flows.get_mut("xian_west").unwrap().trains_per_year = f64::NAN;
    assert!(invalid(s).starts_with("flows.xian_west.trains_per_year: found NaN"));

    let mut s = base.clone();
    s.ports
        .get_mut("khorgos_altynkol")
        .unwrap()
        .eastbound
        .inspection = DistSpec::Lognormal {
        mean_hours: 8.0,
        sd_hours: -1.0,
    };
    assert!(
        invalid(s).starts_with("ports.khorgos_altynkol.eastbound.inspection: found sd_hours = -1")
    );

    // A section whose gauge does not match the port side it joins.
    let mut s = base.clone();
    s.sections.get_mut("dostyk_moyinty").unwrap().gauge_mm = 1435;
    let msg = invalid(s);
    assert!(
        msg.starts_with("sections.dostyk_moyinty.gauge_mm: found 1435"),
        "{msg}"
    );

    // A route through a place that cannot be reached with matching gauges.
    let mut s = base.clone();
    s.flows.get_mut("xian_west").unwrap().via = vec![vec!["moyinty".into(), "jinghe".into()]];
    s.flows.get_mut("xian_west").unwrap().shares = vec![1.0];
    s.flows
        .get_mut("xian_west")
        .unwrap()
        .route_bias_hours
        .clear();
    s.flows.get_mut("xian_west").unwrap().decide_at = None;
    let msg = invalid(s);
    assert!(
        msg.starts_with("flows.xian_west.via[0]: found xian → moyinty → jinghe"),
        "{msg}"
    );

    // An unknown node.
    let mut s = base.clone();
    s.sections.get_mut("warsaw_lodz").unwrap().to = "lodzz".into();
    assert!(invalid(s).starts_with("sections.warsaw_lodz.to: found 'lodzz'"));

    // Shares that do not sum to one.
    let mut s = base.clone();
    s.flows.get_mut("xian_west").unwrap().shares = vec![0.6, 0.6];
    assert!(invalid(s).starts_with("flows.xian_west.shares: found shares summing to 1.2"));

    // A disconnected destination.
    let mut s = base.clone();
    for id in ["warsaw_hamburg", "hamburg_duisburg", "kaliningrad_hamburg"] {
        s.sections.remove(id);
    }
    let msg = invalid(s);
    assert!(msg.contains("→ hamburg"), "{msg}");
}

#[test]
fn releases_follow_trains_per_year_under_seasonality() {
    use silkrail::scenario::spec::ArrivalSpec;
    let mmc = Scenario::from_toml_str(MMC_PORT, "mmc_port.toml").unwrap();
    let mut spec = mmc.spec.clone();
    // The reference's monthly pattern, which averages 1 by month but not
    // by day: the model scales it so that a year holds trains_per_year.
    spec.demand.seasonality = vec![
        0.95, 0.86, 1.00, 1.02, 1.07, 1.06, 1.10, 1.02, 1.01, 0.97, 0.97, 0.97,
    ];
    let flow = spec.flows.get_mut("arrivals").unwrap();
    flow.trains_per_year = 1000.0;
    flow.arrival = ArrivalSpec::Timetable {
        lateness: DistSpec::DeterministicHours(0.0),
    };
    let timetable = Scenario::from_spec(spec.clone()).unwrap();
    let year = RunSettings {
        warmup: SimDuration::ZERO,
        ..settings(1, 0, 365)
    };
    // Nominal departures at cumulative intensity k + 0.5: exactly 1,000 in
    // a year.
    let r = CorridorModel::run(&timetable.network, year);
    assert_eq!(r.flows[0].released, 1000);

    // Poisson: the count in a year is Poisson(1000); accept it within the
    // normal approximation's two-sided region at level ALPHA.
    spec.flows.get_mut("arrivals").unwrap().arrival = ArrivalSpec::Poisson;
    let poisson = Scenario::from_spec(spec).unwrap();
    let r = CorridorModel::run(&poisson.network, year);
    let z = silkrail::stats::normal_quantile(1.0 - ALPHA / 2.0).unwrap();
    let n = r.flows[0].released as f64;
    assert!((n - 1000.0).abs() <= z * 1000f64.sqrt(), "{n} releases");
}

#[test]
fn late_timetabled_trains_hold_back_no_other() {
    use silkrail::scenario::spec::ArrivalSpec;
    // Every train is late by 0 to 48 h, far more than the 8.76 h between
    // nominal departures: releases must still number one per nominal
    // departure whose train leaves before the horizon, with no bunching
    // onto the clock of a late predecessor.
    let mmc = Scenario::from_toml_str(MMC_PORT, "mmc_port.toml").unwrap();
    let mut spec = mmc.spec.clone();
    let flow = spec.flows.get_mut("arrivals").unwrap();
    flow.trains_per_year = 1000.0;
    flow.arrival = ArrivalSpec::Timetable {
        lateness: DistSpec::Uniform {
            min_hours: 0.0,
            max_hours: 48.0,
        },
    };
    let s = Scenario::from_spec(spec).unwrap();
    let mut cfg = RunSettings {
        warmup: SimDuration::ZERO,
        ..settings(1, 0, 365)
    };
    cfg.trace = true;
    let r = CorridorModel::run(&s.network, cfg);
    let releases: Vec<u64> = r
        .trace
        .as_ref()
        .unwrap()
        .iter()
        .filter(|t| t.event == TraceEvent::Release)
        .map(|t| t.time_ms)
        .collect();
    // All nominal departures up to 48 h before the end leave in time.
    let spacing_ms: f64 = 365.0 * 86_400_000.0 / 1000.0;
    let sure =
        ((365.0_f64 * 86_400_000.0 - 48.0 * 3_600_000.0) / spacing_ms - 0.5).floor() as usize + 1;
    assert!(
        releases.len() >= sure && releases.len() <= 1000,
        "{} releases",
        releases.len()
    );
    // Had a late train dragged the trains nominally due after it to its
    // own release time, they would leave at the same millisecond. Each train
    // leaves at its nominal time plus its own continuous lateness, so no
    // two share a millisecond; and trains overtake each other, so some leave
    // much closer together than the nominal spacing.
    let same_instant = releases.windows(2).filter(|w| w[1] == w[0]).count();
    assert_eq!(same_instant, 0);
    let close = releases
        .windows(2)
        .filter(|w| ((w[1] - w[0]) as f64) < spacing_ms / 4.0)
        .count();
    assert!(close > 0);
}

#[test]
fn reports_and_studies_round_trip_through_json() {
    // Every result type serialises, and reads back to the same value.
    let s = Scenario::builtin();
    let r = CorridorModel::run(&s.network, settings(9, 0, 30));
    let json = serde_json::to_string(&r).unwrap();
    let back: silkrail::corridor::ReplicationReport = serde_json::from_str(&json).unwrap();
    assert_eq!(back, r);
    let model = common::short(&s);
    let result = common::run(9, &[&model], 2);
    let json = serde_json::to_string(&result).unwrap();
    let back: silkrail::montecarlo::ExperimentResult = serde_json::from_str(&json).unwrap();
    assert_eq!(back, result);
}

#[test]
fn a_corridor_flooded_beyond_any_queue_stops_with_a_clear_error() {
    use silkrail::montecarlo::Replicate;
    // 4 million trains a year at a port that hands over one a day: the
    // system would fill without end. It stops releasing at a million trains
    // in the system, and the replication says why instead of growing.
    let mut spec = Scenario::from_toml_str(MMC_PORT, "mmc_port.toml")
        .unwrap()
        .spec;
    spec.experiment.horizon_days = 150.0;
    spec.demand.multiplier = 4.0;
    spec.flows.get_mut("arrivals").unwrap().trains_per_year = 1.0e6;
    spec.ports
        .get_mut("port")
        .unwrap()
        .westbound
        .handover_cap_trains_per_day = Some(1);
    let s = Scenario::from_spec(spec).unwrap();
    let model = CorridorExperiment::of(&s);
    let err = model.replicate(1, 0).unwrap_err().to_string();
    assert!(
        err.contains("1000000 trains were in the system on day"),
        "{err}"
    );
    let r = CorridorModel::run(&s.network, settings(1, 0, 150));
    assert!(r.network.overloaded_at_ms.is_some());
    assert!(r.is_conserved(), "what was released is still accounted for");
}

#[test]
fn the_binding_resource_is_named_first() {
    // The M/M/3 port: its westbound tracks are used at ρ = 0.8 and nothing
    // else comes near; the ranking names them first, with their wait.
    use silkrail::montecarlo::NoRows;
    use silkrail::report::bottlenecks;
    use silkrail::study::{StudyOptions, StudyPlan};
    let s = Scenario::load(std::path::Path::new("examples/scenarios/mmc_port.toml")).unwrap();
    let options = StudyOptions {
        replications: Some(8),
        level: 1.0 - ALPHA,
        ..StudyOptions::default()
    };
    let study = StudyPlan::comparison(&s, &[], &options)
        .unwrap()
        .run(&mut NoRows, None)
        .unwrap();
    let ranked = bottlenecks(&study, 0, None);
    let first = &ranked[0];
    assert_eq!(
        first.metric.to_string(),
        "port.port.westbound.track_utilisation_ratio"
    );
    // Its use and its wait are Erlang C's, within their intervals at
    // 1 − ALPHA.
    let truth = erlang_c(3, 2.4, 1.0).unwrap();
    let within =
        |i: &silkrail::montecarlo::Interval, x: f64| (i.mean - x).abs() <= i.half_width.unwrap();
    assert!(within(&first.utilisation, truth.utilisation), "{first:?}");
    let wait = first.wait_hours.as_ref().unwrap();
    assert!(within(wait, truth.wq), "{wait:?} against {}", truth.wq);
    // Most used first.
    assert!(
        ranked
            .windows(2)
            .all(|w| w[0].utilisation.mean >= w[1].utilisation.mean)
    );
}
