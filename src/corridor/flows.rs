//! Flows and choices on the way, added to a [`NetworkBuilder`]: the
//! parts that find routes through the network built so far.

use super::builder::{NetworkBuilder, check_id, path};
use super::checks::{MAX_YEARS, check_shares};
use super::choices::{Choice, ChoiceDef, MAX_CHOICES};
use super::ids::{FlowId, PlaceId, RouteId};
use super::network::{
    ClassAtSide, Destination, Flow, FlowDef, Handling, Network, PlaceKind, Route,
};
use super::routes::{Graph, decision_index};
use crate::error::{FieldPath, InvalidField};

impl NetworkBuilder {
    /// Adds a flow of trains, finding its candidate routes.
    ///
    /// # Errors
    ///
    /// The first [`InvalidField`] under `flows.<id>`: a bad or used id, an
    /// origin or destination that is not a hub, a rate outside 0 to 10⁶
    /// trains a year, containers outside 1–1000, route shares that do not
    /// fit the candidates or do not sum to 1, destination shares that do
    /// not sum to 1, or a candidate route that does not exist
    /// (`flows.<id>.via[k]`) because no gauge-consistent path passes its
    /// places in order.
    pub fn flow(&mut self, id: &str, def: FlowDef) -> Result<FlowId, InvalidField> {
        check_id("flows", id)?;
        let at = path("flows", id);
        if self.flow_ids.iter().any(|f| f == id) {
            return Err(InvalidField::new(
                at,
                format!("'{id}'"),
                "an id not already used by a flow",
            ));
        }
        self.require_hub(at.clone().key("origin"), def.origin)?;
        if !(def.trains_per_year >= 0.0 && def.trains_per_year <= 1.0e6) {
            return Err(InvalidField::new(
                at.key("trains_per_year"),
                def.trains_per_year,
                "a number of trains from 0 to 1000000",
            ));
        }
        if def.containers_per_train == 0 || def.containers_per_train > 1_000 {
            return Err(InvalidField::new(
                at.key("containers_per_train"),
                def.containers_per_train,
                "from 1 to 1000 containers",
            ));
        }
        let mut year_factors = Vec::new();
        if !def.growth_per_year.is_empty() {
            let mut factor = 1.0;
            year_factors.push(factor);
            for y in 0..MAX_YEARS {
                let i = y.min(def.growth_per_year.len() - 1);
                let r = def.growth_per_year[i];
                if !(r.is_finite() && r > -1.0 && r <= 10.0) {
                    return Err(InvalidField::new(
                        at.clone().key("growth_per_year").index(i),
                        r,
                        "a yearly rate above -1 (-100 %) and at most 10 (+1000 %)",
                    ));
                }
                // At most 11-fold a year over 100 years: finite. A run's
                // size is checked against the trains it releases.
                factor *= 1.0 + r;
                year_factors.push(factor);
            }
        }
        let candidates = def.via.len().max(1);
        let shares = check_preferences(
            &at,
            &def.route_bias_hours,
            &def.shares,
            candidates,
            def.routing.uses_shares(),
        )?;
        if def.destinations.is_empty() {
            return Err(InvalidField::new(
                at.key("destinations"),
                "{}",
                "at least one destination hub with its share",
            ));
        }
        let mut sum = 0.0;
        let mut destinations = Vec::new();
        for &(place, share) in &def.destinations {
            let dpath = at
                .clone()
                .key("destinations")
                .key(self.places[place.index()].id.clone());
            if !(0.0..=1.0).contains(&share) {
                return Err(InvalidField::new(dpath, share, "a share from 0 to 1"));
            }
            sum += share;
            self.require_hub(dpath.clone(), place)?;
            if place == def.origin {
                return Err(InvalidField::new(
                    dpath,
                    format!("'{}'", self.places[place.index()].id),
                    "a hub other than the origin",
                ));
            }
            let routes = self.candidate_routes(&at, &def, place)?;
            let found: Vec<&Route> = routes.iter().map(|r| &self.routes[r.index()]).collect();
            let diverge = decision_index(&found);
            let decision_index = match def.decide_at {
                None => diverge,
                Some(at_place) => {
                    // On the common stretch of every candidate, at or before
                    // where they part.
                    let pos = found[0].places[..=diverge.min(found[0].places.len() - 1)]
                        .iter()
                        .position(|&p| p == at_place);
                    match pos {
                        Some(i) if found.len() > 1 => i,
                        _ => {
                            return Err(InvalidField::new(
                                at.clone().key("decide_at"),
                                format!("'{}'", self.places[at_place.index()].id),
                                format!(
                                    "a place every candidate route to '{}' passes before the routes part (one of: {})",
                                    self.places[place.index()].id,
                                    found[0].places[..=diverge.min(found[0].places.len() - 1)]
                                        .iter()
                                        .map(|p| self.places[p.index()].id.as_str())
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ),
                            ));
                        }
                    }
                }
            };
            destinations.push(Destination {
                place,
                share,
                decision_index,
                routes,
            });
        }
        if (sum - 1.0).abs() > 1e-6 {
            return Err(InvalidField::new(
                at.key("destinations"),
                format!("shares summing to {sum}"),
                "shares summing to 1",
            ));
        }
        if def.class.index() >= self.classes.len() {
            return Err(InvalidField::new(
                at.key("class"),
                def.class.index(),
                "a class of the network",
            ));
        }
        // Every port on every candidate route handles the class, and a
        // wagon pool holds enough wagons for one of its trains.
        for d in &destinations {
            for r in &d.routes {
                for &p in &self.routes[r.index()].places {
                    let PlaceKind::Port(pid) = self.places[p.index()].kind else {
                        continue;
                    };
                    let side = &self.ports[pid.index()].sides[def.direction.index()];
                    let port_id = &self.places[p.index()].id;
                    if side.class(def.class).is_none() {
                        return Err(InvalidField::new(
                            at.key("class"),
                            format!("'{}'", self.classes[def.class.index()].id),
                            format!(
                                "a class that every port on its routes handles: ports.{port_id}.{} has no classes.{}",
                                def.direction.name(),
                                self.classes[def.class.index()].id
                            ),
                        ));
                    }
                    if let (
                        Some(pool),
                        Some(ClassAtSide {
                            handling: Handling::Transship,
                            ..
                        }),
                    ) = (&side.wagon_pool, side.class(def.class))
                        && def.containers_per_train > pool.wagons
                    {
                        return Err(InvalidField::new(
                            at.key("containers_per_train"),
                            def.containers_per_train,
                            format!(
                                "at most the {} wagons of the pool at ports.{port_id}.{}, which its trains need",
                                pool.wagons,
                                def.direction.name()
                            ),
                        ));
                    }
                }
            }
        }
        let f = FlowId(self.flows.len() as u32);
        self.flows.push((
            Flow {
                id: id.to_string(),
                origin: def.origin,
                destinations,
                direction: def.direction,
                trains_per_day: 0.0,
                class: def.class,
                containers_per_train: def.containers_per_train,
                shares,
                policy: def.routing,
                arrival: def.arrival,
                route_bias_hours: def.route_bias_hours,
                year_factors,
            },
            def.trains_per_year,
        ));
        self.flow_ids.push(id.to_string());
        Ok(f)
    }

