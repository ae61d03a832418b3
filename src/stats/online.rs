//! Streaming summary statistics and Student-t confidence intervals.

use std::fmt;

use super::dist::student_t_quantile;

/// Streaming mean, variance, extrema and sum of `f64` observations using
/// Welford's algorithm, in constant memory.
///
/// Non-finite observations (NaN, ±∞) are ignored by [`push`](Self::push)
/// and counted in [`non_finite_count`](Self::non_finite_count); every other
/// statistic covers the finite observations only. A statistic whose value
/// would overflow to a non-finite number is reported as `None`.
///
/// ```
/// use silkrail::stats::OnlineStats;
/// let mut s = OnlineStats::new();
/// for x in [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0] {
///     s.push(x);
/// }
/// assert_eq!(s.mean(), Some(5.0));
/// assert_eq!(s.variance(), Some(32.0 / 7.0));
/// ```
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(from = "OnlineRepr", into = "OnlineRepr")]
pub struct OnlineStats {
    count: u64,
    non_finite: u64,
    mean: f64,
    /// Sum of squared deviations from the mean.
    m2: f64,
    sum: f64,
    min: f64,
    max: f64,
}

/// How [`OnlineStats`] travels in files: JSON has no infinities, so
/// non-finite fields (the extrema of an empty accumulator, an overflowed
/// sum) are written as `null`.
#[derive(serde::Serialize, serde::Deserialize)]
struct OnlineRepr {
    count: u64,
    non_finite: u64,
    mean: Option<f64>,
    m2: Option<f64>,
    sum: Option<f64>,
    min: Option<f64>,
    max: Option<f64>,
}

impl From<OnlineStats> for OnlineRepr {
    fn from(s: OnlineStats) -> Self {
        let f = |x: f64| x.is_finite().then_some(x);
        OnlineRepr {
            count: s.count,
            non_finite: s.non_finite,
            mean: f(s.mean),
            m2: f(s.m2),
            sum: f(s.sum),
            min: f(s.min),
            max: f(s.max),
        }
    }
}

impl From<OnlineRepr> for OnlineStats {
    fn from(r: OnlineRepr) -> Self {
        OnlineStats {
            count: r.count,
            non_finite: r.non_finite,
            mean: r.mean.unwrap_or(f64::NAN),
            m2: r.m2.unwrap_or(f64::NAN),
            sum: r.sum.unwrap_or(f64::NAN),
            min: r.min.unwrap_or(f64::INFINITY),
            max: r.max.unwrap_or(f64::NEG_INFINITY),
        }
    }
}

impl Default for OnlineStats {
    fn default() -> Self {
        Self::new()
    }
}

impl OnlineStats {
    /// Creates an empty accumulator.
    pub fn new() -> Self {
        Self {
            count: 0,
            non_finite: 0,
            mean: 0.0,
            m2: 0.0,
            sum: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }

    /// Adds one observation; a non-finite `x` is only counted in
    /// [`non_finite_count`](Self::non_finite_count).
    pub fn push(&mut self, x: f64) {
        if !x.is_finite() {
            self.non_finite = self.non_finite.saturating_add(1);
            return;
        }
        self.count = self.count.saturating_add(1);
        let delta = x - self.mean;
        self.mean += delta / self.count as f64;
        self.m2 += delta * (x - self.mean);
        self.sum += x;
        self.min = self.min.min(x);
        self.max = self.max.max(x);
    }

    /// Number of finite observations.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Number of non-finite observations that were ignored.
    pub fn non_finite_count(&self) -> u64 {
        self.non_finite
    }

    /// Sample mean; `None` if there are no observations.
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0)
            .then_some(self.mean)
            .filter(|m| m.is_finite())
    }

    /// Unbiased sample variance (divisor `n − 1`) \[unit²\]; `None` for fewer
    /// than two observations.
    pub fn variance(&self) -> Option<f64> {
        (self.count > 1)
            .then(|| self.m2 / (self.count - 1) as f64)
            .filter(|v| v.is_finite() && *v >= 0.0)
    }

    /// Sample standard deviation, the square root of [`variance`](Self::variance).
    pub fn std_dev(&self) -> Option<f64> {
        self.variance().map(f64::sqrt)
    }

    /// Standard error of the mean, `std_dev / √n`.
    pub fn std_error(&self) -> Option<f64> {
        self.variance().map(|v| (v / self.count as f64).sqrt())
    }

    /// Smallest observation.
    pub fn min(&self) -> Option<f64> {
        (self.count > 0).then_some(self.min)
    }

    /// Largest observation.
    pub fn max(&self) -> Option<f64> {
        (self.count > 0).then_some(self.max)
    }

    /// Sum of the observations (plain summation); `None` if it overflowed.
    /// An empty accumulator has sum 0.
    pub fn sum(&self) -> Option<f64> {
        Some(self.sum).filter(|s| s.is_finite())
    }

    /// Adds all observations of `other` to `self` (pairwise update of Chan,
    /// Golub and LeVeque), as if they had been pushed here.
    ///
    /// The result equals sequential pushing up to rounding. Floating-point
    /// addition is not associative: merging the same parts in the same order
    /// gives bit-identical results, while a different order may differ in the
    /// last bits. Merge partial results in a fixed order (e.g. by replication
    /// index) for reproducibility.
    pub fn merge(&mut self, other: &OnlineStats) {
        self.non_finite = self.non_finite.saturating_add(other.non_finite);
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            *self = Self {
                non_finite: self.non_finite,
                ..other.clone()
            };
            return;
        }
        let (na, nb) = (self.count as f64, other.count as f64);
        let n = na + nb;
        let delta = other.mean - self.mean;
        self.mean += delta * (nb / n);
        self.m2 += other.m2 + delta * delta * (na * nb / n);
        self.count = self.count.saturating_add(other.count);
        self.sum += other.sum;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// Two-sided Student-t confidence interval for the mean at confidence
    /// `level` (e.g. `0.95`), with `n − 1` degrees of freedom.
    ///
    /// Assumes independent, identically distributed observations (for
    /// autocorrelated simulation output use [`batch_means`](super::batch_means)).
    /// `None` if `level` is not in `(0, 1)` or there are fewer than two
    /// observations.
    pub fn confidence_interval(&self, level: f64) -> Option<ConfidenceInterval> {
        ConfidenceInterval::from_std_error(self.mean()?, self.std_error()?, self.count, level)
    }
}

