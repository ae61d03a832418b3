//! The validated corridor network: places, border ports, line sections,
//! routes and flows, built from a [`ScenarioSpec`].

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::sync::Arc;

use super::dist::{DistSpec, HoursDist};
use super::routing::{FixedShares, RoutingPolicy, ShortestExpectedDelay};
use crate::error::InvalidField;
use crate::scenario::spec::{
    ArrivalSpec, DirectionSpec, GaugeChangeSpec, NodeKindSpec, PortSideSpec, RoutingSpec,
    ScenarioSpec,
};
use crate::time::SimDuration;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);

        impl $name {
            /// The index into the network's table.
            #[inline]
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

id_type!(
    /// Index of a place (hub, junction or border port).
    PlaceId
);
id_type!(
    /// Index of a border port.
    PortId
);
id_type!(
    /// Index of a line section.
    SectionId
);
id_type!(
    /// Index of a route.
    RouteId
);
id_type!(
    /// Index of a flow.
    FlowId
);

/// Days of the months of a 365-day year, January first.
pub(crate) const MONTH_DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/// Track gauge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Gauge {
    /// 1435 mm: China and the European Union.
    Standard1435,
    /// 1520 mm: Kazakhstan, Russia, Belarus, Mongolia.
    Broad1520,
}

impl Gauge {
    fn from_mm(path: &str, mm: u32) -> Result<Gauge, InvalidField> {
        match mm {
            1435 => Ok(Gauge::Standard1435),
            1520 => Ok(Gauge::Broad1520),
            _ => Err(InvalidField::new(path, mm, "1435 or 1520")),
        }
    }

    /// The gauge in millimetres.
    pub fn mm(self) -> u32 {
        match self {
            Gauge::Standard1435 => 1435,
            Gauge::Broad1520 => 1520,
        }
    }
}

/// Direction of travel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    /// From China towards Europe.
    Westbound,
    /// From Europe towards China.
    Eastbound,
}

impl Direction {
    /// Both directions, in index order.
    pub const BOTH: [Direction; 2] = [Direction::Westbound, Direction::Eastbound];

    /// 0 for westbound, 1 for eastbound.
    #[inline]
    pub fn index(self) -> usize {
        self as usize
    }

    /// `westbound` or `eastbound`.
    pub fn name(self) -> &'static str {
        match self {
            Direction::Westbound => "westbound",
            Direction::Eastbound => "eastbound",
        }
    }
}

/// How a border port changes gauge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GaugeChange {
    /// Containers lifted between wagons by cranes.
    Transshipment,
    /// Bogies exchanged under the wagons.
    BogieExchange,
    /// No change of gauge.
    None,
}

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
    /// The id used in the scenario.
    pub id: String,
    /// Display name.
    pub name: String,
    /// What it is.
    pub kind: PlaceKind,
    /// Gauge of a hub or junction; for a port, its eastern side.
    pub gauge: Gauge,
}

/// Random stoppages: exponential open spells, then a closure.
#[derive(Clone, Debug)]
pub struct RandomClosures {
    /// Mean open time between stoppages.
    pub mean_between: SimDuration,
    /// Length of one stoppage \[h\].
    pub duration: HoursDist,
}

/// One direction's facility at a port.
#[derive(Clone, Debug)]
pub struct PortSide {
    /// Transshipment tracks (parallel servers).
    pub tracks: u32,
    /// Cranes shared by the tracks.
    pub cranes: u32,
    /// Cranes working one train.
    pub cranes_per_train: u32,
    /// Crane time for the reference train \[h\].
    pub transshipment: HoursDist,
    /// Containers of the reference train \[FEU\].
    pub reference_containers: u32,
    /// Track time after the cranes \[h\].
    pub track_release: HoursDist,
    /// Inspection and customs \[h\].
    pub inspection: HoursDist,
    /// Handover cap \[trains/day\].
    pub handover_cap_per_day: Option<u32>,
    /// Waiting places before a track \[trains\].
    pub yard_capacity: u32,
    /// Longest outgoing train \[FEU\].
    pub max_containers_out: Option<u32>,
    /// Couple trains waiting for the handover on the same remaining route.
    pub couple_waiting_trains: bool,
}

