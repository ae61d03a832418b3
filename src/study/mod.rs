//! Studies of the corridor: variants of a scenario compared on the same
//! seeds, a demand sweep, shards of either and their exact merge. This is
//! what the `baktu` example and the `silkrail` command line run.
//!
//! [`CorridorExperiment`] is the corridor as a [`Replicate`] model for the
//! generic experiment layer ([`crate::montecarlo`]); [`StudyPlan`] says what
//! to run and [`Study`] holds what came out, ready for
//! [`crate::report`] to write.

pub mod calibration;
mod defaults;
mod partial;
mod sensitivity;
mod sweep;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use defaults::{
    DEFAULT_MULTIPLIERS, DEFAULT_SWEEP_METRIC, DEFAULT_THRESHOLD, StudyOptions, SweepOptions,
};
pub use partial::{PARTIAL_SCHEMA_VERSION, Partial};
pub use sensitivity::{AssumptionRun, Effect, EffectSummary, Sensitivity, SensitivityPlan};
pub use sweep::{
    Crossings, DEFAULT_RESOURCE_THRESHOLD, DEMAND, GridError, MAX_GRID_POINTS, Saturation, Sweep,
    SweepPlan, multiplier_grid, override_value, parse_grid, value_grid,
};

use crate::corridor::{CorridorModel, Network, RunSettings, TraceRecord, metric_keys_over};
use crate::error::ScenarioError;
use crate::metric::{MetricKey, Observation};
use crate::montecarlo::{
    Arm, ExperimentResult, MergeError, ModelError, ProgressFn, Replicate, RowSink, RunError,
    Runner, Shard, StoppingRule,
};
use crate::rng::fnv1a;
use crate::scenario::{Experiment, Scenario};
use crate::time::SimDuration;

/// The version of the result files' layout (`summary.json`,
/// `replications.csv`, `partial.json`): raised whenever a reader would
/// need to change.
pub const SCHEMA_VERSION: u32 = 2;

/// The corridor as a model of the experiment layer: one replication runs
/// the network for the warm-up and the horizon and reports its metrics.
#[derive(Clone, Debug)]
pub struct CorridorExperiment {
    network: Network,
    warmup: SimDuration,
    horizon: SimDuration,
    delay_threshold: SimDuration,
    distributions: bool,
}

impl CorridorExperiment {
    /// Replications of `network` with the warm-up, horizon and delay
    /// threshold of `experiment`.
    pub fn new(network: Network, experiment: &Experiment) -> Self {
        CorridorExperiment {
            network,
            warmup: experiment.warmup,
            horizon: experiment.horizon,
            delay_threshold: experiment.delay_threshold,
            distributions: true,
        }
    }

    /// Replications of a network built in code: `warmup` before
    /// measurement, `horizon` measured, consignments that waited longer
    /// than `delay_threshold` in all counted as delayed.
    pub fn from_network(
        network: Network,
        warmup: SimDuration,
        horizon: SimDuration,
        delay_threshold: SimDuration,
    ) -> Self {
        CorridorExperiment {
            network,
            warmup,
            horizon,
            delay_threshold,
            distributions: true,
        }
    }

    /// Replications of a scenario's network with its own settings.
    pub fn of(scenario: &Scenario) -> Self {
        Self::new(scenario.network.clone(), &scenario.experiment)
    }

    /// The same with another span measured after the warm-up.
    pub fn with_horizon(mut self, horizon: SimDuration) -> Self {
        self.horizon = horizon;
        self
    }

    /// The same without the distributions (every train's waits and
    /// transits, for the charts): a replication then reports only scalar
    /// metrics, which is all a sweep needs.
    pub fn without_distributions(mut self) -> Self {
        self.distributions = false;
        self
    }

    /// The same with another warm-up.
    pub fn with_warmup(mut self, warmup: SimDuration) -> Self {
        self.warmup = warmup;
        self
    }

