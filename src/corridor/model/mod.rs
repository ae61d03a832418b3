//! The corridor model that the kernel drives: trains released by flows
//! ([`demand`]), running over line sections ([`movement`]), passing border
//! ports ([`port`]) and their interstate handover with coupling and
//! re-forming ([`handover`]), under closures ([`closure`]).

mod closure;
mod demand;
mod handover;
mod movement;
mod port;

use std::collections::VecDeque;

use super::ids::{Direction, FlowId, PlaceId, PortId, RouteId};
use super::network::Network;
use super::report::{ReplicationReport, Tally, TraceEvent, TraceRecord};
use crate::engine::{Model, Scheduler, Simulation};
use crate::rng::{SimRng, stream_key, stream_rng};
use crate::time::{SimDuration, SimTime};

/// Random-stream purposes. Each flow and each port draws from its own
/// stream, keyed by its scenario id, so that adding a port or a flow leaves
/// every other stream where it was; each train draws its service, running
/// and routing times from a stream of its own (common random numbers).
mod purpose {
    pub const DEMAND: u64 = 1;
    pub const TRAIN: u64 = 2;
    pub const CLOSURE: u64 = 3;
}

/// The most trains the system holds before a replication gives up: no
/// train is released beyond it, the report says when it was reached
/// ([`NetworkStats::overloaded_at_ms`](super::NetworkStats::overloaded_at_ms)),
/// and memory stays bounded (about 250 MB of trains at most).
pub const MAX_TRAINS_IN_SYSTEM: usize = 1_000_000;

/// Index of a live train in the model's slab.
type TrainId = u32;

/// One shipment travelling in a train; trains that split or couple share
/// out or pool their consignments, so every container is accounted for.
#[derive(Clone, Copy, Debug)]
struct Consignment {
    /// Index of the origin–destination pair in the report.
    od: u32,
    containers: u32,
    created: SimTime,
    waited: SimDuration,
}

#[derive(Debug)]
struct Train {
    flow: FlowId,
    /// Index into the flow's destinations.
    dest: usize,
    /// Chosen route, or the first candidate until the decision point.
    route: RouteId,
    decided: bool,
    /// The uniform draw the routing policy gets at the decision point.
    route_uniform: f64,
    /// Index of the current place in the route.
    pos: usize,
    consignments: Vec<Consignment>,
    rng: SimRng,
    /// When the train reached the current port (after any upstream hold).
    port_arrival: SimTime,
    /// When the current wait (blocked, queue, cranes, handover) began.
    wait_start: SimTime,
    /// Waiting accumulated at the current port, upstream hold included.
    port_wait: SimDuration,
}

impl Train {
    fn containers(&self) -> u32 {
        self.consignments.iter().map(|c| c.containers).sum()
    }

    /// Books a wait that ended now and began at `wait_start`; returns it.
    fn end_wait(&mut self, now: SimTime) -> SimDuration {
        let d = now.since(self.wait_start).unwrap_or(SimDuration::ZERO);
        self.add_wait(d);
        self.wait_start = now;
        d
    }

    fn add_wait(&mut self, d: SimDuration) {
        if d == SimDuration::ZERO {
            return;
        }
        self.port_wait += d;
        for c in &mut self.consignments {
            c.waited += d;
        }
    }
}

/// Events of the corridor model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CorridorEvent {
    /// The next train of a flow leaves its origin.
    Release(FlowId),
    /// A timetabled flow's nominal departure: the train itself leaves
    /// after its lateness, and the next nominal departure is scheduled.
    Nominal(FlowId),
    /// A train reaches the next place on its route.
    Arrive(u32),
    /// A train's inspection and customs are done.
    InspectionDone(u32),
    /// The cranes have finished a train.
    CranesDone(u32),
    /// A train leaves its track for the departure yard.
    TrackFree(u32),
    /// A new day or a reopening: try the handover again.
    HandoverRetry(PortId, Direction),
    /// A port closes (random or planned).
    CloseStart(PortId, bool),
    /// A port reopens (random or planned).
    CloseEnd(PortId, bool),
    /// The warm-up ends: statistics restart.
    WarmupEnd,
}

#[derive(Default)]
struct SideState {
    blocked: VecDeque<TrainId>,
    /// Trains in inspection or queued for a track.
    in_yard: u32,
    track_queue: VecDeque<TrainId>,
    tracks_busy: u32,
    crane_queue: VecDeque<TrainId>,
    cranes_busy: u32,
    handover: VecDeque<TrainId>,
    handed_today: u32,
    day: u64,
    /// Trains between yard entry and handover.
    inside: u64,
    retry_pending: bool,
}

