//! The scenario file types: what a TOML or JSON scenario says, before
//! validation. Every key carries its unit; unknown keys are errors.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use super::dist_spec::DistSpec;

/// A whole scenario: the network, its demand and the experiment settings.
///
/// Maps are ordered by key (`BTreeMap`), so nothing about the order in
/// which a file lists its entries, or about hashing, reaches the model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSpec {
    /// Display name.
    pub name: String,
    /// Free text: what the scenario represents, its sources.
    #[serde(default)]
    pub description: String,
    /// Run length, warm-up, seed and replication settings.
    #[serde(default)]
    pub experiment: ExperimentSpec,
    /// Demand-wide settings: growth multiplier and seasonality.
    #[serde(default)]
    pub demand: DemandSpec,
    /// Places: hubs and junctions, by id.
    pub nodes: BTreeMap<String, NodeSpec>,
    /// Border crossings with their two sides, by id.
    #[serde(default)]
    pub ports: BTreeMap<String, PortSpec>,
    /// Line sections between nodes or ports, by id.
    pub sections: BTreeMap<String, SectionSpec>,
    /// Origin–destination train flows, by id.
    pub flows: BTreeMap<String, FlowSpec>,
    /// Choices on the way: where trains already under way choose again
    /// among routes (an EU crossing at the Russian border, say), by id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub choices: BTreeMap<String, ChoiceSpec>,
    /// Traffic classes besides containers (and the container class's own
    /// name and tonnes), by id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub classes: BTreeMap<String, ClassSpec>,
    /// Named groups of ports reported together (e.g. all China–Kazakhstan
    /// crossings), by id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub groups: BTreeMap<String, Vec<String>>,
    /// Named variants: each is a partial scenario laid over this one
    /// (tables merge key by key; other values replace).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub variants: BTreeMap<String, toml::Table>,
    /// Numbers the scenario assumes rather than takes from a source, each
    /// with a low and a high value, by id: what `silkrail sensitivity`
    /// varies one at a time.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub assumptions: BTreeMap<String, AssumptionSpec>,
}

/// An assumption: the fields it sets and the range it may take.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssumptionSpec {
    /// What is assumed, in words.
    #[serde(default)]
    pub description: String,
    /// Where it is stated (e.g. a row of `CALIBRATION.md`, "A24").
    #[serde(default)]
    pub row: String,
    /// The fields it sets, as paths for `--set` (a variant's included);
    /// all take the same value.
    pub paths: Vec<String>,
    /// The low end of its range.
    pub low: f64,
    /// The high end of its range.
    pub high: f64,
}

/// Experiment settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExperimentSpec {
    /// Simulated time after the warm-up \[days\].
    pub horizon_days: f64,
    /// Simulated time before statistics start \[days\].
    pub warmup_days: f64,
    /// Independent replications.
    pub replications: u64,
    /// Master seed.
    pub seed: u64,
    /// A train counts as delayed if it waited longer than this in total
    /// (path holds, blocking, queues, handover) \[h\].
    pub delay_threshold_hours: f64,
    /// Write `trace.csv` beside the results: every train's events in
    /// replication 0 of each variant (run again with its trace kept; its
    /// memory grows with the horizon).
    pub trace: bool,
    /// Add replications until a measure is precise enough, instead of a
    /// fixed number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopping: Option<StoppingSpec>,
    /// The demand sweep `silkrail sweep` runs by default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sweep: Option<SweepSpec>,
}

/// A stopping rule: replications are added in batches until the
/// confidence interval of `metric` (or, in a comparison, of its paired
/// difference) is narrow enough.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoppingSpec {
    /// The watched metric, e.g. `group.cn_kz.delay_mean_h`.
    pub metric: String,
    /// Target half-width as a fraction of |mean|, e.g. 0.05.
    pub relative_half_width: f64,
    /// Confidence level of the interval.
    #[serde(default = "default_level")]
    pub level: f64,
    /// Replications always run.
    pub min_replications: u64,
    /// Replications never exceeded.
    pub max_replications: u64,
    /// Replications added per round.
    #[serde(default = "default_batch")]
    pub batch: u64,
}

fn default_level() -> f64 {
    0.95
}

fn default_batch() -> u64 {
    10
}

