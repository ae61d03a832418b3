//! Movement: trains run over line sections, held for a free path where a
//! section's capacity binds, choose among their candidate routes at the
//! decision point, and are delivered at their destination.

use super::{CorridorEvent, CorridorModel, TrainId, to_duration};
use crate::corridor::ids::{Direction, GaugeChange, RouteId};
use crate::corridor::network::PlaceKind;
use crate::corridor::report::TraceEvent;
use crate::corridor::routing::RoutingContext;
use crate::engine::Scheduler;
use crate::time::SimDuration;

impl CorridorModel<'_> {
    /// The train leaves its current place along the next leg of its route.
    pub(super) fn depart(&mut self, id: TrainId, s: &mut Scheduler<CorridorEvent>) {
        let now = s.now();
        let net = self.net;
        let (flow, dest, pos, decided) = {
            let t = self.train(id);
            (t.flow, t.dest, t.pos, t.decided)
        };
        if !decided && pos >= net.flow(flow).destinations[dest].decision_index {
            self.choose_route(id, pos);
        }
        let t = self.train(id);
        let (sec, reversed) = net.route(t.route).legs[pos];
        let section = &net.sections()[sec.index()];
        let running = to_duration(section.running.sample(&mut t.rng));
        let mut entry = now;
        if let Some(headway) = net.headway(sec) {
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
        let flow = net.flow(flow_id);
        let routes = &flow.destinations[dest].routes;
        let expected = |k: usize| self.expected_hours(routes[k], pos, flow.direction);
        let ctx = RoutingContext {
            candidates: routes.len(),
            shares: &flow.shares,
            uniform,
            expected_hours: &expected,
        };
        let k = flow.policy.choose(&ctx).min(routes.len() - 1);
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
                hours += port.mean_processing_hours(dir);
                if port.change != GaugeChange::None {
                    let ahead = f64::from(side.in_yard + side.blocked.len() as u32);
                    let track_hours =
                        cfg.transshipment.mean_hours() + cfg.track_release.mean_hours();
                    hours += ahead * track_hours / f64::from(cfg.tracks);
                }
                if let Some(cap) = cfg.handover_cap_per_day {
                    let backlog = side.handover.len() as f64;
                    hours += 24.0 * backlog / f64::from(cap);
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
            _ => self.depart(id, s),
        }
    }
}
