//! Calibration as a test: observed figures, each with the metrics of a
//! scenario that reproduce it, checked at a named confidence level.
//!
//! A calibration file lists rows (`[[rows]]` in TOML): what was observed
//! (a value and its band, its source), which variant and demand of the
//! scenario produce it, from which metrics (their sum, times `scale`), and
//! what the row is expected to show: `pass` (the model reproduces it),
//! `fail` (it does not, for the `reason` given), `input` (the figure is
//! an input of the scenario, not something it produces) or `not_modelled`
//! (nothing in the scenario produces it).
//!
//! [`run`] simulates every variant the rows need on the same seeds and
//! gives each row its simulated value with a Student-t interval. A row is
//! *consistent* with its band when the interval meets the band: the model
//! is not shown, at the row's level, to lie outside it. The family of rows
//! is tested at [`FAMILY_ALPHA`], split over the rows that are simulated
//! (Bonferroni), so that a model that reproduces every `pass` row fails
//! one by chance with probability at most 5 %. The interval of a sum is
//! the sum of the terms' half-widths, which is never narrower than the
//! sum's own (standard deviations are subadditive): the test is
//! conservative.
//!
//! Bands: `low` and `high` as given (either may be absent for a bound on
//! one side); for `kind = "order_of_magnitude"` (episodes reported as
//! "about 55 trains"), a factor of √10 either side of the observation.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::Deserialize;

use super::CorridorExperiment;
use crate::error::ScenarioError;
use crate::metric::MetricKey;
use crate::montecarlo::{Arm, ExperimentResult, NoRows, Replicate, RunError, Runner};
use crate::scenario::Scenario;

/// The probability that a model reproducing every `pass` row fails one of
/// them by chance.
pub const FAMILY_ALPHA: f64 = 0.05;

/// What a row is expected to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expect {
    /// The model reproduces it.
    Pass,
    /// The model does not; the row says why.
    Fail,
    /// The figure is an input of the scenario.
    Input,
    /// The scenario has nothing that produces it (another year, say).
    NotModelled,
}

/// How a row's band is set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// `low` to `high` as given.
    #[default]
    Band,
    /// Within a factor √10 of the observation.
    OrderOfMagnitude,
}

/// One observed figure.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Row {
    /// An id (as in the facts' calibration targets).
    pub id: String,
    /// What was observed.
    pub quantity: String,
    /// When.
    pub year: String,
    /// The observed value.
    pub observed: f64,
    /// The band's lower end, if any.
    #[serde(default)]
    pub low: Option<f64>,
    /// The band's upper end, if any.
    #[serde(default)]
    pub high: Option<f64>,
    /// The unit, as people write it.
    pub unit: String,
    /// The source: a row of the facts file.
    pub facts: String,
    /// How the band is set.
    #[serde(default)]
    pub kind: Kind,
    /// The scenario variant that produces it (absent: the base).
    #[serde(default)]
    pub variant: Option<String>,
    /// The demand multiplier.
    #[serde(default = "one")]
    pub demand: f64,
    /// The metrics whose sum, times `scale`, is the simulated value.
    #[serde(default)]
    pub metrics: Vec<String>,
    /// A factor on the sum (hours to days, say).
    #[serde(default = "one")]
    pub scale: f64,
    /// What the row is expected to show.
    pub expect: Expect,
    /// Why a row fails, or where an input comes in; any note otherwise.
    #[serde(default)]
    pub reason: String,
}

fn one() -> f64 {
    1.0
}

/// A calibration file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calibration {
    /// The rows, in the order of the table.
    pub rows: Vec<Row>,
}