struct PortState {
    sides: [SideState; 2],
    /// Number of closures in force (random and planned may overlap).
    closures: u32,
    rng: SimRng,
}

/// The corridor model for one replication.
pub struct CorridorModel<'a> {
    net: &'a Network,
    seed: u64,
    replication: u64,
    demand_rng: Vec<SimRng>,
    /// Stream key of each flow's trains (from the flow's scenario id).
    train_key: Vec<u64>,
    /// Sequence numbers of each flow's trains (keys their random streams).
    released: Vec<u64>,
    /// Index of the next nominal departure of each timetabled flow.
    timetable_next: Vec<f64>,
    trains: Vec<Option<Train>>,
    free: Vec<TrainId>,
    ports: Vec<PortState>,
    /// Per section and orientation, the earliest time the next train may
    /// enter.
    next_path: Vec<[SimTime; 2]>,
    end: SimTime,
    delay_threshold: SimDuration,
    tally: Tally,
    trace: Option<Vec<TraceRecord>>,
}

/// Settings of one corridor run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RunSettings {
    /// Master seed.
    pub seed: u64,
    /// Replication index.
    pub replication: u64,
    /// Time before statistics start.
    pub warmup: SimDuration,
    /// Time measured after the warm-up.
    pub horizon: SimDuration,
    /// A consignment counts as delayed if it waited longer than this in
    /// total.
    pub delay_threshold: SimDuration,
    /// Keep a trace of every train's events.
    pub trace: bool,
}

