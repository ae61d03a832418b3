//! The benchmark workloads, shared by the criterion benches
//! (`benches/engine.rs`, `benches/corridor.rs`) and by
//! `examples/perf_probe.rs`, which runs one of them once so that
//! `scripts/perf_table.py` can count its instructions under valgrind.
//!
//! Each workload comes with its hand-written reference: the same work,
//! draw for draw, as a minimal loop over `std::collections::BinaryHeap`
//! (the loop of `../shared/reference/performance-anchors.md`), so that a
//! bench reports the library's cost as a ratio measured in the same run.
//! Every function returns the number of events handled and a checksum of
//! the results, which the benches compare between the two sides.

// Each bench links the whole module and uses a part of it.
#![allow(dead_code)]

pub mod hold;
pub mod mmc;
pub mod ports;
pub mod threads;

use silkrail::time::SimDuration;

/// The master seed of every workload.
pub const SEED: u64 = 2026;

/// A sampled duration \[h\] in ticks, as the library converts it.
#[inline]
pub fn ticks(hours: f64) -> SimDuration {
    SimDuration::try_from_hours_f64(hours).expect("the samples are finite and non-negative")
}
