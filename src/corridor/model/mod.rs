//! The corridor model that the kernel drives: trains released by flows and
//! held at their origin while a ban refuses them ([`demand`]); running over
//! line sections that hold a finite number of trains ([`movement`]);
//! handed over at the border into a port side under its daily cap, then
//! through its yard, inspection and the facility of their class
//! ([`port`]); re-formed and sent on, or held on a departure track while
//! the line ahead is full ([`departure`]); all under closures and partial
//! reductions of capacity ([`capacity`]).
//!
//! Every train is somewhere definite at every moment: at its origin, on a
//! section (running, or held at its end because the port there cannot take
//! it), waiting at a junction, in a port side (siding, yard, inspection,
//! track, departure track) or delivered; `tests/corridor.rs` checks that
//! trains, containers and wagons are conserved through all of it.

mod capacity;
mod demand;

mod departure;
mod movement;
mod port;

use std::collections::VecDeque;

use super::ids::{ClassId, Direction, FlowId, PlaceId, PortId, RouteId, SectionId};
use super::network::{CutTarget, Network, Refuser};
use super::report::{ReplicationReport, Tally, TraceEvent, TraceRecord};
use crate::engine::{Model, Scheduler, Simulation};
use crate::rng::{SimRng, stream_key, stream_rng};
use crate::time::{SimDuration, SimTime};

/// Random-stream purposes. Each flow and each port draws from its own
/// stream, keyed by its scenario id, so that adding a port or a flow leaves
/// every other stream where it was; each train draws its service, running
/// and routing times from a stream of its own (common random numbers), and
/// its holds and its wagons' turnaround from streams of their own, so that
/// switching those on leaves the train's other draws in place.
mod purpose {
    pub const DEMAND: u64 = 1;
    pub const TRAIN: u64 = 2;
    pub const CLOSURE: u64 = 3;
    pub const HOLD: u64 = 4;
    pub const TURNAROUND: u64 = 5;
    pub const CUTS: u64 = 6;
    pub const LOCOMOTIVE: u64 = 7;
}

/// The most trains the system holds before a replication gives up: no
/// train is released beyond it, the report says when it was reached
/// ([`NetworkStats::overloaded_at_ms`](super::NetworkStats::overloaded_at_ms)),
/// and memory stays bounded (about 250 MB of trains at most).
pub const MAX_TRAINS_IN_SYSTEM: usize = 1_000_000;

/// Index of a live train in the model's slab.
type TrainId = u32;

/// A train's departure track while it has none.
const NO_TRACK: u32 = u32::MAX;

/// One shipment travelling in a train; trains that split or consolidate
/// share out or pool their consignments, so every unit is accounted for.
#[derive(Clone, Copy, Debug)]
struct Consignment {
    /// Index of the origin–destination pair in the report.
    od: u32,
    /// Units: containers \[FEU\] or wagons.
    containers: u32,
    created: SimTime,
    waited: SimDuration,
}

#[derive(Debug)]
struct Train {
    flow: FlowId,
    class: ClassId,
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
    /// The key of the train's own streams besides `rng` (holds, wagon
    /// turnaround).
    key: u64,
    /// When the train reached the current port's yard.
    port_arrival: SimTime,
    /// When the current wait began.
    wait_start: SimTime,
    /// Waiting accumulated at the current port, the wait at the border
    /// included.
    port_wait: SimDuration,
    /// The section the train is on (running, or held at its end), with its
    /// orientation and when it entered.
    on_section: Option<(SectionId, bool, SimTime)>,
    /// When the train finished its track work at the current port (the
    /// start of its departure wait).
    work_done: SimTime,
    /// The inspection drawn at yard entry, while it waits for a team.
    pending: SimDuration,
    /// The departure track it is on, at a port after its track work.
    track: u32,
    /// Whether it has a locomotive from the pool of the port side it is
    /// leaving.
    locomotive: bool,
}

/// What a train formed by consolidation takes from the first train of its
/// pool: its flow, class, destination, route and place on it.
#[derive(Clone, Debug)]
struct Template {
    flow: FlowId,
    class: ClassId,
    dest: usize,
    route: RouteId,
    decided: bool,
    route_uniform: f64,
    pos: usize,
    key: u64,
    port_arrival: SimTime,
}