impl<'a> CorridorModel<'a> {
    /// A model of `net` for one replication, with its first events
    /// scheduled, ready to run.
    pub fn simulation(net: &'a Network, settings: RunSettings) -> Simulation<CorridorModel<'a>> {
        let RunSettings {
            seed,
            replication,
            warmup,
            horizon,
            delay_threshold,
            trace,
        } = settings;
        let start = SimTime::ZERO + warmup;
        let model = CorridorModel {
            net,
            seed,
            replication,
            demand_rng: net
                .flows()
                .iter()
                .map(|f| stream_rng(seed, replication, purpose::DEMAND ^ stream_key(&f.id)))
                .collect(),
            train_key: net
                .flows()
                .iter()
                .map(|f| purpose::TRAIN ^ stream_key(&f.id))
                .collect(),
            released: vec![0; net.flows().len()],
            timetable_next: vec![0.0; net.flows().len()],
            trains: Vec::new(),
            free: Vec::new(),
            ports: (0..net.ports().len())
                .map(|p| PortState {
                    sides: Default::default(),
                    closures: 0,
                    rng: stream_rng(
                        seed,
                        replication,
                        purpose::CLOSURE ^ stream_key(net.port_id(PortId(p as u32))),
                    ),
                })
                .collect(),
            next_path: vec![[SimTime::ZERO; 2]; net.sections().len()],
            end: start + horizon,
            delay_threshold,
            tally: Tally::new(net, start),
            trace: trace.then(Vec::new),
        };
        let mut sim = Simulation::with_capacity(model, 1024);
        let (m, s) = sim.parts_mut();
        for f in 0..net.flows().len() {
            m.schedule_release(FlowId(f as u32), s);
        }
        for p in 0..net.ports().len() {
            m.schedule_closures(PortId(p as u32), s);
        }
        if warmup > SimDuration::ZERO {
            s.schedule_in(warmup, CorridorEvent::WarmupEnd);
        }
        sim
    }

    /// Runs `net` for one replication and reports what it measured.
    ///
    /// # Examples
    ///
    /// ```
    /// use silkrail::corridor::{CorridorModel, RunSettings};
    /// use silkrail::scenario::Scenario;
    /// use silkrail::time::SimDuration;
    ///
    /// let scenario = Scenario::builtin();
    /// let settings = RunSettings {
    ///     seed: 1,
    ///     replication: 0,
    ///     warmup: SimDuration::from_days(10),
    ///     horizon: SimDuration::from_days(30),
    ///     delay_threshold: SimDuration::from_hours(48),
    ///     trace: false,
    /// };
    /// let report = CorridorModel::run(&scenario.network, settings);
    /// assert!(report.network.delivered_trains > 0);
    /// ```
    pub fn run(net: &'a Network, settings: RunSettings) -> ReplicationReport {
        let mut sim = Self::simulation(net, settings);
        let end = sim.model().end;
        sim.run_until(end);
        let events = sim.events_handled();
        let now = sim.now();
        sim.into_model().finish(now, events)
    }

    /// Closes the books at `now`, the simulation's clock when it stopped
    /// (the horizon, for [`run`](Self::run)); time-weighted means cover the
    /// span from the end of the warm-up to `now`.
    pub fn finish(mut self, now: SimTime, events: u64) -> ReplicationReport {
        for (p, port) in self.ports.iter().enumerate() {
            for dir in Direction::BOTH {
                let side = &port.sides[dir.index()];
                let n = side.inside + side.blocked.len() as u64;
                self.tally.present(PortId(p as u32), dir, false, n);
            }
        }
        let live: Vec<&Train> = self.trains.iter().flatten().collect();
        let backlog_trains = live.len() as u64;
        let backlog_containers = live.iter().map(|t| u64::from(t.containers())).sum();
        let trace = self.trace.take();
        self.tally
            .finish(now, events, backlog_trains, backlog_containers, trace)
    }

    /// The trace so far, if one was asked for.
    pub fn trace(&self) -> Option<&[TraceRecord]> {
        self.trace.as_deref()
    }

    fn record(&mut self, now: SimTime, train: TrainId, event: TraceEvent, place: PlaceId) {
        if let Some(trace) = &mut self.trace {
            trace.push(TraceRecord {
                time_ms: now.as_millis(),
                train,
                event,
                place: self.net.place(place).id.clone(),
            });
        }
    }

    fn train(&mut self, id: TrainId) -> &mut Train {
        self.trains[id as usize]
            .as_mut()
            .expect("events only name live trains")
    }

    /// Trains in the system now.
    fn live_trains(&self) -> usize {
        self.trains.len() - self.free.len()
    }

    fn insert(&mut self, t: Train) -> TrainId {
        match self.free.pop() {
            Some(id) => {
                self.trains[id as usize] = Some(t);
                id
            }
            None => {
                self.trains.push(Some(t));
                (self.trains.len() - 1) as TrainId
            }
        }
    }

    fn remove(&mut self, id: TrainId) -> Train {
        self.free.push(id);
        self.trains[id as usize]
            .take()
            .expect("a train leaves the system once")
    }

    fn warmup_end(&mut self, now: SimTime) {
        let mut tally = Tally::new(self.net, now);
        for (p, port) in self.ports.iter().enumerate() {
            let pid = PortId(p as u32);
            if port.closures > 0 {
                tally.closed(pid, now, true);
            }
            for dir in Direction::BOTH {
                let side = &port.sides[dir.index()];
                tally.tracks_busy(pid, dir, now, side.tracks_busy);
                tally.cranes_busy(pid, dir, now, side.cranes_busy);
                tally.queue_len(pid, dir, now, side.track_queue.len());
                tally.blocked_len(pid, dir, now, side.blocked.len());
                tally.in_port(pid, dir, now, side.inside);
                tally.present(pid, dir, true, side.inside + side.blocked.len() as u64);
            }
        }
        let live = self.trains.iter().flatten();
        tally.set_initial_backlog(
            live.clone().count() as u64,
            live.map(|t| u64::from(t.containers())).sum(),
        );
        self.tally = tally;
    }
}

impl Model for CorridorModel<'_> {
    type Event = CorridorEvent;

    fn handle(&mut self, event: CorridorEvent, s: &mut Scheduler<CorridorEvent>) {
        match event {
            CorridorEvent::Release(f) => self.release(f, s),
            CorridorEvent::Nominal(f) => self.nominal(f, s),
            CorridorEvent::Arrive(id) => self.arrive(id, s),
            CorridorEvent::InspectionDone(id) => self.inspection_done(id, s),
            CorridorEvent::CranesDone(id) => self.cranes_done(id, s),
            CorridorEvent::TrackFree(id) => self.track_free(id, s),
            CorridorEvent::HandoverRetry(pid, dir) => {
                self.ports[pid.index()].sides[dir.index()].retry_pending = false;
                self.try_handover(pid, dir, s);
            }
            CorridorEvent::CloseStart(pid, random) => self.close(pid, random, s),
            CorridorEvent::CloseEnd(pid, random) => self.reopen(pid, random, s),
            CorridorEvent::WarmupEnd => self.warmup_end(s.now()),
        }
    }
}

/// Converts a validated sample \[h\] to ticks. Samples of a validated
/// [`HoursDist`](super::HoursDist) are finite and non-negative; a product
/// with a scale factor is capped at the largest accepted span.
#[inline]
fn to_duration(hours: f64) -> SimDuration {
    SimDuration::try_from_hours_f64(hours.min(crate::time::MAX_SAMPLED_HOURS))
        .expect("validated distributions give finite, non-negative hours")
}
