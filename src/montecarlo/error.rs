//! The experiment layer's errors.

use std::error::Error;
use std::fmt;
use std::ops::Range;

/// A replication of a model could not be run.
#[derive(Debug)]
pub struct ModelError {
    message: String,
    source: Option<Box<dyn Error + Send + Sync>>,
}

impl ModelError {
    /// An error with this message.
    pub fn new(message: impl fmt::Display) -> Self {
        ModelError {
            message: message.to_string(),
            source: None,
        }
    }

    /// An error with this message, caused by `source`.
    pub fn with_source(
        message: impl fmt::Display,
        source: impl Error + Send + Sync + 'static,
    ) -> Self {
        ModelError {
            message: message.to_string(),
            source: Some(Box::new(source)),
        }
    }
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Error for ModelError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn Error + 'static))
    }
}

/// An experiment could not be run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// More worker threads were asked for than silkrail starts.
    #[error("{requested} threads: expected 1 to {limit}")]
    TooManyThreads {
        /// The number asked for.
        requested: usize,
        /// The largest number accepted.
        limit: usize,
    },
    /// The thread pool could not be started.
    #[error("cannot start the worker threads: {0}")]
    ThreadPool(#[from] rayon::ThreadPoolBuildError),
    /// More replications were asked for than silkrail runs in one
    /// experiment.
    #[error("{requested} replications: expected at most {limit}")]
    TooManyReplications {
        /// The number asked for.
        requested: u64,
        /// The largest number accepted.
        limit: u64,
    },
    /// A replication of one arm failed.
    #[error("{arm}, replication {replication}: {source}")]
    Model {
        /// The arm's label.
        arm: String,
        /// The replication index.
        replication: u64,
        /// What the model reported.
        source: ModelError,
    },
    /// A metric was named that the model does not report.
    #[error("no metric named '{metric}'{}", similar_list(.similar))]
    UnknownMetric {
        /// The name asked for.
        metric: String,
        /// Names that exist and look alike (at most eight).
        similar: Vec<String>,
    },
    /// An experiment needs at least one arm.
    #[error("an experiment needs at least one arm")]
    NoArms,
    /// Rows could not be written.
    #[error("cannot write a row: {0}")]
    Rows(#[from] std::io::Error),
}

fn list(indices: &[u64]) -> String {
    indices
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn similar_list(similar: &[String]) -> String {
    if similar.is_empty() {
        String::new()
    } else {
        format!(" (some that exist: {})", similar.join(", "))
    }
}

/// Partial results could not be merged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MergeError {
    /// Two parts cover some of the same replications.
    #[error("replications {}..{} are in more than one part", .overlap.start, .overlap.end)]
    Overlap {
        /// The replications found twice.
        overlap: Range<u64>,
    },
    /// Some shards of the split are missing.
    #[error("{} of {count} shards missing: {} (run exactly these again)", .missing.len(), list(.missing))]
    MissingShards {
        /// The number of shards of the split.
        count: u64,
        /// The missing shard indices.
        missing: Vec<u64>,
    },
    /// A shard was given twice.
    #[error("shard {shard} is given twice: {first} and {second}")]
    DuplicateShard {
        /// The shard, as `I/N`.
        shard: String,
        /// The first part that holds it.
        first: String,
        /// The second part that holds it.
        second: String,
    },
    /// The parts come from splits into different numbers of shards.
    #[error("{first} is a shard of {first_count}, {other} of {other_count}")]
    ShardCounts {
        /// A part of the first split.
        first: String,
        /// Its number of shards.
        first_count: u64,
        /// A part of another split.
        other: String,
        /// Its number of shards.
        other_count: u64,
    },
    /// The parts computed different things.
    #[error("the parts differ in {what}: {first} against {other}")]
    Mismatch {
        /// What differs (e.g. `arms`).
        what: String,
        /// The first part's value.
        first: String,
        /// The other part's value.
        other: String,
    },
}
