//! How a duration is written in a scenario file, and its validation into
//! a [`HoursDist`].

use serde::{Deserialize, Serialize};

use crate::corridor::{DistError, HoursDist};

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

impl DistSpec {
    /// The validated distribution.
    ///
    /// # Errors
    ///
    /// A [`DistError`] naming the bad parameter.
    pub fn to_dist(&self) -> Result<HoursDist, DistError> {
        match *self {
            DistSpec::DeterministicHours(v) => HoursDist::constant(v),
            DistSpec::Exponential { mean_hours } => HoursDist::exponential(mean_hours),
            DistSpec::Lognormal {
                mean_hours,
                sd_hours,
            } => HoursDist::lognormal(mean_hours, sd_hours),
            DistSpec::Gamma {
                mean_hours,
                sd_hours,
            } => HoursDist::gamma(mean_hours, sd_hours),
            DistSpec::Triangular {
                min_hours,
                mode_hours,
                max_hours,
            } => HoursDist::triangular(min_hours, mode_hours, max_hours),
            DistSpec::Uniform {
                min_hours,
                max_hours,
            } => HoursDist::uniform(min_hours, max_hours),
            DistSpec::EmpiricalHours(ref values) => HoursDist::empirical(values),
        }
    }
}
