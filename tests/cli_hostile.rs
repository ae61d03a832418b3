//! The command line against careless and hostile use, one test per class
//! of trouble: sizes that would exhaust the machine, numbers out of range,
//! output folders that are not silkrail's, a run killed midway, closed
//! pipes, duplicated variants, shards of sweeps, and variants or metric
//! names that are wrong before any work is done.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn silkrail(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_silkrail"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("hostile")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Asserts a refusal: exit 2, one `error:` line naming `needle`, no panic.
fn refused(out: &Output, needle: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(needle), "expected {needle:?} in: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn sizes_that_would_exhaust_the_machine_are_refused_up_front() {
    let dir = scratch("sizes");
    let out = dir.join("out");
    let o = out.to_str().unwrap();
    let start = Instant::now();
    for (args, needle) in [
        (
            vec!["run", "builtin", "--replications", "100000000000"],
            "--replications",
        ),
        (vec!["run", "builtin", "--threads", "10000"], "--threads"),
        (
            vec!["run", "builtin", "--demand", "500"],
            "trains a replication",
        ),
        (
            vec!["run", "tests/bad_scenarios/replications_huge.toml"],
            "experiment.replications",
        ),
        (
            vec!["run", "tests/bad_scenarios/demand_huge.toml"],
            "trains a replication",
        ),
    ] {
        let mut a = args.clone();
        a.extend(["--out", o]);
        refused(&silkrail(&a), needle);
        assert!(!out.exists());
    }
    // All of them at once in well under the time any run would take.
    assert!(start.elapsed() < Duration::from_secs(20));
}

#[test]
fn numbers_out_of_range_name_their_flag_and_range() {
    for (args, needle) in [
        (
            vec!["run", "builtin", "--replications", "-1"],
            "'--replications",
        ),
        (vec!["run", "builtin", "--replications", "0"], "from 1 to"),
        (vec!["run", "builtin", "--seed", "-5"], "'--seed"),
        (vec!["run", "builtin", "--threads", "0"], "from 1 to 256"),
        (vec!["run", "builtin", "--demand", "-2"], "positive number"),
        (vec!["run", "builtin", "--demand", "nan"], "positive number"),
        (vec!["run", "builtin", "--level", "1.5"], "between 0 and 1"),
        (
            vec!["sweep", "builtin", "--threshold", "inf"],
            "finite number",
        ),
        (vec!["run", "builtin", "--shard", "4/4"], "0 ≤ I < N"),
    ] {
        refused(&silkrail(&args), needle);
    }
}

#[test]
fn wrong_variants_and_metrics_fail_before_any_work() {
    let dir = scratch("early");
    let o = dir.join("out");
    let o = o.to_str().unwrap();
    let start = Instant::now();
    // A variant that is broken fails when the file loads, even when the
    // run does not ask for it.
    refused(
        &silkrail(&[
            "run",
            "tests/bad_scenarios/variant_unknown_key.toml",
            "--out",
            o,
        ]),
        "variant_unknown_key.toml:73:10: in variant 'broken'",
    );
    refused(
        &silkrail(&["compare", "builtin", "--variant", "nope", "--out", o]),
        "no variant named 'nope'",
    );
    refused(
        &silkrail(&[
            "sweep",
            "builtin",
            "--metric",
            "group.cn_kz.delay_mean_h",
            "--out",
            o,
        ]),
        "no metric named 'group.cn_kz.delay_mean_h'",
    );
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "refused before running"
    );
    // `silkrail metrics` lists what can be named.
    let m = silkrail(&["metrics", "builtin"]);
    let text = String::from_utf8_lossy(&m.stdout);
    assert!(m.status.success());
    assert!(text.contains("group.cn_kz.delay_mean_hours\t[h]"), "{text}");
    assert!(
        text.contains("port.baktu_bakhty.westbound.delay_mean_hours"),
        "variants' metrics too"
    );
    // The per-year ones, of every calendar year a variant's runs cover
    // (2026–2030 for the scenario, 2025 for `y2025`), each listed once.
    for year in ["2025", "2026", "2030"] {
        let name = format!("group.cn_kz.{year}.delay_mean_hours\t[h]");
        assert!(text.contains(&name), "{name} missing");
    }
    let mut names: Vec<&str> = text.lines().collect();
    let listed = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), listed, "a metric listed twice");
}