    /// The network.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// The settings of replication `replication` of master seed `seed`.
    pub fn settings(&self, seed: u64, replication: u64) -> RunSettings {
        RunSettings {
            seed,
            replication,
            warmup: self.warmup,
            horizon: self.horizon,
            delay_threshold: self.delay_threshold,
            trace: false,
        }
    }
}

impl Replicate for CorridorExperiment {
    fn metric_keys(&self) -> Vec<MetricKey> {
        metric_keys_over(&self.network, self.warmup, self.horizon)
    }

    fn replicate(&self, seed: u64, replication: u64) -> Result<Observation, ModelError> {
        let report = CorridorModel::run(&self.network, self.settings(seed, replication));
        if let Some(ms) = report.network.overloaded_at_ms {
            return Err(ModelError::new(format!(
                "{} trains were in the system on day {:.0}: the corridor cannot carry this demand \
                 (lower it, or raise the capacity that binds)",
                crate::corridor::MAX_TRAINS_IN_SYSTEM,
                ms as f64 / crate::time::TICKS_PER_DAY as f64
            )));
        }
        Ok(if self.distributions {
            report.into_observation()
        } else {
            report.observation()
        })
    }
}

/// Why a study could not be run or merged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StudyError {
    /// A variant could not be built (e.g. scaled to the demand asked for).
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The experiment failed.
    #[error(transparent)]
    Run(#[from] RunError),
    /// Parts could not be merged.
    #[error(transparent)]
    Merge(#[from] MergeError),
    /// A stopping rule decides the number of replications as it goes, so
    /// its study cannot be split into shards.
    #[error(
        "a stopping rule decides the number of replications as it goes, so it cannot be split into shards: give a fixed number"
    )]
    StoppingRuleWithShards,
    /// A study needs at least one variant.
    #[error("a study needs at least one variant")]
    NoVariants,
    /// An assumption of the scenario cannot be set to its low or high
    /// value.
    #[error("assumption {id}: {message}")]
    Assumption {
        /// The assumption's id.
        id: String,
        /// Why (the scenario's error, naming the field).
        message: String,
    },
    /// A sweep that cannot be run as asked (too many parameters, a grid
    /// out of range).
    #[error("{0}")]
    Sweep(String),
    /// A part file could not be read or is not a part of this kind.
    #[error("{file}: {message}")]
    Part {
        /// The file.
        file: String,
        /// What is wrong with it.
        message: String,
    },
}

/// A variant's name and every train's events in one replication.
pub type VariantTrace = (String, Vec<TraceRecord>);

/// What to run.
#[derive(Clone, Debug)]
pub struct StudyPlan {
    /// Variant names and scenarios; the first is the baseline.
    pub variants: Vec<(String, Scenario)>,
    /// Replications per variant (when `stopping` is set, its `max` is the
    /// ceiling instead).
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
    /// The sweep, if any.
    pub sweep: Option<SweepPlan>,
    /// The sensitivity study, if any.
    pub sensitivity: Option<SensitivityPlan>,
    /// Run only this shard of the replications.
    pub shard: Option<Shard>,
}

/// What was computed: enough to reproduce a result, and nothing about how
/// it was run (threads, shards, host and time go to [`RunRecord`]), so
/// that the result files are the same however they were computed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// The layout version of the result files.
    pub schema_version: u32,
    /// silkrail's version.
    pub crate_version: String,
    /// Scenario name.
    pub scenario: String,
    /// Where the scenario came from.
    pub source: String,
    /// FNV-1a hash of the variants' scenarios as parsed (canonical JSON),
    /// hex.
    pub scenario_hash: String,
    /// The variants, the baseline first.
    pub variants: Vec<String>,
    /// Master seed.
    pub seed: u64,
    /// Replications per variant of the comparison: 0 for a study that is
    /// only a sweep or a sensitivity study, which give their own per point
    /// or setting ([`Sweep::replications`], [`Sensitivity::replications`]).
    pub replications: u64,
    /// Demand multiplier applied on top of the scenario's.
    pub demand_multiplier: f64,
    /// Measured days per replication.
    pub horizon_days: f64,
    /// Warm-up days per replication.
    pub warmup_days: f64,
    /// Confidence level of every interval.
    pub confidence_level: f64,
    /// The calendar year of day 0, if the scenario has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_year: Option<u32>,
    /// Whether the baseline's inputs stay the same over time (see
    /// [`Network::is_stationary`]): then its warm-up is checked.
    #[serde(default)]
    pub stationary: bool,
}

