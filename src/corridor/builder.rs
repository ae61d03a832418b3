//! Building a [`Network`] in code, validated exactly as a scenario file is.

use std::collections::BTreeMap;

use super::checks::{
    check_acceptance, check_changes, check_dated_cut, check_random_cuts, check_side,
    positive_finite,
};
use super::choices::Choice;
use super::ids::{ClassId, Direction, FlowId, Gauge, GaugeChange, PlaceId, PortId, SectionId};
use super::legs::LegView;
use super::network::{
    BorderPort, ClassAtSide, Flow, Handling, MONTH_DAYS, Network, Place, PlaceKind, Route, Section,
    TrafficClass,
};
use crate::error::{FieldPath, InvalidField};
use crate::metric::is_identifier;
use crate::time::SimDuration;

/// Builds a [`Network`] part by part, validating each part as it is added
/// with the same checks, and the same error paths, as a scenario file
/// (`ports.<id>.westbound.tracks`, `flows.<id>.via[1]`, …).
///
/// Add places, ports and sections before the flows that use them; the
/// demand settings and groups may come at any time before
/// [`build`](Self::build).
///
/// Ids are identifiers: 1 to 64 characters from `a`–`z`, `0`–`9` and `_`.
/// They become metric keys, CSV columns and file names; any other text
/// belongs in a display name.
///
/// # Examples
///
/// A hub, a border port and a hub on the other gauge, joined by two
/// sections, with one flow:
///
/// ```
/// use std::sync::Arc;
/// use silkrail::corridor::*;
///
/// let side = |cap| {
///     let mut side = PortSide::new(
///         2,                                        // tracks
///         2,                                        // cranes
///         1,                                        // cranes per train
///         HoursDist::lognormal(1.0, 0.3).unwrap(),  // crane time, reference train
///         50,                                       // reference train [FEU]
///         HoursDist::constant(0.5).unwrap(),        // track time after the cranes
///         HoursDist::constant(1.0).unwrap(),        // inspection
///         6,                                        // yard places
///     );
///     side.handover_cap_per_day = cap;
///     side
/// };
/// let mut b = NetworkBuilder::new();
/// let east = b.hub("east", "East", Gauge::Standard1435)?;
/// let west = b.hub("west", "West", Gauge::Broad1520)?;
/// let port = b.port("border", BorderPort::new(
///     "Border",
///     Gauge::Broad1520,
///     Gauge::Standard1435,
///     GaugeChange::Transshipment,
///     [side(Some(12)), side(None)],
/// ))?;
/// let border = b.port_place(port);
/// let run = |h| HoursDist::constant(h).unwrap();
/// b.section("in", Section::new(east, border, Gauge::Standard1435, run(10.0)))?;
/// let mut out = Section::new(border, west, Gauge::Broad1520, run(20.0));
/// out.paths_per_day = Some(30.0);
/// b.section("out", out)?;
/// b.flow("trains", FlowDef {
///     origin: east,
///     direction: Direction::Westbound,
///     trains_per_year: 2000.0,
///     class: ClassId::CONTAINER,
///     containers_per_train: 50,
///     destinations: vec![(west, 1.0)],
///     via: vec![],
///     shares: vec![],
///     routing: Arc::new(FixedShares),
///     arrival: ArrivalProcess::Poisson,
///     route_bias_hours: Vec::new(),
///     decide_at: None,
///     growth_per_year: Vec::new(),
/// })?;
/// let net = b.build()?;
/// assert_eq!(net.flows().len(), 1);
///
/// // Zero tracks are refused with the path a scenario file would show.
/// let mut bad = NetworkBuilder::new();
/// let mut p = side(None);
/// p.tracks = 0;
/// let err = bad
///     .port("border", BorderPort::new("B", Gauge::Broad1520, Gauge::Standard1435, GaugeChange::Transshipment, [p, side(None)]))
///     .unwrap_err();
/// assert!(err.to_string().starts_with("ports.border.westbound.tracks: found 0"));
/// # Ok::<(), silkrail::error::InvalidField>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct NetworkBuilder {
    pub(super) places: Vec<Place>,
    pub(super) index: BTreeMap<String, PlaceId>,
    pub(super) ports: Vec<BorderPort>,
    pub(super) port_places: Vec<PlaceId>,
    pub(super) sections: Vec<Section>,
    pub(super) section_ids: Vec<String>,
    pub(super) headways: Vec<Option<SimDuration>>,
    pub(super) routes: Vec<Route>,
    pub(super) flows: Vec<(Flow, f64)>,
    pub(super) flow_ids: Vec<String>,
    pub(super) seasonality: Option<[f64; 12]>,
    pub(super) start_year: Option<u32>,
    pub(super) multiplier: f64,
    pub(super) groups: Vec<(String, Vec<PortId>)>,
    pub(super) classes: Vec<TrafficClass>,
    pub(super) choices: Vec<Choice>,
}

