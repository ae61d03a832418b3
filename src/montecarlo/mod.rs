//! Monte Carlo experiments: seeding, replications in parallel, paired
//! comparisons with common random numbers, stopping rules and demand
//! sweeps.
//!
//! # Reproducibility
//!
//! Replication `r` of an experiment with master seed `s` draws every
//! random number from streams derived from `(s, r)` alone
//! ([`stream_rng`]). Replications run in parallel on a rayon pool, in
//! chunks; each chunk's reports are collected **in replication order** and
//! folded into the result sequentially, so the same seed gives bit-identical
//! results for 1, 2 or 64 threads, for any chunk size and for any split of
//! the replications into shards that are merged afterwards.
//!
//! # Memory
//!
//! A replication's full report (histograms included) lives only until it is
//! folded in: what is kept is one row of scalar metrics per replication
//! (what `replications.csv` reports; the names are stored once) and one
//! merged histogram per distribution.

mod seed;

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use seed::{SimRng, stream_rng};

use crate::corridor::{CorridorModel, Direction, Network, ReplicationReport, RunSettings};
use crate::scenario::Experiment;
use crate::stats::{ConfidenceInterval, Histogram, OnlineStats, student_t_quantile};
use crate::time::SimDuration;

/// The scalar results of one replication.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReplicationRecord {
    /// Replication index.
    pub index: u64,
    /// Kernel events handled.
    pub events: u64,
    /// Whether trains and containers were conserved (always true unless
    /// there is a bug).
    pub conserved: bool,
    /// One value per name in [`VariantResult::names`] (`None`, or absent
    /// at the end, where the metric is undefined in this replication).
    pub values: Vec<Option<f64>>,
}

/// The results of a set of replications of one scenario (or variant).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct VariantResult {
    /// Metric names, in the order first seen; each record's values line
    /// up with them. Names are kept once, not once per replication.
    pub names: Vec<String>,
    /// One row per replication, in index order.
    pub records: Vec<ReplicationRecord>,
    /// Distributions merged over the replications \[ms\], keyed like
    /// `port.<id>.<direction>.delay`, `port.<id>.<direction>.wait`,
    /// `port.<id>.<direction>.dwell` and `od.<origin>.<destination>.transit`.
    pub pooled: BTreeMap<String, Histogram>,
}

impl VariantResult {
    fn absorb(&mut self, index: u64, report: &ReplicationReport) {
        for p in &report.ports {
            for dir in Direction::BOTH {
                let s = &p.sides[dir.index()];
                if s.arrivals == 0 {
                    continue;
                }
                for (what, h) in [
                    ("delay", &s.delay),
                    ("wait", &s.track_wait),
                    ("dwell", &s.dwell),
                ] {
                    self.pooled
                        .entry(format!("port.{}.{}.{what}", p.id, dir.name()))
                        .or_default()
                        .merge(h);
                }
            }
        }
        for od in &report.ods {
            self.pooled
                .entry(format!("od.{}.{}.transit", od.origin, od.destination))
                .or_default()
                .merge(&od.transit);
        }
        let values = self.align(report.metrics());
        self.records.push(ReplicationRecord {
            index,
            events: report.events,
            conserved: report.is_conserved() && report.ports_conserve_trains(),
            values,
        });
    }

    /// The position of `name` in [`names`](Self::names), added if new.
    /// `hint` is where the previous name was found: metrics come in the
    /// same order in every replication, so the next one is usually there.
    fn slot(&mut self, name: &str, hint: usize) -> usize {
        if self.names.get(hint).is_some_and(|n| n == name) {
            return hint;
        }
        match self.names.iter().position(|n| n == name) {
            Some(i) => i,
            None => {
                self.names.push(name.to_string());
                self.names.len() - 1
            }
        }
    }

    /// Lines named values up with [`names`](Self::names).
    fn align(&mut self, metrics: Vec<(String, f64)>) -> Vec<Option<f64>> {
        let mut values = vec![None; self.names.len()];
        let mut hint = 0;
        for (k, v) in metrics {
            let i = self.slot(&k, hint);
            if i >= values.len() {
                values.resize(i + 1, None);
            }
            values[i] = Some(v);
            hint = i + 1;
        }
        values
    }

