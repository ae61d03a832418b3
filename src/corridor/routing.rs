//! Routing at decision points: which candidate route a train takes.

use super::network::{Direction, GaugeChange, Network, PlaceKind, PortId, RouteId};

/// What a routing policy may look at: the live state of the ports.
pub trait PortLoad {
    /// Trains at `port` in `dir` that have not yet reached a track: held
    /// upstream, in inspection or queued.
    fn trains_before_track(&self, port: PortId, dir: Direction) -> u32;
    /// Trains at `port` in `dir` that are transshipped and wait for the
    /// handover.
    fn handover_backlog(&self, port: PortId, dir: Direction) -> u32;
}

/// Everything a policy needs to choose a route for one train.
pub struct RoutingContext<'a> {
    /// The network.
    pub network: &'a Network,
    /// The train's flow's candidate routes; the choice is an index into
    /// this slice.
    pub candidates: &'a [RouteId],
    /// The candidates' shares, as given in the scenario.
    pub shares: &'a [f64],
    /// Position in each candidate's places where the train now stands
    /// (all candidates share the places up to here).
    pub position: usize,
    /// Direction of travel.
    pub direction: Direction,
    /// A uniform draw in [0, 1) from the train's own random stream; the
    /// same train gets the same draw in every variant (common random
    /// numbers).
    pub uniform: f64,
    /// Live port state.
    pub load: &'a dyn PortLoad,
}

impl RoutingContext<'_> {
    /// Expected time from the current position to the end of candidate `k`
    /// \[h\]: mean running times, mean processing at each port, and the
    /// work ahead in each port's queue and handover backlog.
    pub fn expected_hours(&self, k: usize) -> f64 {
        let route = &self.network.routes[self.candidates[k].index()];
        let mut hours = 0.0;
        for &(sec, _) in &route.legs[self.position.min(route.legs.len())..] {
            hours += self.network.sections[sec.index()].running.mean_hours();
        }
        for &place in &route.places[self.position + 1..] {
            if let PlaceKind::Port(pid) = self.network.places[place.index()].kind {
                let port = &self.network.ports[pid.index()];
                let side = &port.sides[self.direction.index()];
                hours += port.mean_processing_hours(self.direction);
                if port.change != GaugeChange::None {
                    let ahead = f64::from(self.load.trains_before_track(pid, self.direction));
                    let track_hours =
                        side.transshipment.mean_hours() + side.track_release.mean_hours();
                    hours += ahead * track_hours / f64::from(side.tracks);
                }
                if let Some(cap) = side.handover_cap_per_day {
                    let backlog = f64::from(self.load.handover_backlog(pid, self.direction));
                    hours += 24.0 * backlog / f64::from(cap);
                }
            }
        }
        hours
    }
}

/// A rule that picks one of a flow's candidate routes.
///
/// Implement it to plug in your own policy; it must be a pure function of
/// the context (the train's own uniform draw is in it), so that results
/// stay reproducible.
pub trait RoutingPolicy: Send + Sync {
    /// A short name for reports.
    fn name(&self) -> &str;
    /// The index of the chosen candidate.
    fn choose(&self, ctx: &RoutingContext<'_>) -> usize;
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
}

/// Takes the candidate with the least expected time to destination given
/// the current queues ([`RoutingContext::expected_hours`]); ties go to the
/// first candidate.
#[derive(Clone, Copy, Debug, Default)]
pub struct ShortestExpectedDelay;

impl RoutingPolicy for ShortestExpectedDelay {
    fn name(&self) -> &str {
        "shortest_expected_delay"
    }

    fn choose(&self, ctx: &RoutingContext<'_>) -> usize {
        let mut best = (f64::INFINITY, 0);
        for k in 0..ctx.candidates.len() {
            let h = ctx.expected_hours(k);
            if h < best.0 {
                best = (h, k);
            }
        }
        best.1
    }
}
