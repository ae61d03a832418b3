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
    /// `auto`, but no array scheduler's variables are set.
    #[error(
        "shard auto: no array job found (none of {} is set); give the shard as I/N",
        SCHEDULERS.iter().map(|s| s.index).collect::<Vec<_>>().join(", ")
    )]
    NoScheduler,
    /// `auto`, but the scheduler does not say how many shards there are.
    #[error(
        "shard auto: {variable} ({scheduler}) gives the index but not the number of shards: \
         give it as auto/N or in SILKRAIL_SHARDS"
    )]
    UnknownCount {
        /// The variable that gave the index.
        variable: &'static str,
        /// The scheduler.
        scheduler: &'static str,
    },
    /// `auto`, but a variable does not hold a usable number, or the index
    /// falls outside the count.
    #[error("shard auto: {variable}={value}: {problem}")]
    BadVariable {
        /// The variable.
        variable: String,
        /// Its value.
        value: String,
        /// What is wrong with it.
        problem: String,
    },
}

/// An array scheduler: the variable holding a task's index, the first
/// index when it is fixed, and how to find the number of tasks.
struct Scheduler {
    name: &'static str,
    index: &'static str,
    /// Variable of the first index (`None`: `first_default`).
    first: Option<&'static str>,
    first_default: u64,
    /// Variables of the last index and of the step, if any.
    last: Option<&'static str>,
    step: Option<&'static str>,
    /// Variable of the number of tasks, if any.
    count: Option<&'static str>,
}

/// The schedulers `--shard auto` knows, in the order they are tried.
const SCHEDULERS: &[Scheduler] = &[
    Scheduler {
        name: "Slurm",
        index: "SLURM_ARRAY_TASK_ID",
        first: Some("SLURM_ARRAY_TASK_MIN"),
        first_default: 0,
        last: Some("SLURM_ARRAY_TASK_MAX"),
        step: Some("SLURM_ARRAY_TASK_STEP"),
        count: Some("SLURM_ARRAY_TASK_COUNT"),
    },
    Scheduler {
        name: "Kubernetes",
        index: "JOB_COMPLETION_INDEX",
        first: None,
        first_default: 0,
        last: None,
        step: None,
        count: None,
    },
    Scheduler {
        name: "AWS Batch",
        index: "AWS_BATCH_JOB_ARRAY_INDEX",
        first: None,
        first_default: 0,
        last: None,
        step: None,
        count: None,
    },
    Scheduler {
        name: "PBS",
        index: "PBS_ARRAY_INDEX",
        first: None,
        first_default: 0,
        last: None,
        step: None,
        count: None,
    },
    Scheduler {
        name: "Grid Engine",
        index: "SGE_TASK_ID",
        first: Some("SGE_TASK_FIRST"),
        first_default: 1,
        last: Some("SGE_TASK_LAST"),
        step: Some("SGE_TASK_STEPSIZE"),
        count: None,
    },
    Scheduler {
        name: "LSF",
        index: "LSB_JOBINDEX",
        first: None,
        first_default: 1,
        last: Some("LSB_JOBINDEX_END"),
        step: Some("LSB_JOBINDEX_STEP"),
        count: None,
    },
];

