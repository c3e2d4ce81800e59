//! Which shard this process is: `--shard I/N`, or the index and count an array-job scheduler
//! puts in the environment. Shard I of N runs the indices i with i mod N == I.
//!
//! | scheduler | index | count |
//! |---|---|---|
//! | Slurm job array | `SLURM_ARRAY_TASK_ID` − `SLURM_ARRAY_TASK_MIN` (÷ `SLURM_ARRAY_TASK_STEP`) | `SLURM_ARRAY_TASK_COUNT` |
//! | Kubernetes Indexed Job | `JOB_COMPLETION_INDEX` | `--shard-count` (the Job's `completions`) |
//! | AWS Batch array job | `AWS_BATCH_JOB_ARRAY_INDEX` | `AWS_BATCH_JOB_ARRAY_SIZE` |
//! | Google Cloud Batch | `BATCH_TASK_INDEX` | `BATCH_TASK_COUNT` |

/// A shard: index and count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 0-based index.
    pub index: u64,
    /// Number of shards (≥ 1).
    pub count: u64,
}

/// Why the shard cannot be determined.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    /// `--shard` is not `I/N`.
    #[error("--shard {0:?}: expected I/N with 0 <= I < N, e.g. 3/8")]
    Syntax(String),
    /// A variable is not a number.
    #[error("{var}={value:?} is not a non-negative integer")]
    NotANumber {
        /// The variable.
        var: &'static str,
        /// Its value.
        value: String,
    },
    /// An index with no count.
    #[error("{index_var} is set but not {count_var}: {hint}")]
    NoCount {
        /// The index variable.
        index_var: &'static str,
        /// The count that is missing.
        count_var: &'static str,
        /// What to do.
        hint: &'static str,
    },
    /// The index is not below the count.
    #[error("shard index {index} is not below the shard count {count} (from {source_name})")]
    OutOfRange {
        /// Index.
        index: u64,
        /// Count.
        count: u64,
        /// Where they came from.
        source_name: &'static str,
    },
}

impl Shard {
    /// The whole batch.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// Parses `I/N`.
    pub fn parse(text: &str) -> Result<Self, ShardError> {
        let bad = || ShardError::Syntax(text.to_string());
        let (i, n) = text.split_once('/').ok_or_else(bad)?;
        let index: u64 = i.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Self { index, count })
    }

    /// Whether run `i` belongs to this shard.
    pub fn has(&self, i: u64) -> bool {
        i % self.count == self.index
    }

    /// The shard's directory name inside `--out`: `shard-003-of-008`.
    pub fn dir_name(&self) -> String {
        format!("shard-{:03}-of-{:03}", self.index, self.count)
    }
}

fn var(
    env: &dyn Fn(&str) -> Option<String>,
    name: &'static str,
) -> Result<Option<u64>, ShardError> {
    match env(name) {
        None => Ok(None),
        Some(v) if v.trim().is_empty() => Ok(None),
        Some(v) => v
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| ShardError::NotANumber {
                var: name,
                value: v,
            }),
    }
}

