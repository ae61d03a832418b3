//! The performance anchors' three-port model: Poisson arrivals, join the
//! shortest queue over three border ports (queue = trains present, waiting
//! or on a track; ties to the lowest index) with 4, 3 and 2 tracks and a
//! log-normal gauge change (mean 6 h, sd 2 h), then a fixed 24 h run to an
//! EU border with 5 tracks and log-normal service (mean 4 h, sd 1.5 h);
//! 365 days starting empty. By hand over a `BinaryHeap` (4 events a
//! train), and as the scenario `examples/scenarios/three_ports.toml` on
//! the corridor model.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rand_distr::{Distribution, Exp, LogNormal};
use silkrail::corridor::{CorridorModel, RunSettings};
use silkrail::rng::{SimRng, stream_rng};
use silkrail::scenario::Scenario;
use silkrail::time::SimDuration;

use super::{SEED, ticks};

/// Days simulated.
pub const DAYS: u64 = 365;
const TRACKS: [u32; 3] = [4, 3, 2];
const EU_TRACKS: u32 = 5;
const TRANSIT_HOURS: u64 = 24;

/// The log-normal of mean `mean` and standard deviation `sd`.
fn lognormal(mean: f64, sd: f64) -> LogNormal<f64> {
    let s2 = (1.0 + (sd / mean).powi(2)).ln();
    LogNormal::new(mean.ln() - s2 / 2.0, s2.sqrt()).expect("valid parameters")
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Ev {
    Arrival,
    PortDone(u8),
    EuArrive,
    EuDone,
}

/// One replication by hand, `per_day` trains a day: (events, trains
/// delivered).
pub fn by_hand(per_day: f64, replication: u64) -> (u64, u64) {
    let mut rng: SimRng = stream_rng(SEED, replication, 0);
    let gap = Exp::new(per_day / 24.0).expect("valid rate");
    let change = lognormal(6.0, 2.0);
    let eu_service = lognormal(4.0, 1.5);
    let end = SimDuration::from_days(DAYS).as_millis();
    let transit = SimDuration::from_hours(TRANSIT_HOURS).as_millis();
    let mut heap: BinaryHeap<Reverse<(u64, u64, Ev)>> = BinaryHeap::with_capacity(1024);
    let mut seq = 0u64;
    let mut push = |heap: &mut BinaryHeap<_>, t: u64, e: Ev| {
        heap.push(Reverse((t, seq, e)));
        seq += 1;
    };
    // Trains present at each port (waiting or on a track), and waiting.
    let mut present = [0u32; 3];
    let mut eu_busy = 0u32;
    let mut eu_waiting = 0u32;
    let (mut events, mut delivered) = (0u64, 0u64);
    push(
        &mut heap,
        ticks(gap.sample(&mut rng)).as_millis(),
        Ev::Arrival,
    );
    while let Some(Reverse((now, _, ev))) = heap.pop() {
        if now > end {
            break;
        }
        events += 1;
        match ev {
            Ev::Arrival => {
                push(
                    &mut heap,
                    now + ticks(gap.sample(&mut rng)).as_millis(),
                    Ev::Arrival,
                );
                let p = (0..3)
                    .min_by_key(|&p| (present[p], p))
                    .expect("three ports");
                present[p] += 1;
                if present[p] <= TRACKS[p] {
                    let d = ticks(change.sample(&mut rng)).as_millis();
                    push(&mut heap, now + d, Ev::PortDone(p as u8));
                }
            }
            Ev::PortDone(p) => {
                let p = usize::from(p);
                present[p] -= 1;
                if present[p] >= TRACKS[p] {
                    let d = ticks(change.sample(&mut rng)).as_millis();
                    push(&mut heap, now + d, Ev::PortDone(p as u8));
                }
                push(&mut heap, now + transit, Ev::EuArrive);
            }
            Ev::EuArrive => {
                if eu_busy < EU_TRACKS {
                    eu_busy += 1;
                    let d = ticks(eu_service.sample(&mut rng)).as_millis();
                    push(&mut heap, now + d, Ev::EuDone);
                } else {
                    eu_waiting += 1;
                }
            }
            Ev::EuDone => {
                delivered += 1;
                if eu_waiting > 0 {
                    eu_waiting -= 1;
                    let d = ticks(eu_service.sample(&mut rng)).as_millis();
                    push(&mut heap, now + d, Ev::EuDone);
                } else {
                    eu_busy -= 1;
                }
            }
        }
    }
    (events, delivered)
}

/// The scenario, loaded from the examples, with demand scaled to
/// `per_day` trains a day.
pub fn scenario(per_day: f64) -> Scenario {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/scenarios/three_ports.toml"
    );
    let base = Scenario::load(std::path::Path::new(path)).expect("the bundled scenario is valid");
    base.with_demand_multiplier(per_day / 24.0)
        .expect("a positive multiplier is valid")
}

/// One replication of the scenario on the corridor model: (events, trains
/// delivered).
pub fn on_corridor(s: &Scenario, replication: u64) -> (u64, u64) {
    let report = CorridorModel::run(
        &s.network,
        RunSettings {
            seed: SEED,
            replication,
            warmup: SimDuration::ZERO,
            horizon: SimDuration::from_days(DAYS),
            delay_threshold: SimDuration::from_hours(48),
            trace: false,
        },
    );
    (report.events, report.network.delivered_trains)
}
