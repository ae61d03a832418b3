//! The corridor model that the kernel drives: trains released by flows,
//! running over line sections and passing border ports.

use std::collections::VecDeque;

use rand::RngExt;
use rand_distr::Exp1;

use super::network::{
    ArrivalProcess, Direction, FlowId, GaugeChange, MONTH_DAYS, Network, PlaceId, PlaceKind,
    PortId, RouteId,
};
use super::report::{ReplicationReport, Tally};
use super::routing::{PortLoad, RoutingContext, pick_by_share};
use crate::engine::{Model, Scheduler, Simulation};
use crate::montecarlo::{SimRng, stream_rng};
use crate::time::{SimDuration, SimTime, TICKS_PER_DAY};

/// Random-stream purposes. Each flow and each port draws from its own
/// stream, keyed by its scenario id, so that adding a port or a flow leaves
/// every other stream where it was; each train draws its service, running
/// and routing times from a stream of its own (common random numbers).
mod purpose {
    pub const DEMAND: u64 = 1;
    pub const TRAIN: u64 = 2;
    pub const CLOSURE: u64 = 3;
}

/// FNV-1a of a scenario id: a stable, portable key for a random stream.
fn id_key(id: &str) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for b in id.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

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

/// One line of a train trace.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct TraceRecord {
    /// When.
    pub time_ms: u64,
    /// The train's slab index (reused after the train leaves).
    pub train: u32,
    /// What happened.
    pub event: &'static str,
    /// Where (scenario id).
    pub place: String,
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
                .flows
                .iter()
                .map(|f| stream_rng(seed, replication, purpose::DEMAND ^ id_key(&f.id)))
                .collect(),
            train_key: net
                .flows
                .iter()
                .map(|f| purpose::TRAIN ^ id_key(&f.id))
                .collect(),
            released: vec![0; net.flows.len()],
            timetable_next: vec![0.0; net.flows.len()],
            trains: Vec::new(),
            free: Vec::new(),
            ports: net
                .ports
                .iter()
                .map(|p| PortState {
                    sides: Default::default(),
                    closures: 0,
                    rng: stream_rng(
                        seed,
                        replication,
                        purpose::CLOSURE ^ id_key(&net.places[p.place.index()].id),
                    ),
                })
                .collect(),
            next_path: vec![[SimTime::ZERO; 2]; net.sections.len()],
            end: start + horizon,
            delay_threshold,
            tally: Tally::new(net, start),
            trace: trace.then(Vec::new),
        };
        let mut sim = Simulation::with_capacity(model, 1024);
        let (m, s) = sim.parts_mut();
        for f in 0..net.flows.len() {
            m.schedule_release(FlowId(f as u32), s);
        }
        for (p, port) in net.ports.iter().enumerate() {
            let pid = PortId(p as u32);
            if let Some(rc) = &port.random_closures {
                let open = open_spell(&mut m.ports[p].rng, rc);
                s.schedule_in(open, CorridorEvent::CloseStart(pid, true));
            }
            for &(at, len) in &port.scheduled_closures {
                s.schedule_in(at, CorridorEvent::CloseStart(pid, false));
                s.schedule_in(at + len, CorridorEvent::CloseEnd(pid, false));
            }
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
        let end = now;
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
        self.tally.finish(
            self.net,
            end,
            events,
            backlog_trains,
            backlog_containers,
            trace,
        )
    }

    /// The trace so far, if one was asked for.
    pub fn trace(&self) -> Option<&[TraceRecord]> {
        self.trace.as_deref()
    }

    fn record(&mut self, now: SimTime, train: TrainId, event: &'static str, place: PlaceId) {
        if let Some(trace) = &mut self.trace {
            trace.push(TraceRecord {
                time_ms: now.as_millis(),
                train,
                event,
                place: self.net.places[place.index()].id.clone(),
            });
        }
    }

    fn train(&mut self, id: TrainId) -> &mut Train {
        self.trains[id as usize]
            .as_mut()
            .expect("events only name live trains")
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

    // ------------------------------------------------------------- demand

    /// Schedules a flow's next release (Poisson) or next nominal departure
    /// (timetable). The rate is piecewise constant by month (a 365-day
    /// year), so the next Poisson time inverts the cumulative intensity
    /// exactly; a timetable spaces its nominal departures evenly in
    /// cumulative intensity, i.e. at the seasonal rate, and each train
    /// leaves after its own lateness, so one late train holds back no
    /// other.
    fn schedule_release(&mut self, f: FlowId, s: &mut Scheduler<CorridorEvent>) {
        let flow = &self.net.flows[f.index()];
        if flow.trains_per_day <= 0.0 {
            return;
        }
        let now = s.now();
        let (at, event) = match &flow.arrival {
            ArrivalProcess::Poisson => {
                let e: f64 = self.demand_rng[f.index()].sample(Exp1);
                (
                    self.invert_intensity(now, e / flow.trains_per_day),
                    CorridorEvent::Release(f),
                )
            }
            ArrivalProcess::Timetable(_) => {
                // Nominal departures at cumulative intensity k + 0.5.
                let k = self.timetable_next[f.index()];
                self.timetable_next[f.index()] = k + 1.0;
                (
                    self.invert_intensity(SimTime::ZERO, (k + 0.5) / flow.trains_per_day),
                    CorridorEvent::Nominal(f),
                )
            }
        };
        if let Some(at) = at
            && at <= self.end
        {
            // Nominal times increase with k, and a Poisson time is after
            // now; the guard only absorbs rounding to the millisecond.
            s.schedule_at(at.max(now), event)
                .expect("release times are not in the past");
        }
    }

    /// A timetabled train's nominal departure: it leaves after its
    /// lateness; the next nominal departure follows on its own schedule.
    fn nominal(&mut self, f: FlowId, s: &mut Scheduler<CorridorEvent>) {
        if let ArrivalProcess::Timetable(lateness) = &self.net.flows[f.index()].arrival {
            let late = to_duration(lateness.sample(&mut self.demand_rng[f.index()]));
            s.schedule_in(late, CorridorEvent::Release(f));
        }
        self.schedule_release(f, s);
    }

    /// The time after `from` at which `days` of base-rate intensity have
    /// accumulated under the seasonal multipliers, or `None` past the end.
    fn invert_intensity(&self, from: SimTime, mut days: f64) -> Option<SimTime> {
        let mut t = from.as_millis() as f64 / TICKS_PER_DAY as f64;
        let end = self.end.as_days_f64();
        while t <= end {
            let day_of_year = t.rem_euclid(365.0);
            let year_start = t - day_of_year;
            let (mut month, mut month_end) = (0, 0.0);
            for (m, &len) in MONTH_DAYS.iter().enumerate() {
                month_end += len as f64;
                if day_of_year < month_end {
                    month = m;
                    break;
                }
            }
            let m = self.net.seasonality[month];
            let span = year_start + month_end - t;
            if m > 0.0 && days <= span * m {
                t += days / m;
                return SimDuration::try_from_hours_f64(t * 24.0)
                    .ok()
                    .map(|d| SimTime::ZERO + d);
            }
            days -= span * m;
            t = year_start + month_end;
        }
        None
    }

    fn release(&mut self, f: FlowId, s: &mut Scheduler<CorridorEvent>) {
        let now = s.now();
        let flow = &self.net.flows[f.index()];
        let seq = self.released[f.index()];
        self.released[f.index()] += 1;
        let mut rng = stream_rng(
            self.seed,
            self.replication,
            self.train_key[f.index()] ^ seq.rotate_left(32),
        );
        let containers = flow.containers_per_train;
        // The train's first two draws pick its destination and, later, its
        // route: drawn now, whatever the flow's routes, so that a variant
        // with other routes leaves every later draw of the train in place.
        let dest = pick_by_share(flow.destinations.iter().map(|d| d.share), rng.random());
        let route_uniform: f64 = rng.random();
        let destination = &flow.destinations[dest];
        let train = Train {
            flow: f,
            dest,
            route: destination.routes[0],
            decided: destination.routes.len() == 1,
            route_uniform,
            pos: 0,
            consignments: vec![Consignment {
                od: self.tally.od_index(f, dest),
                containers,
                created: now,
                waited: SimDuration::ZERO,
            }],
            rng,
            port_arrival: now,
            wait_start: now,
            port_wait: SimDuration::ZERO,
        };
        let id = self.insert(train);
        self.tally.released(f, containers);
        self.record(now, id, "release", flow.origin);
        if matches!(flow.arrival, ArrivalProcess::Poisson) {
            self.schedule_release(f, s);
        }
        self.depart(id, s);
    }

    // ------------------------------------------------------------ movement

    /// The train leaves its current place along the next leg of its route.
    fn depart(&mut self, id: TrainId, s: &mut Scheduler<CorridorEvent>) {
        let now = s.now();
        let net = self.net;
        let (flow, dest, pos, decided) = {
            let t = self.train(id);
            (t.flow, t.dest, t.pos, t.decided)
        };
        if !decided && pos >= net.flows[flow.index()].destinations[dest].decision_index {
            self.choose_route(id, pos);
        }
        let t = self.train(id);
        let route = &net.routes[t.route.index()];
        let (sec, reversed) = route.legs[pos];
        let section = &net.sections[sec.index()];
        let running = to_duration(section.running.sample(&mut t.rng));
        let mut entry = now;
        if let Some(headway) = section.headway {
            let slot = &mut self.next_path[sec.index()][usize::from(reversed)];
            entry = entry.max(*slot);
            *slot = entry + headway;
            if let Some(held) = entry.since(now).filter(|d| *d > SimDuration::ZERO) {
                self.train(id).add_wait(held);
                self.tally.path_hold(sec, held);
            }
        }
        s.schedule_at(entry + running, CorridorEvent::Arrive(id))
            .expect("entry is not before now");
    }

    fn choose_route(&mut self, id: TrainId, pos: usize) {
        let net = self.net;
        let (flow_id, dest, uniform) = {
            let t = self.train(id);
            (t.flow, t.dest, t.route_uniform)
        };
        let flow = &net.flows[flow_id.index()];
        let routes = &flow.destinations[dest].routes;
        let ctx = RoutingContext {
            network: net,
            candidates: routes,
            shares: &flow.shares,
            position: pos,
            direction: flow.direction,
            uniform,
            load: &*self,
        };
        let k = flow.policy.choose(&ctx).min(routes.len() - 1);
        let t = self.train(id);
        t.route = routes[k];
        t.decided = true;
    }

    fn arrive(&mut self, id: TrainId, s: &mut Scheduler<CorridorEvent>) {
        let now = s.now();
        let net = self.net;
        let t = self.train(id);
        t.pos += 1;
        let route = &net.routes[t.route.index()];
        let place = route.places[t.pos];
        let last = t.pos + 1 == route.places.len();
        if last {
            self.record(now, id, "deliver", place);
            let train = self.remove(id);
            for c in &train.consignments {
                let transit = now.since(c.created).unwrap_or(SimDuration::ZERO);
                self.tally
                    .delivered(c.od, c.containers, transit, c.waited > self.delay_threshold);
            }
            self.tally.train_delivered();
            return;
        }
        match net.places[place.index()].kind {
            PlaceKind::Port(pid) => self.port_arrive(id, pid, s),
            _ => self.depart(id, s),
        }
    }

    // --------------------------------------------------------------- ports

    fn dir_of(&mut self, id: TrainId) -> Direction {
        let flow = self.train(id).flow;
        self.net.flows[flow.index()].direction
    }

    fn port_arrive(&mut self, id: TrainId, pid: PortId, s: &mut Scheduler<CorridorEvent>) {
        let now = s.now();
        let dir = self.dir_of(id);
        let side_cfg = &self.net.ports[pid.index()].sides[dir.index()];
        self.tally.port_arrival(pid, dir, now);
        let side = &mut self.ports[pid.index()].sides[dir.index()];
        let t = self.trains[id as usize].as_mut().expect("live train");
        t.wait_start = now;
        t.port_wait = SimDuration::ZERO;
        if side.in_yard >= side_cfg.yard_capacity {
            side.blocked.push_back(id);
            self.tally.blocked_len(pid, dir, now, side.blocked.len());
            self.record(now, id, "held_upstream", self.net.ports[pid.index()].place);
        } else {
            self.enter_yard(id, pid, dir, now, s);
        }
    }

    fn enter_yard(
        &mut self,
        id: TrainId,
        pid: PortId,
        dir: Direction,
        now: SimTime,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let cfg = &self.net.ports[pid.index()].sides[dir.index()];
        self.ports[pid.index()].sides[dir.index()].in_yard += 1;
        let t = self.train(id);
        let held = t.end_wait(now);
        t.port_arrival = now;
        let inspection = to_duration(cfg.inspection.sample(&mut t.rng));
        self.tally.yard_entry(pid, dir, held);
        let side = &mut self.ports[pid.index()].sides[dir.index()];
        side.inside += 1;
        self.tally.in_port(pid, dir, now, side.inside);
        self.record(now, id, "enter_port", self.net.ports[pid.index()].place);
        s.schedule_in(inspection, CorridorEvent::InspectionDone(id));
    }

    fn inspection_done(&mut self, id: TrainId, s: &mut Scheduler<CorridorEvent>) {
        let now = s.now();
        let (pid, dir) = self.current_port(id);
        self.train(id).wait_start = now;
        if self.net.ports[pid.index()].change == GaugeChange::None {
            // No track work: straight to the handover.
            self.leave_yard(pid, dir, now, s);
            self.tally.track_wait(pid, dir, SimDuration::ZERO);
            self.ports[pid.index()].sides[dir.index()]
                .handover
                .push_back(id);
            self.try_handover(pid, dir, s);
            return;
        }
        self.ports[pid.index()].sides[dir.index()]
            .track_queue
            .push_back(id);
        let queued = self.ports[pid.index()].sides[dir.index()].track_queue.len();
        self.tally.queue_len(pid, dir, now, queued);
        self.start_tracks(pid, dir, s);
    }

    fn current_port(&mut self, id: TrainId) -> (PortId, Direction) {
        let net = self.net;
        let t = self.train(id);
        let place = net.routes[t.route.index()].places[t.pos];
        let flow = t.flow;
        match net.places[place.index()].kind {
            PlaceKind::Port(pid) => (pid, net.flows[flow.index()].direction),
            _ => unreachable!("port events name trains at a port"),
        }
    }

    /// A yard place frees: the first train held upstream moves in.
    fn leave_yard(
        &mut self,
        pid: PortId,
        dir: Direction,
        now: SimTime,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let side = &mut self.ports[pid.index()].sides[dir.index()];
        side.in_yard -= 1;
        if let Some(next) = side.blocked.pop_front() {
            let len = side.blocked.len();
            self.tally.blocked_len(pid, dir, now, len);
            self.enter_yard(next, pid, dir, now, s);
        }
    }

    /// Puts queued trains on free tracks while the port is open.
    fn start_tracks(&mut self, pid: PortId, dir: Direction, s: &mut Scheduler<CorridorEvent>) {
        let now = s.now();
        let cfg = &self.net.ports[pid.index()].sides[dir.index()];
        loop {
            let port = &mut self.ports[pid.index()];
            if port.closures > 0 || port.sides[dir.index()].tracks_busy >= cfg.tracks {
                break;
            }
            let side = &mut port.sides[dir.index()];
            let Some(id) = side.track_queue.pop_front() else {
                break;
            };
            side.tracks_busy += 1;
            let (busy, queued) = (side.tracks_busy, side.track_queue.len());
            self.tally.tracks_busy(pid, dir, now, busy);
            self.tally.queue_len(pid, dir, now, queued);
            let waited = self.train(id).end_wait(now);
            self.tally.track_wait(pid, dir, waited);
            self.record(now, id, "on_track", self.net.ports[pid.index()].place);
            self.leave_yard(pid, dir, now, s);
            self.ports[pid.index()].sides[dir.index()]
                .crane_queue
                .push_back(id);
        }
        self.start_cranes(pid, dir, s);
    }

    /// Starts crane work on trains waiting on their tracks while cranes
    /// are free and the port is open.
    fn start_cranes(&mut self, pid: PortId, dir: Direction, s: &mut Scheduler<CorridorEvent>) {
        let now = s.now();
        let port_cfg = &self.net.ports[pid.index()];
        let cfg = &port_cfg.sides[dir.index()];
        let need = match port_cfg.change {
            GaugeChange::Transshipment => cfg.cranes_per_train,
            _ => 0,
        };
        loop {
            let port = &mut self.ports[pid.index()];
            let side = &mut port.sides[dir.index()];
            if port.closures > 0 || side.cranes_busy + need > cfg.cranes.max(need) {
                break;
            }
            let Some(id) = side.crane_queue.pop_front() else {
                break;
            };
            side.cranes_busy += need;
            let busy = side.cranes_busy;
            self.tally.cranes_busy(pid, dir, now, busy);
            let t = self.train(id);
            t.end_wait(now);
            let scale = f64::from(t.containers()) / f64::from(cfg.reference_containers);
            let work = to_duration(cfg.transshipment.sample(&mut t.rng) * scale);
            s.schedule_in(work, CorridorEvent::CranesDone(id));
        }
    }

    fn cranes_done(&mut self, id: TrainId, s: &mut Scheduler<CorridorEvent>) {
        let now = s.now();
        let (pid, dir) = self.current_port(id);
        let port_cfg = &self.net.ports[pid.index()];
        let cfg = &port_cfg.sides[dir.index()];
        if port_cfg.change == GaugeChange::Transshipment {
            let side = &mut self.ports[pid.index()].sides[dir.index()];
            side.cranes_busy -= cfg.cranes_per_train;
            let busy = side.cranes_busy;
            self.tally.cranes_busy(pid, dir, now, busy);
        }
        let t = self.train(id);
        let release = to_duration(cfg.track_release.sample(&mut t.rng));
        s.schedule_in(release, CorridorEvent::TrackFree(id));
        self.start_cranes(pid, dir, s);
    }

    fn track_free(&mut self, id: TrainId, s: &mut Scheduler<CorridorEvent>) {
        let now = s.now();
        let (pid, dir) = self.current_port(id);
        let side = &mut self.ports[pid.index()].sides[dir.index()];
        side.tracks_busy -= 1;
        let busy = side.tracks_busy;
        self.tally.tracks_busy(pid, dir, now, busy);
        self.train(id).wait_start = now;
        self.record(now, id, "transshipped", self.net.ports[pid.index()].place);
        self.ports[pid.index()].sides[dir.index()]
            .handover
            .push_back(id);
        self.start_tracks(pid, dir, s);
        self.try_handover(pid, dir, s);
    }

    /// Splits a train longer than the outgoing side allows into the fewest
    /// trains of near-equal length, and sends them all on their way.
    fn split_and_depart(
        &mut self,
        id: TrainId,
        pid: PortId,
        dir: Direction,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let cfg = &self.net.ports[pid.index()].sides[dir.index()];
        let total = self.train(id).containers();
        let Some(max) = cfg.max_containers_out.filter(|&m| total > m) else {
            self.depart(id, s);
            return;
        };
        let parts = total.div_ceil(max);
        let mut pool = std::mem::take(&mut self.train(id).consignments);
        let mut out = vec![id];
        let mut sizes: Vec<u32> = (0..parts)
            .map(|k| total / parts + u32::from(k < total % parts))
            .collect();
        // The original train keeps the first share; new trains take the rest.
        let mut fill = |size: u32| -> Vec<Consignment> {
            let mut got = Vec::new();
            let mut need = size;
            while need > 0 {
                let c = pool.first_mut().expect("sizes add up to the pool");
                let take = c.containers.min(need);
                got.push(Consignment {
                    containers: take,
                    ..*c
                });
                c.containers -= take;
                need -= take;
                if c.containers == 0 {
                    pool.remove(0);
                }
            }
            got
        };
        let first = fill(sizes.remove(0));
        let rest: Vec<Vec<Consignment>> = sizes.into_iter().map(&mut fill).collect();
        let template = self.train(id);
        template.consignments = first;
        let (flow, dest, route, decided, route_uniform, pos, port_arrival, wait_start) = (
            template.flow,
            template.dest,
            template.route,
            template.decided,
            template.route_uniform,
            template.pos,
            template.port_arrival,
            template.wait_start,
        );
        let mut rng_seed = template.rng.random::<u64>();
        for consignments in rest {
            rng_seed = rng_seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let t = Train {
                flow,
                dest,
                route,
                decided,
                route_uniform,
                pos,
                consignments,
                rng: stream_rng(self.seed, self.replication, rng_seed),
                port_arrival,
                wait_start,
                port_wait: SimDuration::ZERO,
            };
            out.push(self.insert(t));
        }
        self.tally.split(pid, dir, (out.len() - 1) as u64);
        for part in out {
            self.depart(part, s);
        }
    }

    /// Hands trains over to the next railway while the port is open and
    /// the day's cap allows; schedules a retry at the next midnight when
    /// the cap binds.
    fn try_handover(&mut self, pid: PortId, dir: Direction, s: &mut Scheduler<CorridorEvent>) {
        let now = s.now();
        let cfg = &self.net.ports[pid.index()].sides[dir.index()];
        loop {
            let port = &mut self.ports[pid.index()];
            if port.closures > 0 {
                return; // the reopening retries
            }
            let side = &mut port.sides[dir.index()];
            if side.handover.is_empty() {
                return;
            }
            let today = now.day_index();
            if side.day != today {
                side.day = today;
                side.handed_today = 0;
            }
            if cfg
                .handover_cap_per_day
                .is_some_and(|cap| side.handed_today >= cap)
            {
                if !side.retry_pending {
                    side.retry_pending = true;
                    s.schedule_at(
                        SimTime::from_days(today + 1),
                        CorridorEvent::HandoverRetry(pid, dir),
                    )
                    .expect("midnight is after now");
                }
                return;
            }
            let id = side.handover.pop_front().expect("checked non-empty");
            side.handed_today += 1;
            side.inside -= 1;
            let inside = side.inside;
            self.tally.in_port(pid, dir, now, inside);
            if cfg.couple_waiting_trains {
                self.couple(id, pid, dir, now);
            }
            let t = self.train(id);
            let waited = t.end_wait(now);
            let dwell = now.since(t.port_arrival).unwrap_or(SimDuration::ZERO);
            let (containers, port_wait) = (t.containers(), t.port_wait);
            self.tally.left_port(pid, dir, waited, dwell, port_wait);
            self.tally.handed_over(pid, dir, containers);
            self.record(now, id, "handed_over", self.net.ports[pid.index()].place);
            self.split_and_depart(id, pid, dir, s);
        }
    }

    /// Couples trains waiting for the handover on the same remaining route
    /// onto train `id`, up to the side's longest train.
    fn couple(&mut self, id: TrainId, pid: PortId, dir: Direction, now: SimTime) {
        let max = self.net.ports[pid.index()].sides[dir.index()]
            .max_containers_out
            .expect("validated: coupling needs max_containers_out");
        let (route, pos) = {
            let t = self.train(id);
            (t.route, t.pos)
        };
        let mut room = max.saturating_sub(self.train(id).containers());
        let mut k = 0;
        let mut coupled = 0;
        while k < self.ports[pid.index()].sides[dir.index()].handover.len() {
            let other = self.ports[pid.index()].sides[dir.index()].handover[k];
            let o = self.trains[other as usize]
                .as_ref()
                .expect("waiting trains are live");
            let same_way = {
                let a = &self.net.routes[route.index()];
                let b = &self.net.routes[o.route.index()];
                a.places[pos..] == b.places[o.pos..]
            };
            if same_way && o.containers() <= room {
                room -= o.containers();
                self.ports[pid.index()].sides[dir.index()]
                    .handover
                    .remove(k);
                let mut other_train = self.remove(other);
                let waited = other_train.end_wait(now);
                let dwell = now
                    .since(other_train.port_arrival)
                    .unwrap_or(SimDuration::ZERO);
                self.tally
                    .left_port(pid, dir, waited, dwell, other_train.port_wait);
                let side = &mut self.ports[pid.index()].sides[dir.index()];
                side.inside -= 1;
                let inside = side.inside;
                self.tally.in_port(pid, dir, now, inside);
                self.record(now, other, "coupled", self.net.ports[pid.index()].place);
                let t = self.train(id);
                t.consignments.extend(other_train.consignments);
                coupled += 1;
            } else {
                k += 1;
            }
        }
        if coupled > 0 {
            self.tally.coupled(pid, dir, coupled);
        }
    }

    fn close(&mut self, pid: PortId, random: bool, s: &mut Scheduler<CorridorEvent>) {
        let now = s.now();
        let port = &mut self.ports[pid.index()];
        port.closures += 1;
        if port.closures == 1 {
            self.tally.closed(pid, now, true);
        }
        if random {
            let rc = self.net.ports[pid.index()]
                .random_closures
                .as_ref()
                .expect("random closures are configured");
            let len = to_duration(rc.duration.sample(&mut self.ports[pid.index()].rng));
            s.schedule_in(len, CorridorEvent::CloseEnd(pid, true));
        }
    }

    fn reopen(&mut self, pid: PortId, random: bool, s: &mut Scheduler<CorridorEvent>) {
        let now = s.now();
        let port = &mut self.ports[pid.index()];
        port.closures -= 1;
        if random {
            let rc = self.net.ports[pid.index()]
                .random_closures
                .as_ref()
                .expect("random closures are configured");
            let open = open_spell(&mut port.rng, rc);
            s.schedule_in(open, CorridorEvent::CloseStart(pid, true));
        }
        if self.ports[pid.index()].closures == 0 {
            self.tally.closed(pid, now, false);
            for dir in Direction::BOTH {
                self.start_tracks(pid, dir, s);
                self.try_handover(pid, dir, s);
            }
        }
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

impl PortLoad for CorridorModel<'_> {
    fn trains_before_track(&self, port: PortId, dir: Direction) -> u32 {
        let side = &self.ports[port.index()].sides[dir.index()];
        side.in_yard + side.blocked.len() as u32
    }

    fn handover_backlog(&self, port: PortId, dir: Direction) -> u32 {
        self.ports[port.index()].sides[dir.index()].handover.len() as u32
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

/// The open time before a port's next random stoppage: exponential with
/// the configured mean.
fn open_spell(rng: &mut SimRng, rc: &super::network::RandomClosures) -> SimDuration {
    to_duration(rng.sample::<f64, _>(Exp1) * rc.mean_between.as_hours_f64())
}

/// Converts a validated sample \[h\] to ticks. Samples of a validated
/// [`HoursDist`](super::HoursDist) are finite and non-negative; a product
/// with a scale factor is capped at the largest accepted span.
#[inline]
fn to_duration(hours: f64) -> SimDuration {
    SimDuration::try_from_hours_f64(hours.min(crate::time::MAX_SAMPLED_HOURS))
        .expect("validated distributions give finite, non-negative hours")
}
