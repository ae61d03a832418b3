//! Runs one benchmark workload once and prints how many events it handled,
//! so that `scripts/perf_table.py` can count its instructions per event
//! under valgrind. The workloads are the benches' own (`benches/workloads`).
//!
//! ```text
//! cargo run --profile bench --example perf_probe -- <workload> [--setup-only]
//! cargo run --profile bench --example perf_probe -- --interleave <rounds> <workload>...
//! ```
//!
//! With `--setup-only` it builds the workload (loads the scenario, queues
//! the first events) and stops, so that the instructions of the setup can
//! be subtracted. `scripts/perf_table.py` builds it with `--profile bench`
//! (fat LTO, as the benches are built), so that it counts the code
//! criterion times; counts in the release profile differ by up to about a
//! tenth (the M/M/3 reference: 219 against 243).
//!
//! With `--interleave` it sets the workloads up, then times their runs in
//! turns within one process: each round runs every workload once (in
//! reverse order every other round, so that none always goes first) and
//! divides each one's time by the first workload's in the same round. It
//! prints, per workload, the median time and the median and quartiles of
//! those ratios: a slow spell of a shared machine then slows both sides of
//! a ratio, where two criterion benches measured one after the other each
//! meet their own. Its workloads: the M/M/3 ones and `ports-by-hand`, and
//! for two-thread scaling `replications-N-threads-T` (N replications of
//! one year of the reference corridor, `y2025`, through the runner on T
//! threads) and `by-hand-rayon-threads-T` (100 replications of the
//! hand-written three-port model at 60 trains a day, spread by rayon).
//!
//! Workloads: `mm3-kernel`, `mm3-station`, `mm3-reference`,
//! `hold-kernel-N`, `hold-reference-N` (N pending events: 16, 1000 or
//! 100000; 10⁶ events each), `ports-by-hand`, `ports-scenario` (24 trains a
//! day, one replication), `corridor-year` (the reference corridor, one
//! year after a 30-day warm-up), `corridor-five-years` (its 2026–2030,
//! as the main job runs it without Baktu).

use std::process::ExitCode;

#[path = "../benches/workloads/mod.rs"]
mod workloads;

use silkrail::corridor::{CorridorModel, RunSettings};
use silkrail::montecarlo::{MAX_REPLICATIONS, MAX_THREADS};
use silkrail::scenario::Scenario;
use silkrail::time::SimDuration;
use workloads::{hold, mmc, ports, threads};

const HOLD_STEPS: u64 = 1_000_000;

/// The workloads that build nothing worth subtracting.
fn simple(name: &str) -> Option<fn() -> u64> {
    match name {
        "mm3-kernel" => Some(|| mmc::kernel().0),
        "mm3-reference" => Some(|| mmc::reference().0),
        "mm3-station" => Some(mmc::station),
        "ports-by-hand" => Some(|| ports::by_hand(24.0, 0).0),
        _ => None,
    }
}

/// The median of `v` (not empty), and its lower and upper quartiles
/// (the medians of the lower and upper halves).
fn median_quartiles(v: &mut [f64]) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    let median = |w: &[f64]| {
        let n = w.len();
        if n % 2 == 1 {
            w[n / 2]
        } else {
            (w[n / 2 - 1] + w[n / 2]) / 2.0
        }
    };
    let half = v.len() / 2;
    let upper = v.len() - half;
    (
        median(&v[..half.max(1)]),
        median(v),
        median(&v[upper.min(v.len() - 1)..]),
    )
}

/// A workload of `--interleave`, set up and ready to run.
type Prepared = Box<dyn FnMut() -> u64>;

/// The most rounds `--interleave` runs.
const MAX_ROUNDS: usize = 100_000;

/// Workload `name` of `--interleave`, its setup done here, outside the
/// timing; or why it cannot be.
fn prepare(name: &str) -> Result<Prepared, String> {
    const KNOWN: &str = "only mm3-kernel, mm3-reference, mm3-station, ports-by-hand, replications-N-threads-T and by-hand-rayon-threads-T";
    if let Some(f) = simple(name) {
        return Ok(Box::new(f));
    }
    let unknown = || format!("'{name}' cannot be interleaved ({KNOWN})");
    let threads_of = |t: &str| match t.parse::<usize>() {
        Ok(n) if (1..=MAX_THREADS).contains(&n) => Ok(n),
        _ => Err(format!(
            "'{name}': the threads T must be a whole number from 1 to {MAX_THREADS}"
        )),
    };
    if let Some(rest) = name.strip_prefix("replications-") {
        let (reps, t) = rest.split_once("-threads-").ok_or_else(unknown)?;
        let reps = match reps.parse::<u64>() {
            Ok(r) if (1..=MAX_REPLICATIONS).contains(&r) => r,
            _ => {
                return Err(format!(
                    "'{name}': the replications N must be a whole number from 1 to {MAX_REPLICATIONS}"
                ));
            }
        };
        let runner = threads::try_runner(threads_of(t)?)?;
        let model = threads::corridor();
        return Ok(Box::new(move || {
            threads::corridor_replications(&model, &runner, reps)
        }));
    }
    let t = name
        .strip_prefix("by-hand-rayon-threads-")
        .ok_or_else(unknown)?;
    let pool = threads::try_pool(threads_of(t)?)?;
    Ok(Box::new(move || threads::by_hand_rayon(&pool)))
}

