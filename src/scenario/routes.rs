//! Validating what finds routes in a scenario: place ids looked up,
//! routing policies, and the choices on the way.

use std::sync::Arc;

use super::spec::{DirectionSpec, RoutingSpec, ScenarioSpec};
use crate::corridor::{
    ChoiceDef, Direction, FixedShares, Logit, NetworkBuilder, PlaceId, RoutingPolicy,
    ShortestExpectedDelay, ShortestQueue,
};
use crate::error::{FieldPath, InvalidField};

/// The path of entry `id` under the table `root`.
pub(super) fn at(root: &str, id: &str) -> FieldPath {
    FieldPath::root().key(root).key(id)
}

/// The place `id` names, or an error at `path`.
pub(super) fn lookup(
    b: &NetworkBuilder,
    path: FieldPath,
    id: &str,
) -> Result<PlaceId, InvalidField> {
    b.place_id(id)
        .ok_or_else(|| InvalidField::new(path, format!("'{id}'"), "the id of a node or port"))
}

/// The routing policy a flow or a choice names.
pub(super) fn routing(
    path: FieldPath,
    spec: RoutingSpec,
) -> Result<Arc<dyn RoutingPolicy>, InvalidField> {
    Ok(match spec {
        RoutingSpec::FixedShares => Arc::new(FixedShares),
        RoutingSpec::ShortestExpectedDelay => Arc::new(ShortestExpectedDelay),
        RoutingSpec::ShortestQueue => Arc::new(ShortestQueue),
        RoutingSpec::Logit { scale_hours } => {
            if !(scale_hours.is_finite() && (0.01..=10_000.0).contains(&scale_hours)) {
                return Err(InvalidField::new(
                    path.key("logit").key("scale_hours"),
                    scale_hours,
                    "a scale from 0.01 to 10000 hours",
                ));
            }
            Arc::new(Logit { scale_hours })
        }
    })
}

/// Adds the scenario's choices on the way to `b` (after its flows).
pub(super) fn choices(spec: &ScenarioSpec, b: &mut NetworkBuilder) -> Result<(), InvalidField> {
    for (id, c) in &spec.choices {
        let path = at("choices", id);
        let places = |list: FieldPath, ids: &[String]| -> Result<Vec<PlaceId>, InvalidField> {
            ids.iter()
                .enumerate()
                .map(|(i, v)| lookup(b, list.clone().index(i), v))
                .collect()
        };
        let via = c
            .via
            .iter()
            .enumerate()
            .map(|(k, stops)| places(path.clone().key("via").index(k), stops))
            .collect::<Result<Vec<_>, _>>()?;
        let mut classes = Vec::new();
        for (i, name) in c.classes.iter().enumerate() {
            classes.push(b.class_id(name).ok_or_else(|| {
                InvalidField::new(
                    path.clone().key("classes").index(i),
                    format!("'{name}'"),
                    "`container` or the id of a class under [classes]",
                )
            })?);
        }
        let mut flows = Vec::new();
        for (i, name) in c.flows.iter().enumerate() {
            flows.push(b.flow_id(name).ok_or_else(|| {
                InvalidField::new(
                    path.clone().key("flows").index(i),
                    format!("'{name}'"),
                    "the id of a flow",
                )
            })?);
        }
        b.choice(
            id,
            ChoiceDef {
                flows,
                at: places(path.clone().key("at"), &c.at)?,
                direction: match c.direction {
                    DirectionSpec::Westbound => Direction::Westbound,
                    DirectionSpec::Eastbound => Direction::Eastbound,
                },
                destinations: places(path.clone().key("destinations"), &c.destinations)?,
                classes,
                via,
                shares: c.shares.clone(),
                routing: routing(path.clone().key("routing"), c.routing)?,
                route_bias_hours: c.route_bias_hours.clone(),
            },
        )?;
    }
    Ok(())
}
