//! Splitting an experiment's replications into shards, and checking that a
//! set of parts covers every shard exactly once.

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::MergeError;

/// Shard `index` of `count` (0-based): a contiguous block of replication
/// indices, so that the parts of an experiment can run on different
/// machines and merge into exactly the result of one run.
///
/// # Examples
///
/// ```
/// use silkrail::montecarlo::Shard;
///
/// let shard: Shard = "1/3".parse()?;
/// assert_eq!(shard.range(10), 3..6);
/// let all: Vec<_> = (0..3).map(|i| Shard::new(i, 3).unwrap().range(10)).collect();
/// assert_eq!(all, vec![0..3, 3..6, 6..10]);
/// # Ok::<(), silkrail::montecarlo::ShardError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Shard {
    index: u64,
    count: u64,
}

/// Why a shard could not be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ShardError {
    /// Not of the form `I/N` with 0 ≤ I < N.
    #[error("shard '{text}': expected I/N with 0 ≤ I < N, e.g. 0/4")]
    Invalid {
        /// What was given.
        text: String,
    },
}

impl Shard {
    /// The whole experiment as one shard.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Shard `index` of `count`.
    ///
    /// # Errors
    ///
    /// [`ShardError::Invalid`] unless `index < count`.
    pub fn new(index: u64, count: u64) -> Result<Shard, ShardError> {
        if index >= count {
            return Err(ShardError::Invalid {
                text: format!("{index}/{count}"),
            });
        }
        Ok(Shard { index, count })
    }

    /// The shard's index, from 0.
    pub fn index(self) -> u64 {
        self.index
    }

    /// The number of shards.
    pub fn count(self) -> u64 {
        self.count
    }

    /// The replication indices of this shard out of `replications`: the
    /// block from ⌊i·R/N⌋ to ⌊(i+1)·R/N⌋.
    pub fn range(self, replications: u64) -> Range<u64> {
        let at =
            |i: u64| (u128::from(i) * u128::from(replications) / u128::from(self.count)) as u64;
        at(self.index)..at(self.index + 1)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = ShardError;

    fn from_str(s: &str) -> Result<Shard, ShardError> {
        let invalid = || ShardError::Invalid {
            text: s.to_string(),
        };
        let (i, n) = s.split_once('/').ok_or_else(invalid)?;
        let (i, n) = (
            i.trim().parse().map_err(|_| invalid())?,
            n.trim().parse().map_err(|_| invalid())?,
        );
        Shard::new(i, n).map_err(|_| invalid())
    }
}

/// Checks that `parts` (each a shard and a name for messages, e.g. a file)
/// hold every shard of one split exactly once.
///
/// # Errors
///
/// [`MergeError::ShardCounts`] if the parts come from splits into
/// different numbers of shards, [`MergeError::DuplicateShard`] naming both
/// parts of a shard given twice, [`MergeError::MissingShards`] listing
/// every missing index (so that exactly those can be run again).
pub fn check_shards<'a>(
    parts: impl IntoIterator<Item = (Shard, &'a str)>,
) -> Result<(), MergeError> {
    let mut seen: std::collections::BTreeMap<u64, &str> = Default::default();
    let mut count: Option<(u64, &str)> = None;
    for (shard, name) in parts {
        match count {
            None => count = Some((shard.count, name)),
            Some((n, first)) if n != shard.count => {
                return Err(MergeError::ShardCounts {
                    first: first.to_string(),
                    first_count: n,
                    other: name.to_string(),
                    other_count: shard.count,
                });
            }
            Some(_) => {}
        }
        if let Some(first) = seen.insert(shard.index, name) {
            return Err(MergeError::DuplicateShard {
                shard: shard.to_string(),
                first: first.to_string(),
                second: name.to_string(),
            });
        }
    }
    let n = count.map_or(0, |(n, _)| n);
    if n == 0 {
        return Err(MergeError::MissingShards {
            count: 0,
            missing: Vec::new(),
        });
    }
    let missing: Vec<u64> = (0..n).filter(|i| !seen.contains_key(i)).collect();
    if !missing.is_empty() {
        return Err(MergeError::MissingShards { count: n, missing });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_tile_the_replications() {
        for r in [0u64, 1, 5, 10, 1001] {
            for n in 1..=12 {
                let mut next = 0;
                for i in 0..n {
                    let range = Shard::new(i, n).unwrap().range(r);
                    assert_eq!(range.start, next);
                    next = range.end;
                }
                assert_eq!(next, r);
            }
        }
        assert_eq!(Shard::new(0, u64::MAX).unwrap().range(u64::MAX), 0..1);
    }

    #[test]
    fn parse_and_refuse() {
        assert_eq!("2/5".parse::<Shard>().unwrap(), Shard::new(2, 5).unwrap());
        for bad in ["5/5", "1", "-1/3", "a/b", "1/0", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn shard_sets_are_checked() {
        let s = |i| Shard::new(i, 4).unwrap();
        assert!(check_shards([(s(2), "c"), (s(0), "a"), (s(3), "d"), (s(1), "b")]).is_ok());
        assert_eq!(
            check_shards([(s(0), "a"), (s(3), "d")]),
            Err(MergeError::MissingShards {
                count: 4,
                missing: vec![1, 2]
            })
        );
        assert!(matches!(
            check_shards([(s(0), "a"), (s(0), "b")]),
            Err(MergeError::DuplicateShard { .. })
        ));
        assert!(matches!(
            check_shards([(s(0), "a"), (Shard::new(1, 3).unwrap(), "b")]),
            Err(MergeError::ShardCounts { .. })
        ));
    }
}
