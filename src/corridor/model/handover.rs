//! The interstate handover, at most `handover_cap_per_day` formations per
//! calendar day in arrival order at the departure yard; coupling of trains
//! that wait together for the same remaining route; and re-forming: a
//! formation longer than the outgoing side allows is split into the fewest
//! near-equal trains. Every container is conserved.

use rand::RngExt;

use super::{Consignment, CorridorEvent, CorridorModel, Train, TrainId};
use crate::corridor::ids::{Direction, PortId};
use crate::corridor::report::TraceEvent;
use crate::engine::Scheduler;
use crate::rng::stream_rng;
use crate::time::{SimDuration, SimTime};

impl CorridorModel<'_> {
    /// Splits a train longer than the outgoing side allows into the fewest
    /// trains of near-equal length, and sends them all on their way.
    pub(super) fn split_and_depart(
        &mut self,
        id: TrainId,
        pid: PortId,
        dir: Direction,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let cfg = &self.net.port(pid).sides[dir.index()];
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
    pub(super) fn try_handover(
        &mut self,
        pid: PortId,
        dir: Direction,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let now = s.now();
        let cfg = &self.net.port(pid).sides[dir.index()];
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
            self.record(now, id, TraceEvent::HandedOver, self.net.port_place(pid));
            self.split_and_depart(id, pid, dir, s);
        }
    }

    /// Couples trains waiting for the handover on the same remaining route
    /// onto train `id`, up to the side's longest train.
    pub(super) fn couple(&mut self, id: TrainId, pid: PortId, dir: Direction, now: SimTime) {
        let max = self.net.port(pid).sides[dir.index()]
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
                let a = self.net.route(route);
                let b = self.net.route(o.route);
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
                self.record(now, other, TraceEvent::Coupled, self.net.port_place(pid));
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
}
