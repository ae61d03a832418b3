//! `silkrail`: run, compare, sweep, validate and merge corridor scenarios
//! from the command line. `silkrail --help` lists the subcommands.
//!
//! This file only parses arguments, calls the library and prints.

#[path = "cli/progress.rs"]
mod progress;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use silkrail::corridor::metric_keys_over;
use silkrail::metric::MetricKey;
use silkrail::montecarlo::Shard;
use silkrail::report::{
    FolderError, Written, merge_into_folder, network_summary, run_into_folder, study_markdown,
    study_text, summary_json,
};
use silkrail::scenario::{BUILTIN_TOML, Scenario};
use silkrail::study::{
    StudyError, StudyOptions, StudyPlan, SweepOptions, multiplier_grid, parse_grid,
};

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
        /// Compare against this variant instead of the base; each
        /// `--variant` is laid over it (`--base y2025 --variant baktu_now`).
        #[arg(long = "base")]
        base: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// Sweep the demand multiplier, or any numeric scenario field, for the
    /// base and the given variants on the same seeds; find where a
    /// congestion measure and each capacity saturate.
    Sweep {
        /// Scenario file, or `builtin`.
        scenario: String,
        /// A variant to sweep besides the base (repeat for several).
        #[arg(long = "variant")]
        variants: Vec<String>,
        /// Sweep this variant instead of the base; each `--variant` is laid
        /// over it.
        #[arg(long = "base")]
        base: Option<String>,
        /// Multipliers as FROM:TO:STEP (default: the scenario's
        /// `[experiment.sweep]`, else 0.8:2.0:0.1).
        #[arg(long, conflicts_with = "params")]
        multipliers: Option<String>,
        /// Sweep a parameter instead of the demand: PATH=FROM:TO:STEP or
        /// PATH=a,b,c, PATH a scenario field as for --set (e.g.
        /// `variants.baktu.ports.baktu_bakhty.westbound.handover_cap_trains_per_day=10,17,24`)
        /// or `demand`. Give it twice for a two-way grid (the second makes
        /// one curve per value).
        #[arg(long = "param", value_name = "PATH=GRID")]
        params: Vec<String>,
        /// The use of a capacity (handover cap, tracks, cranes, pools,
        /// paths) that counts as saturated, as a share: 0.95 for 95 %.
        #[arg(long, value_parser = use_share, default_value_t = silkrail::study::DEFAULT_RESOURCE_THRESHOLD)]
        resource_threshold: f64,
        /// The congestion measure, a metric name (default: the scenario's,
        /// else group.cn_kz.delay_mean_hours).
        #[arg(long)]
        metric: Option<String>,
        /// The value of the measure that counts as saturated (default: the
        /// scenario's, else 12).
        #[arg(long, allow_negative_numbers = true, value_parser = finite)]
        threshold: Option<f64>,
        #[command(flatten)]
        common: Common,
    },
    /// Vary each of the scenario's `[assumptions]` to its low and high
    /// value, one at a time on the same seeds, and rank them by how far
    /// they move the answer (a measure, or a variant's paired difference
    /// from the baseline in it).
    Sensitivity {
        /// Scenario file, or `builtin`.
        scenario: String,
        /// The variant whose difference from the baseline is the answer
        /// (without it, the answer is the baseline's level of the measure).
        #[arg(long)]
        variant: Option<String>,
        /// Take this variant as the baseline; `--variant` is laid over it.
        #[arg(long = "base")]
        base: Option<String>,
        /// The measure, a metric name (default
        /// group.cn_kz.delay_mean_hours).
        #[arg(long)]
        metric: Option<String>,
        /// Vary only this assumption (repeat for several; default all).
        #[arg(long = "assumption", value_name = "ID")]
        only: Vec<String>,
        /// Add an assumption to vary, for a scenario that marks none (or
        /// one more): PATH=LOW:HIGH, PATH a field as for --set (repeat for
        /// several; its id is the path with `_` for `.`, `[` and `]`).
        #[arg(long = "assume", value_name = "PATH=LOW:HIGH")]
        assume: Vec<String>,
        #[command(flatten)]
        common: Common,
    },
    /// Check a scenario and print a summary of its network.
    Validate {
        /// Scenario file, or `builtin`.
        scenario: String,
        /// Check and summarise this variant (as `run --variant` applies it).
        #[arg(long)]
        variant: Option<String>,
        /// Override a field before checking, as for `run` (repeatable).
        #[arg(long = "set", value_name = "PATH=VALUE")]
        sets: Vec<String>,
    },
    /// List the metrics a scenario reports (with any variant's).
    Metrics {
        /// Scenario file, or `builtin`.
        scenario: String,
    },
    /// Write the built-in scenario as TOML (to standard output without
    /// --out).
    ExportBuiltin {
        /// File to write; an existing file is kept unless --force.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Merge the partial results of shards into the result of one run.
    Merge {
        /// The shards' output folders (or their `partial.json` files).
        #[arg(required = true)]
        parts: Vec<PathBuf>,
        /// Output folder.
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

/// A whole number from `lo` to `hi`, or a message that says so.
fn whole(s: &str, lo: u64, hi: u64) -> Result<u64, String> {
    s.trim()
        .parse::<u64>()
        .ok()
        .filter(|n| (lo..=hi).contains(n))
        .ok_or_else(|| format!("expected a whole number from {lo} to {hi}"))
}

fn replications(s: &str) -> Result<u64, String> {
    whole(s, 1, silkrail::montecarlo::MAX_REPLICATIONS)
}

fn seed(s: &str) -> Result<u64, String> {
    whole(s, 0, u64::MAX)
}

fn threads(s: &str) -> Result<usize, String> {
    whole(s, 1, silkrail::montecarlo::MAX_THREADS as u64).map(|n| n as usize)
}

fn positive(s: &str) -> Result<f64, String> {
    s.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| *x > 0.0 && x.is_finite())
        .ok_or_else(|| "expected a positive number".to_string())
}

fn finite(s: &str) -> Result<f64, String> {
    s.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| "expected a finite number".to_string())
}