/// A symmetric two-sided confidence interval `mean ± half_width` for a mean.
///
/// Values are in the unit of the underlying observations. `Display` prints
/// `mean ± half_width`, applying any requested precision to both numbers:
///
/// ```
/// use silkrail::stats::ConfidenceInterval;
/// let ci = ConfidenceInterval { mean: 12.3449, half_width: 0.5551, level: 0.95, n: 10 };
/// assert_eq!(format!("{ci:.2}"), "12.34 ± 0.56");
/// assert!(ci.contains(12.0));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ConfidenceInterval {
    /// Point estimate (centre of the interval).
    pub mean: f64,
    /// Half width of the interval (non-negative).
    pub half_width: f64,
    /// Confidence level in `(0, 1)`, e.g. `0.95`.
    pub level: f64,
    /// Number of (approximately independent) observations the interval is
    /// based on: samples, or batches for batch means.
    pub n: u64,
}

impl ConfidenceInterval {
    /// Builds the Student-t interval `mean ± t(1 − (1 − level)/2, n − 1) · std_error`
    /// from `n` observations with standard error of the mean `std_error`.
    ///
    /// `None` if `n < 2`, `level` is not in `(0, 1)`, `std_error` is negative,
    /// or any value is not finite.
    pub fn from_std_error(mean: f64, std_error: f64, n: u64, level: f64) -> Option<Self> {
        if n < 2 || !mean.is_finite() || !std_error.is_finite() || std_error < 0.0 {
            return None;
        }
        if !(level > 0.0 && level < 1.0) {
            return None;
        }
        let t = student_t_quantile(0.5 + 0.5 * level, (n - 1) as f64)?;
        let half_width = t * std_error;
        half_width.is_finite().then_some(Self {
            mean,
            half_width,
            level,
            n,
        })
    }

    /// Lower end, `mean − half_width`.
    pub fn lower(&self) -> f64 {
        self.mean - self.half_width
    }

    /// Upper end, `mean + half_width`.
    pub fn upper(&self) -> f64 {
        self.mean + self.half_width
    }

    /// `true` if `lower() ≤ x ≤ upper()` (false for NaN).
    pub fn contains(&self, x: f64) -> bool {
        self.lower() <= x && x <= self.upper()
    }

    /// `half_width / |mean|`, the usual precision target for sequential
    /// stopping rules; `None` when the mean is 0.
    pub fn relative_half_width(&self) -> Option<f64> {
        (self.mean != 0.0)
            .then(|| self.half_width / self.mean.abs())
            .filter(|r| r.is_finite())
    }
}

impl fmt::Display for ConfidenceInterval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match f.precision() {
            Some(p) => write!(f, "{:.p$} ± {:.p$}", self.mean, self.half_width),
            None => write!(f, "{} ± {}", self.mean, self.half_width),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats_of(xs: &[f64]) -> OnlineStats {
        let mut s = OnlineStats::new();
        xs.iter().for_each(|&x| s.push(x));
        s
    }