    /// One route per entry of the flow's `via` (or the quickest path if
    /// empty) from its origin to `destination`, added to the routes.
    fn candidate_routes(
        &mut self,
        at: &FieldPath,
        def: &FlowDef,
        destination: PlaceId,
    ) -> Result<Vec<RouteId>, InvalidField> {
        let empty = [Vec::new()];
        let vias: &[Vec<PlaceId>] = if def.via.is_empty() { &empty } else { &def.via };
        let mut routes = Vec::new();
        for (k, stops_via) in vias.iter().enumerate() {
            let mut stops = vec![def.origin];
            stops.extend_from_slice(stops_via);
            stops.push(destination);
            let field = if def.via.is_empty() {
                at.clone()
            } else {
                at.clone().key("via").index(k)
            };
            let route = self.find_route(&field, &stops, def.direction)?;
            routes.push(RouteId(self.routes.len() as u32));
            self.routes.push(route);
        }
        Ok(routes)
    }

    /// Adds a choice on the way: trains of its direction and classes bound
    /// for its destinations choose again among its candidates at the first
    /// of its places they reach. Add it after the places, ports and
    /// sections its routes use, and after the flows whose trains it
    /// serves (their train lengths are checked against its ports' wagon
    /// pools).
    ///
    /// # Errors
    ///
    /// The first [`InvalidField`] under `choices.<id>`: a bad or used id, more
    /// than [`MAX_CHOICES`] choices, no place or a repeated one in `at`, no
    /// destination or one that is not a hub, a listed flow of another
    /// direction or class (its trains would never choose), fewer than two
    /// candidates or more than one that stays, shares or biases that do not
    /// fit the candidates, a candidate with no gauge-consistent path from a place
    /// through its places to a destination (`choices.<id>.via[k]`), or a
    /// port on a candidate that does not handle a class of the choice.
    pub fn choice(&mut self, id: &str, def: ChoiceDef) -> Result<(), InvalidField> {
        check_id("choices", id)?;
        let at = path("choices", id);
        if self.choices.iter().any(|c| c.id == id) {
            return Err(InvalidField::new(
                at,
                format!("'{id}'"),
                "an id not already used by a choice",
            ));
        }
        if self.choices.len() >= MAX_CHOICES {
            return Err(InvalidField::new(
                at,
                format!("choice {}", self.choices.len() + 1),
                format!("at most {MAX_CHOICES} choices in a network"),
            ));
        }
        let name = |b: &Self, p: PlaceId| format!("'{}'", b.places[p.index()].id);
        if def.at.is_empty() {
            return Err(InvalidField::new(
                at.key("at"),
                "[]",
                "at least one node or port where trains choose",
            ));
        }
        for (i, &p) in def.at.iter().enumerate() {
            if def.at[..i].contains(&p) {
                return Err(InvalidField::new(
                    at.key("at").index(i),
                    name(self, p),
                    "a place not already listed",
                ));
            }
        }
        if def.destinations.is_empty() {
            return Err(InvalidField::new(
                at.key("destinations"),
                "[]",
                "at least one destination hub",
            ));
        }
        for (i, &d) in def.destinations.iter().enumerate() {
            self.require_hub(at.clone().key("destinations").index(i), d)?;
        }
        if def.classes.is_empty() {
            return Err(InvalidField::new(
                at.key("classes"),
                "[]",
                "at least one class",
            ));
        }
        if let Some(&c) = def.classes.iter().find(|c| c.index() >= self.classes.len()) {
            return Err(InvalidField::new(
                at.key("classes"),
                c.index(),
                "classes of the network",
            ));
        }
        for (i, f) in def.flows.iter().enumerate() {
            let Some((flow, _)) = self.flows.get(f.index()) else {
                return Err(InvalidField::new(
                    at.key("flows").index(i),
                    f.index(),
                    "a flow of the network",
                ));
            };
            // A flow whose trains could never make the choice is a mistake.
            if flow.direction != def.direction || !def.classes.contains(&flow.class) {
                return Err(InvalidField::new(
                    at.key("flows").index(i),
                    format!(
                        "'{}' ({}, class {})",
                        flow.id,
                        flow.direction.name(),
                        self.classes[flow.class.index()].id
                    ),
                    format!(
                        "a flow of the choice's direction ({}) and classes",
                        def.direction.name()
                    ),
                ));
            }
        }
        let candidates = def.via.len();
        if candidates < 2 {
            return Err(InvalidField::new(
                at.key("via"),
                format!("{candidates} candidates"),
                "at least two candidates to choose between",
            ));
        }
        if def.via.iter().filter(|v| v.is_empty()).count() > 1 {
            return Err(InvalidField::new(
                at.key("via"),
                "more than one empty entry",
                "at most one candidate that stays on the current route ([])",
            ));
        }
        let shares = check_preferences(
            &at,
            &def.route_bias_hours,
            &def.shares,
            candidates,
            def.routing.uses_shares(),
        )?;
        let mut routes = Vec::new();
        for &place in &def.at {
            let mut by_destination = Vec::new();
            for &dest in &def.destinations {
                let mut by_candidate = Vec::new();
                for (k, stops_via) in def.via.iter().enumerate() {
                    if stops_via.is_empty() {
                        by_candidate.push(None);
                        continue;
                    }
                    let mut stops = vec![place];
                    stops.extend_from_slice(stops_via);
                    stops.push(dest);
                    let field = at.clone().key("via").index(k);
                    let route = self.find_route(&field, &stops, def.direction)?;
                    self.check_classes(&field, &route, &def)?;
                    by_candidate.push(Some(RouteId(self.routes.len() as u32)));
                    self.routes.push(route);
                }
                by_destination.push(by_candidate);
            }
            routes.push(by_destination);
        }
        self.choices.push(Choice {
            id: id.to_string(),
            at: def.at,
            direction: def.direction,
            destinations: def.destinations,
            classes: def.classes,
            flows: def.flows,
            routes,
            shares,
            policy: def.routing,
            route_bias_hours: def.route_bias_hours,
        });
        Ok(())
    }