impl Template {
    fn of(t: &Train) -> Self {
        Template {
            flow: t.flow,
            class: t.class,
            dest: t.dest,
            route: t.route,
            decided: t.decided,
            route_uniform: t.route_uniform,
            pos: t.pos,
            key: t.key,
            port_arrival: t.port_arrival,
        }
    }

    fn train(&self, consignments: Vec<Consignment>, rng: SimRng, key: u64, now: SimTime) -> Train {
        Train {
            flow: self.flow,
            class: self.class,
            dest: self.dest,
            route: self.route,
            decided: self.decided,
            route_uniform: self.route_uniform,
            pos: self.pos,
            consignments,
            rng,
            key,
            port_arrival: self.port_arrival,
            wait_start: now,
            port_wait: SimDuration::ZERO,
            on_section: None,
            work_done: now,
            pending: SimDuration::ZERO,
            track: NO_TRACK,
            locomotive: false,
        }
    }
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
    /// Working hours begin at a port side: inspections may start.
    InspectionStart(PortId, Direction),
    /// A train's inspection and customs are done.
    InspectionDone(u32),
    /// A train's longer hold (deep inspection, phytosanitary checks) ends.
    HoldDone(u32),
    /// The cranes have finished a train.
    CranesDone(u32),
    /// A train's track work is done (transshipment and track time, or its
    /// transloading).
    TrackFree(u32),
    /// A new day or a reopening: try the handover again.
    HandoverRetry(PortId, Direction),
    /// Wagons come back empty to a port side's pool.
    WagonsBack(PortId, Direction, u32),
    /// A locomotive is back in a port side's pool.
    LocomotiveBack(PortId, Direction),
    /// A consolidation pool at a port side has waited long enough: what it
    /// holds leaves (the pool's number, its generation).
    ConsolidationDue(PortId, Direction, u32, u32),
    /// A port closes (random or planned).
    CloseStart(PortId, bool),
    /// A port reopens (random or planned).
    CloseEnd(PortId, bool),
    /// A capacity reduction begins (its index among dated then random
    /// cuts of the target).
    CutStart(CutTarget, u32),
    /// A capacity reduction ends.
    CutEnd(CutTarget, u32),
    /// A lifted ban lets the next train it held at its origin go.
    ReleaseRefused(Refuser),
    /// The warm-up ends: statistics restart.
    WarmupEnd,
}

/// A consolidation pool: what trains brought for one remaining route,
/// waiting to leave in full trains.
struct Pool {
    /// Whose route, flow and destination the formed trains take (the
    /// first train to arrive).
    template: Template,
    /// The consignments waiting, with when each joined.
    consignments: Vec<(Consignment, SimTime)>,
    /// Bumped whenever the pool's timer is replaced, so that a stale timer
    /// is ignored.
    generation: u32,
    /// Trains formed since the timer was last set.
    formed: u32,
    /// The departure track the pool is on.
    track: u32,
}

/// The trains waiting for the handover in a siding: a queue per class in
/// arrival order, so that the next train (highest priority, then earliest)
/// is found without looking through the whole siding.
#[derive(Default)]
struct Siding {
    /// Per class: arrival number and train.
    by_class: Vec<VecDeque<(u64, TrainId)>>,
    len: usize,
    arrived: u64,
}

impl Siding {
    fn new(classes: usize) -> Self {
        Siding {
            by_class: (0..classes).map(|_| VecDeque::new()).collect(),
            len: 0,
            arrived: 0,
        }
    }

