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
//! public kernel API exactly as a user would write their own.

use std::process::ExitCode;

use rand_distr::Exp;
use rayon::prelude::*;
use silkrail::queueing::{Station, erlang_c};
use silkrail::stats::OnlineStats;

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
    // One replication per index, collected in index order: the result does
    // not depend on the number of threads.
    let per_rep: Vec<(f64, f64, f64, u64)> = (0..args.replications)
        .into_par_iter()
        .map(|rep| {
            let station = Station::new(
                args.servers,
                arrivals,
                service,
                warmup,
                args.customers,
                args.seed,
                rep,
            );
            let mut sim = station.into_simulation();
            sim.run();
            let end = sim.now();
            let s = sim.model().stats();
            (
                s.wait_hours.mean().unwrap_or(0.0),
                s.queue_len.mean(end).unwrap_or(0.0),
                s.busy.mean(end).unwrap_or(0.0) / f64::from(args.servers),
                sim.events_handled(),
            )
        })
        .collect();

    let mut wq = OnlineStats::new();
    let mut lq = OnlineStats::new();
    let mut util = OnlineStats::new();
    let mut events = 0;
    for &(w, l, u, e) in &per_rep {
        wq.push(w);
        lq.push(l);
        util.push(u);
        events += e;
    }

    println!(
        "M/M/{} with λ = {}, μ = {} (ρ = {:.3}): {} replications × {} customers after a warm-up of {}, {} events",
        args.servers,
        args.lambda,
        args.mu,
        exact.utilisation,
        args.replications,
        args.customers,
        warmup,
        events
    );
    println!(
        "{:<14} {:>12} {:>26} {:>12}  verdict",
        "measure",
        "simulated",
        format!("{:.1} % interval", 100.0 * (1.0 - ALPHA)),
        "Erlang C"
    );
    let mut all_agree = true;
    for (name, sample, truth) in [
        ("Wq [h]", &wq, exact.wq),
        ("Lq", &lq, exact.lq),
        ("utilisation", &util, exact.utilisation),
    ] {
        let Some(ci) = sample.confidence_interval(1.0 - ALPHA) else {
            eprintln!("error: no interval for {name}");
            return ExitCode::FAILURE;
        };
        let agree = ci.contains(truth);
        all_agree &= agree;
        println!(
            "{:<14} {:>12.5} {:>26} {:>12.5}  {}",
            name,
            ci.mean,
            format!("[{:.5}, {:.5}]", ci.lower(), ci.upper()),
            truth,
            if agree { "agrees" } else { "DISAGREES" }
        );
    }
    println!("P(wait) by Erlang C: {:.5}", exact.p_wait);
    if all_agree {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
