//! An M/M/c queue on the silkrail kernel, checked against Erlang C.
//!
//! ```text
//! cargo run --release --example mmc -- [--servers 3] [--lambda 2.4] [--mu 1.0]
//!     [--customers 200000] [--replications 20] [--seed 2026] [--quick]
//! ```
//!
//! Each replication starts empty, discards a warm-up of one tenth of its
//! customers (warm-up deletion), then measures the mean wait in queue (Wq),
//! the time-averaged queue length (Lq) and the server utilisation. The
//! replications are independent, so their means give Student-t confidence
//! intervals. The program exits with status 1 if an exact value lies outside
//! its interval at the significance level `ALPHA`.
//!
//! The model itself, [`silkrail::queueing::Station`], is written on the
//! public kernel API exactly as a user would write their own, and runs
//! through the generic experiment layer as
//! [`silkrail::queueing::StationExperiment`].

use std::process::ExitCode;

use std::io::Write;

use rand_distr::Exp;
use silkrail::montecarlo::{Arm, NoRows, Replicate, Runner};
use silkrail::queueing::{StationExperiment, erlang_c};

/// Significance level of the agreement check: a 99.9 % confidence interval.
const ALPHA: f64 = 0.001;

struct Args {
    servers: u32,
    lambda: f64,
    mu: f64,
    customers: u64,
    replications: u64,
    seed: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        servers: 3,
        lambda: 2.4,
        mu: 1.0,
        customers: 200_000,
        replications: 20,
        seed: 2026,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--help" || flag == "-h" {
            return Err(String::new());
        }
        if flag == "--quick" {
            a.customers = 20_000;
            a.replications = 10;
            continue;
        }
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let bad = |e: &dyn std::fmt::Display| format!("{flag} {value}: {e}");
        match flag.as_str() {
            "--servers" => a.servers = value.parse().map_err(|e| bad(&e))?,
            "--lambda" => a.lambda = value.parse().map_err(|e| bad(&e))?,
            "--mu" => a.mu = value.parse().map_err(|e| bad(&e))?,
            "--customers" => a.customers = value.parse().map_err(|e| bad(&e))?,
            "--replications" => a.replications = value.parse().map_err(|e| bad(&e))?,
            "--seed" => a.seed = value.parse().map_err(|e| bad(&e))?,
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    if a.replications < 2 {
        return Err(format!(
            "--replications {}: at least 2 are needed for an interval",
            a.replications
        ));
    }
    Ok(a)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("error: {msg}");
            }
            eprintln!(
                "usage: mmc [--servers C] [--lambda RATE] [--mu RATE] [--customers N] \
                 [--replications R] [--seed S] [--quick]"
            );
            return if msg.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            };
        }
    };
    let Some(exact) = erlang_c(args.servers, args.lambda, args.mu) else {
        eprintln!(
            "error: M/M/{} with λ = {} and μ = {} has no steady state (need positive rates and ρ < 1)",
            args.servers, args.lambda, args.mu
        );
        return ExitCode::from(2);
    };
    let (Ok(arrivals), Ok(service)) = (Exp::new(args.lambda), Exp::new(args.mu)) else {
        eprintln!("error: rates must be positive and finite");
        return ExitCode::from(2);
    };

    let warmup = args.customers / 10;
    // The station through the generic experiment layer: replications in
    // parallel, consumed in index order, so the result does not depend on
    // the number of threads.
    let model = StationExperiment::new(args.servers, arrivals, service, warmup, args.customers);
    let result = match Runner::new(args.seed, None).and_then(|r| {
        r.run(
            &[Arm::new("M/M/c", &model)],
            0..args.replications,
            &mut NoRows,
        )
    }) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let arm = &result.arms[0];
    let key = |m: &str| {
        model
            .metric_keys()
            .into_iter()
            .find(|k| k.measure() == m)
            .expect("the station reports it")
    };

    let mut text = format!(
        "M/M/{} with λ = {}, μ = {} (ρ = {:.3}): {} replications × {} customers after a warm-up of {}, {} events\n",
        args.servers,
        args.lambda,
        args.mu,
        exact.utilisation,
        args.replications,
        args.customers,
        warmup,
        arm.events
    );
    text.push_str(&format!(
        "{:<14} {:>12} {:>26} {:>12}  verdict\n",
        "measure",
        "simulated",
        format!("{:.1} % interval", 100.0 * (1.0 - ALPHA)),
        "Erlang C"
    ));
    let mut all_agree = true;
    for (name, measure, truth) in [
        ("Wq [h]", "wait_mean", exact.wq),
        ("Lq", "queue_mean", exact.lq),
        ("utilisation", "utilisation", exact.utilisation),
    ] {
        let Some(ci) = arm
            .moments(&key(measure))
            .and_then(|m| m.confidence_interval(1.0 - ALPHA))
        else {
            eprintln!("error: no interval for {name}");
            return ExitCode::FAILURE;
        };
        let agree = ci.contains(truth);
        all_agree &= agree;
        text.push_str(&format!(
            "{:<14} {:>12.5} {:>26} {:>12.5}  {}\n",
            name,
            ci.mean,
            format!("[{:.5}, {:.5}]", ci.lower(), ci.upper()),
            truth,
            if agree { "agrees" } else { "DISAGREES" }
        ));
    }
    text.push_str(&format!("P(wait) by Erlang C: {:.5}\n", exact.p_wait));
    // A closed pipe (`| head`) is not an error; a full disk is.
    if let Err(e) = std::io::stdout().lock().write_all(text.as_bytes())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("error: cannot write to standard output: {e}");
        return ExitCode::FAILURE;
    }
    if all_agree {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
