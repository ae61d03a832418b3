//! Plans as the command line and the examples make them: what a user
//! leaves out comes from the scenario file, then from silkrail's defaults.

use super::{StudyError, StudyPlan, SweepPlan, multiplier_grid};
use crate::corridor::metric_keys;
use crate::montecarlo::{Shard, unknown_metric};
use crate::scenario::Scenario;

/// The metric a demand sweep watches when neither the user nor the
/// scenario names one.
pub const DEFAULT_SWEEP_METRIC: &str = "group.cn_kz.delay_mean_hours";
/// The demand multipliers swept by default: 0.8 to 2.0 in steps of 0.1.
pub const DEFAULT_MULTIPLIERS: (f64, f64, f64) = (0.8, 2.0, 0.1);
/// The value of the swept metric that counts as saturated by default.
pub const DEFAULT_THRESHOLD: f64 = 12.0;

/// What a user may set for any study; `None` takes the scenario's value.
#[derive(Clone, Debug, PartialEq)]
pub struct StudyOptions {
    /// Replications per variant; giving a number turns the scenario's
    /// stopping rule off.
    pub replications: Option<u64>,
    /// Master seed.
    pub seed: Option<u64>,
    /// Worker threads (`None`: one per core).
    pub threads: Option<usize>,
    /// Confidence level of every interval.
    pub level: f64,
    /// Demand multiplier on top of the scenario's.
    pub demand_multiplier: f64,
    /// Run only this shard (turns the stopping rule off).
    pub shard: Option<Shard>,
    /// Compare against this variant of the scenario instead of its base:
    /// it is the baseline, and every variant named is laid over it
    /// (`--base y2025 --variant baktu_now` runs `y2025` against
    /// `y2025+baktu_now`).
    pub base_variant: Option<String>,
}

impl Default for StudyOptions {
    fn default() -> Self {
        StudyOptions {
            replications: None,
            seed: None,
            threads: None,
            level: 0.95,
            demand_multiplier: 1.0,
            shard: None,
            base_variant: None,
        }
    }
}

/// What a user may set for a demand sweep; `None` takes the scenario's
/// `[experiment.sweep]`, then the defaults above.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SweepOptions {
    /// Demand multipliers, ascending.
    pub multipliers: Option<Vec<f64>>,
    /// The watched metric, by its text form.
    pub metric: Option<String>,
    /// The value that counts as saturated.
    pub threshold: Option<f64>,
    /// Replications per point and variant.
    pub replications: Option<u64>,
}

/// The base scenario and each named variant of it (`base` itself is not
/// repeated, and a name given twice runs once).
fn variants(
    base: &Scenario,
    names: &[String],
    base_variant: Option<&str>,
) -> Result<Vec<(String, Scenario)>, StudyError> {
    let mut out = vec![match base_variant {
        None => ("base".to_string(), base.clone()),
        Some(b) => (b.to_string(), base.with_variant(b)?),
    }];
    for n in names {
        if out.iter().any(|(have, _)| have == n) {
            continue;
        }
        let composed = match base_variant {
            None => n.clone(),
            Some(b) => format!("{b}+{n}"),
        };
        out.push((n.clone(), base.with_variant(&composed)?));
    }
    Ok(out)
}

impl StudyPlan {
    /// The base scenario compared with each named variant on the same
    /// seeds. The scenario's stopping rule applies unless a number of
    /// replications or a shard is given.
    ///
    /// # Errors
    ///
    /// [`StudyError::Scenario`] for a variant that does not exist or is
    /// invalid.
    pub fn comparison(
        base: &Scenario,
        variant_names: &[String],
        options: &StudyOptions,
    ) -> Result<StudyPlan, StudyError> {
        let variants = variants(base, variant_names, options.base_variant.as_deref())?;
        let e = &variants[0].1.experiment;
        let stopping = match (&e.stopping, options.replications, options.shard) {
            (Some(rule), None, None) => Some(rule.clone()),
            _ => None,
        };
        Ok(StudyPlan {
            replications: options.replications.unwrap_or(e.replications),
            stopping,
            seed: options.seed.unwrap_or(e.seed),
            threads: options.threads,
            level: options.level,
            demand_multiplier: options.demand_multiplier,
            sweep: None,
            shard: options.shard,
            variants,
        })
    }

    /// A demand sweep of the base scenario and each named variant; the
    /// sweep is the whole result (no separate run at today's demand).
    ///
    /// # Errors
    ///
    /// [`StudyError::Scenario`] for a bad variant, [`StudyError::Run`] with
    /// [`RunError::UnknownMetric`](crate::montecarlo::RunError::UnknownMetric) for a metric the base scenario does not
    /// report (checked before anything runs).
    pub fn demand_sweep(
        base: &Scenario,
        variant_names: &[String],
        sweep: &SweepOptions,
        options: &StudyOptions,
    ) -> Result<StudyPlan, StudyError> {
        let baseline = match &options.base_variant {
            Some(b) => base.with_variant(b)?,
            None => base.clone(),
        };
        let from_file = baseline.experiment.sweep.as_ref();
        let lookup = |name: &str| {
            let keys = metric_keys(&baseline.network);
            keys.iter()
                .find(|k| k.to_string() == name)
                .cloned()
                .ok_or_else(|| StudyError::Run(unknown_metric(name, &keys)))
        };
        let metric = match (&sweep.metric, from_file) {
            (Some(name), _) => lookup(name)?,
            (None, Some(f)) => f.metric.clone(),
            (None, None) => lookup(DEFAULT_SWEEP_METRIC)?,
        };
        let (lo, hi, step) = DEFAULT_MULTIPLIERS;
        let multipliers = sweep
            .multipliers
            .clone()
            .or_else(|| from_file.map(|f| f.multipliers.clone()))
            .unwrap_or_else(|| multiplier_grid(lo, hi, step).expect("the default grid is valid"));
        let mut plan = Self::comparison(base, variant_names, options)?;
        plan.stopping = None;
        plan.sweep = Some(SweepPlan {
            multipliers,
            metric,
            threshold: sweep
                .threshold
                .or(from_file.map(|f| f.threshold))
                .unwrap_or(DEFAULT_THRESHOLD),
            replications: sweep
                .replications
                .or(options.replications)
                .or(from_file.map(|f| f.replications))
                .unwrap_or(plan.replications),
        });
        plan.replications = 0;
        Ok(plan)
    }
}
