//! What drives the answer: each assumption a scenario marks (its
//! `[assumptions]`) set to its low and then its high value, one at a
//! time, on the same seeds as the nominal run, and ranked by how far it
//! moves a chosen answer (a metric, or a variant's paired difference from
//! the baseline in it).

use serde::{Deserialize, Serialize};

use crate::metric::{MetricKey, Observation};
use crate::montecarlo::{Interval, MergeError};
use crate::scenario::Scenario;
use crate::stats::ExactMoments;

/// One assumption to vary, with the scenarios of every variant at its low
/// and its high value (built and checked when the plan is made).
#[derive(Clone, Debug)]
pub struct AssumptionRun {
    /// The assumption's id in the scenario.
    pub id: String,
    /// What it assumes, in words.
    pub description: String,
    /// Where it is stated (a row of `CALIBRATION.md`).
    pub row: String,
    /// Its low and high values.
    pub range: (f64, f64),
    /// The variants' scenarios with the assumption at its low value.
    pub low: Vec<Scenario>,
    /// The variants' scenarios with the assumption at its high value.
    pub high: Vec<Scenario>,
}

/// A sensitivity study to run.
#[derive(Clone, Debug)]
pub struct SensitivityPlan {
    /// The measure the answer is about.
    pub metric: MetricKey,
    /// The assumptions, in the scenario's order.
    pub assumptions: Vec<AssumptionRun>,
    /// Replications per setting and variant.
    pub replications: u64,
}

/// One assumption's effect on the answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Effect {
    /// The assumption's id.
    pub id: String,
    /// What it assumes.
    pub description: String,
    /// Where it is stated.
    pub row: String,
    /// Its low and high values.
    pub range: (f64, f64),
    /// The answer with the assumption low.
    pub low: ExactMoments,
    /// The answer with the assumption high.
    pub high: ExactMoments,
    /// High minus low, replication by replication (paired).
    pub swing: ExactMoments,
}

/// A sensitivity study's results, accumulated exactly so that shards
/// merge into the unsplit result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sensitivity {
    /// The measure the answer is about.
    pub metric: MetricKey,
    /// The variants: the baseline alone (the answer is its level of the
    /// measure) or the baseline and one other (the answer is the other's
    /// paired difference from the baseline).
    pub variants: Vec<String>,
    /// Replications per setting.
    pub replications: u64,
    /// The answer with every assumption as the scenario has it.
    pub nominal: ExactMoments,
    /// Each assumption's effect, in the scenario's order.
    pub effects: Vec<Effect>,
    /// Replications in which the measure was missing in some setting.
    pub missing: u64,
    /// Kernel events of the runs simulated: a run that settings share (an
    /// assumption that leaves a variant as it is) counts once. `None` if
    /// unknown: a part merged in was written by a version that did not
    /// count them.
    #[serde(default)]
    pub simulated_events: Option<u64>,
}

/// One assumption's effect as intervals.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EffectSummary {
    /// The assumption's id.
    pub id: String,
    /// What it assumes.
    pub description: String,
    /// Where it is stated.
    pub row: String,
    /// Its low and high values.
    pub range: (f64, f64),
    /// The answer with the assumption low.
    pub low: Interval,
    /// The answer with the assumption high.
    pub high: Interval,
    /// High minus low, paired on the same seeds.
    pub swing: Interval,
}

impl Sensitivity {
    /// An empty result of `plan` over `variants`.
    pub fn new(plan: &SensitivityPlan, variants: Vec<String>) -> Sensitivity {
        Sensitivity {
            metric: plan.metric.clone(),
            variants,
            replications: plan.replications,
            nominal: ExactMoments::new(),
            effects: plan
                .assumptions
                .iter()
                .map(|a| Effect {
                    id: a.id.clone(),
                    description: a.description.clone(),
                    row: a.row.clone(),
                    range: a.range,
                    low: ExactMoments::new(),
                    high: ExactMoments::new(),
                    swing: ExactMoments::new(),
                })
                .collect(),
            missing: 0,
            simulated_events: Some(0),
        }
    }

    /// The answer in words: `group.cn_kz.delay_mean_hours` or `with Baktu
    /// − without Baktu in group.cn_kz.delay_mean_hours`.
    pub fn answer(&self) -> String {
        match self.variants.as_slice() {
            [base, other] => format!("{other} − {base} in {}", self.metric),
            _ => self.metric.to_string(),
        }
    }

    /// Absorbs one replication: the observations of every setting's
    /// variants (nominal, then each assumption low and high).
    pub fn absorb(&mut self, row: &[Observation]) {
        let nv = self.variants.len();
        let answer = |setting: usize| -> Option<f64> {
            let base = row[setting * nv].value(&self.metric)?;
            match nv {
                2 => Some(row[setting * nv + 1].value(&self.metric)? - base),
                _ => Some(base),
            }
        };
        let nominal = answer(0);
        let effects: Vec<Option<(f64, f64)>> = (0..self.effects.len())
            .map(|i| Some((answer(1 + 2 * i)?, answer(2 + 2 * i)?)))
            .collect();
        let (Some(nominal), true) = (nominal, effects.iter().all(Option::is_some)) else {
            self.missing += 1;
            return;
        };
        self.nominal.push(nominal);
        for (e, lh) in self.effects.iter_mut().zip(effects) {
            let (low, high) = lh.expect("checked above");
            e.low.push(low);
            e.high.push(high);
            e.swing.push(high - low);
        }
    }

    /// Adds another shard of the same study, exactly.
    ///
    /// # Errors
    ///
    /// [`MergeError::Mismatch`] if the parts studied something else.
    pub fn merge(&mut self, other: Sensitivity) -> Result<(), MergeError> {
        let what = |s: &Sensitivity| {
            (
                s.metric.to_string(),
                s.variants.clone(),
                s.replications,
                s.effects
                    .iter()
                    .map(|e| (e.id.clone(), e.range.0.to_bits(), e.range.1.to_bits()))
                    .collect::<Vec<_>>(),
            )
        };
        if what(self) != what(&other) {
            return Err(MergeError::Mismatch {
                what: "sensitivity".to_string(),
                first: self.answer(),
                other: other.answer(),
            });
        }
        self.nominal.merge(&other.nominal);
        self.missing += other.missing;
        self.simulated_events = self
            .simulated_events
            .zip(other.simulated_events)
            .map(|(a, b)| a + b);
        for (a, b) in self.effects.iter_mut().zip(&other.effects) {
            a.low.merge(&b.low);
            a.high.merge(&b.high);
            a.swing.merge(&b.swing);
        }
        Ok(())
    }

    /// The effects with intervals at `level`, the largest swing first.
    pub fn ranked(&self, level: f64) -> Vec<EffectSummary> {
        let mut out: Vec<EffectSummary> = self
            .effects
            .iter()
            .filter_map(|e| {
                Some(EffectSummary {
                    id: e.id.clone(),
                    description: e.description.clone(),
                    row: e.row.clone(),
                    range: e.range,
                    low: Interval::of(&e.low, level)?,
                    high: Interval::of(&e.high, level)?,
                    swing: Interval::of(&e.swing, level)?,
                })
            })
            .collect();
        out.sort_by(|a, b| b.swing.mean.abs().total_cmp(&a.swing.mean.abs()));
        out
    }
}