/// A border crossing.
#[derive(Clone, Debug)]
pub struct BorderPort {
    /// The place that stands for this port.
    pub place: PlaceId,
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
    /// Planned closures: (start, length).
    pub scheduled_closures: Vec<(SimDuration, SimDuration)>,
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
    /// The id used in the scenario.
    pub id: String,
    /// One end.
    pub a: PlaceId,
    /// The other end.
    pub b: PlaceId,
    /// Gauge.
    pub gauge: Gauge,
    /// Running time \[h\].
    pub running: HoursDist,
    /// Minimum spacing of trains in one direction (one day / paths per
    /// day); `None` if unconstrained.
    pub headway: Option<SimDuration>,
}

/// A path through the network.
#[derive(Clone, Debug)]
pub struct Route {
    /// Places in order, origin first.
    pub places: Vec<PlaceId>,
    /// Sections between consecutive places, with `true` when travelled
    /// from `b` to `a`.
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

/// A flow of trains from one origin to a mix of destinations.
#[derive(Clone)]
pub struct Flow {
    /// The id used in the scenario.
    pub id: String,
    /// Origin hub.
    pub origin: PlaceId,
    /// Destinations with shares, in scenario-id order.
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
#[derive(Clone, Debug)]
pub struct Network {
    /// Hubs, junctions and ports.
    pub places: Vec<Place>,
    /// Border ports.
    pub ports: Vec<BorderPort>,
    /// Line sections.
    pub sections: Vec<Section>,
    /// Routes of all flows.
    pub routes: Vec<Route>,
    /// Origin–destination flows.
    pub flows: Vec<Flow>,
    /// Monthly rate multipliers, January first, normalised so that their
    /// average weighted by the days of each month is exactly 1.
    pub seasonality: [f64; 12],
    /// Named groups of ports reported together.
    pub groups: Vec<(String, Vec<PortId>)>,
}

fn dist(path: &str, spec: &DistSpec) -> Result<HoursDist, InvalidField> {
    HoursDist::new(spec).map_err(|e| InvalidField::new(path, e.value, e.expected))
}

fn positive_finite(path: &str, v: f64, max: f64) -> Result<f64, InvalidField> {
    if !(v > 0.0 && v <= max) {
        return Err(InvalidField::new(
            path,
            v,
            format!("a finite number above 0 and at most {max}"),
        ));
    }
    Ok(v)
}

fn side(path: &str, s: &PortSideSpec, change: GaugeChange) -> Result<PortSide, InvalidField> {
    if s.tracks == 0 && change != GaugeChange::None {
        return Err(InvalidField::new(
            format!("{path}.tracks"),
            0,
            "at least 1 track where the gauge changes",
        ));
    }
    if change == GaugeChange::Transshipment {
        if s.cranes == 0 {
            return Err(InvalidField::new(
                format!("{path}.cranes"),
                0,
                "at least 1 crane for a transshipment",
            ));
        }
        if s.cranes_per_train == 0 || s.cranes_per_train > s.cranes {
            return Err(InvalidField::new(
                format!("{path}.cranes_per_train"),
                s.cranes_per_train,
                format!("from 1 to the side's {} cranes", s.cranes),
            ));
        }
    }
    if s.yard_capacity_trains == 0 {
        return Err(InvalidField::new(
            format!("{path}.yard_capacity_trains"),
            0,
            "at least 1 waiting place (a train that finds none is held upstream)",
        ));
    }
    if s.reference_containers == 0 {
        return Err(InvalidField::new(
            format!("{path}.reference_containers"),
            0,
            "at least 1 container",
        ));
    }
    if s.handover_cap_trains_per_day == Some(0) {
        return Err(InvalidField::new(
            format!("{path}.handover_cap_trains_per_day"),
            0,
            "at least 1 train per day, or no key for no cap",
        ));
    }
    if s.max_containers_out == Some(0) {
        return Err(InvalidField::new(
            format!("{path}.max_containers_out"),
            0,
            "at least 1 container, or no key for no limit",
        ));
    }
    if s.couple_waiting_trains && s.max_containers_out.is_none() {
        return Err(InvalidField::new(
            format!("{path}.couple_waiting_trains"),
            true,
            "max_containers_out to be set, since coupling fills trains up to it",
        ));
    }
    Ok(PortSide {
        tracks: s.tracks,
        cranes: s.cranes,
        cranes_per_train: s.cranes_per_train.max(1),
        transshipment: dist(&format!("{path}.transshipment"), &s.transshipment)?,
        reference_containers: s.reference_containers,
        track_release: dist(&format!("{path}.track_release"), &s.track_release)?,
        inspection: dist(&format!("{path}.inspection"), &s.inspection)?,
        handover_cap_per_day: s.handover_cap_trains_per_day,
        yard_capacity: s.yard_capacity_trains,
        max_containers_out: s.max_containers_out,
        couple_waiting_trains: s.couple_waiting_trains,
    })
}

/// Checks a flow's route shares: one per candidate, each in [0, 1],
/// summing to 1. Shortest-expected-delay routing may omit them.
fn check_shares(
    path: &str,
    shares: &[f64],
    candidates: usize,
    routing: RoutingSpec,
) -> Result<Vec<f64>, InvalidField> {
    if shares.is_empty() && (candidates == 1 || routing != RoutingSpec::FixedShares) {
        return Ok(vec![1.0 / candidates as f64; candidates]);
    }
    if shares.len() != candidates {
        return Err(InvalidField::new(
            path,
            format!("{} shares", shares.len()),
            format!("one share per entry of `via` ({candidates})"),
        ));
    }
    let mut sum = 0.0;
    for (i, &s) in shares.iter().enumerate() {
        if !(0.0..=1.0).contains(&s) {
            return Err(InvalidField::new(
                format!("{path}[{i}]"),
                s,
                "a share from 0 to 1",
            ));
        }
        sum += s;
    }
    if (sum - 1.0).abs() > 1e-6 {
        return Err(InvalidField::new(
            path,
            format!("shares summing to {sum}"),
            "shares summing to 1",
        ));
    }
    Ok(shares.to_vec())
}

impl Network {
    /// Validates a scenario's network and demand.
    ///
    /// # Errors
    ///
    /// The first [`InvalidField`] found, naming the field's path (e.g.
    /// `ports.alashankou_dostyk.westbound.tracks`), the value and what was
    /// expected: zero tracks, a NaN or negative rate or time, an unknown
    /// node, a route that does not connect or whose gauges do not match,
    /// shares that do not sum to one, and so on.
    pub fn from_spec(spec: &ScenarioSpec) -> Result<Network, InvalidField> {
        let mut places = Vec::new();
        let mut index: BTreeMap<&str, PlaceId> = BTreeMap::new();
        for (id, n) in &spec.nodes {
            let gauge = Gauge::from_mm(&format!("nodes.{id}.gauge_mm"), n.gauge_mm)?;
            index.insert(id, PlaceId(places.len() as u32));
            places.push(Place {
                id: id.clone(),
                name: n.name.clone(),
                kind: match n.kind {
                    NodeKindSpec::Hub => PlaceKind::Hub,
                    NodeKindSpec::Junction => PlaceKind::Junction,
                },
                gauge,
            });
        }
        let mut ports = Vec::new();
        for (id, p) in &spec.ports {
            let path = format!("ports.{id}");
            if index.contains_key(id.as_str()) {
                return Err(InvalidField::new(
                    path,
                    format!("'{id}'"),
                    "an id not already used by a node",
                ));
            }
            let west = Gauge::from_mm(&format!("{path}.west_gauge_mm"), p.west_gauge_mm)?;
            let east = Gauge::from_mm(&format!("{path}.east_gauge_mm"), p.east_gauge_mm)?;
            let change = match p.gauge_change {
                GaugeChangeSpec::Transshipment => GaugeChange::Transshipment,
                GaugeChangeSpec::BogieExchange => GaugeChange::BogieExchange,
                GaugeChangeSpec::None => GaugeChange::None,
            };
            if (change == GaugeChange::None) != (west == east) {
                return Err(InvalidField::new(
                    format!("{path}.gauge_change"),
                    format!(
                        "{:?} between {} mm and {} mm",
                        p.gauge_change, p.west_gauge_mm, p.east_gauge_mm
                    ),
                    "'none' exactly when both sides have the same gauge",
                ));
            }
            let random_closures = match &p.random_closures {
                None => None,
                Some(c) => {
                    let between = format!("{path}.random_closures.mean_days_between");
                    if !(c.mean_days_between >= 1.0 / 24.0 && c.mean_days_between <= 36_525.0) {
                        return Err(InvalidField::new(
                            between,
                            c.mean_days_between,
                            "a mean open time from 1 hour (1/24 day) to 36525 days",
                        ));
                    }
                    let dpath = format!("{path}.random_closures.duration");
                    let duration = dist(&dpath, &c.duration)?;
                    if !(duration.mean_hours() > 0.0) {
                        return Err(InvalidField::new(
                            dpath,
                            format!("a mean of {} h", duration.mean_hours()),
                            "stoppages that last some time (a mean above 0 h)",
                        ));
                    }
                    Some(RandomClosures {
                        mean_between: SimDuration::try_from_hours_f64(c.mean_days_between * 24.0)
                            .expect("bounded above"),
                        duration,
                    })
                }
            };
            let mut scheduled = Vec::new();
            for (i, w) in p.scheduled_closures.iter().enumerate() {
                let wpath = format!("{path}.scheduled_closures[{i}]");
                let start = SimDuration::try_from_hours_f64(w.start_day * 24.0).map_err(|_| {
                    InvalidField::new(format!("{wpath}.start_day"), w.start_day, "a day from 0")
                })?;
                let len = positive_finite(&format!("{wpath}.hours"), w.hours, 87_660.0)?;
                scheduled.push((
                    start,
                    SimDuration::try_from_hours_f64(len).expect("bounded above"),
                ));
            }
            let place = PlaceId(places.len() as u32);
            index.insert(id, place);
            let port_id = PortId(ports.len() as u32);
            places.push(Place {
                id: id.clone(),
                name: p.name.clone(),
                kind: PlaceKind::Port(port_id),
                gauge: east,
            });
            ports.push(BorderPort {
                place,
                name: p.name.clone(),
                west_gauge: west,
                east_gauge: east,
                change,
                random_closures,
                scheduled_closures: scheduled,
                sides: [
                    side(&format!("{path}.westbound"), &p.westbound, change)?,
                    side(&format!("{path}.eastbound"), &p.eastbound, change)?,
                ],
            });
        }

        let lookup = |path: String, id: &str| -> Result<PlaceId, InvalidField> {
            index.get(id).copied().ok_or_else(|| {
                InvalidField::new(path, format!("'{id}'"), "the id of a node or port")
            })
        };

        let mut sections = Vec::new();
        for (id, s) in &spec.sections {
            let path = format!("sections.{id}");
            let a = lookup(format!("{path}.from"), &s.from)?;
            let b = lookup(format!("{path}.to"), &s.to)?;
            if a == b {
                return Err(InvalidField::new(
                    format!("{path}.to"),
                    format!("'{}'", s.to),
                    "a place other than `from`",
                ));
            }
            let gauge = Gauge::from_mm(&format!("{path}.gauge_mm"), s.gauge_mm)?;
            for (end, place, key) in [(&s.from, a, "from"), (&s.to, b, "to")] {
                let p = &places[place.index()];
                let ok = match p.kind {
                    PlaceKind::Port(pid) => {
                        let port = &ports[pid.index()];
                        gauge == port.west_gauge || gauge == port.east_gauge
                    }
                    _ => gauge == p.gauge,
                };
                if !ok {
                    return Err(InvalidField::new(
                        format!("{path}.gauge_mm"),
                        s.gauge_mm,
                        format!("a gauge that matches '{end}' at its `{key}` end"),
                    ));
                }
            }
            let headway = match s.paths_per_day {
                None => None,
                Some(n) => {
                    let n = positive_finite(&format!("{path}.paths_per_day"), n, 86_400.0)?;
                    Some(SimDuration::try_from_hours_f64(24.0 / n).expect("bounded"))
                }
            };
            sections.push(Section {
                id: id.clone(),
                a,
                b,
                gauge,
                running: dist(&format!("{path}.running"), &s.running)?,
                headway,
            });
        }

        let mut seasonality = [0.0; 12];
        if spec.demand.seasonality.len() != 12 {
            return Err(InvalidField::new(
                "demand.seasonality",
                format!("{} values", spec.demand.seasonality.len()),
                "12 monthly multipliers, January first",
            ));
        }
        for (i, &m) in spec.demand.seasonality.iter().enumerate() {
            if !(0.0..=12.0).contains(&m) {
                return Err(InvalidField::new(
                    format!("demand.seasonality[{i}]"),
                    m,
                    "a multiplier from 0 to 12",
                ));
            }
            seasonality[i] = m;
        }
        // Normalise so that the multipliers, weighted by the days of their
        // months, average exactly 1: `trains_per_year` then holds for every
        // 365-day year.
        let weighted = seasonality
            .iter()
            .zip(MONTH_DAYS)
            .map(|(m, d)| m * d as f64)
            .sum::<f64>()
            / 365.0;
        if !(weighted > 0.0) {
            return Err(InvalidField::new(
                "demand.seasonality",
                "all zero",
                "at least one month with a positive multiplier",
            ));
        }
        for m in &mut seasonality {
            *m /= weighted;
        }
        let multiplier = spec.demand.multiplier;
        if !(0.0..=1000.0).contains(&multiplier) {
            return Err(InvalidField::new(
                "demand.multiplier",
                multiplier,
                "a number from 0 to 1000",
            ));
        }

        let mut net = Network {
            places,
            ports,
            sections,
            routes: Vec::new(),
            flows: Vec::new(),
            seasonality,
            groups: Vec::new(),
        };

        for (id, f) in &spec.flows {
            let path = format!("flows.{id}");
            let origin = lookup(format!("{path}.origin"), &f.origin)?;
            net.require_hub(&format!("{path}.origin"), origin, &f.origin)?;
            let direction = match f.direction {
                DirectionSpec::Westbound => Direction::Westbound,
                DirectionSpec::Eastbound => Direction::Eastbound,
            };
            if !(f.trains_per_year >= 0.0 && f.trains_per_year <= 1.0e6) {
                return Err(InvalidField::new(
                    format!("{path}.trains_per_year"),
                    f.trains_per_year,
                    "a number of trains from 0 to 1000000",
                ));
            }
            if f.containers_per_train == 0 || f.containers_per_train > 1_000 {
                return Err(InvalidField::new(
                    format!("{path}.containers_per_train"),
                    f.containers_per_train,
                    "from 1 to 1000 containers",
                ));
            }
            let candidates = f.via.len().max(1);
            let shares = check_shares(&format!("{path}.shares"), &f.shares, candidates, f.routing)?;
            if f.destinations.is_empty() {
                return Err(InvalidField::new(
                    format!("{path}.destinations"),
                    "{}",
                    "at least one destination hub with its share",
                ));
            }
            let mut sum = 0.0;
            let mut destinations = Vec::new();
            for (dest_id, &share) in &f.destinations {
                let dpath = format!("{path}.destinations.{dest_id}");
                if !(0.0..=1.0).contains(&share) {
                    return Err(InvalidField::new(dpath, share, "a share from 0 to 1"));
                }
                sum += share;
                let place = lookup(dpath.clone(), dest_id)?;
                net.require_hub(&dpath, place, dest_id)?;
                if place == origin {
                    return Err(InvalidField::new(
                        dpath,
                        format!("'{dest_id}'"),
                        "a hub other than the origin",
                    ));
                }
                let routes =
                    net.candidate_routes(&path, &f.via, origin, place, direction, &lookup)?;
                // The place from which the candidates' legs first differ
                // (parallel sections between the same places count as a
                // difference).
                let decision_index = {
                    let first = &net.routes[routes[0].index()].legs;
                    routes[1..]
                        .iter()
                        .map(|r| {
                            let other = &net.routes[r.index()].legs;
                            first.iter().zip(other).take_while(|(a, b)| a == b).count()
                        })
                        .min()
                        .unwrap_or(first.len())
                };
                destinations.push(Destination {
                    place,
                    share,
                    routes,
                    decision_index,
                });
            }
            if (sum - 1.0).abs() > 1e-6 {
                return Err(InvalidField::new(
                    format!("{path}.destinations"),
                    format!("shares summing to {sum}"),
                    "shares summing to 1",
                ));
            }
            let policy: Arc<dyn RoutingPolicy> = match f.routing {
                RoutingSpec::FixedShares => Arc::new(FixedShares),
                RoutingSpec::ShortestExpectedDelay => Arc::new(ShortestExpectedDelay),
            };
            let arrival = match &f.arrival {
                ArrivalSpec::Poisson => ArrivalProcess::Poisson,
                ArrivalSpec::Timetable { lateness } => ArrivalProcess::Timetable(dist(
                    &format!("{path}.arrival.timetable.lateness"),
                    lateness,
                )?),
            };
            net.flows.push(Flow {
                id: id.clone(),
                origin,
                destinations,
                direction,
                trains_per_day: f.trains_per_year * multiplier / 365.0,
                containers_per_train: f.containers_per_train,
                shares,
                policy,
                arrival,
            });
        }
        for (name, members) in &spec.groups {
            let mut ids = Vec::new();
            for (i, m) in members.iter().enumerate() {
                let gpath = format!("groups.{name}[{i}]");
                let place = lookup(gpath.clone(), m)?;
                match net.places[place.index()].kind {
                    PlaceKind::Port(pid) => ids.push(pid),
                    _ => {
                        return Err(InvalidField::new(
                            gpath,
                            format!("'{m}'"),
                            "the id of a port",
                        ));
                    }
                }
            }
            net.groups.push((name.clone(), ids));
        }
        Ok(net)
    }

