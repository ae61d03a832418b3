//! Sweeps: the demand multiplier or any numeric scenario field (one or two
//! at a time) over a grid, every variant at every point on the same seeds,
//! with the point where a measure saturates, per replication as well as on
//! the mean curve, and the capacities' own saturation points.

use serde::{Deserialize, Serialize};

use crate::corridor::USE_MEASURES;
use crate::metric::{MetricKey, Observation};
use crate::montecarlo::{
    ExperimentResult, Interval, MergeError, SweepPoint, SweepSeries, crossing, falling_crossing,
    is_falling,
};
use crate::scenario::Scenario;
use crate::stats::ExactMoments;

/// The parameter name that sweeps the demand multiplier (any other name
/// is the path of a scenario field, as for `--set`).
pub const DEMAND: &str = "demand";

/// The use of a capacity (see [`USE_MEASURES`]) that counts as saturated
/// unless a sweep says otherwise: at 95 % of a cap, tracks or paths, a
/// queue in front of them grows by the day.
pub const DEFAULT_RESOURCE_THRESHOLD: f64 = 0.95;

/// The most points a sweep may have: the values of one parameter, or the
/// product of two (31 × 31, say), each point a scenario per variant.
pub const MAX_GRID_POINTS: usize = 1001;

/// A sweep to run.
#[derive(Clone, Debug)]
pub struct SweepPlan {
    /// The swept parameters, one or two: [`DEMAND`] or a scenario field's
    /// path.
    pub parameters: Vec<String>,
    /// Each parameter's values, ascending.
    pub values: Vec<Vec<f64>>,
    /// The variants' scenarios at each grid point, built and checked when
    /// the plan was made: point `i · n₂ + j` has the first parameter's
    /// value `i` and the second's `j` (`n₂` = 1 with one parameter).
    pub points: Vec<Vec<Scenario>>,
    /// The congestion measure.
    pub metric: MetricKey,
    /// The value of the measure that counts as saturated.
    pub threshold: f64,
    /// The use of a capacity that counts as saturated.
    pub resource_threshold: f64,
    /// Replications per point and variant.
    pub replications: u64,
}

impl SweepPlan {
    /// A demand sweep of `variants` (the baseline first) over
    /// `multipliers`.
    ///
    /// # Errors
    ///
    /// [`ScenarioError`](crate::error::ScenarioError) if a variant cannot
    /// be scaled.
    pub fn demand(
        variants: &[Scenario],
        multipliers: &[f64],
        metric: MetricKey,
        threshold: f64,
        replications: u64,
    ) -> Result<SweepPlan, crate::error::ScenarioError> {
        let points = multipliers
            .iter()
            .map(|&m| {
                variants
                    .iter()
                    .map(|s| s.with_demand_multiplier(m))
                    .collect()
            })
            .collect::<Result<Vec<Vec<Scenario>>, _>>()?;
        Ok(SweepPlan {
            parameters: vec![DEMAND.to_string()],
            values: vec![multipliers.to_vec()],
            points,
            metric,
            threshold,
            resource_threshold: DEFAULT_RESOURCE_THRESHOLD,
            replications,
        })
    }

    /// The variants (of a study's `variants`, in order) in which the swept
    /// parameters change nothing: their scenario is the same at every
    /// point.
    pub fn inert_variants<'a>(&self, variants: &'a [(String, Scenario)]) -> Vec<&'a str> {
        // The variants table goes with every scenario, and the study's own
        // seed, replications and rules apply at every point: what runs is
        // the rest.
        let spec = |p: usize, v: usize| {
            let mut spec = self.points[p][v].spec.clone();
            spec.variants.clear();
            spec.assumptions.clear();
            let first = &self.points[0][v].spec.experiment;
            spec.experiment.seed = first.seed;
            spec.experiment.replications = first.replications;
            spec.experiment.stopping.clone_from(&first.stopping);
            spec.experiment.sweep.clone_from(&first.sweep);
            spec.experiment.trace = first.trace;
            serde_json::to_string(&spec).expect("specs serialize")
        };
        (0..variants.len().min(self.points.first().map_or(0, Vec::len)))
            .filter(|&v| {
                self.points.len() > 1 && (1..self.points.len()).all(|p| spec(p, v) == spec(0, v))
            })
            .map(|v| variants[v].0.as_str())
            .collect()
    }

    /// The number of values of the second parameter (1 with one).
    pub fn inner(&self) -> usize {
        self.values.get(1).map_or(1, Vec::len)
    }
}

