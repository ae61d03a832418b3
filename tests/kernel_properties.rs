//! Property tests of the kernel's ordering and cancellation contract.

use proptest::prelude::*;
use silkrail::engine::{EventKey, Model, Scheduler, Simulation};
use silkrail::time::{SimDuration, SimTime};

/// What an event does when it fires: schedule children after the given
/// delays [ms], and try to cancel the event scheduled as number `cancel`.
#[derive(Clone, Debug)]
struct Script {
    children: Vec<u64>,
    cancel: Option<usize>,
}

struct Recorder {
    scripts: Vec<Script>,
    keys: Vec<EventKey>,
    cancelled: Vec<bool>,
    fired: Vec<(SimTime, usize)>,
    budget: usize,
}

impl Recorder {
    fn schedule(&mut self, s: &mut Scheduler<usize>, delay_ms: u64) {
        if self.budget == 0 {
            return;
        }
        self.budget -= 1;
        let id = self.keys.len();
        self.keys
            .push(s.schedule_in(SimDuration::from_millis(delay_ms), id));
        self.cancelled.push(false);
    }
}

impl Model for Recorder {
    type Event = usize;
    fn handle(&mut self, id: usize, s: &mut Scheduler<usize>) {
        self.fired.push((s.now(), id));
        let script = self.scripts[id % self.scripts.len()].clone();
        for d in script.children {
            self.schedule(s, d);
        }
        if let Some(target) = script.cancel {
            let target = target % self.keys.len();
            if s.cancel(self.keys[target]) {
                assert!(!self.cancelled[target], "cancelled twice");
                self.cancelled[target] = true;
            }
        }
    }
}

fn scripts() -> impl Strategy<Value = Vec<Script>> {
    prop::collection::vec(
        (
            prop::collection::vec(prop_oneof![Just(0u64), 0u64..5, 0u64..1_000], 0..3),
            prop::option::of(0usize..1_000),
        )
            .prop_map(|(children, cancel)| Script { children, cancel }),
        1..20,
    )
}

proptest! {
    #[test]
    fn order_cancellation_and_counts(
        initial in prop::collection::vec(prop_oneof![Just(0u64), 0u64..10, 0u64..10_000], 1..50),
        initial_cancels in prop::collection::vec(0usize..1_000, 0..10),
        scripts in scripts(),
    ) {
        let mut sim = Simulation::new(Recorder {
            scripts,
            keys: vec![],
            cancelled: vec![],
            fired: vec![],
            budget: 2_000,
        });
        let (model, scheduler) = sim.parts_mut();
        for &d in &initial {
            model.schedule(scheduler, d);
        }
        for &c in &initial_cancels {
            let target = c % model.keys.len();
            if scheduler.cancel(model.keys[target]) {
                model.cancelled[target] = true;
            }
        }
        let outcome = sim.run();
        let m = sim.model();

        // Popped times never decrease; equal times pop in scheduling order
        // (ids are handed out in scheduling order).
        for w in m.fired.windows(2) {
            let ((t0, a), (t1, b)) = (w[0], w[1]);
            prop_assert!(t0 <= t1, "time ran backwards: {t0} then {t1}");
            if t0 == t1 {
                prop_assert!(a < b, "tie at {t0} broke scheduling order: {a} before {b}");
            }
        }
        // Each event fires at its scheduled time, at most once, and never
        // after a successful cancel.
        let mut seen = vec![false; m.keys.len()];
        for &(t, id) in &m.fired {
            prop_assert!(!m.cancelled[id], "cancelled event {id} fired");
            prop_assert!(!seen[id], "event {id} fired twice");
            prop_assert_eq!(t, m.keys[id].time());
            seen[id] = true;
        }
        // Fired = scheduled − cancelled.
        let cancelled = m.cancelled.iter().filter(|&&c| c).count();
        prop_assert_eq!(m.fired.len(), m.keys.len() - cancelled);
        prop_assert_eq!(outcome.events as usize, m.fired.len());
        prop_assert_eq!(sim.scheduler_mut().pending(), 0);
    }
}
