//! A port side, from the border to the end of track work.
//!
//! 1. **At the border.** An arriving train waits for the interstate
//!    handover in the sending station's siding (finite, or unlimited);
//!    when the siding is full it stays on its approach line, where it holds
//!    one of the line's places. The handover takes trains by class
//!    priority, then in arrival order, at most the day's cap (cut by any
//!    reduction in force, with slots kept for classes that reserve them),
//!    only while the port is open and the receiving yard has room.
//! 2. **In the yard.** Inspection and customs, by a limited number of teams
//!    during working hours if so given, then any longer hold (a share of
//!    trains for a deep inspection, a class's phytosanitary checks).
//! 3. **At the facility of the train's class.** Containers take a
//!    transshipment track, wait there for empty wagons of the outgoing
//!    gauge if the side keeps a pool, then for their cranes; bulk classes
//!    take a track of their own facility; empties pass.

use rand::RngExt;

use super::{CorridorEvent, CorridorModel, TrainId, purpose, to_duration};
use crate::corridor::ids::{ClassId, Direction, PortId};
use crate::corridor::network::{Handling, PlaceKind, Refuser, WagonPool};
use crate::corridor::report::TraceEvent;
use crate::engine::Scheduler;
use crate::time::{SimDuration, SimTime, TICKS_PER_DAY};