/// A value of a swept field as `--set` would take it: whole numbers
/// without a decimal point (so that a count such as `tracks` takes them),
/// others in the shortest form that reads back the same.
pub fn override_value(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// Where one series crosses one threshold, replication by replication:
/// exact moments of the crossings, so that the shards of a sweep merge
/// into exactly the unsplit result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Crossings {
    /// The series (index into [`Sweep::series`]).
    pub series: usize,
    /// The watched measure.
    pub metric: MetricKey,
    /// The value that counts as saturated.
    pub threshold: f64,
    /// The crossings of the replications that reach the threshold within
    /// the grid (a replication at or above it at the first value counts
    /// as crossing there).
    pub values: ExactMoments,
    /// Replications that never reach it within the grid.
    pub never: u64,
    /// Where each replication first falls below the threshold (the first
    /// value if it starts below), for a curve that falls: a capacity
    /// raised, say.
    #[serde(default)]
    pub below: ExactMoments,
    /// Replications that never fall below it within the grid.
    #[serde(default)]
    pub never_below: u64,
    /// Replications in which the measure was not reported at some point
    /// (no trains there).
    pub missing: u64,
}

/// A saturation point with what stands behind it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Saturation {
    /// The series' label.
    pub series: String,
    /// The watched measure.
    pub metric: MetricKey,
    /// The value that counts as saturated.
    pub threshold: f64,
    /// Where the mean curve reaches the threshold, if it does.
    pub mean_curve: Option<f64>,
    /// The mean of the replications' own crossings with its interval;
    /// `None` unless every replication crosses within the grid.
    pub per_replication: Option<Interval>,
    /// Replications that cross within the grid.
    pub crossed: u64,
    /// Replications in which the measure was missing at some point (no
    /// trains there): left out of the figures.
    pub missing: u64,
    /// Replications behind the figures.
    pub replications: u64,
    /// The first value of the grid: a rising mean curve that crosses
    /// there was at or above the threshold from the start.
    pub first: f64,
    /// Whether the mean curve starts at or above the threshold and falls
    /// below it: the figures are then where it falls below.
    pub falling: bool,
}

impl Saturation {
    /// `1.21× (per replication 1.20 ± 0.02×)` with `unit` "×", `beyond the
    /// grid`, or `1.21× (3 of 16 replications beyond the grid)`.
    pub fn display(&self, unit: &str) -> String {
        let missing = match self.missing {
            0 => String::new(),
            m => format!(", {m} without the measure"),
        };
        let Some(x) = self.mean_curve else {
            return match self.crossed {
                0 => format!("beyond the grid{missing}"),
                k => format!(
                    "beyond the grid on the mean ({k} of {} replications cross{missing})",
                    self.replications + self.missing
                ),
            };
        };
        if x == self.first && !self.falling {
            return format!(
                "at or above the threshold from the first value ({}{unit})",
                override_value(x)
            );
        }
        match (&self.per_replication, self.replications - self.crossed) {
            (Some(i), 0) if self.missing == 0 => {
                format!("{x:.2}{unit} (per replication {}{unit})", i.display(2))
            }
            (_, 0) => format!(
                "{x:.2}{unit} ({} of {} replications without the measure)",
                self.missing,
                self.replications + self.missing
            ),
            (_, k) => format!(
                "{x:.2}{unit} ({k} of {} replications beyond the grid{missing})",
                self.replications + self.missing
            ),
        }
    }

    /// Whether the mean curve is at or above the threshold from the first
    /// value swept (and stays there).
    pub fn at_first(&self) -> bool {
        self.mean_curve == Some(self.first) && !self.falling
    }

    /// What the curve does at the threshold, as a verb: `reaches` or, for
    /// a falling curve, `falls below`.
    pub fn verb(&self) -> &'static str {
        if self.falling {
            "falls below"
        } else {
            "reaches"
        }
    }

    /// `reaches 12 at 1.21× (…)`, `falls below 12 at 14.20 (…)`, `stays
    /// below 12 over the range swept`.
    pub fn sentence(&self, unit: &str) -> String {
        let t = override_value(self.threshold);
        match self.mean_curve {
            _ if self.at_first() => format!(
                "is at or above {t} from the first value ({}{unit})",
                override_value(self.first)
            ),
            Some(_) => format!("{} {t} at {}", self.verb(), self.display(unit)),
            None => format!("stays below {t} over the range swept"),
        }
    }
}