/// The shard from `--shard` (`explicit`), else from a scheduler's variables read through
/// `env`; `None` when neither says anything (the whole batch). `shard_count` is
/// `--shard-count`, needed with Kubernetes' `JOB_COMPLETION_INDEX` and accepted as the count
/// for any index variable.
pub fn shard_from(
    explicit: Option<&str>,
    shard_count: Option<u64>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<Shard>, ShardError> {
    if let Some(text) = explicit {
        return Shard::parse(text).map(Some);
    }
    let checked = |index: u64, count: u64, source_name: &'static str| {
        if count == 0 || index >= count {
            Err(ShardError::OutOfRange {
                index,
                count,
                source_name,
            })
        } else {
            Ok(Some(Shard { index, count }))
        }
    };
    if let Some(id) = var(env, "SLURM_ARRAY_TASK_ID")? {
        let min = var(env, "SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
        let step = var(env, "SLURM_ARRAY_TASK_STEP")?.unwrap_or(1).max(1);
        let count = match (shard_count, var(env, "SLURM_ARRAY_TASK_COUNT")?) {
            (Some(n), _) | (None, Some(n)) => n,
            (None, None) => {
                return Err(ShardError::NoCount {
                    index_var: "SLURM_ARRAY_TASK_ID",
                    count_var: "SLURM_ARRAY_TASK_COUNT",
                    hint: "pass --shard-count N",
                });
            }
        };
        return checked(id.saturating_sub(min) / step, count, "SLURM_ARRAY_TASK_ID");
    }
    if let Some(index) = var(env, "JOB_COMPLETION_INDEX")? {
        let Some(count) = shard_count else {
            return Err(ShardError::NoCount {
                index_var: "JOB_COMPLETION_INDEX",
                count_var: "--shard-count",
                hint: "Kubernetes does not say how many: pass --shard-count with the Job's completions",
            });
        };
        return checked(index, count, "JOB_COMPLETION_INDEX");
    }
    for (index_var, count_var) in [
        ("AWS_BATCH_JOB_ARRAY_INDEX", "AWS_BATCH_JOB_ARRAY_SIZE"),
        ("BATCH_TASK_INDEX", "BATCH_TASK_COUNT"),
    ] {
        if let Some(index) = var(env, index_var)? {
            let count = match (shard_count, var(env, count_var)?) {
                (Some(n), _) | (None, Some(n)) => n,
                (None, None) => {
                    return Err(ShardError::NoCount {
                        index_var,
                        count_var,
                        hint: "pass --shard-count N",
                    });
                }
            };
            return checked(index, count, index_var);
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let v: Vec<(String, String)> = vars
            .iter()
            .map(|(a, b)| ((*a).to_string(), (*b).to_string()))
            .collect();
        move |k| v.iter().find(|(a, _)| a == k).map(|(_, b)| b.clone())
    }

    #[test]
    fn every_scheduler_variable_gives_the_shard() {
        let s = |i, n| Ok(Some(Shard { index: i, count: n }));
        assert_eq!(shard_from(Some("3/8"), None, &env(&[])), s(3, 8));
        assert_eq!(
            shard_from(Some("2/8"), None, &env(&[("SLURM_ARRAY_TASK_ID", "1")])),
            s(2, 8),
            "--shard wins"
        );
        assert_eq!(
            shard_from(
                None,
                None,
                &env(&[
                    ("SLURM_ARRAY_TASK_ID", "2"),
                    ("SLURM_ARRAY_TASK_COUNT", "4")
                ])
            ),
            s(2, 4)
        );
        assert_eq!(
            shard_from(
                None,
                None,
                &env(&[
                    ("SLURM_ARRAY_TASK_ID", "5"),
                    ("SLURM_ARRAY_TASK_MIN", "1"),
                    ("SLURM_ARRAY_TASK_COUNT", "4")
                ])
            ),
            Err(ShardError::OutOfRange {
                index: 4,
                count: 4,
                source_name: "SLURM_ARRAY_TASK_ID"
            }),
            "ids 1..=4 offset by the minimum: 5 is out of range"
        );
        assert_eq!(
            shard_from(
                None,
                None,
                &env(&[
                    ("SLURM_ARRAY_TASK_ID", "4"),
                    ("SLURM_ARRAY_TASK_MIN", "1"),
                    ("SLURM_ARRAY_TASK_COUNT", "4")
                ])
            ),
            s(3, 4)
        );
        assert_eq!(
            shard_from(None, Some(5), &env(&[("JOB_COMPLETION_INDEX", "4")])),
            s(4, 5)
        );
        assert!(matches!(
            shard_from(None, None, &env(&[("JOB_COMPLETION_INDEX", "4")])),
            Err(ShardError::NoCount { .. })
        ));
        assert_eq!(
            shard_from(
                None,
                None,
                &env(&[
                    ("AWS_BATCH_JOB_ARRAY_INDEX", "7"),
                    ("AWS_BATCH_JOB_ARRAY_SIZE", "10")
                ])
            ),
            s(7, 10)
        );
        assert_eq!(
            shard_from(
                None,
                None,
                &env(&[("BATCH_TASK_INDEX", "0"), ("BATCH_TASK_COUNT", "3")])
            ),
            s(0, 3)
        );
        assert_eq!(shard_from(None, None, &env(&[])), Ok(None));
        assert!(shard_from(Some("8/8"), None, &env(&[])).is_err());
        assert!(shard_from(Some("x"), None, &env(&[])).is_err());
    }
}
