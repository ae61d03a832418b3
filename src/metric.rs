//! Typed metric keys and what one replication of a model reports.
//!
//! A metric is a [`MetricKey`]: *what* is measured (a measure name such as
//! `delay_mean`), *where* (a scope such as `port` and labels such as the
//! port's id and the direction) and in which [`Unit`]. Its text form, e.g.
//! `port.alashankou_dostyk.westbound.delay_mean_hours`, is rendered once,
//! for CSV headers, JSON keys and tables, with the unit as a suffix in the
//! manner of Prometheus' naming rules. Code never splits the text form to
//! recover the parts: charts and tables read the key's fields.
//!
//! An [`Observation`] is everything one replication reports: scalar values
//! by key, distributions (mergeable histograms) by key, the number of
//! kernel events and whether the model's own invariants held.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::stats::Histogram;

/// The unit of a metric's value: part of the key and of its text form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Unit {
    /// Milliseconds (the resolution of simulated time; distributions of
    /// durations are recorded in it).
    Milliseconds,
    /// Hours.
    Hours,
    /// Days.
    Days,
    /// Trains per day.
    TrainsPerDay,
    /// A number of trains (a count, or a time-averaged number present).
    Trains,
    /// A number of wagons.
    Wagons,
    /// A number of containers (forty-foot equivalent units).
    Containers,
    /// A fraction from 0 to 1 (a share, a utilisation).
    Ratio,
    /// A plain count or a dimensionless number.
    Count,
    /// Wagons (or containers, one to a wagon) per day.
    WagonsPerDay,
    /// Million tonnes per (365-day) year.
    MegatonnesPerYear,
}

impl Unit {
    /// The suffix of the text form, e.g. `hours` in `delay_mean_hours`.
    pub fn suffix(self) -> &'static str {
        match self {
            Unit::Milliseconds => "ms",
            Unit::Hours => "hours",
            Unit::Days => "days",
            Unit::TrainsPerDay => "trains_per_day",
            Unit::Trains => "trains",
            Unit::Wagons => "wagons",
            Unit::Containers => "feu",
            Unit::Ratio => "ratio",
            Unit::Count => "count",
            Unit::WagonsPerDay => "wagons_per_day",
            Unit::MegatonnesPerYear => "mt_per_year",
        }
    }

    /// The unit as people write it on an axis, e.g. `h` or `trains/day`.
    pub fn symbol(self) -> &'static str {
        match self {
            Unit::Milliseconds => "ms",
            Unit::Hours => "h",
            Unit::Days => "days",
            Unit::TrainsPerDay => "trains/day",
            Unit::Trains => "trains",
            Unit::Wagons => "wagons",
            Unit::Containers => "FEU",
            Unit::Ratio => "share",
            Unit::Count => "count",
            Unit::WagonsPerDay => "wagons/day",
            Unit::MegatonnesPerYear => "Mt/yr",
        }
    }
}

/// One label of a metric key: a name (`port`, `direction`) and its value
/// (an id such as `alashankou_dostyk`, or `westbound`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Label {
    /// What the label says, e.g. `direction`.
    pub name: String,
    /// Its value, e.g. `westbound`.
    pub value: String,
}

/// Why a metric key could not be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("metric key part {part:?}: expected 1 to 64 characters from a–z, 0–9 and _")]
pub struct MetricKeyError {
    /// The offending scope, label value or measure.
    pub part: String,
}

/// Whether `s` may be a part of a metric key's text form: 1 to 64 lower-case
/// ASCII letters, digits and underscores, so that the text form is
/// unambiguous and safe in file names, CSV headers and JSON keys.
pub fn is_identifier(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// A typed metric key: scope, labels, measure and unit.
///
/// Keys order by scope, then labels, then measure, then unit, so sorted
/// keys group by place.
///
/// # Examples
///
/// ```
/// use silkrail::metric::{MetricKey, Unit};
///
/// let key = MetricKey::new("port", "delay_mean", Unit::Hours)
///     .with("port", "alashankou_dostyk")
///     .with("direction", "westbound");
/// assert_eq!(key.to_string(), "port.alashankou_dostyk.westbound.delay_mean_hours");
/// assert_eq!(key.label("direction"), Some("westbound"));
/// assert!(MetricKey::try_new("port", "Delay mean", Unit::Hours).is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct MetricKey {
    scope: String,
    labels: Vec<Label>,
    measure: String,
    unit: Unit,
}

impl MetricKey {
    /// A key without labels.
    ///
    /// # Panics
    ///
    /// If `scope` or `measure` is not an [identifier](is_identifier): metric
    /// names are constants of a model's code, and a malformed one is a bug
    /// in that code. Use [`try_new`](Self::try_new) for names that come
    /// from data.
    pub fn new(scope: &str, measure: &str, unit: Unit) -> MetricKey {
        MetricKey::try_new(scope, measure, unit).expect("metric names in code are identifiers")
    }

