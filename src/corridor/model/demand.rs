//! Demand: flows release trains at their origins, Poisson at a monthly
//! seasonal rate or on a timetable with random lateness.

use rand::RngExt;
use rand_distr::Exp1;

use super::{Consignment, CorridorEvent, CorridorModel, Train, to_duration};
use crate::corridor::ids::FlowId;
use crate::corridor::network::{ArrivalProcess, MONTH_DAYS};
use crate::corridor::report::TraceEvent;
use crate::corridor::routing::pick_by_share;
use crate::engine::Scheduler;
use crate::rng::stream_rng;
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
                    self.invert_intensity(now, e / flow.trains_per_day),
                    CorridorEvent::Release(f),
                )
            }
            ArrivalProcess::Timetable(_) => {
                // Nominal departures at cumulative intensity k + 0.5.
                let k = self.timetable_next[f.index()];
                self.timetable_next[f.index()] = k + 1.0;
                (
                    self.invert_intensity(SimTime::ZERO, (k + 0.5) / flow.trains_per_day),
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

    /// The time after `from` at which `days` of base-rate intensity have
    /// accumulated under the seasonal multipliers, or `None` past the end.
    fn invert_intensity(&self, from: SimTime, mut days: f64) -> Option<SimTime> {
        let mut t = from.as_millis() as f64 / TICKS_PER_DAY as f64;
        let end = self.end.as_days_f64();
        while t <= end {
            let day_of_year = t.rem_euclid(365.0);
            let year_start = t - day_of_year;
            let (mut month, mut month_end) = (0, 0.0);
            for (m, &len) in MONTH_DAYS.iter().enumerate() {
                month_end += len as f64;
                if day_of_year < month_end {
                    month = m;
                    break;
                }
            }
            let m = self.net.seasonality()[month];
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
        let mut rng = stream_rng(
            self.seed,
            self.replication,
            self.train_key[f.index()] ^ seq.rotate_left(32),
        );
        let containers = flow.containers_per_train;
        // The train's first two draws pick its destination and, later, its
        // route: drawn now, whatever the flow's routes, so that a variant
        // with other routes leaves every later draw of the train in place.
        let dest = pick_by_share(flow.destinations.iter().map(|d| d.share), rng.random());
        let route_uniform: f64 = rng.random();
        let destination = &flow.destinations[dest];
        let train = Train {
            flow: f,
            dest,
            route: destination.routes[0],
            decided: destination.routes.len() == 1,
            route_uniform,
            pos: 0,
            consignments: vec![Consignment {
                od: self.tally.od_index(f, dest),
                containers,
                created: now,
                waited: SimDuration::ZERO,
            }],
            rng,
            port_arrival: now,
            wait_start: now,
            port_wait: SimDuration::ZERO,
        };
        let id = self.insert(train);
        self.tally.released(f, containers);
        self.record(now, id, TraceEvent::Release, flow.origin);
        if matches!(flow.arrival, ArrivalProcess::Poisson) {
            self.schedule_release(f, s);
        }
        self.depart(id, s);
    }
}
