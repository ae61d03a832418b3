//! A border port's facility for one direction: a yard of finite capacity
//! (trains that find it full are held upstream), inspection and customs, a
//! FIFO queue for a transshipment track, cranes shared by the tracks, and
//! track time; then the train waits for the interstate handover.

use super::{CorridorEvent, CorridorModel, TrainId, to_duration};
use crate::corridor::ids::{Direction, GaugeChange, PortId};
use crate::corridor::network::PlaceKind;
use crate::corridor::report::TraceEvent;
use crate::engine::Scheduler;
use crate::time::{SimDuration, SimTime};

impl CorridorModel<'_> {
    pub(super) fn dir_of(&mut self, id: TrainId) -> Direction {
        let flow = self.train(id).flow;
        self.net.flow(flow).direction
    }

    pub(super) fn port_arrive(
        &mut self,
        id: TrainId,
        pid: PortId,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let now = s.now();
        let dir = self.dir_of(id);
        let side_cfg = &self.net.port(pid).sides[dir.index()];
        self.tally.port_arrival(pid, dir, now);
        let side = &mut self.ports[pid.index()].sides[dir.index()];
        let t = self.trains[id as usize].as_mut().expect("live train");
        t.wait_start = now;
        t.port_wait = SimDuration::ZERO;
        if side.in_yard >= side_cfg.yard_capacity {
            side.blocked.push_back(id);
            self.tally.blocked_len(pid, dir, now, side.blocked.len());
            self.record(now, id, TraceEvent::HeldUpstream, self.net.port_place(pid));
        } else {
            self.enter_yard(id, pid, dir, now, s);
        }
    }

    pub(super) fn enter_yard(
        &mut self,
        id: TrainId,
        pid: PortId,
        dir: Direction,
        now: SimTime,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let cfg = &self.net.port(pid).sides[dir.index()];
        self.ports[pid.index()].sides[dir.index()].in_yard += 1;
        let t = self.train(id);
        let held = t.end_wait(now);
        t.port_arrival = now;
        let inspection = to_duration(cfg.inspection.sample(&mut t.rng));
        self.tally.yard_entry(pid, dir, held);
        let side = &mut self.ports[pid.index()].sides[dir.index()];
        side.inside += 1;
        self.tally.in_port(pid, dir, now, side.inside);
        self.record(now, id, TraceEvent::EnterPort, self.net.port_place(pid));
        s.schedule_in(inspection, CorridorEvent::InspectionDone(id));
    }

    pub(super) fn inspection_done(&mut self, id: TrainId, s: &mut Scheduler<CorridorEvent>) {
        let now = s.now();
        let (pid, dir) = self.current_port(id);
        self.train(id).wait_start = now;
        if self.net.port(pid).change == GaugeChange::None {
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

    pub(super) fn current_port(&mut self, id: TrainId) -> (PortId, Direction) {
        let net = self.net;
        let t = self.train(id);
        let place = net.route(t.route).places[t.pos];
        let flow = t.flow;
        match net.place(place).kind {
            PlaceKind::Port(pid) => (pid, net.flow(flow).direction),
            _ => unreachable!("port events name trains at a port"),
        }
    }

    /// A yard place frees: the first train held upstream moves in.
    pub(super) fn leave_yard(
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
    pub(super) fn start_tracks(
        &mut self,
        pid: PortId,
        dir: Direction,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let now = s.now();
        let cfg = &self.net.port(pid).sides[dir.index()];
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
            self.record(now, id, TraceEvent::OnTrack, self.net.port_place(pid));
            self.leave_yard(pid, dir, now, s);
            self.ports[pid.index()].sides[dir.index()]
                .crane_queue
                .push_back(id);
        }
        self.start_cranes(pid, dir, s);
    }

    /// Starts crane work on trains waiting on their tracks while cranes
    /// are free and the port is open.
    pub(super) fn start_cranes(
        &mut self,
        pid: PortId,
        dir: Direction,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let now = s.now();
        let port_cfg = self.net.port(pid);
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

    pub(super) fn cranes_done(&mut self, id: TrainId, s: &mut Scheduler<CorridorEvent>) {
        let now = s.now();
        let (pid, dir) = self.current_port(id);
        let port_cfg = self.net.port(pid);
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

    pub(super) fn track_free(&mut self, id: TrainId, s: &mut Scheduler<CorridorEvent>) {
        let now = s.now();
        let (pid, dir) = self.current_port(id);
        let side = &mut self.ports[pid.index()].sides[dir.index()];
        side.tracks_busy -= 1;
        let busy = side.tracks_busy;
        self.tally.tracks_busy(pid, dir, now, busy);
        self.train(id).wait_start = now;
        self.record(now, id, TraceEvent::Transshipped, self.net.port_place(pid));
        self.ports[pid.index()].sides[dir.index()]
            .handover
            .push_back(id);
        self.start_tracks(pid, dir, s);
        self.try_handover(pid, dir, s);
    }
}
