//! The accumulator a running model writes its measurements into, which
//! becomes a [`ReplicationReport`].

use super::daily::DailySide;
use super::ids::{ClassId, Direction, FlowId, PlaceId, PortId, SectionId};
use super::network::{CutTarget, Network, Refuser};
use super::report::{
    ClassInfo, FlowStats, LineStats, NetworkStats, OdStats, PortStats, ReplicationReport,
    SectionStats, SideStats, TraceRecord,
};
use super::years::years_of;
use crate::stats::{Histogram, OnlineStats, TimeWeighted};
use crate::time::{SimDuration, SimTime};

/// The accumulator a running model writes into.
pub(crate) struct Tally {
    report: ReplicationReport,
    /// The index in `report.years` of the year under way.
    year: usize,
    /// Per port side, the cap slots booked to years that have ended.
    cap_booked: Vec<[f64; 2]>,
    /// For each flow and destination, the index of its OD pair.
    od_index: Vec<Vec<u32>>,
    /// Per port side, congestion day by day from time zero (carried over
    /// the warm-up's restart, see [`Tally::successor`]).
    daily: Vec<[DailySide; 2]>,
    /// The end of the run: the days are recorded up to it and no further,
    /// whatever time a caller closes the books at.
    daily_end: SimTime,
}

impl Tally {
    pub(crate) fn new(net: &Network, start: SimTime, end: SimTime) -> Self {
        let id = |p: PlaceId| net.place(p).id.clone();
        let mut pairs = std::collections::BTreeMap::new();
        for f in net.flows() {
            for d in &f.destinations {
                pairs.insert((id(f.origin), id(d.place)), 0u32);
            }
        }
        for (i, v) in pairs.values_mut().enumerate() {
            *v = i as u32;
        }
        let od_index = net
            .flows()
            .iter()
            .map(|f| {
                f.destinations
                    .iter()
                    .map(|d| pairs[&(id(f.origin), id(d.place))])
                    .collect()
            })
            .collect();
        Tally {
            od_index,
            daily: {
                // Day 0 to the last day the run reaches.
                let days = end.as_millis().div_ceil(crate::time::TICKS_PER_DAY) as usize + 1;
                (0..net.ports().len())
                    .map(|_| [DailySide::with_days(days), DailySide::with_days(days)])
                    .collect()
            },
            daily_end: end,
            year: 0,
            cap_booked: vec![[0.0; 2]; net.ports().len()],
            report: ReplicationReport {
                daily: Vec::new(),
                years: net
                    .start_year()
                    .map(|y| years_of(y, start, end, net.ports().len(), net.sections().len()))
                    .unwrap_or_default(),
                start,
                end: start,
                events: 0,
                ports: net
                    .ports()
                    .iter()
                    .enumerate()
                    .map(|(i, p)| PortStats {
                        id: net.port_id(PortId(i as u32)).to_string(),
                        name: p.name.clone(),
                        sides: [0, 1]
                            .map(|d| SideStats::new(start, &p.sides[d], net.classes().len())),
                        closed: TimeWeighted::new(start, 0),
                        reduced: TimeWeighted::new(start, 0),
                        has_cuts: !p.cuts.is_empty() || !p.random_cuts.is_empty(),
                    })
                    .collect(),
                flows: net
                    .flows()
                    .iter()
                    .map(|f| FlowStats {
                        id: f.id.clone(),
                        released: 0,
                    })
                    .collect(),
                ods: pairs
                    .keys()
                    .map(|(o, d)| OdStats {
                        origin: o.clone(),
                        destination: d.clone(),
                        delivered: 0,
                        containers_delivered: 0,
                        delayed: 0,
                        transit: Histogram::new(),
                        transit_hours: OnlineStats::new(),
                    })
                    .collect(),
                groups: net
                    .groups()
                    .iter()
                    .map(|(n, ports)| (n.clone(), ports.iter().map(|p| p.index()).collect()))
                    .collect(),
                sections: net
                    .sections()
                    .iter()
                    .enumerate()
                    .map(|(i, sec)| SectionStats {
                        id: net.section_id(SectionId(i as u32)).to_string(),
                        path_hold_hours: OnlineStats::new(),
                        line_wait_hours: OnlineStats::new(),
                        lines: [0, 1].map(|_| LineStats {
                            entered: 0,
                            on: TimeWeighted::new(start, 0),
                            on_ms: 0,
                            waiting: TimeWeighted::new(start, 0),
                            refused: 0,
                            refused_waiting: TimeWeighted::new(start, 0),
                            banned: TimeWeighted::new(start, 0),
                        }),
                        capacity_trains: sec.capacity_trains.unwrap_or(0),
                        reduced: TimeWeighted::new(start, 0),
                        paths_limited: sec.paths_per_day.is_some(),
                        paths_per_day: sec.paths_per_day.unwrap_or(0.0),
                        single_track: sec.single_track,
                        has_cuts: !sec.cuts.is_empty() || !sec.random_cuts.is_empty(),
                        acceptance: sec.acceptance.is_some(),
                        ends: [id(sec.from), id(sec.to)],
                    })
                    .collect(),
                classes: net
                    .classes()
                    .iter()
                    .map(|c| ClassInfo {
                        id: c.id.clone(),
                        tonnes_per_unit: c.tonnes_per_unit,
                    })
                    .collect(),
                network: NetworkStats::default(),
                trace: None,
            },
        }
    }

