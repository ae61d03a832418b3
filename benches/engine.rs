//! Kernel benchmarks: the hold model at three queue sizes, and M/M/1 on the
//! kernel against a minimal hand-rolled `BinaryHeap` loop measured in the
//! same run, so that the kernel's overhead shows as a ratio.
//!
//! `cargo bench --bench engine`

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rand_distr::{Distribution, Exp};
use silkrail::engine::{Model, Scheduler, Simulation};
use silkrail::queueing::Station;
use silkrail::rng::{SimRng, stream_rng};
use silkrail::time::{SimDuration, SimTime};

const SEED: u64 = 2026;

#[inline]
fn ticks(hours: f64) -> SimDuration {
    SimDuration::try_from_hours_f64(hours).expect("exponential samples are finite and non-negative")
}

// ---------------------------------------------------------------- hold model

struct Hold {
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

fn hold_kernel(pending: usize) -> Simulation<Hold> {
    let mut hold = Hold {
        rng: stream_rng(SEED, 0, 0),
        exp: Exp::new(1.0).expect("rate 1 is valid"),
    };
    let mut sim = Simulation::with_capacity(
        Hold {
            rng: stream_rng(SEED, 0, 1),
            exp: hold.exp,
        },
        pending,
    );
    for i in 0..pending {
        let d = ticks(hold.exp.sample(&mut hold.rng));
        sim.scheduler_mut().schedule_in(d, i as u32);
    }
    sim
}

/// The hand-rolled hold loop: `BinaryHeap` of (time, seq, payload).
struct HoldRef {
    heap: BinaryHeap<Reverse<(u64, u64, u32)>>,
    seq: u64,
    rng: SimRng,
    exp: Exp<f64>,
}

fn hold_reference(pending: usize) -> HoldRef {
    let mut rng = stream_rng(SEED, 0, 0);
    let exp = Exp::new(1.0).expect("rate 1 is valid");
    let mut heap = BinaryHeap::with_capacity(pending);
    for i in 0..pending {
        heap.push(Reverse((
            ticks(exp.sample(&mut rng)).as_millis(),
            i as u64,
            i as u32,
        )));
    }
    HoldRef {
        heap,
        seq: pending as u64,
        rng: stream_rng(SEED, 0, 1),
        exp,
    }
}

impl HoldRef {
    fn run(&mut self, steps: u64) -> u64 {
        for _ in 0..steps {
            let Reverse((t, _, e)) = self.heap.pop().expect("hold keeps its size");
            let d = ticks(self.exp.sample(&mut self.rng)).as_millis();
            self.heap.push(Reverse((t + d, self.seq, e)));
            self.seq += 1;
        }
        self.seq
    }
}

fn bench_hold(c: &mut Criterion) {
    const STEPS: u64 = 100_000;
    let mut g = c.benchmark_group("hold");
    g.throughput(Throughput::Elements(STEPS));
    for pending in [16usize, 1_000, 100_000] {
        g.bench_with_input(BenchmarkId::new("kernel", pending), &pending, |b, &n| {
            let mut sim = hold_kernel(n);
            b.iter(|| black_box(sim.run_events(STEPS)))
        });
        g.bench_with_input(BenchmarkId::new("reference", pending), &pending, |b, &n| {
            let mut h = hold_reference(n);
            b.iter(|| black_box(h.run(STEPS)))
        });
    }
    g.finish();
}

// ------------------------------------------------------------------- M/M/1

const CUSTOMERS: u64 = 1_000_000;
const LAMBDA: f64 = 0.9;
const MU: f64 = 1.0;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Ev {
    Arrival,
    Departure,
}

/// M/M/1 as a minimal model on the kernel: the same work, draw for draw, as
/// the hand-rolled loop below.
struct Mm1 {
    arrival_rng: SimRng,
    service_rng: SimRng,
    arrival: Exp<f64>,
    service: Exp<f64>,
    waiting: VecDeque<SimTime>,
    busy: bool,
    arrivals_left: u64,
    total_wait_ms: u64,
}

impl Mm1 {
    fn new() -> Self {
        Mm1 {
            arrival_rng: stream_rng(SEED, 0, 1),
            service_rng: stream_rng(SEED, 0, 2),
            arrival: Exp::new(LAMBDA).expect("valid rate"),
            service: Exp::new(MU).expect("valid rate"),
            waiting: VecDeque::with_capacity(1024),
            busy: false,
            arrivals_left: CUSTOMERS,
            total_wait_ms: 0,
        }
    }
}

impl Model for Mm1 {
    type Event = Ev;
    #[inline]
    fn handle(&mut self, event: Ev, s: &mut Scheduler<Ev>) {
        let now = s.now();
        match event {
            Ev::Arrival => {
                self.arrivals_left -= 1;
                if self.arrivals_left > 0 {
                    s.schedule_in(
                        ticks(self.arrival.sample(&mut self.arrival_rng)),
                        Ev::Arrival,
                    );
                }
                if self.busy {
                    self.waiting.push_back(now);
                } else {
                    self.busy = true;
                    s.schedule_in(
                        ticks(self.service.sample(&mut self.service_rng)),
                        Ev::Departure,
                    );
                }
            }
            Ev::Departure => {
                if let Some(arrived) = self.waiting.pop_front() {
                    self.total_wait_ms += now.since(arrived).map_or(0, |d| d.as_millis());
                    s.schedule_in(
                        ticks(self.service.sample(&mut self.service_rng)),
                        Ev::Departure,
                    );
                } else {
                    self.busy = false;
                }
            }
        }
    }
}

fn mm1_kernel() -> (u64, u64) {
    let mut sim = Simulation::with_capacity(Mm1::new(), 16);
    sim.scheduler_mut()
        .schedule_in(SimDuration::ZERO, Ev::Arrival);
    let out = sim.run();
    (out.events, sim.model().total_wait_ms)
}

/// The reference: M/M/1 as a minimal hand-rolled loop over a `BinaryHeap`.
fn mm1_reference() -> (u64, u64) {
    let mut m = Mm1::new();
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
                    let d = ticks(m.arrival.sample(&mut m.arrival_rng)).as_millis();
                    heap.push(Reverse((now + d, seq, Ev::Arrival)));
                    seq += 1;
                }
                if m.busy {
                    m.waiting.push_back(SimTime::from_millis(now));
                } else {
                    m.busy = true;
                    let d = ticks(m.service.sample(&mut m.service_rng)).as_millis();
                    heap.push(Reverse((now + d, seq, Ev::Departure)));
                    seq += 1;
                }
            }
            Ev::Departure => {
                if let Some(arrived) = m.waiting.pop_front() {
                    m.total_wait_ms += now - arrived.as_millis();
                    let d = ticks(m.service.sample(&mut m.service_rng)).as_millis();
                    heap.push(Reverse((now + d, seq, Ev::Departure)));
                    seq += 1;
                } else {
                    m.busy = false;
                }
            }
        }
    }
    (events, m.total_wait_ms)
}

/// The library's general G/G/c station (with its full statistics) on the
/// same M/M/1 work.
fn mm1_station() -> u64 {
    let station = Station::new(
        1,
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

fn bench_mm1(c: &mut Criterion) {
    // The kernel and the reference must do exactly the same work.
    assert_eq!(
        mm1_kernel(),
        mm1_reference(),
        "kernel and reference disagree"
    );
    let mut g = c.benchmark_group("mm1_customers");
    g.throughput(Throughput::Elements(CUSTOMERS));
    g.sample_size(20);
    g.bench_function("reference", |b| b.iter(|| black_box(mm1_reference())));
    g.bench_function("kernel", |b| b.iter(|| black_box(mm1_kernel())));
    g.bench_function("station", |b| b.iter(|| black_box(mm1_station())));
    g.finish();
}

criterion_group!(benches, bench_hold, bench_mm1);
criterion_main!(benches);
