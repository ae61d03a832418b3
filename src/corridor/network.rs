//! The validated corridor network: places, border ports, line sections,
//! routes and flows. A [`Network`] is built only by
//! [`NetworkBuilder`](super::NetworkBuilder), which validates every part,
//! so an invalid network cannot exist.

use std::sync::Arc;

use super::choices::Choice;
use super::dist::HoursDist;
use super::ids::{
    ClassId, Direction, FlowId, Gauge, GaugeChange, PlaceId, PortId, RouteId, SectionId,
};
use super::legs::LegView;
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

/// A traffic class: container trains, grain, ore and metals, empties, or
/// one a scenario defines. Every class competes for the same handover caps
/// and line paths; each port side says how it handles each class.
#[derive(Clone, Debug, PartialEq)]
pub struct TrafficClass {
    /// The id (an identifier).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Tonnes a unit (a container or a wagon) carries, for reporting
    /// freight in tonnes \[t\].
    pub tonnes_per_unit: f64,
}

/// A share of trains singled out for a longer stop, and how long.
#[derive(Clone, Debug)]
pub struct Hold {
    /// Share of trains selected, from 0 to 1.
    pub share: f64,
    /// Length of the stop \[h\].
    pub duration: HoursDist,
}

/// How a port side handles a class.
#[derive(Clone, Debug)]
pub enum Handling {
    /// Containers lifted by the side's cranes on its transshipment tracks
    /// (the side's main facility; what the container class does).
    Transship,
    /// Transloaded at a facility of the class's own (a grain terminal, bulk
    /// tracks).
    Transload {
        /// Tracks of the facility: parallel servers.
        tracks: u32,
        /// Time a reference train takes \[h\]; it scales with a train's
        /// units over `reference_units`.
        service: HoursDist,
        /// Units (wagons) of the reference train.
        reference_units: u32,
    },
    /// Nothing to change (empty wagons going home, the same gauge on both
    /// sides): inspected, then on its way.
    Pass,
}

/// What a port side does when its backlog of a class grows too long (or a
/// railway, when the queue for a line grows too long): it stops accepting
/// new trains (the bans of 2020–24) until the backlog falls again.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Acceptance {
    /// Stop accepting when this many trains of the class wait at the
    /// border for this side's handover (for a section: this many trains of
    /// any class wait to enter it) \[trains\].
    pub stop_above: u32,
    /// Accept again when no more than this many wait \[trains\].
    pub resume_below: u32,
    /// What becomes of a train refused at its origin.
    pub refused: Refused,
}

/// What becomes of a train that a ban refuses at its origin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// It waits at its origin until the ban is lifted (counted as refused
    /// demand while it waits).
    Wait,
    /// It is cancelled (counted as refused demand).
    Cancel,
}

/// How a port side treats one class.
#[derive(Clone, Debug)]
pub struct ClassAtSide {
    /// What happens to the train in the port.
    pub handling: Handling,
    /// A share of trains held for a longer inspection (phytosanitary
    /// checks of grain, say), on top of the side's own inspection.
    pub hold: Option<Hold>,
    /// Trains of a higher priority are handed over first.
    pub priority: u32,
    /// Handover slots a day kept for this class: other classes may not use
    /// them \[trains/day\].
    pub reserved_slots_per_day: u32,
    /// When the side stops accepting trains of this class.
    pub acceptance: Option<Acceptance>,
}

impl ClassAtSide {
    /// A class handled as `handling`, with no hold, priority, reservation
    /// or acceptance limit.
    pub fn new(handling: Handling) -> Self {
        ClassAtSide {
            handling,
            hold: None,
            priority: 0,
            reserved_slots_per_day: 0,
            acceptance: None,
        }
    }
}

/// Wagons of the outgoing gauge that container trains leaving a side need
/// (the 1520 mm flat wagons, or platforms, at the China–Kazakhstan
/// border): a train is transshipped only onto wagons that are there, and
/// the wagons come back empty after a turnaround.
#[derive(Clone, Debug)]
pub struct WagonPool {
    /// Wagons in the pool \[wagons\].
    pub wagons: u32,
    /// Time from a train's departure until its wagons are back, empty \[h\].
    pub turnaround: HoursDist,
}