    #[inline]
    fn side(&mut self, p: PortId, d: Direction) -> &mut SideStats {
        &mut self.report.ports[p.index()].sides[d.index()]
    }

    pub(crate) fn overloaded(&mut self, now: SimTime) {
        self.report
            .network
            .overloaded_at_ms
            .get_or_insert(now.as_millis());
    }

    pub(crate) fn set_initial_backlog(&mut self, trains: u64, containers: u64) {
        self.report.network.initial_trains = trains;
        self.report.network.initial_containers = containers;
    }

    pub(crate) fn released(&mut self, f: FlowId, containers: u32) {
        self.report.flows[f.index()].released += 1;
        self.report.network.released_trains += 1;
        self.report.network.released_containers += u64::from(containers);
    }

    pub(crate) fn path_hold(&mut self, s: SectionId, held: SimDuration) {
        self.report.sections[s.index()]
            .path_hold_hours
            .push(held.as_hours_f64());
    }

    pub(crate) fn od_index(&self, f: FlowId, dest: usize) -> u32 {
        self.od_index[f.index()][dest]
    }

    pub(crate) fn delivered(
        &mut self,
        od: u32,
        containers: u32,
        transit: SimDuration,
        delayed: bool,
    ) {
        let flow = &mut self.report.ods[od as usize];
        flow.delivered += 1;
        flow.containers_delivered += u64::from(containers);
        flow.delayed += u64::from(delayed);
        flow.transit.record(transit.as_millis());
        flow.transit_hours.push(transit.as_hours_f64());
        let n = &mut self.report.network;
        n.delivered_containers += u64::from(containers);
        n.delivered_consignments += 1;
        n.delayed_consignments += u64::from(delayed);
    }

    pub(crate) fn train_delivered(&mut self) {
        self.report.network.delivered_trains += 1;
    }

    pub(crate) fn port_arrival(&mut self, p: PortId, d: Direction, _now: SimTime) {
        self.side(p, d).arrivals += 1;
    }

    /// Trains at the border of side `(p, d)`: in the siding, and held on
    /// the line behind it.
    pub(crate) fn border(
        &mut self,
        p: PortId,
        d: Direction,
        now: SimTime,
        siding: usize,
        held: usize,
    ) {
        let side = self.side(p, d);
        if side.in_siding.value() == siding as u64 && side.held_on_line.value() == held as u64 {
            // Most calls change neither (a train that arrives and is
            // handed over at once leaves the border as it was): the
            // series and the day's record stay as they are, and their
            // areas, kept exactly, come out the same either way.
            return;
        }
        let now_d = now.min(self.daily_end);
        self.daily[p.index()][d.index()].border(now_d, siding, held);
        let side = self.side(p, d);
        side.blocked.set(now, (siding + held) as u64);
        side.held_on_line.set(now, held as u64);
        side.in_siding.set(now, siding as u64);
    }

    /// A train of `class` is handed over at the border into side `(p, d)`
    /// after waiting `waited` there.
    pub(crate) fn handed_over(
        &mut self,
        p: PortId,
        d: Direction,
        class: ClassId,
        waited: SimDuration,
        now: SimTime,
    ) {
        let now_d = now.min(self.daily_end);
        self.daily[p.index()][d.index()].handed_over(now_d);
        if let Some(y) = self.report.years.get_mut(self.year) {
            y.sides[p.index()][d.index()].handed_over += 1;
        }
        let side = self.side(p, d);
        side.handed_over += 1;
        side.border_ms += u128::from(waited.as_millis());
        side.held_upstream_hours.push(waited.as_hours_f64());
        let c = &mut side.classes[class.index()];
        c.handed_over += 1;
        c.border_wait_hours.push(waited.as_hours_f64());
    }

