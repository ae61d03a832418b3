//! Port closures: random stoppages (exponential open spells, then a closure
//! of random length) and planned windows. A closure stops new track
//! starts, new crane work and handovers; work under way finishes.

use rand::RngExt;
use rand_distr::Exp1;

use super::{CorridorEvent, CorridorModel, to_duration};
use crate::corridor::ids::{Direction, PortId};
use crate::corridor::network::RandomClosures;
use crate::engine::Scheduler;
use crate::rng::SimRng;
use crate::time::SimDuration;

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
        }
        if random {
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
            for dir in Direction::BOTH {
                self.start_tracks(pid, dir, s);
                self.try_handover(pid, dir, s);
            }
        }
    }
}

/// The open time before a port's next random stoppage: exponential with
/// the configured mean (taken to the millisecond, as every span is).
fn open_spell(rng: &mut SimRng, rc: &RandomClosures) -> SimDuration {
    let mean = SimDuration::try_from_hours_f64(rc.mean_days_between * 24.0)
        .expect("validated: 1 hour to 36525 days");
    to_duration(rng.sample::<f64, _>(Exp1) * mean.as_hours_f64())
}
