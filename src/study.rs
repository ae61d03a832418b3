//! Studies: replications of one or more variants on the same seeds, an
//! optional demand sweep, and the files that report them. This is what the
//! `baktu` example and the `silkrail` command line run.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use crate::montecarlo::{
    Interval, Runner, StoppingRule, SweepPoint, VariantResult, run_until_precise, saturation_point,
    shard_indices, unknown_metric,
};
use crate::report::{Manifest, OutputDir, Study, Sweep, SweepSeries, fnv1a_hex};
use crate::scenario::Scenario;

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
    if !(from > 0.0 && to >= from && step > 0.0 && to.is_finite() && (to - from) / step <= 1000.0) {
        return None;
    }
    let n = ((to - from) / step + 1e-9).floor() as u64;
    Some(
        (0..=n)
            .map(|k| ((from + k as f64 * step) * 1e6).round() / 1e6)
            .collect(),
    )
}

/// A demand sweep to run.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepPlan {
    /// Demand multipliers, ascending.
    pub multipliers: Vec<f64>,
    /// The congestion measure (a metric name).
    pub metric: String,
    /// The value of the measure that counts as saturated.
    pub threshold: f64,
    /// Replications per multiplier and variant.
    pub replications: u64,
}

/// What to run.
#[derive(Clone, Debug)]
pub struct StudyPlan {
    /// Variant names and scenarios; the first is the baseline.
    pub variants: Vec<(String, Scenario)>,
    /// Replications per variant (ignored when `stopping` is set: the rule's
    /// `max` is the ceiling then).
    pub replications: u64,
    /// Add replications until this rule is met instead of running a fixed
    /// number (not with `shard`).
    pub stopping: Option<StoppingRule>,
    /// Master seed.
    pub seed: u64,
    /// Worker threads (`None`: one per core).
    pub threads: Option<usize>,
    /// Confidence level of every interval.
    pub level: f64,
    /// Demand multiplier applied to every variant.
    pub demand_multiplier: f64,
    /// The demand sweep, if any.
    pub sweep: Option<SweepPlan>,
    /// Run only shard `i` of `n` (0-based) of the replications.
    pub shard: Option<(u64, u64)>,
}

/// A progress bar on standard error, drawn only when standard error is a
/// terminal.
pub struct Progress {
    total: u64,
    done: Mutex<u64>,
    start: Instant,
    visible: bool,
}

impl Progress {
    /// A bar for `total` units of work.
    pub fn new(total: u64) -> Self {
        Progress {
            total: total.max(1),
            done: Mutex::new(0),
            start: Instant::now(),
            visible: std::io::stderr().is_terminal(),
        }
    }

    /// Adds `n` finished units and redraws.
    pub fn advance(&self, n: u64) {
        let mut done = self.done.lock().unwrap_or_else(|p| p.into_inner());
        *done = (*done + n).min(self.total);
        if self.visible {
            let width = 30;
            let filled = (width as u64 * *done / self.total) as usize;
            let bar: String = "#".repeat(filled) + &".".repeat(width - filled);
            let mut err = std::io::stderr().lock();
            let _ = write!(
                err,
                "\r[{bar}] {}/{} replications, {:.0} s",
                *done,
                self.total,
                self.start.elapsed().as_secs_f64()
            );
            let _ = err.flush();
        }
    }

    /// Clears the bar.
    pub fn finish(&self) {
        if self.visible {
            let _ = write!(std::io::stderr(), "\r{:70}\r", "");
        }
    }
}

fn scenario_hash(variants: &[(String, Scenario)]) -> String {
    let mut text = String::new();
    for (name, s) in variants {
        text.push_str(name);
        text.push_str(&serde_json::to_string(&s.spec).expect("specs serialize"));
    }
    fnv1a_hex(text.as_bytes())
}

impl StudyPlan {
    /// Units of work (replications) the plan will run.
    pub fn work(&self) -> u64 {
        let main = match &self.stopping {
            Some(rule) => rule.max,
            None => self.indices().len() as u64,
        } * self.variants.len() as u64;
        let sweep = self.sweep.as_ref().map_or(0, |s| {
            s.multipliers.len() as u64 * s.replications * self.variants.len() as u64
        });
        main + sweep
    }

    fn indices(&self) -> Vec<u64> {
        match self.shard {
            Some((i, n)) => shard_indices(self.replications, i, n),
            None => (0..self.replications).collect(),
        }
    }