    /// The value of `metric` in record `r`, if defined.
    pub fn value(&self, r: &ReplicationRecord, metric: &str) -> Option<f64> {
        let i = self.names.iter().position(|n| n == metric)?;
        r.values.get(i).copied().flatten()
    }

    /// Merges another part of the same experiment (e.g. another shard).
    /// Records are kept in index order.
    ///
    /// # Errors
    ///
    /// A message naming the first replication index present in both parts.
    pub fn merge(&mut self, other: VariantResult) -> Result<(), String> {
        for (k, h) in other.pooled {
            self.pooled.entry(k).or_default().merge(&h);
        }
        for r in other.records {
            let named = other
                .names
                .iter()
                .zip(&r.values)
                .filter_map(|(k, v)| v.map(|v| (k.clone(), v)))
                .collect();
            let values = self.align(named);
            self.records.push(ReplicationRecord { values, ..r });
        }
        self.records.sort_by_key(|r| r.index);
        if let Some(w) = self.records.windows(2).find(|w| w[0].index == w[1].index) {
            return Err(format!(
                "replication {} appears in more than one part",
                w[0].index
            ));
        }
        Ok(())
    }

    /// The values of one metric, in replication order (replications where
    /// it is undefined are skipped).
    pub fn values(&self, metric: &str) -> Vec<(u64, f64)> {
        let Some(i) = self.names.iter().position(|n| n == metric) else {
            return Vec::new();
        };
        self.records
            .iter()
            .filter_map(|r| Some((r.index, r.values.get(i).copied().flatten()?)))
            .collect()
    }

    /// Moments of one metric across replications, accumulated in
    /// replication order.
    pub fn stats(&self, metric: &str) -> OnlineStats {
        let mut s = OnlineStats::new();
        for (_, v) in self.values(metric) {
            s.push(v);
        }
        s
    }

    /// Every metric name that occurs, sorted.
    pub fn metric_names(&self) -> Vec<String> {
        let mut names = self.names.clone();
        names.sort();
        names
    }

    /// Total kernel events over all replications.
    pub fn events(&self) -> u64 {
        self.records.iter().map(|r| r.events).sum()
    }
}

/// How to run replications.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Runner {
    /// Master seed.
    pub seed: u64,
    /// Simulated time before statistics start.
    pub warmup: SimDuration,
    /// Simulated time measured after the warm-up.
    pub horizon: SimDuration,
    /// Total wait above which a train counts as delayed.
    pub delay_threshold: SimDuration,
    /// Worker threads; `None` for rayon's default (one per core).
    pub threads: Option<usize>,
}

/// Replications run per parallel chunk, per thread: bounds the number of
/// full reports alive at once.
const CHUNK_PER_THREAD: usize = 4;

impl Runner {
    /// A runner with the scenario's experiment settings.
    pub fn new(experiment: &Experiment) -> Self {
        Runner {
            seed: experiment.seed,
            warmup: experiment.warmup,
            horizon: experiment.horizon,
            delay_threshold: experiment.delay_threshold,
            threads: None,
        }
    }

    fn settings(&self, replication: u64) -> RunSettings {
        RunSettings {
            seed: self.seed,
            replication,
            warmup: self.warmup,
            horizon: self.horizon,
            delay_threshold: self.delay_threshold,
            trace: false,
        }
    }

    /// Runs the replications `indices` of `network` and folds them, in
    /// index order, into `into`. `progress` is called after each chunk with
    /// the number of replications done so far in this call.
    ///
    /// # Errors
    ///
    /// A message if the thread pool cannot be built.
    pub fn run_into(
        &self,
        network: &Network,
        indices: &[u64],
        into: &mut VariantResult,
        progress: &dyn Fn(usize),
    ) -> Result<(), String> {
        let mut builder = rayon::ThreadPoolBuilder::new();
        if let Some(n) = self.threads {
            builder = builder.num_threads(n);
        }
        let pool = builder
            .build()
            .map_err(|e| format!("cannot start {:?} threads: {e}", self.threads))?;
        let chunk = pool.current_num_threads().max(1) * CHUNK_PER_THREAD;
        let mut done = 0;
        for part in indices.chunks(chunk) {
            let reports: Vec<ReplicationReport> = pool.install(|| {
                part.par_iter()
                    .map(|&r| CorridorModel::run(network, self.settings(r)))
                    .collect()
            });
            for (&r, report) in part.iter().zip(&reports) {
                into.absorb(r, report);
            }
            done += part.len();
            progress(done);
        }
        into.records.sort_by_key(|r| r.index);
        Ok(())
    }

