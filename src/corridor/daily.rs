//! Congestion day by day: each port side's trains waiting for the
//! handover, held upstream and queued for a track (means over each day),
//! and its trains handed over each day, from time zero (warm-up included,
//! so that a warm-up check can see the transient).

use serde::{Deserialize, Serialize};

use crate::time::{SimTime, TICKS_PER_DAY};

/// The daily measures, in the order of [`DailySide::values`]: the metric
/// measure and what it counts.
pub const DAILY_MEASURES: [(&str, &str); 4] = [
    (
        "waiting_for_handover",
        "trains waiting at the border for the handover (siding and line), mean over the day",
    ),
    (
        "held_upstream",
        "trains held on the approach line for want of a siding place or refused at their origins, mean over the day",
    ),
    (
        "queued_for_track",
        "trains queued in the yard for a transshipment track, mean over the day",
    ),
    ("handed_over", "trains handed over during the day"),
];

/// The levels the integrator follows.
#[derive(Clone, Copy)]
enum Level {
    /// At the border: siding and line.
    Border = 0,
    /// Held on the approach line.
    Held = 1,
    /// Refused at origins by this side.
    Refused = 2,
    /// Queued for a track.
    Queue = 3,
}

/// One port side's day-by-day record (equal when the days are equal).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct DailySide {
    /// Per measure of [`DAILY_MEASURES`], one value a day from day 0.
    pub values: [Vec<f64>; 4],
    #[serde(skip)]
    state: Integrator,
}

impl PartialEq for DailySide {
    fn eq(&self, other: &Self) -> bool {
        self.values == other.values
    }
}

#[derive(Clone, Debug, Default)]
struct Integrator {
    level: [u64; 4],
    area: [u128; 4],
    last: u64,
    handed: u64,
}

impl DailySide {
    /// A record with room for `days` days, so that closing a day in the
    /// run allocates nothing.
    pub(crate) fn with_days(days: usize) -> Self {
        DailySide {
            values: std::array::from_fn(|_| Vec::with_capacity(days)),
            state: Integrator::default(),
        }
    }

    /// Brings the integrals to `now`, closing every day that ended.
    #[inline]
    fn advance(&mut self, now: SimTime) {
        let now = now.as_millis();
        if now == self.state.last {
            // Nothing to integrate, and no day can end (`last` is before
            // the next day's end).
            return;
        }
        if now >= (self.values[0].len() as u64 + 1) * TICKS_PER_DAY {
            self.close_days(now);
        }
        let st = &mut self.state;
        for (a, &l) in st.area.iter_mut().zip(&st.level) {
            *a += u128::from(l) * u128::from(now - st.last);
        }
        st.last = now;
    }

    /// Closes every day that ended by `now` \[ms\] (a few hundred calls a
    /// year, out of the way of the many that do not cross midnight).
    #[inline(never)]
    fn close_days(&mut self, now: u64) {
        loop {
            let day = self.values[0].len() as u64;
            let boundary = (day + 1) * TICKS_PER_DAY;
            if now < boundary {
                break;
            }
            let st = &mut self.state;
            for (a, &l) in st.area.iter_mut().zip(&st.level) {
                *a += u128::from(l) * u128::from(boundary - st.last);
            }
            let mean = |a: u128| a as f64 / TICKS_PER_DAY as f64;
            let [border, held, refused, queue] = st.area;
            self.values[0].push(mean(border));
            self.values[1].push(mean(held + refused));
            self.values[2].push(mean(queue));
            self.values[3].push(st.handed as f64);
            st.area = [0; 4];
            st.handed = 0;
            st.last = boundary;
        }
    }

    fn set(&mut self, level: Level, now: SimTime, value: u64) {
        self.advance(now);
        self.state.level[level as usize] = value;
    }

    /// The border's siding and line hold `siding` and `held` trains.
    pub(crate) fn border(&mut self, now: SimTime, siding: usize, held: usize) {
        self.set(Level::Border, now, (siding + held) as u64);
        self.state.level[Level::Held as usize] = held as u64;
    }

    /// `n` trains refused by this side wait at their origins.
    pub(crate) fn refused(&mut self, now: SimTime, n: usize) {
        self.set(Level::Refused, now, n as u64);
    }

    /// `n` trains are queued for a track.
    pub(crate) fn queue(&mut self, now: SimTime, n: usize) {
        self.set(Level::Queue, now, n as u64);
    }

    /// A train was handed over.
    pub(crate) fn handed_over(&mut self, now: SimTime) {
        self.advance(now);
        self.state.handed += 1;
    }

    /// Closes the days that ended by `end` (a day cut short is left out).
    pub(crate) fn finish(&mut self, end: SimTime) {
        self.advance(end);
    }
}

/// The days of a 365-day calendar year at which each month starts,
/// January first.
const MONTH_STARTS: [u32; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

/// The mean over each calendar month (365-day years from day 0, January
/// first) of a daily series; a month the series only partly covers is
/// averaged over the days it has.
pub fn monthly_means(daily: &[f64]) -> Vec<f64> {
    let mut out = Vec::new();
    let mut start = 0usize;
    while start < daily.len() {
        let day_of_year = (start % 365) as u32;
        let month = MONTH_STARTS
            .iter()
            .rposition(|&m| m <= day_of_year)
            .unwrap_or(0);
        let len = match MONTH_STARTS.get(month + 1) {
            Some(&next) => next - MONTH_STARTS[month],
            None => 365 - MONTH_STARTS[month],
        } as usize;
        let end = (start + len).min(daily.len());
        let days = &daily[start..end];
        out.push(days.iter().sum::<f64>() / days.len() as f64);
        start = end;
    }
    out
}

/// The first day of month `m` (from 0, 365-day years from day 0) and its
/// label: `2026-03` with `start_year` 2026, `month 3` without.
pub fn month_label(m: usize, start_year: Option<i32>) -> String {
    match start_year {
        Some(y) => format!("{}-{:02}", y + (m / 12) as i32, m % 12 + 1),
        None => format!("month {}", m + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::SimDuration;

    fn at(hours: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_hours(hours)
    }

    #[test]
    fn days_are_time_averages_and_counts() {
        let mut d = DailySide::default();
        // Two trains waiting from 06:00 to 18:00 on day 0, one in the
        // siding and one held on the line; one handed over at 18:00, the
        // other at 06:00 on day 1; then nothing until day 3.
        d.border(at(6), 1, 1);
        d.border(at(18), 1, 0);
        d.handed_over(at(18));
        d.border(at(30), 0, 0);
        d.handed_over(at(30));
        d.finish(at(72));
        assert_eq!(
            d.values[0],
            vec![(12.0 * 2.0 + 6.0) / 24.0, 6.0 / 24.0, 0.0]
        );
        assert_eq!(d.values[1], vec![0.5, 0.0, 0.0]);
        assert_eq!(d.values[3], vec![1.0, 1.0, 0.0]);
    }

    #[test]
    fn months_follow_the_calendar() {
        let daily: Vec<f64> = (0..365 + 40).map(|d| d as f64).collect();
        let m = monthly_means(&daily);
        assert_eq!(m.len(), 14);
        assert_eq!(m[0], 15.0); // days 0–30
        assert_eq!(m[1], (31..59).sum::<i32>() as f64 / 28.0);
        assert_eq!(m[13], (396..405).sum::<i32>() as f64 / 9.0); // a partial February
        assert_eq!(month_label(13, Some(2026)), "2027-02");
    }
}