/// A sweep's results: the accumulators of every (point, variant) cell and
/// of every series' crossings, so that the sweeps of shards merge exactly.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sweep {
    /// The swept parameters, one or two ([`DEMAND`] or a field's path).
    pub parameters: Vec<String>,
    /// Each parameter's values, ascending.
    pub values: Vec<Vec<f64>>,
    /// The congestion measure.
    pub metric: MetricKey,
    /// The level that counts as saturated.
    pub threshold: f64,
    /// The use of a capacity that counts as saturated.
    pub resource_threshold: f64,
    /// Replications per point.
    pub replications: u64,
    /// The variants, the baseline first.
    pub variants: Vec<String>,
    /// One arm per point and variant (arm `p · variants + v` is variant
    /// `v` at point `p`), every later variant paired with the baseline at
    /// the same point.
    pub cells: ExperimentResult,
    /// Where each series crosses the measure's threshold and each
    /// capacity's, replication by replication.
    pub crossings: Vec<Crossings>,
    /// Kernel events of the runs simulated: a run that cells share (a
    /// variant the swept field leaves as it is) counts once, where each
    /// cell's `events` counts it again. `None` if unknown: a part merged
    /// in was written by a version that did not count them.
    #[serde(default)]
    pub simulated_events: Option<u64>,
}

impl Sweep {
    /// An empty sweep of `plan` over `variants`, with a crossing
    /// accumulator per series for the watched measure and for every
    /// capacity a variant reports (`keys[v]`, the metrics of variant `v`).
    pub fn new(plan: &SweepPlan, variants: Vec<String>, keys: &[Vec<MetricKey>]) -> Sweep {
        let nv = variants.len();
        let labels: Vec<String> = (0..plan.points.len())
            .flat_map(|p| {
                let at = point_label(&plan.parameters, &plan.values, p);
                variants
                    .iter()
                    .map(move |v| format!("{v} at {at}"))
                    .collect::<Vec<_>>()
            })
            .collect();
        let pairs: Vec<(usize, usize)> = (0..plan.points.len())
            .flat_map(|p| (1..nv).map(move |v| (p * nv, p * nv + v)))
            .collect();
        let cells = ExperimentResult::with_pairs(
            labels
                .iter()
                .map(crate::montecarlo::ArmResult::new)
                .collect(),
            &pairs,
        );
        let mut crossings = Vec::new();
        for s in 0..nv * plan.inner() {
            let v = s / plan.inner();
            crossings.push(Crossings::new(s, plan.metric.clone(), plan.threshold));
            for k in keys[v]
                .iter()
                .filter(|k| is_capacity_use(k) && **k != plan.metric)
            {
                crossings.push(Crossings::new(s, k.clone(), plan.resource_threshold));
            }
        }
        Sweep {
            parameters: plan.parameters.clone(),
            values: plan.values.clone(),
            metric: plan.metric.clone(),
            threshold: plan.threshold,
            resource_threshold: plan.resource_threshold,
            replications: plan.replications,
            variants,
            cells,
            crossings,
            simulated_events: Some(0),
        }
    }

    fn inner(&self) -> usize {
        self.values.get(1).map_or(1, Vec::len)
    }

    /// The arm of variant `v` at point `p`.
    pub fn cell(&self, p: usize, v: usize) -> &crate::montecarlo::ArmResult {
        &self.cells.arms[p * self.variants.len() + v]
    }

    /// Absorbs one replication: one observation per cell, in cell order.
    pub fn absorb(&mut self, replication: u64, row: &[Observation]) {
        self.cells.absorb(replication, row);
        let (nv, inner) = (self.variants.len(), self.inner());
        let xs = &self.values[0];
        for c in &mut self.crossings {
            let (v, j) = (c.series / inner, c.series % inner);
            let curve: Option<Vec<(f64, f64)>> = xs
                .iter()
                .enumerate()
                .map(|(i, &x)| Some((x, row[(i * inner + j) * nv + v].value(&c.metric)?)))
                .collect();
            match curve {
                None => c.missing += 1,
                Some(curve) => {
                    match crossing(&curve, c.threshold) {
                        Some(x) => c.values.push(x),
                        None => c.never += 1,
                    }
                    match falling_crossing(&curve, c.threshold) {
                        Some(x) => c.below.push(x),
                        None => c.never_below += 1,
                    }
                }
            }
        }
    }

