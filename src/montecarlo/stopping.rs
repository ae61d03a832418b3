//! Adding replications until an interval is narrow enough.

use serde::{Deserialize, Serialize};

use super::{Arm, ExperimentResult, RowSink, RunError, Runner};
use crate::metric::MetricKey;
use crate::stats::ExactMoments;

/// When to stop adding replications: the interval of `metric` (with one
/// arm) or of every arm's paired difference against the first (with
/// several) is at most `relative_half_width` of |mean|, or `max`
/// replications have run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoppingRule {
    /// The metric watched.
    pub metric: MetricKey,
    /// Target half-width as a fraction of |mean|.
    pub relative_half_width: f64,
    /// Confidence level of the interval.
    pub level: f64,
    /// Replications always run.
    pub min: u64,
    /// Replications never exceeded.
    pub max: u64,
    /// Replications added per round.
    pub batch: u64,
}

impl StoppingRule {
    /// Whether `sample` is precise enough.
    pub fn satisfied(&self, sample: &ExactMoments) -> bool {
        sample
            .confidence_interval(self.level)
            .and_then(|ci| ci.relative_half_width())
            .is_some_and(|r| r <= self.relative_half_width)
    }
}

/// The moments the rule watches: the metric of the only arm, or the paired
/// difference of each later arm against the first.
fn watched<'a>(result: &'a ExperimentResult, rule: &StoppingRule) -> Vec<Option<&'a ExactMoments>> {
    if result.arms.len() == 1 {
        vec![result.arms[0].moments(&rule.metric)]
    } else {
        result
            .pairs
            .iter()
            .map(|p| p.difference_moments(&rule.metric))
            .collect()
    }
}

impl Runner {
    /// Runs replications of every arm in rounds of `rule.batch` until the
    /// rule is met (never fewer than `rule.min`, never more than
    /// `rule.max`), streaming rows to `rows`.
    ///
    /// # Errors
    ///
    /// [`RunError::UnknownMetric`] before any replication runs if the first
    /// arm's model does not report the rule's metric; otherwise as
    /// [`Runner::run`].
    pub fn run_until_precise(
        &self,
        arms: &[Arm<'_>],
        rule: &StoppingRule,
        rows: &mut dyn RowSink,
    ) -> Result<ExperimentResult, RunError> {
        let first = arms.first().ok_or(RunError::NoArms)?;
        let keys = first.model.metric_keys();
        if !keys.contains(&rule.metric) {
            return Err(unknown_metric(&rule.metric.to_string(), &keys));
        }
        let mut result = ExperimentResult::new(arms.iter().map(|a| a.label));
        let mut n = 0;
        loop {
            let target = if n < rule.min {
                rule.min.min(rule.max)
            } else {
                (n + rule.batch.max(1)).min(rule.max)
            };
            result
                .merge(self.run(arms, n..target, rows)?)
                .expect("consecutive batches of the same arms never overlap");
            n = target;
            let precise = watched(&result, rule)
                .iter()
                .all(|m| m.is_some_and(|m| rule.satisfied(m)));
            if (precise && n >= rule.min) || n >= rule.max {
                return Ok(result);
            }
        }
    }
}

/// The error for a metric name that is not among `keys`, with up to eight
/// names that share its first part.
pub(crate) fn unknown_metric(metric: &str, keys: &[MetricKey]) -> RunError {
    let head = metric.split('.').next().unwrap_or("");
    let mut similar: Vec<String> = keys
        .iter()
        .map(ToString::to_string)
        .filter(|n| n.starts_with(head))
        .collect();
    similar.sort_unstable();
    similar.truncate(8);
    RunError::UnknownMetric {
        metric: metric.to_string(),
        similar,
    }
}
