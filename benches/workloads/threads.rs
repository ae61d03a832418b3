//! Two-thread scaling: replications of one year of the reference corridor
//! (`y2025`, the calibration year) through the library's runner, and its
//! reference, the hand-written three-port model (60 trains a day) spread
//! over the same threads by rayon, as in the performance anchors.

use rayon::prelude::*;
use silkrail::montecarlo::{Arm, NoRows, Runner};
use silkrail::scenario::Scenario;
use silkrail::study::CorridorExperiment;

use super::{SEED, ports};

/// A runner of `threads` threads, seeded with the workloads' seed.
pub fn runner(threads: usize) -> Runner {
    try_runner(threads).expect("pool starts")
}

/// [`runner`], or why it cannot start (0 or too many threads, or the
/// threads themselves).
pub fn try_runner(threads: usize) -> Result<Runner, String> {
    Runner::new(SEED, Some(threads)).map_err(|e| e.to_string())
}

/// Replications of the hand-written model per run.
pub const HAND_REPS: u64 = 100;

/// The experiment whose replications are timed: the built-in scenario's
/// `y2025`.
pub fn corridor() -> CorridorExperiment {
    let base = Scenario::builtin()
        .with_variant("y2025")
        .expect("the built-in variant is valid");
    CorridorExperiment::of(&base)
}

/// Replications `0..reps` of `model` on `runner` (its threads): the
/// replications run.
pub fn corridor_replications(model: &CorridorExperiment, runner: &Runner, reps: u64) -> u64 {
    let arms = [Arm::new("base", model)];
    runner
        .run(&arms, 0..reps, &mut NoRows)
        .expect("runs")
        .replications()
}

/// A rayon pool of `threads` threads.
pub fn pool(threads: usize) -> rayon::ThreadPool {
    try_pool(threads).expect("pool starts")
}

/// [`pool`], or why it cannot start.
pub fn try_pool(threads: usize) -> Result<rayon::ThreadPool, String> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| e.to_string())
}

/// [`HAND_REPS`] replications of the hand-written three-port model at 60
/// trains a day on `pool`: the trains delivered, summed.
pub fn by_hand_rayon(pool: &rayon::ThreadPool) -> u64 {
    pool.install(|| {
        (0..HAND_REPS)
            .into_par_iter()
            .map(|r| ports::by_hand(60.0, r).1)
            .sum()
    })
}