    fn require_hub(&self, path: &str, place: PlaceId, raw: &str) -> Result<(), InvalidField> {
        if self.places[place.index()].kind != PlaceKind::Hub {
            return Err(InvalidField::new(
                path,
                format!("'{raw}'"),
                "a node of kind 'hub'",
            ));
        }
        Ok(())
    }

    /// One route per entry of `via` (or the quickest path if empty) from
    /// `origin` to `destination`, added to the network's routes.
    fn candidate_routes(
        &mut self,
        path: &str,
        via: &[Vec<String>],
        origin: PlaceId,
        destination: PlaceId,
        direction: Direction,
        lookup: &dyn Fn(String, &str) -> Result<PlaceId, InvalidField>,
    ) -> Result<Vec<RouteId>, InvalidField> {
        let empty = [Vec::new()];
        let vias: &[Vec<String>] = if via.is_empty() { &empty } else { via };
        let mut routes = Vec::new();
        for (k, stops_via) in vias.iter().enumerate() {
            let mut stops = vec![origin];
            for (j, v) in stops_via.iter().enumerate() {
                stops.push(lookup(format!("{path}.via[{k}][{j}]"), v)?);
            }
            stops.push(destination);
            let route = self.find_route(&stops, direction).ok_or_else(|| {
                let names: Vec<&str> = stops
                    .iter()
                    .map(|p| self.places[p.index()].id.as_str())
                    .collect();
                InvalidField::new(
                    if via.is_empty() {
                        path.to_string()
                    } else {
                        format!("{path}.via[{k}]")
                    },
                    names.join(" → "),
                    format!(
                        "places joined by sections with matching gauges, passing every port {}",
                        direction.name()
                    ),
                )
            })?;
            routes.push(RouteId(self.routes.len() as u32));
            self.routes.push(route);
        }
        Ok(routes)
    }

