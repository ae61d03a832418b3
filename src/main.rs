//! `silkrail`: run, compare, sweep, validate and merge corridor scenarios
//! from the command line. `silkrail --help` lists the subcommands.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use silkrail::montecarlo::{StoppingRule, VariantResult};
use silkrail::report::{Manifest, OutputDir, Study, charts, default_rows};
use silkrail::scenario::{BUILTIN_TOML, Scenario};
use silkrail::study::{Progress, StudyPlan, SweepPlan, multiplier_grid, write_study};

#[derive(Parser)]
#[command(
    name = "silkrail",
    version,
    about = "Discrete-event simulation of China–Europe rail freight through break-of-gauge border ports",
    after_help = "SCENARIO is a .toml or .json file, or `builtin` for the built-in reference corridor."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run replications of a scenario (or one of its variants) and report.
    Run {
        /// Scenario file, or `builtin`.
        scenario: String,
        /// Apply this variant.
        #[arg(long)]
        variant: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// Compare variants with the base scenario on the same seeds (common
    /// random numbers).
    Compare {
        /// Scenario file, or `builtin`.
        scenario: String,
        /// A variant to compare with the base (repeat for several).
        #[arg(long = "variant", required = true)]
        variants: Vec<String>,
        #[command(flatten)]
        common: Common,
    },
    /// Sweep the demand multiplier for the base and the given variants, and
    /// find where a congestion measure crosses a threshold.
    Sweep {
        /// Scenario file, or `builtin`.
        scenario: String,
        /// A variant to sweep besides the base (repeat for several).
        #[arg(long = "variant")]
        variants: Vec<String>,
        /// Multipliers as FROM:TO:STEP (default: the scenario's
        /// `[experiment.sweep]`, else 0.8:2.0:0.1).
        #[arg(long)]
        multipliers: Option<String>,
        /// The congestion measure, a metric name (default: the scenario's,
        /// else group.cn_kz.delay_mean_h).
        #[arg(long)]
        metric: Option<String>,
        /// The value of the measure that counts as saturated (default: the
        /// scenario's, else 12).
        #[arg(long)]
        threshold: Option<f64>,
        #[command(flatten)]
        common: Common,
    },
    /// Check a scenario and print a summary of its network.
    Validate {
        /// Scenario file, or `builtin`.
        scenario: String,
    },
    /// Write the built-in scenario as TOML (to standard output without
    /// --out).
    ExportBuiltin {
        /// File to write.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Merge the partial results of shards into the result of one run.
    Merge {
        /// The shards' `partial.json` files (or their directories).
        #[arg(required = true)]
        parts: Vec<PathBuf>,
        /// Output directory.
        #[arg(long, default_value = "silkrail-out")]
        out: PathBuf,
        /// What to print on standard output.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Do not write SVG charts.
        #[arg(long)]
        no_charts: bool,
    },
}

#[derive(Args, Clone)]
struct Common {
    /// Replications per variant (default: the scenario's).
    #[arg(long)]
    replications: Option<u64>,
    /// Master seed (default: the scenario's).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: one per core).
    #[arg(long)]
    threads: Option<usize>,
    /// Demand multiplier on top of the scenario's.
    #[arg(long, default_value_t = 1.0)]
    demand: f64,
    /// Confidence level of the intervals.
    #[arg(long, default_value_t = 0.95)]
    level: f64,
    /// Output directory.
    #[arg(long, default_value = "silkrail-out")]
    out: PathBuf,
    /// What to print on standard output.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Run only shard I of N (0-based, by replication index) and write a
    /// partial result for `silkrail merge`.
    #[arg(long, value_name = "I/N")]
    shard: Option<String>,
    /// Do not write SVG charts.
    #[arg(long)]
    no_charts: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// A table for people.
    Table,
    /// summary.json.
    Json,
    /// replications.csv.
    Csv,
}

/// A failure with its exit status: 2 for bad input, 1 otherwise.
struct Failure(u8, String);

fn bad_input(e: impl std::fmt::Display) -> Failure {
    Failure(2, e.to_string())
}

fn load(scenario: &str) -> Result<Scenario, Failure> {
    if scenario == "builtin" {
        return Ok(Scenario::builtin());
    }
    Scenario::load(Path::new(scenario)).map_err(bad_input)
}

fn parse_shard(s: &str) -> Result<(u64, u64), Failure> {
    let bad = || {
        bad_input(format!(
            "--shard {s}: expected I/N with 0 ≤ I < N, e.g. 0/4"
        ))
    };
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let (i, n): (u64, u64) = (
        i.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if n == 0 || i >= n {
        return Err(bad());
    }
    Ok((i, n))
}

fn parse_multipliers(s: &str) -> Result<Vec<f64>, Failure> {
    let parts: Vec<f64> = s.split(':').filter_map(|p| p.trim().parse().ok()).collect();
    match parts.as_slice() {
        &[from, to, step] => multiplier_grid(from, to, step),
        _ => None,
    }
    .ok_or_else(|| {
        bad_input(format!(
            "--multipliers {s}: expected FROM:TO:STEP with 0 < FROM ≤ TO, STEP > 0 and at most 1001 points"
        ))
    })
}

fn check_common(c: &Common) -> Result<(), Failure> {
    if !(c.demand > 0.0 && c.demand.is_finite()) {
        return Err(bad_input(format!(
            "--demand {}: expected a positive number",
            c.demand
        )));
    }
    if !(c.level > 0.0 && c.level < 1.0) {
        return Err(bad_input(format!(
            "--level {}: expected a number between 0 and 1",
            c.level
        )));
    }
    if c.replications == Some(0) {
        return Err(bad_input("--replications 0: expected at least 1"));
    }
    if c.threads == Some(0) {
        return Err(bad_input("--threads 0: expected at least 1"));
    }
    Ok(())
}

fn plan(
    scenario: &Scenario,
    variants: &[(String, Scenario)],
    c: &Common,
) -> Result<StudyPlan, Failure> {
    check_common(c)?;
    // The scenario's stopping rule applies unless a number of replications
    // or a shard is asked for.
    let stopping = match (&scenario.experiment.stopping, c.replications, &c.shard) {
        (Some(rule), None, None) => Some(StoppingRule::from_spec(rule)),
        _ => None,
    };
    Ok(StudyPlan {
        variants: variants.to_vec(),
        stopping,
        replications: c.replications.unwrap_or(scenario.experiment.replications),
        seed: c.seed.unwrap_or(scenario.experiment.seed),
        threads: c.threads,
        level: c.level,
        demand_multiplier: c.demand,
        sweep: None,
        shard: c.shard.as_deref().map(parse_shard).transpose()?,
    })
}

fn variants_of(base: &Scenario, names: &[String]) -> Result<Vec<(String, Scenario)>, Failure> {
    let mut out = vec![("base".to_string(), base.clone())];
    for n in names {
        if n == "base" {
            continue;
        }
        out.push((n.clone(), base.with_variant(n).map_err(bad_input)?));
    }
    Ok(out)
}

/// The partial result of one shard.
#[derive(serde::Serialize, serde::Deserialize)]
struct Partial {
    manifest: Manifest,
    variants: Vec<(String, VariantResult)>,
}

fn execute(
    plan: &StudyPlan,
    out: &Path,
    format: Format,
    charts_wanted: bool,
) -> Result<(), Failure> {
    let progress = Progress::new(plan.work());
    let study = plan.run(&progress).map_err(|e| Failure(1, e));
    progress.finish();
    let study = study?;
    if study.manifest.shard.is_some() {
        let partial = Partial {
            manifest: study.manifest.clone(),
            variants: study.variants.clone(),
        };
        let json = serde_json::to_string(&partial).map_err(|e| Failure(1, e.to_string()))?;
        let mut dir = OutputDir::create(out).map_err(|e| Failure(1, e.to_string()))?;
        dir.write("partial.json", &json)
            .map_err(|e| Failure(1, e.to_string()))?;
        eprintln!(
            "shard {} done: {}/partial.json (merge the shards with `silkrail merge`)",
            study.manifest.shard.as_deref().unwrap_or(""),
            out.display()
        );
        return Ok(());
    }
    finish(&study, out, format, charts_wanted)
}

/// Writes to standard output; a closed pipe (`| head`) ends quietly.
fn emit(text: &str) -> Result<(), Failure> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure(1, format!("cannot write to standard output: {e}"))),
    }
}

