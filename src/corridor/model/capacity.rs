//! Capacity over time: port closures, random stoppages (exponential open
//! spells, then a closure of random length) and planned windows, which
//! stop handovers and the start of new track, crane and transloading work
//! (work under way finishes); and partial reductions, dated or random with
//! a seasonal rate, which cut a port's handover caps and cranes, or a
//! section's paths, to a fraction while they last.
//!
//! Reductions in force multiply: two storms that cut a cap to half each
//! leave a quarter; a random reduction that starts again while it is in
//! force does not cut twice.

use rand::RngExt;
use rand_distr::Exp1;

use super::demand::invert_intensity;
use super::{CorridorEvent, CorridorModel, CutTarget, day_start, to_duration};
use crate::corridor::ids::{ClassId, Direction, PortId, SectionId};
use crate::corridor::network::{Cut, DatedCut, RandomClosures, RandomCuts};
use crate::engine::Scheduler;
use crate::rng::SimRng;
use crate::time::{SimDuration, SimTime};

impl CorridorModel<'_> {
    /// Schedules a port's first random stoppage and all its planned
    /// windows.
    pub(super) fn schedule_closures(&mut self, pid: PortId, s: &mut Scheduler<CorridorEvent>) {
        let port = self.net.port(pid);
        if let Some(rc) = &port.random_closures {
            let open = open_spell(&mut self.ports[pid.index()].rng, rc);
            s.schedule_in(open, CorridorEvent::CloseStart(pid, true));
        }
        for w in &port.scheduled_closures {
            let at = SimDuration::try_from_hours_f64(w.start_day * 24.0)
                .expect("validated: a day from 0 to 36525");
            let len =
                SimDuration::try_from_hours_f64(w.hours).expect("validated: a positive length");
            s.schedule_in(at, CorridorEvent::CloseStart(pid, false));
            s.schedule_in(at + len, CorridorEvent::CloseEnd(pid, false));
        }
    }

    pub(super) fn close(&mut self, pid: PortId, random: bool, s: &mut Scheduler<CorridorEvent>) {
        let now = s.now();
        let port = &mut self.ports[pid.index()];
        port.closures += 1;
        if port.closures == 1 {
            self.tally.closed(pid, now, true);
            self.note_cap(pid, now);
        }
        if random {
            self.ports[pid.index()].random_closed_since = Some(now);
            let rc = self
                .net
                .port(pid)
                .random_closures
                .as_ref()
                .expect("random closures are configured");
            let len = to_duration(rc.duration.sample(&mut self.ports[pid.index()].rng));
            s.schedule_in(len, CorridorEvent::CloseEnd(pid, true));
        }
    }

    pub(super) fn reopen(&mut self, pid: PortId, random: bool, s: &mut Scheduler<CorridorEvent>) {
        let now = s.now();
        let port = &mut self.ports[pid.index()];
        port.closures -= 1;
        if random {
            port.random_closed_since = None;
            let rc = self
                .net
                .port(pid)
                .random_closures
                .as_ref()
                .expect("random closures are configured");
            let open = open_spell(&mut port.rng, rc);
            s.schedule_in(open, CorridorEvent::CloseStart(pid, true));
        }
        if self.ports[pid.index()].closures == 0 {
            self.tally.closed(pid, now, false);
            self.note_cap(pid, now);
            self.restart_port(pid, s);
        }
    }

    /// Books the caps in force at port `pid`'s capped sides from `now`.
    pub(super) fn note_cap(&mut self, pid: PortId, now: SimTime) {
        for dir in Direction::BOTH {
            if self.net.port(pid).sides[dir.index()]
                .handover_cap_per_day
                .is_some()
            {
                let cap = self.effective_cap(pid, dir).unwrap_or(0);
                self.tally.cap_in_force(pid, dir, now, cap);
            }
        }
    }

    /// After a port's capacity rose: every side starts what it can.
    fn restart_port(&mut self, pid: PortId, s: &mut Scheduler<CorridorEvent>) {
        for dir in Direction::BOTH {
            self.start_tracks(pid, dir, s);
            for c in 0..self.net.classes().len() {
                self.start_transload(pid, dir, ClassId(c as u32), s);
            }
            self.try_handover(pid, dir, s);
        }
    }

    /// The dated and random reductions of `target`.
    fn cuts_of(&self, target: CutTarget) -> (&[DatedCut], &[RandomCuts]) {
        match target {
            CutTarget::Port(p) => {
                let port = self.net.port(p);
                (&port.cuts, &port.random_cuts)
            }
            CutTarget::Section(x) => {
                let sec = &self.net.sections()[x.index()];
                (&sec.cuts, &sec.random_cuts)
            }
        }
    }

    /// Schedules every dated reduction and the first event of every random
    /// one, for all ports and sections.
    pub(super) fn schedule_cuts(&mut self, s: &mut Scheduler<CorridorEvent>) {
        let targets = (0..self.net.ports().len())
            .map(|p| CutTarget::Port(PortId(p as u32)))
            .chain((0..self.net.sections().len()).map(|x| CutTarget::Section(SectionId(x as u32))));
        for target in targets {
            let (dated, random) = self.cuts_of(target);
            let n = dated.len();
            for (k, c) in dated.iter().enumerate() {
                let at = SimDuration::try_from_hours_f64(c.start_day * 24.0)
                    .expect("validated: a day from 0 to 36525");
                let len = SimDuration::try_from_hours_f64(c.days * 24.0)
                    .expect("validated: a positive length");
                s.schedule_in(at, CorridorEvent::CutStart(target, k as u32));
                s.schedule_in(at + len, CorridorEvent::CutEnd(target, k as u32));
            }
            for r in 0..random.len() {
                self.schedule_random_cut(target, n + r, s.now(), s);
            }
            let (opens, changes) = match target {
                CutTarget::Port(p) => {
                    let port = self.net.port(p);
                    (port.opens_day, &port.changes)
                }
                CutTarget::Section(x) => (None, &self.net.sections()[x.index()].changes),
            };
            let at = |day: f64| {
                SimDuration::try_from_hours_f64(day * 24.0)
                    .expect("validated: a day from 0 to 36525")
            };
            if let Some(day) = opens {
                s.schedule_in(at(day), CorridorEvent::Change(target, u32::MAX));
            }
            for (k, c) in changes.iter().enumerate() {
                s.schedule_in(at(c.from_day), CorridorEvent::Change(target, k as u32));
            }
        }
    }

    /// Dated change `k` of `target` (`u32::MAX`: a port's opening) takes
    /// effect: its factors replace the last change's, and work waiting for
    /// capacity may start.
    pub(super) fn change(&mut self, target: CutTarget, k: u32, s: &mut Scheduler<CorridorEvent>) {
        const OPEN: Cut = Cut {
            capacity: 1.0,
            cranes: 1.0,
        };
        match target {
            CutTarget::Port(p) => {
                let c = if k == u32::MAX {
                    OPEN
                } else {
                    self.net.port(p).changes[k as usize].cut
                };
                self.ports[p.index()].change = c;
            }
            CutTarget::Section(x) => {
                self.sections[x.index()].change = self.net.sections()[x.index()].changes
                    [k as usize]
                    .cut
                    .capacity;
            }
        }
        self.refactor(target);
        if let CutTarget::Port(p) = target {
            self.note_cap(p, s.now());
        }
        match target {
            CutTarget::Port(p) => self.restart_port(p, s),
            CutTarget::Section(x) => {
                self.admit(x, false, s);
                self.admit(x, true, s);
            }
        }
    }

    /// The next event of random reduction `k` of `target` after `from`, if
    /// before the end of the run.
    fn schedule_random_cut(
        &mut self,
        target: CutTarget,
        k: usize,
        from: SimTime,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let (dated, random) = self.cuts_of(target);
        let r = &random[k - dated.len()];
        let weights = r.monthly_weights;
        let rate_per_day = r.events_per_year / 365.0;
        let rng = self.cut_rng(target, k - dated.len());
        let e: f64 = rng.sample(Exp1);
        if let Some(at) = invert_intensity(&weights, &[], from, e / rate_per_day, self.end) {
            s.schedule_at(at.max(from), CorridorEvent::CutStart(target, k as u32))
                .expect("not before now");
        }
    }

    fn cut_rng(&mut self, target: CutTarget, r: usize) -> &mut SimRng {
        match target {
            CutTarget::Port(p) => &mut self.ports[p.index()].cut_rng[r],
            CutTarget::Section(x) => &mut self.sections[x.index()].cut_rng[r],
        }
    }

    pub(super) fn cut_start(
        &mut self,
        target: CutTarget,
        k: usize,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let now = s.now();
        let (dated, random) = self.cuts_of(target);
        if k >= dated.len() {
            // A random reduction: it ends after its length, and the next
            // one arrives at the seasonal rate.
            let r = &random[k - dated.len()];
            let duration = r.duration.clone();
            let len = to_duration(duration.sample(self.cut_rng(target, k - dated.len())));
            s.schedule_in(len, CorridorEvent::CutEnd(target, k as u32));
            self.schedule_random_cut(target, k, now, s);
        }
        self.count_cut(target, k, true);
        self.tally
            .reduced(target, now, self.cuts_in_force(target) > 0);
        if let CutTarget::Port(p) = target {
            self.note_cap(p, now);
        }
    }

    pub(super) fn cut_end(
        &mut self,
        target: CutTarget,
        k: usize,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let now = s.now();
        self.count_cut(target, k, false);
        self.tally
            .reduced(target, now, self.cuts_in_force(target) > 0);
        if let CutTarget::Port(p) = target {
            self.note_cap(p, now);
        }
        match target {
            CutTarget::Port(p) => self.restart_port(p, s),
            CutTarget::Section(x) => {
                self.admit(x, false, s);
                self.admit(x, true, s);
            }
        }
    }

    /// Counts reduction `k` of `target` in or out of force, and recomputes
    /// the target's factors.
    fn count_cut(&mut self, target: CutTarget, k: usize, on: bool) {
        let counts = match target {
            CutTarget::Port(p) => &mut self.ports[p.index()].cuts_on,
            CutTarget::Section(x) => &mut self.sections[x.index()].cuts_on,
        };
        if on {
            counts[k] += 1;
        } else {
            counts[k] -= 1;
        }
        self.refactor(target);
    }

    /// Recomputes `target`'s factors: the last dated change's, times those
    /// of the reductions in force.
    fn refactor(&mut self, target: CutTarget) {
        let cuts: Vec<Cut> = {
            let (dated, random) = self.cuts_of(target);
            dated
                .iter()
                .map(|d| d.cut)
                .chain(random.iter().map(|r| r.cut))
                .collect()
        };
        let (counts, change) = match target {
            CutTarget::Port(p) => {
                let port = &self.ports[p.index()];
                (&port.cuts_on, port.change)
            }
            CutTarget::Section(x) => {
                let sec = &self.sections[x.index()];
                (
                    &sec.cuts_on,
                    Cut {
                        capacity: sec.change,
                        cranes: 1.0,
                    },
                )
            }
        };
        let (mut capacity, mut cranes) = (change.capacity, change.cranes);
        for (c, &n) in cuts.iter().zip(counts.iter()) {
            if n > 0 {
                capacity *= c.capacity;
                cranes *= c.cranes;
            }
        }
        match target {
            CutTarget::Port(p) => {
                let port = &mut self.ports[p.index()];
                port.capacity_factor = capacity;
                port.cranes_factor = cranes;
            }
            CutTarget::Section(x) => self.sections[x.index()].factor = capacity,
        }
    }

    /// Reductions of `target` in force now.
    fn cuts_in_force(&self, target: CutTarget) -> u32 {
        let counts = match target {
            CutTarget::Port(p) => &self.ports[p.index()].cuts_on,
            CutTarget::Section(x) => &self.sections[x.index()].cuts_on,
        };
        counts.iter().filter(|&&n| n > 0).count() as u32
    }

    /// When port `pid`, stopped now, is expected to open again, from what
    /// the railway knows: the end of the planned closures in force (one
    /// running into the next), of the dated cuts in force, the first dated
    /// change or opening day that opens it, and for a random stoppage its
    /// mean length from its start, for a random cut in force its mean
    /// length from now. `None` when nothing in force says (a change to
    /// zero that stays).
    pub(super) fn expected_reopening(&self, pid: PortId, now: SimTime) -> Option<SimTime> {
        let port = self.net.port(pid);
        let state = &self.ports[pid.index()];
        let after = |t: SimTime, h: f64| {
            t + SimDuration::try_from_hours_f64(h).unwrap_or(SimDuration::ZERO)
        };
        let mut until = now;
        if let (Some(since), Some(rc)) = (state.random_closed_since, &port.random_closures) {
            until = until.max(after(since, rc.duration.mean_hours()));
        }
        if state.change.capacity <= 0.0 {
            let day = now.as_days_f64();
            let change = port
                .changes
                .iter()
                .find(|c| c.from_day > day && c.cut.capacity > 0.0)
                .map(|c| c.from_day);
            let opening = port.opens_day.filter(|&d| d > day);
            let next = match (change, opening) {
                (Some(c), Some(o)) => c.min(o),
                (c, o) => c.or(o)?,
            };
            until = until.max(day_start(next));
        }
        // Every reduction in force counts: a cut to a fraction of a small
        // cap may leave it at zero.
        for (j, r) in port.random_cuts.iter().enumerate() {
            if state.cuts_on[port.cuts.len() + j] > 0 && r.cut.capacity < 1.0 {
                until = until.max(after(now, r.duration.mean_hours()));
            }
        }
        // Planned closures and dated cuts, chained: one that starts before
        // the last ends extends the stop.
        loop {
            let day = until.as_days_f64();
            let mut next = until;
            for w in &port.scheduled_closures {
                let end = w.start_day + w.hours / 24.0;
                if w.start_day <= day && day < end {
                    next = next.max(day_start(end));
                }
            }
            for c in &port.cuts {
                let end = c.start_day + c.days;
                if c.cut.capacity < 1.0 && c.start_day <= day && day < end {
                    next = next.max(day_start(end));
                }
            }
            if next == until {
                break;
            }
            until = next;
        }
        Some(until)
    }
}

/// The open time before a port's next random stoppage: exponential with
/// the configured mean (taken to the millisecond, as every span is).
fn open_spell(rng: &mut SimRng, rc: &RandomClosures) -> SimDuration {
    let mean = SimDuration::try_from_hours_f64(rc.mean_days_between * 24.0)
        .expect("validated: 1 hour to 36525 days");
    to_duration(rng.sample::<f64, _>(Exp1) * mean.as_hours_f64())
}
