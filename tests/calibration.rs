//! Calibration as a test: the reference scenario against every observed
//! figure of `examples/calibration/reference.toml`, the rows of
//! CALIBRATION.md's table.
//!
//! Each row's simulated value carries a Student-t interval at
//! `1 − 0.05 / k` over the `k` simulated rows (Bonferroni, family level
//! 5 %: `silkrail::study::calibration::FAMILY_ALPHA`); a row passes when
//! its interval meets the observed band. The test fails if any row does not
//! show what the table says it shows (a row that passes where the table
//! says it fails fails the test too, so the table stays true), or if the
//! table in CALIBRATION.md is not the one this run produces, number for
//! number. The seed is fixed, so the outcome never changes between runs;
//! `SILKRAIL_BLESS=1` rewrites the table (when results change on purpose,
//! saying why in the commit).

use std::path::Path;

use silkrail::scenario::Scenario;
use silkrail::study::calibration::{self, Calibration, FAMILY_ALPHA};

const BEGIN: &str = "<!-- calibration table: begin (written by tests/calibration.rs) -->";
const END: &str = "<!-- calibration table: end -->";

#[test]
fn the_reference_scenario_meets_its_calibration_table() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scenario = Scenario::builtin();
    let cal = Calibration::load(&root.join("examples/calibration/reference.toml")).unwrap();
    let reps = scenario.experiment.replications;
    let results =
        calibration::run(&scenario, &cal, reps, scenario.experiment.seed, Some(2)).unwrap();
    let table = calibration::markdown(&results);
    let doc_path = root.join("CALIBRATION.md");
    let doc = std::fs::read_to_string(&doc_path).unwrap();
    let (Some(a), Some(b)) = (doc.find(BEGIN), doc.find(END)) else {
        panic!("CALIBRATION.md has no calibration table markers");
    };
    let level = cal.row_level();
    let block = format!(
        "{BEGIN}\n\n{reps} replications of each variant, seed {}, each row at a confidence of \
         {:.4} (family {:.0} %, {} rows simulated).\n\n{table}\n{END}",
        scenario.experiment.seed,
        level,
        FAMILY_ALPHA * 100.0,
        results.iter().filter(|r| r.simulated.is_some()).count(),
    );
    if std::env::var_os("SILKRAIL_BLESS").is_some() {
        let new = format!("{}{}{}", &doc[..a], block, &doc[b + END.len()..]);
        std::fs::write(&doc_path, new).unwrap();
    }
    let wrong: Vec<String> = results
        .iter()
        .filter(|r| !r.as_expected())
        .map(|r| {
            format!(
                "{} (expected {:?}): simulated {:?}, band {:?}",
                r.row.id,
                r.row.expect,
                r.simulated,
                r.band()
            )
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "rows off their verdict:\n{}",
        wrong.join("\n")
    );
    assert!(
        doc[a..b + END.len()] == block || std::env::var_os("SILKRAIL_BLESS").is_some(),
        "CALIBRATION.md's table is not this run's; rerun with SILKRAIL_BLESS=1 and review:\n{block}"
    );
}