    /// The quickest path (by mean running time and mean port processing)
    /// through `stops` in order, keeping gauges consistent: a train stays on
    /// its gauge except through a port, where it must enter on the side of
    /// its direction and leaves with the port's other gauge.
    fn find_route(&self, stops: &[PlaceId], dir: Direction) -> Option<Route> {
        let mut places = vec![stops[0]];
        let mut legs = Vec::new();
        let mut gauge = self.places[stops[0].index()].gauge;
        for pair in stops.windows(2) {
            let (p, l, g) = self.shortest(pair[0], gauge, pair[1], dir)?;
            places.extend_from_slice(&p[1..]);
            legs.extend(l);
            gauge = g;
        }
        Some(Route { places, legs })
    }

    /// Dijkstra over (place, gauge) states. Returns the places, the legs
    /// and the gauge on arrival at `to`.
    #[allow(clippy::type_complexity)] // a private helper's tuple of results
    fn shortest(
        &self,
        from: PlaceId,
        gauge: Gauge,
        to: PlaceId,
        dir: Direction,
    ) -> Option<(Vec<PlaceId>, Vec<(SectionId, bool)>, Gauge)> {
        let n = self.places.len();
        let state = |p: PlaceId, g: Gauge| p.index() * 2 + (g == Gauge::Broad1520) as usize;
        let mut best = vec![f64::INFINITY; n * 2];
        let mut prev: Vec<Option<(usize, SectionId, bool)>> = vec![None; n * 2];
        let mut heap = BinaryHeap::new();
        let start = state(from, gauge);
        best[start] = 0.0;
        // Costs in whole milliseconds keep the heap's order total and
        // deterministic.
        heap.push(Reverse((0u64, start)));
        while let Some(Reverse((cost_ms, s))) = heap.pop() {
            let cost = cost_ms as f64;
            if cost > best[s] {
                continue;
            }
            let place = PlaceId((s / 2) as u32);
            let g = if s % 2 == 1 {
                Gauge::Broad1520
            } else {
                Gauge::Standard1435
            };
            // A port is reached on the side trains of this direction enter.
            let arrived = match self.places[place.index()].kind {
                PlaceKind::Port(pid) => g == self.ports[pid.index()].gauge_in(dir),
                _ => true,
            };
            if place == to && arrived {
                // Reconstruct.
                let mut places = vec![place];
                let mut legs = Vec::new();
                let mut cur = s;
                while let Some((p, sec, rev)) = prev[cur] {
                    legs.push((sec, rev));
                    places.push(PlaceId((p / 2) as u32));
                    cur = p;
                }
                places.reverse();
                legs.reverse();
                return Some((places, legs, g));
            }
            // The gauge a train leaves `place` with.
            let out_gauge = match self.places[place.index()].kind {
                PlaceKind::Port(pid) => {
                    let port = &self.ports[pid.index()];
                    if g != port.gauge_in(dir) {
                        continue;
                    }
                    port.gauge_out(dir)
                }
                _ => g,
            };
            for (si, sec) in self.sections.iter().enumerate() {
                let (next, reversed) = if sec.a == place {
                    (sec.b, false)
                } else if sec.b == place {
                    (sec.a, true)
                } else {
                    continue;
                };
                if sec.gauge != out_gauge {
                    continue;
                }
                let mut step = sec.running.mean_hours();
                if let PlaceKind::Port(pid) = self.places[next.index()].kind {
                    step += self.ports[pid.index()].mean_processing_hours(dir);
                }
                let ns = state(next, sec.gauge);
                let nc = ((cost + step * 3.6e6).round()).max(cost + 1.0);
                if nc < best[ns] {
                    best[ns] = nc;
                    prev[ns] = Some((s, SectionId(si as u32), reversed));
                    heap.push(Reverse((nc as u64, ns)));
                }
            }
        }
        None
    }

    /// The place with scenario id `id`.
    pub fn place_by_id(&self, id: &str) -> Option<PlaceId> {
        self.places
            .iter()
            .position(|p| p.id == id)
            .map(|i| PlaceId(i as u32))
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
