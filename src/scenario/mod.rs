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

mod dist_spec;
mod experiment;
mod locate;
mod routes;
pub mod spec;
mod validate;

use std::path::Path;
use std::sync::Arc;

pub use experiment::{Experiment, MAX_TRAINS_PER_REPLICATION, SweepSettings};

use crate::corridor::Network;
use crate::error::{FieldPath, InvalidField, ScenarioError};
use locate::{Spans, from_serde_path, line_col, offset_of};
use spec::ScenarioSpec;

/// The built-in reference corridor (2025 network and caps, 2024–25
/// demand), with a variant `baktu` that opens the Baktu–Bakhty crossing.
/// It is the bundled file `examples/scenarios/reference.toml`, compiled in.
pub const BUILTIN_TOML: &str = include_str!("../../examples/scenarios/reference.toml");

/// Label used in errors for a scenario built in code.
const IN_CODE: &str = "<built in code>";

/// The text a scenario was read from, to point errors at lines.
#[derive(Clone, Debug)]
enum Text {
    Toml(Arc<str>),
    Json(Arc<str>),
}

impl Text {
    fn spans(&self) -> (Spans, &str) {
        match self {
            Text::Toml(t) => (Spans::toml(t), t),
            Text::Json(t) => (Spans::json(t), t),
        }
    }
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
    text: Option<Text>,
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

/// Sets the value at `path` (`a.b[2].c`) in `table`, making the tables on
/// the way that do not exist yet.
fn set_at(table: &mut toml::Table, path: &str, value: toml::Value) -> Result<(), String> {
    enum Step<'a> {
        Key(&'a str),
        Index(usize),
    }
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = part.split_once('[').map_or((part, ""), |(k, r)| (k, r));
        if part.contains('[') && rest.is_empty() {
            return Err(format!("'{path}': an index without its closing ]"));
        }
        if key.is_empty() {
            return Err(format!(
                "'{path}' is not a path like ports.ID.westbound.tracks"
            ));
        }
        steps.push(Step::Key(key));
        while !rest.is_empty() {
            let (i, after) = rest
                .split_once(']')
                .ok_or_else(|| format!("'{path}': an index without its closing ]"))?;
            let i = i
                .trim()
                .parse::<usize>()
                .map_err(|_| format!("'{path}': [{i}] is not an index"))?;
            steps.push(Step::Index(i));
            rest = after.strip_prefix('[').unwrap_or(after);
            if !after.is_empty() && !after.starts_with('[') {
                return Err(format!("'{path}': unexpected '{after}' after an index"));
            }
        }
    }
    let mut here = toml::Value::Table(std::mem::take(table));
    let mut cursor = &mut here;
    let mut walked = String::new();
    for (k, step) in steps.iter().enumerate() {
        let last = k + 1 == steps.len();
        match step {
            Step::Key(key) => {
                if !walked.is_empty() {
                    walked.push('.');
                }
                walked.push_str(key);
                let toml::Value::Table(t) = cursor else {
                    return Err(format!("'{walked}' is inside a value that is not a table"));
                };
                if last {
                    t.insert((*key).to_string(), value);
                    break;
                }
                cursor = t
                    .entry((*key).to_string())
                    .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            }
            Step::Index(i) => {
                walked.push_str(&format!("[{i}]"));
                let toml::Value::Array(a) = cursor else {
                    return Err(format!("'{walked}': not a list"));
                };
                let n = a.len();
                let Some(slot) = a.get_mut(*i) else {
                    return Err(format!("'{walked}': the list has {n} entries"));
                };
                if last {
                    *slot = value;
                    break;
                }
                cursor = slot;
            }
        }
    }
    let toml::Value::Table(t) = here else {
        unreachable!("the root is a table")
    };
    *table = t;
    Ok(())
}

