//! Monte Carlo experiments: seeding, replications in parallel, paired
//! comparisons.

mod seed;

pub use seed::{SimRng, stream_rng};
