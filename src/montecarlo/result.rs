//! What an experiment keeps: one accumulator per arm and metric, merged
//! histograms, and the paired differences of every arm against the first.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::MergeError;
use crate::metric::{MetricKey, Observation};
use crate::stats::{ExactMoments, Histogram, SeriesMoments, student_t_quantile};

/// The results of one arm (a variant, a sweep point) over its replications.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ArmResult {
    /// The arm's label.
    pub label: String,
    /// Replications absorbed.
    pub replications: u64,
    /// Kernel events over all replications.
    pub events: u64,
    /// Replications whose model invariants failed (always 0 unless there is
    /// a bug).
    pub inconsistent: u64,
    #[serde(with = "super::pairs")]
    metrics: BTreeMap<MetricKey, ExactMoments>,
    #[serde(with = "super::pairs")]
    distributions: BTreeMap<MetricKey, Histogram>,
    #[serde(
        default,
        with = "super::pairs",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    series: BTreeMap<MetricKey, SeriesMoments>,
}

impl ArmResult {
    /// An empty result for an arm.
    pub fn new(label: impl Into<String>) -> Self {
        ArmResult {
            label: label.into(),
            ..ArmResult::default()
        }
    }

    /// Adds one replication's observation.
    pub fn absorb(&mut self, obs: &Observation) {
        self.replications += 1;
        self.events += obs.events;
        self.inconsistent += u64::from(!obs.consistent);
        for (k, v) in &obs.values {
            accumulate(&mut self.metrics, k).push(*v);
        }
        for (k, h) in &obs.distributions {
            match self.distributions.get_mut(k) {
                Some(into) => into.merge(h),
                None => {
                    self.distributions.insert(k.clone(), h.clone());
                }
            }
        }
        for (k, s) in &obs.series {
            self.series.entry(k.clone()).or_default().push(s);
        }
    }

    /// The time series of `key` over the replications, if reported.
    pub fn series(&self, key: &MetricKey) -> Option<&SeriesMoments> {
        self.series.get(key)
    }

    /// Every time series with its key, in key order.
    pub fn all_series(&self) -> impl Iterator<Item = (&MetricKey, &SeriesMoments)> {
        self.series.iter()
    }

    /// Adds another part's replications of the same arm.
    pub fn merge(&mut self, other: &ArmResult) {
        self.replications += other.replications;
        self.events += other.events;
        self.inconsistent += other.inconsistent;
        for (k, m) in &other.metrics {
            accumulate(&mut self.metrics, k).merge(m);
        }
        for (k, h) in &other.distributions {
            self.distributions.entry(k.clone()).or_default().merge(h);
        }
        for (k, s) in &other.series {
            self.series.entry(k.clone()).or_default().merge(s);
        }
    }

    /// The accumulated moments of `key` across replications.
    pub fn moments(&self, key: &MetricKey) -> Option<&ExactMoments> {
        self.metrics.get(key)
    }

    /// The mean of `key` with its Student-t interval at `level`.
    pub fn interval(&self, key: &MetricKey, level: f64) -> Option<Interval> {
        Interval::of(self.metrics.get(key)?, level)
    }

    /// Every metric reported by at least one replication, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &MetricKey> {
        self.metrics.keys()
    }

    /// The merged histogram of distribution `key`.
    pub fn distribution(&self, key: &MetricKey) -> Option<&Histogram> {
        self.distributions.get(key)
    }

    /// Every distribution with its key, sorted by key.
    pub fn distributions(&self) -> impl Iterator<Item = (&MetricKey, &Histogram)> {
        self.distributions.iter()
    }
}

fn accumulate<'a>(
    map: &'a mut BTreeMap<MetricKey, ExactMoments>,
    key: &MetricKey,
) -> &'a mut ExactMoments {
    if !map.contains_key(key) {
        map.insert(key.clone(), ExactMoments::new());
    }
    map.get_mut(key).expect("inserted above")
}

/// Two arms paired by replication index: a baseline and another.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PairResult {
    /// Index of the baseline arm.
    pub base: usize,
    /// Index of the other arm.
    pub other: usize,
    /// Per metric: the baseline's values, the other arm's values and their
    /// difference (other − baseline), over the replications in which both
    /// report the metric.
    #[serde(with = "super::pairs")]
    metrics: BTreeMap<MetricKey, [ExactMoments; 3]>,
}

impl PairResult {
    fn absorb(&mut self, base: &Observation, other: &Observation) {
        let base_values: BTreeMap<&MetricKey, f64> =
            base.values.iter().map(|(k, v)| (k, *v)).collect();
        for (k, vo) in &other.values {
            let Some(&vb) = base_values.get(k) else {
                continue;
            };
            if !self.metrics.contains_key(k) {
                self.metrics.insert(k.clone(), Default::default());
            }
            let m = self.metrics.get_mut(k).expect("inserted above");
            m[0].push(vb);
            m[1].push(*vo);
            m[2].push(vo - vb);
        }
    }

