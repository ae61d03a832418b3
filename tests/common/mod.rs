//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test file uses its own part of these helpers

use silkrail::metric::MetricKey;
use silkrail::montecarlo::{Arm, ExperimentResult, NoRows, Replicate, Runner};
use silkrail::scenario::Scenario;
use silkrail::study::CorridorExperiment;
use silkrail::time::SimDuration;

/// The metric of `model` whose text form is `name`.
pub fn key(model: &dyn Replicate, name: &str) -> MetricKey {
    model
        .metric_keys()
        .into_iter()
        .find(|k| k.to_string() == name)
        .unwrap_or_else(|| panic!("no metric {name}"))
}

/// A scenario's corridor with a 15-day warm-up and 45 measured days.
pub fn short(s: &Scenario) -> CorridorExperiment {
    CorridorExperiment::of(s)
        .with_warmup(SimDuration::from_days(15))
        .with_horizon(SimDuration::from_days(45))
}

/// Replications `0..n` of each model (the first the baseline) on `seed`.
pub fn run(seed: u64, models: &[&dyn Replicate], n: u64) -> ExperimentResult {
    let labels: Vec<String> = (0..models.len()).map(|i| format!("arm{i}")).collect();
    let arms: Vec<Arm<'_>> = models
        .iter()
        .zip(&labels)
        .map(|(m, l)| Arm::new(l, *m))
        .collect();
    Runner::new(seed, Some(2))
        .unwrap()
        .run(&arms, 0..n, &mut NoRows)
        .unwrap()
}
