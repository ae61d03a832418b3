//! The kernel against queueing theory: M/M/c against Erlang C, M/D/1 and
//! M/E2/1 against Pollaczek–Khinchine, Little's law on every sample path, and
//! bit-identical results for a fixed seed.
//!
//! Each steady-state check runs independent replications that start empty
//! and delete a warm-up of one tenth of their customers; the replication
//! means give a Student-t interval. The exact value must lie inside it. The
//! significance level is split over every check in this file (Bonferroni),
//! so with `FAMILY_ALPHA = 0.01` a correct kernel fails any of them with
//! probability at most 1 %, and the seeds are fixed, so the outcome never
//! changes from run to run.

use rand::Rng;
use rand_distr::{Distribution, Exp, Gamma};
use rayon::prelude::*;
use silkrail::queueing::{Station, SteadyState, erlang_c, pollaczek_khinchine};
use silkrail::stats::OnlineStats;

/// Probability that any check in this file fails for a correct kernel.
const FAMILY_ALPHA: f64 = 0.01;
/// Checks in this file: 9 M/M/c cases + 2 M/G/1 cases, 3 measures each.
const CHECKS: f64 = 33.0;
const ALPHA: f64 = FAMILY_ALPHA / CHECKS;
const SEED: u64 = 20_261_127;
const REPLICATIONS: u64 = 24;

/// A service time that is always the same.
#[derive(Clone, Copy)]
struct Constant(f64);

impl Distribution<f64> for Constant {
    fn sample<R: Rng + ?Sized>(&self, _: &mut R) -> f64 {
        self.0
    }
}

/// Runs the replications and checks Wq, Lq and utilisation against theory.
fn check<A, S>(
    label: &str,
    servers: u32,
    arrival: A,
    service: S,
    customers: u64,
    truth: SteadyState,
) where
    A: Distribution<f64> + Copy + Send + Sync,
    S: Distribution<f64> + Copy + Send + Sync,
{
    let reps: Vec<[f64; 3]> = (0..REPLICATIONS)
        .into_par_iter()
        .map(|rep| {
            let station = Station::new(
                servers,
                arrival,
                service,
                customers / 10,
                customers,
                SEED,
                rep,
            );
            let mut sim = station.into_simulation();
            sim.run();
            let end = sim.now();
            let s = sim.model().stats();
            assert!(sim.model().sampling_error().is_none());
            [
                s.wait_hours.mean().expect("customers were served"),
                s.queue_len.mean(end).expect("time passed"),
                s.busy.mean(end).expect("time passed") / f64::from(servers),
            ]
        })
        .collect();
    for (i, (name, exact)) in [
        ("Wq", truth.wq),
        ("Lq", truth.lq),
        ("utilisation", truth.utilisation),
    ]
    .into_iter()
    .enumerate()
    {
        let mut sample = OnlineStats::new();
        reps.iter().for_each(|r| sample.push(r[i]));
        let ci = sample
            .confidence_interval(1.0 - ALPHA)
            .expect("two or more replications");
        assert!(
            ci.contains(exact),
            "{label}: {name} = {} (interval [{}, {}] at α = {ALPHA:.2e}) excludes the exact {exact}",
            ci.mean,
            ci.lower(),
            ci.upper()
        );
    }
}

#[test]
fn mmc_reproduces_erlang_c() {
    for servers in [1u32, 3, 10] {
        for rho in [0.5, 0.8, 0.95] {
            let mu = 1.0;
            let lambda = rho * f64::from(servers) * mu;
            let truth = erlang_c(servers, lambda, mu).expect("stable");
            // Heavier traffic relaxes more slowly and varies more: give it
            // more customers.
            let customers = if rho > 0.9 { 400_000 } else { 100_000 };
            check(
                &format!("M/M/{servers} at ρ = {rho}"),
                servers,
                Exp::new(lambda).unwrap(),
                Exp::new(mu).unwrap(),
                customers,
                truth,
            );
        }
    }
}

#[test]
fn md1_and_me2_1_reproduce_pollaczek_khinchine() {
    let lambda = 0.8;
    let truth = pollaczek_khinchine(lambda, 1.0, 0.0).unwrap();
    check(
        "M/D/1 at ρ = 0.8",
        1,
        Exp::new(lambda).unwrap(),
        Constant(1.0),
        200_000,
        truth,
    );
    // Erlang-2 service of mean 1: Gamma(shape 2, scale 0.5), SCV 1/2.
    let truth = pollaczek_khinchine(lambda, 1.0, 0.5).unwrap();
    check(
        "M/E2/1 at ρ = 0.8",
        1,
        Exp::new(lambda).unwrap(),
        Gamma::new(2.0, 0.5).unwrap(),
        200_000,
        truth,
    );
}

#[test]
fn littles_law_holds_exactly_on_every_sample_path() {
    for (servers, lambda) in [(1u32, 0.9), (3, 2.4), (10, 9.5)] {
        for rep in 0..4 {
            let station = Station::new(
                servers,
                Exp::new(lambda).unwrap(),
                Exp::new(1.0).unwrap(),
                0,
                20_000,
                SEED,
                rep,
            );
            let mut sim = station.into_simulation();
            sim.run();
            let s = sim.model().stats();
            // L·T = Σ sojourn, both in exact integer milliseconds: the
            // sample-path form of L = λW for a run that starts and ends empty.
            assert_eq!(s.in_system.area(sim.now()), s.sojourn_ms);
            assert_eq!(s.arrivals, 20_000);
            assert_eq!(s.departures, 20_000);
            assert_eq!(s.in_system.value(), 0);
        }
    }
}

#[test]
fn same_seed_gives_bit_identical_results() {
    let run = || {
        let station = Station::new(
            3,
            Exp::new(2.4).unwrap(),
            Exp::new(1.0).unwrap(),
            1_000,
            50_000,
            SEED,
            3,
        );
        let mut sim = station.into_simulation();
        sim.run();
        (sim.now(), sim.events_handled(), sim.model().stats().clone())
    };
    let (t1, e1, s1) = run();
    let (t2, e2, s2) = run();
    assert_eq!((t1, e1), (t2, e2));
    assert_eq!(s1, s2);
    assert_eq!(
        s1.wait_hours.mean().unwrap().to_bits(),
        s2.wait_hours.mean().unwrap().to_bits()
    );
    // A different replication index gives a different sample path.
    let station = Station::new(
        3,
        Exp::new(2.4).unwrap(),
        Exp::new(1.0).unwrap(),
        1_000,
        50_000,
        SEED,
        4,
    );
    let mut sim = station.into_simulation();
    sim.run();
    assert_ne!(sim.model().stats(), &s1);
}