/// A demand sweep.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepSpec {
    /// Demand multipliers, ascending.
    pub multipliers: Vec<f64>,
    /// The congestion measure (a metric name).
    pub metric: String,
    /// The value of the measure that counts as saturated.
    pub threshold: f64,
    /// Replications per multiplier and variant.
    pub replications: u64,
}

impl Default for ExperimentSpec {
    fn default() -> Self {
        ExperimentSpec {
            horizon_days: 365.0,
            warmup_days: 30.0,
            replications: 30,
            seed: 2026,
            delay_threshold_hours: 48.0,
            trace: false,
            stopping: None,
            sweep: None,
        }
    }
}

/// Demand-wide settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DemandSpec {
    /// Multiplies every flow's trains per year (growth scenarios).
    pub multiplier: f64,
    /// Twelve monthly rate multipliers, January first. They are scaled so
    /// that their average weighted by the days of each month is 1, so
    /// `trains_per_year` holds whatever their scale.
    pub seasonality: Vec<f64>,
    /// The calendar year the run starts in (day 0 is its 1 January):
    /// results are then reported per year as well as overall.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_year: Option<u32>,
}

impl Default for DemandSpec {
    fn default() -> Self {
        DemandSpec {
            multiplier: 1.0,
            seasonality: vec![1.0; 12],
            start_year: None,
        }
    }
}

/// What kind of place a node is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKindSpec {
    /// Where trains start or end.
    Hub,
    /// A place trains pass through (and where routes may part).
    Junction,
}

/// A hub or junction.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeSpec {
    /// Display name.
    pub name: String,
    /// Hub or junction.
    pub kind: NodeKindSpec,
    /// Track gauge at the node \[mm\]: 1435 or 1520.
    pub gauge_mm: u32,
}

/// How a port changes gauge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GaugeChangeSpec {
    /// Containers lifted between wagons of the two gauges by cranes.
    Transshipment,
    /// Wagons lifted and their bogies exchanged (no cranes).
    BogieExchange,
    /// Same gauge on both sides: inspection and handover only.
    None,
}

/// A border crossing: a pair of stations on either side of a border.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortSpec {
    /// Display name.
    pub name: String,
    /// Gauge on the western (European) side \[mm\].
    pub west_gauge_mm: u32,
    /// Gauge on the eastern (Chinese) side \[mm\].
    pub east_gauge_mm: u32,
    /// How the gauge changes.
    pub gauge_change: GaugeChangeSpec,
    /// Random stoppages (wind, storms), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub random_closures: Option<ClosureSpec>,
    /// Planned closures (maintenance, holidays).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scheduled_closures: Vec<WindowSpec>,
    /// Dated reductions of capacity (a 13-day border closure, say).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cuts: Vec<CutSpec>,
    /// Random reductions of capacity with a seasonal profile (storms).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub random_cuts: Vec<RandomCutSpec>,
    /// The day the port opens, counted from the start of the run
    /// including warm-up; absent: open from the start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens_day: Option<f64>,
    /// Dated changes of capacity that stay, in order of their days (a
    /// ramp-up after opening, a cap doubled).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<ChangeSpec>,
    /// Trains travelling towards Europe, served on the western side.
    pub westbound: PortSideSpec,
    /// Trains travelling towards China, served on the eastern side.
    pub eastbound: PortSideSpec,
}

/// An alternating on/off stoppage process.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClosureSpec {
    /// Mean open time between stoppages (exponential) \[days\].
    pub mean_days_between: f64,
    /// Length of one stoppage.
    pub duration: DistSpec,
}

/// A planned closure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowSpec {
    /// Start, counted from the start of the run including warm-up \[days\].
    pub start_day: f64,
    /// Length \[h\].
    pub hours: f64,
}

