//! The validated corridor network: places, border ports, line sections,
//! routes and flows. A [`Network`] is built only by
//! [`NetworkBuilder`](super::NetworkBuilder), which validates every part,
//! so an invalid network cannot exist.

use std::sync::Arc;

use super::dist::HoursDist;
use super::ids::{Direction, FlowId, Gauge, GaugeChange, PlaceId, PortId, RouteId, SectionId};
use super::routing::RoutingPolicy;
use crate::time::SimDuration;

/// Days of the months of a 365-day year, January first.
pub(crate) const MONTH_DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/// What a place is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaceKind {
    /// Trains start or end here.
    Hub,
    /// Trains pass through.
    Junction,
    /// A border crossing.
    Port(PortId),
}

/// A hub, junction or border port.
#[derive(Clone, Debug)]
pub struct Place {
    /// The id (an identifier: lower-case letters, digits, `_`).
    pub id: String,
    /// Display name, any text.
    pub name: String,
    /// What it is.
    pub kind: PlaceKind,
    /// Gauge of a hub or junction; for a port, its eastern side.
    pub gauge: Gauge,
}

/// Random stoppages: exponential open spells, then a closure.
#[derive(Clone, Debug)]
pub struct RandomClosures {
    /// Mean open time between stoppages \[days\].
    pub mean_days_between: f64,
    /// Length of one stoppage \[h\].
    pub duration: HoursDist,
}

/// A planned closure.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClosureWindow {
    /// Start, counted from the start of the run including warm-up \[days\].
    pub start_day: f64,
    /// Length \[h\].
    pub hours: f64,
}

/// One direction's facility at a port.
#[derive(Clone, Debug)]
pub struct PortSide {
    /// Transshipment (or bogie-exchange) tracks: parallel servers.
    pub tracks: u32,
    /// Cranes shared by the tracks (0 unless the gauge change is a
    /// transshipment).
    pub cranes: u32,
    /// Cranes working one train.
    pub cranes_per_train: u32,
    /// Crane time for the reference train \[h\].
    pub transshipment: HoursDist,
    /// Containers of the reference train: crane time scales with a train's
    /// containers over this number \[FEU\].
    pub reference_containers: u32,
    /// Track time after the cranes \[h\].
    pub track_release: HoursDist,
    /// Inspection and customs \[h\].
    pub inspection: HoursDist,
    /// Handover cap \[trains/day\]; `None` for none.
    pub handover_cap_per_day: Option<u32>,
    /// Waiting places before a track \[trains\].
    pub yard_capacity: u32,
    /// Longest outgoing train \[FEU\]; longer formations are split after
    /// the handover.
    pub max_containers_out: Option<u32>,
    /// Couple trains waiting for the handover on the same remaining route.
    pub couple_waiting_trains: bool,
}

/// A border crossing: a pair of stations on either side of a border.
#[derive(Clone, Debug)]
pub struct BorderPort {
    /// Display name.
    pub name: String,
    /// Gauge on the western side.
    pub west_gauge: Gauge,
    /// Gauge on the eastern side.
    pub east_gauge: Gauge,
    /// How the gauge changes.
    pub change: GaugeChange,
    /// Random stoppages.
    pub random_closures: Option<RandomClosures>,
    /// Planned closures.
    pub scheduled_closures: Vec<ClosureWindow>,
    /// Westbound and eastbound sides, by [`Direction::index`].
    pub sides: [PortSide; 2],
}

impl BorderPort {
    /// Gauge of trains arriving in `dir`.
    pub fn gauge_in(&self, dir: Direction) -> Gauge {
        match dir {
            Direction::Westbound => self.east_gauge,
            Direction::Eastbound => self.west_gauge,
        }
    }

    /// Gauge of trains leaving in `dir`.
    pub fn gauge_out(&self, dir: Direction) -> Gauge {
        match dir {
            Direction::Westbound => self.west_gauge,
            Direction::Eastbound => self.east_gauge,
        }
    }