    /// Adds another shard of the same sweep, exactly.
    ///
    /// # Errors
    ///
    /// [`MergeError::Mismatch`] if the parts swept something else.
    pub fn merge(&mut self, other: Sweep) -> Result<(), MergeError> {
        let what = |a: &Sweep| {
            (
                a.parameters.clone(),
                format!("{:?}", a.values),
                a.metric.to_string(),
                a.threshold.to_bits(),
                a.resource_threshold.to_bits(),
                a.replications,
                a.variants.clone(),
                a.crossings
                    .iter()
                    .map(|c| (c.series, c.metric.to_string()))
                    .collect::<Vec<_>>(),
            )
        };
        if what(self) != what(&other) {
            return Err(MergeError::Mismatch {
                what: "sweep".to_string(),
                first: format!("{:?} over {:?}", self.parameters, self.values),
                other: format!("{:?} over {:?}", other.parameters, other.values),
            });
        }
        self.cells.merge(other.cells)?;
        self.simulated_events = self
            .simulated_events
            .zip(other.simulated_events)
            .map(|(a, b)| a + b);
        for (a, b) in self.crossings.iter_mut().zip(&other.crossings) {
            a.values.merge(&b.values);
            a.never += b.never;
            a.below.merge(&b.below);
            a.never_below += b.never_below;
            a.missing += b.missing;
        }
        Ok(())
    }

    /// The label of series `s`: the variant, and the second parameter's
    /// value when there is one.
    pub fn series_label(&self, s: usize) -> String {
        let (v, j) = (s / self.inner(), s % self.inner());
        match (self.parameters.get(1), self.values.get(1)) {
            (Some(p), Some(vals)) => format!(
                "{}, {} = {}",
                self.variants[v],
                short_name(p),
                override_value(vals[j])
            ),
            _ => self.variants[v].clone(),
        }
    }

    /// The measure of `key` along the first parameter for every series,
    /// with intervals at `level`, and where its mean curve reaches
    /// `threshold` (for a falling curve, where it falls below).
    pub fn series_of(&self, key: &MetricKey, threshold: f64, level: f64) -> Vec<SweepSeries> {
        (0..self.variants.len() * self.inner())
            .map(|s| self.one_series(s, key, threshold, level))
            .collect()
    }

    /// Series `s` of [`series_of`](Self::series_of).
    fn one_series(&self, s: usize, key: &MetricKey, threshold: f64, level: f64) -> SweepSeries {
        let inner = self.inner();
        let (v, j) = (s / inner, s % inner);
        let xs = self.values.first().map_or(&[][..], Vec::as_slice);
        let points: Vec<SweepPoint> = xs
            .iter()
            .enumerate()
            .filter_map(|(i, &x)| {
                let arm = self
                    .cells
                    .arms
                    .get((i * inner + j) * self.variants.len() + v)?;
                Some(SweepPoint {
                    x,
                    value: arm.interval(key, level)?,
                })
            })
            .collect();
        let curve: Vec<(f64, f64)> = points.iter().map(|p| (p.x, p.value.mean)).collect();
        let falling = is_falling(&curve, threshold);
        SweepSeries {
            label: self.series_label(s),
            saturation: if falling {
                falling_crossing(&curve, threshold)
            } else {
                crossing(&curve, threshold)
            },
            falling,
            points,
        }
    }

    /// The watched measure along the first parameter for every series.
    pub fn series(&self, level: f64) -> Vec<SweepSeries> {
        self.series_of(&self.metric, self.threshold, level)
    }

    /// Where each series' watched measure saturates.
    pub fn saturations(&self, level: f64) -> Vec<Saturation> {
        self.crossings
            .iter()
            .filter(|c| c.metric == self.metric)
            .map(|c| self.saturation(c, level))
            .collect()
    }

