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
    /// The trains at or bound for the first port ahead on candidate `k`:
    /// at its border, inside it (yard, inspection, tracks, departure
    /// tracks) and on their way to it past their own route choice
    /// (committed); 0 if the candidate passes no port.
    pub trains_ahead: &'a dyn Fn(usize) -> u64,
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

/// Join the shortest queue: the candidate whose first port ahead has the
/// fewest trains at or bound for it (waiting at its border, inside it and
/// committed to it on the way); ties go to the first candidate. It looks
/// only at the next port, not at running times or the ports beyond, which
/// makes it the textbook policy for parallel servers of one stage (the
/// performance anchors' three-port model) rather than for a corridor.
#[derive(Clone, Copy, Debug, Default)]
pub struct ShortestQueue;

impl RoutingPolicy for ShortestQueue {
    fn name(&self) -> &str {
        "shortest_queue"
    }

    fn choose(&self, ctx: &RoutingContext<'_>) -> usize {
        (0..ctx.candidates)
            .min_by_key(|&k| ((ctx.trains_ahead)(k), k))
            .unwrap_or(0)
    }
}

/// Candidates up to which a logit choice keeps its times on the stack.
const INLINE_CANDIDATES: usize = 16;

/// A logit choice on expected time: candidate `k` is taken with
/// probability proportional to `w_k · exp(−T_k / θ)`, where `T_k` is the
/// model's expected time to destination by `k` (running, processing, and
/// the trains queued at and *on their way to* each port ahead), `w_k` the
/// scenario's shares (equal without them) and `θ` the scale.
///
/// The draw is the train's own uniform number, so that trains deciding
/// together do not all switch at once: each new decision raises the load
/// its candidate shows to the next one, and the probabilities move
/// smoothly with the times. A small scale approaches the shortest expected
/// time; a large one, the shares. A candidate whose expected time is
/// infinite (a port not yet open, a closed line) is never taken while
/// another is finite.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Logit {
    /// The scale θ \[h\]: a time difference of θ changes the odds by a
    /// factor of e.
    pub scale_hours: f64,
}

impl Logit {
    /// The choice probabilities for the times `hours` with weights
    /// `weights` (empty: equal), as [`choose`](RoutingPolicy::choose)
    /// draws them.
    pub fn probabilities(&self, hours: &[f64], weights: &[f64]) -> Vec<f64> {
        let mut out = hours.to_vec();
        self.probabilities_in_place(&mut out, weights);
        out
    }

    /// [`probabilities`](Self::probabilities) without allocating: `hours`
    /// in, the probabilities out.
    fn probabilities_in_place(&self, hours: &mut [f64], weights: &[f64]) {
        let best = hours.iter().copied().fold(f64::INFINITY, f64::min);
        // Weights relative to the largest, so that equal weights are
        // exactly 1 however many candidates share them: a variant that
        // adds a candidate nobody may take leaves every choice in place.
        let top = weights.iter().copied().fold(0.0, f64::max);
        let w = |k: usize| match weights.get(k) {
            Some(&x) if top > 0.0 => x / top,
            Some(&x) => x,
            None => 1.0,
        };
        let n = hours.len();
        if !best.is_finite() {
            // Nothing is open: the weights alone.
            let total: f64 = (0..n).map(w).sum();
            for (k, p) in hours.iter_mut().enumerate() {
                *p = if total > 0.0 {
                    w(k) / total
                } else {
                    1.0 / n as f64
                };
            }
            return;
        }
        let raw = |k: usize, h: f64| {
            if h == best {
                // exp(-0 / scale) is exactly 1: the exponential of the best
                // candidate (or of each one tied with it) is not needed.
                w(k)
            } else if h.is_finite() {
                w(k) * (-(h - best) / self.scale_hours).exp()
            } else {
                0.0
            }
        };
        // Each candidate's exponential once (it is most of a choice's
        // cost), kept beside the times, which the fallback below needs.
        let mut inline = [0.0; INLINE_CANDIDATES];
        let mut spilled = Vec::new();
        let raws = if n <= INLINE_CANDIDATES {
            &mut inline[..n]
        } else {
            spilled.resize(n, 0.0);
            &mut spilled[..]
        };
        for (k, (r, &h)) in raws.iter_mut().zip(hours.iter()).enumerate() {
            *r = raw(k, h);
        }
        let total: f64 = raws.iter().sum();
        if total > 0.0 {
            for (h, &r) in hours.iter_mut().zip(raws.iter()) {
                *h = r / total;
            }
        } else {
            // Every finite candidate has weight 0: the quickest alone.
            for h in hours.iter_mut() {
                *h = f64::from(u8::from(*h == best));
            }
        }
    }
}

impl RoutingPolicy for Logit {
    fn name(&self) -> &str {
        "logit"
    }

    fn choose(&self, ctx: &RoutingContext<'_>) -> usize {
        let mut inline = [0.0; INLINE_CANDIDATES];
        let mut spilled = Vec::new();
        let hours = if ctx.candidates <= INLINE_CANDIDATES {
            &mut inline[..ctx.candidates]
        } else {
            spilled.resize(ctx.candidates, 0.0);
            &mut spilled[..]
        };
        for (k, h) in hours.iter_mut().enumerate() {
            *h = (ctx.expected_hours)(k);
        }
        self.probabilities_in_place(hours, ctx.shares);
        pick_by_share(hours.iter().copied(), ctx.uniform)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortest_queue_takes_the_fewest_trains_ahead_first_on_ties() {
        let choose = |ahead: [u64; 3]| {
            let a = move |k: usize| ahead[k];
            let never = |_: usize| -> f64 { unreachable!("the policy looks at trains only") };
            ShortestQueue.choose(&RoutingContext {
                candidates: 3,
                shares: &[],
                uniform: 0.5,
                expected_hours: &never,
                trains_ahead: &a,
            })
        };
        assert_eq!(choose([3, 1, 2]), 1);
        assert_eq!(choose([2, 2, 2]), 0);
        assert_eq!(choose([5, 4, 4]), 1);
        assert_eq!(choose([0, 4, 0]), 0);
    }

    #[test]
    fn logit_probabilities() {
        let l = Logit { scale_hours: 2.0 };
        let p = l.probabilities(&[10.0, 10.0], &[]);
        assert_eq!(p, vec![0.5, 0.5]);
        // Two hours later: odds e to 1.
        let p = l.probabilities(&[10.0, 12.0], &[]);
        assert!((p[0] / p[1] - std::f64::consts::E).abs() < 1e-12);
        // Weights multiply the odds.
        let p = l.probabilities(&[10.0, 10.0], &[0.75, 0.25]);
        assert!((p[0] - 0.75).abs() < 1e-12);
        // An infinite time is never taken while another is finite.
        let p = l.probabilities(&[f64::INFINITY, 30.0], &[0.9, 0.1]);
        assert_eq!(p, vec![0.0, 1.0]);
        // All infinite: the weights.
        let p = l.probabilities(&[f64::INFINITY, f64::INFINITY], &[0.9, 0.1]);
        assert!((p[0] - 0.9).abs() < 1e-12 && (p[1] - 0.1).abs() < 1e-12);
        // Equal weights are exactly equal however many share them.
        let three = l.probabilities(&[10.0, 12.0, f64::INFINITY], &[1.0 / 3.0; 3]);
        let two = l.probabilities(&[10.0, 12.0], &[0.5; 2]);
        assert_eq!(&three[..2], &two[..]);
    }
}
