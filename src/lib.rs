//! # silkrail
//!
//! Discrete-event simulation of China–Europe rail freight: container trains
//! from Chinese hubs through the border ports where the track gauge changes
//! (1435 mm to 1520 mm at the China–Kazakhstan border, and back at
//! Brest–Małaszewicze), with parallel Monte Carlo experiments that compare
//! congestion with and without the new Baktu–Bakhty crossing.
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
//! | module | owns |
//! |---|---|
//! | [`time`] | [`SimTime`](time::SimTime) and [`SimDuration`](time::SimDuration): integer milliseconds |
//! | [`engine`] | the domain-free kernel: event queue, clock, run loop |
//! | [`corridor`] | border ports, line sections, trains, routing: the model the kernel drives |
//! | [`scenario`] | TOML/JSON scenario files, validation, the built-in reference corridor |
//! | [`montecarlo`] | seeding, parallel replications, paired comparison, stopping rule, sweep |
//! | [`stats`] | online moments, time-weighted means, histograms, intervals |
//! | [`report`] | terminal tables, JSON and CSV, SVG charts |
//! | [`study`] | a comparison with its sweep and output files |
//! | [`queueing`] | a G/G/c station on the kernel and the theory it must reproduce |
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
//! replication index, stream): see [`montecarlo::stream_rng`]. The same
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
pub mod montecarlo;
pub mod queueing;
pub mod report;
pub mod scenario;
pub mod stats;
pub mod study;
pub mod time;