fn use_share(s: &str) -> Result<f64, String> {
    s.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| *x > 0.0 && *x <= 5.0)
        .ok_or_else(|| {
            "expected a share of the capacity above 0 and at most 5, e.g. 0.95 for 95 % (a line's paths may be loaded beyond 1)".to_string()
        })
}

fn level(s: &str) -> Result<f64, String> {
    s.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| *x > 0.0 && *x < 1.0)
        .ok_or_else(|| "expected a number between 0 and 1, e.g. 0.95".to_string())
}

#[derive(Args, Clone)]
struct Common {
    /// Replications per variant (default: the scenario's).
    #[arg(long, allow_negative_numbers = true, value_parser = replications)]
    replications: Option<u64>,
    /// Master seed (default: the scenario's).
    #[arg(long, allow_negative_numbers = true, value_parser = seed)]
    seed: Option<u64>,
    /// Worker threads (default: one per core).
    #[arg(long, allow_negative_numbers = true, value_parser = threads)]
    threads: Option<usize>,
    /// Demand multiplier on top of the scenario's.
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true, value_parser = positive)]
    demand: f64,
    /// Confidence level of the intervals.
    #[arg(long, default_value_t = 0.95, allow_negative_numbers = true, value_parser = level)]
    level: f64,
    /// Output folder.
    #[arg(long, default_value = "silkrail-out")]
    out: PathBuf,
    /// What to print on standard output.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Run only shard I of N (0-based, a contiguous block of replications)
    /// and write a partial result for `silkrail merge`; `auto` (or `auto/N`)
    /// takes the shard from an array job's environment (Slurm, Kubernetes,
    /// AWS Batch, PBS, Grid Engine, LSF).
    #[arg(long, value_name = "I/N")]
    shard: Option<String>,
    /// Do not write SVG charts.
    #[arg(long)]
    no_charts: bool,
    /// Set a scenario field, validated like the file: PATH=VALUE, e.g.
    /// `ports.alashankou_dostyk.westbound.tracks=8` or
    /// `variants.baktu.ports.baktu_bakhty.westbound.handover_cap_trains_per_day=12`
    /// (repeat for several).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    sets: Vec<String>,
    /// Write every train's events in replication 0 of each variant to
    /// trace.csv (as `--set experiment.trace=true`).
    #[arg(long)]
    trace: bool,
}