/// Tonnes a loaded forty-foot container carries on average, for the
/// container class's freight in tonnes (an assumption a scenario may
/// change under `[classes.container]`).
pub const DEFAULT_TONNES_PER_FEU: f64 = 16.0;

pub(super) fn path(root: &str, id: &str) -> FieldPath {
    FieldPath::root().key(root).key(id)
}

pub(super) fn check_id(root: &str, id: &str) -> Result<(), InvalidField> {
    if !is_identifier(id) {
        return Err(InvalidField::new(
            path(root, id),
            format!("the id {id:?}"),
            "an id of 1 to 64 characters from a–z, 0–9 and _ (any other text goes in `name`)",
        ));
    }
    Ok(())
}

impl NetworkBuilder {
    /// An empty builder: no places, a demand multiplier of 1 and flat
    /// seasonality.
    pub fn new() -> Self {
        NetworkBuilder {
            multiplier: 1.0,
            classes: vec![TrafficClass {
                id: "container".into(),
                name: "Container trains".into(),
                tonnes_per_unit: DEFAULT_TONNES_PER_FEU,
            }],
            ..Default::default()
        }
    }

    /// Adds a traffic class (or, for the id `container`, sets the
    /// container class's name and tonnes per unit).
    ///
    /// # Errors
    ///
    /// An [`InvalidField`] under `classes.<id>` for an id that is not an
    /// identifier or is used, or tonnes per unit that are not a number from
    /// 0 to 1000.
    pub fn class(&mut self, id: &str, class: TrafficClass) -> Result<ClassId, InvalidField> {
        check_id("classes", id)?;
        let at = path("classes", id);
        if !(class.tonnes_per_unit >= 0.0 && class.tonnes_per_unit <= 1000.0) {
            return Err(InvalidField::new(
                at.key("tonnes_per_unit"),
                class.tonnes_per_unit,
                "tonnes from 0 to 1000 per container or wagon",
            ));
        }
        let class = TrafficClass {
            id: id.to_string(),
            ..class
        };
        if id == "container" {
            self.classes[0] = class;
            return Ok(ClassId::CONTAINER);
        }
        if self.classes.iter().any(|c| c.id == id) {
            return Err(InvalidField::new(
                at,
                format!("'{id}'"),
                "an id not already used by a class",
            ));
        }
        self.classes.push(class);
        Ok(ClassId((self.classes.len() - 1) as u32))
    }

    /// The class with id `id`, if added (`container` always is).
    pub fn class_id(&self, id: &str) -> Option<ClassId> {
        self.classes
            .iter()
            .position(|c| c.id == id)
            .map(|i| ClassId(i as u32))
    }