/// How a result was computed: written beside the results (`run.json`),
/// never inside them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// Worker threads (none for a merge).
    pub threads: Option<usize>,
    /// The shard run (`I/N`), for a part.
    pub shard: Option<String>,
    /// The host's name, where known.
    pub host: Option<String>,
    /// Wall-clock time of the run \[s\].
    pub wall_seconds: f64,
    /// The records of the parts merged into this result, for a merge.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<RunRecord>,
}

impl RunRecord {
    /// A record of a run on this host.
    pub fn here(threads: Option<usize>, shard: Option<Shard>, wall_seconds: f64) -> Self {
        let host = std::env::var("HOSTNAME")
            .ok()
            .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty());
        RunRecord {
            threads,
            shard: shard.map(|s| s.to_string()),
            host,
            wall_seconds,
            parts: Vec::new(),
        }
    }
}

/// All results of a study.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Study {
    /// What was computed.
    pub manifest: Manifest,
    /// The variants on the same replications, each paired with the first.
    pub result: ExperimentResult,
    /// The sweep, if one was run.
    pub sweep: Option<Sweep>,
    /// The sensitivity study, if one was run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitivity: Option<Sensitivity>,
    /// Display names of the ports, by id (from the scenarios' `name`).
    pub port_names: BTreeMap<String, String>,
    /// Every metric the variants report, in table order (the columns of
    /// `replications.csv`).
    pub metric_keys: Vec<MetricKey>,
}

impl Study {
    /// Kernel events of the study's runs: the comparison's, and the
    /// sweep's and sensitivity study's (a run that they share among their
    /// points or settings counts once). The re-run of replication 0 that
    /// writes a trace is not among them. `None` if unknown: a part merged
    /// in was written by a version that did not count a sweep's or a
    /// sensitivity study's events.
    pub fn events_total(&self) -> Option<u64> {
        let compared: u64 = self.result.arms.iter().map(|a| a.events).sum();
        let sweep = self
            .sweep
            .as_ref()
            .map_or(Some(0), |s| s.simulated_events)?;
        let sensitivity = self
            .sensitivity
            .as_ref()
            .map_or(Some(0), |s| s.simulated_events)?;
        Some(compared + sweep + sensitivity)
    }

    /// The display name of port `id` (the id itself if unknown).
    pub fn port_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.port_names.get(id).map_or(id, String::as_str)
    }
}

fn scenario_hash(variants: &[(String, Scenario)]) -> String {
    let mut text = String::new();
    for (name, s) in variants {
        text.push_str(name);
        text.push_str(&serde_json::to_string(&s.spec).expect("specs serialize"));
    }
    format!("{:016x}", fnv1a(text.as_bytes()))
}

impl StudyPlan {
    /// Units of work (arm-replications) the plan will run at most, for a
    /// progress display.
    pub fn work(&self) -> u64 {
        let main = match &self.stopping {
            Some(rule) => rule.max,
            None => self.range().end - self.range().start,
        } * self.variants.len() as u64;
        // Models that compute what another does run once (see
        // `for_each_distinct`).
        let sweep = self.sweep.as_ref().map_or(0, |s| {
            let r = self.shard.unwrap_or(Shard::WHOLE).range(s.replications);
            let groups: Vec<Vec<&Scenario>> = s.points.iter().map(|p| p.iter().collect()).collect();
            Self::distinct_count(&groups) * (r.end - r.start)
        });
        let sensitivity = self.sensitivity.as_ref().map_or(0, |s| {
            let r = self.shard.unwrap_or(Shard::WHOLE).range(s.replications);
            Self::distinct_count(&self.settings(s)) * (r.end - r.start)
        });
        main + sweep + sensitivity
    }

