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
use silkrail::scenario::Scenario;
use silkrail::time::SimDuration;
use workloads::{ports, threads};

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
    let model = threads::corridor();
    let mut g = c.benchmark_group("replications");
    g.sample_size(10);
    // 16 replications leave each thread 8, so the last one to finish
    // decides much of the time: the tail of uneven replications. 64 show
    // what the runner itself loses.
    for reps in [16u64, 64] {
        g.throughput(Throughput::Elements(reps));
        for n in [1usize, 2] {
            let runner = threads::runner(n);
            g.bench_function(BenchmarkId::new(format!("threads_{reps}"), n), |b| {
                b.iter(|| black_box(threads::corridor_replications(&model, &runner, reps)))
            });
        }
    }
    // The same-run reference: the hand-written three-port model spread by
    // rayon, as in the performance anchors (1.92-1.96x there).
    g.throughput(Throughput::Elements(threads::HAND_REPS));
    for n in [1usize, 2] {
        let pool = threads::pool(n);
        g.bench_function(BenchmarkId::new("by_hand_rayon", n), |b| {
            b.iter(|| black_box(threads::by_hand_rayon(&pool)))
        });
    }
    g.finish();
}

criterion_group!(benches, bench_ports, bench_replication, bench_threads);
criterion_main!(benches);
