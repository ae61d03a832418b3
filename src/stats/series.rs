//! Time series across replications, and the MSER-5 warm-up check.

use serde::{Deserialize, Serialize};

use super::online::ConfidenceInterval;

/// The resolution of a [`SeriesMoments`]: values are rounded to a
/// thousandth (of a train, say) before they are added, so that sums are
/// exact integers and shards merge into exactly the unsplit result.
pub const SERIES_QUANTUM: f64 = 1e-3;

/// The largest value a series takes; larger ones (and non-finite ones) are
/// counted as skipped. With at most 10⁸ replications (the experiment
/// layer's bound) the sums of squares stay below 10³² quanta², far inside
/// 128 bits; sums merged from parts that overflow all the same mark the
/// series as overflowed, and its figures are then `None`.
const MAX_SERIES_VALUE: f64 = 1e9;

/// Exact moments at each point of a series (a day, a month) over
/// replications: the mean and a confidence interval per point, mergeable
/// in any order with the same bits.
///
/// # Examples
///
/// ```
/// use silkrail::stats::SeriesMoments;
///
/// let mut s = SeriesMoments::default();
/// s.push(&[1.0, 2.0, 4.0]);
/// s.push(&[3.0, 2.0, 6.0]);
/// assert_eq!(s.mean(2), Some(5.0));
/// let ci = s.interval(0, 0.95).unwrap();
/// assert_eq!((ci.mean, ci.n), (2.0, 2));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SeriesMoments {
    /// Values at each point.
    count: Vec<u64>,
    /// Sum of the values in quanta, per point (as text: JSON numbers do
    /// not hold 128 bits).
    #[serde(with = "as_text")]
    sum: Vec<i128>,
    /// Sum of the squared values in quanta², per point.
    #[serde(with = "as_text")]
    sum_sq: Vec<i128>,
    /// Values left out (non-finite or beyond ±10⁹).
    skipped: u64,
    /// Whether a sum overflowed (only parts merged beyond any real run).
    #[serde(default)]
    overflow: bool,
}

mod as_text {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(v: &[i128], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|x| x.to_string()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i128>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|s| s.parse().map_err(D::Error::custom))
            .collect()
    }
}

impl SeriesMoments {
    /// Adds one replication's series (a longer one extends the points).
    pub fn push(&mut self, values: &[f64]) {
        if values.len() > self.count.len() {
            self.count.resize(values.len(), 0);
            self.sum.resize(values.len(), 0);
            self.sum_sq.resize(values.len(), 0);
        }
        for (i, &x) in values.iter().enumerate() {
            if !(x.abs() <= MAX_SERIES_VALUE) {
                self.skipped += 1;
                continue;
            }
            let q = (x / SERIES_QUANTUM).round() as i128;
            self.count[i] += 1;
            self.add(i, q, q * q);
        }
    }

    fn add(&mut self, i: usize, sum: i128, sum_sq: i128) {
        match (
            self.sum[i].checked_add(sum),
            self.sum_sq[i].checked_add(sum_sq),
        ) {
            (Some(s), Some(ss)) => (self.sum[i], self.sum_sq[i]) = (s, ss),
            _ => self.overflow = true,
        }
    }

    /// Adds another part's replications.
    pub fn merge(&mut self, other: &SeriesMoments) {
        // (A part read from a file may hold lists of unequal lengths: only
        // the points all three cover count.)
        let n = other
            .count
            .len()
            .min(other.sum.len())
            .min(other.sum_sq.len());
        if n > self.count.len() {
            self.count.resize(n, 0);
            self.sum.resize(n, 0);
            self.sum_sq.resize(n, 0);
        }
        for i in 0..n {
            self.count[i] = self.count[i].saturating_add(other.count[i]);
            self.add(i, other.sum[i], other.sum_sq[i]);
        }
        self.skipped = self.skipped.saturating_add(other.skipped);
        self.overflow |= other.overflow;
    }

    /// The number of points.
    pub fn len(&self) -> usize {
        self.count.len()
    }

    /// Whether there are no points.
    pub fn is_empty(&self) -> bool {
        self.count.is_empty()
    }

    /// The mean at point `i` over the replications.
    pub fn mean(&self, i: usize) -> Option<f64> {
        let n = *self.count.get(i)?;
        let s = *self.sum.get(i)?;
        (n > 0 && !self.overflow).then(|| s as f64 / n as f64 * SERIES_QUANTUM)
    }

    /// The means at every point (`NaN` where there is none).
    pub fn means(&self) -> Vec<f64> {
        (0..self.len())
            .map(|i| self.mean(i).unwrap_or(f64::NAN))
            .collect()
    }

    /// The mean at point `i` with its Student-t interval at `level` (the
    /// half width is 0 with a single replication).
    pub fn interval(&self, i: usize, level: f64) -> Option<ConfidenceInterval> {
        let n = *self.count.get(i)?;
        let mean = self.mean(i)?;
        let half_width = if n < 2 {
            0.0
        } else {
            let (s, ss, nn) = (self.sum[i], *self.sum_sq.get(i)?, i128::from(n));
            // n² · variance · (n − 1)/n in quanta², exactly.
            let num = nn.checked_mul(ss)?.checked_sub(s.checked_mul(s)?)?;
            let var = num as f64 / (n as f64 * (n - 1) as f64) * SERIES_QUANTUM * SERIES_QUANTUM;
            let t = super::student_t_quantile(0.5 + level / 2.0, (n - 1) as f64)?;
            t * (var.max(0.0) / n as f64).sqrt()
        };
        Some(ConfidenceInterval {
            mean,
            half_width,
            level,
            n,
        })
    }
}

