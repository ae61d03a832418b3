//! Scenario files (TOML or JSON), their validation into a [`Network`], and
//! the built-in reference corridor.
//!
//! A scenario file deserializes into [`spec::ScenarioSpec`] with unknown
//! keys rejected, then converts into validated domain types: every bad
//! value is reported with the file, the field's path, the value and what
//! was expected, before any run starts.
//!
//! Variants (`[variants.NAME]`) are partial scenarios laid over the base:
//! tables merge key by key, any other value replaces the base's.

pub mod spec;

use std::path::Path;
use std::sync::Arc;

use crate::corridor::Network;
use crate::error::{InvalidField, ScenarioError};
use crate::time::SimDuration;
use spec::ScenarioSpec;

/// The built-in reference corridor (2025 network and caps, 2024–25
/// demand), with a variant `baktu` that opens the Baktu–Bakhty crossing.
/// It is the bundled file `examples/scenarios/reference.toml`, compiled in.
pub const BUILTIN_TOML: &str = include_str!("../../examples/scenarios/reference.toml");

/// Label used in errors for a scenario built in code.
const IN_CODE: &str = "<built in code>";

/// Validated experiment settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Experiment {
    /// Measured span after the warm-up.
    pub horizon: SimDuration,
    /// Warm-up before measurement.
    pub warmup: SimDuration,
    /// Replications.
    pub replications: u64,
    /// Master seed.
    pub seed: u64,
    /// Total wait above which a train counts as delayed.
    pub delay_threshold: SimDuration,
    /// Keep a per-train trace.
    pub trace: bool,
    /// The stopping rule, if the scenario gives one.
    pub stopping: Option<spec::StoppingSpec>,
    /// The default demand sweep, if the scenario gives one.
    pub sweep: Option<spec::SweepSpec>,
}

/// A loaded, validated scenario.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Where it came from (a path, `<builtin>` or `<built in code>`).
    pub source: String,
    /// The file contents as parsed (variants included).
    pub spec: ScenarioSpec,
    /// The validated network and demand.
    pub network: Network,
    /// The validated experiment settings.
    pub experiment: Experiment,
    /// The variant applied, if any.
    pub variant: Option<String>,
    /// The TOML text it was read from, to point errors at lines.
    text: Option<Arc<str>>,
}

fn days(path: &str, v: f64, allow_zero: bool) -> Result<SimDuration, InvalidField> {
    let ok = if allow_zero { v >= 0.0 } else { v > 0.0 };
    if !(ok && v <= 36_525.0) {
        return Err(InvalidField::new(
            path,
            v,
            if allow_zero {
                "a number of days from 0 to 36525"
            } else {
                "a number of days above 0 and at most 36525"
            },
        ));
    }
    Ok(SimDuration::try_from_hours_f64(v * 24.0).expect("bounded above"))
}

