//! The border mechanics degenerate exactly: with no handover caps, no
//! closures and every buffer, wagon pool and acceptance limit left
//! unlimited, the reference corridor gives the figures that the model
//! without those mechanics gave (pinned in `tests/golden/unlimited.json`
//! before they were built), bit for bit.
//!
//! The scenario is the reference corridor as it was then
//! (`tests/golden/unlimited.toml`, containers only), not today's, which
//! carries bulk classes the old model did not have. Closures are taken out
//! as well as caps because the interstate handover now happens where it
//! physically does, before the receiving port's yard, so a closure holds a
//! train at another moment than it used to; with neither, the order of
//! every event and every random draw is the same as before. The old
//! model's `handover_wait_mean_hours` (the wait for the cap after
//! transshipment, 0 without caps) is compared with what took its place,
//! `departure_wait_mean_hours` (the wait for a departure track, 0 without
//! limits). `SILKRAIL_BLESS=1` rewrites the file (only to be done on
//! purpose, saying why in the commit).

use std::collections::BTreeMap;
use std::path::Path;

use silkrail::montecarlo::{Arm, NoRows, Runner};
use silkrail::scenario::Scenario;
use silkrail::study::CorridorExperiment;

/// The reference corridor of the old model without handover caps or
/// closures.
fn unlimited() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/unlimited.toml");
    let mut spec = Scenario::load(&path).unwrap().spec;
    for port in spec.ports.values_mut() {
        port.random_closures = None;
        port.scheduled_closures.clear();
        for side in [&mut port.westbound, &mut port.eastbound] {
            side.handover_cap_trains_per_day = None;
        }
    }
    spec.variants.clear();
    Scenario::from_spec(spec).unwrap()
}

#[test]
fn no_caps_no_limits_gives_the_model_without_them() {
    let s = unlimited();
    let model = CorridorExperiment::of(&s);
    let result = Runner::new(s.experiment.seed, Some(2))
        .unwrap()
        .run(&[Arm::new("unlimited", &model)], 0..3, &mut NoRows)
        .unwrap();
    let arm = &result.arms[0];
    let got: BTreeMap<String, f64> = arm
        .keys()
        .filter_map(|k| Some((k.to_string(), arm.moments(k)?.mean()?)))
        .collect();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/unlimited.json");
    if std::env::var_os("SILKRAIL_BLESS").is_some() {
        std::fs::write(&path, serde_json::to_string_pretty(&got).unwrap() + "\n").unwrap();
        return;
    }
    let want: BTreeMap<String, f64> =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    // Every figure the old model had must be unchanged; metrics the
    // mechanics added (and that it could not report) are not compared.
    let changed: Vec<String> = want
        .iter()
        .filter(|(k, v)| got.get(*k).map(|x| x.to_bits()) != Some(v.to_bits()))
        .map(|(k, v)| format!("{k}: {v} → {:?}", got.get(k)))
        .collect();
    assert!(
        changed.is_empty(),
        "{} of {} figures changed:\n{}",
        changed.len(),
        want.len(),
        changed
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