impl Common {
    /// The overrides: `--set`, and `--trace` as one more.
    fn overrides(&self) -> Vec<String> {
        let mut sets = self.sets.clone();
        if self.trace {
            sets.push("experiment.trace=true".into());
        }
        sets
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// A table for people.
    Table,
    /// summary.json.
    Json,
    /// replications.csv.
    Csv,
    /// Markdown tables, for pasting.
    Markdown,
}

/// A failure with its exit status: 2 for bad input, 1 otherwise.
struct Failure(u8, String);

fn bad_input(e: impl std::fmt::Display) -> Failure {
    Failure(2, e.to_string())
}

impl From<FolderError> for Failure {
    fn from(e: FolderError) -> Self {
        use silkrail::montecarlo::RunError;
        let code = match &e {
            FolderError::Study(
                StudyError::Scenario(_)
                | StudyError::Merge(_)
                | StudyError::Part { .. }
                | StudyError::StoppingRuleWithShards
                | StudyError::NoVariants
                | StudyError::Sweep(_)
                | StudyError::Assumption { .. }
                | StudyError::Run(
                    RunError::UnknownMetric { .. }
                    | RunError::TooManyThreads { .. }
                    | RunError::TooManyReplications { .. },
                ),
            ) => 2,
            FolderError::Output(silkrail::report::OutputError::Refused { .. }) => 2,
            _ => 1,
        };
        Failure(code, e.to_string())
    }
}

fn load(scenario: &str) -> Result<Scenario, Failure> {
    if scenario == "builtin" {
        return Ok(Scenario::builtin());
    }
    Scenario::load(Path::new(scenario)).map_err(bad_input)
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

/// The library's options from the common flags (whose ranges clap has
/// checked).
fn options(c: &Common) -> Result<StudyOptions, Failure> {
    let shard = match c.shard.as_deref().map(str::trim) {
        None => None,
        Some(s) if s == "auto" || s.starts_with("auto/") => {
            let count = match s.strip_prefix("auto/") {
                None => None,
                Some(n) => Some(n.parse::<u64>().map_err(|_| {
                    bad_input(format!(
                        "--shard {s}: expected auto/N with N a whole number of shards"
                    ))
                })?),
            };
            let (shard, from) = Shard::from_env(|name| std::env::var(name).ok(), count)
                .map_err(|e| bad_input(format!("--shard: {e}")))?;
            eprintln!(
                "note: shard {shard} (from {}, {})",
                from.variable, from.scheduler
            );
            Some(shard)
        }
        Some(s) => Some(
            s.parse::<Shard>()
                .map_err(|e| bad_input(format!("--shard: {e}")))?,
        ),
    };
    Ok(StudyOptions {
        replications: c.replications,
        seed: c.seed,
        threads: c.threads,
        level: c.level,
        demand_multiplier: c.demand,
        shard,
        base_variant: None,
    })
}

fn study_failure(e: StudyError) -> Failure {
    Failure::from(FolderError::Study(e))
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

fn execute(plan: &StudyPlan, c: &Common) -> Result<(), Failure> {
    let progress = progress::Progress::new(plan.work());
    let written = run_into_folder(plan, &c.out, !c.no_charts, Some(progress.callback()));
    progress.finish();
    let written = written?;
    if let Some(shard) = plan.shard {
        let partial = written.dir.join("partial.json");
        // A sweep's or a sensitivity study's replications are its own.
        let total = match (&plan.sweep, &plan.sensitivity) {
            (Some(s), _) => s.replications,
            (None, Some(s)) => s.replications,
            (None, None) => plan.replications,
        };
        let range = shard.range(total);
        return match c.format {
            Format::Json => emit(
                &(serde_json::json!({
                    "shard": shard.to_string(),
                    "replications": [range.start, range.end],
                    "partial": partial.display().to_string(),
                })
                .to_string()
                    + "\n"),
            ),
            Format::Csv => emit(
                &std::fs::read_to_string(written.dir.join("replications.csv"))
                    .map_err(|e| Failure(1, format!("{}: {e}", written.dir.display())))?,
            ),
            Format::Table | Format::Markdown => emit(&format!(
                "shard {shard} (replications {}..{}) done: {}\n{}\nmerge the shards with `silkrail merge`\n",
                range.start,
                range.end,
                partial.display(),
                written.events_line()
            )),
        };
    }
    print_result(&written, c.format)
}

fn print_result(w: &Written, format: Format) -> Result<(), Failure> {
    let text = match format {
        Format::Table => format!(
            "{}\nwrote {} files to {}\n{}\n",
            study_text(&w.study),
            w.files.len(),
            w.dir.display(),
            w.events_line()
        ),
        Format::Json => summary_json(&w.study) + "\n",
        Format::Csv => std::fs::read_to_string(w.dir.join("replications.csv"))
            .map_err(|e| Failure(1, format!("{}: {e}", w.dir.display())))?,
        Format::Markdown => study_markdown(&w.study),
    };
    emit(&text)
}

fn validate(scenario: &str, variant: Option<&str>, sets: &[String]) -> Result<(), Failure> {
    use std::fmt::Write;
    let s = load(scenario)?.with_overrides(sets).map_err(bad_input)?;
    if let Some(name) = variant {
        // One variant, as `run --variant` would apply it.
        let v = s.with_variant(name).map_err(bad_input)?;
        let mut text = network_summary(&v);
        let _ = writeln!(text, "{}: variant '{name}' valid", s.source);
        return emit(&text);
    }
    let mut text = network_summary(&s);
    for name in s.variant_names() {
        let v = s.with_variant(name).map_err(bad_input)?;
        let net = &v.network;
        let _ = writeln!(
            text,
            "variant '{name}': valid ({} places, {} ports, {} sections, {} flows)",
            net.places().len(),
            net.ports().len(),
            net.sections().len(),
            net.flows().len()
        );
    }
    let _ = writeln!(text, "{}: valid", s.source);
    emit(&text)
}

fn metrics(scenario: &str) -> Result<(), Failure> {
    let s = load(scenario)?;
    // Each variant's keys over its own warm-up and horizon: those of every
    // calendar year its runs cover too (`group.cn_kz.2030.delay_mean_hours`).
    let over =
        |s: &Scenario| metric_keys_over(&s.network, s.experiment.warmup, s.experiment.horizon);
    let mut keys: Vec<MetricKey> = over(&s);
    let mut seen: std::collections::HashSet<String> = keys.iter().map(|k| k.to_string()).collect();
    for name in s.variant_names() {
        let v = s.with_variant(name).map_err(bad_input)?;
        for k in over(&v) {
            if seen.insert(k.to_string()) {
                keys.push(k);
            }
        }
    }
    let mut text = String::new();
    for k in keys {
        text.push_str(&format!("{k}\t[{}]\n", k.unit().symbol()));
    }
    emit(&text)
}

/// What `silkrail sweep` was asked for.
struct SweepArgs {
    base_variant: Option<String>,
    variants: Vec<String>,
    multipliers: Option<String>,
    params: Vec<String>,
    metric: Option<String>,
    threshold: Option<f64>,
    resource_threshold: f64,
}

fn sweep(scenario: &str, a: SweepArgs, common: &Common) -> Result<(), Failure> {
    let base = load(scenario)?
        .with_overrides(&common.overrides())
        .map_err(bad_input)?;
    note_duplicates("variant", &a.variants);
    let parameters = a
        .params
        .iter()
        .map(|p| {
            let (path, grid) = p
                .split_once('=')
                .ok_or_else(|| bad_input(format!("--param {p}: expected PATH=GRID")))?;
            let values = parse_grid(grid.trim())
                .map_err(|e| bad_input(format!("--param {}: {e}", path.trim())))?;
            Ok((path.trim().to_string(), values))
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    let sweep = SweepOptions {
        parameters,
        multipliers: a
            .multipliers
            .as_deref()
            .map(parse_multipliers)
            .transpose()?,
        metric: a.metric,
        threshold: a.threshold,
        resource_threshold: Some(a.resource_threshold),
        replications: common.replications,
    };
    let options = StudyOptions {
        base_variant: a.base_variant,
        ..options(common)?
    };
    let plan = StudyPlan::sweep(&base, &a.variants, &sweep, &options).map_err(study_failure)?;
    if let Some(s) = &plan.sweep {
        for name in s.inert_variants(&plan.variants) {
            eprintln!(
                "note: the swept parameters change nothing in '{name}': its curve is flat (the field belongs to another variant, or '{name}' sets it itself and only `variants.{name}.…` reaches it)"
            );
        }
    }
    execute(&plan, common)
}

/// Writes the built-in scenario to `path`, never over an existing file
/// unless `force`; the file appears whole or not at all.
fn export(path: &Path, force: bool) -> Result<(), Failure> {
    if path.exists() && !force {
        return Err(bad_input(format!(
            "{}: exists; give --force to replace it",
            path.display()
        )));
    }
    if path.is_dir() {
        return Err(bad_input(format!(
            "{}: is a folder; --out names the file to write",
            path.display()
        )));
    }
    let name = path
        .file_name()
        .ok_or_else(|| bad_input(format!("{}: expected a file name", path.display())))?;
    let tmp = path.with_file_name(format!(".{}.silkrail-tmp", name.to_string_lossy()));
    std::fs::write(&tmp, BUILTIN_TOML)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Failure(1, format!("{}: cannot write: {e}", path.display()))
        })
}

/// The `--set`s that declare the assumption `PATH=LOW:HIGH` of
/// `--assume`.
fn assumption_sets(text: &str) -> Result<Vec<String>, Failure> {
    let bad = || {
        bad_input(format!(
            "--assume {text}: expected PATH=LOW:HIGH with LOW < HIGH, e.g. ports.ID.westbound.tracks=2:6"
        ))
    };
    let (path, range) = text.split_once('=').ok_or_else(bad)?;
    let (path, range) = (path.trim(), range.trim());
    let (low, high) = range.split_once(':').ok_or_else(bad)?;
    let number = |s: &str| s.trim().parse::<f64>().ok().filter(|x| x.is_finite());
    let (Some(low), Some(high)) = (number(low), number(high)) else {
        let which = if number(low).is_none() { low } else { high };
        return Err(bad_input(format!(
            "--assume {text}: '{}' is not a number; expected PATH=LOW:HIGH",
            which.trim()
        )));
    };
    if path.is_empty() || !(low < high) {
        return Err(bad());
    }
    let mut id: String = path
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                c
            } else {
                '_'
            }
        })
        .collect();
    while id.contains("__") {
        id = id.replace("__", "_");
    }
    // The last 64 characters (all ASCII), which name the field.
    let id = id.trim_matches('_');
    let id = id[id.len().saturating_sub(64)..].trim_start_matches('_');
    Ok(vec![
        format!("assumptions.{id}.paths=[\"{}\"]", path.replace('"', "")),
        format!("assumptions.{id}.low={low}"),
        format!("assumptions.{id}.high={high}"),
        format!("assumptions.{id}.description=\"{path}, set with --assume\""),
    ])
}

