//! Running replications of several arms in parallel, consumed in order.

use std::ops::Range;
use std::sync::Arc;

use super::ordered::for_each_ordered;
use super::{ExperimentResult, Replicate, RunError};
use crate::metric::Observation;

/// The most worker threads a runner starts: far more than any machine's
/// cores (more threads than cores only add switching).
pub const MAX_THREADS: usize = 256;

/// The most replications one experiment runs: 10⁸, a century of one core
/// for the reference corridor. A larger number is a mistake, not a study.
pub const MAX_REPLICATIONS: u64 = 100_000_000;

/// Arm-replications taken and not yet consumed, per thread: enough that a
/// long replication does not hold the other threads back, few enough to
/// bound the observations alive at once.
const WINDOW_PER_THREAD: usize = 4;

/// A progress callback: called as replications are consumed, after about
/// four arm-replications per thread, with the number
/// completed since the last call (an increment; add them up for a total).
pub type ProgressFn = Arc<dyn Fn(u64) + Send + Sync>;

/// What [`Runner::for_each`] calls for each replication, in replication
/// order: the index and one observation per model.
pub type Consume<'a> = dyn FnMut(u64, &[Observation]) -> Result<(), RunError> + 'a;

/// One arm of an experiment: a label and a model.
#[derive(Clone, Copy)]
pub struct Arm<'a> {
    /// The arm's label, e.g. a variant name.
    pub label: &'a str,
    /// The model run in this arm.
    pub model: &'a dyn Replicate,
}

impl<'a> Arm<'a> {
    /// An arm.
    pub fn new(label: &'a str, model: &'a dyn Replicate) -> Self {
        Arm { label, model }
    }
}

/// Where per-replication rows go as they are produced, in replication
/// order (for each replication, the arms in order).
pub trait RowSink {
    /// One arm's observation in one replication.
    ///
    /// # Errors
    ///
    /// The I/O error of writing it; the experiment stops with it.
    fn row(&mut self, arm: &str, replication: u64, obs: &Observation) -> std::io::Result<()>;
}

/// A [`RowSink`] that keeps nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoRows;

impl RowSink for NoRows {
    fn row(&mut self, _: &str, _: u64, _: &Observation) -> std::io::Result<()> {
        Ok(())
    }
}

/// Runs replications on a pool of worker threads.
pub struct Runner {
    seed: u64,
    pool: rayon::ThreadPool,
    progress: Option<ProgressFn>,
}

impl std::fmt::Debug for Runner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runner")
            .field("seed", &self.seed)
            .field("threads", &self.threads())
            .finish_non_exhaustive()
    }
}

impl Runner {
    /// A runner with master seed `seed` on `threads` worker threads (`None`:
    /// one per core).
    ///
    /// # Errors
    ///
    /// [`RunError::TooManyThreads`] for 0 or more than [`MAX_THREADS`];
    /// [`RunError::ThreadPool`] if the threads cannot start.
    pub fn new(seed: u64, threads: Option<usize>) -> Result<Runner, RunError> {
        let mut builder = rayon::ThreadPoolBuilder::new();
        if let Some(n) = threads {
            if n == 0 || n > MAX_THREADS {
                return Err(RunError::TooManyThreads {
                    requested: n,
                    limit: MAX_THREADS,
                });
            }
            builder = builder.num_threads(n);
        }
        Ok(Runner {
            seed,
            pool: builder.build()?,
            progress: None,
        })
    }

    /// The same runner, reporting progress to `f`.
    pub fn with_progress(mut self, f: ProgressFn) -> Self {
        self.progress = Some(f);
        self
    }

    /// The master seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The number of worker threads.
    pub fn threads(&self) -> usize {
        self.pool.current_num_threads()
    }

    /// Runs replications `indices` of every model in `models` and calls
    /// `consume(replication, observations)` for each replication in
    /// ascending order, with one observation per model in model order.
    ///
    /// # Errors
    ///
    /// [`RunError::Model`] naming the model (by `labels`) and replication
    /// of the first failure in replication order, or whatever `consume`
    /// returns.
    pub fn for_each(
        &self,
        models: &[Arm<'_>],
        indices: Range<u64>,
        consume: &mut Consume<'_>,
    ) -> Result<(), RunError> {
        if models.is_empty() {
            return Err(RunError::NoArms);
        }
        let len = indices.end.saturating_sub(indices.start);
        if len > MAX_REPLICATIONS {
            return Err(RunError::TooManyReplications {
                requested: len,
                limit: MAX_REPLICATIONS,
            });
        }
        let arms = models.len();
        // At most 10⁸ replications of as many arms as fit in memory: the
        // product stays far below 2⁶⁴.
        let items = len * arms as u64;
        // Item i is arm i % arms of replication start + i / arms: the
        // arms of a replication are consumed together, in arm order.
        let window = self.threads() * WINDOW_PER_THREAD;
        let seed = self.seed;
        let start = indices.start;
        let arms64 = arms as u64;
        let replication = |i: u64| start + i / arms64;
        let arm = |i: u64| usize::try_from(i % arms64).expect("below the number of arms, a usize");
        let work = |i: u64| models[arm(i)].model.replicate(seed, replication(i));
        let mut row = Vec::with_capacity(arms);
        let mut unreported = 0u64;
        let report = |n: &mut u64| {
            if let Some(p) = &self.progress {
                p(std::mem::take(n));
            }
        };
        for_each_ordered(&self.pool, items, window, &work, &mut |i, obs| {
            let a = arm(i);
            let r = replication(i);
            row.push(obs.map_err(|source| RunError::Model {
                arm: models[a].label.to_string(),
                replication: r,
                source,
            })?);
            if a + 1 < arms {
                return Ok(());
            }
            consume(r, &row)?;
            row.clear();
            unreported += arms as u64;
            if unreported >= window as u64 || i + 1 == items {
                report(&mut unreported);
            }
            Ok(())
        })
    }

    /// Runs replications `indices` of every arm, pairs every arm with the
    /// first, and streams each replication's observations to `rows`.
    ///
    /// # Errors
    ///
    /// As [`for_each`](Self::for_each), and [`RunError::Rows`] if a row
    /// cannot be written.
    pub fn run(
        &self,
        arms: &[Arm<'_>],
        indices: Range<u64>,
        rows: &mut dyn RowSink,
    ) -> Result<ExperimentResult, RunError> {
        let mut result = ExperimentResult::new(arms.iter().map(|a| a.label));
        self.for_each(arms, indices, &mut |r, obs| {
            for (arm, o) in arms.iter().zip(obs) {
                rows.row(arm.label, r, o)?;
            }
            result.absorb(r, obs);
            Ok(())
        })?;
        Ok(result)
    }
}
