//! Simulated time: [`SimTime`] (an instant) and [`SimDuration`] (a span).
//!
//! Both count integer **ticks of one millisecond** in a `u64`. A tick of a
//! millisecond resolves a crane move or a signal aspect, far below anything
//! a border port cares about, while a `u64` of milliseconds still spans
//! about 584 million years, so overflow is not a practical concern.
//!
//! Integer time makes event ordering exact: two events either happen at the
//! same tick or they do not, and no epsilon is ever needed. Sampled service
//! and running times arrive as `f64` hours from distributions; they enter
//! through exactly one checked conversion, [`SimDuration::try_from_hours_f64`],
//! which rejects NaN, infinities, negatives and values too large to
//! represent, and **rounds to the nearest tick** (ties away from zero).
//!
//! Only meaningful arithmetic exists: `SimTime + SimDuration -> SimTime`,
//! `SimTime - SimTime -> SimDuration` (checked, since an instant minus a later
//! one has no span), `SimDuration + SimDuration -> SimDuration`. There is no
//! `SimTime + SimTime`.

use std::fmt;
use std::ops::{Add, AddAssign};

use serde::{Deserialize, Serialize};

/// Ticks per second: the resolution is one millisecond.
pub const TICKS_PER_SECOND: u64 = 1_000;
/// Ticks per hour.
pub const TICKS_PER_HOUR: u64 = 3_600 * TICKS_PER_SECOND;
/// Ticks per day.
pub const TICKS_PER_DAY: u64 = 24 * TICKS_PER_HOUR;

/// The largest number of hours [`SimDuration::try_from_hours_f64`] accepts,
/// about 114,000 years. Anything larger is a units mistake, not a duration.
pub const MAX_SAMPLED_HOURS: f64 = 1.0e9;

/// An instant of simulated time, counted in ticks from the start of the run.
///
/// # Examples
///
/// ```
/// use silkrail::time::{SimDuration, SimTime};
///
/// let t = SimTime::ZERO + SimDuration::from_hours(6);
/// assert_eq!(t.as_hours_f64(), 6.0);
/// assert_eq!(t.since(SimTime::ZERO), Some(SimDuration::from_hours(6)));
/// ```
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct SimTime(u64);

/// A span of simulated time, in ticks. Never negative.
///
/// # Examples
///
/// ```
/// use silkrail::time::SimDuration;
///
/// let crane = SimDuration::try_from_hours_f64(0.9)?;
/// assert_eq!(crane.as_millis(), 3_240_000);
/// assert!(SimDuration::try_from_hours_f64(f64::NAN).is_err());
/// # Ok::<(), silkrail::time::TimeError>(())
/// ```
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct SimDuration(u64);

/// Why a sampled number could not become a [`SimDuration`].
#[derive(Clone, Copy, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TimeError {
    /// The value was NaN or infinite.
    #[error("duration of {hours} h is not a finite number")]
    NotFinite {
        /// The rejected value \[h\].
        hours: f64,
    },
    /// The value was negative.
    #[error("duration of {hours} h is negative")]
    Negative {
        /// The rejected value \[h\].
        hours: f64,
    },
    /// The value exceeds [`MAX_SAMPLED_HOURS`].
    #[error("duration of {hours} h exceeds the largest accepted span of {MAX_SAMPLED_HOURS} h")]
    TooLarge {
        /// The rejected value \[h\].
        hours: f64,
    },
}

impl SimTime {
    /// The start of every run.
    pub const ZERO: SimTime = SimTime(0);
    /// The latest representable instant.
    pub const MAX: SimTime = SimTime(u64::MAX);

    /// An instant `ticks` milliseconds after the start.
    pub const fn from_millis(ticks: u64) -> SimTime {
        SimTime(ticks)
    }

    /// An instant a whole number of hours after the start.
    ///
    /// # Panics
    ///
    /// If `hours` overflows the tick counter (more than about 5 × 10^12 h).
    pub const fn from_hours(hours: u64) -> SimTime {
        SimTime(SimDuration::from_hours(hours).0)
    }

    /// An instant a whole number of days after the start.
    ///
    /// # Panics
    ///
    /// If `days` overflows the tick counter.
    pub const fn from_days(days: u64) -> SimTime {
        SimTime(SimDuration::from_days(days).0)
    }

    /// Ticks (milliseconds) since the start.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// Hours since the start, for reports.
    pub fn as_hours_f64(self) -> f64 {
        self.0 as f64 / TICKS_PER_HOUR as f64
    }

