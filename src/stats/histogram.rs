//! Mergeable log-linear histogram of `u64` values.

/// Number of sub-buckets per power of two, as a power of two.
const SUB_BITS: u32 = 7;
/// Sub-buckets per power of two (128).
const SUB: u64 = 1 << SUB_BITS;

/// Bucket index of `v`: values below 128 have their own bucket; a value in
/// `[2^e, 2^(e+1))`, `e ≥ 7`, falls in one of 128 equal sub-buckets of width
/// `2^(e−7)`.
fn bucket_index(v: u64) -> usize {
    if v < SUB {
        return v as usize;
    }
    let e = 63 - v.leading_zeros();
    let shift = e - SUB_BITS;
    ((e - SUB_BITS + 1) as usize) * SUB as usize + ((v >> shift) - SUB) as usize
}

/// Inclusive value range `(lower, upper)` of bucket `index`.
fn bucket_bounds(index: usize) -> (u64, u64) {
    let (block, sub) = (index as u64 / SUB, index as u64 % SUB);
    if block == 0 {
        return (sub, sub);
    }
    let shift = block - 1;
    let lower = (SUB + sub) << shift;
    (lower, lower + ((1u64 << shift) - 1))
}

/// Representative value of a bucket: its midpoint, rounded down.
fn bucket_value(index: usize) -> u64 {
    let (lower, upper) = bucket_bounds(index);
    lower + (upper - lower) / 2
}

/// A mergeable log-linear ("HDR-style") histogram of non-negative integer
/// values, intended for durations in \[ms\].
///
/// # Resolution
///
/// Values below 256 are stored exactly. A value `v` in `[2^e, 2^(e+1))` with
/// `e ≥ 8` shares a bucket of width `2^(e−7)` with its neighbours, so a
/// bucket's width is at most `2^-7` of its lower bound, and the bucket's
/// representative value (its midpoint) differs from every value in it by at
/// most `v / 256`, i.e. a relative error of at most `2^-8`. This bound holds
/// for every value reported by [`quantile`](Self::quantile).
///
/// # Memory
///
/// The bucket vector covers values up to the largest one recorded (7424
/// buckets, 58 KiB, for the full `u64` range; 1781 buckets, 14 KiB, for values
/// below 10⁶). It grows only when a new maximum is recorded, so recording allocates
/// at most a bounded number of times and never for values at or below the
/// current maximum.
///
/// Counts, [`count`](Self::count) and the internal `u128` sum saturate
/// instead of overflowing; apart from that, all statistics except quantiles
/// are exact, and [`merge`](Self::merge) is exact.
///
/// ```
/// use silkrail::stats::Histogram;
/// let mut h = Histogram::new();
/// for ms in 1..=1000 {
///     h.record(ms);
/// }
/// assert_eq!(h.quantile(0.5), Some(500));
/// let p99 = h.quantile(0.99).unwrap();
/// assert!(p99.abs_diff(990) <= 990 / 256);
/// ```
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "SparseHistogram", into = "SparseHistogram")]
pub struct Histogram {
    /// Per-bucket counts; its length is one past the bucket of `max` (0 when
    /// empty), so equal contents imply equal vectors.
    counts: Vec<u64>,
    total: u64,
    sum: u128,
    min: u64,
    max: u64,
}

/// How a [`Histogram`] travels in files: only its non-empty buckets, as
/// `[index, count]` pairs, since most of the thousands of buckets are empty.
#[derive(serde::Serialize, serde::Deserialize)]
struct SparseHistogram {
    total: u64,
    sum: u128,
    min: u64,
    max: u64,
    buckets: Vec<(u32, u64)>,
}

impl From<Histogram> for SparseHistogram {
    fn from(h: Histogram) -> Self {
        SparseHistogram {
            total: h.total,
            sum: h.sum,
            min: h.min,
            max: h.max,
            buckets: h
                .counts
                .iter()
                .enumerate()
                .filter(|&(_, &c)| c > 0)
                .map(|(i, &c)| (i as u32, c))
                .collect(),
        }
    }
}

impl TryFrom<SparseHistogram> for Histogram {
    type Error = String;

