//! # silkrail
//!
//! Discrete-event simulation of China–Europe rail freight: container trains
//! from Chinese hubs, and the bulk freight that shares their border slots,
//! through the border ports where the track gauge changes (1435 mm to
//! 1520 mm at the China–Kazakhstan border, and back at Brest–Małaszewicze),
//! with parallel Monte Carlo experiments that compare congestion with and
//! without the new Baktu–Bakhty crossing.
//!
//! ```text
//!  Chinese hubs        CN port        KZ port         1520 mm network      EU border          EU hubs
//!  Xi'an, Chengdu,  →  Alashankou  ↔  Dostyk     →   Kazakhstan, Russia, → Brest ↔          → Duisburg,
//!  Chongqing, …        Khorgos     ↔  Altynkol       Belarus               Małaszewicze       Hamburg, Łódź
//!                      Baktu (new) ↔  Bakhty → Ayagoz
//! ```
//!
//! ## Layers
//!
//! Dependencies flow one way, downwards, with no import cycle between
//! modules or between the files of one module (`tests/layers.rs` checks
//! both). A module imports only from the rows above it:
//!
//! | layer | module | owns |
//! |---|---|---|
//! | foundation | [`time`], [`rng`], [`error`] | integer time, portable random streams keyed by (seed, replication, purpose), the errors layers share |
//! | statistics | [`stats`] | online and exactly mergeable moments, time-weighted means, histograms, intervals, distribution functions |
//! | vocabulary, kernel | [`metric`], [`engine`] | typed metric keys and what a replication reports; the domain-free event queue and run loop |
//! | experiments | [`montecarlo`] | generic over any model that implements [`montecarlo::Replicate`]: parallel replications, common random numbers, paired comparison, stopping rules, shards and their exact merge |
//! | models | [`corridor`], [`queueing`] | the rail domain and its builder; a G/G/c station and the theory it must reproduce |
//! | input | [`scenario`] | TOML/JSON files, validation into domain types with file, line, column and field path, the built-in corridor |
//! | studies | [`study`] | the corridor as a replicable model, comparisons of variants, demand sweeps, the partial results of shards, calibration against observed figures |
//! | output | [`report`] | output folders replaced whole, `summary.json`, CSV per RFC 4180, tables, SVG charts |
//!
//! The `silkrail` binary only parses arguments, calls these and prints.
//!
//! ## Units
//!
//! Simulated time is integer milliseconds ([`time::SimTime`],
//! [`time::SimDuration`]); sampled durations enter through one checked
//! conversion from `f64` hours. Everything else carries its unit in its
//! name: scenario keys (`mean_hours`, `paths_per_day`,
//! `handover_cap_trains_per_day`), struct fields (`yard_capacity`,
//! documented in trains) and metric keys, whose text form ends in the unit
//! (`delay_mean_hours`, `throughput_trains_per_day`, `track_utilisation_ratio`;
//! see [`metric::Unit`]). Distributions of durations are recorded in
//! milliseconds; tables and charts show hours and days.
//!
//! ## Cargo features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `cli` | yes | the `silkrail` command-line tool (and its dependency on `clap`); a library user may leave it out with `default-features = false` |
//!
//! ## Ordering guarantee
//!
//! Events leave the kernel's queue in time order, and **events due at the
//! same time leave in the order they were scheduled**. Scheduling into the
//! past is an error value ([`engine::ScheduleError::InPast`]), never a silent
//! reorder. See [`engine`].
//!
//! ## Reproducibility guarantee
//!
//! Every random number is drawn from a named, portable generator
//! (Xoshiro256++) whose state is a pure function of (master seed,
//! replication index, stream): see [`rng::stream_rng`]. The same
//! seed gives bit-identical results on every run, for any number of
//! threads and any split of the replications into shards.
//!
//! ## No-panic contract
//!
//! Bad input is reported as an error value. A panic inside silkrail is a
//! bug: it means an internal invariant broke.
//!
//! ## Example
//!
//! An M/M/3 queue on the kernel. Little's law holds on every sample path
//! to the millisecond; the simulated mean wait is printed beside Erlang C:
//!
//! ```
//! use rand_distr::Exp;
//! use silkrail::queueing::{Station, erlang_c};
//!
//! let (lambda, mu) = (2.4, 1.0);
//! let station = Station::new(3, Exp::new(lambda)?, Exp::new(mu)?, 0, 50_000, 42, 0);
//! let mut sim = station.into_simulation();
//! sim.run(); // until the last customer has left
//! let stats = sim.model().stats();
//! assert_eq!(stats.in_system.area(sim.now()), stats.sojourn_ms); // L·T = Σ W
//! println!(
//!     "Wq simulated {:.3} h, Erlang C {:.3} h",
//!     stats.wait_hours.mean().unwrap_or(f64::NAN),
//!     erlang_c(3, lambda, mu).map_or(f64::NAN, |s| s.wq),
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod corridor;
pub mod engine;
pub mod error;
pub mod metric;
pub mod montecarlo;
pub mod queueing;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod stats;
pub mod study;
pub mod time;

/// The README's library example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
