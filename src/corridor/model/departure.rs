//! A port side after track work: a departure track, re-forming, and the
//! line ahead.
//!
//! A train whose work is done needs a departure track; while they are all
//! taken it stays on its own track, which then serves no one (the yard
//! backs up behind it, and the border behind the yard). On a departure
//! track the formation leaves the side: a formation longer than the next
//! network takes is split into the fewest near-equal trains, or, with
//! consolidation, pooled with what other trains bring for the same
//! remaining route into full trains, what is left leaving after at most
//! the given wait. A train waits on its departure track until the line
//! ahead has room. Every container is conserved.

use rand::RngExt;

use super::{
    Consignment, CorridorEvent, CorridorModel, NO_TRACK, Pool, Template, TrainId, purpose,
    to_duration,
};
use crate::corridor::ids::{Direction, PortId};
use crate::corridor::network::Handling;
use crate::corridor::report::TraceEvent;
use crate::engine::Scheduler;
use crate::time::{SimDuration, SimTime};

impl CorridorModel<'_> {
    pub(super) fn track_free(&mut self, id: TrainId, s: &mut Scheduler<CorridorEvent>) {
        let (pid, dir) = self.current_port(id);
        self.work_done(id, pid, dir, s);
    }

    /// A train's track work is done: it moves to a departure track, or
    /// holds its own until one frees.
    pub(super) fn work_done(
        &mut self,
        id: TrainId,
        pid: PortId,
        dir: Direction,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let now = s.now();
        // From now it waits for a departure track (booked when it gets one).
        self.train(id).wait_start = now;
        let limit = self.net.port(pid).sides[dir.index()].departure_tracks;
        let side = &mut self.ports[pid.index()].sides[dir.index()];
        if limit.is_some_and(|n| side.departing >= n) {
            side.blocked.push_back(id);
            let n = side.blocked.len();
            self.tally.blocked_tracks(pid, dir, now, n);
            return;
        }
        let g = self.take_track(pid, dir, now);
        self.train(id).track = g;
        self.free_track(id, pid, dir, s);
        self.leave_side(id, pid, dir, s);
    }

    /// A formation takes a departure track: returns its number. The trains
    /// re-formed from it (split parts, trains formed from a pool it
    /// started) stay on it until the last of them leaves.
    fn take_track(&mut self, pid: PortId, dir: Direction, now: SimTime) -> u32 {
        let side = &mut self.ports[pid.index()].sides[dir.index()];
        side.departing += 1;
        let g = match side.free_track_numbers.pop() {
            Some(g) => {
                side.track_users[g as usize] = 1;
                g
            }
            None => {
                side.track_users.push(1);
                (side.track_users.len() - 1) as u32
            }
        };
        let n = side.departing;
        self.tally.departing(pid, dir, now, n);
        g
    }

    /// One more train (or a pool) on departure track `g`.
    fn share_track(&mut self, pid: PortId, dir: Direction, g: u32) {
        self.ports[pid.index()].sides[dir.index()].track_users[g as usize] += 1;
    }

    /// A train (or a pool) leaves departure track `g`; the last to leave
    /// frees it.
    pub(super) fn release_track(
        &mut self,
        pid: PortId,
        dir: Direction,
        g: u32,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let side = &mut self.ports[pid.index()].sides[dir.index()];
        let users = &mut side.track_users[g as usize];
        *users -= 1;
        if *users == 0 {
            side.free_track_numbers.push(g);
            self.departure_freed(pid, dir, s);
        }
    }

    /// Frees what the train held for its work (a track of its class's
    /// facility), so that the next train may start.
    fn free_track(
        &mut self,
        id: TrainId,
        pid: PortId,
        dir: Direction,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let now = s.now();
        let class = self.train_ref(id).class;
        let handling = &self.net.port(pid).sides[dir.index()]
            .class(class)
            .expect("validated: the side handles the class")
            .handling;
        match handling {
            Handling::Transship => {
                let side = &mut self.ports[pid.index()].sides[dir.index()];
                side.tracks_busy -= 1;
                let busy = side.tracks_busy;
                self.tally.tracks_busy(pid, dir, now, busy);
                self.record(now, id, TraceEvent::Transshipped, self.net.port_place(pid));
                self.start_tracks(pid, dir, s);
            }
            Handling::Transload { .. } => {
                let side = &mut self.ports[pid.index()].sides[dir.index()];
                side.transload_busy[class.index()] -= 1;
                let busy = side.transload_busy[class.index()];
                self.tally.transload_busy(pid, dir, class, now, busy);
                self.record(now, id, TraceEvent::Transshipped, self.net.port_place(pid));
                self.start_transload(pid, dir, class, s);
            }
            Handling::Pass => {}
        }
    }

    /// A departure track frees: the first train holding its own track for
    /// want of one takes it.
    pub(super) fn departure_freed(
        &mut self,
        pid: PortId,
        dir: Direction,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let now = s.now();
        let side = &mut self.ports[pid.index()].sides[dir.index()];
        side.departing -= 1;
        let n = side.departing;
        self.tally.departing(pid, dir, now, n);
        let side = &mut self.ports[pid.index()].sides[dir.index()];
        let Some(id) = side.blocked.pop_front() else {
            return;
        };
        let n = side.blocked.len();
        self.tally.blocked_tracks(pid, dir, now, n);
        let g = self.take_track(pid, dir, now);
        self.train(id).track = g;
        self.free_track(id, pid, dir, s);
        self.leave_side(id, pid, dir, s);
    }

    /// The formation leaves the side (it has a departure track): its stay
    /// is booked, its wagons start their turnaround, and it is re-formed
    /// and sent on.
    fn leave_side(
        &mut self,
        id: TrainId,
        pid: PortId,
        dir: Direction,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let now = s.now();
        let cfg = &self.net.port(pid).sides[dir.index()];
        let side = &mut self.ports[pid.index()].sides[dir.index()];
        side.inside -= 1;
        let inside = side.inside;
        self.tally.in_port(pid, dir, now, inside);
        let t = self.train(id);
        let waited = t.end_wait(now);
        let dwell = now.since(t.port_arrival).unwrap_or(SimDuration::ZERO);
        let (containers, port_wait, class) = (t.containers(), t.port_wait, t.class);
        self.tally
            .left_port(pid, dir, class, containers, waited, dwell, port_wait);
        self.record(now, id, TraceEvent::Departed, self.net.port_place(pid));
        // The wagons the train took from the pool come back after their
        // turnaround.
        if let Some(pool) = &cfg.wagon_pool
            && matches!(
                cfg.class(class).map(|c| &c.handling),
                Some(Handling::Transship)
            )
        {
            let mut rng = self.train_stream(id, purpose::TURNAROUND, pid);
            let back = to_duration(pool.turnaround.sample(&mut rng));
            let wagons = super::port::wagons_needed(containers, pool);
            s.schedule_in(back, CorridorEvent::WagonsBack(pid, dir, wagons));
        }
        match (cfg.max_containers_out, cfg.consolidate_max_wait) {
            (Some(max), Some(wait)) => self.consolidate(id, pid, dir, max, wait, s),
            (Some(max), None) if containers > max => self.split_and_depart(id, pid, dir, max, s),
            _ => self.depart_port(id, pid, dir, s),
        }
    }

    /// A train on a departure track sets off (or waits there for the line).
    fn depart_port(
        &mut self,
        id: TrainId,
        pid: PortId,
        dir: Direction,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let now = s.now();
        if self.net.port(pid).sides[dir.index()]
            .locomotive_pool
            .is_some()
        {
            let side = &mut self.ports[pid.index()].sides[dir.index()];
            if side.locomotives_available == 0 || !side.locomotive_queue.is_empty() {
                side.locomotive_queue.push_back(id);
                self.train(id).wait_start = now;
                return;
            }
            self.tally.locomotive_wait(pid, dir, SimDuration::ZERO);
            self.couple_locomotive(id, pid, dir, s);
        }
        self.set_off(id, pid, dir, s);
    }

    /// The train leaves its departure track for the line, or waits there
    /// for a place on it.
    fn set_off(
        &mut self,
        id: TrainId,
        pid: PortId,
        dir: Direction,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        if self.depart(id, s) {
            self.on_the_line(id, pid, dir, s);
        }
    }

    /// Train `id` has left port side `(pid, dir)` for the line: its
    /// departure track frees (once its last part has gone) and its
    /// locomotive's turnaround starts.
    pub(super) fn on_the_line(
        &mut self,
        id: TrainId,
        pid: PortId,
        dir: Direction,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let t = self.train(id);
        let g = std::mem::replace(&mut t.track, NO_TRACK);
        let locomotive = std::mem::take(&mut t.locomotive);
        if locomotive {
            let pool = self.net.port(pid).sides[dir.index()]
                .locomotive_pool
                .as_ref()
                .expect("a side with a pool");
            let mut rng = self.train_stream(id, purpose::LOCOMOTIVE, pid);
            let back = to_duration(pool.turnaround.sample(&mut rng));
            s.schedule_in(back, CorridorEvent::LocomotiveBack(pid, dir));
        }
        self.release_track(pid, dir, g, s);
    }

    /// Takes a locomotive from the side's pool for train `id`; it is back
    /// after its turnaround from when the train leaves for the line.
    fn couple_locomotive(
        &mut self,
        id: TrainId,
        pid: PortId,
        dir: Direction,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        self.ports[pid.index()].sides[dir.index()].locomotives_available -= 1;
        self.train(id).locomotive = true;
        self.tally.locomotives(pid, dir, s.now(), true);
    }

    /// A locomotive is back: the first train waiting for one takes it.
    pub(super) fn locomotive_back(
        &mut self,
        pid: PortId,
        dir: Direction,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let now = s.now();
        let side = &mut self.ports[pid.index()].sides[dir.index()];
        side.locomotives_available += 1;
        self.tally.locomotives(pid, dir, now, false);
        let Some(id) = self.ports[pid.index()].sides[dir.index()]
            .locomotive_queue
            .pop_front()
        else {
            return;
        };
        let waited = self.train(id).end_wait(now);
        self.tally.locomotive_wait(pid, dir, waited);
        self.couple_locomotive(id, pid, dir, s);
        self.set_off(id, pid, dir, s);
    }

    /// Splits a train longer than the outgoing side allows into the fewest
    /// trains of near-equal length, and sends them all on their way.
    fn split_and_depart(
        &mut self,
        id: TrainId,
        pid: PortId,
        dir: Direction,
        max: u32,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let total = self.train(id).containers();
        let parts = total.div_ceil(max);
        let mut pool = std::mem::take(&mut self.train(id).consignments);
        let sizes: Vec<u32> = (0..parts)
            .map(|k| total / parts + u32::from(k < total % parts))
            .collect();
        let mut shares: Vec<Vec<Consignment>> = Vec::with_capacity(sizes.len());
        for &n in &sizes {
            let mut part = self.spare_consignments.pop().unwrap_or_default();
            take(&mut pool, n, &mut part);
            shares.push(part);
        }
        // Emptied: its list serves a later train.
        self.spare_consignments.push(pool);
        let first = shares.remove(0);
        let template = self.train(id);
        template.consignments = first;
        let mut rng_seed = template.rng.random::<u64>();
        let mut out = vec![id];
        for consignments in shares {
            rng_seed = rng_seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
            // Like the formation (it has just booked its waits, so its
            // clock reads now), with a stream of its own.
            let rng = self.streams.rng(rng_seed);
            let t = Template::of(self.train_ref(id)).train(consignments, rng, rng_seed, s.now());
            out.push(self.insert(t));
        }
        self.tally.split(pid, dir, (out.len() - 1) as u64);
        for &n in &sizes {
            self.tally.formed(pid, dir, n);
        }
        // The parts stay on the formation's departure track until the last
        // has left.
        let g = self.train_ref(id).track;
        for &part in &out[1..] {
            self.train(part).track = g;
            self.share_track(pid, dir, g);
        }
        for part in out {
            self.depart_port(part, pid, dir, s);
        }
    }

    /// Pools what train `id` brings with what others brought for the same
    /// remaining route; full trains of `max` leave at once, what is left
    /// after at most `wait`.
    fn consolidate(
        &mut self,
        id: TrainId,
        pid: PortId,
        dir: Direction,
        max: u32,
        wait: SimDuration,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let now = s.now();
        let net = self.net;
        let (here, class) = {
            let t = self.train_ref(id);
            (&net.route(t.route).places[t.pos..], t.class)
        };
        // A pool holds one class for one remaining route.
        let side = &self.ports[pid.index()].sides[dir.index()];
        let found = side.pools.iter().position(|p| {
            !p.consignments.is_empty() && p.template.class == class && {
                let t = &p.template;
                net.route(t.route).places[t.pos..] == *here
            }
        });
        let mut train = self.remove(id);
        let g = train.track;
        self.tally.coupled(pid, dir, 1);
        self.record(now, id, TraceEvent::Coupled, net.port_place(pid));
        let side = &mut self.ports[pid.index()].sides[dir.index()];
        let k = match found {
            Some(k) => {
                // The pool already holds a departure track: this train's
                // frees, once the pool is dealt with (freeing it lets a
                // blocked train in, which may come to this very pool).
                side.pools[k]
                    .consignments
                    .extend(train.consignments.iter().map(|&c| (c, now)));
                k
            }
            None => {
                let k = match side.pools.iter().position(|p| p.consignments.is_empty()) {
                    Some(free) => {
                        // An emptied pool's slot, and its list, are reused.
                        let pool = &mut side.pools[free];
                        pool.template = Template::of(&train);
                        pool.generation += 1;
                        pool.formed = 0;
                        pool.track = g;
                        free
                    }
                    None => {
                        side.pools.push(Pool {
                            template: Template::of(&train),
                            consignments: Vec::new(),
                            generation: 0,
                            formed: 0,
                            // The pool keeps the train's departure track.
                            track: g,
                        });
                        side.pools.len() - 1
                    }
                };
                side.pools[k]
                    .consignments
                    .extend(train.consignments.iter().map(|&c| (c, now)));
                let generation = side.pools[k].generation;
                s.schedule_in(
                    wait,
                    CorridorEvent::ConsolidationDue(pid, dir, k as u32, generation),
                );
                k
            }
        };
        // Full trains leave at once.
        while self.pool_units(pid, dir, k) >= max {
            self.form_train(pid, dir, k, max, s);
        }
        self.pool_maybe_empty(pid, dir, k, wait, s);
        train.consignments.clear();
        self.spare_consignments.push(train.consignments);
        if found.is_some() {
            self.release_track(pid, dir, g, s);
        }
    }

    fn pool_units(&self, pid: PortId, dir: Direction, k: usize) -> u32 {
        self.ports[pid.index()].sides[dir.index()].pools[k]
            .consignments
            .iter()
            .map(|(c, _)| c.containers)
            .sum()
    }

    /// After trains left a pool: an empty pool frees its departure track; a
    /// remnant whose oldest part changed gets a timer of its own.
    fn pool_maybe_empty(
        &mut self,
        pid: PortId,
        dir: Direction,
        k: usize,
        wait: SimDuration,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let side = &mut self.ports[pid.index()].sides[dir.index()];
        let pool = &mut side.pools[k];
        if pool.consignments.is_empty() {
            pool.generation += 1;
            let g = pool.track;
            self.release_track(pid, dir, g, s);
        } else if pool.formed > 0 {
            // The oldest part now waiting came later than the timer's: the
            // remnant waits at most `wait` from its own arrival.
            pool.generation += 1;
            pool.formed = 0;
            let joined = pool.consignments[0].1;
            let due = joined + wait;
            let generation = pool.generation;
            s.schedule_at(
                due.max(s.now()),
                CorridorEvent::ConsolidationDue(pid, dir, k as u32, generation),
            )
            .expect("not before now");
        }
    }

    /// A pool's remnant has waited long enough: it leaves as it is.
    pub(super) fn consolidation_due(
        &mut self,
        pid: PortId,
        dir: Direction,
        k: usize,
        generation: u32,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let pool = &self.ports[pid.index()].sides[dir.index()].pools[k];
        if pool.generation != generation || pool.consignments.is_empty() {
            return; // a stale timer
        }
        let cfg = &self.net.port(pid).sides[dir.index()];
        let max = cfg
            .max_containers_out
            .expect("validated: consolidation has a length");
        let wait = cfg.consolidate_max_wait.expect("consolidating");
        while self.pool_units(pid, dir, k) > 0 {
            let n = self.pool_units(pid, dir, k).min(max);
            self.form_train(pid, dir, k, n, s);
        }
        self.pool_maybe_empty(pid, dir, k, wait, s);
    }

    /// Forms a train of `n` units from the front of pool `k` and sends it.
    fn form_train(
        &mut self,
        pid: PortId,
        dir: Direction,
        k: usize,
        n: u32,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let now = s.now();
        let side = &mut self.ports[pid.index()].sides[dir.index()];
        let pool = &mut side.pools[k];
        pool.formed += 1;
        let mut taken = self.spare_consignments.pop().unwrap_or_default();
        let mut need = n;
        while need > 0 {
            let (c, joined) = pool
                .consignments
                .first_mut()
                .expect("enough units in the pool");
            let part = c.containers.min(need);
            let mut piece = Consignment {
                containers: part,
                ..*c
            };
            piece.waited += now.since(*joined).unwrap_or(SimDuration::ZERO);
            taken.push(piece);
            c.containers -= part;
            need -= part;
            if c.containers == 0 {
                pool.consignments.remove(0);
            }
        }
        let template = pool.template.clone();
        let seed = template.key.wrapping_add(
            0x9E37_79B9_7F4A_7C15u64
                .wrapping_mul(u64::from(pool.generation) << 16 | u64::from(pool.formed)),
        );
        let t = template.train(taken, self.streams.rng(seed), seed, now);
        let g = pool.track;
        let id = self.insert(t);
        self.train(id).track = g;
        self.tally.split(pid, dir, 1);
        self.tally.formed(pid, dir, n);
        // The formed train waits on the pool's track for the line.
        self.share_track(pid, dir, g);
        self.depart_port(id, pid, dir, s);
    }
}

/// Moves the first `n` units of `pool` to the (empty) list `got`,
/// splitting a consignment where needed.
fn take(pool: &mut Vec<Consignment>, n: u32, got: &mut Vec<Consignment>) {
    let mut need = n;
    while need > 0 {
        let c = pool.first_mut().expect("sizes add up to the pool");
        let part = c.containers.min(need);
        got.push(Consignment {
            containers: part,
            ..*c
        });
        c.containers -= part;
        need -= part;
        if c.containers == 0 {
            pool.remove(0);
        }
    }
}