    /// Trains in side `(p, d)`'s yard changed to `n`; `stayed` is the stay
    /// of a train that just left it.
    pub(crate) fn yard(
        &mut self,
        p: PortId,
        d: Direction,
        now: SimTime,
        n: u32,
        stayed: Option<SimDuration>,
    ) {
        let side = self.side(p, d);
        side.yard.set(now, u64::from(n));
        if let Some(t) = stayed {
            side.yard_ms += u128::from(t.as_millis());
        }
    }

    pub(crate) fn departing(&mut self, p: PortId, d: Direction, now: SimTime, n: u32) {
        self.side(p, d).departing.set(now, u64::from(n));
    }

    /// A train of `units` formed by re-forming leaves side `(p, d)`.
    pub(crate) fn formed(&mut self, p: PortId, d: Direction, units: u32) {
        let side = self.side(p, d);
        side.longest_out = side.longest_out.max(units);
    }

    /// A train left direction `o` of `sec` after `stayed` on it.
    pub(crate) fn left_line(&mut self, sec: SectionId, o: usize, stayed: SimDuration) {
        self.report.sections[sec.index()].lines[o].on_ms += u128::from(stayed.as_millis());
    }

    pub(crate) fn inspection_wait(&mut self, p: PortId, d: Direction, waited: SimDuration) {
        self.side(p, d)
            .inspection_wait_hours
            .push(waited.as_hours_f64());
    }

    pub(crate) fn hold(&mut self, p: PortId, d: Direction, hold: SimDuration) {
        self.side(p, d).hold_hours.push(hold.as_hours_f64());
    }

    pub(crate) fn wagon_wait(&mut self, p: PortId, d: Direction, waited: SimDuration) {
        self.side(p, d).wagon_wait_hours.push(waited.as_hours_f64());
    }

    /// Wagons out of side `(p, d)`'s pool when measurement starts.
    pub(crate) fn wagons_at_start(&mut self, p: PortId, d: Direction, now: SimTime, out: u32) {
        let side = self.side(p, d);
        side.wagons_out_at_start = u64::from(out);
        side.wagons_out.set(now, u64::from(out));
    }

    pub(crate) fn wagons_taken(&mut self, p: PortId, d: Direction, now: SimTime, n: u32) {
        let side = self.side(p, d);
        side.wagons_taken += u64::from(n);
        let out = side.wagons_out.value() + u64::from(n);
        side.wagons_out.set(now, out);
    }

    pub(crate) fn wagons_returned(&mut self, p: PortId, d: Direction, now: SimTime, n: u32) {
        let side = self.side(p, d);
        side.wagons_returned += u64::from(n);
        let out = side.wagons_out.value().saturating_sub(u64::from(n));
        side.wagons_out.set(now, out);
    }

    /// Locomotives out of side `(p, d)`'s pool when measurement starts.
    pub(crate) fn locomotives_at_start(&mut self, p: PortId, d: Direction, now: SimTime, out: u32) {
        let side = self.side(p, d);
        side.locomotives_out_at_start = u64::from(out);
        side.locomotives_out.set(now, u64::from(out));
    }

    /// A locomotive is coupled to a train (`taken`) or back.
    pub(crate) fn locomotives(&mut self, p: PortId, d: Direction, now: SimTime, taken: bool) {
        let side = self.side(p, d);
        let out = side.locomotives_out.value();
        if taken {
            side.locomotives_taken += 1;
            side.locomotives_out.set(now, out + 1);
        } else {
            side.locomotives_returned += 1;
            side.locomotives_out.set(now, out.saturating_sub(1));
        }
    }

    pub(crate) fn locomotive_wait(&mut self, p: PortId, d: Direction, waited: SimDuration) {
        self.side(p, d)
            .locomotive_wait_hours
            .push(waited.as_hours_f64());
    }

    pub(crate) fn transload_busy(
        &mut self,
        p: PortId,
        d: Direction,
        class: ClassId,
        now: SimTime,
        busy: u32,
    ) {
        self.side(p, d).transload_busy[class.index()].set(now, u64::from(busy));
    }

    pub(crate) fn blocked_tracks(&mut self, p: PortId, d: Direction, now: SimTime, n: usize) {
        self.side(p, d).blocked_tracks.set(now, n as u64);
    }

    /// A train is refused at its origin by `by`'s ban.
    pub(crate) fn refused(&mut self, by: Refuser) {
        match by {
            Refuser::Side(p, d) => self.side(p, d).refused += 1,
            Refuser::Line(sec, reversed) => {
                self.report.sections[sec.index()].lines[usize::from(reversed)].refused += 1;
            }
        }
        self.report.network.refused_trains += 1;
    }

