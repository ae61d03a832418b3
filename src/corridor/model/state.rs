//! The state of port sides, ports and line sections during a replication.

use std::collections::VecDeque;

use super::train::{Consignment, Template, TrainId};
use crate::corridor::ids::ClassId;
use crate::rng::SimRng;
use crate::time::SimTime;

/// A consolidation pool: what trains brought for one remaining route,
/// waiting to leave in full trains.
pub(super) struct Pool {
    /// Whose route, flow and destination the formed trains take (the
    /// first train to arrive).
    pub(super) template: Template,
    /// The consignments waiting, with when each joined.
    pub(super) consignments: Vec<(Consignment, SimTime)>,
    /// Bumped whenever the pool's timer is replaced, so that a stale timer
    /// is ignored.
    pub(super) generation: u32,
    /// Trains formed since the timer was last set.
    pub(super) formed: u32,
    /// The departure track the pool is on.
    pub(super) track: u32,
}

/// The trains waiting for the handover in a siding: a queue per class in
/// arrival order, so that the next train (highest priority, then earliest)
/// is found without looking through the whole siding.
#[derive(Default)]
pub(super) struct Siding {
    /// Per class: arrival number and train.
    pub(super) by_class: Vec<VecDeque<(u64, TrainId)>>,
    pub(super) len: usize,
    pub(super) arrived: u64,
}

impl Siding {
    pub(super) fn new(classes: usize) -> Self {
        Siding {
            by_class: (0..classes).map(|_| VecDeque::new()).collect(),
            len: 0,
            arrived: 0,
        }
    }

    pub(super) fn len(&self) -> usize {
        self.len
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub(super) fn push(&mut self, class: ClassId, id: TrainId) {
        self.by_class[class.index()].push_back((self.arrived, id));
        self.arrived += 1;
        self.len += 1;
    }

    /// Arrival number of the first train of `class` waiting, if any.
    pub(super) fn first(&self, class: ClassId) -> Option<u64> {
        self.by_class[class.index()].front().map(|&(n, _)| n)
    }

    pub(super) fn pop(&mut self, class: ClassId) -> Option<TrainId> {
        let (_, id) = self.by_class[class.index()].pop_front()?;
        self.len -= 1;
        Some(id)
    }

    pub(super) fn contains(&self, id: TrainId) -> bool {
        self.by_class
            .iter()
            .any(|q| q.iter().any(|&(_, t)| t == id))
    }
}

#[derive(Default)]
pub(super) struct SideState {
    // At the border, before the handover.
    /// Trains in the handover siding.
    pub(super) siding: Siding,
    /// Trains held on the approach line because the siding is full.
    pub(super) held: VecDeque<TrainId>,
    /// Trains of each class at the border (siding and held), for bans.
    pub(super) border_by_class: Vec<u32>,
    /// Whether each class is refused at its origin now.
    pub(super) banned: Vec<bool>,
    /// Trains refused at their origin by this side's ban, waiting there.
    pub(super) refused_waiting: VecDeque<TrainId>,
    /// Whether a release of them is under way.
    pub(super) releasing: bool,
    pub(super) handed_today: u32,
    pub(super) handed_today_by_class: Vec<u32>,
    pub(super) day: u64,
    pub(super) retry_pending: bool,
    // In the receiving port.
    /// Trains in the yard: from the handover until a track takes them.
    pub(super) in_yard: u32,
    pub(super) inspect_queue: VecDeque<TrainId>,
    pub(super) inspecting: u32,
    pub(super) inspection_wake_pending: bool,
    pub(super) track_queue: VecDeque<TrainId>,
    pub(super) tracks_busy: u32,
    pub(super) wagon_queue: VecDeque<TrainId>,
    pub(super) wagons_available: u32,
    pub(super) crane_queue: VecDeque<TrainId>,
    pub(super) cranes_busy: u32,
    /// Queue and busy tracks of each transloading class's facility.
    pub(super) transload_queue: Vec<VecDeque<TrainId>>,
    pub(super) transload_busy: Vec<u32>,
    /// Trains whose work is done, holding their track for want of a
    /// departure track.
    pub(super) blocked: VecDeque<TrainId>,
    /// Departure tracks in use (trains waiting to leave, consolidation
    /// pools).
    pub(super) departing: u32,
    /// Locomotives in the pool, and trains on departure tracks waiting
    /// for one.
    pub(super) locomotives_available: u32,
    pub(super) locomotive_queue: VecDeque<TrainId>,
    /// Trains (and pools) on each numbered departure track, and the
    /// numbers free for reuse.
    pub(super) track_users: Vec<u32>,
    pub(super) free_track_numbers: Vec<u32>,
    pub(super) pools: Vec<Pool>,
    /// Trains from the handover to their departure.
    pub(super) inside: u64,
}

pub(super) struct PortState {
    pub(super) sides: [SideState; 2],
    /// Number of closures in force (random and planned may overlap).
    pub(super) closures: u32,
    /// Product of the capacity factors of the cuts in force.
    pub(super) capacity_factor: f64,
    /// Product of the crane factors of the cuts in force.
    pub(super) cranes_factor: f64,
    /// The factors of the last dated change in force (stopped before the
    /// port opens); the two above include them.
    pub(super) change: crate::corridor::network::Cut,
    /// How many events of each of the port's reductions (dated, then
    /// random) are in force.
    pub(super) cuts_on: Vec<u32>,
    pub(super) rng: SimRng,
    pub(super) cut_rng: Vec<SimRng>,
    /// The port's stream key, from its id.
    pub(super) key: u64,
    /// When the random stoppage in force (if any) began.
    pub(super) random_closed_since: Option<SimTime>,
}

/// Trains on one direction of a section, and those waiting to enter it.
#[derive(Default)]
pub(super) struct LineState {
    pub(super) on: u32,
    pub(super) waiting: VecDeque<TrainId>,
    /// Whether the railway refuses trains for this line now.
    pub(super) banned: bool,
    /// Trains that ban holds at their origins.
    pub(super) refused_waiting: VecDeque<TrainId>,
    /// Whether a release of them is under way.
    pub(super) releasing: bool,
}

pub(super) struct SectionState {
    /// Per orientation: the earliest time the next train may enter.
    pub(super) next_path: [SimTime; 2],
    pub(super) lines: [LineState; 2],
    /// Product of the path factors of the cuts in force and of the last
    /// dated change.
    pub(super) factor: f64,
    /// The path factor of the last dated change in force.
    pub(super) change: f64,
    /// How many events of each of the section's reductions are in force.
    pub(super) cuts_on: Vec<u32>,
    pub(super) cut_rng: Vec<SimRng>,
}