/// Line and column of `path` in `text`, looked up under each prefix in
/// turn: the first prefix under which the whole path exists, failing that
/// the deepest part found under the last prefix.
fn position(
    text: Option<&Text>,
    prefixes: &[FieldPath],
    path: &FieldPath,
) -> (Option<usize>, Option<usize>) {
    let Some(text) = text else {
        return (None, None);
    };
    let (spans, raw) = text.spans();
    let found: Vec<(usize, bool)> = prefixes
        .iter()
        .filter_map(|p| spans.locate(&path.under(p)))
        .collect();
    found
        .iter()
        .find(|(_, full)| *full)
        .or(found.last())
        .map_or((None, None), |&(at, _)| {
            let (l, c) = line_col(raw, at);
            (Some(l), Some(c))
        })
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

    /// Validates a scenario written in code, every variant included.
    ///
    /// # Errors
    ///
    /// [`ScenarioError::Invalid`] for the first bad value.
    pub fn from_spec(spec: ScenarioSpec) -> Result<Scenario, ScenarioError> {
        Scenario::validate_located(spec, IN_CODE, None, &[FieldPath::root()], None)?
            .with_every_variant_checked()
    }

    /// Checks that every variant is valid; returns the scenario unchanged.
    fn with_every_variant_checked(self) -> Result<Scenario, ScenarioError> {
        for name in self.variant_names() {
            self.with_variant(name)?;
        }
        Ok(self)
    }

    /// Validates `spec`; `text` and `prefixes` locate a bad field's line:
    /// the field's path is looked up under each prefix in turn.
    fn validate_located(
        spec: ScenarioSpec,
        source: &str,
        text: Option<Text>,
        prefixes: &[FieldPath],
        variant: Option<&str>,
    ) -> Result<Scenario, ScenarioError> {
        let invalid = |field: InvalidField| {
            let (line, column) = position(text.as_ref(), prefixes, &field.path);
            ScenarioError::Invalid {
                file: source.to_string(),
                line,
                column,
                variant: variant.map(str::to_string),
                field: Box::new(field),
            }
        };
        validate::names(&spec).map_err(invalid)?;
        let network = validate::network(&spec).map_err(invalid)?;
        let experiment = validate::experiment(&spec.experiment, &network).map_err(invalid)?;
        validate::size(&spec.experiment, &experiment, &network).map_err(invalid)?;
        Ok(Scenario {
            source: source.to_string(),
            spec,
            network,
            experiment,
            variant: None,
            text,
        })
    }

    /// Parses and validates TOML, every variant included; `file` names the
    /// source in errors.
    ///
    /// # Errors
    ///
    /// [`ScenarioError::Parse`] (with line, column and the field's path)
    /// for syntax errors, unknown keys, wrong types and missing fields;
    /// [`ScenarioError::Invalid`] for bad values, in the base or in any
    /// variant.
    pub fn from_toml_str(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
        let spec: ScenarioSpec = toml::from_str(text).map_err(|e| {
            // A syntax error has no field path: only well-formed TOML has one.
            let well_formed = toml::de::DeTable::parse(text).is_ok();
            let (line, column, path) = match e.span() {
                Some(span) => {
                    let (l, c) = line_col(text, span.start);
                    let path = well_formed
                        .then(|| Spans::toml(text).path_at(span.start))
                        .flatten();
                    (Some(l), Some(c), path)
                }
                None => (None, None, None),
            };
            let message = e.message().trim();
            ScenarioError::Parse {
                file: file.to_string(),
                line,
                column,
                message: match path {
                    Some(p) if !p.segments().is_empty() => format!("{p}: {message}"),
                    _ => message.to_string(),
                },
            }
        })?;
        Scenario::validate_located(
            spec,
            file,
            Some(Text::Toml(text.into())),
            &[FieldPath::root()],
            None,
        )?
        .with_every_variant_checked()
    }

    /// Parses and validates JSON, every variant included; `file` names the
    /// source in errors.
    ///
    /// # Errors
    ///
    /// As [`from_toml_str`](Self::from_toml_str), with the same lines,
    /// columns and field paths.
    pub fn from_json_str(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
        let mut de = serde_json::Deserializer::from_str(text);
        let spec: ScenarioSpec = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = from_serde_path(e.path());
            let inner = e.inner();
            let (line, column) = (inner.line(), inner.column());
            // serde_json's message ends with the position, given apart here.
            let message = inner.to_string();
            let message = message
                .rfind(" at line ")
                .map_or(message.as_str(), |i| &message[..i])
                .trim()
                .to_string();
            let path = if path.segments().is_empty() && line > 0 {
                Spans::json(text)
                    .path_at(offset_of(text, line, column))
                    .unwrap_or(path)
            } else {
                path
            };
            ScenarioError::Parse {
                file: file.to_string(),
                line: Some(line).filter(|&l| l > 0),
                column: Some(column).filter(|&c| c > 0),
                message: if path.segments().is_empty() {
                    message
                } else {
                    format!("{path}: {message}")
                },
            }
        })?;
        Scenario::validate_located(
            spec,
            file,
            Some(Text::Json(text.into())),
            &[FieldPath::root()],
            None,
        )?
        .with_every_variant_checked()
    }

    /// Reads a `.toml` or `.json` scenario file, every variant included.
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
    /// [`ScenarioError::Invalid`] if the product is not a valid multiplier,
    /// or makes a replication carry more than
    /// [`MAX_TRAINS_PER_REPLICATION`] trains.
    pub fn with_demand_multiplier(&self, factor: f64) -> Result<Scenario, ScenarioError> {
        let mut spec = self.spec.clone();
        spec.demand.multiplier *= factor;
        let mut s = Scenario::validate_located(
            spec,
            &self.source,
            self.text.clone(),
            &[FieldPath::root()],
            self.variant.as_deref(),
        )?;
        s.variant.clone_from(&self.variant);
        Ok(s)
    }

    /// Names of the scenario's variants, sorted.
    pub fn variant_names(&self) -> Vec<&str> {
        self.spec.variants.keys().map(String::as_str).collect()
    }

    /// The scenario with variant `name` laid over it; `a+b` lays `a` and
    /// then `b` (the 2024 border with Baktu open, say: `y2024+baktu`).
    ///
    /// # Errors
    ///
    /// [`ScenarioError::UnknownVariant`] if there is no such variant;
    /// [`ScenarioError::Parse`] or [`ScenarioError::Invalid`] (with the
    /// line and column in the file, and the variant named) if the result is
    /// not a valid scenario.
    ///
    /// A variant may say `extends = "other"` (or `"a+b"`): the variants it
    /// extends are laid first, then it.
    pub fn with_variant(&self, name: &str) -> Result<Scenario, ScenarioError> {
        let mut base_spec = self.spec.clone();
        base_spec.variants.clear();
        let mut table =
            toml::Table::try_from(&base_spec).expect("a validated scenario's spec is a table");
        let mut prefixes = Vec::new();
        let mut parts = Vec::new();
        for part in name.split('+') {
            self.expand(part, &mut parts, &mut Vec::new())?;
        }
        for part in &parts {
            let mut over = self.spec.variants[part.as_str()].clone();
            over.remove("extends");
            overlay(&mut table, &over);
            prefixes.insert(0, FieldPath::root().key("variants").key(part.clone()));
        }
        let prefix = prefixes[0].clone();
        let spec: ScenarioSpec = serde_path_to_error::deserialize(toml::Value::Table(table))
            .map_err(|e| {
                let path = from_serde_path(e.path());
                let (line, column) =
                    position(self.text.as_ref(), std::slice::from_ref(&prefix), &path);
                ScenarioError::Parse {
                    file: self.source.clone(),
                    line,
                    column,
                    message: format!(
                        "in variant '{name}': {}{}",
                        if path.segments().is_empty() {
                            String::new()
                        } else {
                            format!("{path}: ")
                        },
                        e.inner().message().trim()
                    ),
                }
            })?;
        prefixes.push(FieldPath::root());
        let mut s = Scenario::validate_located(
            spec,
            &self.source,
            self.text.clone(),
            &prefixes,
            Some(name),
        )?;
        s.variant = Some(name.to_string());
        Ok(s)
    }

    /// The scenario with fields set by `PATH=VALUE` overrides, as
    /// `--set` gives them: `ports.alashankou_dostyk.westbound.tracks=8`,
    /// `flows.xian_west.route_bias_hours[1]=2.5`, or a variant's field,
    /// `variants.baktu.ports.baktu_bakhty.westbound.handover_cap_trains_per_day=12`.
    /// VALUE is a TOML value (`8`, `0.5`, `true`, `[0.05]`, `{ deterministic_hours = 1 }`,
    /// `"text"`); a bare word is a string. The result is parsed and
    /// validated exactly like a file, every variant included.
    ///
    /// # Errors
    ///
    /// [`ScenarioError::Parse`] for an override that is not `PATH=VALUE`,
    /// a path through something that is not a table, an index past the end
    /// of a list, or a value of the wrong type; [`ScenarioError::Invalid`]
    /// for a value the checks refuse. Each names the file, the overrides
    /// and the field.
    pub fn with_overrides(&self, sets: &[String]) -> Result<Scenario, ScenarioError> {
        if sets.is_empty() {
            return Ok(self.clone());
        }
        let file = format!("{} (with --set {})", self.source, sets.join(" --set "));
        let parse_error = |message: String| ScenarioError::Parse {
            file: file.clone(),
            line: None,
            column: None,
            message,
        };
        let mut table =
            toml::Table::try_from(&self.spec).expect("a validated scenario's spec is a table");
        for set in sets {
            let Some((path, value)) = set.split_once('=') else {
                return Err(parse_error(format!("--set {set}: expected PATH=VALUE")));
            };
            let (path, value) = (path.trim(), value.trim());
            // A variant's name mistyped would make a new, valid variant
            // that nothing uses: only existing variants may be set.
            if let Some(rest) = path.strip_prefix("variants.") {
                let name = rest.split(['.', '[']).next().unwrap_or("");
                if !self.spec.variants.contains_key(name) {
                    return Err(parse_error(format!(
                        "--set {set}: variants.{name}: found no such variant, expected one of the scenario's ({})",
                        self.variant_names().join(", ")
                    )));
                }
            }
            // So would a mistyped port, section, flow or node: set_at would
            // make a new, incomplete one.
            let maps: [(&str, &str, Vec<&String>); 5] = [
                ("ports", "port", self.spec.ports.keys().collect()),
                ("sections", "section", self.spec.sections.keys().collect()),
                ("flows", "flow", self.spec.flows.keys().collect()),
                ("nodes", "node", self.spec.nodes.keys().collect()),
                ("choices", "choice", self.spec.choices.keys().collect()),
            ];
            for (table, what, ids) in maps {
                let Some(rest) = path.strip_prefix(table).and_then(|r| r.strip_prefix('.')) else {
                    continue;
                };
                let id = rest.split(['.', '[']).next().unwrap_or("");
                if !ids.iter().any(|k| k.as_str() == id) {
                    let in_variants: Vec<&str> = self
                        .spec
                        .variants
                        .iter()
                        .filter(|(_, t)| t.get(table).and_then(|v| v.get(id)).is_some())
                        .map(|(n, _)| n.as_str())
                        .collect();
                    let hint = match in_variants.first() {
                        Some(v) => format!(
                            "; variant '{v}' defines it: set it as variants.{v}.{table}.{id}…"
                        ),
                        None => String::new(),
                    };
                    return Err(parse_error(format!(
                        "--set {set}: {table}.{id}: found no such {what} in the scenario, expected one of {}{hint}",
                        ids.iter()
                            .map(|k| k.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                }
            }
            let value = toml::from_str::<toml::Table>(&format!("v = {value}"))
                .ok()
                .and_then(|mut t| t.remove("v"))
                .unwrap_or_else(|| toml::Value::String(value.to_string()));
            set_at(&mut table, path, value)
                .map_err(|m| parse_error(format!("--set {set}: {m}")))?;
        }
        let spec: ScenarioSpec = serde_path_to_error::deserialize(toml::Value::Table(table))
            .map_err(|e| {
                let path = from_serde_path(e.path());
                parse_error(format!(
                    "{}{}",
                    if path.segments().is_empty() {
                        String::new()
                    } else {
                        format!("{path}: ")
                    },
                    e.inner().message().trim()
                ))
            })?;
        Scenario::validate_located(spec, &file, None, &[FieldPath::root()], None)?
            .with_every_variant_checked()
    }

    /// Appends variant `part` to `parts`, after the variants it extends
    /// (each once); `path` holds the chain being expanded, to refuse loops.
    fn expand(
        &self,
        part: &str,
        parts: &mut Vec<String>,
        path: &mut Vec<String>,
    ) -> Result<(), ScenarioError> {
        let Some(over) = self.spec.variants.get(part) else {
            return Err(ScenarioError::UnknownVariant {
                file: self.source.clone(),
                name: part.to_string(),
                available: self.variant_names().join(", "),
            });
        };
        if path.iter().any(|p| p == part) {
            path.push(part.to_string());
            return Err(ScenarioError::Parse {
                file: self.source.clone(),
                line: None,
                column: None,
                message: format!(
                    "variants.{}.extends: found a loop ({}), expected variants that extend others without coming back",
                    path[0],
                    path.join(" → ")
                ),
            });
        }
        path.push(part.to_string());
        match over.get("extends") {
            None => {}
            Some(toml::Value::String(base)) => {
                for b in base.split('+') {
                    if !self.spec.variants.contains_key(b) {
                        return Err(ScenarioError::Parse {
                            file: self.source.clone(),
                            line: None,
                            column: None,
                            message: format!(
                                "variants.{part}.extends: found '{b}', expected a variant of the scenario ({})",
                                self.variant_names().join(", ")
                            ),
                        });
                    }
                    self.expand(b, parts, path)?;
                }
            }
            Some(other) => {
                return Err(ScenarioError::Parse {
                    file: self.source.clone(),
                    line: None,
                    column: None,
                    message: format!(
                        "variants.{part}.extends: found {other}, expected the name of a variant (or a+b)"
                    ),
                });
            }
        }
        path.pop();
        if !parts.iter().any(|p| p == part) {
            parts.push(part.to_string());
        }
        Ok(())
    }
}
