//! The error types that more than one layer shares: the path of a field,
//! an invalid field, and why a scenario could not be loaded.
//!
//! This module sits at the bottom of the crate and imports nothing from
//! it. Each layer's own errors live beside that layer:
//! [`TimeError`](crate::time::TimeError),
//! [`ScheduleError`](crate::engine::ScheduleError),
//! [`MetricKeyError`](crate::metric::MetricKeyError),
//! [`DistError`](crate::corridor::DistError),
//! [`RunError`](crate::montecarlo::RunError),
//! [`ModelError`](crate::montecarlo::ModelError),
//! [`MergeError`](crate::montecarlo::MergeError),
//! [`ShardError`](crate::montecarlo::ShardError) and
//! [`StudyError`](crate::study::StudyError).

use std::fmt;

/// One step of a [`FieldPath`]: a key of a table or an index of a list.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Segment {
    /// A key, e.g. `ports` or `alashankou_dostyk`.
    Key(String),
    /// A list index, from 0.
    Index(usize),
}

/// Where a field is in a scenario: `ports.alashankou_dostyk.westbound.tracks`,
/// `flows.xian_west.via[1][0]`.
///
/// Keys that are not plain identifiers are shown quoted, as TOML writes
/// them (`nodes."a.b"`), so a path always reads back unambiguously.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct FieldPath(Vec<Segment>);

impl FieldPath {
    /// The empty path (the whole scenario).
    pub fn root() -> Self {
        FieldPath(Vec::new())
    }

    /// The path with one more key.
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.0.push(Segment::Key(key.into()));
        self
    }

    /// The path with one more list index.
    pub fn index(mut self, i: usize) -> Self {
        self.0.push(Segment::Index(i));
        self
    }

    /// The path's segments.
    pub fn segments(&self) -> &[Segment] {
        &self.0
    }

    /// The path with `prefix` in front (e.g. `variants.baktu`).
    pub fn under(&self, prefix: &FieldPath) -> FieldPath {
        FieldPath(prefix.0.iter().chain(&self.0).cloned().collect())
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Segment::Key(k) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    if !k.is_empty()
                        && k.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                    {
                        f.write_str(k)?;
                    } else {
                        write!(f, "{k:?}")?;
                    }
                }
                Segment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// One invalid value: where it is, what it was, what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidField {
    /// Where the field is.
    pub path: FieldPath,
    /// The value found, as written.
    pub value: String,
    /// What a valid value looks like.
    pub expected: String,
}

impl InvalidField {
    /// An invalid field at `path`.
    pub fn new(path: FieldPath, value: impl fmt::Display, expected: impl Into<String>) -> Self {
        InvalidField {
            path,
            value: value.to_string(),
            expected: expected.into(),
        }
    }
}

impl fmt::Display for InvalidField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: found {}, expected {}",
            self.path, self.value, self.expected
        )
    }
}

impl std::error::Error for InvalidField {}

/// Why a scenario could not be loaded or built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// The file.
        file: String,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The file is not valid TOML or JSON, or does not have the shape of a
    /// scenario (unknown key, wrong type, missing field).
    #[error("{file}{}: {}", location(*.line, *.column), plain_types(.message))]
    Parse {
        /// The file.
        file: String,
        /// 1-based line, where known.
        line: Option<usize>,
        /// 1-based column, where known.
        column: Option<usize>,
        /// The parser's account of the problem, with the field's path in
        /// front where known.
        message: String,
    },
    /// A value is well-formed but not acceptable.
    #[error("{file}{}: {}{field}", location(*.line, *.column), in_variant(.variant.as_deref()))]
    Invalid {
        /// The file, or `<built in code>`.
        file: String,
        /// 1-based line of the value, where known.
        line: Option<usize>,
        /// 1-based column of the value, where known.
        column: Option<usize>,
        /// The variant whose overlay produced the value, if any.
        variant: Option<String>,
        /// The field, the value and what was expected (boxed: errors stay
        /// small on the happy path).
        field: Box<InvalidField>,
    },
    /// A named variant does not exist.
    #[error("{file}: no variant named '{name}' (the scenario has: {available})")]
    UnknownVariant {
        /// The file.
        file: String,
        /// The requested name.
        name: String,
        /// The names that exist, comma-separated.
        available: String,
    },
}

