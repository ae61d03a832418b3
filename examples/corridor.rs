//! One replication of the built-in reference corridor, without and with the
//! Baktu–Bakhty crossing, with the per-port report.
//!
//! ```text
//! cargo run --release --example corridor -- [--seed 2026] [--days 365] [--quick]
//! ```

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use silkrail::corridor::{CorridorModel, RunSettings};
use silkrail::report::port_table;
use silkrail::scenario::Scenario;
use silkrail::time::SimDuration;

fn main() -> ExitCode {
    let mut seed = None;
    let mut days = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| -> Option<u64> {
            let v = args.next()?;
            v.parse()
                .map_err(|e| eprintln!("error: {name} {v}: {e}"))
                .ok()
        };
        match a.as_str() {
            "--seed" => match value("--seed") {
                Some(v) => seed = Some(v),
                None => return ExitCode::from(2),
            },
            "--days" => match value("--days").filter(|&d| d > 0) {
                Some(v) => days = Some(v),
                None => return ExitCode::from(2),
            },
            "--quick" => days = Some(60),
            "--help" | "-h" => {
                println!("usage: corridor [--seed S] [--days D] [--quick]");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("error: unknown argument {other}");
                return ExitCode::from(2);
            }
        }
    }
    let base = Scenario::builtin();
    // Baktu opens in 2028: a shorter run has it open from the start.
    let baktu = match base.with_variant(if days.is_some() { "baktu_now" } else { "baktu" }) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let e = &base.experiment;
    // Tables go to standard output; a closed pipe (`| head`) ends quietly.
    let mut out = std::io::stdout().lock();
    let settings = RunSettings {
        seed: seed.unwrap_or(e.seed),
        replication: 0,
        warmup: e.warmup,
        horizon: days.map_or(e.horizon, SimDuration::from_days),
        delay_threshold: e.delay_threshold,
        trace: false,
    };
    for scenario in [&base, &baktu] {
        let start = Instant::now();
        let report = CorridorModel::run(&scenario.network, settings);
        let secs = start.elapsed().as_secs_f64();
        let text = format!(
            "\n== {} ({}) — seed {}, replication 0\n{}{} events in {:.3} s ({:.1} M events/s)\n",
            scenario.spec.name,
            scenario.variant.as_deref().unwrap_or("base"),
            settings.seed,
            port_table(&report),
            report.events,
            secs,
            report.events as f64 / secs / 1e6
        );
        if let Err(e) = out.write_all(text.as_bytes()) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: cannot write to standard output: {e}");
            return ExitCode::FAILURE;
        }
        if !report.is_conserved() {
            eprintln!(
                "error: trains or containers were not conserved: {:?}",
                report.network
            );
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