    fn try_from(s: SparseHistogram) -> Result<Self, String> {
        let limit = bucket_index(u64::MAX);
        let mut counts = Vec::new();
        let mut last = None;
        for (i, c) in s.buckets {
            let i = i as usize;
            if i > limit || last.is_some_and(|l| l >= i) || c == 0 {
                return Err(format!(
                    "histogram bucket {i}: expected ascending non-empty buckets up to {limit}"
                ));
            }
            counts.resize(i + 1, 0);
            counts[i] = c;
            last = Some(i);
        }
        let expected = if s.total == 0 {
            0
        } else {
            bucket_index(s.max) + 1
        };
        if counts.len() != expected {
            return Err("histogram: the last bucket does not hold the maximum".into());
        }
        Ok(Histogram {
            counts,
            total: s.total,
            sum: s.sum,
            min: s.min,
            max: s.max,
        })
    }
}

impl Histogram {
    /// Creates an empty histogram (no allocation until the first record).
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one occurrence of `value`.
    #[inline]
    pub fn record(&mut self, value: u64) {
        self.record_n(value, 1);
    }

    /// Records `count` occurrences of `value`; `count = 0` does nothing.
    #[inline]
    pub fn record_n(&mut self, value: u64, count: u64) {
        if count == 0 {
            return;
        }
        let index = bucket_index(value);
        if index >= self.counts.len() {
            self.counts.resize(index + 1, 0);
        }
        self.counts[index] = self.counts[index].saturating_add(count);
        self.min = if self.total == 0 {
            value
        } else {
            self.min.min(value)
        };
        self.max = self.max.max(value);
        self.total = self.total.saturating_add(count);
        self.sum = self
            .sum
            .saturating_add(u128::from(value) * u128::from(count));
    }

    /// Number of recorded values.
    pub fn count(&self) -> u64 {
        self.total
    }

    /// Smallest recorded value (exact).
    pub fn min(&self) -> Option<u64> {
        (self.total > 0).then_some(self.min)
    }

    /// Largest recorded value (exact).
    pub fn max(&self) -> Option<u64> {
        (self.total > 0).then_some(self.max)
    }

    /// Mean of the recorded values, from the exact sum (one rounding).
    pub fn mean(&self) -> Option<f64> {
        (self.total > 0).then(|| self.sum as f64 / self.total as f64)
    }

    /// The `q`-quantile, `q` in `[0, 1]`.
    ///
    /// Let `r = max(1, ⌈q · count⌉)`. The result is the exact minimum for
    /// `r = 1`, the exact maximum for `r = count`, and otherwise the
    /// representative value (see the type-level docs) of the bucket holding
    /// the `r`-th smallest recorded value, clamped to `[min, max]`. In every
    /// case it is within a relative error of `2^-8` of the `r`-th smallest
    /// value.
    /// `None` if the histogram is empty or `q` is NaN or outside `[0, 1]`.
    pub fn quantile(&self, q: f64) -> Option<u64> {
        if self.total == 0 || !(0.0..=1.0).contains(&q) {
            return None;
        }
        // The float-to-int cast saturates; the clamp handles q·count rounding.
        let rank = ((q * self.total as f64).ceil() as u64).clamp(1, self.total);
        if rank == 1 {
            return Some(self.min);
        }
        if rank == self.total {
            return Some(self.max);
        }
        let mut seen = 0u64;
        let index = self.counts.iter().position(|&c| {
            seen = seen.saturating_add(c);
            seen >= rank
        })?;
        Some(bucket_value(index).clamp(self.min, self.max))
    }

