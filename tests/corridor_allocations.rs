//! The corridor model's contract: once warmed up, it allocates nothing per
//! train. A counting global allocator (this test binary's only one) counts
//! every allocation while the reference corridor (the 2025 calibration
//! year) runs 120 days of steady state, some 140,000 events of about
//! 14,000 trains. What may still allocate is growth that does not come
//! with each train: the per-day series (a row a day, in doubling steps), a
//! histogram's new range, a queue or pool reaching a new largest size.
//! The bound is one allocation per 1,000 events (one per hundred trains):
//! a single allocation per train would break it tenfold, and before the
//! consignment lists were reused the model made 3,780 in this window.
//! (One test in this file, so no other thread allocates meanwhile.)

use std::alloc::System;

use silkrail::corridor::{CorridorModel, RunSettings};
use silkrail::scenario::Scenario;
use silkrail::time::{SimDuration, SimTime};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[test]
fn the_corridor_allocates_nothing_per_train() {
    const DAYS: u64 = 120;
    let scenario = Scenario::builtin()
        .with_variant("y2025")
        .expect("the built-in variant is valid");
    let settings = RunSettings {
        seed: 2026,
        replication: 0,
        warmup: SimDuration::from_days(30),
        horizon: SimDuration::from_days(365),
        delay_threshold: SimDuration::from_hours(48),
        trace: false,
    };
    let mut sim = CorridorModel::simulation(&scenario.network, settings);
    // Warm-up: queues, pools and the pending-event set reach their size.
    sim.run_until(SimTime::from_days(120));
    let before = sim.events_handled();
    let region = Region::new(GLOBAL);
    sim.run_until(SimTime::from_days(120 + DAYS));
    let stats = region.change();
    let events = sim.events_handled() - before;
    assert!(events > 100_000, "the span holds steady-state traffic");
    assert!(
        (stats.allocations + stats.reallocations) as u64 * 1_000 < events,
        "{} allocations and {} reallocations in {DAYS} days ({events} events)",
        stats.allocations,
        stats.reallocations
    );
}