    fn place(
        &mut self,
        root: &str,
        id: &str,
        name: &str,
        kind: PlaceKind,
        gauge: Gauge,
    ) -> Result<PlaceId, InvalidField> {
        check_id(root, id)?;
        if self.index.contains_key(id) {
            return Err(InvalidField::new(
                path(root, id),
                format!("'{id}'"),
                "an id not already used by a node or port",
            ));
        }
        let p = PlaceId(self.places.len() as u32);
        self.index.insert(id.to_string(), p);
        self.places.push(Place {
            id: id.to_string(),
            name: name.to_string(),
            kind,
            gauge,
        });
        Ok(p)
    }

    /// Adds a hub, where trains start or end.
    ///
    /// # Errors
    ///
    /// An [`InvalidField`] at `nodes.<id>` for an id that is not an
    /// identifier or is already used.
    pub fn hub(&mut self, id: &str, name: &str, gauge: Gauge) -> Result<PlaceId, InvalidField> {
        self.place("nodes", id, name, PlaceKind::Hub, gauge)
    }

    /// Adds a junction, which trains pass through.
    ///
    /// # Errors
    ///
    /// As [`hub`](Self::hub).
    pub fn junction(
        &mut self,
        id: &str,
        name: &str,
        gauge: Gauge,
    ) -> Result<PlaceId, InvalidField> {
        self.place("nodes", id, name, PlaceKind::Junction, gauge)
    }

    /// The place with id `id`, if added.
    pub fn place_id(&self, id: &str) -> Option<PlaceId> {
        self.index.get(id).copied()
    }

    /// The place that stands for port `port`.
    ///
    /// # Panics
    ///
    /// If `port` was not returned by this builder.
    pub fn port_place(&self, port: PortId) -> PlaceId {
        self.port_places[port.index()]
    }

    /// The flow with id `id`, if one was added.
    pub fn flow_id(&self, id: &str) -> Option<FlowId> {
        self.flow_ids
            .iter()
            .position(|f| f == id)
            .map(|i| FlowId(i as u32))
    }

    /// The port a place stands for, if it is one.
    pub fn port_of(&self, p: PlaceId) -> Option<PortId> {
        match self.places.get(p.index())?.kind {
            PlaceKind::Port(port) => Some(port),
            _ => None,
        }
    }

