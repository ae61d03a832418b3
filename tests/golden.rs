//! Golden results: the numbers a fixed seed produces, pinned to the bit.
//!
//! Each test runs a small fixed-seed experiment and compares every
//! metric's mean (and every paired difference's) with the file in
//! `tests/golden/`. Any change to what the model computes fails here.
//! When a change is meant to alter results, refresh the files with
//!
//! ```text
//! SILKRAIL_BLESS=1 cargo test --release --test golden
//! ```
//!
//! review the diff, and say in the commit message what changed and why.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use rand_distr::Exp;
use silkrail::montecarlo::{Arm, ExperimentResult, NoRows, Runner};
use silkrail::queueing::StationExperiment;
use silkrail::scenario::Scenario;
use silkrail::study::CorridorExperiment;

/// Every metric mean of every arm, and every paired difference's mean, by
/// text form.
fn figures(result: &ExperimentResult) -> BTreeMap<String, BTreeMap<String, f64>> {
    let mut out = BTreeMap::new();
    for a in &result.arms {
        let means = a
            .keys()
            .filter_map(|k| Some((k.to_string(), a.moments(k)?.mean()?)))
            .collect();
        out.insert(a.label.clone(), means);
    }
    for p in &result.pairs {
        let base = &result.arms[p.base];
        let diffs = base
            .keys()
            .filter_map(|k| {
                let d = p.difference_moments(k)?.mean()?;
                Some((k.to_string(), d))
            })
            .collect();
        out.insert(
            format!("{} − {}", result.arms[p.other].label, base.label),
            diffs,
        );
    }
    out
}

fn check(name: &str, result: &ExperimentResult) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{name}.json"));
    let got = figures(result);
    if std::env::var_os("SILKRAIL_BLESS").is_some() {
        let text = serde_json::to_string_pretty(&got).unwrap() + "\n";
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        return;
    }
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (bless it: see this file's docs)", path.display()));
    let want: BTreeMap<String, BTreeMap<String, f64>> = serde_json::from_str(&text).unwrap();
    let mut changed = Vec::new();
    for (arm, metrics) in &want {
        for (m, v) in metrics {
            match got.get(arm).and_then(|g| g.get(m)) {
                Some(x) if x.to_bits() == v.to_bits() => {}
                Some(x) => changed.push(format!("{arm} {m}: {v} → {x}")),
                None => changed.push(format!("{arm} {m}: {v} → gone")),
            }
        }
    }
    for (arm, metrics) in &got {
        for m in metrics.keys() {
            if !want.get(arm).is_some_and(|w| w.contains_key(m)) {
                changed.push(format!("{arm} {m}: new"));
            }
        }
    }
    assert!(
        changed.is_empty(),
        "{} figures differ from {} (first 20):\n{}",
        changed.len(),
        path.display(),
        changed
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn the_reference_corridor_is_pinned() {
    let base = Scenario::builtin();
    let baktu = base.with_variant("baktu").unwrap();
    let (a, b) = (
        CorridorExperiment::of(&base),
        CorridorExperiment::of(&baktu),
    );
    let arms = [Arm::new("base", &a), Arm::new("baktu", &b)];
    let result = Runner::new(base.experiment.seed, Some(2))
        .unwrap()
        .run(&arms, 0..3, &mut NoRows)
        .unwrap();
    check("reference", &result);
}

#[test]
fn the_mmc_port_file_is_pinned() {
    let s = Scenario::load(Path::new("examples/scenarios/mmc_port.toml")).unwrap();
    let model = CorridorExperiment::of(&s);
    check("mmc_port", &common::run(s.experiment.seed, &[&model], 3));
}

#[test]
fn the_queueing_station_is_pinned() {
    let mmc = StationExperiment::new(
        3,
        Exp::new(2.4).unwrap(),
        Exp::new(1.0).unwrap(),
        1_000,
        10_000,
    );
    check("station", &common::run(2026, &[&mmc], 4));
}