/// Why a calibration could not be run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CalibrationError {
    /// The file could not be read.
    #[error("{file}: cannot read: {source}")]
    Read {
        /// The file.
        file: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a calibration file.
    #[error("{file}: {message}")]
    Parse {
        /// The file.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// A row cannot be evaluated as written.
    #[error("row {id}: {message}")]
    Row {
        /// The row's id.
        id: String,
        /// What is wrong.
        message: String,
    },
    /// A variant or demand could not be built.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The simulation failed.
    #[error(transparent)]
    Run(#[from] RunError),
}

impl Calibration {
    /// Reads a calibration file.
    ///
    /// # Errors
    ///
    /// A file that cannot be read or parsed.
    pub fn load(path: &Path) -> Result<Calibration, CalibrationError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| CalibrationError::Read {
            file: file.clone(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| CalibrationError::Parse {
            file,
            message: e.to_string(),
        })
    }

    /// The rows that are simulated (not inputs).
    fn simulated(&self) -> impl Iterator<Item = &Row> {
        self.rows
            .iter()
            .filter(|r| !matches!(r.expect, Expect::Input | Expect::NotModelled))
    }

    /// The confidence level of each simulated row: `1 − FAMILY_ALPHA / k`
    /// over its `k` simulated rows.
    pub fn row_level(&self) -> f64 {
        let k = self.simulated().count().max(1) as f64;
        1.0 - FAMILY_ALPHA / k
    }
}

/// A row as simulated.
#[derive(Clone, Debug)]
pub struct RowResult {
    /// The row.
    pub row: Row,
    /// The simulated value and the half-width of its interval (`None` for
    /// an input row).
    pub simulated: Option<(f64, f64)>,
}

impl RowResult {
    /// The band the simulated value is held against.
    pub fn band(&self) -> (f64, f64) {
        let r = &self.row;
        match r.kind {
            Kind::Band => (
                r.low.unwrap_or(f64::NEG_INFINITY),
                r.high.unwrap_or(f64::INFINITY),
            ),
            Kind::OrderOfMagnitude => {
                let f = 10f64.sqrt();
                (r.observed / f, r.observed * f)
            }
        }
    }

    /// Whether the simulated interval meets the band (`None` for inputs).
    pub fn consistent(&self) -> Option<bool> {
        let (mean, half) = self.simulated?;
        let (low, high) = self.band();
        Some(mean + half >= low && mean - half <= high)
    }

    /// Whether the row shows what it is expected to (inputs always do).
    pub fn as_expected(&self) -> bool {
        match (self.row.expect, self.consistent()) {
            (Expect::Pass, Some(c)) => c,
            (Expect::Fail, Some(c)) => !c,
            _ => true,
        }
    }
}

/// The arm label of a row's variant and demand.
fn arm_label(r: &Row) -> String {
    format!("{}@{}", r.variant.as_deref().unwrap_or("base"), r.demand)
}

/// Simulates every variant and demand `cal`'s rows need, `replications`
/// each on `seed` (with `threads`), and evaluates every row.
///
/// # Errors
///
/// A row naming a variant the scenario lacks or a metric it does not
/// report, a `fail` row without a reason, or a failed simulation.
pub fn run(
    scenario: &Scenario,
    cal: &Calibration,
    replications: u64,
    seed: u64,
    threads: Option<usize>,
) -> Result<Vec<RowResult>, CalibrationError> {
    let mut arms: BTreeMap<String, CorridorExperiment> = BTreeMap::new();
    for r in cal.simulated() {
        if r.expect == Expect::Fail && r.reason.trim().is_empty() {
            return Err(CalibrationError::Row {
                id: r.id.clone(),
                message: "a row the model fails says why (`reason`)".into(),
            });
        }
        if r.metrics.is_empty() {
            return Err(CalibrationError::Row {
                id: r.id.clone(),
                message: "a simulated row names its metrics".into(),
            });
        }
        let label = arm_label(r);
        if arms.contains_key(&label) {
            continue;
        }
        let mut s = match &r.variant {
            Some(v) => scenario.with_variant(v)?,
            None => scenario.clone(),
        };
        if r.demand != 1.0 {
            s = s.with_demand_multiplier(r.demand)?;
        }
        arms.insert(label, CorridorExperiment::of(&s).without_distributions());
    }
    let labels: Vec<&String> = arms.keys().collect();
    let arm_list: Vec<Arm<'_>> = labels
        .iter()
        .map(|l| Arm::new(l.as_str(), &arms[*l] as &dyn Replicate))
        .collect();
    let result: ExperimentResult =
        Runner::new(seed, threads)?.run(&arm_list, 0..replications, &mut NoRows)?;
    let level = cal.row_level();
    cal.rows
        .iter()
        .map(|r| {
            if matches!(r.expect, Expect::Input | Expect::NotModelled) {
                return Ok(RowResult {
                    row: r.clone(),
                    simulated: None,
                });
            }
            let arm = &result.arms[labels
                .iter()
                .position(|l| **l == arm_label(r))
                .expect("an arm for every row")];
            let (mut mean, mut half) = (0.0, 0.0);
            for m in &r.metrics {
                let key: MetricKey = arms[&arm_label(r)]
                    .metric_keys()
                    .into_iter()
                    .find(|k| k.to_string() == *m)
                    .ok_or_else(|| CalibrationError::Row {
                        id: r.id.clone(),
                        message: format!("no metric {m} in {}", arm_label(r)),
                    })?;
                let i = arm
                    .interval(&key, level)
                    .ok_or_else(|| CalibrationError::Row {
                        id: r.id.clone(),
                        message: format!("{m} has no value in {}", arm_label(r)),
                    })?;
                mean += i.mean;
                half += i.half_width.unwrap_or(f64::INFINITY);
            }
            Ok(RowResult {
                row: r.clone(),
                simulated: Some((mean * r.scale, half * r.scale.abs())),
            })
        })
        .collect()
}

/// A number with about three significant digits.
pub(crate) fn num(x: f64) -> String {
    let a = x.abs();
    if !x.is_finite() {
        return "—".into();
    }
    let d = if a >= 100.0 {
        0
    } else if a >= 10.0 {
        1
    } else if a >= 1.0 {
        2
    } else {
        3
    };
    format!("{x:.d$}")
}

/// The rows as a Markdown table: simulated beside observed, the band and
/// the verdict.
pub fn markdown(results: &[RowResult]) -> String {
    let mut t = String::from(
        "| row | quantity | year | simulated | observed | band | source (facts) | verdict |\n\
         |---|---|---|---|---|---|---|---|\n",
    );
    for res in results {
        let r = &res.row;
        let sim = match res.simulated {
            Some((m, h)) => format!("{} ± {} {}", num(m), num(h), r.unit),
            None => "—".into(),
        };
        let (low, high) = res.band();
        let band = match (low.is_finite(), high.is_finite()) {
            (true, true) => format!("{} – {}", num(low), num(high)),
            (true, false) => format!("≥ {}", num(low)),
            (false, true) => format!("≤ {}", num(high)),
            (false, false) => "—".into(),
        };
        let verdict = match (r.expect, res.consistent()) {
            (Expect::NotModelled, _) => format!("not modelled: {}", r.reason),
            (Expect::Input, _) | (_, None) => format!("input: {}", r.reason),
            (_, Some(true)) => "**pass**".to_string() + &note(&r.reason),
            (_, Some(false)) => format!("**fail**: {}", r.reason),
        };
        let variant = match (&r.variant, r.demand) {
            (None, 1.0) => String::new(),
            (None, d) => format!(" (demand ×{d})"),
            (Some(v), 1.0) => format!(" (`{v}`)"),
            (Some(v), d) => format!(" (`{v}`, demand ×{d})"),
        };
        let _ = writeln!(
            t,
            "| {} | {}{} | {} | {} | {} {} | {} | {} | {} |",
            r.id,
            r.quantity,
            variant,
            r.year,
            sim,
            num(r.observed),
            r.unit,
            band,
            r.facts,
            verdict
        );
    }
    t
}

fn note(reason: &str) -> String {
    if reason.trim().is_empty() {
        String::new()
    } else {
        format!(" ({reason})")
    }
}