    /// Where each capacity of series `s` saturates, the first to bind
    /// first (those that never do within the grid last, most used first).
    pub fn capacity_saturations(&self, s: usize, level: f64) -> Vec<Saturation> {
        let mut out: Vec<(Saturation, f64)> = self
            .crossings
            .iter()
            .filter(|c| c.series == s && c.metric != self.metric)
            .map(|c| {
                let last = self
                    .one_series(s, &c.metric, c.threshold, level)
                    .points
                    .last()
                    .map_or(0.0, |p| p.value.mean);
                (self.saturation(c, level), last)
            })
            .collect();
        out.sort_by(|(a, ua), (b, ub)| match (a.mean_curve, b.mean_curve) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => ub.total_cmp(ua),
        });
        out.into_iter().map(|(s, _)| s).collect()
    }

    fn saturation(&self, c: &Crossings, level: f64) -> Saturation {
        let curve = self.one_series(c.series, &c.metric, c.threshold, level);
        let (values, never) = match curve.falling {
            false => (&c.values, c.never),
            true => (&c.below, c.never_below),
        };
        Saturation {
            series: self.series_label(c.series),
            metric: c.metric.clone(),
            threshold: c.threshold,
            mean_curve: curve.saturation,
            per_replication: (never == 0 && c.missing == 0)
                .then(|| Interval::of(values, level))
                .flatten(),
            crossed: values.count(),
            missing: c.missing,
            replications: values.count() + never,
            first: self
                .values
                .first()
                .and_then(|v| v.first())
                .copied()
                .unwrap_or(f64::NAN),
            falling: curve.falling,
        }
    }

    /// Whether the sweep's parts fit together (as a partial result read
    /// from a file must): one or two parameters with values, a cell per
    /// point and variant, crossings of existing series.
    ///
    /// # Errors
    ///
    /// What does not fit.
    pub(crate) fn check_shape(&self) -> Result<(), String> {
        let points: usize = self.values.iter().map(Vec::len).product();
        if !(1..=2).contains(&self.parameters.len())
            || self.values.len() != self.parameters.len()
            || self.values.iter().any(Vec::is_empty)
        {
            return Err(format!(
                "a sweep of {} parameters with {} lists of values",
                self.parameters.len(),
                self.values.len()
            ));
        }
        if self.variants.is_empty() || self.cells.arms.len() != points * self.variants.len() {
            return Err(format!(
                "{} cells for {points} points of {} variants",
                self.cells.arms.len(),
                self.variants.len()
            ));
        }
        let series = self.variants.len() * self.inner();
        if let Some(c) = self.crossings.iter().find(|c| c.series >= series) {
            return Err(format!("a crossing of series {} of {series}", c.series));
        }
        Ok(())
    }

    /// The first parameter in words for an axis: `demand multiplier (1 =
    /// the scenario's demand) [×]`, or the field's path.
    pub fn axis_title(&self) -> String {
        match self.parameters.first().map_or(DEMAND, String::as_str) {
            DEMAND => "demand multiplier (1 = the scenario's demand) [×]".to_string(),
            p => p.to_string(),
        }
    }
}

impl Crossings {
    fn new(series: usize, metric: MetricKey, threshold: f64) -> Self {
        Crossings {
            series,
            metric,
            threshold,
            values: ExactMoments::new(),
            never: 0,
            below: ExactMoments::new(),
            never_below: 0,
            missing: 0,
        }
    }
}

/// Whether `key` is the overall use of a capacity (not a year's).
fn is_capacity_use(key: &MetricKey) -> bool {
    key.label("year").is_none() && USE_MEASURES.iter().any(|(m, _, _)| *m == key.measure())
}

