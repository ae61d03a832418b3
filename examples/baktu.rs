//! The main job: how much border congestion does the Baktu–Bakhty crossing
//! remove, from which year, how much does it carry, and up to what demand
//! does the corridor stay fluid with and without it?
//!
//! Runs the built-in reference corridor from 2026 to 2030 without and with
//! Baktu (opening on 1 January 2028) on the same seeds (common random
//! numbers), prints the answer year by year and the paired comparison over
//! the five years into the output directory. Then it sweeps the demand
//! multiplier over one year (2025), without Baktu and with it open from the
//! start, into `DIR-sweep`; varies each of the scenario's assumptions on
//! how much Baktu removes in 2030, into `DIR-sensitivity`; and gathers all
//! of it, with the calibration table, in `DIR/report.html`.
//!
//! ```text
//! cargo run --release --example baktu -- --help
//! ```

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use silkrail::metric::MetricKey;
use silkrail::montecarlo::{MAX_REPLICATIONS, MAX_THREADS};
#[path = "../src/cli/progress.rs"]
mod progress;

use silkrail::report::{
    OutputDir, Report, bottleneck_lines, capacity_name, comparison_table, run_into_folder,
};
use silkrail::scenario::Scenario;
use silkrail::study::calibration::{self, Calibration};
use silkrail::study::{StudyOptions, StudyPlan, SweepPlan, multiplier_grid};

const HELP: &str = "\
baktu: the reference corridor without and with the Baktu–Bakhty crossing

usage: cargo run --release --example baktu -- [options]

options:
  --replications N   replications of 2026–2030 per variant (default 40)
  --seed S           master seed (default: the scenario's, 2026)
  --threads T        worker threads (default: one per core)
  --demand M         demand multiplier on top of the scenario (default 1.0)
  --sweep A:B:STEP   demand multipliers to sweep (default 0.8:2.0:0.1)
  --sweep-replications N
                     replications of 2025 per sweep point and variant (default 16)
  --threshold H      mean wait per train at the China–Kazakhstan crossings
                     that counts as saturated [h] (default 12)
  --no-sweep         skip the demand sweep
  --sensitivity-replications N
                     replications per setting of the sensitivity study (default 4)
  --no-sensitivity   skip the sensitivity study of the scenario's assumptions
  --calibration-replications N
                     run the calibration again with N replications (default:
                     the table CALIBRATION.md pins, at the scenario's 40)
  --no-calibration   skip the calibration table in the report
  --out DIR          output directory (default target/baktu; the sweep goes to
                     DIR-sweep, the sensitivity study to DIR-sensitivity, and
                     DIR/report.html gathers all three)
  --quick            a small run for smoke tests (10 replications, 3 sweep
                     points, 2 replications per sensitivity setting, a
                     calibration of 4)
  -h, --help         this text";

struct Args {
    replications: u64,
    seed: Option<u64>,
    threads: Option<usize>,
    demand: f64,
    sweep: Option<(f64, f64, f64)>,
    sweep_replications: u64,
    threshold: f64,
    sensitivity_replications: Option<u64>,
    calibration_replications: Option<u64>,
    out: PathBuf,
    /// `--quick` was given: the report says it is a smoke run.
    quick: bool,
}

fn parse() -> Result<Option<Args>, String> {
    let mut a = Args {
        replications: 40,
        seed: None,
        threads: None,
        demand: 1.0,
        sweep: Some((0.8, 2.0, 0.1)),
        sweep_replications: 16,
        threshold: 12.0,
        sensitivity_replications: Some(4),
        calibration_replications: Some(Scenario::builtin().experiment.replications),
        out: PathBuf::from("target/baktu"),
        quick: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--quick" => {
                a.replications = 10;
                a.sweep = Some((1.0, 2.0, 0.5));
                a.sweep_replications = 4;
                a.sensitivity_replications = Some(2);
                a.calibration_replications = Some(4);
                a.quick = true;
                continue;
            }
            "--no-sensitivity" => {
                a.sensitivity_replications = None;
                continue;
            }
            "--no-calibration" => {
                a.calibration_replications = None;
                continue;
            }
            "--no-sweep" => {
                a.sweep = None;
                continue;
            }
            _ => {}
        }
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let bad = |what: &str| format!("{flag} {value}: expected {what}");
        // A number of replications, from 2 (an interval needs two).
        let replications = || -> Result<u64, String> {
            value
                .parse()
                .ok()
                .filter(|&n| (2..=MAX_REPLICATIONS).contains(&n))
                .ok_or_else(|| bad(&format!("a whole number from 2 to {MAX_REPLICATIONS}")))
        };
        match flag.as_str() {
            "--replications" => a.replications = replications()?,
            "--seed" => a.seed = Some(value.parse().map_err(|_| bad("a whole number"))?),
            "--threads" => {
                a.threads = Some(
                    value
                        .parse()
                        .ok()
                        .filter(|&n| (1..=MAX_THREADS).contains(&n))
                        .ok_or_else(|| bad(&format!("a whole number from 1 to {MAX_THREADS}")))?,
                )
            }
            "--demand" => {
                a.demand = value
                    .parse()
                    .ok()
                    .filter(|m: &f64| *m > 0.0 && m.is_finite())
                    .ok_or_else(|| bad("a positive number"))?
            }
            "--sweep" => {
                let parts: Vec<f64> = value.split(':').filter_map(|p| p.parse().ok()).collect();
                a.sweep = match parts.as_slice() {
                    &[lo, hi, step] => multiplier_grid(lo, hi, step).map(|_| (lo, hi, step)),
                    _ => None,
                };
                if a.sweep.is_none() {
                    return Err(bad(
                        "FROM:TO:STEP with 0 < FROM ≤ TO, STEP > 0 and at most 1001 points",
                    ));
                }
            }
            "--sweep-replications" => a.sweep_replications = replications()?,
            "--sensitivity-replications" => a.sensitivity_replications = Some(replications()?),
            "--calibration-replications" => a.calibration_replications = Some(replications()?),
            "--threshold" => {
                a.threshold = value
                    .parse()
                    .ok()
                    .filter(|h: &f64| *h > 0.0 && h.is_finite())
                    .ok_or_else(|| bad("a positive number of hours"))?
            }
            "--out" => a.out = PathBuf::from(value),
            _ => return Err(format!("unknown option {flag} (see --help)")),
        }
    }
    Ok(Some(a))
}