/// The MSER-5 truncation point of `values` (an output series in time
/// order, e.g. the daily mean queue): the number of leading values to
/// discard as warm-up. The series is cut into batches of 5; the point is
/// the batch boundary `d` that minimises the marginal standard error
/// `Σ (b − mean)² / (k − d)²` of the `k − d` batch means `b` left. The
/// search covers the first half of the batches only: the statistic of a
/// short tail is small by chance, and a transient longer than half the run
/// means the run is too short anyway (the caller sees a point near half
/// the series). `None` with fewer than 10 batches or a non-finite value.
///
/// # Examples
///
/// ```
/// use silkrail::stats::mser5;
///
/// // A transient of 40 values at 10, then noise about 1.
/// let series: Vec<f64> = (0..400)
///     .map(|i| if i < 40 { 10.0 } else { 1.0 + 0.1 * ((i * 7919) % 13) as f64 / 13.0 })
///     .collect();
/// assert_eq!(mser5(&series), Some(40));
/// ```
pub fn mser5(values: &[f64]) -> Option<usize> {
    const BATCH: usize = 5;
    if values.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let means: Vec<f64> = values
        .chunks_exact(BATCH)
        .map(|c| c.iter().sum::<f64>() / BATCH as f64)
        .collect();
    let k = means.len();
    if k < 10 {
        return None;
    }
    // Suffix sums give every candidate's statistic in one pass.
    let (mut sum, mut sum_sq) = (0.0, 0.0);
    let mut stat = vec![f64::INFINITY; k];
    for d in (0..k).rev() {
        sum += means[d];
        sum_sq += means[d] * means[d];
        let m = (k - d) as f64;
        if k - d >= 2 {
            stat[d] = (sum_sq - sum * sum / m).max(0.0) / (m * m);
        }
    }
    let best = (0..=k / 2)
        .min_by(|&a, &b| stat[a].total_cmp(&stat[b]))
        .expect("at least ten batches");
    Some(best * BATCH)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_distr::{Distribution, Exp};

    #[test]
    fn merging_in_any_order_gives_the_same_bits() {
        let rows: Vec<Vec<f64>> = (0..7)
            .map(|r| (0..5).map(|i| (r * 3 + i) as f64 * 0.37).collect())
            .collect();
        let mut all = SeriesMoments::default();
        rows.iter().for_each(|r| all.push(r));
        let (mut a, mut b) = (SeriesMoments::default(), SeriesMoments::default());
        rows[..3].iter().rev().for_each(|r| b.push(r));
        rows[3..].iter().for_each(|r| a.push(r));
        a.merge(&b);
        assert_eq!(a, all);
        let json = serde_json::to_string(&all).unwrap();
        assert_eq!(serde_json::from_str::<SeriesMoments>(&json).unwrap(), all);
    }

    #[test]
    fn the_interval_is_the_student_t_interval() {
        let mut s = SeriesMoments::default();
        for x in [1.0, 2.0, 3.0, 4.0] {
            s.push(&[x]);
        }
        let ci = s.interval(0, 0.95).unwrap();
        // Mean 2.5, sample variance 5/3, t(0.975, 3) · √(5/12).
        let t = crate::stats::student_t_quantile(0.975, 3.0).unwrap();
        assert!((ci.half_width - t * (5.0f64 / 12.0).sqrt()).abs() < 1e-12);
        assert_eq!(ci.mean, 2.5);
    }

    /// Waiting times of successive customers of an M/M/1 queue (λ = 0.5,
    /// μ = 1) by Lindley's recursion, the first customer finding `w0` of
    /// work ahead.
    fn mm1_waits(w0: f64, n: usize, seed: u64) -> Vec<f64> {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
        let (arrive, serve) = (Exp::new(0.5).unwrap(), Exp::new(1.0).unwrap());
        let mut w = w0;
        (0..n)
            .map(|_| {
                let out = w;
                w = (w + serve.sample(&mut rng) - arrive.sample(&mut rng)).max(0.0);
                out
            })
            .collect()
    }

    #[test]
    fn mser5_finds_the_transient_of_an_mm1_queue_started_full() {
        // Started with 200 h of work (the steady-state mean wait is 1 h),
        // each customer takes 1 h of service and the next comes 2 h later
        // on average: the work drains by about 1 h a customer, and the
        // transient ends when a customer first finds the queue empty. The
        // truncation point must cut at least to the first customer who
        // waits less than ten times the steady-state mean (10 h), on every
        // seed: what it keeps holds no value of the transient's bulk. On
        // the same draws started empty, the two queues coincide from that
        // customer on, so the empty start needs no more warm-up than the
        // full one.
        for seed in 0..20 {
            let full = mm1_waits(200.0, 20_000, seed);
            let settled = full
                .iter()
                .position(|&w| w < 10.0)
                .expect("the queue drains");
            let d = mser5(&full).expect("a truncation point");
            assert!(
                d >= settled,
                "seed {seed}: cut {d}, below 10 h from {settled}"
            );
            let e = mser5(&mm1_waits(0.0, 20_000, seed)).expect("a truncation point");
            assert!(e <= d, "seed {seed}: empty start {e}, full {d}");
        }
    }

    #[test]
    fn mser5_refuses_what_it_cannot_judge() {
        assert_eq!(mser5(&[1.0; 45]), None);
        assert_eq!(mser5(&[f64::NAN; 100]), None);
        // A series that only falls keeps falling past half of it: the
        // point found is the end of the search, half the series.
        let falling: Vec<f64> = (0..200).map(|i| 1e4 / (1.0 + i as f64)).collect();
        assert_eq!(mser5(&falling), Some(100));
    }
}