/// Where `--shard auto` found its shard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShardSource {
    /// The scheduler.
    pub scheduler: &'static str,
    /// The variable that gave the index.
    pub variable: &'static str,
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

    /// The shard of this task of an array job, from the environment the
    /// scheduler set (`env` looks a variable up: `std::env::var(name).ok()`
    /// in a real run): Slurm (`SLURM_ARRAY_TASK_ID`, counted from
    /// `SLURM_ARRAY_TASK_MIN` in steps of `SLURM_ARRAY_TASK_STEP`, of
    /// `SLURM_ARRAY_TASK_COUNT` or up to `SLURM_ARRAY_TASK_MAX`),
    /// Kubernetes Indexed Jobs (`JOB_COMPLETION_INDEX`), AWS Batch
    /// (`AWS_BATCH_JOB_ARRAY_INDEX`), PBS (`PBS_ARRAY_INDEX`, from 0),
    /// Grid Engine (`SGE_TASK_ID` from `SGE_TASK_FIRST` to
    /// `SGE_TASK_LAST`) and LSF (`LSB_JOBINDEX` from 1 to
    /// `LSB_JOBINDEX_END`), tried in that order.
    ///
    /// With a number of shards given (`count`, else `SILKRAIL_SHARDS`), the
    /// task id is the shard index, counted from the scheduler's first id
    /// (0; 1 for Grid Engine and LSF): a resubmission of some shards
    /// (`sbatch --array=7,500,999`) runs exactly those. Without one, the
    /// array is the split: its size is the number of shards and the index
    /// counts from its first task in its steps.
    ///
    /// # Errors
    ///
    /// [`ShardError::NoScheduler`] when no scheduler's index is set,
    /// [`ShardError::UnknownCount`] when the number of shards is known
    /// from nowhere, [`ShardError::BadVariable`] for a variable that is not
    /// a whole number or an index outside the count.
    ///
    /// # Examples
    ///
    /// ```
    /// use silkrail::montecarlo::Shard;
    ///
    /// let env = |name: &str| match name {
    ///     "SLURM_ARRAY_TASK_ID" => Some("3".to_string()),
    ///     "SLURM_ARRAY_TASK_COUNT" => Some("8".to_string()),
    ///     _ => None,
    /// };
    /// let (shard, from) = Shard::from_env(env, None)?;
    /// assert_eq!((shard.to_string(), from.scheduler), ("3/8".to_string(), "Slurm"));
    /// # Ok::<(), silkrail::montecarlo::ShardError>(())
    /// ```
    pub fn from_env(
        env: impl Fn(&str) -> Option<String>,
        count: Option<u64>,
    ) -> Result<(Shard, ShardSource), ShardError> {
        let number = |var: &str| -> Result<Option<u64>, ShardError> {
            match env(var) {
                None => Ok(None),
                Some(v) if v.trim().is_empty() || v.trim() == "undefined" => Ok(None),
                Some(v) => v
                    .trim()
                    .parse::<u64>()
                    .map(Some)
                    .map_err(|_| ShardError::BadVariable {
                        variable: var.to_string(),
                        value: v.clone(),
                        problem: "expected a whole number".into(),
                    }),
            }
        };
        for s in SCHEDULERS {
            let Some(id) = number(s.index)? else {
                continue;
            };
            let first = match s.first {
                Some(v) => number(v)?.unwrap_or(s.first_default),
                None => s.first_default,
            };
            let step = match s.step {
                Some(v) => number(v)?.unwrap_or(1).max(1),
                None => 1,
            };
            let bad = |problem: String| ShardError::BadVariable {
                variable: s.index.to_string(),
                value: id.to_string(),
                problem,
            };
            let given = count.or(number("SILKRAIL_SHARDS")?);
            let (index, count) = match given {
                // A count given: the task id is the shard index (counted
                // from the scheduler's first id), so that a resubmission of
                // some shards (`--array=7,500,999`) runs exactly those.
                Some(n) => {
                    if id < s.first_default {
                        return Err(bad(format!(
                            "below {}, the first task id of {}",
                            s.first_default, s.name
                        )));
                    }
                    (id - s.first_default, n)
                }
                // None: the array is the split, counted from its first task.
                None => {
                    if id < first || (id - first) % step != 0 {
                        return Err(bad(format!(
                            "not an index of an array from {first} in steps of {step}"
                        )));
                    }
                    let from_scheduler = match (s.count.map(number).transpose()?.flatten(), s.last)
                    {
                        (Some(n), _) => Some(n),
                        (None, Some(last)) => {
                            number(last)?.map(|l| (l.saturating_sub(first)) / step + 1)
                        }
                        (None, None) => None,
                    };
                    match from_scheduler {
                        Some(n) => ((id - first) / step, n),
                        None => {
                            return Err(ShardError::UnknownCount {
                                variable: s.index,
                                scheduler: s.name,
                            });
                        }
                    }
                }
            };
            let shard = Shard::new(index, count).map_err(|_| {
                bad(format!(
                    "shard {index} of {count} does not exist (task ids of {} must run from {} to {})",
                    s.name,
                    s.first_default,
                    s.first_default + count - 1
                ))
            })?;
            return Ok((
                shard,
                ShardSource {
                    scheduler: s.name,
                    variable: s.index,
                },
            ));
        }
        Err(ShardError::NoScheduler)
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

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    fn auto(vars: &[(&str, &str)], count: Option<u64>) -> Result<String, ShardError> {
        Shard::from_env(env(vars), count).map(|(s, from)| format!("{s} {}", from.scheduler))
    }

    #[test]
    fn the_scheduler_tells_the_shard() {
        // Slurm: the count, or min/max/step (--array=1-15:2 has 8 tasks).
        let slurm = [
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_COUNT", "8"),
        ];
        assert_eq!(auto(&slurm, None).unwrap(), "3/8 Slurm");
        let stepped = [
            ("SLURM_ARRAY_TASK_ID", "5"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_MAX", "15"),
            ("SLURM_ARRAY_TASK_STEP", "2"),
        ];
        assert_eq!(auto(&stepped, None).unwrap(), "2/8 Slurm");
        // Kubernetes gives no count: auto/N or SILKRAIL_SHARDS.
        let k8s = [("JOB_COMPLETION_INDEX", "15")];
        assert!(matches!(
            auto(&k8s, None),
            Err(ShardError::UnknownCount {
                variable: "JOB_COMPLETION_INDEX",
                ..
            })
        ));
        assert_eq!(auto(&k8s, Some(16)).unwrap(), "15/16 Kubernetes");
        // A resubmission of some shards with the count given runs exactly
        // those, whatever the new array's first id and size.
        let again = [
            ("SLURM_ARRAY_TASK_ID", "500"),
            ("SLURM_ARRAY_TASK_MIN", "7"),
            ("SLURM_ARRAY_TASK_MAX", "999"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
        ];
        assert_eq!(auto(&again, Some(1000)).unwrap(), "500/1000 Slurm");
        let lsf_again = [("LSB_JOBINDEX", "8"), ("SILKRAIL_SHARDS", "16")];
        assert_eq!(auto(&lsf_again, None).unwrap(), "7/16 LSF");
        let k8s_env = [("JOB_COMPLETION_INDEX", "0"), ("SILKRAIL_SHARDS", "4")];
        assert_eq!(auto(&k8s_env, None).unwrap(), "0/4 Kubernetes");
        assert_eq!(
            auto(&[("AWS_BATCH_JOB_ARRAY_INDEX", "2")], Some(3)).unwrap(),
            "2/3 AWS Batch"
        );
        assert_eq!(
            auto(&[("PBS_ARRAY_INDEX", "0")], Some(2)).unwrap(),
            "0/2 PBS"
        );
        // Grid Engine and LSF count from 1.
        let sge = [
            ("SGE_TASK_ID", "1"),
            ("SGE_TASK_FIRST", "1"),
            ("SGE_TASK_LAST", "16"),
            ("SGE_TASK_STEPSIZE", "1"),
        ];
        assert_eq!(auto(&sge, None).unwrap(), "0/16 Grid Engine");
        let lsf = [("LSB_JOBINDEX", "16"), ("LSB_JOBINDEX_END", "16")];
        assert_eq!(auto(&lsf, None).unwrap(), "15/16 LSF");
        // Not an array job in Grid Engine: "undefined" is unset.
        assert!(matches!(
            auto(&[("SGE_TASK_ID", "undefined")], Some(2)),
            Err(ShardError::NoScheduler)
        ));
        // Nothing set, a bad value, an index past the count: clear errors.
        assert!(matches!(auto(&[], Some(4)), Err(ShardError::NoScheduler)));
        let e = auto(&[("SLURM_ARRAY_TASK_ID", "x1")], Some(4)).unwrap_err();
        assert!(e.to_string().contains("SLURM_ARRAY_TASK_ID=x1"), "{e}");
        let e = auto(&[("JOB_COMPLETION_INDEX", "4")], Some(4)).unwrap_err();
        assert!(e.to_string().contains("shard 4 of 4 does not exist"), "{e}");
        // PBS arrays submitted as 1-16 end past the count: the error says
        // where the ids must start.
        let e = auto(&[("PBS_ARRAY_INDEX", "16")], Some(16)).unwrap_err();
        assert!(e.to_string().contains("must run from 0 to 15"), "{e}");
        let e = ShardError::NoScheduler.to_string();
        assert!(
            e.contains("SLURM_ARRAY_TASK_ID") && e.contains("LSB_JOBINDEX"),
            "{e}"
        );
    }
}