    /// Adds a border port.
    ///
    /// # Errors
    ///
    /// The first [`InvalidField`] under `ports.<id>`: a bad or used id, a
    /// gauge change that does not fit the gauges, closures that do not
    /// make sense, and for either side zero tracks where the gauge
    /// changes, no cranes for a transshipment, more cranes per train than
    /// the side has, no yard, a zero cap or train length, or coupling
    /// without a train length.
    pub fn port(&mut self, id: &str, mut port: BorderPort) -> Result<PortId, InvalidField> {
        check_id("ports", id)?;
        let at = path("ports", id);
        if self.index.contains_key(id) {
            return Err(InvalidField::new(
                at,
                format!("'{id}'"),
                "an id not already used by a node",
            ));
        }
        if (port.change == GaugeChange::None) != (port.west_gauge == port.east_gauge) {
            return Err(InvalidField::new(
                at.key("gauge_change"),
                format!(
                    "{:?} between {} mm and {} mm",
                    port.change,
                    port.west_gauge.mm(),
                    port.east_gauge.mm()
                ),
                "'none' exactly when both sides have the same gauge",
            ));
        }
        if let Some(c) = &port.random_closures {
            let rc = at.clone().key("random_closures");
            if !(c.mean_days_between >= 1.0 / 24.0 && c.mean_days_between <= 36_525.0) {
                return Err(InvalidField::new(
                    rc.key("mean_days_between"),
                    c.mean_days_between,
                    "a mean open time from 1 hour (1/24 day) to 36525 days",
                ));
            }
            if !(c.duration.mean_hours() > 0.0) {
                return Err(InvalidField::new(
                    rc.key("duration"),
                    format!("a mean of {} h", c.duration.mean_hours()),
                    "stoppages that last some time (a mean above 0 h)",
                ));
            }
        }
        for (i, w) in port.scheduled_closures.iter().enumerate() {
            let wp = at.clone().key("scheduled_closures").index(i);
            if !(w.start_day >= 0.0 && w.start_day <= 36_525.0) {
                return Err(InvalidField::new(
                    wp.key("start_day"),
                    w.start_day,
                    "a day from 0 to 36525",
                ));
            }
            positive_finite(wp.key("hours"), w.hours, 87_660.0)?;
        }
        for (i, c) in port.cuts.iter().enumerate() {
            check_dated_cut(at.clone().key("cuts").index(i), c, true)?;
        }
        for (i, c) in port.random_cuts.iter_mut().enumerate() {
            check_random_cuts(at.clone().key("random_cuts").index(i), c, true)?;
        }
        if let Some(day) = port.opens_day
            && !(day > 0.0 && day <= 36_525.0)
        {
            return Err(InvalidField::new(
                at.clone().key("opens_day"),
                day,
                "a day above 0 and at most 36525 (no key: open from the start)",
            ));
        }
        check_changes(
            at.clone().key("changes"),
            &port.changes,
            true,
            port.opens_day,
        )?;
        for dir in Direction::BOTH {
            let side = &mut port.sides[dir.index()];
            check_side(at.clone().key(dir.name()), side, port.change, &self.classes)?;
            side.cranes_per_train = side.cranes_per_train.max(1);
            if !side.classes.iter().any(|(c, _)| *c == ClassId::CONTAINER) {
                side.classes.insert(
                    0,
                    (ClassId::CONTAINER, ClassAtSide::new(Handling::Transship)),
                );
            }
            if port.change == GaugeChange::None {
                // Nothing changes gauge: every class passes.
                for (_, c) in &mut side.classes {
                    c.handling = Handling::Pass;
                }
            }
        }
        let pid = PortId(self.ports.len() as u32);
        let place = self.place(
            "ports",
            id,
            &port.name,
            PlaceKind::Port(pid),
            port.east_gauge,
        )?;
        self.ports.push(port);
        self.port_places.push(place);
        Ok(pid)
    }

