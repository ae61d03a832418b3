//! Time-weighted averages of integer-valued state (queue length, busy
//! servers), kept exactly in integer ticks.

use crate::time::{SimDuration, SimTime};

/// The time-weighted mean of a piecewise-constant integer quantity, such as
/// the number of trains waiting or the number of busy tracks.
///
/// The area under the curve is kept exactly as a `u128` of value × ticks, so
/// sample-path identities such as Little's law hold to the tick.
///
/// # Examples
///
/// ```
/// use silkrail::stats::TimeWeighted;
/// use silkrail::time::SimTime;
///
/// let mut q = TimeWeighted::new(SimTime::ZERO, 0);
/// q.set(SimTime::from_hours(1), 2); // 0 for one hour
/// q.set(SimTime::from_hours(3), 1); // 2 for two hours
/// assert_eq!(q.mean(SimTime::from_hours(4)), Some(5.0 / 4.0)); // 1 for one hour
/// assert_eq!(q.peak(), 2);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TimeWeighted {
    start: SimTime,
    last: SimTime,
    value: u64,
    peak: u64,
    area: u128,
}

impl TimeWeighted {
    /// Starts observing at `start` with the given current value.
    pub fn new(start: SimTime, value: u64) -> Self {
        TimeWeighted {
            start,
            last: start,
            value,
            peak: value,
            area: 0,
        }
    }

    /// The value changes to `value` at `now`.
    ///
    /// A `now` earlier than the last change is treated as the last change
    /// (the kernel's clock never runs backwards, so this does not happen in a
    /// simulation).
    #[inline]
    pub fn set(&mut self, now: SimTime, value: u64) {
        self.advance(now);
        self.value = value;
        self.peak = self.peak.max(value);
    }

    /// Adds one at `now`.
    #[inline]
    pub fn increment(&mut self, now: SimTime) {
        self.set(now, self.value + 1);
    }

    /// Subtracts one at `now`, saturating at zero.
    #[inline]
    pub fn decrement(&mut self, now: SimTime) {
        self.set(now, self.value.saturating_sub(1));
    }

    #[inline]
    fn advance(&mut self, now: SimTime) {
        if let Some(dt) = now.since(self.last) {
            self.area += u128::from(self.value) * u128::from(dt.as_millis());
            self.last = now;
        }
    }

    /// The current value.
    pub fn value(&self) -> u64 {
        self.value
    }

    /// The largest value seen since the start of observation.
    pub fn peak(&self) -> u64 {
        self.peak
    }

    /// When observation started.
    pub fn start(&self) -> SimTime {
        self.start
    }

    /// The exact area under the curve from the start to `now` \[value × ms\].
    pub fn area(&self, now: SimTime) -> u128 {
        let tail = now
            .since(self.last)
            .map_or(0, |dt| u128::from(self.value) * u128::from(dt.as_millis()));
        self.area + tail
    }

    /// The time-weighted mean from the start to `now`, or `None` if no time
    /// has elapsed.
    pub fn mean(&self, now: SimTime) -> Option<f64> {
        let span = now.since(self.start).unwrap_or(SimDuration::ZERO);
        if span == SimDuration::ZERO {
            return None;
        }
        Some(self.area(now) as f64 / span.as_millis() as f64)
    }

    /// Restarts observation at `now`, keeping the current value: used to
    /// delete a warm-up period.
    pub fn restart(&mut self, now: SimTime) {
        *self = TimeWeighted::new(now, self.value);
    }
}
