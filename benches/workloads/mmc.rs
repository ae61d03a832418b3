//! M/M/c as in the performance anchors: Poisson arrivals λ = 2.4 per hour,
//! c = 3 servers, exponential service μ = 1.0 (ρ = 0.8), one FIFO queue,
//! empty at t = 0, run until 10⁶ customers have been served.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use rand_distr::{Distribution, Exp};
use silkrail::engine::{Model, Scheduler, Simulation};
use silkrail::queueing::Station;
use silkrail::rng::{SimRng, stream_rng};
use silkrail::time::{SimDuration, SimTime};

use super::{SEED, ticks};

/// Customers per run.
pub const CUSTOMERS: u64 = 1_000_000;
/// Servers.
pub const SERVERS: u32 = 3;
/// Arrival rate \[1/h\].
pub const LAMBDA: f64 = 2.4;
/// Service rate of one server \[1/h\].
pub const MU: f64 = 1.0;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Ev {
    Arrival,
    Departure,
}

/// The state both sides share: the same draws, in the same order.
struct State {
    arrival_rng: SimRng,
    service_rng: SimRng,
    arrival: Exp<f64>,
    service: Exp<f64>,
    waiting: VecDeque<SimTime>,
    busy: u32,
    arrivals_left: u64,
    total_wait_ms: u64,
}

impl State {
    fn new() -> Self {
        State {
            arrival_rng: stream_rng(SEED, 0, 1),
            service_rng: stream_rng(SEED, 0, 2),
            arrival: Exp::new(LAMBDA).expect("valid rate"),
            service: Exp::new(MU).expect("valid rate"),
            waiting: VecDeque::with_capacity(1024),
            busy: 0,
            arrivals_left: CUSTOMERS,
            total_wait_ms: 0,
        }
    }

    #[inline]
    fn next_arrival(&mut self) -> SimDuration {
        ticks(self.arrival.sample(&mut self.arrival_rng))
    }

    #[inline]
    fn next_service(&mut self) -> SimDuration {
        ticks(self.service.sample(&mut self.service_rng))
    }
}

/// M/M/c written as a minimal model on the kernel.
struct Mmc(State);

impl Model for Mmc {
    type Event = Ev;
    #[inline]
    fn handle(&mut self, event: Ev, s: &mut Scheduler<Ev>) {
        let now = s.now();
        let m = &mut self.0;
        match event {
            Ev::Arrival => {
                m.arrivals_left -= 1;
                if m.arrivals_left > 0 {
                    let d = m.next_arrival();
                    s.schedule_in(d, Ev::Arrival);
                }
                if m.busy == SERVERS {
                    m.waiting.push_back(now);
                } else {
                    m.busy += 1;
                    let d = m.next_service();
                    s.schedule_in(d, Ev::Departure);
                }
            }
            Ev::Departure => {
                if let Some(arrived) = m.waiting.pop_front() {
                    m.total_wait_ms += now.since(arrived).map_or(0, |d| d.as_millis());
                    let d = m.next_service();
                    s.schedule_in(d, Ev::Departure);
                } else {
                    m.busy -= 1;
                }
            }
        }
    }
}

/// On the kernel: (events, total wait \[ms\]).
pub fn kernel() -> (u64, u64) {
    let mut sim = Simulation::with_capacity(Mmc(State::new()), 16);
    sim.scheduler_mut()
        .schedule_in(SimDuration::ZERO, Ev::Arrival);
    let out = sim.run();
    (out.events, sim.model().0.total_wait_ms)
}

/// The hand-written reference: the same model as a loop over a
/// `BinaryHeap`, pop then push: (events, total wait \[ms\]).
pub fn reference() -> (u64, u64) {
    let mut m = State::new();
    let mut heap: BinaryHeap<Reverse<(u64, u64, Ev)>> = BinaryHeap::with_capacity(16);
    let mut seq = 0u64;
    let mut events = 0u64;
    heap.push(Reverse((0, seq, Ev::Arrival)));
    seq += 1;
    while let Some(Reverse((now, _, ev))) = heap.pop() {
        events += 1;
        match ev {
            Ev::Arrival => {
                m.arrivals_left -= 1;
                if m.arrivals_left > 0 {
                    let d = m.next_arrival().as_millis();
                    heap.push(Reverse((now + d, seq, Ev::Arrival)));
                    seq += 1;
                }
                if m.busy == SERVERS {
                    m.waiting.push_back(SimTime::from_millis(now));
                } else {
                    m.busy += 1;
                    let d = m.next_service().as_millis();
                    heap.push(Reverse((now + d, seq, Ev::Departure)));
                    seq += 1;
                }
            }
            Ev::Departure => {
                if let Some(arrived) = m.waiting.pop_front() {
                    m.total_wait_ms += now - arrived.as_millis();
                    let d = m.next_service().as_millis();
                    heap.push(Reverse((now + d, seq, Ev::Departure)));
                    seq += 1;
                } else {
                    m.busy -= 1;
                }
            }
        }
    }
    (events, m.total_wait_ms)
}

/// The library's G/G/c station, with its full statistics (waits, time
/// averages of queue, busy servers and customers in system), on the same
/// work: events handled.
pub fn station() -> u64 {
    let station = Station::new(
        SERVERS,
        Exp::new(LAMBDA).expect("valid rate"),
        Exp::new(MU).expect("valid rate"),
        0,
        CUSTOMERS,
        SEED,
        0,
    );
    let mut sim = station.into_simulation();
    sim.run().events
}
