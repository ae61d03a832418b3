//! Runs one benchmark workload once and prints how many events it handled,
//! so that `scripts/perf_table.py` can count its instructions per event
//! under valgrind. The workloads are the benches' own (`benches/workloads`).
//!
//! ```text
//! cargo run --profile bench --example perf_probe -- <workload> [--setup-only]
//! ```
//!
//! With `--setup-only` it builds the workload (loads the scenario, queues
//! the first events) and stops, so that the instructions of the setup can
//! be subtracted. `scripts/perf_table.py` builds it with `--profile bench`
//! (fat LTO, as the benches are built), so that it counts the code
//! criterion times; counts in the release profile differ by up to about a
//! tenth (the M/M/3 reference: 219 against 243).
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
use silkrail::scenario::Scenario;
use silkrail::time::SimDuration;
use workloads::{hold, mmc, ports};

const HOLD_STEPS: u64 = 1_000_000;

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
    // These build nothing worth subtracting.
    let simple: Option<fn() -> u64> = match name {
        "mm3-kernel" => Some(|| mmc::kernel().0),
        "mm3-reference" => Some(|| mmc::reference().0),
        "mm3-station" => Some(mmc::station),
        "ports-by-hand" => Some(|| ports::by_hand(24.0, 0).0),
        _ => None,
    };
    if let Some(f) = simple {
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
    let (name, setup_only) = match args.as_slice() {
        [name] => (name, false),
        [name, flag] if flag == "--setup-only" => (name, true),
        _ => {
            eprintln!("usage: perf_probe <workload> [--setup-only] (see the file's documentation)");
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
