//! Movement: trains run over line sections, held for a free path where a
//! section's capacity binds, choose among their candidate routes at the
//! decision point, and are delivered at their destination.

use super::{CorridorEvent, CorridorModel, TrainId, to_duration};
use crate::corridor::ids::{Direction, GaugeChange, RouteId, SectionId};
use crate::corridor::network::PlaceKind;
use crate::corridor::report::TraceEvent;
use crate::corridor::routing::{RoutingContext, pick_by_share};
use crate::engine::Scheduler;
use crate::time::SimDuration;

impl CorridorModel<'_> {
    /// The train sets off along the next leg of its route, or, if the
    /// section ahead is full (or stopped by a cut), waits where it is for a
    /// place on it. Returns whether it set off now.
    pub(super) fn depart(&mut self, id: TrainId, s: &mut Scheduler<CorridorEvent>) -> bool {
        let now = s.now();
        let net = self.net;
        let (flow, dest, pos, decided) = {
            let t = self.train(id);
            (t.flow, t.dest, t.pos, t.decided)
        };
        if !decided && pos >= net.flow(flow).destinations[dest].decision_index {
            self.choose_route(id, pos);
        }
        let (sec, reversed) = net.route(self.train_ref(id).route).legs[pos];
        let o = usize::from(reversed);
        let cap = net.sections()[sec.index()].capacity_trains;
        let state = &mut self.sections[sec.index()];
        let line = &mut state.lines[o];
        if state.factor <= 0.0 || cap.is_some_and(|c| line.on >= c) || !line.waiting.is_empty() {
            line.waiting.push_back(id);
            let (on, waiting) = (line.on, line.waiting.len());
            self.tally.line(sec, o, now, on, waiting);
            self.train(id).wait_start = now;
            self.update_line_ban(sec, o, s);
            return false;
        }
        self.enter(id, sec, reversed, s);
        true
    }

    /// The train enters section `sec` (it has a place on it).
    fn enter(
        &mut self,
        id: TrainId,
        sec: SectionId,
        reversed: bool,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let now = s.now();
        let net = self.net;
        let o = usize::from(reversed);
        let state = &mut self.sections[sec.index()];
        state.lines[o].on += 1;
        let factor = state.factor;
        let (on, waiting) = (state.lines[o].on, state.lines[o].waiting.len());
        self.tally.line(sec, o, now, on, waiting);
        self.tally.section_entry(sec, o);
        let t = self.train(id);
        t.on_section = Some((sec, reversed, now));
        let section = &net.sections()[sec.index()];
        let running = to_duration(section.running.sample(&mut t.rng));
        let mut entry = now;
        if let Some(headway) = net.headway(sec) {
            // A cut to a share of the paths spaces trains further apart.
            let headway = if factor >= 1.0 {
                headway
            } else {
                to_duration(headway.as_hours_f64() / factor)
            };
            let slot = &mut self.sections[sec.index()].next_path[o];
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

    /// The train leaves the section it is on (if any): a place frees there
    /// for the first train waiting to enter it.
    pub(super) fn leave_section(&mut self, id: TrainId, s: &mut Scheduler<CorridorEvent>) {
        let Some((sec, reversed, entered)) = self.train(id).on_section.take() else {
            return;
        };
        let o = usize::from(reversed);
        self.tally
            .left_line(sec, o, s.now().since(entered).unwrap_or(SimDuration::ZERO));
        let line = &mut self.sections[sec.index()].lines[o];
        line.on -= 1;
        let (on, waiting) = (line.on, line.waiting.len());
        self.tally.line(sec, o, s.now(), on, waiting);
        self.admit(sec, reversed, s);
    }

    /// Lets trains waiting for section `sec` in one orientation onto it
    /// while it has room.
    pub(super) fn admit(
        &mut self,
        sec: SectionId,
        reversed: bool,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let now = s.now();
        let o = usize::from(reversed);
        let cap = self.net.sections()[sec.index()].capacity_trains;
        loop {
            let state = &mut self.sections[sec.index()];
            let line = &mut state.lines[o];
            if state.factor <= 0.0 || cap.is_some_and(|c| line.on >= c) {
                return;
            }
            let Some(id) = line.waiting.pop_front() else {
                return;
            };
            let waited = self.train(id).end_wait(now);
            self.tally.line_wait(sec, waited);
            // Where it waited: a port's departure track frees.
            let here = {
                let t = self.train_ref(id);
                self.net.route(t.route).places[t.pos]
            };
            self.enter(id, sec, reversed, s);
            if let PlaceKind::Port(pid) = self.net.place(here).kind {
                let dir = self.dir_of(id);
                self.on_the_line(id, pid, dir, s);
            }
            // A shorter queue may lift a ban on the line (after the train
            // has its place, so that those the ban held queue behind it).
            self.update_line_ban(sec, o, s);
        }
    }

    fn choose_route(&mut self, id: TrainId, pos: usize) {
        let net = self.net;
        let (flow_id, dest, uniform) = {
            let t = self.train(id);
            (t.flow, t.dest, t.route_uniform)
        };
        let flow = net.flow(flow_id);
        let routes = &flow.destinations[dest].routes;
        let expected = |k: usize| self.expected_hours(routes[k], pos, flow.direction);
        let ctx = RoutingContext {
            candidates: routes.len(),
            shares: &flow.shares,
            uniform,
            expected_hours: &expected,
        };
        let mut k = flow.policy.choose(&ctx).min(routes.len() - 1);
        // A candidate through a side that refuses the class now is not
        // taken while another is open: the choice falls among the open
        // ones, in proportion to their shares (equal without shares).
        let class = self.train_ref(id).class;
        let refused = |j: usize| {
            self.route_refused(routes[j], pos, class, flow.direction)
                .is_some()
        };
        if routes.len() > 1 && refused(k) {
            let open: Vec<usize> = (0..routes.len()).filter(|&j| !refused(j)).collect();
            if !open.is_empty() {
                let weight = |j: usize| flow.shares.get(j).copied().unwrap_or(1.0);
                let total: f64 = open.iter().map(|&j| weight(j)).sum();
                let pick = if total > 0.0 {
                    pick_by_share(open.iter().map(|&j| weight(j) / total), uniform)
                } else {
                    pick_by_share(open.iter().map(|_| 1.0 / open.len() as f64), uniform)
                };
                k = open[pick];
            }
        }
        let t = self.train(id);
        t.route = routes[k];
        t.decided = true;
    }

    /// Expected time from place `pos` of `route` to its end \[h\]: mean
    /// running times, mean processing at each port, and the work ahead in
    /// each port's queue and handover backlog.
    fn expected_hours(&self, route: RouteId, pos: usize, dir: Direction) -> f64 {
        let net = self.net;
        let route = net.route(route);
        let mut hours = 0.0;
        for &(sec, _) in &route.legs[pos.min(route.legs.len())..] {
            hours += net.sections()[sec.index()].running.mean_hours();
        }
        for &place in &route.places[pos + 1..] {
            if let PlaceKind::Port(pid) = net.place(place).kind {
                let port = net.port(pid);
                let cfg = &port.sides[dir.index()];
                let side = &self.ports[pid.index()].sides[dir.index()];
                let border = (side.siding.len() + side.held.len()) as f64;
                hours += port.mean_processing_hours(dir);
                if port.change != GaugeChange::None {
                    let ahead = f64::from(side.in_yard) + border;
                    let track_hours =
                        cfg.transshipment.mean_hours() + cfg.track_release.mean_hours();
                    hours += ahead * track_hours / f64::from(cfg.tracks);
                }
                if let Some(cap) = cfg.handover_cap_per_day {
                    hours += 24.0 * border / f64::from(cap);
                }
            }
        }
        hours
    }

    pub(super) fn arrive(&mut self, id: TrainId, s: &mut Scheduler<CorridorEvent>) {
        let now = s.now();
        let net = self.net;
        let t = self.train(id);
        t.pos += 1;
        let route = net.route(t.route);
        let place = route.places[t.pos];
        let last = t.pos + 1 == route.places.len();
        if last {
            self.record(now, id, TraceEvent::Deliver, place);
            self.leave_section(id, s);
            let train = self.remove(id);
            for c in &train.consignments {
                let transit = now.since(c.created).unwrap_or(SimDuration::ZERO);
                self.tally
                    .delivered(c.od, c.containers, transit, c.waited > self.delay_threshold);
            }
            self.tally.train_delivered();
            return;
        }
        match net.place(place).kind {
            PlaceKind::Port(pid) => self.port_arrive(id, pid, s),
            _ => {
                self.leave_section(id, s);
                self.depart(id, s);
            }
        }
    }
}