    /// Adds a line section.
    ///
    /// # Errors
    ///
    /// The first [`InvalidField`] under `sections.<id>`: a bad or used id,
    /// ends that are the same place, a gauge that does not match an end,
    /// or paths per day that are not a positive number up to 86,400.
    pub fn section(&mut self, id: &str, section: Section) -> Result<SectionId, InvalidField> {
        check_id("sections", id)?;
        let at = path("sections", id);
        if self.section_ids.iter().any(|s| s == id) {
            return Err(InvalidField::new(
                at,
                format!("'{id}'"),
                "an id not already used by a section",
            ));
        }
        if section.from == section.to {
            return Err(InvalidField::new(
                at.key("to"),
                format!("'{}'", self.places[section.to.index()].id),
                "a place other than `from`",
            ));
        }
        for (place, key) in [(section.from, "from"), (section.to, "to")] {
            let p = &self.places[place.index()];
            let ok = match p.kind {
                PlaceKind::Port(pid) => {
                    let port = &self.ports[pid.index()];
                    section.gauge == port.west_gauge || section.gauge == port.east_gauge
                }
                _ => section.gauge == p.gauge,
            };
            if !ok {
                return Err(InvalidField::new(
                    at.key("gauge_mm"),
                    section.gauge.mm(),
                    format!("a gauge that matches '{}' at its `{key}` end", p.id),
                ));
            }
        }
        if let Some(a) = &section.acceptance {
            check_acceptance(at.clone().key("acceptance"), a)?;
        }
        if section.capacity_trains == Some(0) {
            return Err(InvalidField::new(
                at.clone().key("capacity_trains"),
                0,
                "at least 1 train on the line at once, or no key for no limit",
            ));
        }
        let mut section = section;
        for (i, c) in section.cuts.iter().enumerate() {
            check_dated_cut(at.clone().key("cuts").index(i), c, false)?;
        }
        for (i, c) in section.random_cuts.iter_mut().enumerate() {
            check_random_cuts(at.clone().key("random_cuts").index(i), c, false)?;
        }
        check_changes(at.clone().key("changes"), &section.changes, false, None)?;
        if section.single_track && section.paths_per_day.is_none() {
            return Err(InvalidField::new(
                at.clone().key("paths_per_day"),
                "none on a single track",
                "the paths a day that the single track offers both directions together \
                 (or passing_loops to derive them)",
            ));
        }
        if section.paths_per_day.is_none()
            && let Some(i) = section
                .changes
                .iter()
                .position(|c| c.cut.capacity > 0.0 && c.cut.capacity != 1.0)
        {
            return Err(InvalidField::new(
                at.clone().key("changes").index(i).key("capacity_factor"),
                section.changes[i].cut.capacity,
                "paths_per_day on the section (a change scales its paths), or a factor of 0 or 1",
            ));
        }
        if section.paths_per_day.is_none() {
            // Without paths a day, only a full stop can cut a section.
            let partial = section
                .cuts
                .iter()
                .map(|c| c.cut.capacity)
                .chain(section.random_cuts.iter().map(|c| c.cut.capacity))
                .position(|f| f > 0.0 && f < 1.0);
            if let Some(i) = partial {
                let key = if i < section.cuts.len() {
                    at.clone().key("cuts").index(i)
                } else {
                    at.clone().key("random_cuts").index(i - section.cuts.len())
                };
                return Err(InvalidField::new(
                    key.key("capacity_factor"),
                    "a partial cut",
                    "paths_per_day on the section (a cut scales its paths), or a factor of 0 (a full stop)",
                ));
            }
        }
        let headway = match section.paths_per_day {
            None => None,
            Some(n) => {
                let n = positive_finite(at.key("paths_per_day"), n, 86_400.0)?;
                Some(SimDuration::try_from_hours_f64(24.0 / n).expect("bounded"))
            }
        };
        let s = SectionId(self.sections.len() as u32);
        self.sections.push(section);
        self.section_ids.push(id.to_string());
        self.headways.push(headway);
        Ok(s)
    }

    /// Dates the run: day 0 is 1 January of `year`, and results are
    /// reported per calendar year (365 days each) as well as overall.
    ///
    /// # Errors
    ///
    /// An [`InvalidField`] at `demand.start_year` for a year before 1900
    /// or after 2200.
    pub fn start_year(&mut self, year: u32) -> Result<(), InvalidField> {
        if !(1900..=2200).contains(&year) {
            return Err(InvalidField::new(
                FieldPath::root().key("demand").key("start_year"),
                year,
                "a year from 1900 to 2200",
            ));
        }
        self.start_year = Some(year);
        Ok(())
    }

    /// Sets the demand multiplier (applied to every flow's trains per
    /// year) and twelve monthly seasonality multipliers, January first.
    ///
    /// The multipliers are scaled so that, weighted by the days of their
    /// months, they average exactly 1: a flow's `trains_per_year` then
    /// holds for every 365-day year whatever their scale.
    ///
    /// # Errors
    ///
    /// An [`InvalidField`] at `demand.seasonality` for other than twelve
    /// values or all zero, at `demand.seasonality[i]` for a value outside
    /// 0–12, at `demand.multiplier` outside 0–1000.
    pub fn demand(&mut self, multiplier: f64, seasonality: &[f64]) -> Result<(), InvalidField> {
        let at = FieldPath::root().key("demand");
        if seasonality.len() != 12 {
            return Err(InvalidField::new(
                at.key("seasonality"),
                format!("{} values", seasonality.len()),
                "12 monthly multipliers, January first",
            ));
        }
        let mut months = [0.0; 12];
        for (i, &m) in seasonality.iter().enumerate() {
            if !(0.0..=12.0).contains(&m) {
                return Err(InvalidField::new(
                    at.key("seasonality").index(i),
                    m,
                    "a multiplier from 0 to 12",
                ));
            }
            months[i] = m;
        }
        let weighted = months
            .iter()
            .zip(MONTH_DAYS)
            .map(|(m, d)| m * f64::from(d))
            .sum::<f64>()
            / 365.0;
        if !(weighted > 0.0) {
            return Err(InvalidField::new(
                at.key("seasonality"),
                "all zero",
                "at least one month with a positive multiplier",
            ));
        }
        for m in &mut months {
            *m /= weighted;
        }
        if !(0.0..=1000.0).contains(&multiplier) {
            return Err(InvalidField::new(
                at.key("multiplier"),
                multiplier,
                "a number from 0 to 1000",
            ));
        }
        self.seasonality = Some(months);
        self.multiplier = multiplier;
        Ok(())
    }