    /// The moments of the paired difference (other − baseline) of `key`,
    /// if any replication reported it in both arms.
    pub fn difference_moments(&self, key: &MetricKey) -> Option<&ExactMoments> {
        self.metrics.get(key).map(|m| &m[2])
    }

    fn merge(&mut self, other: &PairResult) {
        for (k, m) in &other.metrics {
            let into = self.metrics.entry(k.clone()).or_default();
            for (a, b) in into.iter_mut().zip(m) {
                a.merge(b);
            }
        }
    }
}

/// Everything an experiment over a set of arms measured.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ExperimentResult {
    /// One result per arm, the baseline first.
    pub arms: Vec<ArmResult>,
    /// The pairs of arms compared (by default every arm after the first
    /// with the first).
    pub pairs: Vec<PairResult>,
    /// The replication indices covered, as sorted disjoint ranges.
    pub covered: Vec<Range<u64>>,
}

impl ExperimentResult {
    /// An empty result for arms with these labels, every arm after the
    /// first paired with the first.
    pub fn new<S: Into<String>>(labels: impl IntoIterator<Item = S>) -> Self {
        let arms: Vec<ArmResult> = labels.into_iter().map(ArmResult::new).collect();
        let pairs: Vec<(usize, usize)> = (1..arms.len()).map(|o| (0, o)).collect();
        Self::with_pairs(arms, &pairs)
    }

    /// An empty result for these arms with the given (baseline, other)
    /// pairs of arm indices.
    ///
    /// # Panics
    ///
    /// If a pair names an arm that does not exist.
    pub fn with_pairs(arms: Vec<ArmResult>, pairs: &[(usize, usize)]) -> Self {
        let pairs = pairs
            .iter()
            .map(|&(base, other)| {
                assert!(base < arms.len() && other < arms.len(), "pairs name arms");
                PairResult {
                    base,
                    other,
                    ..PairResult::default()
                }
            })
            .collect();
        ExperimentResult {
            arms,
            pairs,
            covered: Vec::new(),
        }
    }

    /// Absorbs one replication's observations, one per arm in arm order.
    ///
    /// # Panics
    ///
    /// If `observations` does not hold one observation per arm.
    pub fn absorb(&mut self, replication: u64, observations: &[Observation]) {
        assert_eq!(
            observations.len(),
            self.arms.len(),
            "one observation per arm"
        );
        for (arm, obs) in self.arms.iter_mut().zip(observations) {
            arm.absorb(obs);
        }
        for pair in &mut self.pairs {
            pair.absorb(&observations[pair.base], &observations[pair.other]);
        }
        add_range(&mut self.covered, replication..replication + 1);
    }

    /// Adds another part of the same experiment (another shard, another
    /// batch), exactly: the result does not depend on the order of parts.
    ///
    /// # Errors
    ///
    /// [`MergeError::Mismatch`] if the arms differ, [`MergeError::Overlap`]
    /// if a replication is in both parts; `self` is unchanged then.
    pub fn merge(&mut self, other: ExperimentResult) -> Result<(), MergeError> {
        let pairs = |r: &ExperimentResult| {
            r.pairs
                .iter()
                .map(|p| format!("{}–{}", p.base, p.other))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if pairs(self) != pairs(&other) {
            return Err(MergeError::Mismatch {
                what: "pairs of arms".into(),
                first: pairs(self),
                other: pairs(&other),
            });
        }
        let labels = |r: &ExperimentResult| {
            r.arms
                .iter()
                .map(|a| a.label.clone())
                .collect::<Vec<_>>()
                .join(", ")
        };
        if labels(self) != labels(&other) {
            return Err(MergeError::Mismatch {
                what: "arms".into(),
                first: labels(self),
                other: labels(&other),
            });
        }
        for r in &other.covered {
            if let Some(overlap) = overlap(&self.covered, r) {
                return Err(MergeError::Overlap { overlap });
            }
        }
        for r in other.covered {
            add_range(&mut self.covered, r);
        }
        for (a, b) in self.arms.iter_mut().zip(&other.arms) {
            a.merge(b);
        }
        for (a, b) in self.pairs.iter_mut().zip(&other.pairs) {
            a.merge(b);
        }
        Ok(())
    }

    /// The number of replications covered.
    pub fn replications(&self) -> u64 {
        self.covered.iter().map(|r| r.end - r.start).sum()
    }

    /// The arm with this label.
    pub fn arm(&self, label: &str) -> Option<&ArmResult> {
        self.arms.iter().find(|a| a.label == label)
    }

    /// `key` in arm `other` against arm 0, paired by replication. `None`
    /// if the two arms are not a pair of this experiment or no replication
    /// reports the metric in both.
    pub fn compare(&self, other: usize, key: &MetricKey, level: f64) -> Option<Difference> {
        self.compare_pair(0, other, key, level)
    }

    /// `key` in arm `other` against arm `base`, paired by replication;
    /// `None` as for [`compare`](Self::compare).
    pub fn compare_pair(
        &self,
        base: usize,
        other: usize,
        key: &MetricKey,
        level: f64,
    ) -> Option<Difference> {
        let pair = self
            .pairs
            .iter()
            .find(|p| p.base == base && p.other == other)?;
        let [sb, so, sd] = pair.metrics.get(key)?;
        Difference::of(key.clone(), sb, so, sd, level)
    }
}

/// Adds `r` to sorted disjoint ranges, joining neighbours.
fn add_range(ranges: &mut Vec<Range<u64>>, r: Range<u64>) {
    if r.is_empty() {
        return;
    }
    let at = ranges.partition_point(|x| x.end < r.start);
    let mut merged = r;
    while at < ranges.len() && ranges[at].start <= merged.end {
        let x = ranges.remove(at);
        merged = merged.start.min(x.start)..merged.end.max(x.end);
    }
    ranges.insert(at, merged);
}

/// The first part of `r` already in `ranges`, if any.
fn overlap(ranges: &[Range<u64>], r: &Range<u64>) -> Option<Range<u64>> {
    ranges.iter().find_map(|x| {
        let (s, e) = (x.start.max(r.start), x.end.min(r.end));
        (s < e).then_some(s..e)
    })
}

/// A mean with a two-sided confidence interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// The mean.
    pub mean: f64,
    /// Half the interval's width (`None` with fewer than two values).
    pub half_width: Option<f64>,
    /// Replications behind it.
    pub n: u64,
}