    /// Days since the start, for reports.
    pub fn as_days_f64(self) -> f64 {
        self.0 as f64 / TICKS_PER_DAY as f64
    }

    /// Whole days elapsed since the start (the calendar day index, from 0).
    pub const fn day_index(self) -> u64 {
        self.0 / TICKS_PER_DAY
    }

    /// The span from `earlier` to `self`, or `None` if `earlier` is later.
    pub fn since(self, earlier: SimTime) -> Option<SimDuration> {
        self.0.checked_sub(earlier.0).map(SimDuration)
    }

    /// `self + span`, or `None` on overflow.
    pub fn checked_add(self, span: SimDuration) -> Option<SimTime> {
        self.0.checked_add(span.0).map(SimTime)
    }
}

impl SimDuration {
    /// The empty span.
    pub const ZERO: SimDuration = SimDuration(0);

    /// A span of `ticks` milliseconds.
    pub const fn from_millis(ticks: u64) -> SimDuration {
        SimDuration(ticks)
    }

    /// A span of whole seconds.
    ///
    /// # Panics
    ///
    /// On overflow of the tick counter.
    pub const fn from_secs(secs: u64) -> SimDuration {
        match secs.checked_mul(TICKS_PER_SECOND) {
            Some(t) => SimDuration(t),
            None => panic!("SimDuration::from_secs overflows u64 milliseconds"),
        }
    }

    /// A span of whole hours.
    ///
    /// # Panics
    ///
    /// On overflow of the tick counter.
    pub const fn from_hours(hours: u64) -> SimDuration {
        match hours.checked_mul(TICKS_PER_HOUR) {
            Some(t) => SimDuration(t),
            None => panic!("SimDuration::from_hours overflows u64 milliseconds"),
        }
    }

    /// A span of whole days.
    ///
    /// # Panics
    ///
    /// On overflow of the tick counter.
    pub const fn from_days(days: u64) -> SimDuration {
        match days.checked_mul(TICKS_PER_DAY) {
            Some(t) => SimDuration(t),
            None => panic!("SimDuration::from_days overflows u64 milliseconds"),
        }
    }

    /// The one checked conversion from a sampled number of hours.
    ///
    /// Rounds to the nearest millisecond, ties away from zero.
    ///
    /// # Errors
    ///
    /// [`TimeError::NotFinite`] for NaN or ±∞, [`TimeError::Negative`] for a
    /// value below zero (`-0.0` is accepted as zero), [`TimeError::TooLarge`]
    /// above [`MAX_SAMPLED_HOURS`].
    #[inline]
    pub fn try_from_hours_f64(hours: f64) -> Result<SimDuration, TimeError> {
        if !hours.is_finite() {
            return Err(TimeError::NotFinite { hours });
        }
        if hours < 0.0 {
            return Err(TimeError::Negative { hours });
        }
        if hours > MAX_SAMPLED_HOURS {
            return Err(TimeError::TooLarge { hours });
        }
        // In range [0, 3.6e15] ticks, below 2^53: the truncation, its
        // conversion back and the fraction are all exact, so this rounds
        // half away from zero exactly as `f64::round`, without its call
        // out of line (a few instructions for every sampled duration). The
        // conversions go through `i64`, which the range fits: on x86-64 a
        // signed conversion is a single instruction, where an unsigned one
        // needs a fix-up for values above `i64::MAX` (12 fewer
        // instructions an event on M/M/3, counted).
        let x = hours * TICKS_PER_HOUR as f64;
        let whole = x as i64;
        let ticks = whole + i64::from(x - whole as f64 >= 0.5);
        debug_assert!((0..=(MAX_SAMPLED_HOURS * TICKS_PER_HOUR as f64) as i64).contains(&ticks));
        Ok(SimDuration(ticks as u64))
    }

    /// Ticks (milliseconds) in the span.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// The span in hours, for reports.
    pub fn as_hours_f64(self) -> f64 {
        self.0 as f64 / TICKS_PER_HOUR as f64
    }

    /// The span in days, for reports.
    pub fn as_days_f64(self) -> f64 {
        self.0 as f64 / TICKS_PER_DAY as f64
    }

    /// `self + other`, or `None` on overflow.
    pub fn checked_add(self, other: SimDuration) -> Option<SimDuration> {
        self.0.checked_add(other.0).map(SimDuration)
    }

    /// `self - other`, or zero if `other` is longer.
    pub fn saturating_sub(self, other: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_sub(other.0))
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;

