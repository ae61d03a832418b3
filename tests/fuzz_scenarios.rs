//! Arbitrary input never panics: random text, and valid scenarios with
//! numbers replaced by hostile values or lines deleted. Whatever loads
//! must also run.

use proptest::prelude::*;
use silkrail::corridor::{CorridorModel, RunSettings};
use silkrail::scenario::Scenario;
use silkrail::time::{SimDuration, SimTime};

const MMC: &str = include_str!("../examples/scenarios/mmc_port.toml");
const REFERENCE: &str = include_str!("../examples/scenarios/reference.toml");

/// Values that break naive code.
fn hostile() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("nan".to_string()),
        Just("inf".to_string()),
        Just("-inf".to_string()),
        Just("-1".to_string()),
        Just("0".to_string()),
        Just("0.0".to_string()),
        Just("1e300".to_string()),
        Just("-0.0".to_string()),
        Just("18446744073709551615".to_string()),
        Just("4294967296".to_string()),
        Just("\"x\"".to_string()),
        Just("[]".to_string()),
        Just("{}".to_string()),
        (0u32..100_000).prop_map(|n| n.to_string()),
        (0.0f64..1e6).prop_map(|x| format!("{x:?}")),
    ]
}

/// Loads, applies every variant, and runs one simulated day of whatever
/// is valid.
fn exercise(text: &str) {
    let _ = Scenario::from_json_str(text, "fuzz.json");
    let Ok(s) = Scenario::from_toml_str(text, "fuzz.toml") else {
        return;
    };
    let mut all = vec![s.clone()];
    all.extend(
        s.variant_names()
            .iter()
            .filter_map(|v| s.with_variant(v).ok()),
    );
    for sc in all {
        let settings = RunSettings {
            seed: 1,
            replication: 0,
            warmup: SimDuration::ZERO,
            horizon: SimDuration::from_days(2),
            delay_threshold: sc.experiment.delay_threshold,
            trace: false,
        };
        // One simulated day within an event budget far above what any valid
        // scenario needs for it (10^6 trains a year are 2,740 a day): a
        // model that stops advancing its clock would exhaust it.
        let day = SimTime::ZERO + SimDuration::from_days(1);
        let mut sim = CorridorModel::simulation(&sc.network, settings);
        let budget = 5_000_000;
        let mut handled = 0u64;
        sim.run_while(|_, now| {
            handled += 1;
            now < day && handled <= budget
        });
        assert!(handled <= budget, "the clock stalled at {}", sim.now());
        let now = sim.now();
        let r = sim.into_model().finish(now, handled);
        assert!(r.is_conserved());
        let _ = r.observation();
    }
}

/// Byte offsets of the numbers in `text` (after `= ` or inside arrays).
fn number_spans(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() && (i == 0 || matches!(b[i - 1], b' ' | b'[' | b'-')) {
            let start = i;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.' || b[i] == b'e') {
                i += 1;
            }
            out.push((start, i));
        } else {
            i += 1;
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(text in "\\PC{0,400}") {
        exercise(&text);
    }

    #[test]
    fn hostile_numbers_never_panic(
        picks in prop::collection::vec((any::<prop::sample::Index>(), hostile()), 1..4),
        reference in any::<bool>(),
    ) {
        let base = if reference { REFERENCE } else { MMC };
        let spans = number_spans(base);
        let mut edits: Vec<(usize, usize, String)> =
            picks.into_iter().map(|(i, v)| { let (s, e) = spans[i.index(spans.len())]; (s, e, v) }).collect();
        edits.sort_by_key(|e| std::cmp::Reverse(e.0));
        edits.dedup_by_key(|e| e.0);
        let mut text = base.to_string();
        for (s, e, v) in edits {
            text.replace_range(s..e, &v);
        }
        exercise(&text);
    }

    #[test]
    fn deleted_lines_never_panic(drop in prop::collection::vec(any::<prop::sample::Index>(), 1..6)) {
        let lines: Vec<&str> = MMC.lines().collect();
        let gone: Vec<usize> = drop.iter().map(|i| i.index(lines.len())).collect();
        let text: String = lines
            .iter()
            .enumerate()
            .filter(|(i, _)| !gone.contains(i))
            .map(|(_, l)| format!("{l}\n"))
            .collect();
        exercise(&text);
    }
}
