//! Distributions of durations in hours, validated at load time.

use std::sync::Arc;

use rand::{Rng, RngExt};
use rand_distr::{Distribution, Exp, Gamma, LogNormal, Triangular, Uniform};

/// Why a distribution's parameters are not acceptable.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{value}: expected {expected}")]
pub struct DistError {
    /// The offending parameter and its value, e.g. `sd_hours = -1`.
    pub value: String,
    /// What a valid value looks like.
    pub expected: String,
}

fn bad(name: &str, value: f64, expected: &str) -> DistError {
    DistError {
        value: format!("{name} = {value}"),
        expected: expected.to_string(),
    }
}

/// A validated duration distribution, sampled in hours.
///
/// Every sample is finite and non-negative, so it converts to a
/// [`SimDuration`](crate::time::SimDuration) without error.
#[derive(Clone, Debug)]
pub struct HoursDist {
    kind: Kind,
    mean: f64,
    variance: f64,
}

#[derive(Clone, Debug)]
enum Kind {
    Constant(f64),
    Exponential(Exp<f64>),
    LogNormal(LogNormal<f64>),
    Gamma(Gamma<f64>),
    Triangular(Triangular<f64>),
    Uniform(Uniform<f64>),
    Empirical(Arc<[f64]>),
}

/// Largest parameter accepted \[h\]: ten years. A larger duration is a units
/// mistake.
const MAX_HOURS: f64 = 87_660.0;

fn check_mean(name: &str, v: f64) -> Result<f64, DistError> {
    if !(v > 0.0 && v <= MAX_HOURS) {
        return Err(bad(
            name,
            v,
            "a finite number of hours above 0 and at most 87660 (10 years)",
        ));
    }
    Ok(v)
}

fn check_nonneg(name: &str, v: f64) -> Result<f64, DistError> {
    if !(0.0..=MAX_HOURS).contains(&v) {
        return Err(bad(
            name,
            v,
            "a finite number of hours from 0 to 87660 (10 years)",
        ));
    }
    Ok(v)
}

impl HoursDist {
    fn build(kind: Kind, mean: f64, variance: f64) -> HoursDist {
        HoursDist {
            kind,
            mean,
            variance,
        }
    }

    /// Always `hours` \[h\].
    ///
    /// # Errors
    ///
    /// A [`DistError`] for a negative, NaN or too large value (above 87,660 h,
    /// ten years: a units mistake).
    pub fn constant(hours: f64) -> Result<HoursDist, DistError> {
        let v = check_nonneg("deterministic_hours", hours)?;
        Ok(Self::build(Kind::Constant(v), v, 0.0))
    }

    /// Exponential with mean `mean_hours` \[h\].
    ///
    /// # Errors
    ///
    /// A [`DistError`] unless the mean is above 0 and at most 87,660 h.
    pub fn exponential(mean_hours: f64) -> Result<HoursDist, DistError> {
        let m = check_mean("mean_hours", mean_hours)?;
        let exp = Exp::new(1.0 / m).map_err(|_| bad("mean_hours", m, "a positive mean"))?;
        Ok(Self::build(Kind::Exponential(exp), m, m * m))
    }

    /// Log-normal with the given mean and standard deviation of the
    /// duration itself (not of its logarithm) \[h\].
    ///
    /// # Errors
    ///
    /// A [`DistError`] naming the bad parameter.
    ///
    /// # Examples
    ///
    /// ```
    /// use silkrail::corridor::HoursDist;
    ///
    /// let d = HoursDist::lognormal(6.0, 2.0)?;
    /// assert!((d.mean_hours() - 6.0).abs() < 1e-12);
    /// assert!(HoursDist::exponential(f64::NAN).is_err());
    /// # Ok::<(), silkrail::corridor::DistError>(())
    /// ```
    pub fn lognormal(mean_hours: f64, sd_hours: f64) -> Result<HoursDist, DistError> {
        let m = check_mean("mean_hours", mean_hours)?;
        let s = check_nonneg("sd_hours", sd_hours)?;
        let sigma2 = (1.0 + (s / m).powi(2)).ln();
        let mu = m.ln() - sigma2 / 2.0;
        let d = LogNormal::new(mu, sigma2.sqrt()).map_err(|_| {
            bad(
                "sd_hours",
                s,
                "a standard deviation that gives a valid log-normal",
            )
        })?;
        Ok(Self::build(Kind::LogNormal(d), m, s * s))
    }