fn main() -> ExitCode {
    let args = match parse() {
        Ok(Some(a)) => a,
        Ok(None) => {
            println!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(text) => match std::io::stdout().lock().write_all(text.as_bytes()) {
            // A closed pipe (`| head`) is not an error; a full disk is.
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                eprintln!("error: cannot write to standard output: {e}");
                ExitCode::FAILURE
            }
            _ => ExitCode::SUCCESS,
        },
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The years the built-in scenario spans.
const YEARS: std::ops::RangeInclusive<u32> = 2026..=2030;

fn run(args: &Args) -> Result<String, String> {
    // Every folder the job will write is checked before any work, so that
    // a refused sweep or sensitivity folder does not cost the comparison
    // first and leave its report without them.
    let mut folders = vec![args.out.clone()];
    if args.sweep.is_some() {
        folders.push(side_dir(&args.out, "sweep"));
    }
    if args.sensitivity_replications.is_some() {
        folders.push(side_dir(&args.out, "sensitivity"));
    }
    for dir in &folders {
        OutputDir::check(dir).map_err(|e| e.to_string())?;
    }
    let builtin = Scenario::builtin();
    let variant = |name: &str| builtin.with_variant(name).map_err(|e| e.to_string());
    let (base, baktu) = (builtin.clone(), variant("baktu")?);
    let keys = silkrail::corridor::metric_keys_over(
        &baktu.network,
        baktu.experiment.warmup,
        baktu.experiment.horizon,
    );
    let key = |name: &str| keys.iter().find(|k| k.to_string() == name).cloned();
    let plan = StudyPlan {
        seed: args.seed.unwrap_or(base.experiment.seed),
        variants: vec![("without Baktu".into(), base), ("with Baktu".into(), baktu)],
        replications: args.replications,
        stopping: None,
        threads: args.threads,
        level: 0.95,
        demand_multiplier: args.demand,
        sweep: None,
        sensitivity: None,
        shard: None,
    };
    let progress = progress::Progress::new(plan.work());
    let written = run_into_folder(&plan, &args.out, true, Some(progress.callback()));
    progress.finish();
    let written = written.map_err(|e| e.to_string())?;
    let study = &written.study;
    let m = &study.manifest;
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{} — {} replications per variant, seed {}, demand × {}, {:.0} days after a {:.0}-day warm-up",
        m.scenario, m.replications, m.seed, m.demand_multiplier, m.horizon_days, m.warmup_days
    );
    let _ = writeln!(
        text,
        "Baktu–Bakhty opens on 1 January 2028 at half its caps, full from 1 July 2028. Means with\n\
         95 % intervals; paired differences on common random numbers (with − without).\n"
    );
    // The answer, year by year, in words.
    let level = m.confidence_level;
    let diff = |name: &str| key(name).and_then(|k| study.result.compare(1, &k, level));
    let mean_of = |arm: usize, name: &str| {
        key(name)
            .and_then(|k| study.result.arms[arm].interval(&k, level))
            .map(|i| i.mean)
    };
    let pm = |h: Option<f64>| h.map_or("—".to_string(), |h| format!("{h:.2}"));
    let _ = writeln!(
        text,
        "{:<6} {:>24} {:>24} {:>26} {:>22}",
        "year",
        "CN–KZ wait without [h]",
        "with Baktu [h]",
        "Baktu removes [h]",
        "Baktu carries [trains/day W / E]"
    );
    for year in YEARS {
        let g = format!("group.cn_kz.{year}.delay_mean_hours");
        let Some(d) = diff(&g) else { continue };
        let carries = |dir: &str| {
            mean_of(
                1,
                &format!("port.baktu_bakhty.{dir}.{year}.handed_over_trains_per_day"),
            )
            .map_or("—".to_string(), |v| format!("{v:.1}"))
        };
        let _ = writeln!(
            text,
            "{year:<6} {:>17.2} ± {:<4} {:>17.2} ± {:<4} {:>19.2} ± {:<4} {:>15} / {}",
            d.base.mean,
            pm(d.base.half_width),
            d.other.mean,
            pm(d.other.half_width),
            // (+ 0.0: no "-0.00" before the opening)
            -d.difference.mean + 0.0,
            pm(d.difference.half_width),
            carries("westbound"),
            carries("eastbound"),
        );
    }
    // What binds first: the capacities most used, over the years and in
    // the last year.
    let last = *YEARS.end();
    for (arm, label) in study
        .result
        .arms
        .iter()
        .enumerate()
        .map(|(i, a)| (i, &a.label))
    {
        let _ = writeln!(text, "\nWhat binds first, {label}:");
        for (when, year) in [("2026–2030", None), ("in 2030", Some(last))] {
            let lines = bottleneck_lines(study, arm, year, 3);
            if let Some(first) = lines.first() {
                let _ = writeln!(text, "  {when:<10} {first}");
                for l in &lines[1..] {
                    let _ = writeln!(text, "  {:<10} {l}", "");
                }
            }
        }
    }
    let _ = writeln!(text);
    let mut names: Vec<String> = vec![
        "group.cn_kz.delay_mean_hours".into(),
        "group.cn_kz.delay_p95_hours".into(),
        "group.cn_kz.westbound.delay_mean_hours".into(),
        "group.cn_kz.eastbound.delay_mean_hours".into(),
    ];
    for port in [
        "alashankou_dostyk",
        "khorgos_altynkol",
        "baktu_bakhty",
        "brest_malaszewicze",
    ] {
        for dir in ["westbound", "eastbound"] {
            for what in ["handed_over_trains_per_day", "delay_mean_hours"] {
                names.push(format!("port.{port}.{dir}.{what}"));
            }
        }
    }
    names.extend([
        "section.kuytun_tacheng.load_trains_per_day".to_string(),
        "od.xian.duisburg.transit_mean_days".into(),
        "network.transit_mean_days".into(),
        "network.delayed_ratio".into(),
        "network.backlog_trains".into(),
    ]);
    let rows: Vec<MetricKey> = names.iter().filter_map(|n| key(n)).collect();
    let _ = writeln!(text, "Over 2026–2030:");
    text.push_str(&comparison_table(study, &rows));
    let not_conserved: u64 = study.result.arms.iter().map(|a| a.inconsistent).sum();
    if not_conserved > 0 {
        return Err(format!(
            "{not_conserved} replications did not conserve trains or containers"
        ));
    }
    text.push('\n');
    wrote(&mut text, &written);
    // The demand sweep: one year (2025), without Baktu and with it open
    // from the start, so that a multiplier is a multiple of today's
    // demand.
    let mut sweep_study = None;
    if let Some((lo, hi, step)) = args.sweep {
        let (y, yb) = (variant("y2025")?, variant("y2025+baktu_now")?);
        let metric = silkrail::corridor::metric_keys(&y.network)
            .into_iter()
            .find(|k| k.to_string() == "group.cn_kz.delay_mean_hours")
            .ok_or("the built-in scenario has no group cn_kz")?;
        let sweep = SweepPlan::demand(
            &[y.clone(), yb.clone()],
            &multiplier_grid(lo, hi, step).unwrap_or_default(),
            metric,
            args.threshold,
            args.sweep_replications,
        )
        .map_err(|e| e.to_string())?;
        let plan = StudyPlan {
            seed: args.seed.unwrap_or(y.experiment.seed),
            variants: vec![("without Baktu".into(), y), ("with Baktu".into(), yb)],
            replications: 0,
            stopping: None,
            threads: args.threads,
            level: 0.95,
            demand_multiplier: args.demand,
            sweep: Some(sweep),
            sensitivity: None,
            shard: None,
        };
        let dir = side_dir(&args.out, "sweep");
        let progress = progress::Progress::new(plan.work());
        let written = run_into_folder(&plan, &dir, true, Some(progress.callback()));
        progress.finish();
        let written = written.map_err(|e| e.to_string())?;
        if let Some(sweep) = &written.study.sweep {
            let _ = writeln!(
                text,
                "\nDemand sweep of {} on 2025, without Baktu and with it open from the start ({} replications per point); saturated at {} h:",
                sweep.metric, sweep.replications, sweep.threshold
            );
            let level = written.study.manifest.confidence_level;
            for ((i, s), sat) in sweep
                .series(level)
                .iter()
                .enumerate()
                .zip(sweep.saturations(level))
            {
                let curve: Vec<String> = s
                    .points
                    .iter()
                    .map(|p| format!("{:.1}×: {:.1}", p.x, p.value.mean))
                    .collect();
                let _ = writeln!(text, "  {:<14} {}", s.label, curve.join("  "));
                let _ = match sat.mean_curve {
                    Some(_) => writeln!(
                        text,
                        "  {:<14} the wait reaches {} h at {} today's demand",
                        "",
                        sweep.threshold,
                        sat.display("×")
                    ),
                    None => writeln!(
                        text,
                        "  {:<14} the wait stays below {} h in the range swept",
                        "", sweep.threshold
                    ),
                };
                let caps = sweep.capacity_saturations(i, level);
                match caps.first().filter(|c| c.mean_curve.is_some()) {
                    Some(c) => {
                        let _ = writeln!(
                            text,
                            "  {:<14} binds first: {} ({:.0} % used) at {}",
                            "",
                            capacity_name(&written.study, &c.metric),
                            100.0 * c.threshold,
                            c.display("×")
                        );
                    }
                    None => {
                        let _ = writeln!(
                            text,
                            "  {:<14} no capacity reaches {:.0} % use in the range swept",
                            "",
                            100.0 * sweep.resource_threshold
                        );
                    }
                }
            }
        }
        wrote(&mut text, &written);
        sweep_study = Some(written.study);
    }
    // What drives the answer: the scenario's assumptions, one at a time
    // on the same seeds, on how much Baktu removes in 2030.
    let mut sensitivity_study = None;
    if let Some(reps) = args.sensitivity_replications {
        let options = StudyOptions {
            replications: Some(reps),
            seed: args.seed,
            threads: args.threads,
            demand_multiplier: args.demand,
            ..StudyOptions::default()
        };
        let mut plan = StudyPlan::sensitivity(
            &builtin,
            Some("baktu"),
            Some("group.cn_kz.2030.delay_mean_hours"),
            &[],
            &options,
        )
        .map_err(|e| e.to_string())?;
        plan.variants[0].0 = "without Baktu".into();
        plan.variants[1].0 = "with Baktu".into();
        let progress = progress::Progress::new(plan.work());
        let written = run_into_folder(
            &plan,
            &side_dir(&args.out, "sensitivity"),
            true,
            Some(progress.callback()),
        );
        progress.finish();
        let written = written.map_err(|e| e.to_string())?;
        if let Some(s) = &written.study.sensitivity {
            let level = written.study.manifest.confidence_level;
            let _ = writeln!(
                text,
                "\nWhat drives how much Baktu removes in 2030 (as assumed: {} h; each assumption low → high, {} replications each, same seeds):",
                silkrail::montecarlo::Interval::of(&s.nominal, level).map_or("—".into(), |i| {
                    format!("{:.2} ± {:.2}", -i.mean + 0.0, i.half_width.unwrap_or(0.0))
                }),
                s.replications
            );
            for e in s.ranked(level).iter().take(5) {
                let (low, high) = (-e.low.mean + 0.0, -e.high.mean + 0.0);
                let change = -e.swing.mean + 0.0;
                let _ = writeln!(
                    text,
                    "  {:<20} ({:>3}) {:>6} → {:<6}  removes {low:>9.2} → {high:<9.2} h  (change {change:+.2} ± {:.2} h)",
                    e.id,
                    e.row,
                    silkrail::study::override_value(e.range.0),
                    silkrail::study::override_value(e.range.1),
                    e.swing.half_width.unwrap_or(0.0)
                );
            }
        }
        wrote(&mut text, &written);
        sensitivity_study = Some(written.study);
    }
    // The calibration of the 2025 border: the table tests/calibration.rs
    // keeps in CALIBRATION.md (it fails unless the table is this code's),
    // or run again here with another number of replications.
    let pinned = Scenario::builtin().experiment.replications;
    let calibration = match args.calibration_replications {
        None => None,
        Some(reps) if reps == pinned => {
            const DOC: &str = include_str!("../CALIBRATION.md");
            let begin = "<!-- calibration table: begin (written by tests/calibration.rs) -->";
            let block = DOC
                .split_once(begin)
                .and_then(|(_, rest)| rest.split_once("<!-- calibration table: end -->"))
                .map(|(block, _)| block.trim())
                .ok_or("CALIBRATION.md has no calibration table")?;
            let (how, table) = block.split_once("\n\n").unwrap_or(("", block));
            let rows = table
                .lines()
                .filter(|l| l.starts_with("| ") && !l.starts_with("| row"))
                .count();
            let _ = writeln!(
                text,
                "\nCalibration: the table of CALIBRATION.md ({rows} rows), pinned by tests/calibration.rs for this version."
            );
            Some((
                format!(
                    "{} The table is the one tests/calibration.rs checks for this version of silkrail; the rows and their sources are in examples/calibration/reference.toml and CALIBRATION.md.",
                    how.trim()
                ),
                table.to_string(),
            ))
        }
        Some(reps) => {
            let start = Instant::now();
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("examples/calibration/reference.toml");
            let cal = Calibration::load(&path).map_err(|e| e.to_string())?;
            let seed = builtin.experiment.seed;
            let rows = calibration::run(&builtin, &cal, reps, seed, args.threads)
                .map_err(|e| e.to_string())?;
            let simulated = rows.iter().filter(|r| r.simulated.is_some()).count();
            let passed = rows
                .iter()
                .filter(|r| r.simulated.is_some() && r.as_expected())
                .count();
            let _ = writeln!(
                text,
                "\nCalibration: {passed} of {simulated} simulated rows as expected ({reps} replications, {:.1} s).",
                start.elapsed().as_secs_f64()
            );
            for r in rows
                .iter()
                .filter(|r| r.simulated.is_some() && !r.as_expected())
            {
                let _ = writeln!(
                    text,
                    "  not as expected: {} (expected to {}; see the report's calibration table)",
                    r.row.id,
                    match r.row.expect {
                        calibration::Expect::Pass => "pass",
                        calibration::Expect::Fail => "fail",
                        // Inputs and rows without a model are always as
                        // expected (`as_expected`).
                        _ => "match its band",
                    }
                );
            }
            Some((
                format!(
                    "{reps} replications of each variant the rows need, seed {seed}; each row's band is tested at a confidence of {:.4} (the family of rows at 95 %). The rows and their sources are in examples/calibration/reference.toml and CALIBRATION.md.",
                    cal.row_level()
                ),
                calibration::markdown(&rows),
            ))
        }
    };
    // One report to forward, over the comparison, the sweep and the
    // sensitivity study.
    let mut studies = vec![study];
    studies.extend(sweep_study.as_ref());
    studies.extend(sensitivity_study.as_ref());
    let mut answer = answer_sentences(study, &key, level);
    if args.quick {
        // A smoke run's figures rest on a few replications and a coarse
        // sweep: say so first, in case its report is forwarded.
        answer.insert(
            0,
            format!(
                "A smoke run (--quick): {} replications a variant{}; \
                 its figures and intervals are too rough to forward. Run without --quick for the answer.",
                args.replications,
                match args.sweep {
                    Some(_) => format!(" and a sweep of {} replications a point", args.sweep_replications),
                    None => String::new(),
                }
            ),
        );
    }
    for s in studies.iter().skip(1) {
        answer.extend(silkrail::report::answer(s));
    }
    let report = Report {
        title: "How much congestion does Baktu–Bakhty remove, from when, and what binds first?"
            .into(),
        answer,
        studies,
        rows: rows.clone(),
        calibration,
    };
    let path = args.out.join("report.html");
    let tmp = args.out.join(".report.html.tmp");
    std::fs::write(&tmp, report.to_html())
        .and_then(|()| std::fs::rename(&tmp, &path))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let _ = writeln!(text, "\nThe report to forward: {}", path.display());
    Ok(text)
}

/// The headline in sentences: how much Baktu removes year by year, what
/// it carries, and what binds first in the last year without and with it.
fn answer_sentences(
    study: &silkrail::study::Study,
    key: &dyn Fn(&str) -> Option<MetricKey>,
    level: f64,
) -> Vec<String> {
    let mut out = Vec::new();
    let diff = |name: &str| key(name).and_then(|k| study.result.compare(1, &k, level));
    let mut years = Vec::new();
    for year in YEARS {
        if let Some(d) = diff(&format!("group.cn_kz.{year}.delay_mean_hours")) {
            years.push((year, d));
        }
    }
    if let Some((last, d)) = years.last() {
        let earlier: Vec<String> = years[..years.len() - 1]
            .iter()
            .rev()
            .map(|(y, d)| format!("{} h in {y}", d.difference.display(2).replace('-', "−")))
            .collect();
        out.push(format!(
            "With Baktu–Bakhty, the mean wait per train at the China–Kazakhstan crossings changes by {} h in {last} (from {} to {} h), and by {} (95 % intervals, paired on {} replications; − is less waiting).",
            d.difference.display(2).replace('-', "−"),
            d.base.display(2),
            d.other.display(2),
            earlier.join(", "),
            d.difference.n
        ));
        let carries = |dir: &str| {
            key(&format!(
                "port.baktu_bakhty.{dir}.{last}.handed_over_trains_per_day"
            ))
            .and_then(|k| study.result.arms[1].interval(&k, level))
            .map_or("—".to_string(), |i| i.display(1))
        };
        out.push(format!(
            "In {last} Baktu carries {} trains a day westbound and {} eastbound, chosen by expected time, not by an assumed share.",
            carries("westbound"),
            carries("eastbound")
        ));
        for (arm, label) in [(0, "Without Baktu"), (1, "With Baktu")] {
            if let Some(first) = bottleneck_lines(study, arm, Some(*last), 1).first() {
                out.push(format!("{label}, what binds first in {last}: {first}."));
            }
        }
    }
    out
}

/// Says what a study wrote where, and how long it took.
fn wrote(text: &mut String, written: &silkrail::report::Written) {
    let _ = writeln!(
        text,
        "Wrote {} files to {}/: {}.",
        written.files.len(),
        written.dir.display(),
        written.events_line()
    );
}

/// Where a companion study goes: beside the main output, `DIR-what`.
fn side_dir(out: &std::path::Path, what: &str) -> PathBuf {
    let mut name = out
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "baktu".into());
    name.push(format!("-{what}"));
    out.with_file_name(name)
}