    /// Runs replications `0..n` of `network`.
    ///
    /// # Errors
    ///
    /// As [`run_into`](Self::run_into).
    pub fn run(&self, network: &Network, n: u64) -> Result<VariantResult, String> {
        let mut out = VariantResult::default();
        let indices: Vec<u64> = (0..n).collect();
        self.run_into(network, &indices, &mut out, &|_| {})?;
        Ok(out)
    }
}

/// The replication indices that belong to shard `i` of `n` (0-based):
/// every index `r` with `r % n == i`.
///
/// # Examples
///
/// ```
/// use silkrail::montecarlo::shard_indices;
///
/// assert_eq!(shard_indices(10, 1, 3), vec![1, 4, 7]);
/// ```
pub fn shard_indices(replications: u64, i: u64, n: u64) -> Vec<u64> {
    (0..replications).filter(|r| n > 0 && r % n == i).collect()
}

/// One metric of two variants compared on the same seeds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Difference {
    /// The metric.
    pub metric: String,
    /// The baseline's mean with its interval.
    pub base: Interval,
    /// The other variant's mean with its interval.
    pub other: Interval,
    /// The mean paired difference (other − base) with its interval.
    pub difference: Interval,
    /// Half-width two independent runs of the same size would give for
    /// the difference (Welch).
    pub independent_half_width: Option<f64>,
    /// (var base + var other) / var of the paired difference: how much
    /// common random numbers shrank the variance; `None` when the paired
    /// difference has zero variance.
    pub variance_reduction: Option<f64>,
    /// Replications paired.
    pub n: u64,
}

/// A mean with a two-sided confidence interval, serializable.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// The mean.
    pub mean: f64,
    /// Half the interval's width (`None` with fewer than two values).
    pub half_width: Option<f64>,
}

impl Interval {
    /// The mean of `s` with its Student-t interval at `level`; `None` if
    /// `s` is empty.
    pub fn of(s: &OnlineStats, level: f64) -> Option<Interval> {
        Some(Interval {
            mean: s.mean()?,
            half_width: s
                .confidence_interval(level)
                .map(|ci: ConfidenceInterval| ci.half_width),
        })
    }

    /// The interval as text: `mean ± half` or just the mean.
    pub fn display(&self, decimals: usize) -> String {
        match self.half_width {
            Some(h) => format!("{:.*} ± {:.*}", decimals, self.mean, decimals, h),
            None => format!("{:.*}", decimals, self.mean),
        }
    }
}

/// Compares `metric` between two variants run on the same seeds, pairing
/// replications by index. `None` if no replication has the metric in both.
pub fn compare(
    base: &VariantResult,
    other: &VariantResult,
    metric: &str,
    level: f64,
) -> Option<Difference> {
    let (sb, so, sd) = paired(base, other, metric);
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
        metric: metric.to_string(),
        base: Interval::of(&sb, level)?,
        other: Interval::of(&so, level)?,
        difference: Interval::of(&sd, level)?,
        independent_half_width,
        variance_reduction,
        n,
    })
}

/// Moments of `metric` in `base`, in `other`, and of the difference
/// (other − base), over the replications present in both, in index order.
fn paired(
    base: &VariantResult,
    other: &VariantResult,
    metric: &str,
) -> (OnlineStats, OnlineStats, OnlineStats) {
    let b: BTreeMap<u64, f64> = base.values(metric).into_iter().collect();
    let (mut sb, mut so, mut sd) = (OnlineStats::new(), OnlineStats::new(), OnlineStats::new());
    for (r, vo) in other.values(metric) {
        if let Some(&vb) = b.get(&r) {
            sb.push(vb);
            so.push(vo);
            sd.push(vo - vb);
        }
    }
    (sb, so, sd)
}