/// One direction's facility at a port.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortSideSpec {
    /// Transshipment (or bogie-exchange) tracks: parallel servers.
    pub tracks: u32,
    /// Gantry cranes or reach stackers shared by the tracks (0 unless the
    /// gauge change is a transshipment).
    #[serde(default)]
    pub cranes: u32,
    /// Cranes that work one train at a time.
    #[serde(default = "one")]
    pub cranes_per_train: u32,
    /// Crane (or bogie-exchange) time for a reference train.
    pub transshipment: DistSpec,
    /// Containers on the reference train: the time scales with a train's
    /// containers over this number \[FEU\].
    pub reference_containers: u32,
    /// Time on the track after the cranes finish (brake test, papers).
    pub track_release: DistSpec,
    /// Inspection and customs before a track is needed.
    pub inspection: DistSpec,
    /// Interstate handover cap \[trains/day\]; absent for none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handover_cap_trains_per_day: Option<u32>,
    /// Waiting places for trains in inspection or queued for a track; a
    /// train that finds them full is held upstream \[trains\].
    pub yard_capacity_trains: u32,
    /// Largest train leaving on this side \[FEU or wagons\]: longer
    /// formations are re-formed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_containers_out: Option<u32>,
    /// Re-form by consolidation: what trains bring for the same remaining
    /// route is pooled into trains of `max_containers_out`, and what is
    /// left leaves after at most this wait \[h\]. Absent: a long formation
    /// is split into the fewest near-equal trains at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consolidate_max_wait_hours: Option<f64>,
    /// Inspection teams working at once; absent for as many as there are
    /// trains.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inspection_teams: Option<u32>,
    /// When inspections start, e.g. `{ from_hour = 8, to_hour = 20 }`;
    /// absent for at any hour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inspection_hours: Option<HoursSpec>,
    /// A share of trains selected for a longer inspection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deep_inspection: Option<HoldSpec>,
    /// Trains that can wait for the handover at the sending station; more
    /// are held on the approach line \[trains\]. Absent for unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handover_siding_trains: Option<u32>,
    /// Trains that can wait to leave after their track work; when full, a
    /// finished train stays on its track \[trains\]. Absent for unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub departure_tracks: Option<u32>,
    /// The wagons of the outgoing gauge that container trains need.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wagon_pool: Option<WagonPoolSpec>,
    /// The locomotives every train leaving the side needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locomotive_pool: Option<LocomotivePoolSpec>,
    /// How this side treats each traffic class other than containers (and,
    /// under `container`, the container class's priority, reservation,
    /// holds and acceptance), by class id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub classes: BTreeMap<String, ClassAtSideSpec>,
}

/// Working hours of a day.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HoursSpec {
    /// Start \[h, 0–24\].
    pub from_hour: f64,
    /// End \[h, 0–24\]; before `from_hour` to span midnight.
    pub to_hour: f64,
}

/// A share of trains held longer, and for how long.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HoldSpec {
    /// Share of trains selected, from 0 to 1.
    pub share: f64,
    /// Length of the stop.
    pub duration: DistSpec,
}

/// A pool of wagons.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WagonPoolSpec {
    /// Wagons in the pool.
    pub wagons: u32,
    /// Time from a train's departure until its wagons are back, empty.
    pub turnaround: DistSpec,
}

/// A pool of locomotives.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocomotivePoolSpec {
    /// Locomotives in the pool.
    pub locomotives: u32,
    /// Time from coupling to a train until the locomotive is back.
    pub turnaround: DistSpec,
}

/// How a port side handles a traffic class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandlingSpec {
    /// Transloaded at the class's own facility (`tracks`, `service`,
    /// `reference_wagons`).
    Transload,
    /// Lifted by the side's cranes, like containers.
    Transship,
    /// Nothing to change: inspected and on its way (empties).
    Pass,
}

/// What a refused train does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusedSpec {
    /// Waits at its origin until the ban is lifted.
    #[default]
    Wait,
    /// Is cancelled.
    Cancel,
}

/// An acceptance policy.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptanceSpec {
    /// Stop accepting when this many trains of the class wait at the
    /// border for the handover.
    pub stop_above_trains: u32,
    /// Accept again when no more than this many wait.
    pub resume_below_trains: u32,
    /// What a refused train does: `wait` at its origin or be `cancel`led.
    #[serde(default)]
    pub refused: RefusedSpec,
}

/// One class at one port side.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassAtSideSpec {
    /// `transload` (own facility), `transship` (the cranes) or `pass`;
    /// absent: `transship` for containers, `transload` for other classes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handling: Option<HandlingSpec>,
    /// Tracks of the class's own facility (transload).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracks: Option<u32>,
    /// Time a reference train takes at the facility (transload).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<DistSpec>,
    /// Wagons of the reference train (transload).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_wagons: Option<u32>,
    /// A share held for a longer inspection (phytosanitary checks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold: Option<HoldSpec>,
    /// Handed over before classes of a lower priority.
    #[serde(default)]
    pub priority: u32,
    /// Handover slots a day kept for this class \[trains/day\].
    #[serde(default)]
    pub reserved_slots_per_day: u32,
    /// When the side stops accepting trains of this class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acceptance: Option<AcceptanceSpec>,
}

