//! Moments that merge exactly, in any order.

use serde::{Deserialize, Serialize};

use super::online::ConfidenceInterval;

/// Fractional bits of the fixed-point representation: an observation `x`
/// is kept as the integer `q = round(x · 2^64)`, exactly for every `f64` of
/// magnitude 2^-12 and above.
const FRACTION_BITS: i32 = 64;
/// The largest magnitude accepted, 2^40 ≈ 1.1 × 10¹²: larger values are
/// skipped like non-finite ones.
const MAX_MAGNITUDE: f64 = (1u64 << 40) as f64;

/// Count, mean, variance and extrema of `f64` observations, kept as exact
/// integer sums so that merging is associative and commutative: the same
/// observations give **bit-identical** statistics whatever the order in
/// which they were pushed or the way they were split into parts and merged.
///
/// This is what an experiment that runs replications on many threads, or
/// in shards on many machines, needs: each part accumulates its own
/// replications, and the parts merge into exactly what one sequential run
/// gives, with nothing stored per replication.
///
/// # Representation
///
/// Each observation `x` is kept as the integer `q = round(x · 2^64)`: exact
/// for every `f64` of magnitude 2^-12 ≈ 0.00024 and above, and within
/// 2.7 × 10⁻²⁰ for smaller ones. `Σq` and `Σq²` are kept in 256-bit
/// integers. The mean and variance
/// are derived from these exact sums with one rounding each, so the
/// variance has no cancellation error even when the spread is tiny against
/// the mean. Non-finite observations, and observations of magnitude above
/// 2^40 ≈ 1.1 × 10¹², are skipped and counted
/// ([`skipped_count`](Self::skipped_count)). Should a sum ever exceed its
/// 256 bits (more than about 10¹² observations of the largest magnitude),
/// every statistic becomes `None` rather than wrong.
///
/// # Examples
///
/// ```
/// use silkrail::stats::ExactMoments;
///
/// let values = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
/// let mut all = ExactMoments::new();
/// values.iter().for_each(|&x| all.push(x));
/// assert_eq!(all.mean(), Some(5.0));
/// assert_eq!(all.variance(), Some(32.0 / 7.0));
///
/// // Two parts, pushed in another order and merged: the same bits.
/// let (mut a, mut b) = (ExactMoments::new(), ExactMoments::new());
/// values[..3].iter().rev().for_each(|&x| b.push(x));
/// values[3..].iter().for_each(|&x| a.push(x));
/// a.merge(&b);
/// assert_eq!(a, all);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ExactMoments {
    count: u64,
    skipped: u64,
    overflow: bool,
    sum: I256,
    sum_sq: I256,
    min: Option<f64>,
    max: Option<f64>,
}

impl ExactMoments {
    /// An empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one observation; a non-finite one, or one beyond ±2^40, is only
    /// counted in [`skipped_count`](Self::skipped_count).
    pub fn push(&mut self, x: f64) {
        if !(x.abs() <= MAX_MAGNITUDE) {
            self.skipped = self.skipped.saturating_add(1);
            return;
        }
        // Exact: |x · 2^64| ≤ 2^104, an integer-valued f64 after rounding,
        // which converts to i128 without loss.
        let q = (x * f64::powi(2.0, FRACTION_BITS)).round() as i128;
        let sum = self.sum.checked_add(I256::from_i128(q));
        let sum_sq = self.sum_sq.checked_add(I256::square(q));
        match (sum, sum_sq, self.count.checked_add(1)) {
            (Some(s), Some(s2), Some(n)) => {
                self.sum = s;
                self.sum_sq = s2;
                self.count = n;
            }
            _ => self.overflow = true,
        }
        self.min = Some(
            self.min
                .map_or(x, |m| if x.total_cmp(&m).is_lt() { x } else { m }),
        );
        self.max = Some(
            self.max
                .map_or(x, |m| if x.total_cmp(&m).is_gt() { x } else { m }),
        );
    }

    /// Adds every observation of `other`, exactly: the result is the same,
    /// bit for bit, as pushing both sets of observations in any order.
    pub fn merge(&mut self, other: &ExactMoments) {
        self.skipped = self.skipped.saturating_add(other.skipped);
        self.overflow |= other.overflow;
        match (
            self.sum.checked_add(other.sum),
            self.sum_sq.checked_add(other.sum_sq),
            self.count.checked_add(other.count),
        ) {
            (Some(s), Some(s2), Some(n)) => {
                self.sum = s;
                self.sum_sq = s2;
                self.count = n;
            }
            _ => self.overflow = true,
        }
        let pick = |a: Option<f64>, b: Option<f64>, keep_first: fn(&f64, &f64) -> bool| match (a, b)
        {
            (Some(x), Some(y)) => Some(if keep_first(&x, &y) { x } else { y }),
            (x, None) => x,
            (None, y) => y,
        };
        self.min = pick(self.min, other.min, |x, y| x.total_cmp(y).is_le());
        self.max = pick(self.max, other.max, |x, y| x.total_cmp(y).is_ge());
    }