impl CorridorModel<'_> {
    pub(super) fn dir_of(&self, id: TrainId) -> Direction {
        self.net.flow(self.train_ref(id).flow).direction
    }

    /// The port the train is at, and its direction.
    #[inline(always)]
    pub(super) fn current_port(&self, id: TrainId) -> (PortId, Direction) {
        let t = self.train_ref(id);
        let place = self.net.route(t.route).places[t.pos];
        match self.net.place(place).kind {
            PlaceKind::Port(pid) => (pid, self.net.flow(t.flow).direction),
            _ => unreachable!("port events name trains at a port"),
        }
    }

    /// A train reaches the border of port `pid` and waits for the handover.
    pub(super) fn port_arrive(
        &mut self,
        id: TrainId,
        pid: PortId,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let now = s.now();
        let dir = self.dir_of(id);
        self.tally.port_arrival(pid, dir, now);
        if self.train_ref(id).heading == pid.0 + 1 {
            self.uncommit(id);
        }
        let cfg = &self.net.port(pid).sides[dir.index()];
        let class = self.train_ref(id).class;
        let t = self.train(id);
        t.wait_start = now;
        t.port_wait = SimDuration::ZERO;
        let side = &mut self.ports[pid.index()].sides[dir.index()];
        side.border_by_class[class.index()] += 1;
        if cfg
            .handover_siding
            .is_none_or(|n| side.siding.len() < n as usize)
        {
            side.siding.push(class, id);
            self.leave_section(id, s);
        } else {
            side.held.push_back(id);
        }
        self.try_handover(pid, dir, s);
        self.update_ban(pid, dir, class, s);
        let side = &self.ports[pid.index()].sides[dir.index()];
        self.tally
            .border(pid, dir, now, side.siding.len(), side.held.len());
        if self.trace.is_some() && (side.siding.contains(id) || side.held.contains(&id)) {
            self.record(now, id, TraceEvent::HeldUpstream, self.net.port_place(pid));
        }
    }

    /// The day's effective cap at side `(pid, dir)` now, `None` for none;
    /// `Some(0)` while handovers are stopped.
    pub(super) fn effective_cap(&self, pid: PortId, dir: Direction) -> Option<u32> {
        let port = &self.ports[pid.index()];
        let cap = self.net.port(pid).sides[dir.index()].handover_cap_per_day;
        if port.closures > 0 || port.capacity_factor <= 0.0 {
            return Some(0);
        }
        // Truncation towards zero: a cut to 20 % of 15 trains leaves 3. At
        // full capacity, the common case, the cap itself (which the rounding
        // would give too: c + 1e-9 rounds to below c + 1 for any u32 c).
        if port.capacity_factor == 1.0 {
            return cap;
        }
        cap.map(|c| (f64::from(c) * port.capacity_factor + 1e-9).floor() as u32)
    }

    /// Hands trains over from the border into the side while the port is
    /// open, the day's cap allows and the yard has room; schedules a retry
    /// at the next midnight when the cap binds. A stopped port's reopening,
    /// a cut's end and a freed yard place retry too.
    pub(super) fn try_handover(
        &mut self,
        pid: PortId,
        dir: Direction,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let now = s.now();
        let net = self.net;
        let cfg = &net.port(pid).sides[dir.index()];
        let mut changed = false;
        loop {
            let cap = self.effective_cap(pid, dir);
            let side = &mut self.ports[pid.index()].sides[dir.index()];
            if side.siding.is_empty() || side.in_yard >= cfg.yard_capacity || cap == Some(0) {
                break;
            }
            let today = now.day_index();
            if side.day != today {
                side.day = today;
                side.handed_today = 0;
                side.handed_today_by_class.iter_mut().for_each(|n| *n = 0);
            }
            // The train to hand over: highest priority first, then the
            // earliest; a class may use a slot only if enough are left for
            // what other classes still have reserved today.
            let left = cap.map(|c| c.saturating_sub(side.handed_today));
            let mut best: Option<(u32, u64, ClassId)> = None;
            for (class, at) in &cfg.classes {
                let Some(arrived) = side.siding.first(*class) else {
                    continue;
                };
                if let Some(left) = left {
                    let reserved_by_others: u32 = cfg
                        .classes
                        .iter()
                        .filter(|(c, _)| c != class)
                        .map(|(c, a)| {
                            a.reserved_slots_per_day
                                .saturating_sub(side.handed_today_by_class[c.index()])
                        })
                        .sum();
                    if left <= reserved_by_others {
                        continue;
                    }
                }
                if best.is_none_or(|(p, n, _)| at.priority > p || (at.priority == p && arrived < n))
                {
                    best = Some((at.priority, arrived, *class));
                }
            }
            let Some((_, _, class)) = best else {
                // The cap binds (for every class that waits): try again at
                // the next midnight.
                if !side.retry_pending {
                    side.retry_pending = true;
                    s.schedule_at(
                        SimTime::from_days(today + 1),
                        CorridorEvent::HandoverRetry(pid, dir),
                    )
                    .expect("midnight is after now");
                }
                break;
            };
            let id = side.siding.pop(class).expect("a train of the class waits");
            side.handed_today += 1;
            side.handed_today_by_class[class.index()] += 1;
            side.border_by_class[class.index()] -= 1;
            changed = true;
            if let Some(next) = side.held.pop_front() {
                let next_class = self.trains[next as usize].as_ref().expect("live").class;
                self.ports[pid.index()].sides[dir.index()]
                    .siding
                    .push(next_class, next);
                self.leave_section(next, s);
            }
            self.record(now, id, TraceEvent::HandedOver, self.net.port_place(pid));
            self.enter_yard(id, pid, dir, class, now, s);
            self.update_ban(pid, dir, class, s);
        }
        if changed {
            let side = &self.ports[pid.index()].sides[dir.index()];
            self.tally
                .border(pid, dir, now, side.siding.len(), side.held.len());
        }
    }

    pub(super) fn enter_yard(
        &mut self,
        id: TrainId,
        pid: PortId,
        dir: Direction,
        class: ClassId,
        now: SimTime,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let cfg = &self.net.port(pid).sides[dir.index()];
        let side = &mut self.ports[pid.index()].sides[dir.index()];
        side.in_yard += 1;
        let in_yard = side.in_yard;
        self.tally.yard(pid, dir, now, in_yard, None);
        let t = self.train(id);
        let held = t.end_wait(now);
        t.port_arrival = now;
        // Drawn now, wherever the inspection waits, so that the train's
        // later draws stay in place (common random numbers).
        let inspection = to_duration(cfg.inspection.sample(&mut t.rng));
        self.tally.handed_over(pid, dir, class, held, now);
        let side = &mut self.ports[pid.index()].sides[dir.index()];
        side.inside += 1;
        self.tally.in_port(pid, dir, now, side.inside);
        if cfg.inspection_teams.is_none() && cfg.inspection_hours.is_none() {
            s.schedule_in(inspection, CorridorEvent::InspectionDone(id));
            return;
        }
        self.train(id).pending = inspection;
        self.ports[pid.index()].sides[dir.index()]
            .inspect_queue
            .push_back(id);
        self.start_inspections(pid, dir, s);
    }

    /// Whether inspections may start now, and if not, when they may.
    fn working(&self, pid: PortId, dir: Direction, now: SimTime) -> Result<(), SimTime> {
        let Some(h) = self.net.port(pid).sides[dir.index()].inspection_hours else {
            return Ok(());
        };
        // In whole ticks, as the clock keeps time: the wake-up at `from`
        // is then exactly the start of the working day.
        let tick = |hours: f64| {
            SimDuration::try_from_hours_f64(hours)
                .expect("validated: 0 to 24 h")
                .as_millis()
        };
        let (from, to) = (tick(h.from_hour), tick(h.to_hour));
        let day = now.day_index();
        let t = now.as_millis() % TICKS_PER_DAY;
        let open = if from < to {
            t >= from && t < to
        } else {
            t >= from || t < to
        };
        if open {
            return Ok(());
        }
        let start_of = |d: u64| SimTime::from_days(d) + SimDuration::from_millis(from);
        Err(if t < from {
            start_of(day)
        } else {
            start_of(day + 1)
        })
    }

    /// Starts inspections while teams are free and the working day lasts.
    pub(super) fn start_inspections(
        &mut self,
        pid: PortId,
        dir: Direction,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let now = s.now();
        let teams = self.net.port(pid).sides[dir.index()].inspection_teams;
        loop {
            let side = &self.ports[pid.index()].sides[dir.index()];
            if side.inspect_queue.is_empty() || teams.is_some_and(|n| side.inspecting >= n) {
                return;
            }
            if let Err(next) = self.working(pid, dir, now) {
                let side = &mut self.ports[pid.index()].sides[dir.index()];
                if !side.inspection_wake_pending {
                    side.inspection_wake_pending = true;
                    s.schedule_at(next, CorridorEvent::InspectionStart(pid, dir))
                        .expect("the next working day is after now");
                }
                return;
            }
            let side = &mut self.ports[pid.index()].sides[dir.index()];
            let id = side.inspect_queue.pop_front().expect("checked non-empty");
            side.inspecting += 1;
            let t = self.train(id);
            // The wait for a team or the working day, since yard entry.
            let waited = t.end_wait(now);
            let work = t.pending;
            self.tally.inspection_wait(pid, dir, waited);
            s.schedule_in(work, CorridorEvent::InspectionDone(id));
        }
    }

    pub(super) fn inspection_done(&mut self, id: TrainId, s: &mut Scheduler<CorridorEvent>) {
        let now = s.now();
        let (pid, dir) = self.current_port(id);
        let cfg = &self.net.port(pid).sides[dir.index()];
        if cfg.inspection_teams.is_some() || cfg.inspection_hours.is_some() {
            self.ports[pid.index()].sides[dir.index()].inspecting -= 1;
            self.start_inspections(pid, dir, s);
        }
        // Longer holds: a share of all trains (deep inspection) and of the
        // class's (phytosanitary checks), from the train's own stream.
        let class = self.train_ref(id).class;
        let holds = [
            cfg.deep_inspection.as_ref(),
            cfg.class(class).and_then(|c| c.hold.as_ref()),
        ];
        if holds.iter().any(Option::is_some) {
            let mut rng = self.train_stream(id, purpose::HOLD, pid);
            let mut hold = SimDuration::ZERO;
            for h in holds.into_iter().flatten() {
                if rng.random::<f64>() < h.share {
                    hold += to_duration(h.duration.sample(&mut rng));
                }
            }
            if hold > SimDuration::ZERO {
                self.tally.hold(pid, dir, hold);
                s.schedule_in(hold, CorridorEvent::HoldDone(id));
                return;
            }
        }
        let _ = now;
        self.queue_for_facility(id, s);
    }

    /// After inspection (and any hold): the train queues for the facility
    /// of its class, or passes.
    pub(super) fn queue_for_facility(&mut self, id: TrainId, s: &mut Scheduler<CorridorEvent>) {
        let now = s.now();
        let (pid, dir) = self.current_port(id);
        self.train(id).wait_start = now;
        let class = self.train_ref(id).class;
        let handling = &self.net.port(pid).sides[dir.index()]
            .class(class)
            .expect("validated: the side handles the class")
            .handling;
        match handling {
            Handling::Pass => {
                // No track work: straight on.
                self.leave_yard(id, pid, dir, now, s);
                self.tally.track_wait(pid, dir, SimDuration::ZERO);
                self.work_done(id, pid, dir, s);
            }
            Handling::Transship => {
                let side = &mut self.ports[pid.index()].sides[dir.index()];
                side.track_queue.push_back(id);
                let queued = side.track_queue.len();
                self.tally.queue_len(pid, dir, now, queued);
                self.start_tracks(pid, dir, s);
            }
            Handling::Transload { .. } => {
                self.ports[pid.index()].sides[dir.index()].transload_queue[class.index()]
                    .push_back(id);
                self.start_transload(pid, dir, class, s);
            }
        }
    }

    /// Train `id` leaves the yard for its track (or passes): a yard place
    /// frees, and the handover may bring the next train in.
    pub(super) fn leave_yard(
        &mut self,
        id: TrainId,
        pid: PortId,
        dir: Direction,
        now: SimTime,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let stayed = now
            .since(self.train_ref(id).port_arrival)
            .unwrap_or(SimDuration::ZERO);
        let side = &mut self.ports[pid.index()].sides[dir.index()];
        side.in_yard -= 1;
        let in_yard = side.in_yard;
        self.tally.yard(pid, dir, now, in_yard, Some(stayed));
        self.try_handover(pid, dir, s);
    }

    /// Puts queued container trains on free tracks while the port is open.
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
            self.leave_yard(id, pid, dir, now, s);
            let units = self.train_ref(id).containers();
            let side = &mut self.ports[pid.index()].sides[dir.index()];
            match &cfg.wagon_pool {
                Some(pool) => {
                    let need = wagons_needed(units, pool);
                    if side.wagon_queue.is_empty() && side.wagons_available >= need {
                        side.wagons_available -= need;
                        side.crane_queue.push_back(id);
                        self.tally.wagons_taken(pid, dir, now, need);
                        self.tally.wagon_wait(pid, dir, SimDuration::ZERO);
                    } else {
                        side.wagon_queue.push_back(id);
                    }
                }
                None => side.crane_queue.push_back(id),
            }
        }
        self.start_cranes(pid, dir, s);
    }

    /// Empty wagons are back: trains waiting for them on their tracks take
    /// them in order.
    pub(super) fn wagons_back(
        &mut self,
        pid: PortId,
        dir: Direction,
        n: u32,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let now = s.now();
        let pool = self.net.port(pid).sides[dir.index()]
            .wagon_pool
            .as_ref()
            .expect("wagons come back only to a pool");
        self.ports[pid.index()].sides[dir.index()].wagons_available += n;
        self.tally.wagons_returned(pid, dir, now, n);
        loop {
            let side = &self.ports[pid.index()].sides[dir.index()];
            let Some(&id) = side.wagon_queue.front() else {
                break;
            };
            let need = wagons_needed(self.train_ref(id).containers(), pool);
            let side = &mut self.ports[pid.index()].sides[dir.index()];
            if side.wagons_available < need {
                break;
            }
            side.wagons_available -= need;
            side.wagon_queue.pop_front();
            side.crane_queue.push_back(id);
            self.tally.wagons_taken(pid, dir, now, need);
            let waited = self.train(id).end_wait(now);
            self.tally.wagon_wait(pid, dir, waited);
        }
        self.start_cranes(pid, dir, s);
    }

    /// Starts crane work on trains waiting on their tracks while cranes
    /// are free and the port is open.
    fn start_cranes(&mut self, pid: PortId, dir: Direction, s: &mut Scheduler<CorridorEvent>) {
        let now = s.now();
        let port_cfg = self.net.port(pid);
        let cfg = &port_cfg.sides[dir.index()];
        let need = match port_cfg.change {
            crate::corridor::GaugeChange::Transshipment => cfg.cranes_per_train,
            _ => 0,
        };
        loop {
            let port = &mut self.ports[pid.index()];
            let cranes = if port.cranes_factor == 1.0 {
                cfg.cranes.max(need)
            } else {
                (f64::from(cfg.cranes) * port.cranes_factor + 1e-9).floor() as u32
            };
            let side = &mut port.sides[dir.index()];
            if port.closures > 0 || side.cranes_busy + need > cranes {
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
        if port_cfg.change == crate::corridor::GaugeChange::Transshipment {
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

    /// Puts queued trains of a transloading class on the free tracks of
    /// its facility while the port is open.
    pub(super) fn start_transload(
        &mut self,
        pid: PortId,
        dir: Direction,
        class: ClassId,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let now = s.now();
        let cfg = &self.net.port(pid).sides[dir.index()];
        let Some(Handling::Transload {
            tracks,
            service,
            reference_units,
        }) = cfg.class(class).map(|c| &c.handling)
        else {
            return;
        };
        loop {
            let port = &mut self.ports[pid.index()];
            let usable = if port.cranes_factor == 1.0 {
                *tracks
            } else {
                (f64::from(*tracks) * port.cranes_factor + 1e-9).floor() as u32
            };
            let side = &mut port.sides[dir.index()];
            if port.closures > 0 || side.transload_busy[class.index()] >= usable {
                break;
            }
            let Some(id) = side.transload_queue[class.index()].pop_front() else {
                break;
            };
            side.transload_busy[class.index()] += 1;
            let busy = side.transload_busy[class.index()];
            self.tally.transload_busy(pid, dir, class, now, busy);
            let waited = self.train(id).end_wait(now);
            self.tally.track_wait(pid, dir, waited);
            self.record(now, id, TraceEvent::OnTrack, self.net.port_place(pid));
            self.leave_yard(id, pid, dir, now, s);
            let t = self.train(id);
            let scale = f64::from(t.containers()) / f64::from(*reference_units);
            let work = to_duration(service.sample(&mut t.rng) * scale);
            s.schedule_in(work, CorridorEvent::TrackFree(id));
        }
    }

    /// Starts or lifts the ban of `class` at side `(pid, dir)` as its
    /// backlog at the border crosses the policy's thresholds; a lifted ban
    /// releases the trains it held at their origins.
    pub(super) fn update_ban(
        &mut self,
        pid: PortId,
        dir: Direction,
        class: ClassId,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let Some(policy) = self.net.port(pid).sides[dir.index()]
            .class(class)
            .and_then(|c| c.acceptance)
        else {
            return;
        };
        let now = s.now();
        let side = &mut self.ports[pid.index()].sides[dir.index()];
        let backlog = side.border_by_class[class.index()];
        let was = side.banned[class.index()];
        if !was && backlog >= policy.stop_above {
            side.banned[class.index()] = true;
            self.bans_in_force += 1;
        } else if was && backlog <= policy.resume_below {
            side.banned[class.index()] = false;
            self.bans_in_force -= 1;
        } else {
            return;
        }
        let any = side.banned.iter().any(|&b| b);
        self.tally.banned(Refuser::Side(pid, dir), now, any);
        if was {
            // Lifted: the trains it held leave their origins, in order.
            self.release_refused(Refuser::Side(pid, dir), s);
        }
    }
}

/// Wagons a train of `units` takes from `pool`: one a unit, at most the
/// whole pool (a formation longer than the pool, which validation rules out
/// for a flow's own trains but re-forming upstream could make, takes every
/// wagon rather than wait for ever).
pub(super) fn wagons_needed(units: u32, pool: &WagonPool) -> u32 {
    units.min(pool.wagons)
}
