//! Output statistics for simulation experiments.
//!
//! * [`OnlineStats`]: streaming mean, variance and extrema (Welford), mergeable.
//! * [`ExactMoments`]: mean, variance and extrema kept as exact integer
//!   sums, so that parts merge into the same bits in any order (what an
//!   experiment over threads and shards accumulates).
//! * [`ConfidenceInterval`]: two-sided Student-t interval for a mean.
//! * [`batch_means`]: steady-state confidence interval from one long run.
//! * [`Histogram`]: mergeable log-linear histogram of `u64` values (e.g.
//!   durations in \[ms\]) with bounded relative error.
//! * [`TimeWeighted`]: exact time-weighted means of integer state.
//! * Distribution functions: Student t, normal, chi-squared and binomial.
//!
//! # Conventions
//!
//! * A statistic that is undefined (no data, too few observations, a parameter
//!   outside its domain) or not representable as a finite `f64` is `None`;
//!   no function returns NaN, and no function panics.
//! * NaN inputs: [`OnlineStats::push`] ignores non-finite values and counts
//!   them ([`OnlineStats::non_finite_count`]); [`batch_means`] returns `None`
//!   if any value is non-finite; the distribution functions return `None`
//!   for a NaN argument.

mod batch;
mod dist;
mod exact;
mod histogram;
mod online;
mod series;
mod time_weighted;

pub use batch::batch_means;
pub use dist::{
    binomial_cdf, chi_squared_cdf, chi_squared_quantile, normal_cdf, normal_quantile,
    student_t_cdf, student_t_quantile,
};
pub use exact::ExactMoments;
pub use histogram::Histogram;
pub use online::{ConfidenceInterval, OnlineStats};
pub use series::{SERIES_QUANTUM, SeriesMoments, mser5};
pub use time_weighted::TimeWeighted;