    /// Adds all values recorded in `other`; the result equals recording both
    /// sets of values into one histogram.
    pub fn merge(&mut self, other: &Histogram) {
        if other.total == 0 {
            return;
        }
        if other.counts.len() > self.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            *mine = mine.saturating_add(*theirs);
        }
        self.min = if self.total == 0 {
            other.min
        } else {
            self.min.min(other.min)
        };
        self.max = self.max.max(other.max);
        self.total = self.total.saturating_add(other.total);
        self.sum = self.sum.saturating_add(other.sum);
    }

    /// Non-empty buckets in increasing order as `(lower, upper, count)`,
    /// where `lower..=upper` is the bucket's inclusive value range.
    pub fn iter_buckets(&self) -> impl Iterator<Item = (u64, u64, u64)> + '_ {
        self.counts
            .iter()
            .enumerate()
            .filter(|&(_, &c)| c > 0)
            .map(|(i, &c)| {
                let (lower, upper) = bucket_bounds(i);
                (lower, upper, c)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `|a − b| ≤ b / 256`, exactly.
    fn within_bound(a: u64, b: u64) -> bool {
        u128::from(a.abs_diff(b)) * 256 <= u128::from(b)
    }

    #[test]
    fn buckets_tile_the_range_within_the_bound() {
        let mut probes: Vec<u64> = (0..5000).collect();
        for e in 8..64 {
            let p = 1u64 << e;
            probes.extend([p - 1, p, p + 1, p + p / 3, p | (p - 1)]);
        }
        probes.push(u64::MAX);
        for v in probes {
            let i = bucket_index(v);
            let (lo, hi) = bucket_bounds(i);
            assert!(lo <= v && v <= hi, "{v} not in bucket {i}");
            assert!(within_bound(bucket_value(i), v), "{v}");
            assert_eq!(v < 256, lo == hi, "{v}");
        }
        assert_eq!(bucket_index(u64::MAX), 57 * 128 + 127);
        // Consecutive buckets are adjacent.
        for i in 1..=bucket_index(u64::MAX) {
            assert_eq!(bucket_bounds(i - 1).1 + 1, bucket_bounds(i).0);
        }
    }

    #[test]
    fn empty_histogram() {
        let h = Histogram::new();
        assert_eq!(
            (h.count(), h.min(), h.max(), h.mean()),
            (0, None, None, None)
        );
        assert_eq!(h.quantile(0.5), None);
        assert_eq!(h.iter_buckets().count(), 0);
    }

    #[test]
    fn quantiles_of_a_range_are_within_the_bound() {
        let n = 100_000u64;
        let mut h = Histogram::new();
        (1..=n).for_each(|v| h.record(v));
        assert_eq!((h.count(), h.min(), h.max()), (n, Some(1), Some(n)));
        assert_eq!(h.mean(), Some(50_000.5));
        for k in 0..=1000 {
            let q = k as f64 / 1000.0;
            let exact = ((q * n as f64).ceil() as u64).max(1);
            let got = h.quantile(q).unwrap();
            assert!(within_bound(got, exact), "q={q}: {got} vs {exact}");
        }
        assert_eq!(h.quantile(0.0), Some(1));
        assert_eq!(h.quantile(1.0), Some(n));
        for q in [-0.1, 1.1, f64::NAN] {
            assert_eq!(h.quantile(q), None);
        }
    }

    #[test]
    fn merge_equals_single() {
        let values: Vec<u64> = (0..20_000u64)
            .map(|i| i * i % 1_000_003 + (i << 30))
            .collect();
        let mut single = Histogram::new();
        let mut parts = [Histogram::new(), Histogram::new(), Histogram::new()];
        for (i, &v) in values.iter().enumerate() {
            single.record(v);
            parts[i % 3].record(v);
        }
        let mut merged = Histogram::new();
        for p in parts.iter().rev() {
            merged.merge(p);
        }
        merged.merge(&Histogram::new());
        assert_eq!(merged, single);
        let mut other_way = parts[0].clone();
        other_way.merge(&parts[2]);
        other_way.merge(&parts[1]);
        assert_eq!(other_way, single);
    }

    #[test]
    fn record_n_and_buckets() {
        let mut h = Histogram::new();
        h.record_n(7, 0);
        assert_eq!(h, Histogram::new());
        h.record_n(1000, 3);
        h.record(5);
        h.record(u64::MAX);
        assert_eq!(h.count(), 5);
        assert_eq!((h.min(), h.max()), (Some(5), Some(u64::MAX)));
        let expected_mean = (3000.0 + 5.0 + u64::MAX as f64) / 5.0;
        assert_eq!(h.mean(), Some(expected_mean));
        let buckets: Vec<_> = h.iter_buckets().collect();
        assert_eq!(buckets[0], (5, 5, 1));
        assert_eq!(buckets[1], (1000, 1003, 3));
        assert_eq!(buckets[2], (255 << 56, u64::MAX, 1));
        assert_eq!(h.quantile(0.2), Some(5));
        assert_eq!(h.quantile(0.5), Some(1001));
        assert_eq!(h.quantile(1.0), Some(u64::MAX));
        // Saturation instead of overflow.
        h.record_n(1, u64::MAX);
        assert_eq!(h.count(), u64::MAX);
    }
}