impl Interval {
    /// The mean of `m` with its Student-t interval at `level`; `None` if
    /// `m` is empty.
    pub fn of(m: &ExactMoments, level: f64) -> Option<Interval> {
        Some(Interval {
            mean: m.mean()?,
            half_width: m.confidence_interval(level).map(|ci| ci.half_width),
            n: m.count(),
        })
    }

    /// The interval as text: `mean ± half` or just the mean.
    pub fn display(&self, decimals: usize) -> String {
        match self.half_width {
            Some(h) => format!("{:.*} ± {:.*}", decimals, self.mean, decimals, h),
            None => format!("{:.*}", decimals, self.mean),
        }
    }

    /// The lower end (the mean without an interval).
    pub fn low(&self) -> f64 {
        self.mean - self.half_width.unwrap_or(0.0)
    }

    /// The upper end (the mean without an interval).
    pub fn high(&self) -> f64 {
        self.mean + self.half_width.unwrap_or(0.0)
    }
}

/// One metric of two arms compared on the same replications.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    /// The metric.
    pub metric: MetricKey,
    /// The baseline's mean with its interval.
    pub base: Interval,
    /// The other arm's mean with its interval.
    pub other: Interval,
    /// The mean paired difference (other − baseline) with its interval.
    pub difference: Interval,
    /// Half-width two independent runs of the same size would give for
    /// the difference (Welch).
    pub independent_half_width: Option<f64>,
    /// (var base + var other) / var of the paired difference: how much
    /// common random numbers shrank the variance; `None` when the paired
    /// difference has zero variance.
    pub variance_reduction: Option<f64>,
}

impl Difference {
    fn of(
        metric: MetricKey,
        sb: &ExactMoments,
        so: &ExactMoments,
        sd: &ExactMoments,
        level: f64,
    ) -> Option<Difference> {
        let n = sd.count();
        if n == 0 {
            return None;
        }
        let independent_half_width = match (sb.variance(), so.variance()) {
            (Some(vb), Some(vo)) if n >= 2 => {
                let nf = n as f64;
                let se2 = vb / nf + vo / nf;
                // Welch–Satterthwaite degrees of freedom.
                let df = if se2 > 0.0 {
                    se2 * se2 / ((vb / nf).powi(2) / (nf - 1.0) + (vo / nf).powi(2) / (nf - 1.0))
                } else {
                    nf - 1.0
                };
                student_t_quantile(0.5 + level / 2.0, df.max(1.0)).map(|t| t * se2.sqrt())
            }
            _ => None,
        };
        let variance_reduction = match (sb.variance(), so.variance(), sd.variance()) {
            (Some(vb), Some(vo), Some(vd)) if vd > 0.0 => Some((vb + vo) / vd),
            _ => None,
        };
        Some(Difference {
            metric,
            base: Interval::of(sb, level)?,
            other: Interval::of(so, level)?,
            difference: Interval::of(sd, level)?,
            independent_half_width,
            variance_reduction,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_join_and_overlaps_are_found() {
        let mut r = Vec::new();
        add_range(&mut r, 5..7);
        add_range(&mut r, 0..2);
        add_range(&mut r, 2..5);
        assert_eq!(r, vec![0..7]);
        add_range(&mut r, 9..10);
        assert_eq!(r, vec![0..7, 9..10]);
        assert_eq!(overlap(&r, &(6..9)), Some(6..7));
        assert_eq!(overlap(&r, &(7..9)), None);
    }
}
