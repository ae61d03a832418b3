//! The hold model: a fixed number of pending events; each event, when it
//! fires, schedules one more after an exponential delay of mean 1 h.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rand_distr::{Distribution, Exp};
use silkrail::engine::{Model, Scheduler, Simulation};
use silkrail::rng::{SimRng, stream_rng};

use super::{SEED, ticks};

/// The model on the kernel.
pub struct Hold {
    rng: SimRng,
    exp: Exp<f64>,
}

impl Model for Hold {
    type Event = u32;
    #[inline]
    fn handle(&mut self, event: u32, s: &mut Scheduler<u32>) {
        let d = ticks(self.exp.sample(&mut self.rng));
        s.schedule_in(d, event);
    }
}

/// The first `pending` delays, from their own stream.
fn initial(pending: usize) -> impl Iterator<Item = u64> {
    let mut rng = stream_rng(SEED, 0, 0);
    let exp = Exp::new(1.0).expect("rate 1 is valid");
    (0..pending).map(move |_| ticks(exp.sample(&mut rng)).as_millis())
}

/// The hold model on the kernel with `pending` events queued.
pub fn kernel(pending: usize) -> Simulation<Hold> {
    let mut sim = Simulation::with_capacity(
        Hold {
            rng: stream_rng(SEED, 0, 1),
            exp: Exp::new(1.0).expect("rate 1 is valid"),
        },
        pending,
    );
    for (i, d) in initial(pending).enumerate() {
        sim.scheduler_mut()
            .schedule_in(silkrail::time::SimDuration::from_millis(d), i as u32);
    }
    sim
}

/// The hand-written hold loop: `BinaryHeap` of (time, seq, payload).
pub struct Reference {
    heap: BinaryHeap<Reverse<(u64, u64, u32)>>,
    seq: u64,
    rng: SimRng,
    exp: Exp<f64>,
}

/// The hand-written hold loop with `pending` events queued.
pub fn reference(pending: usize) -> Reference {
    let mut heap = BinaryHeap::with_capacity(pending);
    for (i, d) in initial(pending).enumerate() {
        heap.push(Reverse((d, i as u64, i as u32)));
    }
    Reference {
        heap,
        seq: pending as u64,
        rng: stream_rng(SEED, 0, 1),
        exp: Exp::new(1.0).expect("rate 1 is valid"),
    }
}

impl Reference {
    /// `steps` events by pop-then-push; returns the clock \[ms\].
    pub fn run(&mut self, steps: u64) -> u64 {
        let mut now = 0;
        for _ in 0..steps {
            let Reverse((t, _, e)) = self.heap.pop().expect("hold keeps its size");
            now = t;
            let d = ticks(self.exp.sample(&mut self.rng)).as_millis();
            self.heap.push(Reverse((t + d, self.seq, e)));
            self.seq += 1;
        }
        now
    }

    /// `steps` events by replacing the top in place (`peek_mut`), the
    /// fastest a binary heap does this; returns the clock \[ms\].
    pub fn run_replace_top(&mut self, steps: u64) -> u64 {
        let mut now = 0;
        for _ in 0..steps {
            let mut top = self.heap.peek_mut().expect("hold keeps its size");
            let Reverse((t, _, e)) = *top;
            now = t;
            let d = ticks(self.exp.sample(&mut self.rng)).as_millis();
            *top = Reverse((t + d, self.seq, e));
            self.seq += 1;
        }
        now
    }
}