/// Locomotives of the outgoing railway that every train leaving a side
/// needs: a train waits on its departure track until one is free, and the
/// locomotive is back after a turnaround counted from when it was coupled
/// (Altynkol's 5 h 30 in 2019, say).
#[derive(Clone, Debug)]
pub struct LocomotivePool {
    /// Locomotives in the pool.
    pub locomotives: u32,
    /// Time from coupling to a train until the locomotive is back \[h\].
    pub turnaround: HoursDist,
}

/// Working hours: inspections start only from `from_hour` to `to_hour`
/// (of each day, 0–24; `from_hour > to_hour` spans midnight).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WorkingHours {
    /// Start of the working day \[h\].
    pub from_hour: f64,
    /// End of the working day \[h\].
    pub to_hour: f64,
}

/// One direction's facility at a port: the border handover into it, its
/// yard, inspection, transshipment and departure.
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
    /// Inspection teams working at once; `None` for as many as trains.
    pub inspection_teams: Option<u32>,
    /// When inspections start; `None` for at any hour.
    pub inspection_hours: Option<WorkingHours>,
    /// A share of trains selected for a longer inspection.
    pub deep_inspection: Option<Hold>,
    /// The interstate handover cap: trains handed over into this side per
    /// calendar day \[trains/day\]; `None` for none.
    pub handover_cap_per_day: Option<u32>,
    /// Trains that can wait for the handover at the sending station; more
    /// are held on the approach line \[trains\]. `None` for unlimited.
    pub handover_siding: Option<u32>,
    /// Trains the receiving yard holds, from the handover until a track
    /// takes them (in inspection or queued) \[trains\].
    pub yard_capacity: u32,
    /// Trains that can wait to leave after their track work (re-forming, a
    /// full line ahead); when they are full a finished train stays on its
    /// track \[trains\]. `None` for unlimited.
    pub departure_tracks: Option<u32>,
    /// Longest outgoing train \[FEU or wagons\]; longer formations are
    /// re-formed.
    pub max_containers_out: Option<u32>,
    /// Re-forming by consolidation: what a train brings is pooled with what
    /// others of its class bring for the same remaining route, trains of
    /// `max_containers_out` leave when full, and what is left leaves after
    /// at most this wait. `None`: a long formation is split into the fewest
    /// near-equal trains at once.
    pub consolidate_max_wait: Option<SimDuration>,
    /// The wagons of the outgoing gauge that container trains need.
    pub wagon_pool: Option<WagonPool>,
    /// The locomotives every train leaving the side needs.
    pub locomotive_pool: Option<LocomotivePool>,
    /// How the side treats each class, by class; the container class is
    /// always there.
    pub classes: Vec<(ClassId, ClassAtSide)>,
}

impl PortSide {
    /// A side with these tracks and cranes and the container class
    /// transshipped by them; no cap, unlimited sidings and departure
    /// tracks, no wagon pool, no holds, a yard of `yard_capacity` trains.
    #[allow(clippy::too_many_arguments)] // the side's defining numbers, each named in the docs
    pub fn new(
        tracks: u32,
        cranes: u32,
        cranes_per_train: u32,
        transshipment: HoursDist,
        reference_containers: u32,
        track_release: HoursDist,
        inspection: HoursDist,
        yard_capacity: u32,
    ) -> Self {
        PortSide {
            tracks,
            cranes,
            cranes_per_train,
            transshipment,
            reference_containers,
            track_release,
            inspection,
            inspection_teams: None,
            inspection_hours: None,
            deep_inspection: None,
            handover_cap_per_day: None,
            handover_siding: None,
            yard_capacity,
            departure_tracks: None,
            max_containers_out: None,
            consolidate_max_wait: None,
            wagon_pool: None,
            locomotive_pool: None,
            classes: vec![(ClassId::CONTAINER, ClassAtSide::new(Handling::Transship))],
        }
    }

