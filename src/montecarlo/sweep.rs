//! Where a measure crosses a threshold as a parameter grows.

use serde::{Deserialize, Serialize};

use super::Interval;

/// The watched metric at one value of the swept parameter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepPoint {
    /// The parameter's value (e.g. a demand multiplier).
    pub x: f64,
    /// The metric's mean with its interval.
    pub value: Interval,
}

/// A sweep of one arm (e.g. one variant) over the parameter's grid.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepSeries {
    /// The arm's label.
    pub label: String,
    /// The metric at each grid value, ascending.
    pub points: Vec<SweepPoint>,
    /// Where the mean curve reaches the threshold, if it does; for a
    /// falling curve, where it falls below it.
    pub saturation: Option<f64>,
    /// Whether the curve starts at or above the threshold and falls below
    /// it (a capacity raised, say), so that `saturation` is where it falls
    /// below.
    #[serde(default)]
    pub falling: bool,
}

/// The first `x` at which the curve `(x, y)` (sorted by `x`) reaches
/// `threshold`, interpolating linearly between grid points; the first `x`
/// if the curve starts at or above it; `None` if it never does.
///
/// # Examples
///
/// ```
/// use silkrail::montecarlo::crossing;
///
/// let curve = [(1.0, 2.0), (1.5, 6.0), (2.0, 30.0)];
/// assert_eq!(crossing(&curve, 4.0), Some(1.25));
/// assert_eq!(crossing(&curve, 100.0), None);
/// ```
pub fn crossing(curve: &[(f64, f64)], threshold: f64) -> Option<f64> {
    let &(x0, y0) = curve.first()?;
    if y0 >= threshold {
        return Some(x0);
    }
    curve.windows(2).find_map(|w| {
        let ((xa, ya), (xb, yb)) = (w[0], w[1]);
        (yb >= threshold).then(|| xa + (threshold - ya) / (yb - ya) * (xb - xa))
    })
}

/// The first `x` at which the curve `(x, y)` (sorted by `x`) falls below
/// `threshold`, interpolating linearly; the first `x` if the curve starts
/// below it; `None` if it never does.
///
/// # Examples
///
/// ```
/// use silkrail::montecarlo::falling_crossing;
///
/// let curve = [(6.0, 30.0), (12.0, 10.0), (24.0, 2.0)];
/// assert_eq!(falling_crossing(&curve, 20.0), Some(9.0));
/// assert_eq!(falling_crossing(&curve, 1.0), None);
/// ```
pub fn falling_crossing(curve: &[(f64, f64)], threshold: f64) -> Option<f64> {
    let &(x0, y0) = curve.first()?;
    if y0 < threshold {
        return Some(x0);
    }
    curve.windows(2).find_map(|w| {
        let ((xa, ya), (xb, yb)) = (w[0], w[1]);
        (yb < threshold).then(|| xa + (ya - threshold) / (ya - yb) * (xb - xa))
    })
}

/// Whether the curve starts at or above `threshold` and falls below it
/// later: then its crossing is where it falls ([`falling_crossing`]), not
/// where it rises ([`crossing`]).
pub fn is_falling(curve: &[(f64, f64)], threshold: f64) -> bool {
    curve.first().is_some_and(|&(_, y0)| y0 >= threshold)
        && curve.iter().any(|&(_, y)| y < threshold)
}

/// The crossing of the mean curve of `points` (see [`crossing`]).
pub fn saturation_point(points: &[SweepPoint], threshold: f64) -> Option<f64> {
    let curve: Vec<(f64, f64)> = points.iter().map(|p| (p.x, p.value.mean)).collect();
    crossing(&curve, threshold)
}
