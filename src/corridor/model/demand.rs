//! Demand: flows release trains at their origins, Poisson at a monthly
//! seasonal rate or on a timetable with random lateness; a train whose
//! every candidate route passes a port side that refuses its class waits
//! at its origin, or is cancelled, as the side's acceptance policy says.

use rand::RngExt;
use rand_distr::Exp1;

use super::{Consignment, CorridorEvent, CorridorModel, Train, to_duration};
use super::{NO_TRACK, TrainId};
use std::collections::VecDeque;

use crate::corridor::ids::{ClassId, Direction, FlowId, RouteId, SectionId};
use crate::corridor::network::{ArrivalProcess, MONTH_DAYS, PlaceKind, Refused, Refuser};
use crate::corridor::report::TraceEvent;
use crate::corridor::routing::pick_by_share;
use crate::engine::Scheduler;
use crate::time::{SimDuration, SimTime, TICKS_PER_DAY};

impl CorridorModel<'_> {
    /// Schedules a flow's next release (Poisson) or next nominal departure
    /// (timetable). The rate is piecewise constant by month (a 365-day
    /// year), so the next Poisson time inverts the cumulative intensity
    /// exactly; a timetable spaces its nominal departures evenly in
    /// cumulative intensity, i.e. at the seasonal rate, and each train
    /// leaves after its own lateness, so one late train holds back no
    /// other.
    pub(super) fn schedule_release(&mut self, f: FlowId, s: &mut Scheduler<CorridorEvent>) {
        let flow = self.net.flow(f);
        if flow.trains_per_day <= 0.0 {
            return;
        }
        let now = s.now();
        let (at, event) = match &flow.arrival {
            ArrivalProcess::Poisson => {
                let e: f64 = self.demand_rng[f.index()].sample(Exp1);
                (
                    invert_intensity(
                        self.net.seasonality(),
                        &flow.year_factors,
                        now,
                        e / flow.trains_per_day,
                        self.end,
                    ),
                    CorridorEvent::Release(f),
                )
            }
            ArrivalProcess::Timetable(_) => {
                // Nominal departures at cumulative intensity k + 0.5.
                let k = self.timetable_next[f.index()];
                self.timetable_next[f.index()] = k + 1.0;
                (
                    invert_intensity(
                        self.net.seasonality(),
                        &flow.year_factors,
                        SimTime::ZERO,
                        (k + 0.5) / flow.trains_per_day,
                        self.end,
                    ),
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
    pub(super) fn nominal(&mut self, f: FlowId, s: &mut Scheduler<CorridorEvent>) {
        if let ArrivalProcess::Timetable(lateness) = &self.net.flow(f).arrival {
            let late = to_duration(lateness.sample(&mut self.demand_rng[f.index()]));
            s.schedule_in(late, CorridorEvent::Release(f));
        }
        self.schedule_release(f, s);
    }

    pub(super) fn release(&mut self, f: FlowId, s: &mut Scheduler<CorridorEvent>) {
        let now = s.now();
        if self.live_trains() >= super::MAX_TRAINS_IN_SYSTEM {
            // The corridor cannot carry this demand: stop releasing, so that
            // memory stays bounded, and say so in the report.
            self.tally.overloaded(now);
            return;
        }
        let flow = self.net.flow(f);
        let seq = self.released[f.index()];
        self.released[f.index()] += 1;
        let mut rng = self
            .streams
            .rng(self.train_key[f.index()] ^ seq.rotate_left(32));
        let containers = flow.containers_per_train;
        // The train's first two draws pick its destination and, later, its
        // route: drawn now, whatever the flow's routes, so that a variant
        // with other routes leaves every later draw of the train in place.
        let dest = pick_by_share(flow.destinations.iter().map(|d| d.share), rng.random());
        let route_uniform: f64 = rng.random();
        let destination = &flow.destinations[dest];
        let mut consignments = self.spare_consignments.pop().unwrap_or_default();
        consignments.push(Consignment {
            od: self.tally.od_index(f, dest),
            containers,
            created: now,
            waited: SimDuration::ZERO,
        });
        let train = Train {
            flow: f,
            class: flow.class,
            dest,
            route: destination.routes[0],
            decided: destination.routes.len() == 1,
            choices_made: 0,
            route_uniform,
            pos: 0,
            consignments,
            rng,
            key: self.train_key[f.index()] ^ seq.rotate_left(32),
            port_arrival: now,
            wait_start: now,
            port_wait: SimDuration::ZERO,
            on_section: None,
            pending: SimDuration::ZERO,
            track: NO_TRACK,
            locomotive: false,
            heading: 0,
            heading_leg: 0,
        };
        let id = self.insert(train);
        self.tally.released(f, containers);
        self.record(now, id, TraceEvent::Release, flow.origin);
        if matches!(flow.arrival, ArrivalProcess::Poisson) {
            self.schedule_release(f, s);
        }
        self.leave_origin(id, s);
    }

    /// What on `route` from place `pos` on refuses `class` now: the first
    /// port side with a ban on the class, else the first line with a ban.
    #[inline]
    pub(super) fn route_refused(
        &self,
        route: RouteId,
        pos: usize,
        class: ClassId,
        dir: Direction,
    ) -> Option<Refuser> {
        if self.bans_in_force == 0 {
            return None;
        }
        self.route_refused_now(route, pos, class, dir)
    }

    /// [`route_refused`](Self::route_refused) while some ban is in force.
    fn route_refused_now(
        &self,
        route: RouteId,
        pos: usize,
        class: ClassId,
        dir: Direction,
    ) -> Option<Refuser> {
        let route = self.net.route(route);
        let side = route.places[pos..]
            .iter()
            .find_map(|&place| match self.net.place(place).kind {
                PlaceKind::Port(pid)
                    if self.ports[pid.index()].sides[dir.index()].banned[class.index()] =>
                {
                    Some(Refuser::Side(pid, dir))
                }
                _ => None,
            });
        side.or_else(|| {
            route.legs[pos.min(route.legs.len())..]
                .iter()
                .find_map(|&(sec, reversed)| {
                    self.sections[sec.index()].lines[usize::from(reversed)]
                        .banned
                        .then_some(Refuser::Line(sec, reversed))
                })
        })
    }

    /// A train leaves its origin, unless every route it may take passes a
    /// port side or a line that refuses it: then it waits at its origin
    /// until that one accepts again, or is cancelled, as its policy says.
    pub(super) fn leave_origin(&mut self, id: TrainId, s: &mut Scheduler<CorridorEvent>) {
        let now = s.now();
        let net = self.net;
        let t = self.train_ref(id);
        let flow = net.flow(t.flow);
        let (class, dir) = (t.class, flow.direction);
        let single = t.decided.then_some(t.route);
        let routes: &[RouteId] = match &single {
            Some(r) => std::slice::from_ref(r),
            None => &flow.destinations[t.dest].routes,
        };
        let mut refused_by = None;
        for &r in routes {
            match self.route_refused(r, 0, class, dir) {
                Some(by) => refused_by = refused_by.or(Some(by)),
                None => {
                    refused_by = None;
                    break;
                }
            }
        }
        let Some(by) = refused_by else {
            // Any wait at the origin is the consignments' own.
            self.train(id).end_wait(now);
            self.train(id).port_wait = SimDuration::ZERO;
            self.depart(id, s);
            return;
        };
        let policy = match by {
            Refuser::Side(pid, dir) => net.port(pid).sides[dir.index()]
                .class(class)
                .and_then(|c| c.acceptance),
            Refuser::Line(sec, _) => net.sections()[sec.index()].acceptance,
        }
        .expect("only a side or a line with an acceptance policy refuses");
        self.tally.refused(by);
        match policy.refused {
            Refused::Wait => {
                // Books any wait since an earlier refusal, and starts anew.
                self.train(id).end_wait(now);
                let queue = self.refused_queue(by);
                queue.push_back(id);
                let n = queue.len();
                self.tally.refused_waiting(by, now, n);
                self.record(now, id, TraceEvent::Refused, flow.origin);
            }
            Refused::Cancel => {
                self.record(now, id, TraceEvent::Cancelled, flow.origin);
                let train = self.remove(id);
                self.tally.cancelled(train.containers());
            }
        }
    }

    /// The trains a ban holds at their origins.
    pub(super) fn refused_queue(&mut self, by: Refuser) -> &mut VecDeque<TrainId> {
        match by {
            Refuser::Side(pid, dir) => {
                &mut self.ports[pid.index()].sides[dir.index()].refused_waiting
            }
            Refuser::Line(sec, reversed) => {
                &mut self.sections[sec.index()].lines[usize::from(reversed)].refused_waiting
            }
        }
    }

    /// Starts or lifts the ban on direction `o` of section `sec` as the
    /// queue to enter it crosses the thresholds of the section's policy; a
    /// lifted ban releases the trains it held.
    pub(super) fn update_line_ban(
        &mut self,
        sec: SectionId,
        o: usize,
        s: &mut Scheduler<CorridorEvent>,
    ) {
        let Some(policy) = self.net.sections()[sec.index()].acceptance else {
            return;
        };
        let line = &mut self.sections[sec.index()].lines[o];
        let backlog = line.waiting.len() as u32;
        let was = line.banned;
        if !was && backlog >= policy.stop_above {
            line.banned = true;
            self.bans_in_force += 1;
        } else if was && backlog <= policy.resume_below {
            line.banned = false;
            self.bans_in_force -= 1;
        } else {
            return;
        }
        let now = s.now();
        let by = Refuser::Line(sec, o == 1);
        self.tally.banned(by, now, !was);
        if was {
            self.release_refused(by, s);
        }
    }

    /// A ban is lifted: the trains it held at their origins are let go,
    /// one at a time at the rate the side hands trains over (its cap a
    /// day) or the line takes them (its paths a day), hourly where neither
    /// is limited, for as long as the ban stays lifted. Letting them all go
    /// at once would bring a wave larger than the one that started the ban.
    pub(super) fn release_refused(&mut self, by: Refuser, s: &mut Scheduler<CorridorEvent>) {
        if !self.refused_queue(by).is_empty() && !std::mem::replace(self.releasing(by), true) {
            s.schedule_in(SimDuration::ZERO, CorridorEvent::ReleaseRefused(by));
        }
    }

    /// Whether a release of the trains `by` held is under way.
    fn releasing(&mut self, by: Refuser) -> &mut bool {
        match by {
            Refuser::Side(pid, dir) => &mut self.ports[pid.index()].sides[dir.index()].releasing,
            Refuser::Line(sec, reversed) => {
                &mut self.sections[sec.index()].lines[usize::from(reversed)].releasing
            }
        }
    }

    /// Lets the next train a lifted ban held go, and schedules the next.
    pub(super) fn release_one(&mut self, by: Refuser, s: &mut Scheduler<CorridorEvent>) {
        *self.releasing(by) = false;
        // The first train held whose ban is lifted: at a side, a ban on one
        // class does not hold another class's trains.
        let next = match by {
            Refuser::Side(pid, dir) => {
                let side = &self.ports[pid.index()].sides[dir.index()];
                side.refused_waiting.iter().position(|&t| {
                    let class = self.trains[t as usize]
                        .as_ref()
                        .expect("held trains are live")
                        .class;
                    !side.banned[class.index()]
                })
            }
            Refuser::Line(sec, reversed) => {
                (!self.sections[sec.index()].lines[usize::from(reversed)].banned).then_some(0)
            }
        };
        let queue = self.refused_queue(by);
        let Some(id) = next.and_then(|k| queue.remove(k)) else {
            return; // banned again: the rest wait for the next lift
        };
        let left = queue.len();
        self.tally.refused_waiting(by, s.now(), left);
        let per_day = match by {
            Refuser::Side(pid, dir) => self.net.port(pid).sides[dir.index()]
                .handover_cap_per_day
                .map(f64::from),
            Refuser::Line(sec, _) => self.net.sections()[sec.index()].paths_per_day,
        };
        let gap = SimDuration::try_from_hours_f64(24.0 / per_day.unwrap_or(24.0))
            .expect("a rate of at least one a day");
        self.leave_origin(id, s);
        if left > 0 && !std::mem::replace(self.releasing(by), true) {
            s.schedule_in(gap, CorridorEvent::ReleaseRefused(by));
        }
    }
}

/// Splits `t` \[days from the start\] into its year `k` (from 0), the
/// day that year starts on (`365 k`) and `t`'s day in it: bit for bit the
/// `day = t.rem_euclid(365.0)`, `start = t − day` and `year =
/// (start / 365).round()` this replaced, without the library calls
/// (`fmod`, `round`) those compile to. `t` comes from a `SimTime` and is
/// finite, 0 or more and below 2⁵³ (callers' guarantee; the check on the
/// day is a debug assertion).
///
/// Why it is exact: rounding never carries `t / 365` up to the next
/// integer `k`. A float below `365 k` is at least `ulp(t)` below it, and
/// since `t ≥ 256 k` there, `ulp(t) ≥ 2⁸ ulp(k)`, so the quotient stays
/// at least `(2⁸ / 365) ulp(k)` below `k`, more than the half spacing
/// that rounding would take up. Its integer part is therefore the year.
/// `365 k` is an integer and `ulp(t) ≤ 1` below 2⁵³, so `t − 365 k` is a
/// multiple of `ulp(t)` no larger than `t`, which makes the subtraction
/// exact, as `fmod` is.
#[inline]
fn split_year(t: f64) -> (usize, f64, f64) {
    let year = (t / 365.0) as u64;
    let start = year as f64 * 365.0;
    let day = t - start;
    debug_assert!(
        (0.0..365.0).contains(&day),
        "day {day} of year {year} at {t}"
    );
    (year as usize, start, day)
}

/// The time after `from` at which `days` of base-rate intensity have
/// accumulated under the monthly `weights` times each year's factor in
/// `years` (empty: 1; past its end, the last), or `None` past `end`.
pub(super) fn invert_intensity(
    weights: &[f64; 12],
    years: &[f64],
    from: SimTime,
    mut days: f64,
    end: SimTime,
) -> Option<SimTime> {
    let mut t = from.as_millis() as f64 / TICKS_PER_DAY as f64;
    let end = end.as_days_f64();
    while t <= end {
        let (year, year_start, day_of_year) = split_year(t);
        let (mut month, mut month_end) = (0, 0.0);
        for (m, &len) in MONTH_DAYS.iter().enumerate() {
            month_end += len as f64;
            if day_of_year < month_end {
                month = m;
                break;
            }
        }
        let m = weights[month]
            * years
                .get(year.min(years.len().saturating_sub(1)))
                .copied()
                .unwrap_or(1.0);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn day(t: SimTime) -> f64 {
        t.as_days_f64()
    }

    /// `split_year` gives what `rem_euclid` and `round` gave, bit for
    /// bit: at and next to every year's start over a century (where the
    /// truncated quotient would be a year off if the division rounded up),
    /// at every millisecond for 5 s either side of them, at a spread of
    /// times with fractions, and next to year starts up to 2⁵³.
    #[test]
    fn split_year_is_rem_euclid_to_the_bit() {
        let reference = |t: f64| {
            let day = t.rem_euclid(365.0);
            let start = t - day;
            ((start / 365.0).round() as usize, start, day)
        };
        let check = |t: f64| {
            let (y, s, d) = split_year(t);
            let (ry, rs, rd) = reference(t);
            assert_eq!(
                (y, s.to_bits(), d.to_bits()),
                (ry, rs.to_bits(), rd.to_bits()),
                "t = {t:e}"
            );
        };
        let ms_per_day = TICKS_PER_DAY as f64;
        let around = |start: f64| {
            let (mut below, mut above) = (start, start);
            for _ in 0..64 {
                check(above);
                above = above.next_up();
                if below > 0.0 {
                    check(below);
                    below = below.next_down();
                }
            }
        };
        for year in 0..=100u32 {
            let start = f64::from(year) * 365.0;
            around(start);
            for ms in -5_000i32..=5_000 {
                let t = (start * ms_per_day + f64::from(ms)) / ms_per_day;
                if t >= 0.0 {
                    check(t);
                }
            }
        }
        // Times with fractions everywhere in a century (a fixed sequence).
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            check((x >> 11) as f64 / (1u64 << 53) as f64 * 36_525.0);
        }
        // Far beyond any run: year starts at powers of two, and the last
        // floats below 2⁵³.
        for m in 0..=44 {
            let k = 2f64.powi(m);
            for k in [k - 1.0, k, k + 1.0] {
                around(k * 365.0);
            }
        }
        let mut t = 9_007_199_254_740_992.0f64;
        for _ in 0..64 {
            t = t.next_down();
            check(t);
        }
    }

    #[test]
    fn intensity_inverts_exactly_over_monthly_weights() {
        let end = SimTime::from_days(3650);
        let flat = [1.0; 12];
        // One day of intensity at rate 1 is one day.
        let t = invert_intensity(&flat, &[], SimTime::ZERO, 1.0, end).unwrap();
        assert!((day(t) - 1.0).abs() < 1e-6);
        // Year factors: the second year runs at twice the rate, the third
        // (past the list's end) as the second.
        let years = [1.0, 2.0];
        let t = invert_intensity(&flat, &years, SimTime::ZERO, 365.0 + 10.0, end).unwrap();
        assert!((day(t) - 370.0).abs() < 1e-6, "{}", day(t));
        let t = invert_intensity(&flat, &years, SimTime::from_days(730), 4.0, end).unwrap();
        assert!((day(t) - 732.0).abs() < 1e-6, "{}", day(t));
        // Only December has intensity: anything starts in December.
        let mut december = [0.0; 12];
        december[11] = 12.0;
        let t = invert_intensity(&december, &[], SimTime::from_days(10), 0.5, end).unwrap();
        assert!((day(t) - (334.0 + 0.5 / 12.0)).abs() < 1e-6, "{}", day(t));
        // Across a year boundary: the December of the next year.
        let t = invert_intensity(&december, &[], SimTime::from_days(364), 12.5, end).unwrap();
        assert!(
            (day(t) - (365.0 + 334.0 + 0.5 / 12.0)).abs() < 1e-6,
            "{}",
            day(t)
        );
        // Past the end: none.
        assert!(invert_intensity(&december, &[], SimTime::ZERO, 1e6, end).is_none());
    }
}
