//! The validated experiment settings of a scenario.

use crate::metric::MetricKey;
use crate::montecarlo::StoppingRule;
use crate::time::SimDuration;

/// Validated experiment settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Experiment {
    /// Measured span after the warm-up.
    pub horizon: SimDuration,
    /// Warm-up before measurement.
    pub warmup: SimDuration,
    /// Replications.
    pub replications: u64,
    /// Master seed.
    pub seed: u64,
    /// Total wait above which a train counts as delayed.
    pub delay_threshold: SimDuration,
    /// Keep a per-train trace.
    pub trace: bool,
    /// The stopping rule, if the scenario gives one.
    pub stopping: Option<StoppingRule>,
    /// The default demand sweep, if the scenario gives one.
    pub sweep: Option<SweepSettings>,
}

/// A demand sweep as a scenario file gives it, validated.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepSettings {
    /// Demand multipliers, ascending.
    pub multipliers: Vec<f64>,
    /// The congestion measure.
    pub metric: MetricKey,
    /// The value of the measure that counts as saturated.
    pub threshold: f64,
    /// Replications per multiplier and variant.
    pub replications: u64,
}

/// The most trains a replication may carry over its warm-up and horizon
/// (all flows, both directions, after the demand multiplier): 2 × 10⁶, fifty
/// times the reference corridor's year. Beyond it a replication takes
/// minutes and holds gigabytes of trains in flight, which is a units
/// mistake, not a study.
pub const MAX_TRAINS_PER_REPLICATION: f64 = 2.0e6;