/// Runs `names` in turns for `rounds` rounds and prints each one's median
/// time and its time relative to the first's, round by round.
fn interleave(rounds: usize, names: &[String]) -> Result<(), String> {
    let mut runs: Vec<Prepared> = names.iter().map(|n| prepare(n)).collect::<Result<_, _>>()?;
    let mut times = vec![Vec::new(); names.len()];
    for r in 0..rounds {
        let order: Vec<usize> = if r % 2 == 0 {
            (0..names.len()).collect()
        } else {
            (0..names.len()).rev().collect()
        };
        for i in order {
            let start = std::time::Instant::now();
            std::hint::black_box(runs[i]());
            times[i].push(start.elapsed().as_secs_f64());
        }
    }
    for (name, t) in names.iter().zip(&times) {
        let mut ratios: Vec<f64> = t.iter().zip(&times[0]).map(|(x, y)| x / y).collect();
        let (q1, med, q3) = median_quartiles(&mut ratios);
        let (_, time, _) = median_quartiles(&mut t.clone());
        println!(
            "{name} {:.3} ms ratio {med:.4} quartiles {q1:.4} {q3:.4}",
            time * 1e3
        );
    }
    Ok(())
}

/// Runs workload `name` (or only sets it up): the events it handled.
fn run(name: &str, setup_only: bool) -> Option<u64> {
    if let Some(n) = name.strip_prefix("hold-kernel-") {
        let mut sim = hold::kernel(n.parse().ok()?);
        return Some(if setup_only {
            0
        } else {
            sim.run_events(HOLD_STEPS).events
        });
    }
    if let Some(n) = name.strip_prefix("hold-reference-") {
        let mut h = hold::reference(n.parse().ok()?);
        return Some(if setup_only {
            0
        } else {
            h.run(HOLD_STEPS);
            HOLD_STEPS
        });
    }
    if let Some(f) = simple(name) {
        return Some(if setup_only { 0 } else { f() });
    }
    let scenario = match name {
        "ports-scenario" => ports::scenario(24.0),
        "corridor-year" | "corridor-five-years" => Scenario::builtin(),
        _ => return None,
    };
    if setup_only {
        return Some(0);
    }
    Some(match name {
        "ports-scenario" => ports::on_corridor(&scenario, 0).0,
        "corridor-five-years" => {
            let e = &scenario.experiment;
            let settings = RunSettings {
                seed: e.seed,
                replication: 0,
                warmup: e.warmup,
                horizon: e.horizon,
                delay_threshold: e.delay_threshold,
                trace: false,
            };
            CorridorModel::run(&scenario.network, settings).events
        }
        _ => {
            let settings = RunSettings {
                seed: 2026,
                replication: 0,
                warmup: SimDuration::from_days(30),
                horizon: SimDuration::from_days(365),
                delay_threshold: SimDuration::from_hours(48),
                trace: false,
            };
            CorridorModel::run(&scenario.network, settings).events
        }
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, rest @ ..] = args.as_slice()
        && flag == "--interleave"
    {
        let (rounds, names) = match rest {
            [rounds, names @ ..] => (rounds.parse::<usize>(), names),
            [] => ("".parse::<usize>(), rest),
        };
        let rounds = match rounds {
            Ok(r) if (1..=MAX_ROUNDS).contains(&r) && !names.is_empty() => r,
            _ => {
                eprintln!(
                    "usage: perf_probe --interleave <rounds, 1 to {MAX_ROUNDS}> <workload>..."
                );
                return ExitCode::from(2);
            }
        };
        return match interleave(rounds, names) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("perf_probe: {e}");
                ExitCode::from(2)
            }
        };
    }
    let (name, setup_only) = match args.as_slice() {
        [name] => (name, false),
        [name, flag] if flag == "--setup-only" => (name, true),
        _ => {
            eprintln!(
                "usage: perf_probe <workload> [--setup-only], or perf_probe --interleave <rounds> <workload>... (see the file's documentation)"
            );
            return ExitCode::from(2);
        }
    };
    match run(name, setup_only) {
        Some(events) => {
            println!("{name} {events}");
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("perf_probe: unknown workload '{name}' (see the file's documentation)");
            ExitCode::from(2)
        }
    }
}