fn finish(study: &Study, out: &Path, format: Format, charts_wanted: bool) -> Result<(), Failure> {
    use std::fmt::Write;
    let svgs = if charts_wanted {
        charts::study_charts(study)
    } else {
        Vec::new()
    };
    let files = write_study(study, out, &svgs).map_err(|e| Failure(1, e.to_string()))?;
    let mut text = String::new();
    match format {
        Format::Table => {
            let m = &study.manifest;
            let _ = writeln!(
                text,
                "{} — {} replications, seed {}, demand × {}, {:.0} days after a {:.0}-day warm-up; {:.0} % intervals",
                m.scenario,
                m.replications,
                m.seed,
                m.demand_multiplier,
                m.horizon_days,
                m.warmup_days,
                100.0 * m.confidence_level
            );
            text.push_str(&study.comparison_table(&default_rows(study)));
            if let Some(sweep) = &study.sweep {
                let _ = writeln!(
                    text,
                    "\nsweep of {} (saturated at {}):",
                    sweep.metric, sweep.threshold
                );
                for s in &sweep.series {
                    let pts: Vec<String> = s
                        .points
                        .iter()
                        .map(|p| format!("{}×: {:.2}", p.multiplier, p.value.mean))
                        .collect();
                    let sat = s
                        .saturation
                        .map_or("not in range".to_string(), |x| format!("{x:.2}×"));
                    let _ = writeln!(
                        text,
                        "  {}: {}  → saturates {}",
                        s.variant,
                        pts.join(", "),
                        sat
                    );
                }
            }
            let _ = writeln!(text, "\nwrote {} files to {}", files.len(), out.display());
        }
        Format::Json => {
            text = study.summary_json();
            text.push('\n');
        }
        Format::Csv => text = study.replications_csv(),
    }
    emit(&text)
}

