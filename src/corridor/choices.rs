//! Choices on the way: trains already under way choose again among routes
//! at named places, on what they find there.
//!
//! A flow's own choice (its `via` candidates) is made once, at its decision
//! point. A [`Choice`] is made wherever a train reaches one of its places:
//! a Europe-bound train arriving at the Russian border chooses its EU
//! crossing, one at Almaty or Moyinty whether to go on north or take the
//! Caspian ferry. Each candidate is the quickest gauge-consistent path from
//! the place through its listed places to the train's destination, or, for
//! an empty entry, the route the train is on. Every train makes each choice
//! at most once, with a uniform draw of its own for that choice (the same
//! in every variant: common random numbers).

use std::sync::Arc;

use super::ids::{ClassId, Direction, FlowId, PlaceId, RouteId};
use super::routing::RoutingPolicy;

/// The most choices a network may have (each train keeps a bit for each).
pub const MAX_CHOICES: usize = 32;

// Each train keeps the choices it has made in a `u32`.
const _: () = assert!(MAX_CHOICES <= 32);

/// What a choice is, before validation: the input of
/// [`NetworkBuilder::choice`](super::NetworkBuilder::choice).
#[derive(Clone)]
pub struct ChoiceDef {
    /// Where trains choose: the first of these places a train reaches.
    pub at: Vec<PlaceId>,
    /// The direction of the trains that choose.
    pub direction: Direction,
    /// The destination hubs of the trains that choose.
    pub destinations: Vec<PlaceId>,
    /// The classes of the trains that choose.
    pub classes: Vec<ClassId>,
    /// The flows whose trains choose (empty: every flow).
    pub flows: Vec<FlowId>,
    /// The candidates: each a list of places to pass in order on the way to
    /// the train's destination; an empty list stays on the current route.
    pub via: Vec<Vec<PlaceId>>,
    /// Shares of the candidates under fixed-share routing (sum 1).
    pub shares: Vec<f64>,
    /// How trains choose among the candidates.
    pub routing: Arc<dyn RoutingPolicy>,
    /// Hours added to each candidate's expected time (empty: none).
    pub route_bias_hours: Vec<f64>,
}

/// A validated choice on the way.
#[derive(Clone)]
pub struct Choice {
    /// The id.
    pub id: String,
    /// Where trains choose (the first of these a train reaches).
    pub at: Vec<PlaceId>,
    /// The direction of the trains that choose.
    pub direction: Direction,
    /// The destination hubs of the trains that choose.
    pub destinations: Vec<PlaceId>,
    /// The classes of the trains that choose.
    pub classes: Vec<ClassId>,
    /// The flows whose trains choose (empty: every flow).
    pub flows: Vec<FlowId>,
    /// `routes[a][d][k]`: from place `at[a]` to destination
    /// `destinations[d]` by candidate `k`; `None` for the candidate that
    /// stays on the current route.
    pub routes: Vec<Vec<Vec<Option<RouteId>>>>,
    /// Shares of the candidates (fixed-share routing).
    pub shares: Vec<f64>,
    /// The routing policy.
    pub policy: Arc<dyn RoutingPolicy>,
    /// Hours added to each candidate's expected time (empty: none).
    pub route_bias_hours: Vec<f64>,
}

impl Choice {
    /// The candidates for a train of `flow` and `class` bound for
    /// `destination` at `place` in `dir`, if the choice applies to it there.
    #[inline]
    pub fn candidates(
        &self,
        place: PlaceId,
        dir: Direction,
        flow: FlowId,
        class: ClassId,
        destination: PlaceId,
    ) -> Option<&[Option<RouteId>]> {
        if dir != self.direction
            || !self.classes.contains(&class)
            || !(self.flows.is_empty() || self.flows.contains(&flow))
        {
            return None;
        }
        let a = self.at.iter().position(|&p| p == place)?;
        let d = self.destinations.iter().position(|&p| p == destination)?;
        Some(&self.routes[a][d])
    }
}

impl std::fmt::Debug for Choice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Choice")
            .field("id", &self.id)
            .field("at", &self.at)
            .field("direction", &self.direction)
            .field("routes", &self.routes)
            .field("policy", &self.policy.name())
            .finish_non_exhaustive()
    }
}