    /// How the side treats `class`, if it handles it.
    pub fn class(&self, class: ClassId) -> Option<&ClassAtSide> {
        self.classes
            .iter()
            .find(|(c, _)| *c == class)
            .map(|(_, h)| h)
    }
}

/// What a capacity reduction cuts, as factors from 0 (stopped) to 1 (as
/// usual).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cut {
    /// Factor on the handover caps of both sides (on the paths of a
    /// section).
    pub capacity: f64,
    /// Factor on the cranes and transloading tracks that start new work.
    pub cranes: f64,
}

impl Cut {
    /// Everything stopped.
    pub const STOP: Cut = Cut {
        capacity: 0.0,
        cranes: 0.0,
    };
}

/// What a capacity reduction acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CutTarget {
    /// A port (both sides).
    Port(PortId),
    /// A line section (both directions).
    Section(SectionId),
}

/// What refuses a train at its origin: a port side's ban on its class, or
/// a railway's ban on a line in one direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refuser {
    /// A port side.
    Side(PortId, Direction),
    /// A section, in one orientation: `true` for trains running from its
    /// `to` end to its `from` end, as in [`Route::legs`](crate::corridor::Route::legs).
    Line(SectionId, bool),
}

/// A dated capacity reduction: from `start_day` for `days`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DatedCut {
    /// Start, counted from the start of the run including warm-up \[days\].
    pub start_day: f64,
    /// Length \[days\].
    pub days: f64,
    /// What it cuts.
    pub cut: Cut,
}

/// A dated change of capacity that stays: from `from_day` on, the
/// factors on the capacity (handover caps; a section's paths) and on the
/// cranes are those given, relative to the values in the scenario, until
/// the next change. They may exceed 1 (a cap raised, a line doubled).
/// Reductions ([`DatedCut`], [`RandomCuts`]) multiply on top.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Change {
    /// From when, counted from the start of the run including warm-up
    /// \[days\].
    pub from_day: f64,
    /// The factors from then on.
    pub cut: Cut,
}

/// Random capacity reductions with a seasonal profile (storms in winter,
/// say): events arrive as a Poisson process whose rate follows the
/// months' weights.
#[derive(Clone, Debug)]
pub struct RandomCuts {
    /// Events a year on average.
    pub events_per_year: f64,
    /// Twelve weights, January first, scaled so that they average 1 over a
    /// 365-day year.
    pub monthly_weights: [f64; 12],
    /// Length of one event \[h\].
    pub duration: HoursDist,
    /// What an event cuts.
    pub cut: Cut,
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
    /// Dated reductions of capacity.
    pub cuts: Vec<DatedCut>,
    /// Random reductions of capacity.
    pub random_cuts: Vec<RandomCuts>,
    /// When the port opens \[days from the start of the run\]: before
    /// then it hands nothing over and no route choice takes it. `None`:
    /// open from the start.
    pub opens_day: Option<f64>,
    /// Dated changes of capacity that stay (a ramp-up after opening, a
    /// cap raised), in order of their days.
    pub changes: Vec<Change>,
    /// Westbound and eastbound sides, by [`Direction::index`].
    pub sides: [PortSide; 2],
}

impl BorderPort {
    /// A port with these sides, no closures and no reductions of capacity.
    pub fn new(
        name: impl Into<String>,
        west_gauge: Gauge,
        east_gauge: Gauge,
        change: GaugeChange,
        sides: [PortSide; 2],
    ) -> Self {
        BorderPort {
            name: name.into(),
            west_gauge,
            east_gauge,
            change,
            random_closures: None,
            scheduled_closures: Vec::new(),
            cuts: Vec::new(),
            random_cuts: Vec::new(),
            opens_day: None,
            changes: Vec::new(),
            sides,
        }
    }

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
    /// Train paths per day in each direction (both directions together on
    /// a single track); `None` for unconstrained.
    pub paths_per_day: Option<f64>,
    /// A single track: its paths, and its capacity in trains, serve both
    /// directions together, so that trains one way take them from the
    /// other (they meet only at the passing loops).
    pub single_track: bool,
    /// The most trains on the section at once in each direction (both
    /// together on a single track), running or held at its far end (trains that cannot enter the port there wait
    /// on the line); a train finding it full waits at the place before.
    /// `None` for unlimited.
    pub capacity_trains: Option<u32>,
    /// Dated reductions of the paths (the `capacity` factor of each cut).
    pub cuts: Vec<DatedCut>,
    /// Random reductions of the paths.
    pub random_cuts: Vec<RandomCuts>,
    /// Dated changes of the paths that stay (a second track), in order of
    /// their days.
    pub changes: Vec<Change>,
    /// When the railway stops accepting trains for the section, in each
    /// direction: the backlog is the trains waiting to enter it (every
    /// class counts).
    pub acceptance: Option<Acceptance>,
}