fn validate(scenario: &str) -> Result<(), Failure> {
    use std::fmt::Write;
    let s = load(scenario)?;
    let mut text = silkrail::report::network_summary(&s);
    for name in s.variant_names() {
        let v = s.with_variant(name).map_err(bad_input)?;
        let _ = writeln!(
            text,
            "variant '{name}': valid ({} places, {} ports, {} sections, {} flows)",
            v.network.places.len(),
            v.network.ports.len(),
            v.network.sections.len(),
            v.network.flows.len()
        );
    }
    let _ = writeln!(text, "{}: valid", s.source);
    emit(&text)
}

fn merge(
    parts: &[PathBuf],
    out: &Path,
    format: Format,
    charts_wanted: bool,
) -> Result<(), Failure> {
    let mut merged: Option<Partial> = None;
    let mut shards = Vec::new();
    for p in parts {
        let file = if p.is_dir() {
            p.join("partial.json")
        } else {
            p.clone()
        };
        let text = std::fs::read_to_string(&file)
            .map_err(|e| bad_input(format!("{}: cannot read: {e}", file.display())))?;
        let part: Partial = serde_json::from_str(&text)
            .map_err(|e| bad_input(format!("{}: not a partial result: {e}", file.display())))?;
        let Some(shard) = part.manifest.shard.clone() else {
            return Err(bad_input(format!(
                "{}: not a shard's partial result",
                file.display()
            )));
        };
        shards.push((shard, file.clone()));
        match &mut merged {
            None => merged = Some(part),
            Some(m) => {
                let mut a = m.manifest.clone();
                let mut b = part.manifest.clone();
                (a.shard, b.shard, a.threads, b.threads) = (None, None, 0, 0);
                if a != b {
                    return Err(bad_input(format!(
                        "{}: a shard of another experiment (scenario, seed, replications or settings differ)",
                        file.display()
                    )));
                }
                let names = |v: &[(String, VariantResult)]| {
                    v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>()
                };
                if names(&m.variants) != names(&part.variants) {
                    return Err(bad_input(format!("{}: different variants", file.display())));
                }
                for ((_, into), (_, from)) in m.variants.iter_mut().zip(part.variants) {
                    into.merge(from)
                        .map_err(|e| bad_input(format!("{}: {e}", file.display())))?;
                }
            }
        }
    }
    let mut merged = merged.ok_or_else(|| bad_input("no parts given"))?;
    let n: Vec<&str> = shards
        .iter()
        .filter_map(|(s, _)| s.split('/').nth(1))
        .collect();
    if n.windows(2).any(|w| w[0] != w[1]) {
        return Err(bad_input(
            "the parts come from splits into different numbers of shards",
        ));
    }
    let expected = merged.manifest.replications;
    for (name, v) in &merged.variants {
        let have: Vec<u64> = v.records.iter().map(|r| r.index).collect();
        if have != (0..expected).collect::<Vec<_>>() {
            let missing: Vec<String> = (0..expected)
                .filter(|i| have.binary_search(i).is_err())
                .take(10)
                .map(|i| i.to_string())
                .collect();
            return Err(bad_input(format!(
                "variant '{name}': replications missing after the merge: {} (is a shard missing?)",
                missing.join(", ")
            )));
        }
    }
    merged.manifest.shard = None;
    let study = Study {
        manifest: merged.manifest,
        variants: merged.variants,
        sweep: None,
    };
    finish(&study, out, format, charts_wanted)
}

fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Run {
            scenario,
            variant,
            common,
        } => {
            let base = load(&scenario)?;
            let s = match &variant {
                Some(v) => base.with_variant(v).map_err(bad_input)?,
                None => base.clone(),
            };
            let name = variant.unwrap_or_else(|| "base".into());
            let plan = plan(&s, &[(name, s.clone())], &common)?;
            execute(&plan, &common.out, common.format, !common.no_charts)
        }
        Command::Compare {
            scenario,
            variants,
            common,
        } => {
            let base = load(&scenario)?;
            let all = variants_of(&base, &variants)?;
            let plan = plan(&base, &all, &common)?;
            execute(&plan, &common.out, common.format, !common.no_charts)
        }
        Command::Sweep {
            scenario,
            variants,
            multipliers,
            metric,
            threshold,
            common,
        } => {
            if common.shard.is_some() {
                return Err(bad_input(
                    "--shard: a sweep cannot be sharded; shard `run` or `compare` instead",
                ));
            }
            let base = load(&scenario)?;
            let from_file = base.experiment.sweep.clone();
            let threshold = threshold
                .or(from_file.as_ref().map(|s| s.threshold))
                .unwrap_or(12.0);
            if !threshold.is_finite() {
                return Err(bad_input(format!(
                    "--threshold {threshold}: expected a finite number"
                )));
            }
            let multipliers = match (&multipliers, &from_file) {
                (Some(m), _) => parse_multipliers(m)?,
                (None, Some(f)) => f.multipliers.clone(),
                (None, None) => parse_multipliers("0.8:2.0:0.1")?,
            };
            let metric = metric
                .or(from_file.as_ref().map(|s| s.metric.clone()))
                .unwrap_or_else(|| "group.cn_kz.delay_mean_h".into());
            let all = variants_of(&base, &variants)?;
            let mut plan = plan(&base, &all, &common)?;
            plan.stopping = None;
            let replications = common
                .replications
                .or(from_file.as_ref().map(|s| s.replications))
                .unwrap_or(plan.replications);
            plan.sweep = Some(SweepPlan {
                multipliers,
                metric,
                threshold,
                replications,
            });
            // The sweep is the result: no separate run at the base demand.
            plan.replications = 0;
            execute(&plan, &common.out, common.format, !common.no_charts)
        }
        Command::Validate { scenario } => validate(&scenario),
        Command::ExportBuiltin { out } => match out {
            None => emit(BUILTIN_TOML),
            Some(path) => {
                let dir = path
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new("."));
                let name = path.file_name().ok_or_else(|| {
                    bad_input(format!("--out {}: expected a file name", path.display()))
                })?;
                let mut d = OutputDir::create(dir).map_err(|e| Failure(1, e.to_string()))?;
                d.write(&name.to_string_lossy(), BUILTIN_TOML)
                    .map_err(|e| Failure(1, e.to_string()))
            }
        },
        Command::Merge {
            parts,
            out,
            format,
            no_charts,
        } => merge(&parts, &out, format, !no_charts),
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(code, message)) => {
            eprintln!("error: {message}");
            ExitCode::from(code)
        }
    }
}
