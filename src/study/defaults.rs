//! Plans as the command line and the examples make them: what a user
//! leaves out comes from the scenario file, then from silkrail's defaults.

use super::{
    DEFAULT_RESOURCE_THRESHOLD, DEMAND, MAX_GRID_POINTS, StudyError, StudyPlan, SweepPlan,
    multiplier_grid, override_value,
};
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

/// What a user may set for a sweep; `None` takes the scenario's
/// `[experiment.sweep]`, then the defaults above.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SweepOptions {
    /// The parameters to sweep with their values, one or two: [`DEMAND`]
    /// or the path of a scenario field (as for `--set`). Empty: the
    /// demand over `multipliers`.
    pub parameters: Vec<(String, Vec<f64>)>,
    /// Demand multipliers, ascending (when `parameters` is empty).
    pub multipliers: Option<Vec<f64>>,
    /// The watched metric, by its text form.
    pub metric: Option<String>,
    /// The value that counts as saturated.
    pub threshold: Option<f64>,
    /// The use of a capacity that counts as saturated (default
    /// [`DEFAULT_RESOURCE_THRESHOLD`]).
    pub resource_threshold: Option<f64>,
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
            sensitivity: None,
            shard: options.shard,
            variants,
        })
    }

    /// A sweep of the base scenario and each named variant over one or
    /// two parameters (the demand by default); the sweep is the whole
    /// result (no separate run at the nominal point). Every grid point's
    /// scenarios are built and checked here, before anything runs: a
    /// field's value is set on the scenario file as `--set` would set it,
    /// and the variants are laid over it after.
    ///
    /// # Errors
    ///
    /// [`StudyError::Scenario`] for a bad variant or a value a field
    /// refuses (naming the field), [`StudyError::Sweep`] for more than two
    /// parameters or an empty grid, [`StudyError::Run`] with
    /// [`RunError::UnknownMetric`](crate::montecarlo::RunError::UnknownMetric)
    /// for a metric the base scenario does not report.
    pub fn sweep(
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
            (None, None) => lookup(DEFAULT_SWEEP_METRIC).map_err(default_hint)?,
        };
        let parameters = if sweep.parameters.is_empty() {
            let (lo, hi, step) = DEFAULT_MULTIPLIERS;
            let multipliers = sweep
                .multipliers
                .clone()
                .or_else(|| from_file.map(|f| f.multipliers.clone()))
                .unwrap_or_else(|| {
                    multiplier_grid(lo, hi, step).expect("the default grid is valid")
                });
            vec![(DEMAND.to_string(), multipliers)]
        } else {
            sweep.parameters.clone()
        };
        if parameters.len() > 2 {
            return Err(StudyError::Sweep(format!(
                "--param: at most two parameters at a time, got {} ({})",
                parameters.len(),
                parameters
                    .iter()
                    .map(|(p, _)| p.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        for (p, values) in &parameters {
            if let Some(bad) = values.iter().find(|&&m| p == DEMAND && !(m > 0.0)) {
                return Err(StudyError::Sweep(format!(
                    "--param demand: expected positive multipliers, got {bad}"
                )));
            }
            if values.is_empty() || values.len() > MAX_GRID_POINTS {
                return Err(StudyError::Sweep(format!(
                    "--param {p}: expected 1 to {MAX_GRID_POINTS} values, got {}",
                    values.len()
                )));
            }
        }
        let total: usize = parameters.iter().map(|(_, v)| v.len()).product();
        if total > MAX_GRID_POINTS {
            return Err(StudyError::Sweep(format!(
                "--param: {total} points ({}), expected at most {MAX_GRID_POINTS}",
                parameters
                    .iter()
                    .map(|(_, v)| v.len().to_string())
                    .collect::<Vec<_>>()
                    .join(" × ")
            )));
        }
        if parameters.len() == 2 && parameters[0].0 == parameters[1].0 {
            return Err(StudyError::Sweep(format!(
                "--param {} is given twice",
                parameters[0].0
            )));
        }
        let mut plan = Self::comparison(base, variant_names, options)?;
        let inner = parameters.get(1).map_or(1, |(_, v)| v.len());
        let mut points = Vec::new();
        for i in 0..parameters[0].1.len() {
            for j in 0..inner {
                let at = [i, j];
                let mut sets = Vec::new();
                let mut demand = 1.0;
                for ((p, values), &k) in parameters.iter().zip(&at) {
                    match p.as_str() {
                        DEMAND => demand = values[k],
                        _ => sets.push(format!("{p}={}", override_value(values[k]))),
                    }
                }
                let file = base.with_overrides(&sets)?;
                let scenarios = variants(&file, variant_names, options.base_variant.as_deref())?
                    .into_iter()
                    .map(|(_, s)| s.with_demand_multiplier(demand))
                    .collect::<Result<Vec<_>, _>>()?;
                points.push(scenarios);
            }
        }
        plan.stopping = None;
        plan.sweep = Some(SweepPlan {
            parameters: parameters.iter().map(|(p, _)| p.clone()).collect(),
            values: parameters.into_iter().map(|(_, v)| v).collect(),
            points,
            metric,
            threshold: sweep
                .threshold
                .or(from_file.map(|f| f.threshold))
                .unwrap_or(DEFAULT_THRESHOLD),
            resource_threshold: sweep
                .resource_threshold
                .unwrap_or(DEFAULT_RESOURCE_THRESHOLD),
            replications: sweep
                .replications
                .or(options.replications)
                .or(from_file.map(|f| f.replications))
                .unwrap_or(plan.replications),
        });
        plan.replications = 0;
        Ok(plan)
    }

    /// A sensitivity study of the scenario's `[assumptions]` (all, or those
    /// in `only`): each set to its low and to its high value in turn, on
    /// the same seeds as the nominal run, for the baseline and, if given,
    /// one variant whose paired difference from the baseline is the
    /// answer. The answer is about `metric` (default
    /// [`DEFAULT_SWEEP_METRIC`]).
    ///
    /// # Errors
    ///
    /// [`StudyError::Assumption`] for an assumption that does not exist or
    /// whose value a field refuses, [`StudyError::Sweep`] for a scenario
    /// without assumptions, [`StudyError::Run`] for an unknown metric,
    /// [`StudyError::Scenario`] for a bad variant.
    pub fn sensitivity(
        base: &Scenario,
        variant: Option<&str>,
        metric: Option<&str>,
        only: &[String],
        options: &StudyOptions,
    ) -> Result<StudyPlan, StudyError> {
        let names: Vec<String> = variant.into_iter().map(str::to_string).collect();
        let mut plan = Self::comparison(base, &names, options)?;
        let baseline = &plan.variants[0].1;
        let keys = crate::corridor::metric_keys_over(
            &baseline.network,
            baseline.experiment.warmup,
            baseline.experiment.horizon,
        );
        let name = metric.unwrap_or(DEFAULT_SWEEP_METRIC);
        let metric = keys
            .iter()
            .find(|k| k.to_string() == name)
            .cloned()
            .ok_or_else(|| StudyError::Run(unknown_metric(name, &keys)))
            .map_err(|e| if metric.is_none() { default_hint(e) } else { e })?;
        let declared = &base.spec.assumptions;
        if declared.is_empty() {
            return Err(StudyError::Assumption {
                id: "(none)".to_string(),
                message: format!(
                    "{} marks no [assumptions] to vary: add [assumptions.ID] tables, or give --assume PATH=LOW:HIGH",
                    base.source
                ),
            });
        }
        for id in only {
            if !declared.contains_key(id) {
                return Err(StudyError::Assumption {
                    id: id.clone(),
                    message: format!(
                        "found no such assumption, expected one of {}",
                        declared.keys().cloned().collect::<Vec<_>>().join(", ")
                    ),
                });
            }
        }
        let mut assumptions = Vec::new();
        for (id, a) in declared {
            if !only.is_empty() && !only.contains(id) {
                continue;
            }
            let at = |value: f64| -> Result<Vec<Scenario>, StudyError> {
                let sets: Vec<String> = a
                    .paths
                    .iter()
                    .map(|p| format!("{}={}", p.trim(), override_value(value)))
                    .collect();
                let wrap = |e: &dyn std::fmt::Display| StudyError::Assumption {
                    id: id.clone(),
                    message: e.to_string(),
                };
                let file = base.with_overrides(&sets).map_err(|e| wrap(&e))?;
                Ok(variants(&file, &names, options.base_variant.as_deref())
                    .map_err(|e| wrap(&e))?
                    .into_iter()
                    .map(|(_, s)| s)
                    .collect())
            };
            assumptions.push(super::AssumptionRun {
                id: id.clone(),
                description: a.description.clone(),
                row: a.row.clone(),
                range: (a.low, a.high),
                low: at(a.low)?,
                high: at(a.high)?,
            });
        }
        plan.stopping = None;
        plan.sensitivity = Some(super::SensitivityPlan {
            metric,
            assumptions,
            replications: plan.replications,
        });
        plan.replications = 0;
        Ok(plan)
    }
}

/// An unknown default metric's error, saying that it was the default and
/// how to choose another.
fn default_hint(e: StudyError) -> StudyError {
    match e {
        StudyError::Run(r) => StudyError::Sweep(format!(
            "{r} (the default measure, for the reference corridor; give --metric NAME, `silkrail metrics SCENARIO` lists them)"
        )),
        other => other,
    }
}