    pub(super) fn require_hub(&self, at: FieldPath, place: PlaceId) -> Result<(), InvalidField> {
        let p = &self.places[place.index()];
        if p.kind != PlaceKind::Hub {
            return Err(InvalidField::new(
                at,
                format!("'{}'", p.id),
                "a node of kind 'hub'",
            ));
        }
        Ok(())
    }

    /// Adds a named group of ports reported together.
    ///
    /// # Errors
    ///
    /// An [`InvalidField`] at `groups.<name>` for a name that is not an
    /// identifier or is used, at `groups.<name>[i]` for a member that is
    /// not a port.
    pub fn group(&mut self, name: &str, members: &[PlaceId]) -> Result<(), InvalidField> {
        check_id("groups", name)?;
        if self.groups.iter().any(|(g, _)| g == name) {
            return Err(InvalidField::new(
                path("groups", name),
                format!("'{name}'"),
                "a name not already used by a group",
            ));
        }
        let mut ports = Vec::new();
        for (i, &m) in members.iter().enumerate() {
            match self.port_of(m) {
                Some(p) => ports.push(p),
                None => {
                    return Err(InvalidField::new(
                        path("groups", name).index(i),
                        format!("'{}'", self.places[m.index()].id),
                        "the id of a port",
                    ));
                }
            }
        }
        self.groups.push((name.to_string(), ports));
        Ok(())
    }

    /// The validated network.
    ///
    /// # Errors
    ///
    /// None at present beyond those of the parts (kept for checks that span
    /// parts).
    pub fn build(self) -> Result<Network, InvalidField> {
        let multiplier = self.multiplier;
        let leg_views = self
            .routes
            .iter()
            .map(|r| leg_views(r, &self.places, &self.sections))
            .collect();
        Ok(Network {
            places: self.places,
            ports: self.ports,
            port_places: self.port_places,
            sections: self.sections,
            section_ids: self.section_ids,
            headways: self.headways,
            routes: self.routes,
            leg_views,
            flows: self
                .flows
                .into_iter()
                .map(|(mut f, per_year)| {
                    f.trains_per_day = per_year * multiplier / 365.0;
                    f
                })
                .collect(),
            seasonality: self.seasonality.unwrap_or([1.0; 12]),
            start_year: self.start_year,
            groups: self.groups,
            classes: self.classes,
            choices: self.choices,
        })
    }
}

/// What the model reads of `route`'s legs: each section's fixed numbers and
/// the port at the leg's far end (places from `places`, sections from
/// `sections`).
fn leg_views(route: &Route, places: &[Place], sections: &[Section]) -> Vec<LegView> {
    route
        .legs
        .iter()
        .zip(&route.places[1..])
        .map(|(&(sec, reversed), &next)| {
            let section = &sections[sec.index()];
            LegView {
                section: sec,
                reversed,
                single_track: section.single_track,
                mean_running_hours: section.running.mean_hours(),
                paths_per_day: section.paths_per_day,
                port_after: match places[next.index()].kind {
                    PlaceKind::Port(pid) => Some(pid),
                    _ => None,
                },
            }
        })
        .collect()
}
