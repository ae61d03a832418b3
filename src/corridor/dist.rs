//! Distributions of durations in hours, validated at load time.

use std::sync::Arc;

use rand::{Rng, RngExt};
use rand_distr::{Distribution, Exp, Gamma, LogNormal, Triangular, Uniform};
use serde::{Deserialize, Serialize};

/// How a duration is distributed, as written in a scenario: every
/// parameter is in hours.
///
/// In TOML: `{ lognormal = { mean_hours = 6.0, sd_hours = 2.0 } }`,
/// `{ deterministic_hours = 1.0 }`, `{ empirical_hours = [1.0, 2.5, 4.0] }`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum DistSpec {
    /// Always the same value \[h\].
    DeterministicHours(f64),
    /// Exponential with the given mean.
    Exponential {
        /// Mean \[h\].
        mean_hours: f64,
    },
    /// Log-normal with the given mean and standard deviation (of the
    /// duration itself, not of its logarithm).
    Lognormal {
        /// Mean \[h\].
        mean_hours: f64,
        /// Standard deviation \[h\].
        sd_hours: f64,
    },
    /// Gamma with the given mean and standard deviation.
    Gamma {
        /// Mean \[h\].
        mean_hours: f64,
        /// Standard deviation \[h\].
        sd_hours: f64,
    },
    /// Triangular on `[min_hours, max_hours]` with the given mode.
    Triangular {
        /// Lower bound \[h\].
        min_hours: f64,
        /// Most likely value \[h\].
        mode_hours: f64,
        /// Upper bound \[h\].
        max_hours: f64,
    },
    /// Uniform on `[min_hours, max_hours)`.
    Uniform {
        /// Lower bound \[h\].
        min_hours: f64,
        /// Upper bound \[h\].
        max_hours: f64,
    },
    /// Each observed value equally likely (e.g. measured dwell times).
    EmpiricalHours(Vec<f64>),
}

/// Why a [`DistSpec`] cannot become a [`HoursDist`].
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
    /// Validates `spec` and builds the sampler.
    ///
    /// # Errors
    ///
    /// A [`DistError`] naming the parameter for NaN, infinite, negative or
    /// inconsistent parameters (e.g. `min_hours > max_hours`, an empty
    /// empirical list, a zero mean).
    ///
    /// # Examples
    ///
    /// ```
    /// use silkrail::corridor::{DistSpec, HoursDist};
    ///
    /// let d = HoursDist::new(&DistSpec::Lognormal { mean_hours: 6.0, sd_hours: 2.0 })?;
    /// assert!((d.mean_hours() - 6.0).abs() < 1e-12);
    /// assert!(HoursDist::new(&DistSpec::Exponential { mean_hours: f64::NAN }).is_err());
    /// # Ok::<(), silkrail::corridor::DistError>(())
    /// ```
    pub fn new(spec: &DistSpec) -> Result<HoursDist, DistError> {
        let (kind, mean, variance) = match *spec {
            DistSpec::DeterministicHours(v) => (
                Kind::Constant(check_nonneg("deterministic_hours", v)?),
                v,
                0.0,
            ),
            DistSpec::Exponential { mean_hours } => {
                let m = check_mean("mean_hours", mean_hours)?;
                let exp = Exp::new(1.0 / m).map_err(|_| bad("mean_hours", m, "a positive mean"))?;
                (Kind::Exponential(exp), m, m * m)
            }
            DistSpec::Lognormal {
                mean_hours,
                sd_hours,
            } => {
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
                (Kind::LogNormal(d), m, s * s)
            }
            DistSpec::Gamma {
                mean_hours,
                sd_hours,
            } => {
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
                (Kind::Gamma(d), m, s * s)
            }
            DistSpec::Triangular {
                min_hours,
                mode_hours,
                max_hours,
            } => {
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
                (Kind::Triangular(d), (a + b + c) / 3.0, var)
            }
            DistSpec::Uniform {
                min_hours,
                max_hours,
            } => {
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
                let d = Uniform::new(a, b)
                    .map_err(|_| bad("max_hours", b, "a range above min_hours"))?;
                (Kind::Uniform(d), (a + b) / 2.0, (b - a).powi(2) / 12.0)
            }
            DistSpec::EmpiricalHours(ref values) => {
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
                (Kind::Empirical(values.as_slice().into()), mean, var)
            }
        };
        Ok(HoursDist {
            kind,
            mean,
            variance,
        })
    }

    /// A distribution that always gives `hours`.
    ///
    /// # Errors
    ///
    /// As [`new`](Self::new) for [`DistSpec::DeterministicHours`].
    pub fn constant(hours: f64) -> Result<HoursDist, DistError> {
        HoursDist::new(&DistSpec::DeterministicHours(hours))
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
