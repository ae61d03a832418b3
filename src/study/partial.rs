//! The partial result of one shard, and the exact merge of the parts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Study, StudyError};
use crate::montecarlo::{MergeError, Shard, check_shards};

/// The layout version of `partial.json`.
pub const PARTIAL_SCHEMA_VERSION: u32 = 2;

/// What one shard of a study computed: its results, which merge exactly
/// with the other shards' into the result of one unsplit run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Partial {
    /// The layout version of this file.
    pub schema_version: u32,
    /// Which shard of how many.
    pub shard: Shard,
    /// The shard's results; its manifest is that of the whole study.
    pub study: Study,
}

impl Partial {
    /// The partial result of `shard`.
    pub fn new(study: Study, shard: Shard) -> Self {
        Partial {
            schema_version: PARTIAL_SCHEMA_VERSION,
            shard,
            study,
        }
    }

    /// Merges the parts of one study, given one at a time with a name for
    /// messages (e.g. the file), into the result of the unsplit run. Parts
    /// may come in any order; only the running total is kept, so memory
    /// does not grow with the number of parts.
    ///
    /// # Errors
    ///
    /// [`StudyError::Part`] for a part of another layout version;
    /// [`StudyError::Merge`] naming the part that computed something else
    /// (scenario, seed, replications, variants, version), a shard given
    /// twice, parts of different splits, or the missing shards.
    pub fn merge<I>(parts: I) -> Result<Study, StudyError>
    where
        I: IntoIterator<Item = Result<(Partial, String), StudyError>>,
    {
        let mut merged: Option<Study> = None;
        let mut seen: BTreeMap<Shard, String> = BTreeMap::new();
        let mut first_name = String::new();
        for part in parts {
            let (part, name) = part?;
            if part.schema_version != PARTIAL_SCHEMA_VERSION {
                return Err(StudyError::Part {
                    file: name,
                    message: format!(
                        "a partial result of layout version {}, expected {PARTIAL_SCHEMA_VERSION}",
                        part.schema_version
                    ),
                });
            }
            if let Some((&s, other)) = seen.iter().next()
                && s.count() != part.shard.count()
            {
                return Err(MergeError::ShardCounts {
                    first: other.clone(),
                    first_count: s.count(),
                    other: name,
                    other_count: part.shard.count(),
                }
                .into());
            }
            if let Some(first) = seen.get(&part.shard) {
                return Err(MergeError::DuplicateShard {
                    shard: part.shard.to_string(),
                    first: first.clone(),
                    second: name,
                }
                .into());
            }
            if let Some(Err(message)) = part.study.sweep.as_ref().map(super::Sweep::check_shape) {
                return Err(StudyError::Part {
                    file: name,
                    message: format!("not a silkrail partial result: {message}"),
                });
            }
            seen.insert(part.shard, name.clone());
            match &mut merged {
                None => {
                    first_name = name;
                    merged = Some(part.study);
                }
                Some(m) => {
                    let (a, b) = (&m.manifest, &part.study.manifest);
                    if a != b {
                        let a = serde_json::to_value(a).expect("plain data");
                        let b = serde_json::to_value(b).expect("plain data");
                        let field = a
                            .as_object()
                            .and_then(|o| o.iter().find(|(k, v)| b.get(k.as_str()) != Some(v)))
                            .map_or("manifest".to_string(), |(k, _)| k.clone());
                        return Err(MergeError::Mismatch {
                            what: format!("{field} ({first_name} against {name})"),
                            first: a.get(&field).map_or(String::new(), |v| v.to_string()),
                            other: b.get(&field).map_or(String::new(), |v| v.to_string()),
                        }
                        .into());
                    }
                    m.result.merge(part.study.result)?;
                    match (&mut m.sensitivity, part.study.sensitivity) {
                        (Some(a), Some(b)) => a.merge(b)?,
                        (None, None) => {}
                        (a, _) => {
                            let has = |yes: bool| {
                                if yes { "a sensitivity study" } else { "none" }.to_string()
                            };
                            return Err(MergeError::Mismatch {
                                what: format!("sensitivity ({first_name} against {name})"),
                                first: has(a.is_some()),
                                other: has(a.is_none()),
                            }
                            .into());
                        }
                    }
                    match (&mut m.sweep, part.study.sweep) {
                        (Some(a), Some(b)) => a.merge(b)?,
                        (None, None) => {}
                        _ => {
                            let has = |yes: bool| if yes { "a sweep" } else { "none" }.to_string();
                            return Err(MergeError::Mismatch {
                                what: format!("sweep ({first_name} against {name})"),
                                first: has(m.sweep.is_some()),
                                other: has(m.sweep.is_none()),
                            }
                            .into());
                        }
                    }
                }
            }
        }
        check_shards(seen.iter().map(|(s, n)| (*s, n.as_str())))?;
        let study = merged.ok_or(MergeError::MissingShards {
            count: 0,
            missing: Vec::new(),
        })?;
        Ok(study)
    }
}