    /// The runner of every variant: the baseline's warm-up, horizon and
    /// delay threshold, so that paired replications cover the same span.
    fn runner(&self) -> Runner {
        Runner {
            seed: self.seed,
            threads: self.threads,
            ..Runner::new(&self.variants[0].1.experiment)
        }
    }

    /// Runs the plan.
    ///
    /// # Errors
    ///
    /// A message if a variant cannot be scaled to the demand multiplier or
    /// the thread pool cannot start.
    pub fn run(&self, progress: &Progress) -> Result<Study, String> {
        let indices = self.indices();
        let mut variants = Vec::new();
        let mut replications = self.replications;
        if let Some(rule) = &self.stopping {
            if self.shard.is_some() {
                return Err("a stopping rule decides the number of replications as it goes, so it cannot be split into shards: give a fixed number".into());
            }
            let mut scaled = Vec::new();
            for (_, s) in &self.variants {
                scaled.push(
                    s.with_demand_multiplier(self.demand_multiplier)
                        .map_err(|e| e.to_string())?,
                );
            }
            let networks: Vec<_> = scaled.iter().map(|s| &s.network).collect();
            let last = std::cell::Cell::new(0u64);
            let results = run_until_precise(&self.runner(), &networks, rule, &|n| {
                progress.advance((n - last.replace(n)) * networks.len() as u64);
            })?;
            replications = results.first().map_or(0, |r| r.records.len() as u64);
            variants = self
                .variants
                .iter()
                .map(|(n, _)| n.clone())
                .zip(results)
                .collect();
        }
        for (name, s) in self.variants.iter().filter(|_| self.stopping.is_none()) {
            let scaled = s
                .with_demand_multiplier(self.demand_multiplier)
                .map_err(|e| e.to_string())?;
            let mut result = VariantResult::default();
            let runner = self.runner();
            let before = std::cell::Cell::new(0usize);
            runner.run_into(&scaled.network, &indices, &mut result, &|done| {
                progress.advance((done - before.replace(done)) as u64);
            })?;
            variants.push((name.clone(), result));
        }
        let sweep = match &self.sweep {
            None => None,
            Some(plan) => Some(self.run_sweep(plan, progress)?),
        };
        let first = &self.variants[0].1;
        let manifest = Manifest {
            crate_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario: first.spec.name.clone(),
            source: first.source.clone(),
            scenario_hash: scenario_hash(&self.variants),
            seed: self.seed,
            replications,
            threads: self.threads.unwrap_or_else(rayon::current_num_threads),
            demand_multiplier: self.demand_multiplier,
            horizon_days: first.experiment.horizon.as_days_f64(),
            warmup_days: first.experiment.warmup.as_days_f64(),
            confidence_level: self.level,
            shard: self.shard.map(|(i, n)| format!("{i}/{n}")),
        };
        Ok(Study {
            manifest,
            variants,
            sweep,
        })
    }

    fn run_sweep(&self, plan: &SweepPlan, progress: &Progress) -> Result<Sweep, String> {
        let mut series = Vec::new();
        for (name, s) in &self.variants {
            let mut points = Vec::new();
            for &m in &plan.multipliers {
                let scaled = s
                    .with_demand_multiplier(self.demand_multiplier * m)
                    .map_err(|e| e.to_string())?;
                let runner = self.runner();
                let result = runner.run(&scaled.network, plan.replications)?;
                progress.advance(plan.replications);
                let value = Interval::of(&result.stats(&plan.metric), self.level)
                    .ok_or_else(|| unknown_metric(&plan.metric, &result))?;
                points.push(SweepPoint {
                    multiplier: m,
                    value,
                });
            }
            let saturation = saturation_point(&points, plan.threshold);
            series.push(SweepSeries {
                variant: name.clone(),
                points,
                saturation,
            });
        }
        Ok(Sweep {
            metric: plan.metric.clone(),
            threshold: plan.threshold,
            replications: plan.replications,
            series,
        })
    }
}

/// Writes `summary.json` and `replications.csv` (and, through
/// [`crate::report`], the charts) into `dir`.
///
/// # Errors
///
/// The first I/O error; no partial file is left behind.
pub fn write_study(
    study: &Study,
    dir: &Path,
    charts: &[(String, String)],
) -> std::io::Result<Vec<PathBuf>> {
    let mut out = OutputDir::create(dir)?;
    out.write("summary.json", &study.summary_json())?;
    out.write("replications.csv", &study.replications_csv())?;
    for (name, svg) in charts {
        out.write(name, svg)?;
    }
    Ok(out.files().to_vec())
}