    /// Mean time a train spends being processed in `dir` when nothing waits
    /// \[h\]: inspection, crane and track time for the reference train.
    pub fn mean_processing_hours(&self, dir: Direction) -> f64 {
        let s = &self.sides[dir.index()];
        let track = match self.change {
            GaugeChange::None => 0.0,
            _ => s.transshipment.mean_hours() + s.track_release.mean_hours(),
        };
        s.inspection.mean_hours() + track
    }
}

/// A line section between two places.
#[derive(Clone, Debug)]
pub struct Section {
    /// One end.
    pub from: PlaceId,
    /// The other end.
    pub to: PlaceId,
    /// Gauge.
    pub gauge: Gauge,
    /// Running time end to end \[h\].
    pub running: HoursDist,
    /// Train paths per day in each direction; `None` for unconstrained.
    pub paths_per_day: Option<f64>,
}

/// A path through the network.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    /// Places in order, origin first.
    pub places: Vec<PlaceId>,
    /// Sections between consecutive places, with `true` when travelled
    /// from its `to` end to its `from` end.
    pub legs: Vec<(SectionId, bool)>,
}

/// How a flow releases trains.
#[derive(Clone, Debug)]
pub enum ArrivalProcess {
    /// Poisson at the seasonal rate.
    Poisson,
    /// Even spacing at the seasonal rate, each train late by a random
    /// amount \[h\].
    Timetable(HoursDist),
}

/// What a flow is, before validation: the input of
/// [`NetworkBuilder::flow`](super::NetworkBuilder::flow).
#[derive(Clone)]
pub struct FlowDef {
    /// Origin hub.
    pub origin: PlaceId,
    /// Direction of travel (selects the port sides).
    pub direction: Direction,
    /// Mean trains per year before the demand multiplier.
    pub trains_per_year: f64,
    /// Containers per train \[FEU\].
    pub containers_per_train: u32,
    /// Destination hubs with the share of the flow's trains bound for each
    /// (shares sum to 1).
    pub destinations: Vec<(PlaceId, f64)>,
    /// Candidate routes, the same for every destination: each is the
    /// quickest gauge-consistent path through the listed places in order.
    /// Empty: the quickest path.
    pub via: Vec<Vec<PlaceId>>,
    /// Shares of the candidate routes under fixed-share routing (sum 1);
    /// empty with one candidate, or when the policy ignores shares.
    pub shares: Vec<f64>,
    /// How trains choose among the candidates.
    pub routing: Arc<dyn RoutingPolicy>,
    /// The release process.
    pub arrival: ArrivalProcess,
}

/// One destination of a flow, with its candidate routes.
#[derive(Clone, Debug)]
pub struct Destination {
    /// The destination hub.
    pub place: PlaceId,
    /// Share of the flow's trains bound here.
    pub share: f64,
    /// Candidate routes, one per entry of the flow's `via`.
    pub routes: Vec<RouteId>,
    /// Index into the routes' places where the choice is made: the place
    /// from which the candidates' legs first differ.
    pub decision_index: usize,
}

/// A validated flow of trains from one origin to a mix of destinations.
#[derive(Clone)]
pub struct Flow {
    /// The id.
    pub id: String,
    /// Origin hub.
    pub origin: PlaceId,
    /// Destinations with shares, in the order given.
    pub destinations: Vec<Destination>,
    /// Direction of travel.
    pub direction: Direction,
    /// Mean trains per day after the demand multiplier, before seasonality.
    pub trains_per_day: f64,
    /// Containers per train \[FEU\].
    pub containers_per_train: u32,
    /// Shares of the candidate routes (fixed-share routing).
    pub shares: Vec<f64>,
    /// The routing policy.
    pub policy: Arc<dyn RoutingPolicy>,
    /// The release process.
    pub arrival: ArrivalProcess,
}

