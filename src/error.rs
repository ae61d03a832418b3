//! The crate's error types.

use std::fmt;

/// One invalid value in a scenario: where it is, what it was, what was
/// expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidField {
    /// Path of the field, e.g. `ports.alashankou_dostyk.westbound.tracks`.
    pub path: String,
    /// The value found, as written.
    pub value: String,
    /// What a valid value looks like.
    pub expected: String,
}

impl InvalidField {
    /// An invalid field at `path`.
    pub fn new(
        path: impl Into<String>,
        value: impl fmt::Display,
        expected: impl Into<String>,
    ) -> Self {
        InvalidField {
            path: path.into(),
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
    #[error("{file}{}: {message}", location(*.line, *.column))]
    Parse {
        /// The file.
        file: String,
        /// 1-based line, where known.
        line: Option<usize>,
        /// 1-based column, where known.
        column: Option<usize>,
        /// The parser's account of the problem.
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

fn location(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(":{l}:{c}"),
        (Some(l), None) => format!(":{l}"),
        _ => String::new(),
    }
}