impl Section {
    /// A section with unconstrained paths and capacity and no reductions.
    pub fn new(from: PlaceId, to: PlaceId, gauge: Gauge, running: HoursDist) -> Self {
        Section {
            from,
            to,
            gauge,
            running,
            paths_per_day: None,
            single_track: false,
            capacity_trains: None,
            cuts: Vec::new(),
            random_cuts: Vec::new(),
            changes: Vec::new(),
            acceptance: None,
        }
    }
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
    /// The traffic class.
    pub class: ClassId,
    /// Units per train: containers \[FEU\] for the container class, wagons
    /// for the others.
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
    /// Where trains choose among the candidates: a place on all of them
    /// before they part (`None`: where they part). Choosing earlier keeps
    /// the choice in one place when a variant adds a candidate that parts
    /// sooner.
    pub decide_at: Option<PlaceId>,
    /// Hours added to each candidate's expected time before a choice that
    /// looks at times (a preference the model does not explain; negative
    /// for preferred). Empty: none.
    pub route_bias_hours: Vec<f64>,
    /// Demand growth from one year of the run to the next, as rates
    /// (`0.03` for +3 %): the first from year 1 to year 2, and so on; the
    /// last applies to every later year. Empty: the same every year. Years
    /// count 365 days from the start of the run (warm-up included).
    pub growth_per_year: Vec<f64>,
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
    /// The traffic class.
    pub class: ClassId,
    /// Units per train \[FEU or wagons\].
    pub containers_per_train: u32,
    /// Shares of the candidate routes (fixed-share routing).
    pub shares: Vec<f64>,
    /// The routing policy.
    pub policy: Arc<dyn RoutingPolicy>,
    /// The release process.
    pub arrival: ArrivalProcess,
    /// Hours added to each candidate's expected time (empty: none).
    pub route_bias_hours: Vec<f64>,
    /// The demand of each year of the run relative to the first, from
    /// the flow's growth rates (empty: 1 every year).
    pub year_factors: Vec<f64>,
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
    /// What the model reads of each route's legs as trains run and choose,
    /// laid out together (see [`LegView`]; built by the builder).
    pub(super) leg_views: Vec<Vec<LegView>>,
    pub(super) flows: Vec<Flow>,
    pub(super) seasonality: [f64; 12],
    pub(super) groups: Vec<(String, Vec<PortId>)>,
    pub(super) classes: Vec<TrafficClass>,
    pub(super) start_year: Option<u32>,
    pub(super) choices: Vec<Choice>,
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

    /// The legs of route `r` as the model reads them.
    pub(crate) fn leg_views(&self, r: RouteId) -> &[LegView] {
        &self.leg_views[r.index()]
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

    /// The calendar year in which the run starts (day 0 is its 1 January),
    /// if the network has one: then results are reported per year as well.
    pub fn start_year(&self) -> Option<u32> {
        self.start_year
    }

    /// Choices on the way, in the order they were added.
    pub fn choices(&self) -> &[Choice] {
        &self.choices
    }

    /// Named groups of ports reported together.
    pub fn groups(&self) -> &[(String, Vec<PortId>)] {
        &self.groups
    }

    /// Traffic classes; class 0 is the container class.
    pub fn classes(&self) -> &[TrafficClass] {
        &self.classes
    }

    /// One class.
    pub fn class(&self, c: ClassId) -> &TrafficClass {
        &self.classes[c.index()]
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
