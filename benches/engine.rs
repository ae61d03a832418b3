//! Kernel benchmarks, each against its hand-written reference measured in
//! the same run (`benches/workloads`): the hold model at 16, 1,000 and
//! 100,000 pending events (the reference both by pop-then-push, the
//! anchors' loop, and by replacing the top in place, the fastest a binary
//! heap does this), and M/M/3 with 10⁶ customers as a minimal model on the
//! kernel, as the library's `Station` with full statistics, and by hand.
//!
//! `cargo bench --bench engine`; `scripts/perf_table.py` turns one run into
//! the README's table.

mod workloads;

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use workloads::{hold, mmc};

fn bench_hold(c: &mut Criterion) {
    const STEPS: u64 = 100_000;
    let mut g = c.benchmark_group("hold");
    g.throughput(Throughput::Elements(STEPS));
    for pending in [16usize, 1_000, 100_000] {
        g.bench_with_input(BenchmarkId::new("kernel", pending), &pending, |b, &n| {
            let mut sim = hold::kernel(n);
            b.iter(|| black_box(sim.run_events(STEPS)))
        });
        g.bench_with_input(BenchmarkId::new("reference", pending), &pending, |b, &n| {
            let mut h = hold::reference(n);
            b.iter(|| black_box(h.run(STEPS)))
        });
        g.bench_with_input(
            BenchmarkId::new("reference_replace_top", pending),
            &pending,
            |b, &n| {
                let mut h = hold::reference(n);
                b.iter(|| black_box(h.run_replace_top(STEPS)))
            },
        );
    }
    g.finish();
}

fn bench_mmc(c: &mut Criterion) {
    // The kernel and the reference must do exactly the same work.
    assert_eq!(
        mmc::kernel(),
        mmc::reference(),
        "kernel and reference disagree"
    );
    let mut g = c.benchmark_group("mm3_customers");
    g.throughput(Throughput::Elements(mmc::CUSTOMERS));
    g.sample_size(20);
    g.bench_function("reference", |b| b.iter(|| black_box(mmc::reference())));
    g.bench_function("kernel", |b| b.iter(|| black_box(mmc::kernel())));
    g.bench_function("station", |b| b.iter(|| black_box(mmc::station())));
    g.finish();
}

criterion_group!(benches, bench_hold, bench_mmc);
criterion_main!(benches);
