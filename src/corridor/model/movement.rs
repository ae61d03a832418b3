//! Movement: trains run over line sections, held for a free path where a
//! section's capacity binds, choose among their candidate routes at the
//! decision point, and are delivered at their destination.

use super::{CorridorEvent, CorridorModel, TrainId, to_duration};
use crate::corridor::ids::{Direction, GaugeChange, RouteId, SectionId};
use crate::corridor::network::PlaceKind;
use crate::corridor::report::TraceEvent;
use crate::corridor::routing::{RoutingContext, pick_by_share};
use crate::engine::Scheduler;
use crate::time::{SimDuration, SimTime};

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
            self.choose_route(id, pos, now);
        }
        if self.train_ref(id).heading == 0 {
            self.commit_ahead(id);
        }
        let (sec, reversed) = net.route(self.train_ref(id).route).legs[pos];
        let o = usize::from(reversed);
        let cap = net.sections()[sec.index()].capacity_trains;
        let on = self.trains_on(sec, o);
        let state = &mut self.sections[sec.index()];
        let line = &mut state.lines[o];
        if state.factor <= 0.0 || cap.is_some_and(|c| on >= c) || !line.waiting.is_empty() {
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

    /// Trains on section `sec` that count against its capacity for
    /// orientation `o`: those running that way, or both ways on a single
    /// track.
    fn trains_on(&self, sec: SectionId, o: usize) -> u32 {
        let lines = &self.sections[sec.index()].lines;
        if self.net.sections()[sec.index()].single_track {
            lines[0].on + lines[1].on
        } else {
            lines[o].on
        }
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
            let headway = if factor == 1.0 {
                headway
            } else {
                to_duration(headway.as_hours_f64() / factor)
            };
            // A single track's paths serve both directions.
            let slot =
                &mut self.sections[sec.index()].next_path[if section.single_track { 0 } else { o }];
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
        if self.net.sections()[sec.index()].single_track {
            // The place freed serves either direction: the train that has
            // waited longest goes first, so that neither way is starved.
            let head = |o: usize| {
                self.sections[sec.index()].lines[o]
                    .waiting
                    .front()
                    .map(|&id| self.train_ref(id).wait_start)
            };
            let first = match (head(0), head(1)) {
                (Some(a), Some(b)) if b < a => true,
                (None, Some(_)) => true,
                _ => false,
            };
            self.admit(sec, first, s);
            self.admit(sec, !first, s);
        } else {
            self.admit(sec, reversed, s);
        }
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
            let on = self.trains_on(sec, o);
            let state = &mut self.sections[sec.index()];
            let line = &mut state.lines[o];
            if state.factor <= 0.0 || cap.is_some_and(|c| on >= c) {
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

    /// A train whose route is set, leaving for the next leg, counts as
    /// committed to the next port on its route (if any) until it reaches
    /// that port's border.
    fn commit_ahead(&mut self, id: TrainId) {
        let net = self.net;
        let t = self.train_ref(id);
        if !t.decided {
            return;
        }
        let dir = net.flow(t.flow).direction;
        let route = net.route(t.route);
        let next =
            route.places[t.pos + 1..]
                .iter()
                .find_map(|&place| match net.place(place).kind {
                    PlaceKind::Port(pid) => Some(pid),
                    _ => None,
                });
        if let Some(pid) = next {
            self.ports[pid.index()].sides[dir.index()].committed += 1;
            self.train(id).heading = pid.0 + 1;
        }
    }

    /// Whether `route` from place `pos` on passes a port not yet open at
    /// `now`.
    fn passes_unopened(&self, route: RouteId, pos: usize, now: SimTime) -> bool {
        let net = self.net;
        net.route(route).places[pos + 1..].iter().any(|&place| {
            matches!(net.place(place).kind, PlaceKind::Port(pid)
                if net.port(pid).opens_day.is_some_and(|day| now < opening(day)))
        })
    }

    fn choose_route(&mut self, id: TrainId, pos: usize, now: SimTime) {
        let net = self.net;
        let (flow_id, dest, uniform) = {
            let t = self.train(id);
            (t.flow, t.dest, t.route_uniform)
        };
        let flow = net.flow(flow_id);
        let routes = &flow.destinations[dest].routes;
        // A candidate through a port not yet open is not one yet: the
        // policy chooses among the others, with their shares renormalised,
        // exactly as if the port were not in the network.
        let mut open: Vec<usize> = (0..routes.len())
            .filter(|&k| !self.passes_unopened(routes[k], pos, now))
            .collect();
        if open.is_empty() {
            open = (0..routes.len()).collect();
        }
        let shares: std::borrow::Cow<'_, [f64]> = if open.len() == routes.len() {
            std::borrow::Cow::Borrowed(&flow.shares)
        } else {
            let total: f64 = open.iter().map(|&k| flow.shares[k]).sum();
            open.iter()
                .map(|&k| {
                    if total > 0.0 {
                        flow.shares[k] / total
                    } else {
                        1.0 / open.len() as f64
                    }
                })
                .collect()
        };
        let expected = |i: usize| {
            let k = open[i];
            self.expected_hours(routes[k], pos, flow.direction)
                + flow.route_bias_hours.get(k).copied().unwrap_or(0.0)
        };
        let ctx = RoutingContext {
            candidates: open.len(),
            shares: &shares,
            uniform,
            expected_hours: &expected,
        };
        let mut k = open[flow.policy.choose(&ctx).min(open.len() - 1)];
        // A candidate through a side that refuses the class now is not
        // taken while another is open: the choice falls among the open
        // ones, in proportion to their shares (equal without shares).
        let class = self.train_ref(id).class;
        let refused = |j: usize| {
            self.passes_unopened(routes[j], pos, now)
                || self
                    .route_refused(routes[j], pos, class, flow.direction)
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
    /// running times; on each line, the trains waiting to enter it at its
    /// paths' spacing; at each port, mean processing and the work ahead:
    /// the trains in its yard, at its border and on their way to it
    /// (committed), at its tracks' rate and its handover cap as cuts leave
    /// it. A port stopped now, or a line stopped by a cut, makes it
    /// infinite.
    fn expected_hours(&self, route: RouteId, pos: usize, dir: Direction) -> f64 {
        let net = self.net;
        let route = net.route(route);
        let mut hours = 0.0;
        for &(sec, reversed) in &route.legs[pos.min(route.legs.len())..] {
            let section = &net.sections()[sec.index()];
            hours += section.running.mean_hours();
            let state = &self.sections[sec.index()];
            if state.factor <= 0.0 {
                return f64::INFINITY;
            }
            if let Some(paths) = section.paths_per_day {
                let waiting = if section.single_track {
                    state.lines[0].waiting.len() + state.lines[1].waiting.len()
                } else {
                    state.lines[usize::from(reversed)].waiting.len()
                };
                hours += 24.0 * waiting as f64 / (paths * state.factor);
            }
        }
        for &place in &route.places[pos + 1..] {
            if let PlaceKind::Port(pid) = net.place(place).kind {
                let port = net.port(pid);
                let cfg = &port.sides[dir.index()];
                let side = &self.ports[pid.index()].sides[dir.index()];
                let border =
                    (side.siding.len() + side.held.len()) as f64 + f64::from(side.committed);
                hours += port.mean_processing_hours(dir);
                if port.change != GaugeChange::None {
                    let ahead = f64::from(side.in_yard) + border;
                    let track_hours =
                        cfg.transshipment.mean_hours() + cfg.track_release.mean_hours();
                    hours += ahead * track_hours / f64::from(cfg.tracks);
                }
                if cfg.handover_cap_per_day.is_some() {
                    match self.effective_cap(pid, dir) {
                        Some(0) => return f64::INFINITY,
                        Some(cap) => hours += 24.0 * border / f64::from(cap),
                        None => {}
                    }
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

/// The instant a port that opens on `day` opens (to the millisecond, as its
/// opening event is scheduled).
fn opening(day: f64) -> SimTime {
    SimTime::ZERO
        + SimDuration::try_from_hours_f64(day * 24.0).expect("validated: a day from 0 to 36525")
}