/// The last part of a field's path (`handover_cap_trains_per_day`).
fn short_name(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

/// `1.2×`, or `tracks = 8`, or `demand 1.2×, tracks = 8`.
fn point_label(parameters: &[String], values: &[Vec<f64>], p: usize) -> String {
    let inner = values.get(1).map_or(1, Vec::len);
    let idx = [p / inner, p % inner];
    parameters
        .iter()
        .zip(values)
        .zip(idx)
        .map(|((name, vals), i)| match name.as_str() {
            DEMAND => format!("{}×", vals[i]),
            _ => format!("{} = {}", short_name(name), override_value(vals[i])),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Demand multipliers from `from` to `to` (inclusive, within rounding) in
/// steps of `step`, rounded to six decimals so that 0.8 + 3 × 0.1 prints as
/// 1.1; `None` unless 0 < `from` ≤ `to`, `step` > 0 and at most 1,001
/// points.
///
/// # Examples
///
/// ```
/// use silkrail::study::multiplier_grid;
///
/// assert_eq!(multiplier_grid(1.0, 2.0, 0.5), Some(vec![1.0, 1.5, 2.0]));
/// assert_eq!(multiplier_grid(2.0, 1.0, 0.5), None);
/// ```
pub fn multiplier_grid(from: f64, to: f64, step: f64) -> Option<Vec<f64>> {
    if !(from > 0.0) {
        return None;
    }
    value_grid(from, to, step)
}

/// Values from `from` to `to` (inclusive, within rounding) in steps of
/// `step`, rounded to six decimals; `None` unless `from` ≤ `to` are finite,
/// `step` > 0 and there are at most 1,001 points. (As
/// [`multiplier_grid`], without the sign.)
pub fn value_grid(from: f64, to: f64, step: f64) -> Option<Vec<f64>> {
    if !(from.is_finite()
        && to >= from
        && step > 0.0
        && to.is_finite()
        && (to - from) / step <= 1000.0)
    {
        return None;
    }
    let n = ((to - from) / step + 1e-9).floor() as u64;
    let values: Vec<f64> = (0..=n)
        .map(|k| ((from + k as f64 * step) * 1e6).round() / 1e6)
        .collect();
    // A step below the rounding would repeat values.
    values.windows(2).all(|w| w[0] < w[1]).then_some(values)
}

/// Why a grid's text was refused: the text and the rule it breaks
/// (`5:3:1: FROM is above TO`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct GridError(pub String);

/// A grid as text: `FROM:TO:STEP` (inclusive) or a list `a,b,c` in
/// ascending order, at most [`MAX_GRID_POINTS`] values.
///
/// # Errors
///
/// [`GridError`] naming the rule the text breaks.
///
/// # Examples
///
/// ```
/// use silkrail::study::parse_grid;
///
/// assert_eq!(parse_grid("4:8:2"), Ok(vec![4.0, 6.0, 8.0]));
/// assert_eq!(parse_grid("12, 18, 24"), Ok(vec![12.0, 18.0, 24.0]));
/// assert!(parse_grid("3,2").is_err());
/// ```
pub fn parse_grid(text: &str) -> Result<Vec<f64>, GridError> {
    grid_values(text).map_err(GridError)
}

fn grid_values(text: &str) -> Result<Vec<f64>, String> {
    let number = |p: &str| -> Result<f64, String> {
        p.trim()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| format!("{text}: '{}' is not a finite number", p.trim()))
    };
    if text.trim().is_empty() {
        return Err("no values: expected FROM:TO:STEP or a,b,c".to_string());
    }
    if text.contains(':') {
        let parts: Vec<&str> = text.split(':').collect();
        let &[from, to, step] = parts.as_slice() else {
            return Err(format!("{text}: expected FROM:TO:STEP, three numbers"));
        };
        let (from, to, step) = (number(from)?, number(to)?, number(step)?);
        if from > to {
            return Err(format!("{text}: FROM is above TO"));
        }
        if !(step > 0.0) {
            return Err(format!("{text}: STEP must be above 0"));
        }
        let n = ((to - from) / step + 1e-9).floor() + 1.0;
        if n > MAX_GRID_POINTS as f64 {
            return Err(format!("{text}: {n:.0} values, at most {MAX_GRID_POINTS}"));
        }
        return value_grid(from, to, step)
            .ok_or_else(|| format!("{text}: STEP is below the grid's resolution of 10⁻⁶"));
    }
    let values: Vec<f64> = text.split(',').map(number).collect::<Result<_, _>>()?;
    if values.len() > MAX_GRID_POINTS {
        return Err(format!(
            "{text:.40}…: {} values, at most {MAX_GRID_POINTS}",
            values.len()
        ));
    }
    if let Some(w) = values.windows(2).find(|w| w[0] >= w[1]) {
        return Err(format!(
            "{text}: values must rise, but {} is followed by {}",
            override_value(w[0]),
            override_value(w[1])
        ));
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_values_read_back() {
        assert_eq!(override_value(8.0), "8");
        assert_eq!(override_value(-3.0), "-3");
        assert_eq!(override_value(0.1), "0.1");
        assert_eq!(override_value(1e20), "100000000000000000000");
    }

    #[test]
    fn point_labels_name_both_parameters() {
        let params = vec![DEMAND.to_string(), "ports.a.westbound.tracks".to_string()];
        let values = vec![vec![1.0, 1.5], vec![4.0, 6.0, 8.0]];
        assert_eq!(point_label(&params, &values, 0), "1×, tracks = 4");
        assert_eq!(point_label(&params, &values, 5), "1.5×, tracks = 8");
    }
}