    /// Every metric the variants report, in table order: the columns of
    /// `replications.csv`.
    pub fn metric_keys(&self) -> Result<Vec<MetricKey>, StudyError> {
        if self.variants.is_empty() {
            return Err(StudyError::NoVariants);
        }
        let mut keys: Vec<MetricKey> = Vec::new();
        for (_, s) in &self.variants {
            for k in metric_keys_over(&s.network, s.experiment.warmup, s.experiment.horizon) {
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
        }
        Ok(keys)
    }

    /// The replication indices this plan runs.
    pub fn range(&self) -> std::ops::Range<u64> {
        self.shard.unwrap_or(Shard::WHOLE).range(self.replications)
    }

    /// The models of every variant at demand × `factor`: the baseline's
    /// warm-up, horizon and delay threshold for all, so that paired
    /// replications cover the same span.
    fn models(&self, factor: f64) -> Result<Vec<CorridorExperiment>, StudyError> {
        let base = &self.variants.first().ok_or(StudyError::NoVariants)?.1;
        self.variants
            .iter()
            .map(|(_, s)| {
                let scaled = s.with_demand_multiplier(factor)?;
                Ok(CorridorExperiment::new(scaled.network, &base.experiment))
            })
            .collect()
    }

    /// Every train's events in replication 0 of each variant, when the
    /// baseline's `[experiment] trace` is set and this plan runs
    /// replication 0 (an unsplit run, or the first shard); `None`
    /// otherwise. The replication is run again with its trace kept, on the
    /// same seed, so its figures are those of the study's replication 0.
    ///
    /// # Errors
    ///
    /// [`StudyError::Scenario`] if a variant cannot be scaled to the
    /// plan's demand.
    pub fn first_traces(&self) -> Result<Option<Vec<VariantTrace>>, StudyError> {
        let base = &self.variants.first().ok_or(StudyError::NoVariants)?.1;
        if !base.experiment.trace || !self.range().contains(&0) {
            return Ok(None);
        }
        let models = self.models(self.demand_multiplier)?;
        Ok(Some(
            self.variants
                .iter()
                .zip(&models)
                .map(|((name, _), m)| {
                    let settings = RunSettings {
                        trace: true,
                        ..m.settings(self.seed, 0)
                    };
                    let report = CorridorModel::run(m.network(), settings);
                    (name.clone(), report.trace.unwrap_or_default())
                })
                .collect(),
        ))
    }

    /// The manifest of this plan's result with `replications` per variant.
    pub fn manifest(&self, replications: u64) -> Manifest {
        let first = &self.variants[0].1;
        Manifest {
            schema_version: SCHEMA_VERSION,
            crate_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario: first.spec.name.clone(),
            source: first.source.clone(),
            scenario_hash: scenario_hash(&self.variants),
            variants: self.variants.iter().map(|(n, _)| n.clone()).collect(),
            seed: self.seed,
            replications,
            demand_multiplier: self.demand_multiplier,
            horizon_days: first.experiment.horizon.as_days_f64(),
            warmup_days: first.experiment.warmup.as_days_f64(),
            confidence_level: self.level,
            start_year: first.network.start_year(),
            stationary: first.network.is_stationary(),
        }
    }

    /// Runs the plan, streaming every replication's observations to `rows`
    /// and reporting progress to `progress` (increments of arm-replications
    /// done; they add up to at most [`work`](Self::work)).
    ///
    /// # Errors
    ///
    /// [`StudyError`] if a variant cannot be built, the threads cannot
    /// start, a stopping rule is combined with a shard, or a replication
    /// fails.
    pub fn run(
        &self,
        rows: &mut dyn RowSink,
        progress: Option<ProgressFn>,
    ) -> Result<Study, StudyError> {
        if self.variants.is_empty() {
            return Err(StudyError::NoVariants);
        }
        if self.stopping.is_some() && self.shard.is_some() {
            return Err(StudyError::StoppingRuleWithShards);
        }
        let mut runner = Runner::new(self.seed, self.threads)?;
        if let Some(p) = progress {
            runner = runner.with_progress(p);
        }
        let models = self.models(self.demand_multiplier)?;
        let arms: Vec<Arm<'_>> = self
            .variants
            .iter()
            .zip(&models)
            .map(|((name, _), m)| Arm::new(name, m))
            .collect();
        let result = match &self.stopping {
            Some(rule) => runner.run_until_precise(&arms, rule, rows)?,
            None => runner.run(&arms, self.range(), rows)?,
        };
        let replications = match &self.stopping {
            Some(_) => result.replications(),
            None => self.replications,
        };
        let sweep = match &self.sweep {
            None => None,
            Some(plan) => Some(self.run_sweep(&runner, plan)?),
        };
        let sensitivity = match &self.sensitivity {
            None => None,
            Some(plan) => Some(self.run_sensitivity(&runner, plan)?),
        };
        let mut port_names = BTreeMap::new();
        for m in &models {
            for (i, p) in m.network().ports().iter().enumerate() {
                let id = m.network().port_id(crate::corridor::PortId(i as u32));
                port_names.insert(id.to_string(), p.name.clone());
            }
        }
        let metric_keys = self.metric_keys()?;
        Ok(Study {
            manifest: self.manifest(replications),
            result,
            sweep,
            sensitivity,
            port_names,
            metric_keys,
        })
    }

    /// The models of `scenarios` (one point's variants) at the plan's
    /// demand, all with the first one's experiment settings.
    fn point_models(&self, scenarios: &[Scenario]) -> Result<Vec<CorridorExperiment>, StudyError> {
        let base = &scenarios.first().ok_or(StudyError::NoVariants)?.experiment;
        scenarios
            .iter()
            .map(|s| {
                let scaled = s.with_demand_multiplier(self.demand_multiplier)?;
                Ok(CorridorExperiment::new(scaled.network, base).without_distributions())
            })
            .collect()
    }

    /// The scenarios of a sensitivity study's settings: the nominal
    /// variants, then each assumption's low and high ones.
    fn settings<'a>(&'a self, plan: &'a SensitivityPlan) -> Vec<Vec<&'a Scenario>> {
        let mut out = vec![self.variants.iter().map(|(_, s)| s).collect()];
        for a in &plan.assumptions {
            out.push(a.low.iter().collect());
            out.push(a.high.iter().collect());
        }
        out
    }

    /// Distinct models among the groups' (points', settings') scenarios,
    /// for a progress display.
    fn distinct_count(groups: &[Vec<&Scenario>]) -> u64 {
        distinct(&model_keys(groups)).1.len() as u64
    }

    fn run_sensitivity(
        &self,
        runner: &Runner,
        plan: &SensitivityPlan,
    ) -> Result<Sensitivity, StudyError> {
        let groups = self.settings(plan);
        let mut models = Vec::new();
        for g in &groups {
            let owned: Vec<Scenario> = g.iter().map(|s| (*s).clone()).collect();
            models.extend(self.point_models(&owned)?);
        }
        let mut labels = vec!["nominal".to_string()];
        for a in &plan.assumptions {
            labels.push(format!("{} low", a.id));
            labels.push(format!("{} high", a.id));
        }
        let names: Vec<String> = labels
            .iter()
            .flat_map(|l| self.variants.iter().map(move |(v, _)| format!("{v}, {l}")))
            .collect();
        let mut result =
            Sensitivity::new(plan, self.variants.iter().map(|(n, _)| n.clone()).collect());
        let range = self.shard.unwrap_or(Shard::WHOLE).range(plan.replications);
        result.simulated_events = Some(for_each_distinct(
            runner,
            &models,
            &names,
            &model_keys(&groups),
            range,
            &mut |_, obs| result.absorb(obs),
        )?);
        Ok(result)
    }

    fn run_sweep(&self, runner: &Runner, plan: &SweepPlan) -> Result<Sweep, StudyError> {
        let mut models = Vec::new();
        for scenarios in &plan.points {
            models.extend(self.point_models(scenarios)?);
        }
        let keys: Vec<Vec<MetricKey>> = self
            .variants
            .iter()
            .map(|(_, s)| crate::corridor::metric_keys(&s.network))
            .collect();
        let mut sweep = Sweep::new(
            plan,
            self.variants.iter().map(|(n, _)| n.clone()).collect(),
            &keys,
        );
        let labels: Vec<String> = sweep.cells.arms.iter().map(|a| a.label.clone()).collect();
        let groups: Vec<Vec<&Scenario>> = plan.points.iter().map(|p| p.iter().collect()).collect();
        let range = self.shard.unwrap_or(Shard::WHOLE).range(plan.replications);
        sweep.simulated_events = Some(for_each_distinct(
            runner,
            &models,
            &labels,
            &model_keys(&groups),
            range,
            &mut |r, obs| sweep.absorb(r, obs),
        )?);
        Ok(sweep)
    }
}

/// What each model of the groups computes, as text: the scenario as it
/// runs (its variants and assumptions tables aside, which only other
/// scenarios use) with its group's experiment settings. Two models with
/// the same key give the same bits on the same seed.
fn model_keys(groups: &[Vec<&Scenario>]) -> Vec<String> {
    let mut keys = Vec::new();
    for g in groups {
        let Some(first) = g.first() else { continue };
        let base = serde_json::to_string(&first.spec.experiment).expect("specs serialize");
        for s in g {
            let mut spec = s.spec.clone();
            spec.variants.clear();
            spec.assumptions.clear();
            spec.experiment = first.spec.experiment.clone();
            keys.push(format!(
                "{base}\u{0}{}",
                serde_json::to_string(&spec).expect("specs serialize")
            ));
        }
    }
    keys
}

/// For each key the index of its first occurrence among the distinct
/// ones, and the positions of the distinct ones.
fn distinct(keys: &[String]) -> (Vec<usize>, Vec<usize>) {
    let mut firsts: Vec<usize> = Vec::new();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    let map = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            *seen.entry(k.as_str()).or_insert_with(|| {
                firsts.push(i);
                firsts.len() - 1
            })
        })
        .collect();
    (map, firsts)
}