    /// A key without labels, checked.
    ///
    /// # Errors
    ///
    /// [`MetricKeyError`] if `scope` or `measure` is not an identifier.
    pub fn try_new(scope: &str, measure: &str, unit: Unit) -> Result<MetricKey, MetricKeyError> {
        for part in [scope, measure] {
            if !is_identifier(part) {
                return Err(MetricKeyError {
                    part: part.to_string(),
                });
            }
        }
        Ok(MetricKey {
            scope: scope.to_string(),
            labels: Vec::new(),
            measure: measure.to_string(),
            unit,
        })
    }

    /// The key with one more label.
    ///
    /// # Panics
    ///
    /// If `value` is not an [identifier](is_identifier). Scenario ids are
    /// validated as identifiers when a scenario or network is built, so
    /// keys made from them never panic; use [`try_with`](Self::try_with)
    /// otherwise.
    pub fn with(self, name: &str, value: &str) -> MetricKey {
        self.try_with(name, value)
            .expect("label values are validated identifiers")
    }

    /// The key with one more label, checked.
    ///
    /// # Errors
    ///
    /// [`MetricKeyError`] if `name` or `value` is not an identifier.
    pub fn try_with(mut self, name: &str, value: &str) -> Result<MetricKey, MetricKeyError> {
        for part in [name, value] {
            if !is_identifier(part) {
                return Err(MetricKeyError {
                    part: part.to_string(),
                });
            }
        }
        self.labels.push(Label {
            name: name.to_string(),
            value: value.to_string(),
        });
        Ok(self)
    }

    /// The same key with another measure and unit (e.g. the 95th percentile
    /// beside the mean).
    pub fn with_measure(&self, measure: &str, unit: Unit) -> MetricKey {
        assert!(is_identifier(measure), "measure names are identifiers");
        MetricKey {
            measure: measure.to_string(),
            unit,
            ..self.clone()
        }
    }

    /// What kind of place or thing the metric is about, e.g. `port`.
    pub fn scope(&self) -> &str {
        &self.scope
    }

    /// The labels, in order.
    pub fn labels(&self) -> &[Label] {
        &self.labels
    }

    /// The value of the label called `name`, if any.
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|l| l.name == name)
            .map(|l| l.value.as_str())
    }

    /// What is measured, e.g. `delay_mean`.
    pub fn measure(&self) -> &str {
        &self.measure
    }

    /// The unit.
    pub fn unit(&self) -> Unit {
        self.unit
    }
}

impl fmt::Display for MetricKey {
    /// The text form: scope, label values and `measure_unit`, joined by dots.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.scope)?;
        for l in &self.labels {
            write!(f, ".{}", l.value)?;
        }
        write!(f, ".{}_{}", self.measure, self.unit.suffix())
    }
}

/// Everything one replication of a model reports.
///
/// Values whose statistic is undefined in this replication (a mean over no
/// trains, say) are left out rather than given as NaN.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    /// Kernel events handled.
    pub events: u64,
    /// Whether the model's own invariants held (for the corridor: every
    /// train and container conserved). Always true unless there is a bug.
    pub consistent: bool,
    /// Scalar results by key.
    pub values: Vec<(MetricKey, f64)>,
    /// Distributions by key (e.g. every train's delay at a port, \[ms\]).
    pub distributions: Vec<(MetricKey, Histogram)>,
    /// Time series by key (e.g. trains waiting at a port, day by day).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub series: Vec<(MetricKey, Vec<f64>)>,
}

impl Observation {
    /// An empty observation whose invariants held.
    pub fn new(events: u64) -> Self {
        Observation {
            events,
            consistent: true,
            values: Vec::new(),
            distributions: Vec::new(),
            series: Vec::new(),
        }
    }

    /// Adds a value, if it is defined and finite.
    pub fn put(&mut self, key: MetricKey, value: Option<f64>) {
        if let Some(v) = value.filter(|v| v.is_finite()) {
            self.values.push((key, v));
        }
    }

    /// The value of `key`, if reported.
    pub fn value(&self, key: &MetricKey) -> Option<f64> {
        self.values.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_forms() {
        let k = MetricKey::new("network", "backlog", Unit::Trains);
        assert_eq!(k.to_string(), "network.backlog_trains");
        let od = MetricKey::new("od", "transit_mean", Unit::Days)
            .with("origin", "xian")
            .with("destination", "duisburg");
        assert_eq!(od.to_string(), "od.xian.duisburg.transit_mean_days");
        assert_eq!(
            od.with_measure("transit_p95", Unit::Days).to_string(),
            "od.xian.duisburg.transit_p95_days"
        );
    }

    #[test]
    fn hostile_parts_are_refused() {
        for bad in [
            "",
            "a.b",
            "a,b",
            "A",
            "x\"y",
            "a\nb",
            "\u{202e}x",
            &"a".repeat(65),
        ] {
            assert!(
                MetricKey::try_new(bad, "m", Unit::Count).is_err(),
                "{bad:?}"
            );
            assert!(
                MetricKey::new("s", "m", Unit::Count)
                    .try_with("port", bad)
                    .is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn observation_skips_undefined_values() {
        let mut o = Observation::new(10);
        let k = MetricKey::new("s", "m", Unit::Count);
        o.put(k.clone(), None);
        o.put(k.clone(), Some(f64::NAN));
        assert!(o.values.is_empty());
        o.put(k.clone(), Some(2.5));
        assert_eq!(o.value(&k), Some(2.5));
    }
}