/// The error for a metric that no replication produced.
pub(crate) fn unknown_metric(metric: &str, result: &VariantResult) -> String {
    let head = metric.split('.').next().unwrap_or("");
    let mut similar: Vec<&str> = result
        .names
        .iter()
        .map(String::as_str)
        .filter(|n| n.starts_with(head))
        .collect();
    similar.sort_unstable();
    similar.truncate(8);
    format!(
        "no replication produced the metric '{metric}'{}",
        if similar.is_empty() {
            String::new()
        } else {
            format!(" (some that exist: {})", similar.join(", "))
        }
    )
}

/// When to stop adding replications.
#[derive(Clone, Debug, PartialEq)]
pub struct StoppingRule {
    /// The metric watched.
    pub metric: String,
    /// Stop when the interval's half-width is at most this fraction of
    /// |mean| (of the metric, or of the paired difference when comparing).
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
    /// The rule a scenario file gives.
    pub fn from_spec(s: &crate::scenario::spec::StoppingSpec) -> Self {
        StoppingRule {
            metric: s.metric.clone(),
            relative_half_width: s.relative_half_width,
            level: s.level,
            min: s.min_replications,
            max: s.max_replications,
            batch: s.batch,
        }
    }

    /// Whether `sample` is precise enough.
    pub fn satisfied(&self, sample: &OnlineStats) -> bool {
        sample
            .confidence_interval(self.level)
            .and_then(|ci| ci.relative_half_width())
            .is_some_and(|r| r <= self.relative_half_width)
    }
}

/// Runs replications of every network in `variants` (the first is the
/// baseline) in rounds of `rule.batch` until the rule is met, then returns
/// the results. With one variant the rule watches the metric; with two or
/// more, the paired difference of each variant against the baseline.
///
/// # Errors
///
/// As [`Runner::run_into`], and a message if no replication produces the
/// rule's metric.
pub fn run_until_precise(
    runner: &Runner,
    variants: &[&Network],
    rule: &StoppingRule,
    progress: &dyn Fn(u64),
) -> Result<Vec<VariantResult>, String> {
    let mut results = vec![VariantResult::default(); variants.len()];
    let mut n = 0;
    let batch = rule.batch.max(1);
    loop {
        let target = if n < rule.min {
            rule.min.min(rule.max)
        } else {
            (n + batch).min(rule.max)
        };
        let indices: Vec<u64> = (n..target).collect();
        for (net, res) in variants.iter().zip(results.iter_mut()) {
            runner.run_into(net, &indices, res, &|_| {})?;
        }
        n = target;
        progress(n);
        if !results[0].names.contains(&rule.metric) {
            return Err(unknown_metric(&rule.metric, &results[0]));
        }
        let precise = if variants.len() == 1 {
            rule.satisfied(&results[0].stats(&rule.metric))
        } else {
            results[1..].iter().all(|r| {
                let (_, _, d) = paired(&results[0], r, &rule.metric);
                rule.satisfied(&d)
            })
        };
        if (precise && n >= rule.min) || n >= rule.max {
            return Ok(results);
        }
    }
}

/// Where a congestion measure crosses a threshold as demand grows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SweepPoint {
    /// Demand multiplier.
    pub multiplier: f64,
    /// The measure's mean with its interval.
    pub value: Interval,
}

/// The first demand multiplier at which `points` (sorted by multiplier)
/// reach `threshold`, interpolating linearly between grid points; `None`
/// if they never do.
///
/// # Examples
///
/// ```
/// use silkrail::montecarlo::{Interval, SweepPoint, saturation_point};
///
/// let p = |m, v| SweepPoint { multiplier: m, value: Interval { mean: v, half_width: None } };
/// let pts = [p(1.0, 2.0), p(1.5, 6.0), p(2.0, 30.0)];
/// assert_eq!(saturation_point(&pts, 4.0), Some(1.25));
/// assert_eq!(saturation_point(&pts, 100.0), None);
/// ```
pub fn saturation_point(points: &[SweepPoint], threshold: f64) -> Option<f64> {
    let first = points.first()?;
    if first.value.mean >= threshold {
        return Some(first.multiplier);
    }
    for w in points.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        if b.value.mean >= threshold {
            let f = (threshold - a.value.mean) / (b.value.mean - a.value.mean);
            return Some(a.multiplier + f * (b.multiplier - a.multiplier));
        }
    }
    None
}
