//! What each calendar year of a run saw, for runs whose network has a
//! start year.

use serde::{Deserialize, Serialize};

use super::network::Network;
use crate::stats::OnlineStats;
use crate::time::{SimDuration, SimTime};

/// What one calendar year of the measured span saw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct YearStats {
    /// The calendar year.
    pub year: u32,
    /// The measured part of the year: from here…
    pub start: SimTime,
    /// …to here.
    pub end: SimTime,
    /// Per port, per direction (by [`Direction::index`](super::Direction::index)).
    pub sides: Vec<[YearSide; 2]>,
    /// Per section, trains that entered it in each orientation.
    #[serde(default)]
    pub sections: Vec<[u64; 2]>,
}

/// One port side in one year.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct YearSide {
    /// Trains handed over at the border.
    pub handed_over: u64,
    /// The handover slots the cap in force offered in the year
    /// \[trains\] (the cap a day summed over the year's measured days).
    #[serde(default)]
    pub cap_slots: f64,
    /// Formations that left the facility.
    pub departed: u64,
    /// Each departing formation's waiting at the port \[h\].
    pub delay_hours: OnlineStats,
}

impl YearStats {
    /// Measured days of the year.
    pub fn days(&self) -> f64 {
        self.end
            .since(self.start)
            .unwrap_or(SimDuration::ZERO)
            .as_days_f64()
    }
}

/// The calendar years the span from `start` to `end` covers, each with its
/// measured part, for a run whose day 0 is 1 January of `start_year`.
pub fn years_of(
    start_year: u32,
    start: SimTime,
    end: SimTime,
    ports: usize,
    sections: usize,
) -> Vec<YearStats> {
    let mut out = Vec::new();
    let mut k: u64 = 0;
    loop {
        let (from, to) = (
            SimTime::ZERO + SimDuration::from_days(365 * k),
            SimTime::ZERO + SimDuration::from_days(365 * (k + 1)),
        );
        if from >= end {
            return out;
        }
        if to > start {
            out.push(YearStats {
                year: start_year + k as u32,
                start: from.max(start),
                end: to.min(end),
                sides: vec![Default::default(); ports],
                sections: vec![[0; 2]; sections],
            });
        }
        k += 1;
    }
}

impl Network {
    /// Whether the network's inputs stay the same over time, so that a run
    /// settles into a steady state: no seasonality, no growth, no port
    /// opening later, no planned closures, no dated changes or cuts, no
    /// random cuts with a seasonal profile. Only then does a warm-up check
    /// mean something.
    pub fn is_stationary(&self) -> bool {
        let flat = |w: &[f64; 12]| w.iter().all(|&x| x == w[0]);
        flat(&self.seasonality)
            && self
                .flows
                .iter()
                .all(|f| f.year_factors.iter().all(|&y| y == 1.0))
            && self.ports.iter().all(|p| {
                p.opens_day.is_none()
                    && p.scheduled_closures.is_empty()
                    && p.changes.is_empty()
                    && p.cuts.is_empty()
                    && p.random_cuts.iter().all(|c| flat(&c.monthly_weights))
            })
            && self.sections.iter().all(|s| {
                s.changes.is_empty()
                    && s.cuts.is_empty()
                    && s.random_cuts.iter().all(|c| flat(&c.monthly_weights))
            })
    }
}