    /// # Panics
    ///
    /// On overflow of the tick counter, some 584 million years after the
    /// start: a broken model, not a user input.
    #[inline]
    fn add(self, span: SimDuration) -> SimTime {
        SimTime(
            self.0
                .checked_add(span.0)
                .expect("simulated time overflowed u64 milliseconds"),
        )
    }
}

impl AddAssign<SimDuration> for SimTime {
    #[inline]
    fn add_assign(&mut self, span: SimDuration) {
        *self = *self + span;
    }
}

impl Add for SimDuration {
    type Output = SimDuration;

    /// # Panics
    ///
    /// On overflow of the tick counter.
    #[inline]
    fn add(self, other: SimDuration) -> SimDuration {
        SimDuration(
            self.0
                .checked_add(other.0)
                .expect("simulated duration overflowed u64 milliseconds"),
        )
    }
}

impl AddAssign for SimDuration {
    #[inline]
    fn add_assign(&mut self, other: SimDuration) {
        *self = *self + other;
    }
}

impl fmt::Display for SimTime {
    /// `d12 06:30:00.000`: the day index and the time of day.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let day = self.0 / TICKS_PER_DAY;
        let rest = self.0 % TICKS_PER_DAY;
        let h = rest / TICKS_PER_HOUR;
        let m = rest % TICKS_PER_HOUR / 60_000;
        let s = rest % 60_000 / 1_000;
        let ms = rest % 1_000;
        write!(f, "d{day} {h:02}:{m:02}:{s:02}.{ms:03}")
    }
}

impl fmt::Display for SimDuration {
    /// The span in hours with three decimals, e.g. `6.250 h`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.3} h", self.as_hours_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversion_rejects_bad_values() {
        assert!(matches!(
            SimDuration::try_from_hours_f64(f64::NAN),
            Err(TimeError::NotFinite { .. })
        ));
        assert!(matches!(
            SimDuration::try_from_hours_f64(f64::INFINITY),
            Err(TimeError::NotFinite { .. })
        ));
        assert!(matches!(
            SimDuration::try_from_hours_f64(-1e-9),
            Err(TimeError::Negative { .. })
        ));
        assert!(matches!(
            SimDuration::try_from_hours_f64(2e9),
            Err(TimeError::TooLarge { .. })
        ));
        assert_eq!(SimDuration::try_from_hours_f64(-0.0), Ok(SimDuration::ZERO));
    }

    #[test]
    fn conversion_rounds_to_nearest_tick() {
        // 0.4 ms and 0.6 ms, in hours.
        let tick_h = 1.0 / TICKS_PER_HOUR as f64;
        assert_eq!(SimDuration::try_from_hours_f64(0.4 * tick_h).unwrap().0, 0);
        assert_eq!(SimDuration::try_from_hours_f64(0.6 * tick_h).unwrap().0, 1);
        assert_eq!(
            SimDuration::try_from_hours_f64(1.5).unwrap(),
            SimDuration::from_millis(5_400_000)
        );
    }

    #[test]
    fn conversion_rounds_as_f64_round() {
        // The inline rounding must give the ticks `f64::round` gives, halves
        // and the float just below a half included, over the whole range.
        let ticks = |x: f64| {
            SimDuration::try_from_hours_f64(x / TICKS_PER_HOUR as f64)
                .unwrap()
                .0
        };
        let reference =
            |x: f64| ((x / TICKS_PER_HOUR as f64) * TICKS_PER_HOUR as f64).round() as u64;
        let mut cases = vec![0.0, 0.5, 1.5, 2.5, 0.499_999_999_999_999_94, 1.0e15 + 0.5];
        // A fixed pseudo-random sweep of magnitudes from 1e-3 to 3.6e15 ticks.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..100_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let unit = (state >> 11) as f64 / (1u64 << 53) as f64;
            cases.push(10f64.powf(-3.0 + unit * 18.5));
        }
        for x in cases {
            assert_eq!(ticks(x), reference(x), "{x} ticks");
        }
    }

    #[test]
    fn arithmetic_and_display() {
        let t = SimTime::from_days(2) + SimDuration::from_hours(6) + SimDuration::from_secs(90);
        assert_eq!(t.to_string(), "d2 06:01:30.000");
        assert_eq!(t.day_index(), 2);
        assert_eq!(SimTime::ZERO.since(t), None);
        assert_eq!(
            t.since(SimTime::from_days(2)),
            Some(SimDuration::from_secs(6 * 3600 + 90))
        );
        assert_eq!(SimDuration::from_hours(6).to_string(), "6.000 h");
        assert_eq!(SimTime::MAX.checked_add(SimDuration::from_millis(1)), None);
    }
}