    /// Number of observations counted (finite and within range).
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Number of observations skipped: non-finite, or beyond ±2^40.
    pub fn skipped_count(&self) -> u64 {
        self.skipped
    }

    /// `(c, s1)` with `c = round(Σq / n)` and `s1 = Σq − n·c`, |s1| ≤ n/2.
    fn centre(&self) -> Option<(i128, i128)> {
        if self.count == 0 || self.overflow {
            return None;
        }
        let (c, _) = self.sum.div_round(self.count)?;
        let s1 = self
            .sum
            .checked_sub(I256::from_i128(c).checked_mul_u64(self.count)?)?
            .to_i128()?;
        Some((c, s1))
    }

    /// Sample mean; `None` without observations.
    pub fn mean(&self) -> Option<f64> {
        let (c, s1) = self.centre()?;
        let q = c as f64 + s1 as f64 / self.count as f64;
        Some(q * f64::powi(2.0, -FRACTION_BITS)).filter(|m| m.is_finite())
    }

    /// Unbiased sample variance (divisor `n − 1`) \[unit²\]; `None` for fewer
    /// than two observations.
    pub fn variance(&self) -> Option<f64> {
        if self.count < 2 {
            return None;
        }
        let (c, s1) = self.centre()?;
        // Σ(q − c)² = Σq² − n·c² − 2·c·s1, all exact.
        let s2 = self
            .sum_sq
            .checked_sub(I256::square(c).checked_mul_u64(self.count)?)?
            .checked_sub(I256::product(c, s1)?.checked_add(I256::product(c, s1)?)?)?;
        let n = self.count as f64;
        let centred = s2.to_f64() - (s1 as f64) * (s1 as f64) / n;
        let var = centred.max(0.0) / (n - 1.0) * f64::powi(2.0, -2 * FRACTION_BITS);
        Some(var).filter(|v| v.is_finite())
    }

    /// Sample standard deviation.
    pub fn std_dev(&self) -> Option<f64> {
        self.variance().map(f64::sqrt)
    }

    /// Standard error of the mean, `std_dev / √n`.
    pub fn std_error(&self) -> Option<f64> {
        self.variance().map(|v| (v / self.count as f64).sqrt())
    }

    /// Smallest observation counted.
    pub fn min(&self) -> Option<f64> {
        self.min
    }

    /// Largest observation counted.
    pub fn max(&self) -> Option<f64> {
        self.max
    }

    /// Two-sided Student-t confidence interval for the mean at confidence
    /// `level`, with `n − 1` degrees of freedom; `None` with fewer than two
    /// observations or a `level` outside (0, 1).
    pub fn confidence_interval(&self, level: f64) -> Option<ConfidenceInterval> {
        ConfidenceInterval::from_std_error(self.mean()?, self.std_error()?, self.count, level)
    }
}

/// A signed 256-bit integer in two's complement, four little-endian 64-bit
/// limbs: just the arithmetic [`ExactMoments`] needs, every operation
/// checked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
struct I256([u64; 4]);

impl I256 {
    fn from_i128(v: i128) -> Self {
        let lo = v as u128;
        let fill = if v < 0 { u64::MAX } else { 0 };
        I256([lo as u64, (lo >> 64) as u64, fill, fill])
    }

    fn is_negative(self) -> bool {
        self.0[3] >> 63 == 1
    }

    fn wrapping_neg(self) -> Self {
        let mut out = [0u64; 4];
        let mut carry = 1u64;
        for (o, &limb) in out.iter_mut().zip(&self.0) {
            let (v, c) = (!limb).overflowing_add(carry);
            *o = v;
            carry = u64::from(c);
        }
        I256(out)
    }

    /// The magnitude as an unsigned 256-bit number.
    fn magnitude(self) -> [u64; 4] {
        if self.is_negative() {
            self.wrapping_neg().0
        } else {
            self.0
        }
    }

    fn from_magnitude(m: [u64; 4], negative: bool) -> Option<Self> {
        if m[3] >> 63 == 1 {
            return None;
        }
        let v = I256(m);
        Some(if negative { v.wrapping_neg() } else { v })
    }