    fn len(&self) -> usize {
        self.len
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn push(&mut self, class: ClassId, id: TrainId) {
        self.by_class[class.index()].push_back((self.arrived, id));
        self.arrived += 1;
        self.len += 1;
    }

    /// Arrival number of the first train of `class` waiting, if any.
    fn first(&self, class: ClassId) -> Option<u64> {
        self.by_class[class.index()].front().map(|&(n, _)| n)
    }

    fn pop(&mut self, class: ClassId) -> Option<TrainId> {
        let (_, id) = self.by_class[class.index()].pop_front()?;
        self.len -= 1;
        Some(id)
    }

    fn contains(&self, id: TrainId) -> bool {
        self.by_class
            .iter()
            .any(|q| q.iter().any(|&(_, t)| t == id))
    }
}

#[derive(Default)]
struct SideState {
    // At the border, before the handover.
    /// Trains in the handover siding.
    siding: Siding,
    /// Trains held on the approach line because the siding is full.
    held: VecDeque<TrainId>,
    /// Trains of each class at the border (siding and held), for bans.
    border_by_class: Vec<u32>,
    /// Whether each class is refused at its origin now.
    banned: Vec<bool>,
    /// Trains refused at their origin by this side's ban, waiting there.
    refused_waiting: VecDeque<TrainId>,
    /// Whether a release of them is under way.
    releasing: bool,
    handed_today: u32,
    handed_today_by_class: Vec<u32>,
    day: u64,
    retry_pending: bool,
    // In the receiving port.
    /// Trains in the yard: from the handover until a track takes them.
    in_yard: u32,
    inspect_queue: VecDeque<TrainId>,
    inspecting: u32,
    inspection_wake_pending: bool,
    track_queue: VecDeque<TrainId>,
    tracks_busy: u32,
    wagon_queue: VecDeque<TrainId>,
    wagons_available: u32,
    crane_queue: VecDeque<TrainId>,
    cranes_busy: u32,
    /// Queue and busy tracks of each transloading class's facility.
    transload_queue: Vec<VecDeque<TrainId>>,
    transload_busy: Vec<u32>,
    /// Trains whose work is done, holding their track for want of a
    /// departure track.
    blocked: VecDeque<TrainId>,
    /// Departure tracks in use (trains waiting to leave, consolidation
    /// pools).
    departing: u32,
    /// Locomotives in the pool, and trains on departure tracks waiting
    /// for one.
    locomotives_available: u32,
    locomotive_queue: VecDeque<TrainId>,
    /// Trains (and pools) on each numbered departure track, and the
    /// numbers free for reuse.
    track_users: Vec<u32>,
    free_track_numbers: Vec<u32>,
    pools: Vec<Pool>,
    /// Trains from the handover to their departure.
    inside: u64,
}

struct PortState {
    sides: [SideState; 2],
    /// Number of closures in force (random and planned may overlap).
    closures: u32,
    /// Product of the capacity factors of the cuts in force.
    capacity_factor: f64,
    /// Product of the crane factors of the cuts in force.
    cranes_factor: f64,
    /// How many events of each of the port's reductions (dated, then
    /// random) are in force.
    cuts_on: Vec<u32>,
    rng: SimRng,
    cut_rng: Vec<SimRng>,
}

/// Trains on one direction of a section, and those waiting to enter it.
#[derive(Default)]
struct LineState {
    on: u32,
    waiting: VecDeque<TrainId>,
    /// Whether the railway refuses trains for this line now.
    banned: bool,
    /// Trains that ban holds at their origins.
    refused_waiting: VecDeque<TrainId>,
    /// Whether a release of them is under way.
    releasing: bool,
}

struct SectionState {
    /// Per orientation: the earliest time the next train may enter.
    next_path: [SimTime; 2],
    lines: [LineState; 2],
    /// Product of the path factors of the cuts in force.
    factor: f64,
    /// How many events of each of the section's reductions are in force.
    cuts_on: Vec<u32>,
    cut_rng: Vec<SimRng>,
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
    sections: Vec<SectionState>,
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
        let classes = net.classes().len();
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
            ports: net
                .ports()
                .iter()
                .enumerate()
                .map(|(p, port)| {
                    let key = stream_key(net.port_id(PortId(p as u32)));
                    PortState {
                        sides: [0, 1].map(|d| {
                            let cfg = &port.sides[d];
                            SideState {
                                siding: Siding::new(classes),
                                border_by_class: vec![0; classes],
                                banned: vec![false; classes],
                                handed_today_by_class: vec![0; classes],
                                wagons_available: cfg.wagon_pool.as_ref().map_or(0, |w| w.wagons),
                                locomotives_available: cfg
                                    .locomotive_pool
                                    .as_ref()
                                    .map_or(0, |l| l.locomotives),
                                transload_queue: (0..classes).map(|_| VecDeque::new()).collect(),
                                transload_busy: vec![0; classes],
                                ..SideState::default()
                            }
                        }),
                        closures: 0,
                        capacity_factor: 1.0,
                        cranes_factor: 1.0,
                        cuts_on: vec![0; port.cuts.len() + port.random_cuts.len()],
                        rng: stream_rng(seed, replication, purpose::CLOSURE ^ key),
                        cut_rng: (0..port.random_cuts.len() as u64)
                            .map(|i| {
                                stream_rng(
                                    seed,
                                    replication,
                                    purpose::CUTS ^ key ^ i.rotate_left(40),
                                )
                            })
                            .collect(),
                    }
                })
                .collect(),
            sections: net
                .sections()
                .iter()
                .enumerate()
                .map(|(i, sec)| {
                    let key = stream_key(net.section_id(SectionId(i as u32)));
                    SectionState {
                        next_path: [SimTime::ZERO; 2],
                        lines: Default::default(),
                        factor: 1.0,
                        cuts_on: vec![0; sec.cuts.len() + sec.random_cuts.len()],
                        cut_rng: (0..sec.random_cuts.len() as u64)
                            .map(|i| {
                                stream_rng(
                                    seed,
                                    replication,
                                    purpose::CUTS ^ key ^ i.rotate_left(40),
                                )
                            })
                            .collect(),
                    }
                })
                .collect(),
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
        m.schedule_cuts(s);
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

