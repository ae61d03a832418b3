//! Monte Carlo experiments for any model: replications in parallel, common
//! random numbers, paired comparison, stopping rules, sweeps, shards and
//! their exact merge.
//!
//! A model takes part by implementing [`Replicate`]: it says which metrics
//! it reports, and it runs replication `r` of master seed `s`, drawing its
//! random numbers only from streams derived from `(s, r)` (see
//! [`crate::rng`]). Everything here is generic over that trait: the
//! corridor, the queueing [`Station`](crate::queueing::Station) and a
//! user's own model get the same runner.
//!
//! # Reproducibility
//!
//! Replications run in parallel on a rayon pool, and each replication's
//! observations are consumed **in replication order**. The statistics kept
//! ([`ExactMoments`](crate::stats::ExactMoments), histograms) merge exactly
//! in any order, so the same seed gives bit-identical results for any
//! number of threads, any chunking and any split into shards merged
//! afterwards, in any order.
//!
//! # Common random numbers
//!
//! Every arm of an experiment (a variant of the scenario, a point of a
//! sweep) runs the same replication indices with the same master seed. A
//! model that keys its random streams by purpose and entity, as the
//! corridor does, therefore shows the same trains on the same days in every
//! arm, and the *paired* difference between two arms has a much narrower
//! interval than two independent runs would give.
//!
//! # Memory
//!
//! Nothing is kept per replication: each arm keeps one accumulator per
//! metric and one merged histogram per distribution, and each pair of arms
//! one accumulator per metric for the paired difference. Rows for a
//! per-replication file stream through a [`RowSink`] as they are produced.
//!
//! # Examples
//!
//! A model of your own: the number of heads in 100 tosses of a fair coin,
//! against a coin that comes up heads 52 % of the time. Both arms draw the
//! same uniforms (common random numbers), so their paired difference is
//! far more precise than two independent runs.
//!
//! ```
//! use rand::RngExt;
//! use silkrail::metric::{MetricKey, Observation, Unit};
//! use silkrail::montecarlo::{Arm, ModelError, NoRows, Replicate, Runner};
//! use silkrail::rng::stream_rng;
//!
//! struct Coin { p: f64 }
//!
//! fn heads() -> MetricKey { MetricKey::new("coin", "heads", Unit::Count) }
//!
//! impl Replicate for Coin {
//!     fn metric_keys(&self) -> Vec<MetricKey> { vec![heads()] }
//!     fn replicate(&self, seed: u64, replication: u64) -> Result<Observation, ModelError> {
//!         let mut rng = stream_rng(seed, replication, 1);
//!         let n = (0..100).filter(|_| rng.random::<f64>() < self.p).count();
//!         let mut obs = Observation::new(100);
//!         obs.put(heads(), Some(n as f64));
//!         Ok(obs)
//!     }
//! }
//!
//! let (fair, biased) = (Coin { p: 0.5 }, Coin { p: 0.52 });
//! let runner = Runner::new(7, Some(2))?;
//! let arms = [Arm::new("fair", &fair), Arm::new("biased", &biased)];
//! let result = runner.run(&arms, 0..200, &mut NoRows)?;
//! let d = result.compare(1, &heads(), 0.95).expect("both arms report heads");
//! assert!(d.difference.mean > 0.0);
//! assert!(d.variance_reduction.unwrap() > 1.0, "pairing helps");
//!
//! // The same experiment in two shards, merged in reverse order: the same bits.
//! let mut second = runner.run(&arms, 100..200, &mut NoRows)?;
//! second.merge(runner.run(&arms, 0..100, &mut NoRows)?)?;
//! assert_eq!(second, result);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod ordered;
mod result;
mod runner;
mod shard;
mod stopping;
mod sweep;

pub use error::{MergeError, ModelError, RunError};
pub use result::{ArmResult, Difference, ExperimentResult, Interval, PairResult};
pub use runner::{
    Arm, Consume, MAX_REPLICATIONS, MAX_THREADS, NoRows, ProgressFn, RowSink, Runner,
};
pub use shard::{Shard, ShardError, ShardSource, check_shards};
pub use stopping::StoppingRule;
pub(crate) use stopping::unknown_metric;
pub use sweep::{
    SweepPoint, SweepSeries, crossing, falling_crossing, is_falling, saturation_point,
};

use crate::metric::{MetricKey, Observation};

/// A model that can be replicated: built for replication `r` of master
/// seed `s`, run, and its metrics returned.
///
/// Implementations must be pure functions of `(seed, replication)` and
/// of their own configuration: draw every random number from
/// [`stream_rng`](crate::rng::stream_rng)`(seed, replication, stream)`,
/// never from a global or thread-local generator, so that results do not
/// depend on threads, shards or the order of work.
pub trait Replicate: Sync {
    /// Every metric the model may report, in the order tables should list
    /// them. A replication may leave some out (undefined there), never add
    /// others.
    fn metric_keys(&self) -> Vec<MetricKey>;

    /// Runs replication `replication` of master seed `seed`.
    ///
    /// # Errors
    ///
    /// A [`ModelError`] if the replication cannot be run; the experiment
    /// stops with it.
    fn replicate(&self, seed: u64, replication: u64) -> Result<Observation, ModelError>;
}

/// Serde helpers: maps with structured keys travel as lists of pairs
/// (JSON objects allow only string keys).
pub(crate) mod pairs {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<K: Serialize, V: Serialize, S: Serializer>(
        map: &BTreeMap<K, V>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(map.iter())
    }

    pub fn deserialize<'de, K, V, D>(d: D) -> Result<BTreeMap<K, V>, D::Error>
    where
        K: Deserialize<'de> + Ord,
        V: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Ok(Vec::<(K, V)>::deserialize(d)?.into_iter().collect())
    }
}