/// A dated reduction of capacity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CutSpec {
    /// Start, counted from the start of the run including warm-up \[days\].
    pub start_day: f64,
    /// Length \[days\].
    pub days: f64,
    /// Factor on the handover caps (a section: on its paths), 0 to 1.
    #[serde(default = "unit")]
    pub capacity_factor: f64,
    /// Factor on the cranes and transloading tracks, 0 to 1 (ports only).
    #[serde(default = "unit")]
    pub cranes_factor: f64,
}

/// A dated change of capacity that stays until the next one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeSpec {
    /// From when, counted from the start of the run including warm-up
    /// \[days\].
    pub from_day: f64,
    /// Factor on the handover caps (a section: on its paths) relative to
    /// the scenario's values, 0 to 100.
    #[serde(default = "unit")]
    pub capacity_factor: f64,
    /// Factor on the cranes and transloading tracks, 0 to 100 (ports
    /// only).
    #[serde(default = "unit")]
    pub cranes_factor: f64,
}

/// Random reductions of capacity with a seasonal profile.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RandomCutSpec {
    /// Events a year on average.
    pub events_per_year: f64,
    /// Twelve weights, January first (default: the same every month).
    #[serde(default = "flat_months")]
    pub monthly_weights: Vec<f64>,
    /// Length of one event.
    pub duration: DistSpec,
    /// Factor on the handover caps (a section: on its paths), 0 to 1.
    #[serde(default = "unit")]
    pub capacity_factor: f64,
    /// Factor on the cranes and transloading tracks, 0 to 1 (ports only).
    #[serde(default = "unit")]
    pub cranes_factor: f64,
}

fn unit() -> f64 {
    1.0
}

fn flat_months() -> Vec<f64> {
    vec![1.0; 12]
}

/// A traffic class.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassSpec {
    /// Display name.
    pub name: String,
    /// Tonnes a container or wagon carries \[t\].
    pub tonnes_per_unit: f64,
    /// Demand growth of the class's flows from one year of the run to the
    /// next (`0.03` for +3 %), the last rate for every later year; a flow's
    /// own `growth_per_year` takes precedence.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub growth_per_year: Vec<f64>,
}

fn one() -> u32 {
    1
}

/// A line section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionSpec {
    /// One end: a node or port id.
    pub from: String,
    /// The other end: a node or port id.
    pub to: String,
    /// Track gauge \[mm\].
    pub gauge_mm: u32,
    /// Running time end to end.
    pub running: DistSpec,
    /// Train paths per day in each direction (on a single track, both
    /// directions together); absent for unconstrained.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paths_per_day: Option<f64>,
    /// A single track: both directions share its paths and its capacity.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub single_track: bool,
    /// Passing loops on a single track: without `paths_per_day`, the
    /// paths a day both directions together are `24 × (loops + 1) / mean
    /// running time`, one train a block at a time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passing_loops: Option<u32>,
    /// The most trains on the section at once in each direction (both
    /// directions together on a single track), running or held at its far
    /// end; absent for unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_trains: Option<u32>,
    /// Dated reductions of the paths.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cuts: Vec<CutSpec>,
    /// Random reductions of the paths.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub random_cuts: Vec<RandomCutSpec>,
    /// Dated changes of the paths that stay (a second track opened).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<ChangeSpec>,
    /// When the railway stops accepting trains for the section (in each
    /// direction, counting the trains waiting to enter it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acceptance: Option<AcceptanceSpec>,
}

fn container() -> String {
    "container".to_string()
}

fn is_container(c: &str) -> bool {
    c == "container"
}

/// Direction of travel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DirectionSpec {
    /// From China towards Europe.
    Westbound,
    /// From Europe towards China.
    Eastbound,
}

/// How trains of a flow choose among their candidate routes.
///
/// In TOML: `routing = "fixed_shares"`, `routing = "shortest_expected_delay"`,
/// `routing = "shortest_queue"` or `routing = { logit = { scale_hours = 6.0 } }`.
#[derive(Clone, Copy, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoutingSpec {
    /// Draw a route with the given shares.
    #[default]
    FixedShares,
    /// Take the route with the least expected time given the trains queued
    /// at and on their way to each port ahead.
    ShortestExpectedDelay,
    /// Join the shortest queue: the route whose first port ahead has the
    /// fewest trains at its border, inside it and on their way to it.
    ShortestQueue,
    /// A logit choice on expected time, the shares (if given) weighting
    /// the candidates.
    Logit {
        /// The scale \[h\]: a time difference of this much changes the
        /// odds by a factor of e.
        scale_hours: f64,
    },
}