    fn checked_add(self, other: Self) -> Option<Self> {
        let mut out = [0u64; 4];
        let mut carry = false;
        for (i, o) in out.iter_mut().enumerate() {
            let (a, c1) = self.0[i].overflowing_add(other.0[i]);
            let (b, c2) = a.overflowing_add(u64::from(carry));
            *o = b;
            carry = c1 || c2;
        }
        let r = I256(out);
        // Signed overflow: both operands of one sign, the result of the other.
        let (sa, sb, sr) = (self.is_negative(), other.is_negative(), r.is_negative());
        (sa != sb || sa == sr).then_some(r)
    }

    fn checked_sub(self, other: Self) -> Option<Self> {
        if other == I256([0, 0, 0, 1 << 63]) {
            return None; // the minimum has no negation
        }
        self.checked_add(other.wrapping_neg())
    }

    /// `a · b` exactly.
    fn product(a: i128, b: i128) -> Option<Self> {
        let m = mul_u128(a.unsigned_abs(), b.unsigned_abs());
        Self::from_magnitude(m, (a < 0) != (b < 0))
    }

    /// `a²` exactly (never overflows: |a| < 2^128).
    fn square(a: i128) -> Self {
        Self::product(a, a).expect("a square of an i128 fits in 255 bits")
    }

    fn checked_mul_u64(self, n: u64) -> Option<Self> {
        let m = self.magnitude();
        let mut out = [0u64; 4];
        let mut carry = 0u128;
        for (o, &limb) in out.iter_mut().zip(&m) {
            let v = u128::from(limb) * u128::from(n) + carry;
            *o = v as u64;
            carry = v >> 64;
        }
        if carry != 0 {
            return None;
        }
        Self::from_magnitude(out, self.is_negative())
    }

    /// `self / n` rounded to the nearest integer (ties away from zero), if
    /// it fits in an `i128`, with the sign of the quotient.
    fn div_round(self, n: u64) -> Option<(i128, bool)> {
        if n == 0 {
            return None;
        }
        let m = self.magnitude();
        let mut q = [0u64; 4];
        let mut rem = 0u128;
        for i in (0..4).rev() {
            let cur = (rem << 64) | u128::from(m[i]);
            q[i] = (cur / u128::from(n)) as u64;
            rem = cur % u128::from(n);
        }
        if q[2] != 0 || q[3] != 0 {
            return None;
        }
        let mut mag = u128::from(q[0]) | (u128::from(q[1]) << 64);
        if rem * 2 >= u128::from(n) {
            mag = mag.checked_add(1)?;
        }
        let neg = self.is_negative();
        let v = i128::try_from(mag).ok()?;
        Some((if neg { -v } else { v }, neg))
    }

    fn to_i128(self) -> Option<i128> {
        let m = self.magnitude();
        if m[2] != 0 || m[3] != 0 {
            return None;
        }
        let v = i128::try_from(u128::from(m[0]) | (u128::from(m[1]) << 64)).ok()?;
        Some(if self.is_negative() { -v } else { v })
    }

    /// The nearest `f64` (to within an ulp; deterministic).
    fn to_f64(self) -> f64 {
        let m = self.magnitude();
        let mut v = 0.0;
        for &limb in m.iter().rev() {
            v = v * 18_446_744_073_709_551_616.0 + limb as f64;
        }
        if self.is_negative() { -v } else { v }
    }
}