    /// Trains `by`'s ban holds at their origins.
    pub(crate) fn refused_waiting(&mut self, by: Refuser, now: SimTime, n: usize) {
        if let Refuser::Side(p, d) = by {
            let now_d = now.min(self.daily_end);
            self.daily[p.index()][d.index()].refused(now_d, n);
        }
        self.refused_tw(by).0.set(now, n as u64);
    }

    /// Whether `by` refuses some trains now.
    pub(crate) fn banned(&mut self, by: Refuser, now: SimTime, on: bool) {
        self.refused_tw(by).1.set(now, u64::from(on));
    }

    fn refused_tw(&mut self, by: Refuser) -> (&mut TimeWeighted, &mut TimeWeighted) {
        match by {
            Refuser::Side(p, d) => {
                let side = &mut self.report.ports[p.index()].sides[d.index()];
                (&mut side.refused_waiting, &mut side.banned)
            }
            Refuser::Line(sec, reversed) => {
                let line = &mut self.report.sections[sec.index()].lines[usize::from(reversed)];
                (&mut line.refused_waiting, &mut line.banned)
            }
        }
    }

    /// A refused train is cancelled with its `units`.
    pub(crate) fn cancelled(&mut self, units: u32) {
        let n = &mut self.report.network;
        n.cancelled_trains += 1;
        n.cancelled_containers += u64::from(units);
    }

    /// Trains on direction `o` of section `sec`, and waiting to enter it.
    pub(crate) fn line(&mut self, sec: SectionId, o: usize, now: SimTime, on: u32, waiting: usize) {
        let line = &mut self.report.sections[sec.index()].lines[o];
        line.on.set(now, u64::from(on));
        // Most changes are of the trains on it, with nobody waiting: a
        // value that stays leaves the series' area and peak as they are.
        if line.waiting.value() != waiting as u64 {
            line.waiting.set(now, waiting as u64);
        }
    }

    pub(crate) fn section_entry(&mut self, sec: SectionId, o: usize) {
        self.report.sections[sec.index()].lines[o].entered += 1;
        if let Some(y) = self.report.years.get_mut(self.year) {
            y.sections[sec.index()][o] += 1;
        }
    }

    pub(crate) fn line_wait(&mut self, sec: SectionId, waited: SimDuration) {
        self.report.sections[sec.index()]
            .line_wait_hours
            .push(waited.as_hours_f64());
    }

    /// Whether some reduction of `target`'s capacity is in force.
    pub(crate) fn reduced(&mut self, target: CutTarget, now: SimTime, on: bool) {
        let tw = match target {
            CutTarget::Port(p) => &mut self.report.ports[p.index()].reduced,
            CutTarget::Section(x) => &mut self.report.sections[x.index()].reduced,
        };
        tw.set(now, u64::from(on));
    }

    pub(crate) fn track_wait(&mut self, p: PortId, d: Direction, waited: SimDuration) {
        let side = self.side(p, d);
        side.track_wait.record(waited.as_millis());
        side.track_wait_hours.push(waited.as_hours_f64());
    }

    pub(crate) fn queue_len(&mut self, p: PortId, d: Direction, now: SimTime, len: usize) {
        let now_d = now.min(self.daily_end);
        self.daily[p.index()][d.index()].queue(now_d, len);
        self.side(p, d).queue.set(now, len as u64);
    }

    pub(crate) fn tracks_busy(&mut self, p: PortId, d: Direction, now: SimTime, busy: u32) {
        self.side(p, d).tracks_busy.set(now, u64::from(busy));
    }

    pub(crate) fn cranes_busy(&mut self, p: PortId, d: Direction, now: SimTime, busy: u32) {
        self.side(p, d).cranes_busy.set(now, u64::from(busy));
    }

    pub(crate) fn split(&mut self, p: PortId, d: Direction, added: u64) {
        self.side(p, d).split_added += added;
        self.report.network.split_added += added;
    }

    pub(crate) fn coupled(&mut self, p: PortId, d: Direction, n: u64) {
        self.side(p, d).coupled_away += n;
        self.report.network.coupled_away += n;
    }