    /// Trains at port side `(p, d)` now: at the border and inside.
    fn present(&self, p: usize, d: Direction) -> u64 {
        let side = &self.ports[p].sides[d.index()];
        side.inside + (side.siding.len() + side.held.len()) as u64
    }

    /// Closes the books at `now`, the simulation's clock when it stopped
    /// (the horizon, for [`run`](Self::run)); time-weighted means cover the
    /// span from the end of the warm-up to `now`.
    pub fn finish(mut self, now: SimTime, events: u64) -> ReplicationReport {
        for p in 0..self.ports.len() {
            for dir in Direction::BOTH {
                let n = self.present(p, dir);
                self.tally.present(PortId(p as u32), dir, false, n);
            }
        }
        let live: Vec<&Train> = self.trains.iter().flatten().collect();
        let backlog_trains = live.len() as u64;
        let backlog_containers: u64 = live.iter().map(|t| u64::from(t.containers())).sum::<u64>()
            + self
                .ports
                .iter()
                .flat_map(|p| &p.sides)
                .flat_map(|s| &s.pools)
                .flat_map(|pool| &pool.consignments)
                .map(|(c, _)| u64::from(c.containers))
                .sum::<u64>();
        let wagons: Vec<[(u32, u32); 2]> = self
            .ports
            .iter()
            .zip(self.net.ports())
            .map(|(p, cfg)| {
                [0, 1].map(|d| {
                    let (cfg, side) = (&cfg.sides[d], &p.sides[d]);
                    (
                        cfg.wagon_pool
                            .as_ref()
                            .map_or(0, |pool| pool.wagons - side.wagons_available),
                        cfg.locomotive_pool
                            .as_ref()
                            .map_or(0, |pool| pool.locomotives - side.locomotives_available),
                    )
                })
            })
            .collect();
        let trace = self.trace.take();
        self.tally.finish(
            now,
            events,
            backlog_trains,
            backlog_containers,
            &wagons,
            trace,
        )
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

    fn train_ref(&self, id: TrainId) -> &Train {
        self.trains[id as usize]
            .as_ref()
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

    /// A stream of the train's own for `purpose` at `port` (its holds, its
    /// wagons' turnaround): the same in every variant for the same train.
    fn train_stream(&self, id: TrainId, purpose: u64, port: PortId) -> SimRng {
        let key = self.train_ref(id).key;
        stream_rng(
            self.seed,
            self.replication,
            key ^ purpose.rotate_left(48) ^ (u64::from(port.0) + 1).rotate_left(24),
        )
    }

    fn warmup_end(&mut self, now: SimTime) {
        let mut tally = Tally::new(self.net, now);
        for (p, port) in self.ports.iter().enumerate() {
            let pid = PortId(p as u32);
            if port.closures > 0 {
                tally.closed(pid, now, true);
            }
            if port.cuts_on.iter().any(|&n| n > 0) {
                tally.reduced(CutTarget::Port(pid), now, true);
            }
            for dir in Direction::BOTH {
                let side = &port.sides[dir.index()];
                tally.tracks_busy(pid, dir, now, side.tracks_busy);
                tally.cranes_busy(pid, dir, now, side.cranes_busy);
                tally.queue_len(pid, dir, now, side.track_queue.len());
                tally.border(pid, dir, now, side.siding.len(), side.held.len());
                tally.in_port(pid, dir, now, side.inside);
                tally.yard(pid, dir, now, side.in_yard, None);
                tally.departing(pid, dir, now, side.departing);
                tally.blocked_tracks(pid, dir, now, side.blocked.len());
                let by = Refuser::Side(pid, dir);
                tally.refused_waiting(by, now, side.refused_waiting.len());
                tally.banned(by, now, side.banned.iter().any(|&b| b));
                let cfg = &self.net.port(pid).sides[dir.index()];
                if let Some(pool) = &cfg.wagon_pool {
                    tally.wagons_at_start(pid, dir, now, pool.wagons - side.wagons_available);
                }
                if let Some(pool) = &cfg.locomotive_pool {
                    let out = pool.locomotives - side.locomotives_available;
                    tally.locomotives_at_start(pid, dir, now, out);
                }
                for (c, &busy) in side.transload_busy.iter().enumerate() {
                    if busy > 0 {
                        tally.transload_busy(pid, dir, ClassId(c as u32), now, busy);
                    }
                }
                tally.present(
                    pid,
                    dir,
                    true,
                    side.inside + (side.siding.len() + side.held.len()) as u64,
                );
            }
        }
        for (i, sec) in self.sections.iter().enumerate() {
            if sec.cuts_on.iter().any(|&n| n > 0) {
                tally.reduced(CutTarget::Section(SectionId(i as u32)), now, true);
            }
            for o in 0..2 {
                let by = Refuser::Line(SectionId(i as u32), o);
                tally.banned(by, now, sec.lines[o].banned);
                tally.refused_waiting(by, now, sec.lines[o].refused_waiting.len());
            }
            for o in 0..2 {
                tally.line(
                    SectionId(i as u32),
                    o,
                    now,
                    sec.lines[o].on,
                    sec.lines[o].waiting.len(),
                );
            }
        }
        let live = self.trains.iter().flatten();
        let pooled: u64 = self
            .ports
            .iter()
            .flat_map(|p| &p.sides)
            .flat_map(|s| &s.pools)
            .flat_map(|pool| &pool.consignments)
            .map(|(c, _)| u64::from(c.containers))
            .sum();
        tally.set_initial_backlog(
            live.clone().count() as u64,
            live.map(|t| u64::from(t.containers())).sum::<u64>() + pooled,
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
            CorridorEvent::InspectionStart(pid, dir) => {
                self.ports[pid.index()].sides[dir.index()].inspection_wake_pending = false;
                self.start_inspections(pid, dir, s);
            }
            CorridorEvent::InspectionDone(id) => self.inspection_done(id, s),
            CorridorEvent::HoldDone(id) => self.queue_for_facility(id, s),
            CorridorEvent::CranesDone(id) => self.cranes_done(id, s),
            CorridorEvent::TrackFree(id) => self.track_free(id, s),
            CorridorEvent::HandoverRetry(pid, dir) => {
                self.ports[pid.index()].sides[dir.index()].retry_pending = false;
                self.try_handover(pid, dir, s);
            }
            CorridorEvent::WagonsBack(pid, dir, n) => self.wagons_back(pid, dir, n, s),
            CorridorEvent::LocomotiveBack(pid, dir) => self.locomotive_back(pid, dir, s),
            CorridorEvent::ConsolidationDue(pid, dir, pool, generation) => {
                self.consolidation_due(pid, dir, pool as usize, generation, s)
            }
            CorridorEvent::CloseStart(pid, random) => self.close(pid, random, s),
            CorridorEvent::CloseEnd(pid, random) => self.reopen(pid, random, s),
            CorridorEvent::CutStart(target, k) => self.cut_start(target, k as usize, s),
            CorridorEvent::CutEnd(target, k) => self.cut_end(target, k as usize, s),
            CorridorEvent::ReleaseRefused(by) => self.release_one(by, s),
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