/// The exact 256-bit product of two 128-bit numbers.
fn mul_u128(a: u128, b: u128) -> [u64; 4] {
    let a = [a as u64, (a >> 64) as u64];
    let b = [b as u64, (b >> 64) as u64];
    let mut out = [0u64; 4];
    for i in 0..2 {
        let mut carry = 0u128;
        for j in 0..2 {
            let v = u128::from(a[i]) * u128::from(b[j]) + u128::from(out[i + j]) + carry;
            out[i + j] = v as u64;
            carry = v >> 64;
        }
        let mut k = i + 2;
        while carry != 0 && k < 4 {
            let v = u128::from(out[k]) + carry;
            out[k] = v as u64;
            carry = v >> 64;
            k += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::OnlineStats;

    fn of(xs: &[f64]) -> ExactMoments {
        let mut m = ExactMoments::new();
        xs.iter().for_each(|&x| m.push(x));
        m
    }

    #[test]
    fn wide_arithmetic() {
        let a = I256::from_i128(-5);
        assert!(a.is_negative());
        assert_eq!(a.to_i128(), Some(-5));
        assert_eq!(a.to_f64(), -5.0);
        let big = I256::square(i128::MIN);
        assert!(!big.is_negative());
        assert_eq!(big.checked_add(big), None, "2 · (2^127)² = 2^255 overflows");
        let below = I256::square(i128::MAX);
        assert!(below.checked_add(below).is_some(), "2 · (2^127 − 1)² fits");
        assert_eq!(I256::product(-3, 7).unwrap().to_i128(), Some(-21));
        assert_eq!(I256::from_i128(-7).div_round(2), Some((-4, true)));
        assert_eq!(I256::from_i128(7).div_round(2), Some((4, false)));
        assert_eq!(I256::from_i128(5).div_round(3), Some((2, false)));
        let x = I256::from_i128(1 << 100).checked_mul_u64(1 << 20).unwrap();
        assert_eq!(x.to_f64(), f64::powi(2.0, 120));
        assert_eq!(x.div_round(1 << 20).unwrap().0, 1 << 100);
        assert_eq!(
            I256::from_i128(3)
                .checked_sub(I256::from_i128(10))
                .unwrap()
                .to_i128(),
            Some(-7)
        );
    }

    #[test]
    fn agrees_with_welford() {
        let xs: Vec<f64> = (0..1000)
            .map(|i| 1e6 + ((i * 37) % 101) as f64 * 0.25 - 3.0)
            .collect();
        let e = of(&xs);
        let mut w = OnlineStats::new();
        xs.iter().for_each(|&x| w.push(x));
        assert_eq!(e.count(), 1000);
        assert!((e.mean().unwrap() / w.mean().unwrap() - 1.0).abs() < 1e-15);
        assert!((e.variance().unwrap() / w.variance().unwrap() - 1.0).abs() < 1e-9);
        assert_eq!((e.min(), e.max()), (w.min(), w.max()));
        let ci = e.confidence_interval(0.95).unwrap();
        let cw = w.confidence_interval(0.95).unwrap();
        assert!((ci.half_width / cw.half_width - 1.0).abs() < 1e-9);
    }

    #[test]
    fn any_order_and_any_split_give_the_same_bits() {
        let xs: Vec<f64> = (0..777)
            .map(|i| ((i * 7919) % 1000) as f64 / 7.3 - 40.0)
            .collect();
        let all = of(&xs);
        let mut rev = xs.clone();
        rev.reverse();
        assert_eq!(of(&rev), all);
        for parts in [2, 3, 10, 100] {
            let mut merged = ExactMoments::new();
            for chunk in xs.chunks(xs.len().div_ceil(parts)).rev() {
                merged.merge(&of(chunk));
            }
            assert_eq!(merged, all, "{parts} parts");
            assert_eq!(
                merged.variance().map(f64::to_bits),
                all.variance().map(f64::to_bits)
            );
        }
    }

    #[test]
    fn constant_and_zero_values_are_exact() {
        let c = of(&[0.1; 50]);
        assert_eq!(c.mean(), Some(0.1));
        assert_eq!(c.variance(), Some(0.0));
        let z = of(&[0.0, -0.0, 0.0]);
        assert_eq!((z.mean(), z.variance()), (Some(0.0), Some(0.0)));
        assert_eq!(z.confidence_interval(0.95).unwrap().half_width, 0.0);
        // A tiny spread around a large mean keeps its variance.
        let (a, b) = (1e9, 1e9 + 1e-3);
        let t = of(&[a, b]);
        // The spread as the two f64 values hold it (subtraction of nearby
        // values is exact).
        let d: f64 = b - a;
        assert!((t.variance().unwrap() / (d * d / 2.0) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn undefined_and_skipped() {
        let e = ExactMoments::new();
        assert_eq!(
            (e.mean(), e.variance(), e.min(), e.max()),
            (None, None, None, None)
        );
        let s = of(&[1.0, f64::NAN, 3.0, f64::INFINITY, 1e13]);
        assert_eq!((s.count(), s.skipped_count()), (2, 3));
        assert_eq!((s.mean(), s.variance()), (Some(2.0), Some(2.0)));
        assert_eq!(of(&[4.0]).variance(), None);
        // The extremes of the range still work.
        let big = of(&[MAX_MAGNITUDE, -MAX_MAGNITUDE]);
        assert_eq!(big.mean(), Some(0.0));
        assert!(
            (big.variance().unwrap() / (2.0 * MAX_MAGNITUDE * MAX_MAGNITUDE) - 1.0).abs() < 1e-12
        );
    }

    #[test]
    fn serde_round_trip_is_exact() {
        let m = of(&[1.5, -2.25, 1e-9, 12345.678]);
        let json = serde_json::to_string(&m).unwrap();
        let back: ExactMoments = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
    }
}