fn in_variant(variant: Option<&str>) -> String {
    variant.map_or(String::new(), |v| format!("in variant '{v}': "))
}

/// A parser's message with the Rust type it names at its end (serde's
/// `…, expected u32`) put as the values a scenario file may hold
/// (`expected a whole number from 0 to 4294967295`). Only that last
/// phrase is rewritten: the rest may quote the user's own text.
fn plain_types(message: &str) -> String {
    const PLAIN: [(&str, &str); 12] = [
        ("u8", "a whole number from 0 to 255"),
        ("u16", "a whole number from 0 to 65535"),
        ("u32", "a whole number from 0 to 4294967295"),
        ("u64", "a whole number, 0 or more"),
        ("usize", "a whole number, 0 or more"),
        ("i8", "a whole number"),
        ("i16", "a whole number"),
        ("i32", "a whole number"),
        ("i64", "a whole number"),
        ("isize", "a whole number"),
        ("f32", "a number"),
        ("f64", "a number"),
    ];
    const EXPECTED: &str = "expected ";
    let Some(i) = message.rfind(EXPECTED) else {
        return message.to_string();
    };
    let (head, word) = message.split_at(i + EXPECTED.len());
    let at_word_start = i == 0 || message[..i].ends_with(' ');
    match PLAIN.iter().find(|(rust, _)| *rust == word) {
        Some((_, plain)) if at_word_start => format!("{head}{plain}"),
        _ => message.to_string(),
    }
}

fn location(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(":{l}:{c}"),
        (Some(l), None) => format!(":{l}"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_render_as_toml_writes_them() {
        let p = FieldPath::root()
            .key("flows")
            .key("xian_west")
            .key("via")
            .index(1)
            .index(0);
        assert_eq!(p.to_string(), "flows.xian_west.via[1][0]");
        let q = FieldPath::root().key("nodes").key("a.b").key("name");
        assert_eq!(q.to_string(), "nodes.\"a.b\".name");
        let r = FieldPath::root().key("nodes").key("x\u{202e}y");
        assert_eq!(r.to_string(), "nodes.\"x\\u{202e}y\"");
    }

    #[test]
    fn parse_errors_name_values_not_rust_types() {
        let e = |message: &str| {
            ScenarioError::Parse {
                file: "s.toml".into(),
                line: Some(3),
                column: Some(7),
                message: message.into(),
            }
            .to_string()
        };
        assert_eq!(
            e("ports.p.westbound.tracks: invalid value: integer `-5`, expected u32"),
            "s.toml:3:7: ports.p.westbound.tracks: invalid value: integer `-5`, \
             expected a whole number from 0 to 4294967295"
        );
        assert_eq!(
            e("seed: invalid value: integer `-1`, expected u64"),
            "s.toml:3:7: seed: invalid value: integer `-1`, expected a whole number, 0 or more"
        );
        assert_eq!(
            e("opens_day: invalid type: string \"2028-01-01\", expected f64"),
            "s.toml:3:7: opens_day: invalid type: string \"2028-01-01\", expected a number"
        );
        // Anything else is left as the parser put it.
        assert_eq!(
            e("unknown field `trackz`, expected one of `tracks`, `cranes`"),
            "s.toml:3:7: unknown field `trackz`, expected one of `tracks`, `cranes`"
        );
        assert_eq!(
            e("expected u32x, expected"),
            "s.toml:3:7: expected u32x, expected"
        );
        // Only the parser's closing phrase: the user's own text, quoted
        // before it, stays as it was.
        assert_eq!(
            e("name: invalid type: string \"expected u8\", expected f64"),
            "s.toml:3:7: name: invalid type: string \"expected u8\", expected a number"
        );
        assert_eq!(e("unexpected u8"), "s.toml:3:7: unexpected u8");
        assert_eq!(e("expected u32_x"), "s.toml:3:7: expected u32_x");
    }
}