impl Experiment {
    fn from_spec(e: &spec::ExperimentSpec) -> Result<Experiment, InvalidField> {
        if e.replications == 0 {
            return Err(InvalidField::new(
                "experiment.replications",
                0,
                "at least 1 replication",
            ));
        }
        if !(e.delay_threshold_hours >= 0.0 && e.delay_threshold_hours <= 87_660.0) {
            return Err(InvalidField::new(
                "experiment.delay_threshold_hours",
                e.delay_threshold_hours,
                "a number of hours from 0 to 87660",
            ));
        }
        if let Some(st) = &e.stopping {
            let p = "experiment.stopping";
            if !(st.relative_half_width > 0.0 && st.relative_half_width.is_finite()) {
                return Err(InvalidField::new(
                    format!("{p}.relative_half_width"),
                    st.relative_half_width,
                    "a positive fraction of the mean, e.g. 0.05",
                ));
            }
            if !(st.level > 0.0 && st.level < 1.0) {
                return Err(InvalidField::new(
                    format!("{p}.level"),
                    st.level,
                    "a level between 0 and 1",
                ));
            }
            if st.min_replications < 2 || st.max_replications < st.min_replications {
                return Err(InvalidField::new(
                    format!("{p}.max_replications"),
                    format!(
                        "min {} and max {}",
                        st.min_replications, st.max_replications
                    ),
                    "2 ≤ min_replications ≤ max_replications",
                ));
            }
            if st.batch == 0 {
                return Err(InvalidField::new(
                    format!("{p}.batch"),
                    0,
                    "at least 1 replication per round",
                ));
            }
        }
        if let Some(sw) = &e.sweep {
            let p = "experiment.sweep";
            if sw.multipliers.is_empty()
                || sw.multipliers.iter().any(|m| !(*m > 0.0 && m.is_finite()))
                || sw.multipliers.windows(2).any(|w| w[0] >= w[1])
            {
                return Err(InvalidField::new(
                    format!("{p}.multipliers"),
                    format!("{:?}", sw.multipliers),
                    "positive multipliers in ascending order",
                ));
            }
            if !sw.threshold.is_finite() {
                return Err(InvalidField::new(
                    format!("{p}.threshold"),
                    sw.threshold,
                    "a finite number",
                ));
            }
            if sw.replications < 2 {
                return Err(InvalidField::new(
                    format!("{p}.replications"),
                    sw.replications,
                    "at least 2 replications per point",
                ));
            }
        }
        Ok(Experiment {
            stopping: e.stopping.clone(),
            sweep: e.sweep.clone(),
            horizon: days("experiment.horizon_days", e.horizon_days, false)?,
            warmup: days("experiment.warmup_days", e.warmup_days, true)?,
            replications: e.replications,
            seed: e.seed,
            delay_threshold: SimDuration::try_from_hours_f64(e.delay_threshold_hours)
                .expect("bounded above"),
            trace: e.trace,
        })
    }
}

/// Line and column (1-based) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rfind('\n')
        .map_or(before.len(), |i| before.len() - i - 1)
        + 1;
    (line, col)
}