    /// The quickest gauge-consistent path through `stops` in order.
    fn find_route(
        &self,
        field: &FieldPath,
        stops: &[PlaceId],
        dir: super::ids::Direction,
    ) -> Result<Route, InvalidField> {
        let graph = Graph {
            places: &self.places,
            ports: &self.ports,
            sections: &self.sections,
        };
        graph.route_through(stops, dir).ok_or_else(|| {
            let names: Vec<&str> = stops
                .iter()
                .map(|p| self.places[p.index()].id.as_str())
                .collect();
            InvalidField::new(
                field.clone(),
                names.join(" → "),
                format!(
                    "places joined by sections with matching gauges, passing every port {}",
                    dir.name()
                ),
            )
        })
    }

    /// Every port on `route` handles the choice's classes, and no flow of
    /// its direction and classes has trains longer than a wagon pool there.
    fn check_classes(
        &self,
        field: &FieldPath,
        route: &Route,
        def: &ChoiceDef,
    ) -> Result<(), InvalidField> {
        for &p in &route.places {
            let PlaceKind::Port(pid) = self.places[p.index()].kind else {
                continue;
            };
            let side = &self.ports[pid.index()].sides[def.direction.index()];
            let port_id = &self.places[p.index()].id;
            for &class in &def.classes {
                let class_id = &self.classes[class.index()].id;
                let Some(handling) = side.class(class) else {
                    return Err(InvalidField::new(
                        field.clone(),
                        format!("a route through '{port_id}'"),
                        format!(
                            "ports that handle every class of the choice: ports.{port_id}.{} has no classes.{class_id}",
                            def.direction.name()
                        ),
                    ));
                };
                let (Some(pool), Handling::Transship) = (&side.wagon_pool, &handling.handling)
                else {
                    continue;
                };
                let longest = self
                    .flows
                    .iter()
                    .enumerate()
                    .filter(|(i, (f, _))| {
                        f.direction == def.direction
                            && f.class == class
                            && (def.flows.is_empty() || def.flows.contains(&FlowId(*i as u32)))
                    })
                    .map(|(_, f)| f)
                    .map(|(f, _)| f.containers_per_train)
                    .max()
                    .unwrap_or(0);
                if longest > pool.wagons {
                    return Err(InvalidField::new(
                        field.clone(),
                        format!("a route through '{port_id}'"),
                        format!(
                            "ports whose wagon pools hold a train of {longest} {class_id} units: ports.{port_id}.{} has {} wagons",
                            def.direction.name(),
                            pool.wagons
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// The biases (`route_bias_hours` under `at`) and the shares (`shares`) of
/// `candidates` candidates: the shares as the policy uses them.
fn check_preferences(
    at: &FieldPath,
    bias: &[f64],
    shares: &[f64],
    candidates: usize,
    uses_shares: bool,
) -> Result<Vec<f64>, InvalidField> {
    check_bias(at.clone().key("route_bias_hours"), bias, candidates)?;
    check_shares(at.clone().key("shares"), shares, candidates, uses_shares)
}

/// One finite bias of at most a year per candidate, or none.
fn check_bias(at: FieldPath, bias: &[f64], candidates: usize) -> Result<(), InvalidField> {
    if bias.is_empty() {
        return Ok(());
    }
    if bias.len() != candidates {
        return Err(InvalidField::new(
            at,
            format!("{} values", bias.len()),
            format!("one per entry of `via` ({candidates})"),
        ));
    }
    for (i, &b) in bias.iter().enumerate() {
        if !(b.is_finite() && b.abs() <= 8_760.0) {
            return Err(InvalidField::new(
                at.clone().index(i),
                b,
                "hours from -8760 to 8760",
            ));
        }
    }
    Ok(())
}

impl Destination {
    /// The place where trains bound here make their flow's choice.
    pub fn decision_place(&self, net: &Network) -> PlaceId {
        net.route(self.routes[0]).places[self.decision_index]
    }
}
