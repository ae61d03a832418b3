//! A train and what it carries: consignments, its streams, its waits.

use crate::corridor::ids::{ClassId, FlowId, RouteId, SectionId};
use crate::rng::SimRng;
use crate::time::{SimDuration, SimTime};

/// Index of a live train in the model's slab.
pub(super) type TrainId = u32;

/// A train's departure track while it has none.
pub(super) const NO_TRACK: u32 = u32::MAX;

/// One shipment travelling in a train; trains that split or consolidate
/// share out or pool their consignments, so every unit is accounted for.
#[derive(Clone, Copy, Debug)]
pub(super) struct Consignment {
    /// Index of the origin–destination pair in the report.
    pub(super) od: u32,
    /// Units: containers \[FEU\] or wagons.
    pub(super) containers: u32,
    pub(super) created: SimTime,
    pub(super) waited: SimDuration,
}

#[derive(Debug)]
pub(super) struct Train {
    pub(super) flow: FlowId,
    pub(super) class: ClassId,
    /// Index into the flow's destinations.
    pub(super) dest: usize,
    /// The route it is on: the flow's first candidate until its decision
    /// point, the chosen one after, or a route from a choice on the way.
    pub(super) route: RouteId,
    pub(super) decided: bool,
    /// The choices on the way made (bit `c` for the network's choice `c`).
    pub(super) choices_made: u32,
    /// The uniform draw the routing policy gets at the decision point.
    pub(super) route_uniform: f64,
    /// Index of the current place in the route.
    pub(super) pos: usize,
    pub(super) consignments: Vec<Consignment>,
    pub(super) rng: SimRng,
    /// The key of the train's own streams besides `rng` (holds, wagon
    /// turnaround).
    pub(super) key: u64,
    /// When the train reached the current port's yard.
    pub(super) port_arrival: SimTime,
    /// When the current wait began.
    pub(super) wait_start: SimTime,
    /// Waiting accumulated at the current port, the wait at the border
    /// included.
    pub(super) port_wait: SimDuration,
    /// The section the train is on (running, or held at its end), with its
    /// orientation and when it entered.
    pub(super) on_section: Option<(SectionId, bool, SimTime)>,
    /// The inspection drawn at yard entry, while it waits for a team.
    pub(super) pending: SimDuration,
    /// The departure track it is on, at a port after its track work.
    pub(super) track: u32,
    /// Whether it has a locomotive from the pool of the port side it is
    /// leaving.
    pub(super) locomotive: bool,
    /// The port the train is on its way to (index + 1), counted in that
    /// side's trains committed to it; 0 for none.
    pub(super) heading: u32,
    /// The leg on which it is counted as committed to that port.
    pub(super) heading_leg: u32,
}

/// What a train formed by consolidation takes from the first train of its
/// pool: its flow, class, destination, route and place on it.
#[derive(Clone, Debug)]
pub(super) struct Template {
    pub(super) flow: FlowId,
    pub(super) class: ClassId,
    pub(super) dest: usize,
    pub(super) route: RouteId,
    pub(super) decided: bool,
    pub(super) choices_made: u32,
    pub(super) route_uniform: f64,
    pub(super) pos: usize,
    pub(super) key: u64,
    pub(super) port_arrival: SimTime,
}

impl Template {
    pub(super) fn of(t: &Train) -> Self {
        Template {
            flow: t.flow,
            class: t.class,
            dest: t.dest,
            route: t.route,
            decided: t.decided,
            choices_made: t.choices_made,
            route_uniform: t.route_uniform,
            pos: t.pos,
            key: t.key,
            port_arrival: t.port_arrival,
        }
    }

    pub(super) fn train(
        &self,
        consignments: Vec<Consignment>,
        rng: SimRng,
        key: u64,
        now: SimTime,
    ) -> Train {
        Train {
            flow: self.flow,
            class: self.class,
            dest: self.dest,
            route: self.route,
            decided: self.decided,
            choices_made: self.choices_made,
            route_uniform: self.route_uniform,
            pos: self.pos,
            consignments,
            rng,
            key,
            port_arrival: self.port_arrival,
            wait_start: now,
            port_wait: SimDuration::ZERO,
            on_section: None,
            pending: SimDuration::ZERO,
            track: NO_TRACK,
            locomotive: false,
            heading: 0,
            heading_leg: 0,
        }
    }
}

impl Train {
    pub(super) fn containers(&self) -> u32 {
        self.consignments.iter().map(|c| c.containers).sum()
    }

    /// Books a wait that ended now and began at `wait_start`; returns it.
    pub(super) fn end_wait(&mut self, now: SimTime) -> SimDuration {
        let d = now.since(self.wait_start).unwrap_or(SimDuration::ZERO);
        self.add_wait(d);
        self.wait_start = now;
        d
    }

    pub(super) fn add_wait(&mut self, d: SimDuration) {
        if d == SimDuration::ZERO {
            return;
        }
        self.port_wait += d;
        for c in &mut self.consignments {
            c.waited += d;
        }
    }
}