/// Runs each distinct one of `models` (by `keys`) once per replication of
/// `range` and calls `consume` with one observation per model, in order:
/// a model that computes what another does (a variant a swept field does
/// not touch, an assumption at its nominal value) shares that one's
/// observation, the same bits it would have given on the same seed.
/// Returns the kernel events of the runs simulated, each shared run once.
fn for_each_distinct(
    runner: &Runner,
    models: &[CorridorExperiment],
    labels: &[String],
    keys: &[String],
    range: std::ops::Range<u64>,
    consume: &mut dyn FnMut(u64, &[Observation]),
) -> Result<u64, StudyError> {
    let (map, firsts) = distinct(keys);
    let arms: Vec<Arm<'_>> = firsts
        .iter()
        .map(|&i| Arm::new(&labels[i], &models[i]))
        .collect();
    let mut events = 0;
    runner.for_each(&arms, range, &mut |r, obs| {
        events += obs.iter().map(|o| o.events).sum::<u64>();
        if firsts.len() == models.len() {
            consume(r, obs);
        } else {
            let row: Vec<Observation> = map.iter().map(|&u| obs[u].clone()).collect();
            consume(r, &row);
        }
        Ok(())
    })?;
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::distinct;

    #[test]
    fn each_key_maps_to_its_first_occurrence() {
        let keys: Vec<String> = ["a", "b", "a", "c", "b"].map(String::from).to_vec();
        assert_eq!(distinct(&keys), (vec![0, 1, 0, 2, 1], vec![0, 1, 3]));
    }
}