    #[test]
    fn empty_and_single() {
        let s = OnlineStats::default();
        assert_eq!(s, OnlineStats::new());
        assert_eq!(
            (s.count(), s.mean(), s.min(), s.max()),
            (0, None, None, None)
        );
        assert_eq!(s.variance(), None);
        assert_eq!(s.sum(), Some(0.0));
        assert_eq!(s.confidence_interval(0.95), None);
        let one = stats_of(&[3.5]);
        assert_eq!(
            (one.mean(), one.min(), one.max()),
            (Some(3.5), Some(3.5), Some(3.5))
        );
        assert_eq!(
            (one.variance(), one.std_dev(), one.std_error()),
            (None, None, None)
        );
    }

    #[test]
    fn moments_match_two_pass() {
        let xs: Vec<f64> = (0..1000)
            .map(|i| 1e9 + ((i * 37) % 101) as f64 * 0.25)
            .collect();
        let s = stats_of(&xs);
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        assert!((s.mean().unwrap() - mean).abs() < 1e-6);
        assert!((s.variance().unwrap() / var - 1.0).abs() < 1e-9);
        assert!((s.std_error().unwrap() - (var / n).sqrt()).abs() < 1e-9);
        assert_eq!(s.min(), Some(1e9));
        assert_eq!(s.max(), Some(1e9 + 25.0));
        assert_eq!(s.count(), 1000);
    }

    #[test]
    fn non_finite_inputs_are_ignored_and_counted() {
        let s = stats_of(&[1.0, f64::NAN, 3.0, f64::INFINITY, f64::NEG_INFINITY]);
        assert_eq!((s.count(), s.non_finite_count()), (2, 3));
        assert_eq!(
            (s.mean(), s.variance(), s.sum()),
            (Some(2.0), Some(2.0), Some(4.0))
        );
        // Overflow is reported as None rather than ∞ or NaN.
        let big = stats_of(&[f64::MAX, -f64::MAX, f64::MAX]);
        assert_eq!(big.variance(), None);
        assert_eq!(big.sum(), Some(f64::MAX));
        assert_eq!(stats_of(&[f64::MAX, f64::MAX]).sum(), None);
    }

    #[test]
    fn merge_equals_sequential() {
        let xs: Vec<f64> = (0..500).map(|i| ((i * 7919) % 1000) as f64 / 7.0).collect();
        let all = stats_of(&xs);
        let mut merged = OnlineStats::new();
        for chunk in xs.chunks(77) {
            merged.merge(&stats_of(chunk));
        }
        merged.merge(&OnlineStats::new());
        assert_eq!(merged.count(), all.count());
        assert_eq!((merged.min(), merged.max()), (all.min(), all.max()));
        assert!((merged.mean().unwrap() - all.mean().unwrap()).abs() < 1e-12);
        assert!((merged.variance().unwrap() / all.variance().unwrap() - 1.0).abs() < 1e-12);
        // Same order, same bits.
        let mut again = OnlineStats::new();
        xs.chunks(77).for_each(|c| again.merge(&stats_of(c)));
        assert_eq!(again, merged);
        // Merging into an empty accumulator copies and keeps the NaN count.
        let mut empty = stats_of(&[f64::NAN]);
        empty.merge(&all);
        assert_eq!((empty.count(), empty.non_finite_count()), (500, 1));
        assert_eq!(empty.variance(), all.variance());
    }

    #[test]
    fn confidence_interval_uses_student_t() {
        let s = stats_of(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]);
        let ci = s.confidence_interval(0.95).unwrap();
        let se = (55.0f64 / 6.0 / 10.0).sqrt();
        assert_eq!((ci.mean, ci.n, ci.level), (5.5, 10, 0.95));
        assert!((ci.half_width - 2.262_157_163 * se).abs() < 1e-8);
        assert!((ci.lower() + ci.upper() - 11.0).abs() < 1e-12);
        assert!(ci.contains(5.5) && !ci.contains(10.0) && !ci.contains(f64::NAN));
        assert!((ci.relative_half_width().unwrap() - ci.half_width / 5.5).abs() < 1e-15);
        for level in [0.0, 1.0, -0.5, f64::NAN] {
            assert_eq!(s.confidence_interval(level), None);
        }
    }

    #[test]
    fn interval_constructor_and_display() {
        assert_eq!(ConfidenceInterval::from_std_error(1.0, 0.1, 1, 0.9), None);
        assert_eq!(ConfidenceInterval::from_std_error(1.0, -0.1, 5, 0.9), None);
        assert_eq!(
            ConfidenceInterval::from_std_error(f64::NAN, 0.1, 5, 0.9),
            None
        );
        let ci = ConfidenceInterval::from_std_error(0.0, 0.0, 3, 0.9).unwrap();
        assert_eq!((ci.half_width, ci.relative_half_width()), (0.0, None));
        assert_eq!(ci.to_string(), "0 ± 0");
        let ci = ConfidenceInterval {
            mean: -2.0,
            half_width: 0.25,
            level: 0.9,
            n: 4,
        };
        assert_eq!(format!("{ci:.3}"), "-2.000 ± 0.250");
        assert_eq!(ci.relative_half_width(), Some(0.125));
    }
}