/// Line and column of the value at `path` (`a.b[2].c`) in TOML `text`,
/// and whether the whole path was found (otherwise the position is that of
/// the deepest part found).
fn locate(text: &str, path: &str) -> Option<((usize, usize), bool)> {
    use toml::de::{DeTable, DeValue};
    let root = DeTable::parse(text).ok()?;
    let mut table: &DeTable<'_> = root.get_ref();
    let mut span = None;
    let mut value: Option<&DeValue<'_>> = None;
    let mut found_all = true;
    for segment in path.split('.') {
        let (key, indices) = match segment.find('[') {
            Some(i) => (&segment[..i], &segment[i..]),
            None => (segment, ""),
        };
        if let Some(v) = value {
            match v {
                DeValue::Table(t) => table = t,
                _ => {
                    found_all = false;
                    break;
                }
            }
        }
        let Some(found) = table.get(key) else {
            found_all = false;
            break;
        };
        span = Some(found.span());
        value = Some(found.get_ref());
        for idx in indices.split(['[', ']']).filter(|s| !s.is_empty()) {
            let (Ok(i), Some(DeValue::Array(a))) = (idx.parse::<usize>(), value) else {
                found_all = false;
                break;
            };
            let items: &[toml::Spanned<DeValue<'_>>] = std::borrow::Borrow::borrow(a);
            let Some(item) = items.get(i) else {
                found_all = false;
                break;
            };
            span = Some(item.span());
            value = Some(item.get_ref());
        }
    }
    span.map(|s| (line_col(text, s.start), found_all))
}

/// The path of the deepest key or value in TOML `text` whose span holds
/// byte `offset` (`ports.x.westbound.tracks`, `flows.f.shares[1]`).
fn path_at(text: &str, offset: usize) -> Option<String> {
    use std::ops::Range;
    use toml::de::{DeTable, DeValue};
    // Tables opened by a `[header]` span only their header, so every key and
    // value is listed with its full path, and the deepest one that holds the
    // offset wins.
    fn flatten(v: &DeValue<'_>, prefix: &str, out: &mut Vec<(Range<usize>, String)>) {
        match v {
            DeValue::Table(t) => {
                for (k, val) in t.iter() {
                    let path = if prefix.is_empty() {
                        k.get_ref().to_string()
                    } else {
                        format!("{prefix}.{}", k.get_ref())
                    };
                    out.push((k.span(), path.clone()));
                    out.push((val.span(), path.clone()));
                    flatten(val.get_ref(), &path, out);
                }
            }
            DeValue::Array(a) => {
                let items: &[toml::Spanned<DeValue<'_>>] = std::borrow::Borrow::borrow(a);
                for (i, item) in items.iter().enumerate() {
                    let path = format!("{prefix}[{i}]");
                    out.push((item.span(), path.clone()));
                    flatten(item.get_ref(), &path, out);
                }
            }
            _ => {}
        }
    }
    let (root, _) = DeTable::parse_recoverable(text);
    let mut entries = Vec::new();
    flatten(&DeValue::Table(root.into_inner()), "", &mut entries);
    let depth = |p: &str| p.matches(['.', '[']).count();
    entries
        .into_iter()
        .filter(|(r, _)| r.contains(&offset))
        .max_by(|(ra, a), (rb, b)| depth(a).cmp(&depth(b)).then(rb.len().cmp(&ra.len())))
        .map(|(_, p)| p)
}

/// Lays `over` onto `base`: tables merge key by key, other values replace.
fn overlay(base: &mut toml::Table, over: &toml::Table) {
    for (k, v) in over {
        match (base.get_mut(k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => overlay(b, o),
            _ => {
                base.insert(k.clone(), v.clone());
            }
        }
    }
}

impl Scenario {
    /// The built-in reference corridor (see [`BUILTIN_TOML`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use silkrail::scenario::Scenario;
    ///
    /// let base = Scenario::builtin();
    /// let baktu = base.with_variant("baktu")?;
    /// assert!(baktu.network.place_by_id("baktu_bakhty").is_some());
    /// assert!(base.network.place_by_id("baktu_bakhty").is_none());
    /// # Ok::<(), silkrail::error::ScenarioError>(())
    /// ```
    pub fn builtin() -> Scenario {
        Scenario::from_toml_str(BUILTIN_TOML, "<builtin>")
            .expect("the built-in scenario is valid (tested)")
    }

    /// Validates a scenario written in code.
    ///
    /// # Errors
    ///
    /// [`ScenarioError::Invalid`] for the first bad value.
    pub fn from_spec(spec: ScenarioSpec) -> Result<Scenario, ScenarioError> {
        Scenario::validate(spec, IN_CODE)
    }

    /// Validates `spec`; `text` (TOML) and `prefixes` locate a bad field's
    /// line: the field's path is looked up under each prefix in turn.
    fn validate_located(
        spec: ScenarioSpec,
        source: &str,
        text: Option<Arc<str>>,
        prefixes: &[&str],
        variant: Option<&str>,
    ) -> Result<Scenario, ScenarioError> {
        let invalid = |field: InvalidField| {
            // The first prefix under which the whole path exists; failing
            // that, the deepest part found under the last prefix.
            let (line, column) = text
                .as_deref()
                .and_then(|t| {
                    let found: Vec<_> = prefixes
                        .iter()
                        .filter_map(|p| locate(t, &format!("{p}{}", field.path)))
                        .collect();
                    found
                        .iter()
                        .find(|(_, full)| *full)
                        .or(found.last())
                        .map(|&(at, _)| at)
                })
                .map_or((None, None), |(l, c)| (Some(l), Some(c)));
            ScenarioError::Invalid {
                file: source.to_string(),
                line,
                column,
                variant: variant.map(str::to_string),
                field: Box::new(field),
            }
        };
        let network = Network::from_spec(&spec).map_err(invalid)?;
        let experiment = Experiment::from_spec(&spec.experiment).map_err(invalid)?;
        Ok(Scenario {
            source: source.to_string(),
            spec,
            network,
            experiment,
            variant: None,
            text,
        })
    }

    fn validate(spec: ScenarioSpec, source: &str) -> Result<Scenario, ScenarioError> {
        Scenario::validate_located(spec, source, None, &[""], None)
    }

    /// Parses and validates TOML; `file` names the source in errors.
    ///
    /// # Errors
    ///
    /// [`ScenarioError::Parse`] (with line and column) for syntax errors,
    /// unknown keys, wrong types and missing fields;
    /// [`ScenarioError::Invalid`] for bad values.
    pub fn from_toml_str(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
        let spec: ScenarioSpec = toml::from_str(text).map_err(|e| {
            // A syntax error has no field path: only well-formed TOML has one.
            let well_formed = toml::de::DeTable::parse(text).is_ok();
            let (line, column, path) = match e.span() {
                Some(span) => {
                    let (l, c) = line_col(text, span.start);
                    (
                        Some(l),
                        Some(c),
                        well_formed.then(|| path_at(text, span.start)).flatten(),
                    )
                }
                None => (None, None, None),
            };
            let message = e.message().trim();
            ScenarioError::Parse {
                file: file.to_string(),
                line,
                column,
                message: match path {
                    Some(p) if !p.is_empty() => format!("{p}: {message}"),
                    _ => message.to_string(),
                },
            }
        })?;
        Scenario::validate_located(spec, file, Some(text.into()), &[""], None)
    }

    /// Parses and validates JSON; `file` names the source in errors.
    ///
    /// # Errors
    ///
    /// As [`from_toml_str`](Self::from_toml_str).
    pub fn from_json_str(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
        let spec: ScenarioSpec = serde_json::from_str(text).map_err(|e| ScenarioError::Parse {
            file: file.to_string(),
            line: Some(e.line()).filter(|&l| l > 0),
            column: Some(e.column()).filter(|&c| c > 0),
            message: e.to_string(),
        })?;
        Scenario::validate(spec, file)
    }

    /// Reads a `.toml` or `.json` scenario file.
    ///
    /// # Errors
    ///
    /// [`ScenarioError::Io`] if the file cannot be read, otherwise as
    /// [`from_toml_str`](Self::from_toml_str).
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
            file: file.clone(),
            source,
        })?;
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            Scenario::from_json_str(&text, &file)
        } else {
            Scenario::from_toml_str(&text, &file)
        }
    }

    /// The same scenario with every flow's demand multiplied by `factor`
    /// (on top of the scenario's own multiplier).
    ///
    /// # Errors
    ///
    /// [`ScenarioError::Invalid`] if the product is not a valid multiplier.
    pub fn with_demand_multiplier(&self, factor: f64) -> Result<Scenario, ScenarioError> {
        let mut spec = self.spec.clone();
        spec.demand.multiplier *= factor;
        let mut s = Scenario::validate_located(
            spec,
            &self.source,
            self.text.clone(),
            &[""],
            self.variant.as_deref(),
        )?;
        s.variant.clone_from(&self.variant);
        Ok(s)
    }

    /// Names of the scenario's variants, sorted.
    pub fn variant_names(&self) -> Vec<&str> {
        self.spec.variants.keys().map(String::as_str).collect()
    }

    /// The scenario with variant `name` laid over it.
    ///
    /// # Errors
    ///
    /// [`ScenarioError::UnknownVariant`] if there is no such variant;
    /// [`ScenarioError::Parse`] or [`ScenarioError::Invalid`] if the result
    /// is not a valid scenario (the message names the variant).
    pub fn with_variant(&self, name: &str) -> Result<Scenario, ScenarioError> {
        let Some(over) = self.spec.variants.get(name) else {
            return Err(ScenarioError::UnknownVariant {
                file: self.source.clone(),
                name: name.to_string(),
                available: self.variant_names().join(", "),
            });
        };
        let label = format!("{} (variant '{name}')", self.source);
        let mut base_spec = self.spec.clone();
        base_spec.variants.clear();
        let mut table = toml::Table::try_from(&base_spec).map_err(|e| ScenarioError::Parse {
            file: label.clone(),
            line: None,
            column: None,
            message: e.to_string(),
        })?;
        overlay(&mut table, over);
        let spec: ScenarioSpec =
            toml::Value::Table(table)
                .try_into()
                .map_err(|e: toml::de::Error| ScenarioError::Parse {
                    file: label.clone(),
                    line: None,
                    column: None,
                    message: e.message().trim().to_string(),
                })?;
        let prefix = format!("variants.{name}.");
        let mut s = Scenario::validate_located(
            spec,
            &self.source,
            self.text.clone(),
            &[&prefix, ""],
            Some(name),
        )?;
        s.variant = Some(name.to_string());
        Ok(s)
    }
}
