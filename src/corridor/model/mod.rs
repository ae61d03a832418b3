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
mod state;
mod train;

use state::{Pool, PortState, SectionState, SideState, Siding};
use train::{Consignment, NO_TRACK, Template, Train, TrainId};

use std::collections::VecDeque;

use super::ids::{ClassId, Direction, FlowId, PlaceId, PortId, RouteId, SectionId};
use super::network::{CutTarget, Network, Refuser};
use super::report::{ReplicationReport, TraceEvent, TraceRecord};
use super::tally::Tally;
use crate::engine::{Model, Scheduler, Simulation};
use crate::rng::{ReplicationStreams, SimRng, stream_key};
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
    pub const CHOICE: u64 = 8;
}

/// The most trains the system holds before a replication gives up: no
/// train is released beyond it, the report says when it was reached
/// ([`NetworkStats::overloaded_at_ms`](super::NetworkStats::overloaded_at_ms)),
/// and memory stays bounded (about 250 MB of trains at most).
pub const MAX_TRAINS_IN_SYSTEM: usize = 1_000_000;

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
    /// A new calendar year begins (runs with a start year).
    NewYear,
    /// A dated change of capacity takes effect (its index among the
    /// target's changes; `u32::MAX` for a port's opening).
    Change(CutTarget, u32),
    /// A lifted ban lets the next train it held at its origin go.
    ReleaseRefused(Refuser),
    /// The warm-up ends: statistics restart.
    WarmupEnd,
}

/// The corridor model for one replication.
pub struct CorridorModel<'a> {
    net: &'a Network,
    /// The replication's random streams (each train's, per purpose).
    streams: ReplicationStreams,
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
    /// The choices on the way made at each place (indices into the
    /// network's choices).
    choices_at: Vec<Vec<u8>>,
    /// Stream key of each choice (from its id).
    choice_keys: Vec<u64>,
    /// Trains on their way to each port side (past their route choice, not
    /// yet at its border), by the leg they are on: the load that route
    /// choice sees coming (see `commit_slot`).
    committed_on: Vec<u32>,
    /// Reused buffers of route decisions, so that a decision allocates
    /// nothing once they have grown: the candidates (taken out while a
    /// decision runs) and, behind `Cell`s for the `&self` of `pick`, the
    /// open candidates and their renormalised shares.
    scratch_cands: Vec<(RouteId, usize)>,
    scratch_open: std::cell::Cell<Vec<usize>>,
    scratch_shares: std::cell::Cell<Vec<f64>>,
    /// Emptied consignment lists (of delivered, coupled or split trains)
    /// for new trains to reuse: every list is either a train's or here, so
    /// there are never more than the most trains in the system at once.
    spare_consignments: Vec<Vec<Consignment>>,
    /// When the last port to open opens (`None` if every port is open
    /// from the start): from then on no route passes an unopened port.
    all_open_at: Option<SimTime>,
    /// Bans in force (one per port side and class, one per line and
    /// direction): while none is, no route refuses any train.
    bans_in_force: u32,
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
        let streams = ReplicationStreams::new(seed, replication);
        let model = CorridorModel {
            net,
            streams,
            demand_rng: net
                .flows()
                .iter()
                .map(|f| streams.rng(purpose::DEMAND ^ stream_key(&f.id)))
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
                        capacity_factor: if port.opens_day.is_some() { 0.0 } else { 1.0 },
                        cranes_factor: if port.opens_day.is_some() { 0.0 } else { 1.0 },
                        change: if port.opens_day.is_some() {
                            crate::corridor::network::Cut::STOP
                        } else {
                            crate::corridor::network::Cut {
                                capacity: 1.0,
                                cranes: 1.0,
                            }
                        },
                        cuts_on: vec![0; port.cuts.len() + port.random_cuts.len()],
                        rng: streams.rng(purpose::CLOSURE ^ key),
                        key,
                        cut_rng: cut_streams(streams, key, port.random_cuts.len()),
                        random_closed_since: None,
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
                        change: 1.0,
                        cuts_on: vec![0; sec.cuts.len() + sec.random_cuts.len()],
                        cut_rng: cut_streams(streams, key, sec.random_cuts.len()),
                    }
                })
                .collect(),
            end: start + horizon,
            delay_threshold,
            tally: Tally::new(net, start, start + horizon),
            trace: trace.then(Vec::new),
            choices_at: (0..net.places().len())
                .map(|p| {
                    (0..net.choices().len())
                        .filter(|&c| net.choices()[c].at.contains(&PlaceId(p as u32)))
                        .map(|c| c as u8)
                        .collect()
                })
                .collect(),
            choice_keys: net.choices().iter().map(|c| stream_key(&c.id)).collect(),
            committed_on: vec![0; net.ports().len() * 2 * net.sections().len()],
            scratch_cands: Vec::new(),
            scratch_open: Default::default(),
            scratch_shares: Default::default(),
            spare_consignments: Vec::new(),
            all_open_at: net
                .ports()
                .iter()
                .filter_map(|p| p.opens_day)
                .map(day_start)
                .max(),
            bans_in_force: 0,
        };
        let mut sim = Simulation::with_capacity(model, 1024);
        let (m, s) = sim.parts_mut();
        for p in 0..net.ports().len() {
            m.note_cap(PortId(p as u32), start);
        }
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
        if net.start_year().is_some() {
            // Each new calendar year within the measured span.
            let year = SimDuration::from_days(365);
            let mut at = year;
            while SimTime::ZERO + at < m.end {
                if SimTime::ZERO + at > start {
                    s.schedule_in(at, CorridorEvent::NewYear);
                }
                at += year;
            }
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
        let (backlog_trains, backlog_containers) = self.backlog();
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

    /// Trains in the system now, and their units with those waiting in
    /// consolidation pools.
    fn backlog(&self) -> (u64, u64) {
        let live = self.trains.iter().flatten();
        let pooled: u64 = self
            .ports
            .iter()
            .flat_map(|p| &p.sides)
            .flat_map(|s| &s.pools)
            .flat_map(|pool| &pool.consignments)
            .map(|(c, _)| u64::from(c.containers))
            .sum();
        let units: u64 = live.clone().map(|t| u64::from(t.containers())).sum();
        (live.count() as u64, units + pooled)
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
        // Keyed by the port's id, not its index: a variant that adds a port
        // leaves every other port's draws in place.
        self.train_stream_keyed(id, purpose, self.ports[port.index()].key)
    }

    /// Train `id`'s stream for `purpose` at the thing whose id hashes to
    /// `key` (a port, a choice).
    fn train_stream_keyed(&self, id: TrainId, purpose: u64, key: u64) -> SimRng {
        self.streams
            .rng(self.train_ref(id).key ^ purpose.rotate_left(48) ^ key.rotate_left(24))
    }

    fn warmup_end(&mut self, now: SimTime) {
        let mut tally = self.tally.successor(self.net, now, self.end);
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
            for (o, line) in sec.lines.iter().enumerate() {
                let by = Refuser::Line(SectionId(i as u32), o == 1);
                tally.banned(by, now, line.banned);
                tally.refused_waiting(by, now, line.refused_waiting.len());
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
        let (trains, units) = self.backlog();
        tally.set_initial_backlog(trains, units);
        self.tally = tally;
        for p in 0..self.ports.len() {
            self.note_cap(PortId(p as u32), now);
        }
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
            CorridorEvent::Change(target, k) => self.change(target, k, s),
            CorridorEvent::NewYear => self.tally.next_year(s.now()),
            CorridorEvent::ReleaseRefused(by) => self.release_one(by, s),
            CorridorEvent::WarmupEnd => self.warmup_end(s.now()),
        }
    }
}