    /// Gamma with the given mean and standard deviation \[h\].
    ///
    /// # Errors
    ///
    /// A [`DistError`] naming the bad parameter.
    pub fn gamma(mean_hours: f64, sd_hours: f64) -> Result<HoursDist, DistError> {
        let m = check_mean("mean_hours", mean_hours)?;
        let s = check_mean("sd_hours", sd_hours)?;
        let shape = (m / s).powi(2);
        let d = Gamma::new(shape, s * s / m).map_err(|_| {
            bad(
                "sd_hours",
                s,
                "a standard deviation that gives a valid gamma",
            )
        })?;
        Ok(Self::build(Kind::Gamma(d), m, s * s))
    }

    /// Triangular on `[min_hours, max_hours]` with the given mode \[h\].
    ///
    /// # Errors
    ///
    /// A [`DistError`] unless `min ≤ mode ≤ max` and `min < max`, all
    /// finite and non-negative.
    pub fn triangular(
        min_hours: f64,
        mode_hours: f64,
        max_hours: f64,
    ) -> Result<HoursDist, DistError> {
        let (a, c, b) = (
            check_nonneg("min_hours", min_hours)?,
            check_nonneg("mode_hours", mode_hours)?,
            check_nonneg("max_hours", max_hours)?,
        );
        if !(a <= c && c <= b && a < b) {
            return Err(DistError {
                value: format!("min_hours = {a}, mode_hours = {c}, max_hours = {b}"),
                expected: "min_hours ≤ mode_hours ≤ max_hours with min_hours < max_hours"
                    .to_string(),
            });
        }
        let d = Triangular::new(a, b, c)
            .map_err(|_| bad("mode_hours", c, "a mode between min and max"))?;
        let var = (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0;
        Ok(Self::build(Kind::Triangular(d), (a + b + c) / 3.0, var))
    }

    /// Uniform on `[min_hours, max_hours)` \[h\].
    ///
    /// # Errors
    ///
    /// A [`DistError`] unless `min < max`, both finite and non-negative.
    pub fn uniform(min_hours: f64, max_hours: f64) -> Result<HoursDist, DistError> {
        let (a, b) = (
            check_nonneg("min_hours", min_hours)?,
            check_nonneg("max_hours", max_hours)?,
        );
        if !(a < b) {
            return Err(DistError {
                value: format!("min_hours = {a}, max_hours = {b}"),
                expected: "min_hours < max_hours".to_string(),
            });
        }
        let d = Uniform::new(a, b).map_err(|_| bad("max_hours", b, "a range above min_hours"))?;
        Ok(Self::build(
            Kind::Uniform(d),
            (a + b) / 2.0,
            (b - a).powi(2) / 12.0,
        ))
    }

    /// Each observed value equally likely (e.g. measured dwell times) \[h\].
    ///
    /// # Errors
    ///
    /// A [`DistError`] for an empty list or a bad value.
    pub fn empirical(values: &[f64]) -> Result<HoursDist, DistError> {
        if values.is_empty() {
            return Err(DistError {
                value: "empirical_hours = []".to_string(),
                expected: "at least one observed value".to_string(),
            });
        }
        for (i, &v) in values.iter().enumerate() {
            check_nonneg(&format!("empirical_hours[{i}]"), v)?;
        }
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
        Ok(Self::build(Kind::Empirical(values.into()), mean, var))
    }

    /// Mean \[h\].
    pub fn mean_hours(&self) -> f64 {
        self.mean
    }

    /// Squared coefficient of variation (variance / mean²); 0 for a
    /// constant zero.
    pub fn scv(&self) -> f64 {
        if self.mean > 0.0 {
            self.variance / (self.mean * self.mean)
        } else {
            0.0
        }
    }

    /// Draws one duration \[h\]: finite and non-negative.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let x = match &self.kind {
            Kind::Constant(v) => *v,
            Kind::Exponential(d) => d.sample(rng),
            Kind::LogNormal(d) => d.sample(rng),
            Kind::Gamma(d) => d.sample(rng),
            Kind::Triangular(d) => d.sample(rng),
            Kind::Uniform(d) => d.sample(rng),
            Kind::Empirical(values) => values[rng.random_range(0..values.len())],
        };
        // Every parameter was checked to be finite and bounded; clamp guards
        // the far tail of the heavy-tailed samplers.
        x.clamp(0.0, MAX_HOURS * 100.0)
    }
}