#[test]
fn validate_checks_a_variant_and_overrides_before_any_run() {
    // A variant alone, summarised as `run --variant` would build it.
    let out = silkrail(&["validate", "builtin", "--variant", "y2025"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("<builtin>: variant 'y2025' valid"), "{text}");
    // An override that holds, and one that names nothing: refused with
    // the field, as `run` would refuse it, without running anything.
    let cap = "variants.baktu.ports.baktu_bakhty.westbound.handover_cap_trains_per_day";
    let out = silkrail(&["validate", "builtin", "--set", &format!("{cap}=5")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (set, says) in [
        (
            format!("{cap}=-5"),
            "expected a whole number from 0 to 4294967295",
        ),
        (
            "ports.nope.tracks=3".to_string(),
            "ports.nope: found no such port",
        ),
    ] {
        let out = silkrail(&["validate", "builtin", "--set", &set]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{set}: {err}");
        assert!(err.contains(says), "{set}: {err}");
    }
    let out = silkrail(&["validate", "builtin", "--variant", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no variant named 'nope'"));
}

#[test]
fn output_folders_that_are_not_silkrails_are_never_touched() {
    let dir = scratch("foreign");
    std::fs::write(dir.join("thesis.tex"), "mine").unwrap();
    let out = silkrail(&[
        "run",
        "examples/scenarios/mmc_port.toml",
        "--replications",
        "2",
        "--out",
        dir.to_str().unwrap(),
    ]);
    refused(&out, "did not write");
    assert_eq!(
        std::fs::read_to_string(dir.join("thesis.tex")).unwrap(),
        "mine"
    );
    refused(
        &Command::new(env!("CARGO_BIN_EXE_silkrail"))
            .args([
                "run",
                concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/examples/scenarios/mmc_port.toml"
                ),
                "--out",
                ".",
            ])
            .current_dir(&dir)
            .output()
            .unwrap(),
        "current folder",
    );
    // export-builtin keeps an edited file unless told otherwise.
    let file = dir.join("my.toml");
    std::fs::write(&file, "# my edits").unwrap();
    refused(
        &silkrail(&["export-builtin", "--out", file.to_str().unwrap()]),
        "give --force",
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "# my edits");
    assert!(
        silkrail(&["export-builtin", "--out", file.to_str().unwrap(), "--force"])
            .status
            .success()
    );
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("[variants.baktu]")
    );
}

#[test]
fn a_reused_folder_is_replaced_whole() {
    let dir = scratch("reuse");
    let out = dir.join("out");
    let run = |extra: &[&str]| {
        let mut a = vec![
            "run",
            "examples/scenarios/mmc_port.toml",
            "--replications",
            "2",
            "--out",
            out.to_str().unwrap(),
        ];
        a.extend(extra);
        assert!(silkrail(&a).status.success());
    };
    run(&[]);
    assert!(out.join("delay_port.svg").exists());
    run(&["--no-charts"]);
    assert!(
        !out.join("delay_port.svg").exists(),
        "no chart of the previous run"
    );
    assert!(out.join("summary.json").exists());
}

#[test]
fn a_run_killed_midway_leaves_the_previous_results_whole() {
    let dir = scratch("killed");
    let out = dir.join("out");
    let o = out.to_str().unwrap();
    let args = [
        "compare",
        "builtin",
        "--variant",
        "baktu",
        "--no-charts",
        "--out",
        o,
    ];
    // First results, complete.
    let mut first = args.to_vec();
    first.extend(["--replications", "2"]);
    assert!(silkrail(&first).status.success());
    let before = std::fs::read_to_string(out.join("summary.json")).unwrap();
    // A long run, killed while it writes.
    let mut long = args.to_vec();
    long.extend(["--replications", "400"]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_silkrail"))
        .args(&long)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        std::fs::read_to_string(out.join("summary.json")).unwrap(),
        before,
        "the previous results are intact"
    );
    let hidden: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        hidden.iter().any(|n| n.contains("silkrail-tmp")),
        "the half-written run is hidden: {hidden:?}"
    );
    // The next run clears what the killed one left and completes.
    assert!(silkrail(&first).status.success());
    let left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        left,
        vec!["out".to_string()],
        "nothing else is left: {left:?}"
    );
}

#[test]
fn a_closed_pipe_ends_quietly() {
    for (program, args) in [
        (env!("CARGO_BIN_EXE_silkrail"), vec!["export-builtin"]),
        (env!("CARGO_BIN_EXE_silkrail"), vec!["metrics", "builtin"]),
    ] {
        let mut child = Command::new(program)
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 16];
        child
            .stdout
            .as_mut()
            .unwrap()
            .read_exact(&mut first)
            .unwrap();
        drop(child.stdout.take()); // like `| head -c 16`
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn duplicated_variants_run_once_with_a_note() {
    let dir = scratch("dup");
    let out = silkrail(&[
        "compare",
        "builtin",
        "--variant",
        "baktu",
        "--variant",
        "baktu",
        "--replications",
        "2",
        "--no-charts",
        "--format",
        "json",
        "--out",
        dir.join("out").to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("given more than once"));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["manifest"]["variants"],
        serde_json::json!(["base", "baktu"])
    );
}

#[test]
fn sweeps_shard_and_merge_into_the_unsplit_result() {
    let dir = scratch("sweep_shards");
    let common = [
        "sweep",
        "examples/scenarios/mmc_port.toml",
        "--param",
        "demand=0.5:0.9:0.2",
        "--param",
        "ports.port.westbound.tracks=3,4",
        "--metric",
        "port.port.westbound.track_wait_mean_hours",
        "--replications",
        "5",
    ];
    let whole = dir.join("whole");
    let mut a = common.to_vec();
    a.extend(["--threads", "1", "--out", whole.to_str().unwrap()]);
    assert!(silkrail(&a).status.success());
    let mut parts = Vec::new();
    for i in 0..3 {
        let p = dir.join(format!("part{i}"));
        let shard = format!("{i}/3");
        let mut a = common.to_vec();
        a.extend([
            "--threads",
            "2",
            "--shard",
            &shard,
            "--out",
            p.to_str().unwrap(),
            "--format",
            "json",
        ]);
        let out = silkrail(&a);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // A shard says what it did, also as JSON.
        let said: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(said["shard"], shard.as_str());
        parts.push(p.display().to_string());
    }
    let merged = dir.join("merged");
    let mut m = vec!["merge"];
    m.extend(parts.iter().rev().map(String::as_str));
    m.extend(["--out", merged.to_str().unwrap()]);
    let out = silkrail(&m);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for f in [
        "summary.json",
        "replications.csv",
        "sweep.svg",
        "report.html",
    ] {
        assert_eq!(
            std::fs::read(whole.join(f)).unwrap(),
            std::fs::read(merged.join(f)).unwrap(),
            "{f}"
        );
    }
}
