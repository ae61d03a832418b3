//! Steady-state confidence intervals by the method of batch means.

use super::online::{ConfidenceInterval, OnlineStats};

/// Confidence interval for a steady-state mean from one long run, by the
/// method of non-overlapping batch means.
///
/// `values` is the output sequence in time order (e.g. successive waiting
/// times \[ms\]) with the warm-up period already removed. It is split into
/// `batches` contiguous batches of `⌊len / batches⌋` values each; the
/// `len mod batches` leftover values are dropped from the *start* of the
/// sequence (the end nearest the initial transient). The batch means are
/// treated as independent, giving a Student-t interval with `batches − 1`
/// degrees of freedom (`ConfidenceInterval::n == batches`).
///
/// The interval is valid only if batches are long enough for their means to
/// be nearly uncorrelated; 10 to 30 batches is the usual choice, and the
/// batch size should be far larger than the correlation time of the output.
///
/// Returns `None` if `batches < 2`, there are fewer values than batches,
/// `level` is not in `(0, 1)`, or any value is non-finite (NaN policy: the
/// whole sequence is rejected, since dropping values would shift batch
/// boundaries).
///
/// ```
/// use silkrail::stats::batch_means;
/// let waits: Vec<f64> = (0..1000).map(|i| (i % 10) as f64).collect();
/// let ci = batch_means(&waits, 20, 0.95).unwrap();
/// assert_eq!(ci.n, 20);
/// assert!(ci.contains(4.5));
/// ```
pub fn batch_means(values: &[f64], batches: usize, level: f64) -> Option<ConfidenceInterval> {
    if batches < 2 || values.len() < batches || values.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let size = values.len() / batches;
    let mut means = OnlineStats::new();
    for batch in values[values.len() % batches..].chunks_exact(size) {
        means.push(batch.iter().sum::<f64>() / size as f64);
    }
    means.confidence_interval(level)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_and_leftover() {
        // 3 leading values are dropped; the remaining 100 form batches of 25.
        let mut values = vec![1e6; 3];
        values.extend((0..100).map(|i| (i / 25) as f64));
        let ci = batch_means(&values, 4, 0.9).unwrap();
        assert_eq!((ci.mean, ci.n, ci.level), (1.5, 4, 0.9));
        // Batch means 0, 1, 2, 3: variance 5/3, standard error √(5/12).
        let t = crate::stats::student_t_quantile(0.95, 3.0).unwrap();
        assert!((ci.half_width - t * (5.0f64 / 12.0).sqrt()).abs() < 1e-12);
    }

    #[test]
    fn invalid_inputs() {
        let values = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(batch_means(&values, 1, 0.95), None);
        assert_eq!(batch_means(&values, 5, 0.95), None);
        assert_eq!(batch_means(&values, 2, 1.0), None);
        assert_eq!(batch_means(&[1.0, f64::NAN, 3.0, 4.0], 2, 0.95), None);
        assert!(batch_means(&values, 4, 0.95).is_some());
    }

    /// Significance level of the coverage check: the probability that a
    /// correct batch-means interval fails it (fixed seed, so the outcome
    /// never changes between runs).
    const ALPHA: f64 = 1e-4;

    #[test]
    fn coverage_on_autocorrelated_ar1() {
        // AR(1) with φ = 0.9 and mean 10: batch means of 500 values in 20
        // batches should cover the mean in roughly 95% of 400 runs. The
        // count is tested one-sided against Binomial(400, 0.95): it fails
        // only if P(covered or fewer) < ALPHA, i.e. if the intervals are too
        // narrow for the autocorrelation (what naive intervals would be).
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut uniform = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let runs = 400;
        let mut covered = 0;
        for _ in 0..runs {
            let mut x = 10.0;
            let values: Vec<f64> = (0..10_000)
                .map(|_| {
                    // Sum of 12 uniforms − 6 is approximately standard normal.
                    let z: f64 = (0..12).map(|_| uniform()).sum::<f64>() - 6.0;
                    x = 10.0 + 0.9 * (x - 10.0) + z;
                    x
                })
                .collect();
            covered += u64::from(batch_means(&values, 20, 0.95).unwrap().contains(10.0));
        }
        let p_low = crate::stats::binomial_cdf(covered, runs, 0.95).unwrap();
        assert!(
            p_low > ALPHA,
            "covered {covered}/{runs}, P = {p_low:e} < α = {ALPHA}"
        );
        assert!(covered < runs);
    }
}