/// The streams of the `n` random reductions of the port or section whose
/// id has stream key `key`: one each, so that adding one moves no other.
fn cut_streams(streams: ReplicationStreams, key: u64, n: usize) -> Vec<SimRng> {
    (0..n as u64)
        .map(|i| streams.rng(purpose::CUTS ^ key ^ i.rotate_left(40)))
        .collect()
}

/// The instant day `day` of the run begins (a validated day from 0 to
/// 36525, to the millisecond, as the events dated by days are scheduled).
fn day_start(day: f64) -> SimTime {
    SimTime::ZERO
        + SimDuration::try_from_hours_f64(day * 24.0).expect("validated: a day from 0 to 36525")
}

/// Converts a validated sample \[h\] to ticks. Samples of a validated
/// [`HoursDist`](super::HoursDist) are finite and non-negative; a product
/// with a scale factor is capped at the largest accepted span.
#[inline]
fn to_duration(hours: f64) -> SimDuration {
    SimDuration::try_from_hours_f64(hours.min(crate::time::MAX_SAMPLED_HOURS))
        .expect("validated distributions give finite, non-negative hours")
}

#[cfg(test)]
mod tests {
    use super::CorridorEvent;

    /// Every pending event is a heap entry of its key (16 bytes) and the
    /// event: at 16 bytes an entry is 32, where one `usize` in a variant
    /// made events 24 bytes and entries 40, with more to move at every
    /// step of a sift.
    #[test]
    fn events_stay_16_bytes() {
        assert!(
            std::mem::size_of::<CorridorEvent>() <= 16,
            "CorridorEvent is {} bytes",
            std::mem::size_of::<CorridorEvent>()
        );
    }
}
