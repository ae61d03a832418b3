//! The kernel's contract: in steady state the run loop allocates nothing
//! per event. A counting global allocator (this test binary's only one)
//! counts every allocation while a warmed-up simulation handles 100,000
//! events; the count must be zero. (This file holds one test, so no other
//! thread allocates meanwhile.)

use std::alloc::System;

use rand_distr::{Distribution, Exp};
use silkrail::engine::{Model, Scheduler, Simulation};
use silkrail::rng::{SimRng, stream_rng};
use silkrail::time::SimDuration;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The hold model: every event schedules one more after an exponential
/// delay, so the number pending stays fixed; every tenth cancels and
/// reschedules, exercising lazy cancellation.
struct Hold {
    rng: SimRng,
    exp: Exp<f64>,
    n: u64,
}

impl Model for Hold {
    type Event = u32;
    fn handle(&mut self, event: u32, s: &mut Scheduler<u32>) {
        self.n += 1;
        let d = SimDuration::try_from_hours_f64(self.exp.sample(&mut self.rng)).unwrap();
        let key = s.schedule_in(d, event);
        if self.n.is_multiple_of(10) {
            s.cancel(key);
            s.schedule_in(d, event);
        }
    }
}

#[test]
fn the_run_loop_allocates_nothing_per_event() {
    let mut sim = Simulation::with_capacity(
        Hold {
            rng: stream_rng(1, 0, 0),
            exp: Exp::new(1.0).unwrap(),
            n: 0,
        },
        2_048,
    );
    for i in 0..1_000 {
        sim.scheduler_mut()
            .schedule_in(SimDuration::from_secs(i), i as u32);
    }
    // Warm-up: the heap, the far tiers' slab and the cancelled set reach
    // their working size.
    sim.run_events(100_000);
    let region = Region::new(GLOBAL);
    let out = sim.run_events(100_000);
    let stats = region.change();
    assert_eq!(out.events, 100_000);
    assert_eq!(
        (stats.allocations, stats.reallocations),
        (0, 0),
        "allocations in 100,000 events of steady state"
    );
}