/// How a flow's trains are released.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ArrivalSpec {
    /// A Poisson process whose rate follows the seasonality.
    #[default]
    Poisson,
    /// Evenly spaced departures (at the seasonal rate), each late by a
    /// random amount.
    Timetable {
        /// Lateness of each departure.
        lateness: DistSpec,
    },
}

/// An origin–destination flow of trains.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowSpec {
    /// Origin hub id.
    pub origin: String,
    /// Destination hub ids with the share of the flow's trains bound for
    /// each (shares sum to 1), e.g. `{ duisburg = 0.6, lodz = 0.4 }`.
    pub destinations: BTreeMap<String, f64>,
    /// Direction of travel (selects the port side).
    pub direction: DirectionSpec,
    /// Mean trains per year before the demand multiplier.
    pub trains_per_year: f64,
    /// The traffic class (default `container`).
    #[serde(default = "container", skip_serializing_if = "is_container")]
    pub class: String,
    /// Containers per train \[FEU\] (container trains).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub containers_per_train: Option<u32>,
    /// Wagons per train (trains of other classes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wagons_per_train: Option<u32>,
    /// Candidate routes, the same for every destination: each is the
    /// quickest gauge-consistent path through the listed node or port ids
    /// in order. Empty: the quickest path.
    #[serde(default)]
    pub via: Vec<Vec<String>>,
    /// Shares of the candidate routes under fixed-share routing (sum 1).
    #[serde(default)]
    pub shares: Vec<f64>,
    /// Routing policy.
    #[serde(default)]
    pub routing: RoutingSpec,
    /// Where trains choose among the candidates: a node or port on all of
    /// them before they part; absent: where they part.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decide_at: Option<String>,
    /// A preference for each candidate route that the model does not
    /// explain (contracts, operators, habit), in hours added to its
    /// expected time before a logit or shortest-expected-delay choice
    /// (negative: preferred); absent: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub route_bias_hours: Vec<f64>,
    /// Demand growth from one year of the run to the next (`0.03` for
    /// +3 %), the last rate for every later year; absent: the class's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub growth_per_year: Vec<f64>,
    /// Release process.
    #[serde(default)]
    pub arrival: ArrivalSpec,
}

/// A choice on the way: trains of `direction` and `classes` bound for one
/// of `destinations` choose again among `via` at the first of the places
/// `at` they reach.
///
/// ```toml
/// [choices.eu_border]
/// at = ["russia"]
/// direction = "westbound"
/// destinations = ["duisburg", "lodz"]
/// via = [[], ["bruzgi_kuznica"]]        # [] stays on the current route
/// routing = { logit = { scale_hours = 12.0 } }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceSpec {
    /// What the choice stands for (for people; not used by the model).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Node or port ids where trains choose: the first of them a train
    /// reaches.
    pub at: Vec<String>,
    /// Direction of the trains that choose.
    pub direction: DirectionSpec,
    /// Destination hub ids of the trains that choose.
    pub destinations: Vec<String>,
    /// Classes of the trains that choose (default: containers).
    #[serde(default = "containers", skip_serializing_if = "is_containers")]
    pub classes: Vec<String>,
    /// Ids of the flows whose trains choose (absent: every flow).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flows: Vec<String>,
    /// The candidates: each the quickest gauge-consistent path from the
    /// place through the listed node or port ids to the train's
    /// destination; `[]` stays on the current route.
    pub via: Vec<Vec<String>>,
    /// Shares of the candidates under fixed-share routing (sum 1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shares: Vec<f64>,
    /// Routing policy.
    #[serde(default)]
    pub routing: RoutingSpec,
    /// Hours added to each candidate's expected time (negative:
    /// preferred); absent: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub route_bias_hours: Vec<f64>,
}

fn containers() -> Vec<String> {
    vec![container()]
}

fn is_containers(v: &[String]) -> bool {
    v.len() == 1 && is_container(&v[0])
}
