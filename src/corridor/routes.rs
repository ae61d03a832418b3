//! Finding the quickest gauge-consistent path through a network.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::ids::{Direction, Gauge, PlaceId, SectionId};
use super::network::{BorderPort, Place, PlaceKind, Route, Section};

/// The parts of a network that route finding reads.
pub(super) struct Graph<'a> {
    pub places: &'a [Place],
    pub ports: &'a [BorderPort],
    pub sections: &'a [Section],
}

impl Graph<'_> {
    /// The quickest path (by mean running time and mean port processing)
    /// through `stops` in order, keeping gauges consistent: a train stays on
    /// its gauge except through a port, where it must enter on the side of
    /// its direction and leaves with the port's other gauge.
    pub fn route_through(&self, stops: &[PlaceId], dir: Direction) -> Option<Route> {
        let mut places = vec![stops[0]];
        let mut legs = Vec::new();
        // A route that starts at a port leaves it on its side of `dir`.
        let mut gauge = match self.places[stops[0].index()].kind {
            PlaceKind::Port(pid) => self.ports[pid.index()].gauge_in(dir),
            _ => self.places[stops[0].index()].gauge,
        };
        for pair in stops.windows(2) {
            let (p, l, g) = self.shortest(pair[0], gauge, pair[1], dir)?;
            places.extend_from_slice(&p[1..]);
            legs.extend(l);
            gauge = g;
        }
        Some(Route { places, legs })
    }

    /// Dijkstra over (place, gauge) states. Returns the places, the legs
    /// and the gauge on arrival at `to`.
    #[allow(clippy::type_complexity)] // a private helper's tuple of results
    fn shortest(
        &self,
        from: PlaceId,
        gauge: Gauge,
        to: PlaceId,
        dir: Direction,
    ) -> Option<(Vec<PlaceId>, Vec<(SectionId, bool)>, Gauge)> {
        let n = self.places.len();
        let state = |p: PlaceId, g: Gauge| p.index() * 2 + usize::from(g == Gauge::Broad1520);
        let mut best = vec![f64::INFINITY; n * 2];
        let mut prev: Vec<Option<(usize, SectionId, bool)>> = vec![None; n * 2];
        let mut heap = BinaryHeap::new();
        let start = state(from, gauge);
        best[start] = 0.0;
        // Costs in whole milliseconds keep the heap's order total and
        // deterministic.
        heap.push(Reverse((0u64, start)));
        while let Some(Reverse((cost_ms, s))) = heap.pop() {
            let cost = cost_ms as f64;
            if cost > best[s] {
                continue;
            }
            let place = PlaceId((s / 2) as u32);
            let g = if s % 2 == 1 {
                Gauge::Broad1520
            } else {
                Gauge::Standard1435
            };
            // A port is reached on the side trains of this direction enter.
            let arrived = match self.places[place.index()].kind {
                PlaceKind::Port(pid) => g == self.ports[pid.index()].gauge_in(dir),
                _ => true,
            };
            if place == to && arrived {
                let mut places = vec![place];
                let mut legs = Vec::new();
                let mut cur = s;
                while let Some((p, sec, rev)) = prev[cur] {
                    legs.push((sec, rev));
                    places.push(PlaceId((p / 2) as u32));
                    cur = p;
                }
                places.reverse();
                legs.reverse();
                return Some((places, legs, g));
            }
            // The gauge a train leaves `place` with.
            let out_gauge = match self.places[place.index()].kind {
                PlaceKind::Port(pid) => {
                    let port = &self.ports[pid.index()];
                    if g != port.gauge_in(dir) {
                        continue;
                    }
                    port.gauge_out(dir)
                }
                _ => g,
            };
            for (si, sec) in self.sections.iter().enumerate() {
                let (next, reversed) = if sec.from == place {
                    (sec.to, false)
                } else if sec.to == place {
                    (sec.from, true)
                } else {
                    continue;
                };
                if sec.gauge != out_gauge {
                    continue;
                }
                let mut step = sec.running.mean_hours();
                if let PlaceKind::Port(pid) = self.places[next.index()].kind {
                    step += self.ports[pid.index()].mean_processing_hours(dir);
                }
                let ns = state(next, sec.gauge);
                let nc = ((cost + step * 3.6e6).round()).max(cost + 1.0);
                if nc < best[ns] {
                    best[ns] = nc;
                    prev[ns] = Some((s, SectionId(si as u32), reversed));
                    heap.push(Reverse((nc as u64, ns)));
                }
            }
        }
        None
    }
}

/// The place from which the candidates' legs first differ (parallel
/// sections between the same places count as a difference).
pub(super) fn decision_index(routes: &[&Route]) -> usize {
    let first = &routes[0].legs;
    routes[1..]
        .iter()
        .map(|r| {
            first
                .iter()
                .zip(&r.legs)
                .take_while(|(a, b)| a == b)
                .count()
        })
        .min()
        .unwrap_or(first.len())
}
