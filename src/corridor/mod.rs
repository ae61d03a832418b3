//! The rail domain: border ports with break of gauge, line sections with
//! capacity, trains, routing, closures and re-forming; the model that the
//! kernel drives.
//!
//! # What is modelled
//!
//! - **Flows** release trains at Chinese or European hubs (Poisson at a
//!   monthly seasonal rate, or a timetable with random lateness). Each
//!   train carries consignments of containers and a record of how long it
//!   has waited.
//! - **Line sections** take a random running time and, where capacity
//!   binds, space trains in each direction at least one path apart
//!   (`paths_per_day`); a train that finds no free path is held, and the
//!   hold is measured.
//! - **Border ports**, one per pair of stations, with one facility per
//!   direction (westbound trains are served on the western side):
//!   1. a yard of finite capacity: a train that finds it full is held
//!      upstream (blocking), and the hold is measured;
//!   2. inspection and customs (a delay, in parallel for all trains);
//!   3. a FIFO queue for a transshipment track (parallel servers);
//!   4. on the track, a FIFO queue for `cranes_per_train` of the side's
//!      cranes, crane time scaled by the train's containers, then track
//!      time (brake test, papers);
//!   5. the interstate handover, at most `handover_cap_per_day`
//!      formations per calendar day, in arrival order at the departure
//!      yard. With `couple_waiting_trains`, the formation first takes on
//!      trains waiting behind it for the same remaining route, up to
//!      `max_containers_out`; the cap counts the coupled formation once;
//!   6. re-forming on the receiving side: a formation longer than
//!      `max_containers_out` is split into the fewest near-equal trains.
//!      Every container is conserved.
//!
//!   Closures (random on/off stoppages and planned windows) stop new track
//!   starts, new crane work and handovers; work already under way
//!   finishes.
//! - **Routing**: a flow may list candidate routes (`via`); a train chooses
//!   at the last place its candidates share, by fixed shares, by the least
//!   expected delay given live queues, or by a [`RoutingPolicy`] of your
//!   own.
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
//! Each flow's releases, and each port's closures, draw from a stream keyed
//! by the scenario id; each train draws from a stream keyed by its flow and
//! sequence number: first its destination and its routing draw (both
//! always, whatever its routes), then its running, inspection and crane
//! times as it meets them. Adding a port or a route therefore leaves every
//! other flow's and port's draws where they were, and a train that keeps
//! its route keeps its times: two variants see the same trains on the same
//! days (common random numbers).

mod builder;
mod dist;
mod ids;
mod metrics;
mod model;
mod network;
mod report;
mod routes;
mod routing;

pub use builder::NetworkBuilder;
pub use dist::{DistError, HoursDist};
pub use ids::{Direction, FlowId, Gauge, GaugeChange, PlaceId, PortId, RouteId, SectionId};
pub use metrics::metric_keys;
pub use model::{CorridorEvent, CorridorModel, MAX_TRAINS_IN_SYSTEM, RunSettings};
pub use network::{
    ArrivalProcess, BorderPort, ClosureWindow, Destination, Flow, FlowDef, Network, Place,
    PlaceKind, PortSide, RandomClosures, Route, Section,
};
pub use report::{
    FlowStats, NetworkStats, OdStats, PortStats, ReplicationReport, SectionStats, SideStats,
    TraceEvent, TraceRecord, ms_to_hours,
};
pub use routing::{FixedShares, RoutingContext, RoutingPolicy, ShortestExpectedDelay};