    /// A formation of `class` with `units` leaves side `(p, d)`'s
    /// facility for a departure track, after waiting `waited` for one; its
    /// dwell in the side and all its waiting at the port (`delay`).
    #[allow(clippy::too_many_arguments)] // one departure's figures, each booked
    pub(crate) fn left_port(
        &mut self,
        p: PortId,
        d: Direction,
        class: ClassId,
        units: u32,
        waited: SimDuration,
        dwell: SimDuration,
        delay: SimDuration,
    ) {
        if let Some(y) = self.report.years.get_mut(self.year) {
            let s = &mut y.sides[p.index()][d.index()];
            s.departed += 1;
            s.delay_hours.push(delay.as_hours_f64());
        }
        let side = self.side(p, d);
        side.departed += 1;
        side.containers_out += u64::from(units);
        let c = &mut side.classes[class.index()];
        c.departed += 1;
        c.units_out += u64::from(units);
        c.dwell_hours.push(dwell.as_hours_f64());
        side.delay.record(delay.as_millis());
        side.delay_hours.push(delay.as_hours_f64());
        side.departure_wait_hours.push(waited.as_hours_f64());
        side.dwell.record(dwell.as_millis());
        side.dwell_hours.push(dwell.as_hours_f64());
        side.dwell_ms += u128::from(dwell.as_millis());
    }

    pub(crate) fn in_port(&mut self, p: PortId, d: Direction, now: SimTime, n: u64) {
        self.side(p, d).in_port.set(now, n);
    }

    pub(crate) fn present(&mut self, p: PortId, d: Direction, at_start: bool, n: u64) {
        let side = self.side(p, d);
        if at_start {
            side.present_at_start = n;
        } else {
            side.present_at_end = n;
        }
    }

    pub(crate) fn closed(&mut self, p: PortId, now: SimTime, closed: bool) {
        self.report.ports[p.index()]
            .closed
            .set(now, u64::from(closed));
    }

    /// A new calendar year begins at `now`: the year that ends gets the
    /// slots its caps offered.
    pub(crate) fn next_year(&mut self, now: SimTime) {
        self.close_year(now);
        self.year += 1;
    }

    /// Books the slots the caps in force offered from the start of the
    /// year under way to `now`.
    fn close_year(&mut self, now: SimTime) {
        let Some(y) = self.report.years.get_mut(self.year) else {
            return;
        };
        for ((p, sides), booked) in self
            .report
            .ports
            .iter()
            .zip(y.sides.iter_mut())
            .zip(self.cap_booked.iter_mut())
        {
            for ((s, ys), booked) in p.sides.iter().zip(sides.iter_mut()).zip(booked.iter_mut()) {
                let total = s.cap_in_force.area(now) as f64 / crate::time::TICKS_PER_DAY as f64;
                ys.cap_slots = total - *booked;
                *booked = total;
            }
        }
    }

    /// The cap in force at side `(p, d)` changed to `cap` trains a day.
    pub(crate) fn cap_in_force(&mut self, p: PortId, d: Direction, now: SimTime, cap: u32) {
        self.side(p, d).cap_in_force.set(now, u64::from(cap));
    }

    /// A fresh accumulator for measurement from `start`, taking over the
    /// day-by-day record of this one (which spans the warm-up).
    pub(crate) fn successor(&mut self, net: &Network, start: SimTime, end: SimTime) -> Tally {
        let mut next = Tally::new(net, start, end);
        next.daily = std::mem::take(&mut self.daily);
        next
    }

    /// The report as it stands (for a network's shape without a run).
    pub(crate) fn into_report(self) -> ReplicationReport {
        self.report
    }

    /// Closes the books; `pools_out` gives each port side's wagons and
    /// locomotives out of its pools at the end, by the pools' own counts.
    pub(crate) fn finish(
        mut self,
        end: SimTime,
        events: u64,
        backlog_trains: u64,
        backlog_containers: u64,
        pools_out: &[[(u32, u32); 2]],
        trace: Option<Vec<TraceRecord>>,
    ) -> ReplicationReport {
        for (p, out) in self.report.ports.iter_mut().zip(pools_out) {
            for (side, &(wagons, locomotives)) in p.sides.iter_mut().zip(out) {
                side.wagons_out_at_end = u64::from(wagons);
                side.locomotives_out_at_end = u64::from(locomotives);
            }
        }
        self.close_year(end);
        for sides in &mut self.daily {
            for s in sides.iter_mut() {
                s.finish(end.min(self.daily_end));
            }
        }
        self.report.daily = std::mem::take(&mut self.daily);
        self.report.end = end;
        self.report.events = events;
        self.report.network.backlog_trains = backlog_trains;
        self.report.network.backlog_containers = backlog_containers;
        self.report.trace = trace;
        self.report
    }
}