/// Notes a variant named more than once (it runs once).
fn note_duplicates(what: &str, names: &[String]) {
    for (i, n) in names.iter().enumerate() {
        if names[..i].contains(n) && !names[i + 1..].contains(n) {
            eprintln!("note: {what} '{n}' is given more than once; it runs once");
        }
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Run {
            scenario,
            variant,
            common,
        } => {
            let base = load(&scenario)?
                .with_overrides(&common.overrides())
                .map_err(bad_input)?;
            let mut plan = match &variant {
                Some(v) => {
                    let s = base.with_variant(v).map_err(bad_input)?;
                    let mut plan = StudyPlan::comparison(&s, &[], &options(&common)?)
                        .map_err(study_failure)?;
                    plan.variants[0].0.clone_from(v);
                    plan
                }
                None => {
                    StudyPlan::comparison(&base, &[], &options(&common)?).map_err(study_failure)?
                }
            };
            plan.variants.truncate(1);
            execute(&plan, &common)
        }
        Command::Compare {
            scenario,
            variants,
            base: base_variant,
            common,
        } => {
            let base = load(&scenario)?
                .with_overrides(&common.overrides())
                .map_err(bad_input)?;
            note_duplicates("variant", &variants);
            let options = StudyOptions {
                base_variant,
                ..options(&common)?
            };
            let plan = StudyPlan::comparison(&base, &variants, &options).map_err(study_failure)?;
            execute(&plan, &common)
        }
        Command::Sweep {
            scenario,
            variants,
            base: base_variant,
            multipliers,
            params,
            metric,
            threshold,
            resource_threshold,
            common,
        } => sweep(
            &scenario,
            SweepArgs {
                base_variant,
                variants,
                multipliers,
                params,
                metric,
                threshold,
                resource_threshold,
            },
            &common,
        ),
        Command::Sensitivity {
            scenario,
            variant,
            base: base_variant,
            metric,
            only,
            assume,
            common,
        } => {
            let mut sets = common.overrides();
            for (i, a) in assume.iter().enumerate() {
                let path = a.split_once('=').map_or(a.as_str(), |(p, _)| p).trim();
                if assume[..i]
                    .iter()
                    .any(|b| b.split_once('=').map(|(p, _)| p.trim()) == Some(path))
                {
                    return Err(bad_input(format!("--assume {path}: given twice")));
                }
                sets.extend(assumption_sets(a)?);
            }
            note_duplicates("assumption", &only);
            let base = load(&scenario)?.with_overrides(&sets).map_err(bad_input)?;
            let options = StudyOptions {
                base_variant,
                ..options(&common)?
            };
            let plan = StudyPlan::sensitivity(
                &base,
                variant.as_deref(),
                metric.as_deref(),
                &only,
                &options,
            )
            .map_err(study_failure)?;
            execute(&plan, &common)
        }
        Command::Validate {
            scenario,
            variant,
            sets,
        } => validate(&scenario, variant.as_deref(), &sets),
        Command::Metrics { scenario } => metrics(&scenario),
        Command::ExportBuiltin { out, force } => match out {
            None => emit(BUILTIN_TOML),
            Some(path) => export(&path, force),
        },
        Command::Merge {
            parts,
            out,
            format,
            no_charts,
        } => {
            let written = merge_into_folder(&parts, &out, !no_charts)?;
            print_result(&written, format)
        }
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