impl std::fmt::Debug for Flow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Flow")
            .field("id", &self.id)
            .field("trains_per_day", &self.trains_per_day)
            .field("destinations", &self.destinations)
            .field("shares", &self.shares)
            .field("policy", &self.policy.name())
            .finish_non_exhaustive()
    }
}

/// A validated corridor network with its demand.
///
/// Built by [`NetworkBuilder`](super::NetworkBuilder) (or from a scenario
/// file, which uses the builder); read through its accessors.
#[derive(Clone, Debug)]
pub struct Network {
    pub(super) places: Vec<Place>,
    pub(super) ports: Vec<BorderPort>,
    /// The place that stands for each port.
    pub(super) port_places: Vec<PlaceId>,
    pub(super) sections: Vec<Section>,
    pub(super) section_ids: Vec<String>,
    /// Minimum spacing of trains in one direction, per section.
    pub(super) headways: Vec<Option<SimDuration>>,
    pub(super) routes: Vec<Route>,
    pub(super) flows: Vec<Flow>,
    pub(super) seasonality: [f64; 12],
    pub(super) groups: Vec<(String, Vec<PortId>)>,
}

impl Network {
    /// Hubs, junctions and ports.
    pub fn places(&self) -> &[Place] {
        &self.places
    }

    /// One place.
    pub fn place(&self, p: PlaceId) -> &Place {
        &self.places[p.index()]
    }

    /// Border ports.
    pub fn ports(&self) -> &[BorderPort] {
        &self.ports
    }

    /// One port.
    pub fn port(&self, p: PortId) -> &BorderPort {
        &self.ports[p.index()]
    }

    /// The place that stands for port `p`.
    pub fn port_place(&self, p: PortId) -> PlaceId {
        self.port_places[p.index()]
    }

    /// The id of port `p`.
    pub fn port_id(&self, p: PortId) -> &str {
        &self.places[self.port_places[p.index()].index()].id
    }

    /// Line sections.
    pub fn sections(&self) -> &[Section] {
        &self.sections
    }

    /// The id of section `s`.
    pub fn section_id(&self, s: SectionId) -> &str {
        &self.section_ids[s.index()]
    }

    /// Minimum spacing of trains in one direction on section `s` (one day
    /// over its paths per day), if its capacity is limited.
    pub fn headway(&self, s: SectionId) -> Option<SimDuration> {
        self.headways[s.index()]
    }

    /// Routes of all flows.
    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// One route.
    pub fn route(&self, r: RouteId) -> &Route {
        &self.routes[r.index()]
    }

    /// Origin–destination flows.
    pub fn flows(&self) -> &[Flow] {
        &self.flows
    }

    /// One flow.
    pub fn flow(&self, f: FlowId) -> &Flow {
        &self.flows[f.index()]
    }

    /// Monthly rate multipliers, January first, normalised so that their
    /// average weighted by the days of each month is exactly 1.
    pub fn seasonality(&self) -> &[f64; 12] {
        &self.seasonality
    }

    /// Named groups of ports reported together.
    pub fn groups(&self) -> &[(String, Vec<PortId>)] {
        &self.groups
    }

    /// The place with id `id`.
    pub fn place_by_id(&self, id: &str) -> Option<PlaceId> {
        self.places
            .iter()
            .position(|p| p.id == id)
            .map(|i| PlaceId(i as u32))
    }

    /// The port with id `id`.
    pub fn port_by_id(&self, id: &str) -> Option<PortId> {
        match self.places[self.place_by_id(id)?.index()].kind {
            PlaceKind::Port(p) => Some(p),
            _ => None,
        }
    }

    /// Mean trains per day over all flows, by direction.
    pub fn trains_per_day(&self, dir: Direction) -> f64 {
        self.flows
            .iter()
            .filter(|f| f.direction == dir)
            .map(|f| f.trains_per_day)
            .sum()
    }
}
