//! Movement: trains run over line sections, held for a free path where a
//! section's capacity binds, choose among their candidate routes at the
//! decision point, and are delivered at their destination.

use rand::RngExt;

use super::{CorridorEvent, CorridorModel, TrainId, day_start, purpose, to_duration};
use crate::corridor::ids::{ClassId, Direction, GaugeChange, PlaceId, PortId, RouteId, SectionId};
use crate::corridor::network::PlaceKind;
use crate::corridor::report::TraceEvent;
use crate::corridor::routing::{RoutingContext, RoutingPolicy, pick_by_share};
use crate::engine::Scheduler;
use crate::time::{SimDuration, SimTime};

impl CorridorModel<'_> {
    /// The train sets off along the next leg of its route, or, if the
    /// section ahead is full (or stopped by a cut), waits where it is for a
    /// place on it. Returns whether it set off now.
    pub(super) fn depart(&mut self, id: TrainId, s: &mut Scheduler<CorridorEvent>) -> bool {
        let now = s.now();
        let net = self.net;
        let (flow, dest, here, decided) = {
            let t = self.train_ref(id);
            (t.flow, t.dest, net.route(t.route).places[t.pos], t.decided)
        };
        if !decided && here == net.flow(flow).destinations[dest].decision_place(net) {
            self.choose_route(id, now);
        }
        if !self.choices_at[here.index()].is_empty() {
            self.choose_on_the_way(id, now);
        }
        self.commit_ahead(id);
        let (route, pos) = (self.train_ref(id).route, self.train_ref(id).pos);
        let (sec, reversed) = net.route(route).legs[pos];
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
    #[inline]
    pub(super) fn admit(
        &mut self,
        sec: SectionId,
        reversed: bool,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        // Nearly always nobody waits (most lines have room for all).
        if self.sections[sec.index()].lines[usize::from(reversed)]
            .waiting
            .is_empty()
        {
            return;
        }
        self.admit_waiting(sec, reversed, s);
    }

    /// [`admit`](Self::admit) when some train waits.
    fn admit_waiting(&mut self, sec: SectionId, reversed: bool, s: &mut Scheduler<CorridorEvent>) {
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
    /// that port's border, on the leg it is on: route choice counts the
    /// trains committed to a port on the legs between it and the port,
    /// those that will get there first.
    fn commit_ahead(&mut self, id: TrainId) {
        let net = self.net;
        let t = self.train_ref(id);
        if t.heading != 0 {
            // Already committed: it moves on to the next leg.
            let leg = net.route(t.route).legs[t.pos].0;
            let dir = net.flow(t.flow).direction;
            let pid = PortId(t.heading - 1);
            let (from, to) = (
                self.commit_slot(pid, dir, SectionId(t.heading_leg)),
                self.commit_slot(pid, dir, leg),
            );
            self.committed_on[from] -= 1;
            self.committed_on[to] += 1;
            self.train(id).heading_leg = leg.0;
            return;
        }
        let dir = net.flow(t.flow).direction;
        let route = net.route(t.route);
        let leg = route.legs[t.pos].0;
        let next = net.leg_views(t.route)[t.pos..]
            .iter()
            .enumerate()
            .find_map(|(i, l)| l.port_after.map(|pid| (i, pid)));
        // A train whose flow has not chosen yet is committed only to a port
        // before its decision point: the ones after are not settled.
        let next = match next {
            Some((i, pid)) if !t.decided => {
                let decision = net.flow(t.flow).destinations[t.dest].decision_place(net);
                route.places[t.pos + 1..=t.pos + 1 + i]
                    .iter()
                    .all(|&q| q != decision)
                    .then_some(pid)
            }
            other => other.map(|(_, pid)| pid),
        };
        if let Some(pid) = next {
            let slot = self.commit_slot(pid, dir, leg);
            self.committed_on[slot] += 1;
            let t = self.train(id);
            t.heading = pid.0 + 1;
            t.heading_leg = leg.0;
        }
    }

    /// Whether `route` from place `pos` on passes a port not yet open at
    /// `now`.
    #[inline]
    fn passes_unopened(&self, route: RouteId, pos: usize, now: SimTime) -> bool {
        if self.all_open_at.is_none_or(|t| now >= t) {
            return false;
        }
        self.passes_unopened_now(route, pos, now)
    }

    /// [`passes_unopened`](Self::passes_unopened) while some port is not
    /// open yet.
    fn passes_unopened_now(&self, route: RouteId, pos: usize, now: SimTime) -> bool {
        let net = self.net;
        net.route(route).places[pos + 1..].iter().any(|&place| {
            matches!(net.place(place).kind, PlaceKind::Port(pid)
                if net.port(pid).opens_day.is_some_and(|day| now < day_start(day)))
        })
    }

    /// The flow's own choice, at its decision point: the train takes one
    /// of its destination's candidate routes, at the decision point's place
    /// on it.
    fn choose_route(&mut self, id: TrainId, now: SimTime) {
        let net = self.net;
        let (flow_id, dest, uniform, class) = {
            let t = self.train_ref(id);
            (t.flow, t.dest, t.route_uniform, t.class)
        };
        let flow = net.flow(flow_id);
        let d = &flow.destinations[dest];
        let mut cands = std::mem::take(&mut self.scratch_cands);
        cands.clear();
        cands.extend(d.routes.iter().map(|&r| (r, d.decision_index)));
        let k = self.pick(
            &cands,
            &flow.shares,
            &flow.route_bias_hours,
            &*flow.policy,
            uniform,
            class,
            flow.direction,
            now,
        );
        let t = self.train(id);
        t.route = cands[k].0;
        t.pos = d.decision_index;
        t.decided = true;
        self.scratch_cands = cands;
    }

    /// The choices on the way at the train's place that apply to it and
    /// that it has not made yet, in the order of the network's choices.
    fn choose_on_the_way(&mut self, id: TrainId, now: SimTime) {
        let net = self.net;
        let here = {
            let t = self.train_ref(id);
            net.route(t.route).places[t.pos]
        };
        for i in 0..self.choices_at[here.index()].len() {
            let c = usize::from(self.choices_at[here.index()][i]);
            let choice = &net.choices()[c];
            let t = self.train_ref(id);
            let flow = net.flow(t.flow);
            let destination = flow.destinations[t.dest].place;
            if t.choices_made & (1 << c) != 0 {
                continue;
            }
            let Some(candidates) =
                choice.candidates(here, flow.direction, t.flow, t.class, destination)
            else {
                continue;
            };
            let (route, pos, class) = (t.route, t.pos, t.class);
            self.train(id).choices_made |= 1 << c;
            // The train's own commitment to the port ahead is not load it
            // should see.
            self.uncommit(id);
            // Staying, for a train that has not made its flow's choice yet,
            // is worth the best of the flow's routes from here.
            let stay = if self.train_ref(id).decided {
                (route, pos)
            } else {
                self.best_own_route(id, here, now).unwrap_or((route, pos))
            };
            let mut cands = std::mem::take(&mut self.scratch_cands);
            cands.clear();
            cands.extend(candidates.iter().map(|r| r.map_or(stay, |r| (r, 0))));
            let uniform: f64 = self
                .train_stream_keyed(id, purpose::CHOICE, self.choice_keys[c])
                .random();
            let k = self.pick(
                &cands,
                &choice.shares,
                &choice.route_bias_hours,
                &*choice.policy,
                uniform,
                class,
                flow.direction,
                now,
            );
            let taken = cands[k].0;
            self.scratch_cands = cands;
            if candidates[k].is_none() {
                continue;
            }
            let decision = flow.destinations[self.train_ref(id).dest].decision_place(net);
            let t = self.train(id);
            t.route = taken;
            t.pos = 0;
            // A train that has not made its flow's choice yet makes it if
            // its new route still passes the decision point ahead.
            if !t.decided && !net.route(t.route).places[1..].contains(&decision) {
                t.decided = true;
            }
        }
    }

    /// Of the train's own candidate routes that pass `here`, the open one
    /// with the least expected time from here (its bias added), with the
    /// train's place on it.
    fn best_own_route(&self, id: TrainId, here: PlaceId, now: SimTime) -> Option<(RouteId, usize)> {
        let net = self.net;
        let t = self.train_ref(id);
        let flow = net.flow(t.flow);
        let mut best: Option<(f64, RouteId, usize)> = None;
        for (k, &r) in flow.destinations[t.dest].routes.iter().enumerate() {
            let Some(p) = net.route(r).places.iter().position(|&q| q == here) else {
                continue;
            };
            if self.passes_unopened(r, p, now)
                || self.route_refused(r, p, t.class, flow.direction).is_some()
            {
                continue;
            }
            let hours = self.expected_hours(r, p, flow.direction, now)
                + flow.route_bias_hours.get(k).copied().unwrap_or(0.0);
            if best.is_none_or(|(b, _, _)| hours < b) {
                best = Some((hours, r, p));
            }
        }
        best.map(|(_, r, p)| (r, p))
    }

    /// The train no longer counts as committed to the port it was heading
    /// for.
    pub(super) fn uncommit(&mut self, id: TrainId) {
        let dir = self.dir_of(id);
        let t = self.train(id);
        let heading = std::mem::take(&mut t.heading);
        let leg = SectionId(t.heading_leg);
        if heading > 0 {
            let slot = self.commit_slot(PortId(heading - 1), dir, leg);
            self.committed_on[slot] -= 1;
        }
    }

    /// Where the trains committed to side `(pid, dir)` on leg `sec` are
    /// counted.
    fn commit_slot(&self, pid: PortId, dir: Direction, sec: SectionId) -> usize {
        (pid.index() * 2 + dir.index()) * self.net.sections().len() + sec.index()
    }

    /// The index of the candidate taken among `cands` (each a route and the
    /// train's place on it) by `policy`, with the train's `uniform` draw.
    /// A candidate through a port not yet open is not one yet: the policy
    /// chooses among the others, with their shares renormalised, exactly
    /// as if the port were not in the network. A candidate through a side
    /// or line that refuses the class now is not taken while another is
    /// open: the choice falls among the open ones, in proportion to their
    /// shares (equal without shares).
    #[allow(clippy::too_many_arguments)] // the parts of one choice, for both kinds of choice
    fn pick(
        &self,
        cands: &[(RouteId, usize)],
        shares: &[f64],
        bias: &[f64],
        policy: &dyn RoutingPolicy,
        uniform: f64,
        class: ClassId,
        dir: Direction,
        now: SimTime,
    ) -> usize {
        let mut open = self.scratch_open.take();
        open.clear();
        open.extend(
            (0..cands.len()).filter(|&k| !self.passes_unopened(cands[k].0, cands[k].1, now)),
        );
        if open.is_empty() {
            open.extend(0..cands.len());
        }
        let mut renormalised = self.scratch_shares.take();
        renormalised.clear();
        if open.len() != cands.len() {
            let total: f64 = open.iter().map(|&k| shares[k]).sum();
            renormalised.extend(open.iter().map(|&k| {
                if total > 0.0 {
                    shares[k] / total
                } else {
                    1.0 / open.len() as f64
                }
            }));
        }
        let expected = |i: usize| {
            let (route, pos) = cands[open[i]];
            self.expected_hours(route, pos, dir, now) + bias.get(open[i]).copied().unwrap_or(0.0)
        };
        let ahead = |i: usize| {
            let (route, pos) = cands[open[i]];
            self.trains_ahead(route, pos, dir)
        };
        let ctx = RoutingContext {
            candidates: open.len(),
            shares: if open.len() == cands.len() {
                shares
            } else {
                &renormalised
            },
            uniform,
            expected_hours: &expected,
            trains_ahead: &ahead,
        };
        let mut k = open[policy.choose(&ctx).min(open.len() - 1)];
        let refused = |j: usize| {
            let (route, pos) = cands[j];
            self.passes_unopened(route, pos, now)
                || self.route_refused(route, pos, class, dir).is_some()
        };
        if cands.len() > 1 && refused(k) {
            open.clear();
            open.extend((0..cands.len()).filter(|&j| !refused(j)));
            if !open.is_empty() {
                let weight = |j: usize| shares.get(j).copied().unwrap_or(1.0);
                let total: f64 = open.iter().map(|&j| weight(j)).sum();
                let pick = if total > 0.0 {
                    pick_by_share(open.iter().map(|&j| weight(j) / total), uniform)
                } else {
                    pick_by_share(open.iter().map(|_| 1.0 / open.len() as f64), uniform)
                };
                k = open[pick];
            }
        }
        self.scratch_open.set(open);
        self.scratch_shares.set(renormalised);
        k
    }

    /// The trains at or bound for the first port after place `pos` of
    /// `route`: at its border, inside it, and committed to it on the legs
    /// from here to it (0 if the route passes no port).
    fn trains_ahead(&self, route: RouteId, pos: usize, dir: Direction) -> u64 {
        let legs = self.net.leg_views(route);
        for i in pos..legs.len() {
            let Some(pid) = legs[i].port_after else {
                continue;
            };
            let committed: u64 = legs[pos..=i]
                .iter()
                .map(|l| u64::from(self.committed_on[self.commit_slot(pid, dir, l.section)]))
                .sum();
            return self.present(pid.index(), dir) + committed;
        }
        0
    }

    /// Expected time from place `pos` of `route` to its end \[h\]: mean
    /// running times; on each line, the trains waiting to enter it at its
    /// paths' spacing; at each port, mean processing and the work ahead:
    /// the trains in its yard, at its border and on their way to it
    /// (committed), at its tracks' rate and its handover cap as cuts leave
    /// it, less what the port gets through while the train travels to it
    /// (a fluid queue: the committed trains arrive before this one, and the
    /// port serves at its rate meanwhile). A port stopped now adds the time
    /// until it is expected to open again (a planned closure's or a dated
    /// cut's end, a random stoppage's mean length); one stopped with no
    /// known end, or a line stopped by a cut, makes it infinite.
    fn expected_hours(&self, route: RouteId, pos: usize, dir: Direction, now: SimTime) -> f64 {
        let net = self.net;
        let legs = net.leg_views(route);
        let mut hours = 0.0;
        // The committed trains on the legs from here to the next port.
        let mut legs_from = pos;
        for (i, leg) in legs.iter().enumerate().skip(pos) {
            hours += leg.mean_running_hours;
            let state = &self.sections[leg.section.index()];
            if state.factor <= 0.0 {
                return f64::INFINITY;
            }
            if let Some(paths) = leg.paths_per_day {
                let waiting = if leg.single_track {
                    state.lines[0].waiting.len() + state.lines[1].waiting.len()
                } else {
                    state.lines[usize::from(leg.reversed)].waiting.len()
                };
                hours += 24.0 * waiting as f64 / (paths * state.factor);
            }
            let Some(pid) = leg.port_after else {
                continue;
            };
            let port = net.port(pid);
            let cfg = &port.sides[dir.index()];
            let side = &self.ports[pid.index()].sides[dir.index()];
            let committed: u32 = legs[legs_from..=i]
                .iter()
                .map(|l| self.committed_on[self.commit_slot(pid, dir, l.section)])
                .sum();
            legs_from = i + 1;
            let border = (side.siding.len() + side.held.len()) as f64 + f64::from(committed);
            // Time to get there: the work ahead that is done by then is not
            // waited for.
            let travel = hours;
            hours += port.mean_processing_hours(dir);
            if port.change != GaugeChange::None {
                let ahead = f64::from(side.in_yard) + border;
                let track_hours = cfg.transshipment.mean_hours() + cfg.track_release.mean_hours();
                hours += (ahead * track_hours / f64::from(cfg.tracks) - travel).max(0.0);
            }
            // A stopped port is waited for until it is expected to open
            // again, and the trains ahead then go at its usual cap.
            let (reopens, cap) = match self.effective_cap(pid, dir) {
                Some(0) => match self.expected_reopening(pid, now) {
                    Some(t) => (
                        t.since(now).map_or(0.0, |d| d.as_hours_f64()),
                        cfg.handover_cap_per_day,
                    ),
                    None => return f64::INFINITY,
                },
                cap => (0.0, cap),
            };
            let backlog = cap
                .filter(|&c| c > 0)
                .map_or(0.0, |c| 24.0 * border / f64::from(c));
            hours += (reopens + backlog - travel).max(0.0);
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
            let mut consignments = self.remove(id).consignments;
            for c in &consignments {
                let transit = now.since(c.created).unwrap_or(SimDuration::ZERO);
                self.tally
                    .delivered(c.od, c.containers, transit, c.waited > self.delay_threshold);
            }
            self.tally.train_delivered();
            consignments.clear();
            self.spare_consignments.push(consignments);
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
