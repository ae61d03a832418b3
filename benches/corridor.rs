//! Corridor benchmarks: the anchors' three-port model as a scenario on the
//! corridor model against the same model by hand (`benches/workloads`),
//! per train, in the same run; one replication of the reference corridor
//! over one simulated year (events per second); and replications per
//! second with 1 and 2 threads, beside the hand-written three-port model
//! spread over the same threads by rayon.
//!
//! `cargo bench --bench corridor`; `scripts/perf_table.py` turns one run
//! into the README's table.

mod workloads;

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use silkrail::corridor::{CorridorModel, RunSettings};
use silkrail::montecarlo::{Arm, NoRows, Runner};
use silkrail::scenario::Scenario;
use silkrail::study::CorridorExperiment;
use silkrail::time::SimDuration;
use workloads::ports;

fn settings(replication: u64) -> RunSettings {
    RunSettings {
        seed: 2026,
        replication,
        warmup: SimDuration::from_days(30),
        horizon: SimDuration::from_days(365),
        delay_threshold: SimDuration::from_hours(48),
        trace: false,
    }
}

fn bench_ports(c: &mut Criterion) {
    let mut g = c.benchmark_group("ports_trains");
    g.sample_size(20);
    for per_day in [24.0, 60.0] {
        let scenario = ports::scenario(per_day);
        let (_, hand) = ports::by_hand(per_day, 0);
        let (_, model) = ports::on_corridor(&scenario, 0);
        // Both release the same expected number of trains a year.
        g.throughput(Throughput::Elements(hand));
        let label = format!("{per_day:.0}_per_day");
        g.bench_function(BenchmarkId::new("by_hand", &label), |b| {
            b.iter(|| black_box(ports::by_hand(per_day, 0)))
        });
        g.throughput(Throughput::Elements(model));
        g.bench_function(BenchmarkId::new("scenario", &label), |b| {
            b.iter(|| black_box(ports::on_corridor(&scenario, 0)))
        });
    }
    g.finish();
}

fn bench_replication(c: &mut Criterion) {
    let base = Scenario::builtin();
    // One year (the horizon of `settings`), Baktu open throughout.
    let baktu = base
        .with_variant("baktu_now")
        .expect("the built-in variant is valid");
    let mut g = c.benchmark_group("corridor_year");
    g.sample_size(30);
    for (name, s) in [("base", &base), ("baktu", &baktu)] {
        let events = CorridorModel::run(&s.network, settings(0)).events;
        g.throughput(Throughput::Elements(events));
        g.bench_function(BenchmarkId::new("events", name), |b| {
            b.iter(|| black_box(CorridorModel::run(&s.network, settings(0))))
        });
    }
    g.finish();
}

fn bench_threads(c: &mut Criterion) {
    // Replications of one year, the calibration year.
    let base = Scenario::builtin()
        .with_variant("y2025")
        .expect("the built-in variant is valid");
    let model = CorridorExperiment::of(&base);
    let arms = [Arm::new("base", &model)];
    let mut g = c.benchmark_group("replications");
    g.sample_size(10);
    // 16 replications leave each thread 8, so the last one to finish
    // decides much of the time: the tail of uneven replications. 64 show
    // what the runner itself loses.
    for reps in [16u64, 64] {
        g.throughput(Throughput::Elements(reps));
        for threads in [1usize, 2] {
            let runner = Runner::new(2026, Some(threads)).expect("pool starts");
            g.bench_function(BenchmarkId::new(format!("threads_{reps}"), threads), |b| {
                b.iter(|| black_box(runner.run(&arms, 0..reps, &mut NoRows).expect("runs")))
            });
        }
    }
    // The same-run reference: 100 replications of the hand-written
    // three-port model (60 trains a day) spread by rayon, as in the
    // performance anchors (1.92-1.96x there).
    const HAND_REPS: u64 = 100;
    g.throughput(Throughput::Elements(HAND_REPS));
    for threads in [1usize, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool starts");
        g.bench_function(BenchmarkId::new("by_hand_rayon", threads), |b| {
            b.iter(|| {
                pool.install(|| {
                    use rayon::prelude::*;
                    let out: Vec<(u64, u64)> = (0..HAND_REPS)
                        .into_par_iter()
                        .map(|r| ports::by_hand(60.0, r))
                        .collect();
                    black_box(out)
                })
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench_ports, bench_replication, bench_threads);
criterion_main!(benches);
