//! The rail domain: border ports with break of gauge, line sections with
//! capacity, trains, routing, closures and re-forming; the model that the
//! kernel drives.
//!
//! # What is modelled
//!
//! - **Traffic classes**: container trains and, as a scenario defines
//!   them, grain, ore and metals, other bulk, empties. Every class
//!   competes for the same handover caps and line paths; each port side
//!   says how it handles each class.
//! - **Flows** release trains of one class at a hub (Poisson at a monthly
//!   seasonal rate, or a timetable with random lateness). Each train
//!   carries consignments of units (containers or wagons) and a record of
//!   how long they have waited. A train whose every candidate route passes
//!   a port side that refuses its class now (an acceptance ban) waits at
//!   its origin, or is cancelled, as the side's policy says.
//! - **Line sections** take a random running time; where `paths_per_day`
//!   binds, trains in each direction are spaced at least one path apart,
//!   and where `capacity_trains` binds, a train finding the line full
//!   waits at the place before it. Trains that cannot enter the port at
//!   the far end stay on the line, holding their place: spill-back.
//! - **Border ports**, one per pair of stations, with one facility per
//!   direction (westbound trains are served on the western side):
//!   1. at the border, the interstate handover: trains wait in the sending
//!      station's siding (or on the line when it is full) and are handed
//!      over by class priority, then in arrival order, at most
//!      `handover_cap_per_day` a calendar day (with slots a class may
//!      reserve), and only while the receiving yard has room;
//!   2. the yard, of finite capacity, where inspection and customs happen
//!      (by a number of teams in working hours, if given), with a share of
//!      trains held longer (deep inspection, phytosanitary checks);
//!   3. the facility of the train's class: containers take a transshipment
//!      track (FIFO), wait there for empty wagons of the outgoing gauge if
//!      the side keeps a pool, then for `cranes_per_train` of the side's
//!      cranes (crane time scaled by the train's containers) and track
//!      time; bulk classes take a track of their own facility; empties
//!      pass;
//!   4. a departure track: while all are taken, a finished train keeps its
//!      own track, which serves no one, and the yard and the border back
//!      up behind it;
//!   5. re-forming for the next network: a formation longer than
//!      `max_containers_out` is split into the fewest near-equal trains,
//!      or pooled with what others bring for the same remaining route into
//!      full trains that leave at once, the rest after at most a given
//!      wait; a locomotive from the side's pool, if it keeps one; then the
//!      line ahead, as soon as it has room.
//!
//!   Every train, container, wagon and locomotive is conserved.
//!   Closures (random on/off stoppages and planned windows) stop new
//!   handovers and the start of new track, crane and transloading work;
//!   work already under way finishes. Reductions cut a port's caps and
//!   cranes, or a section's paths, to a fraction while they last: dated,
//!   or random with a monthly profile.
//! - **Routing**: a flow may list candidate routes (`via`); a train chooses
//!   at the last place its candidates share (or at `decide_at`), by fixed
//!   shares, by a [`Logit`] on expected time, by the least expected time,
//!   or by a [`RoutingPolicy`] of your own. The expected time counts the
//!   trains queued at and on their way to each port ahead. A candidate
//!   through a port not yet open does not exist; one through a side that
//!   refuses its class is not taken while another is open.
//! - **Time**: ports open on a date (`opens_day`), capacities change on
//!   dates (`changes`), demand grows by year (`growth_per_year`), and a run
//!   with a `start_year` reports each calendar year.
//!
//! # Building a network
//!
//! A [`Network`] comes from a scenario file (see [`crate::scenario`]) or
//! from a [`NetworkBuilder`] in code; both validate the same way and give
//! the same errors. Its fields are private: an invalid network cannot be
//! made.
//!
//! # Randomness
//!
//! Each flow's releases, and each port's and section's closures and
//! reductions, draw from a stream keyed by the scenario id; each train draws from a stream keyed by its flow and
//! sequence number: first its destination and its routing draw (both
//! always, whatever its routes), then its running, inspection and crane
//! times as it meets them; its holds, its wagons' and its locomotive's
//! turnarounds come from streams of the train's own. Adding a port or a
//! route therefore leaves every
//! other flow's and port's draws where they were, and a train that keeps
//! its route keeps its times: two variants see the same trains on the same
//! days (common random numbers).

mod builder;
mod checks;
mod choices;
mod daily;
mod dist;
mod flows;
mod ids;
mod legs;
mod metrics;
mod model;
mod network;
mod report;
mod routes;
mod routing;
mod tally;
mod years;

pub use builder::DEFAULT_TONNES_PER_FEU;
pub use builder::NetworkBuilder;
pub use choices::{Choice, ChoiceDef, MAX_CHOICES};
pub use daily::{DAILY_MEASURES, DailySide, month_label, monthly_means};
pub use dist::{DistError, HoursDist};
pub use ids::{
    ClassId, Direction, FlowId, Gauge, GaugeChange, PlaceId, PortId, RouteId, SectionId,
};
pub use metrics::{USE_MEASURES, metric_keys, metric_keys_over, series_key};
pub use model::{CorridorEvent, CorridorModel, MAX_TRAINS_IN_SYSTEM, RunSettings};
pub use network::{
    Acceptance, ArrivalProcess, BorderPort, Change, ClassAtSide, ClosureWindow, Cut, CutTarget,
    DatedCut, Destination, Flow, FlowDef, Handling, Hold, LocomotivePool, Network, Place,
    PlaceKind, PortSide, RandomClosures, RandomCuts, Refused, Refuser, Route, Section,
    TrafficClass, WagonPool, WorkingHours,
};
pub use report::{
    ClassFlowStats, ClassInfo, FlowStats, LineStats, NetworkStats, OdStats, PortStats,
    ReplicationReport, SectionStats, SideStats, TraceEvent, TraceRecord, ms_to_hours,
};
pub use routing::{
    FixedShares, Logit, RoutingContext, RoutingPolicy, ShortestExpectedDelay, ShortestQueue,
};
pub use years::{YearSide, YearStats, years_of};
