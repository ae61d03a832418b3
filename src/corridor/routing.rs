//! Routing at decision points: which candidate route a train takes.
//!
//! A policy sees a [`RoutingContext`]: how many candidates there are, their
//! shares as written in the scenario, the train's own uniform draw, and the
//! model's estimate of the time each candidate would take from here. It
//! returns the index of the candidate chosen.

/// Everything a policy may look at to choose a route for one train.
pub struct RoutingContext<'a> {
    /// Number of candidate routes (at least one).
    pub candidates: usize,
    /// The candidates' shares, as given in the scenario (may be empty).
    pub shares: &'a [f64],
    /// A uniform draw in [0, 1) from the train's own random stream; the
    /// same train gets the same draw in every variant (common random
    /// numbers).
    pub uniform: f64,
    /// The expected time from the decision point to the destination by
    /// candidate `k` \[h\]: mean running and processing times plus the work
    /// queued ahead at each port, computed by the model on demand.
    pub expected_hours: &'a dyn Fn(usize) -> f64,
}

/// A rule that picks one of a flow's candidate routes.
///
/// Implement it to plug in your own policy; it must be a pure function of
/// the context (the train's own uniform draw is in it), so that results
/// stay reproducible.
pub trait RoutingPolicy: Send + Sync {
    /// A short name for reports.
    fn name(&self) -> &str;
    /// The index of the chosen candidate (values past the last candidate
    /// are taken as the last).
    fn choose(&self, ctx: &RoutingContext<'_>) -> usize;
    /// Whether the policy draws by the scenario's shares (which must then
    /// be given and sum to 1).
    fn uses_shares(&self) -> bool {
        false
    }
}

/// The index whose cumulative share first exceeds `u` (a uniform draw in
/// [0, 1)); if rounding leaves `u` at or above the sum, the last index with
/// a positive share.
pub(crate) fn pick_by_share(shares: impl Iterator<Item = f64>, u: f64) -> usize {
    let mut acc = 0.0;
    let mut last_positive = 0;
    for (k, s) in shares.enumerate() {
        acc += s;
        if s > 0.0 {
            last_positive = k;
        }
        if u < acc {
            return k;
        }
    }
    last_positive
}

/// Draws a route with the scenario's shares.
#[derive(Clone, Copy, Debug, Default)]
pub struct FixedShares;

impl RoutingPolicy for FixedShares {
    fn name(&self) -> &str {
        "fixed_shares"
    }

    fn choose(&self, ctx: &RoutingContext<'_>) -> usize {
        pick_by_share(ctx.shares.iter().copied(), ctx.uniform)
    }

    fn uses_shares(&self) -> bool {
        true
    }
}

/// Takes the candidate with the least expected time to destination given
/// the current queues; ties go to the first candidate.
#[derive(Clone, Copy, Debug, Default)]
pub struct ShortestExpectedDelay;

impl RoutingPolicy for ShortestExpectedDelay {
    fn name(&self) -> &str {
        "shortest_expected_delay"
    }

    fn choose(&self, ctx: &RoutingContext<'_>) -> usize {
        let mut best = (f64::INFINITY, 0);
        for k in 0..ctx.candidates {
            let h = (ctx.expected_hours)(k);
            if h < best.0 {
                best = (h, k);
            }
        }
        best.1
    }
}
