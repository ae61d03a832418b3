//! The `silkrail` command line, run as a user would: bundled scenarios
//! validate, bad input exits non-zero with no output left behind, shards
//! merge into exactly the unsharded result, the M/M/c file reproduces
//! Erlang C, and the exported built-in scenario round-trips.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use silkrail::queueing::erlang_c;

fn silkrail(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_silkrail"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Runs a command that must succeed and print JSON.
fn json_of(args: &[&str]) -> serde_json::Value {
    let out = silkrail(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on standard output")
}

/// A fresh scratch directory under the target directory.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn every_bundled_scenario_validates() {
    let mut n = 0;
    for entry in std::fs::read_dir("examples/scenarios").unwrap() {
        let path = entry.unwrap().path();
        let out = silkrail(&["validate", path.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains(": valid"));
        n += 1;
    }
    assert!(n >= 3);
    assert!(silkrail(&["validate", "builtin"]).status.success());
}

#[test]
fn bad_input_exits_non_zero_and_leaves_nothing_behind() {
    let dir = scratch("bad_input");
    let out_dir = dir.join("out");
    let out = silkrail(&[
        "run",
        "tests/bad_scenarios/zero_tracks.toml",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("zero_tracks.toml:34:10: ports.port.westbound.tracks: found 0"),
        "{err}"
    );
    assert!(!out_dir.exists(), "no output directory for a failed run");

    for args in [
        vec!["run", "no/such/file.toml"],
        vec!["compare", "builtin", "--variant", "nope"],
        vec!["run", "builtin", "--shard", "3/3"],
        vec!["run", "builtin", "--demand", "-1"],
        vec!["sweep", "builtin", "--multipliers", "2:1:0.1"],
    ] {
        let out = silkrail(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn shards_merge_into_exactly_the_unsharded_result() {
    let dir = scratch("shards");
    let common = [
        "compare",
        "builtin",
        "--variant",
        "baktu",
        "--replications",
        "5",
    ];
    let whole = dir.join("whole");
    let mut args = common.to_vec();
    // The unsplit run on one thread, the shards on two: the result files
    // must not depend on how they were computed.
    args.extend([
        "--threads",
        "1",
        "--out",
        whole.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(silkrail(&args).status.success());
    for n in [2u64, 3, 5] {
        // The shards run as separate processes at the same time, as on a
        // cluster.
        let parts: Vec<PathBuf> = (0..n).map(|i| dir.join(format!("n{n}_part{i}"))).collect();
        let children: Vec<_> = parts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let shard = format!("{i}/{n}");
                let mut a = common.to_vec();
                a.extend([
                    "--threads",
                    "2",
                    "--shard",
                    &shard,
                    "--out",
                    p.to_str().unwrap(),
                ]);
                Command::new(env!("CARGO_BIN_EXE_silkrail"))
                    .args(&a)
                    .output()
            })
            .collect();
        for c in children {
            let c = c.unwrap();
            assert!(c.status.success(), "{}", String::from_utf8_lossy(&c.stderr));
        }
        let merged = dir.join(format!("merged{n}"));
        let mut margs = vec!["merge"];
        // Parts in reverse order: order must not matter.
        let part_strs: Vec<String> = parts
            .iter()
            .rev()
            .map(|p| p.display().to_string())
            .collect();
        margs.extend(part_strs.iter().map(String::as_str));
        margs.extend(["--out", merged.to_str().unwrap(), "--format", "json"]);
        let out = silkrail(&margs);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for f in [
            "summary.json",
            "replications.csv",
            "replications_long.csv",
            "delay_alashankou_dostyk.svg",
            "differences.svg",
            "daily.csv",
            "monthly.csv",
            "congestion_baktu_bakhty.svg",
            "report.html",
        ] {
            assert_eq!(
                read(&whole.join(f)),
                read(&merged.join(f)),
                "{n} shards: {f}"
            );
        }
    }
    // A missing shard is an error, not a smaller result.
    let out = silkrail(&[
        "merge",
        dir.join("n3_part0").to_str().unwrap(),
        dir.join("n3_part1").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("1 of 3 shards missing: 2"), "{err}");
}

/// Significance level of the Erlang C check (fixed seed).
const ALPHA: f64 = 0.001;

#[test]
fn the_mmc_file_reproduces_erlang_c_through_the_command_line() {
    let dir = scratch("mmc");
    let level = format!("{}", 1.0 - ALPHA);
    let json = json_of(&[
        "run",
        "examples/scenarios/mmc_port.toml",
        "--level",
        &level,
        "--out",
        dir.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let truth = erlang_c(3, 2.4, 1.0).unwrap();
    for (metric, exact) in [
        ("port.port.westbound.track_wait_mean_hours", truth.wq),
        (
            "port.port.westbound.track_utilisation_ratio",
            truth.utilisation,
        ),
    ] {
        let m = &json["variants"]["base"][metric];
        let (mean, hw) = (
            m["mean"].as_f64().unwrap(),
            m["half_width"].as_f64().unwrap(),
        );
        assert!(
            (mean - exact).abs() <= hw,
            "{metric}: {mean} ± {hw} excludes Erlang C {exact}"
        );
    }
}

#[test]
fn exported_builtin_round_trips_and_json_equals_toml() {
    let dir = scratch("roundtrip");
    let file = dir.join("reference.toml");
    assert!(
        silkrail(&["export-builtin", "--out", file.to_str().unwrap()])
            .status
            .success()
    );
    let run = |scenario: &str, out: &str| {
        let o = dir.join(out);
        let r = silkrail(&[
            "run",
            scenario,
            "--replications",
            "3",
            "--out",
            o.to_str().unwrap(),
            "--no-charts",
        ]);
        assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
        let mut summary: serde_json::Value =
            serde_json::from_str(&read(&o.join("summary.json"))).unwrap();
        summary["manifest"]["source"] = serde_json::Value::Null;
        (summary, read(&o.join("replications.csv")))
    };
    assert_eq!(run("builtin", "a"), run(file.to_str().unwrap(), "b"));
    assert_eq!(
        run("examples/scenarios/mmc_port.toml", "c"),
        run("examples/scenarios/mmc_port.json", "d")
    );
}

#[test]
fn stopping_rule_and_sweep_come_from_the_file() {
    let dir = scratch("from_file");
    let text = format!(
        "{}\n[experiment.stopping]\nmetric = \"port.port.westbound.track_wait_mean_hours\"\n\
         relative_half_width = 0.05\nmin_replications = 4\nmax_replications = 40\nbatch = 4\n\n\
         [experiment.sweep]\nmultipliers = [0.5, 0.9]\nmetric = \"port.port.westbound.track_wait_mean_hours\"\n\
         threshold = 1.0\nreplications = 3\n",
        read(Path::new("examples/scenarios/mmc_port.toml"))
    );
    let file = dir.join("mmc_rules.toml");
    std::fs::write(&file, text).unwrap();

    let json = json_of(&[
        "run",
        file.to_str().unwrap(),
        "--out",
        dir.join("run").to_str().unwrap(),
        "--format",
        "json",
    ]);
    let n = json["manifest"]["replications"].as_u64().unwrap();
    assert!(
        (4..=40).contains(&n) && n.is_multiple_of(4),
        "{n} replications"
    );
    let m = &json["variants"]["base"]["port.port.westbound.track_wait_mean_hours"];
    let precise = m["half_width"].as_f64().unwrap() <= 0.05 * m["mean"].as_f64().unwrap();
    assert!(precise || n == 40);

    let json = json_of(&[
        "sweep",
        file.to_str().unwrap(),
        "--out",
        dir.join("sweep").to_str().unwrap(),
        "--format",
        "json",
    ]);
    let points = json["sweep"]["series"][0]["points"].as_array().unwrap();
    assert_eq!(points.len(), 2);
    assert_eq!(json["sweep"]["replications"].as_u64(), Some(3));
    // At 0.9 × 2.4 trains/h (ρ = 0.72) Erlang C gives Wq = 0.62 h, well
    // below the 1 h threshold: no saturation point in this range.
    assert!(json["sweep"]["series"][0]["saturation"]["mean_curve"].is_null());
}

#[test]
fn a_sweep_over_a_field_that_does_nothing_changes_nothing() {
    // Baktu's westbound cap, swept while only the 2025 border and the
    // variant `kazakh_count` run (neither has Baktu): every point must be
    // bit for bit the same.
    let dir = scratch("inert_sweep");
    let sweep = |caps: &str, out: &Path, extra: &[&str]| {
        let param = format!(
            "variants.baktu.ports.baktu_bakhty.westbound.handover_cap_trains_per_day={caps}"
        );
        let mut args = vec![
            "sweep",
            "builtin",
            "--base",
            "y2025",
            "--variant",
            "kazakh_count",
            "--param",
            &param,
            "--replications",
            "2",
            "--set",
            "experiment.horizon_days=60",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend(extra);
        let o = silkrail(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        o
    };
    let out = sweep("10,24", &dir.join("s"), &["--format", "json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("change nothing in 'y2025'"), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let series = json["sweep"]["series"].as_array().unwrap();
    assert_eq!(series.len(), 2);
    for s in series {
        let p = s["points"].as_array().unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[0]["value"], p[1]["value"], "{}", s["series"]);
    }
    // The two points share their runs, so the sweep simulated what a
    // sweep of one point does, and says so.
    let one = sweep("10", &dir.join("one"), &["--format", "json"]);
    let one: serde_json::Value = serde_json::from_slice(&one.stdout).unwrap();
    let events = json["sweep"]["events"].as_u64().unwrap();
    assert!(events > 0);
    assert_eq!(one["sweep"]["events"].as_u64(), Some(events));
    assert_eq!(json["events_total"].as_u64(), Some(events));
    // Its shards merge into the same summary, events included.
    let parts: Vec<String> = (0..2)
        .map(|i| {
            let p = dir.join(format!("part{i}"));
            sweep("10,24", &p, &["--shard", &format!("{i}/2")]);
            p.display().to_string()
        })
        .collect();
    let merge = |out: &Path| {
        let mut m = vec!["merge"];
        m.extend(parts.iter().map(String::as_str));
        m.extend(["--out", out.to_str().unwrap()]);
        let o = silkrail(&m);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let merged = dir.join("merged");
    merge(&merged);
    assert_eq!(
        read(&dir.join("s").join("summary.json")),
        read(&merged.join("summary.json"))
    );
    // A part written before sweeps counted their events leaves the count
    // unknown, not short.
    let file = Path::new(&parts[1]).join("partial.json");
    let mut partial: serde_json::Value = serde_json::from_str(&read(&file)).unwrap();
    partial["study"]["sweep"]
        .as_object_mut()
        .unwrap()
        .remove("simulated_events")
        .expect("the part counts its events");
    std::fs::write(&file, partial.to_string()).unwrap();
    let old = dir.join("merged_old");
    let text = merge(&old);
    assert!(text.contains("kernel events unknown"), "{text}");
    let summary: serde_json::Value =
        serde_json::from_str(&read(&old.join("summary.json"))).unwrap();
    assert!(summary["sweep"]["events"].is_null());
    assert!(summary["events_total"].is_null());
}

#[test]
fn a_swept_field_moves_the_answer_and_bad_grids_are_refused() {
    let dir = scratch("field_sweep");
    let json = json_of(&[
        "sweep",
        "examples/scenarios/mmc_port.toml",
        "--param",
        "ports.port.westbound.tracks=3:5:1",
        "--metric",
        "port.port.westbound.track_wait_mean_hours",
        "--threshold",
        "1.0",
        "--replications",
        "4",
        "--out",
        dir.join("s").to_str().unwrap(),
        "--format",
        "json",
    ]);
    let s = &json["sweep"]["series"][0];
    let waits: Vec<f64> = s["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["value"]["mean"].as_f64().unwrap())
        .collect();
    assert_eq!(waits.len(), 3);
    // More tracks, shorter waits for a track (with 3 tracks, one crane
    // each, Erlang C gives 1.08 h; the cranes stay 3, so the extra tracks
    // only take trains off the queue for a track sooner).
    assert!(waits[0] > waits[1] && waits[1] > waits[2], "{waits:?}");
    assert_eq!(
        json["sweep"]["parameters"][0],
        "ports.port.westbound.tracks"
    );
    // A falling curve crosses where it falls below the threshold, between
    // the grid values around it, on the mean curve and per replication.
    let sat = &s["saturation"];
    assert_eq!(sat["falling"], true, "{sat}");
    let x = sat["mean_curve"].as_f64().unwrap();
    let i = waits
        .iter()
        .position(|&w| w < 1.0)
        .expect("falls below 1 h");
    assert!(
        i > 0 && x > 2.0 + i as f64 && x <= 3.0 + i as f64,
        "{x} {waits:?}"
    );
    // The interval of the replications' own crossings is given only when
    // every replication crosses within the grid.
    let all = sat["crossed"] == sat["replications"];
    assert_eq!(
        sat["per_replication"]["mean"].as_f64().is_some(),
        all,
        "{sat}"
    );

    // Watching a capacity's use: it is not counted twice among the
    // capacities, and each curve has one saturation point.
    let json = json_of(&[
        "sweep",
        "examples/scenarios/mmc_port.toml",
        "--param",
        "demand=0.5:1.1:0.3",
        "--metric",
        "port.port.westbound.track_utilisation_ratio",
        "--threshold",
        "0.7",
        "--replications",
        "3",
        "--out",
        dir.join("u").to_str().unwrap(),
        "--format",
        "json",
    ]);
    let series = json["sweep"]["series"].as_array().unwrap();
    assert_eq!(series.len(), 1);
    let caps = series[0]["capacities"].as_array().unwrap();
    assert!(
        caps.iter()
            .all(|c| c["metric"] != "port.port.westbound.track_utilisation_ratio"),
        "{caps:?}"
    );
    // A grid of more than 1001 points in all is refused before it runs.
    let out = silkrail(&[
        "sweep",
        "examples/scenarios/mmc_port.toml",
        "--param",
        "demand=0.5:1.5:0.01",
        "--param",
        "ports.port.westbound.tracks=3:20:1",
        "--metric",
        "port.port.westbound.track_wait_mean_hours",
        "--out",
        dir.join("big").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("1818 points (101 × 18)"), "{err}");
    for (grid, says) in [
        (
            "ports.port.westbound.tracks=2.5",
            "expected a whole number from 0 to",
        ),
        ("ports.port.westbound.tracks=5:3:1", "FROM is above TO"),
        (
            "ports.port.westbound.tracks=3,x",
            "'x' is not a finite number",
        ),
        ("ports.port.westbound.trackz=3,4", "trackz"),
        ("demand=0,1", "demand"),
    ] {
        let out = silkrail(&[
            "sweep",
            "examples/scenarios/mmc_port.toml",
            "--param",
            grid,
            "--metric",
            "port.port.westbound.track_wait_mean_hours",
            "--out",
            dir.join("bad").to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(2), "{grid}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{grid}: {err}");
        assert!(!dir.join("bad").exists(), "{grid}: output left behind");
    }
}

#[test]
fn compare_against_a_variant_lays_the_others_over_it() {
    // `--base y2025 --variant baktu_now` runs 2025 alone against 2025 with
    // Baktu open: one year each, and Baktu carries trains.
    let dir = scratch("base_variant");
    let json = json_of(&[
        "compare",
        "builtin",
        "--base",
        "y2025",
        "--variant",
        "baktu_now",
        "--replications",
        "2",
        "--no-charts",
        "--out",
        dir.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(json["manifest"]["horizon_days"].as_f64(), Some(335.0));
    // The report says which year it ran, not only the scenario's name
    // (the reference corridor's is "2026–2030").
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(
        html.contains("2 replications of 335 days after a 30-day warm-up from 1 January 2025"),
        "the report does not say the run's year"
    );
    let v = &json["variants"];
    assert!(v["y2025"].is_object() && v["baktu_now"].is_object(), "{v}");
    let carried = v["baktu_now"]["port.baktu_bakhty.westbound.handed_over_trains_per_day"]["mean"]
        .as_f64()
        .unwrap();
    assert!(carried > 1.0, "{carried}");
    // An unknown base is bad input, named.
    let out = silkrail(&[
        "compare",
        "builtin",
        "--base",
        "y1999",
        "--variant",
        "baktu",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("y1999"));
}

#[test]
fn set_overrides_any_field_and_is_checked_like_the_file() {
    // A field of the base and a field of a variant, then run.
    let dir = scratch("set");
    let json = json_of(&[
        "compare",
        "builtin",
        "--base",
        "y2025",
        "--variant",
        "baktu_now",
        "--set",
        "experiment.horizon_days=400",
        "--set",
        "variants.y2025.experiment.horizon_days=60",
        "--set",
        "variants.baktu.ports.baktu_bakhty.westbound.handover_cap_trains_per_day=2",
        "--replications",
        "2",
        "--no-charts",
        "--out",
        dir.to_str().unwrap(),
        "--format",
        "json",
    ]);
    // The variant's own horizon wins over the base's (variants lay over it).
    assert_eq!(json["manifest"]["horizon_days"].as_f64(), Some(60.0));
    let carried = json["variants"]["baktu_now"]
        ["port.baktu_bakhty.westbound.handed_over_trains_per_day"]["mean"]
        .as_f64()
        .unwrap();
    // At most 2 a calendar day: 61 days begin within the 60 measured.
    assert!(
        carried <= 2.0 * 61.0 / 60.0 + 1e-9,
        "a cap of 2 a day carried {carried}"
    );

    // Bad overrides: named, with the field and the value, nothing written.
    for (set, want) in [
        (
            "ports.alashankou_dostyk.westbound.tracks=0",
            "ports.alashankou_dostyk.westbound.tracks: found 0",
        ),
        (
            "ports.alashankou_dostyk.westbound.trax=3",
            "unknown field `trax`",
        ),
        (
            "flows.xian_west.route_bias_hours[5]=1",
            "the list has 2 entries",
        ),
        ("experiment.horizon_days=soon", "experiment.horizon_days"),
        ("tracks", "expected PATH=VALUE"),
        (
            "ports.alashankou_dostyk.westbound.tracks[=3",
            "without its closing ]",
        ),
        (
            "variants.baktuu.experiment.seed=5",
            "variants.baktuu: found no such variant",
        ),
    ] {
        let out_dir = dir.join("bad");
        let out = silkrail(&[
            "run",
            "builtin",
            "--set",
            set,
            "--out",
            out_dir.to_str().unwrap(),
        ]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{set}: {err}");
        assert!(err.contains("--set") && err.contains(want), "{set}: {err}");
        assert!(!out_dir.exists(), "{set}: wrote {}", out_dir.display());
    }
}

#[test]
fn trace_writes_every_event_of_replication_zero_and_merges() {
    // --trace (the [experiment] trace key) writes trace.csv: every train's
    // events in replication 0 of each variant. A sharded run carries it in
    // its first shard, and the merge passes it on: the same file.
    let dir = scratch("trace");
    let run = |extra: &[&str], out: &str| {
        let mut args = vec![
            "run",
            "examples/scenarios/mmc_port.toml",
            "--trace",
            "--replications",
            "4",
            "--no-charts",
            "--out",
        ];
        let out = dir.join(out);
        let out_s = out.to_str().unwrap().to_string();
        args.push(&out_s);
        args.extend_from_slice(extra);
        let o = silkrail(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        out
    };
    let whole = run(&[], "whole");
    let text = read(&whole.join("trace.csv"));
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("variant,replication,time_hours,train,event,place")
    );
    let rows: Vec<&str> = lines.collect();
    // 2.4 trains an hour over 210 days, each released, handed over, put on a
    // track, transshipped, departed and delivered.
    assert!(rows.len() > 10_000, "{} rows", rows.len());
    assert!(rows.iter().all(|r| r.starts_with("base,0,")));
    for event in ["release", "on_track", "deliver"] {
        assert!(
            rows.iter().any(|r| r.contains(&format!(",{event},"))),
            "{event}"
        );
    }
    let p0 = run(&["--shard", "0/2"], "p0");
    let p1 = run(&["--shard", "1/2"], "p1");
    assert!(p0.join("trace.csv").exists() && !p1.join("trace.csv").exists());
    let merged = dir.join("merged");
    let o = silkrail(&[
        "merge",
        p1.to_str().unwrap(),
        p0.to_str().unwrap(),
        "--out",
        merged.to_str().unwrap(),
        "--no-charts",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(read(&merged.join("trace.csv")), text);
}

#[test]
fn the_tornado_ranks_a_dominant_assumption_first_and_shards_merge() {
    // Westbound tracks (3 → 5) drive the westbound wait; the eastbound
    // side's tracks cannot touch it and must swing by exactly zero.
    let dir = scratch("sensitivity");
    let text = format!(
        "{}\n[assumptions.west_tracks]\nrow = \"T1\"\npaths = [\"ports.port.westbound.tracks\"]\nlow = 3\nhigh = 5\n\n\
         [assumptions.east_tracks]\npaths = [\"ports.port.eastbound.tracks\"]\nlow = 1\nhigh = 2\n",
        read(Path::new("examples/scenarios/mmc_port.toml"))
    );
    let file = dir.join("mmc_assumptions.toml");
    std::fs::write(&file, text).unwrap();
    let file = file.to_str().unwrap();
    let args = |out: &Path| -> Vec<String> {
        [
            "sensitivity",
            file,
            "--metric",
            "port.port.westbound.track_wait_mean_hours",
            "--replications",
            "6",
            "--out",
            out.to_str().unwrap(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let whole = dir.join("whole");
    let mut a = args(&whole);
    a.extend(["--format".into(), "json".into()]);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let json = json_of(&a);
    let effects = json["sensitivity"]["effects"].as_array().unwrap();
    assert_eq!(effects[0]["id"], "west_tracks");
    assert!(
        effects[0]["swing"]["mean"].as_f64().unwrap() < -0.3,
        "{}",
        effects[0]
    );
    assert_eq!(effects[1]["id"], "east_tracks");
    assert_eq!(effects[1]["swing"]["mean"].as_f64(), Some(0.0));
    assert!(whole.join("tornado.svg").exists());

    let mut parts = Vec::new();
    for i in 0..2 {
        let p = dir.join(format!("part{i}"));
        let mut a = args(&p);
        a.extend(["--shard".into(), format!("{i}/2")]);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        assert!(silkrail(&a).status.success());
        parts.push(p.display().to_string());
    }
    let merged = dir.join("merged");
    let mut m = vec!["merge"];
    m.extend(parts.iter().map(String::as_str));
    m.extend(["--out", merged.to_str().unwrap()]);
    assert!(silkrail(&m).status.success());
    for f in ["summary.json", "tornado.svg"] {
        assert_eq!(
            read(&whole.join(f)),
            read(&merged.join(f)),
            "{f} of the merged shards"
        );
    }

    let out = silkrail(&[
        "sensitivity",
        file,
        "--assumption",
        "nope",
        "--metric",
        "port.port.westbound.track_wait_mean_hours",
        "--out",
        dir.join("bad").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("assumption nope") && err.contains("east_tracks, west_tracks"),
        "{err}"
    );

    // A scenario that marks no assumptions takes them from the command
    // line; a path that is not a field is named.
    let json = json_of(&[
        "sensitivity",
        "examples/scenarios/mmc_port.toml",
        "--assume",
        "ports.port.westbound.tracks=3:5",
        "--metric",
        "port.port.westbound.track_wait_mean_hours",
        "--replications",
        "4",
        "--out",
        dir.join("assumed").to_str().unwrap(),
        "--format",
        "json",
    ]);
    let e = &json["sensitivity"]["effects"][0];
    assert_eq!(e["id"], "ports_port_westbound_tracks");
    assert!(e["swing"]["mean"].as_f64().unwrap() < 0.0, "{e}");
    // The low setting (3 tracks) is the scenario as it is: the nominal's
    // run serves both, and the events count it once, beside the high
    // setting's run of the same replications (the two settings handle as
    // many events, so the check tells two runs from three, not which).
    let events = |tracks: &str, out: &str| -> u64 {
        let set = format!("ports.port.westbound.tracks={tracks}");
        let run = json_of(&[
            "run",
            "examples/scenarios/mmc_port.toml",
            "--set",
            &set,
            "--replications",
            "4",
            "--out",
            dir.join(out).to_str().unwrap(),
            "--format",
            "json",
        ]);
        assert_eq!(run["events_total"], run["events"]["base"]);
        run["events_total"].as_u64().unwrap()
    };
    let runs = events("3", "run3") + events("5", "run5");
    assert_eq!(json["sensitivity"]["events"].as_u64(), Some(runs));
    assert_eq!(json["events_total"].as_u64(), Some(runs));
    assert_eq!(json["manifest"]["replications"].as_u64(), Some(0));
    for (assume, says) in [
        ("ports.port.westbound.trackz=3:5", "trackz"),
        ("ports.port.westbound.tracks=5:3", "LOW < HIGH"),
    ] {
        let out = silkrail(&[
            "sensitivity",
            "examples/scenarios/mmc_port.toml",
            "--assume",
            assume,
            "--metric",
            "port.port.westbound.track_wait_mean_hours",
            "--out",
            dir.join("bad").to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(2), "{assume}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{assume}: {err}");
    }
}

#[test]
fn every_run_writes_a_self_contained_report_and_markdown_for_pasting() {
    let dir = scratch("report");
    let out = dir.join("c");
    let run = silkrail(&[
        "compare",
        "builtin",
        "--base",
        "y2025",
        "--variant",
        "baktu_now",
        "--replications",
        "3",
        "--set",
        "experiment.horizon_days=60",
        "--out",
        out.to_str().unwrap(),
        "--format",
        "markdown",
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let md = String::from_utf8_lossy(&run.stdout);
    assert!(md.contains("- With baktu_now, the mean waiting per train at the China–Kazakhstan crossings changes by"), "{md}");
    assert!(
        md.contains("| measure |") || md.contains("| metric |"),
        "{md}"
    );
    assert!(md.contains("---:|"), "{md}");
    let html = read(&out.join("report.html"));
    for text in [
        "<!DOCTYPE html>",
        "The answer",
        "With baktu_now, the mean waiting per train at the China–Kazakhstan crossings changes by",
        "Where the chain binds",
        "Congestion over time",
        "Brest–Małaszewicze",
        "How it was computed",
    ] {
        assert!(html.contains(text), "report.html lacks {text:?}");
    }
    assert!(html.matches("<svg").count() >= 4);
    // Self-contained: no scripts, no style sheets or images fetched.
    for outside in ["<script", "<link", "src=\"http", "href=\"http", "url(http"] {
        assert!(!html.contains(outside), "report.html has {outside:?}");
    }
    // Daily and monthly series beside it.
    let daily = read(&out.join("daily.csv"));
    assert!(daily.starts_with(
        "variant,port,direction,measure,unit,period,date,mean,low,high,replications\n"
    ));
    assert!(daily.contains(",2025-01-01,"));
    let monthly = read(&out.join("monthly.csv"));
    assert!(
        monthly.contains(",2025-03,"),
        "{}",
        &monthly[..300.min(monthly.len())]
    );
}

/// Parses the count of a run's last line (`290 k kernel events in …`).
fn events_said(text: &str) -> f64 {
    let last = text.lines().last().unwrap_or_default();
    let mut words = last.split(' ');
    let value: f64 = words.next().and_then(|w| w.parse().ok()).expect(last);
    let unit = match words.next() {
        Some("k") => 1e3,
        Some("M") => 1e6,
        Some("G") => 1e9,
        _ => 1.0,
    };
    value * unit
}

#[test]
fn a_run_says_how_many_events_it_took() {
    let dir = scratch("events_line");
    let run = |extra: &[&str], out: &str| {
        let mut args = vec![
            "run",
            "examples/scenarios/mmc_port.toml",
            "--replications",
            "4",
            "--threads",
            "1",
            "--out",
        ];
        let path = dir.join(out);
        args.push(path.to_str().unwrap());
        args.extend(extra);
        let o = silkrail(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let text = run(&[], "whole");
    let last = text.lines().last().unwrap_or_default();
    assert!(
        last.contains(" kernel events in ") && last.contains(" s on 1 thread: "),
        "{last}"
    );
    let summary: serde_json::Value =
        serde_json::from_str(&read(&dir.join("whole").join("summary.json"))).unwrap();
    let total = summary["events_total"].as_u64().unwrap();
    assert_eq!(summary["events"]["base"].as_u64(), Some(total));
    // Three significant digits: within half a unit of the third.
    let said = events_said(&text);
    assert!(
        (said - total as f64).abs() <= 0.005 * total as f64,
        "{said} for {total}"
    );
    // Shards say theirs, and their merge the whole run's.
    let mut parts = Vec::new();
    for i in 0..2 {
        let shard = format!("{i}/2");
        let text = run(&["--shard", &shard], &format!("part{i}"));
        assert!(text.contains(" kernel events in "), "{text}");
        parts.push(dir.join(format!("part{i}")).display().to_string());
    }
    let mut m = vec!["merge"];
    m.extend(parts.iter().map(String::as_str));
    let merged = dir.join("merged");
    m.extend(["--out", merged.to_str().unwrap()]);
    let o = silkrail(&m);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("kernel events in the parts merged"), "{text}");
    assert_eq!(events_said(&text), said);
}
