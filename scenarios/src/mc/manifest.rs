//! `manifest.json`: what a batch directory holds — the scenario (where it was read and its
//! hash), the seed, the number of runs, which shard, whether it is complete and the hash of
//! its `runs.jsonl` — and the batch's description the aggregate is computed from (parameter
//! paths, assertions, metrics, envelopes), so that a merge needs only the directories.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::outputs::AtomicFile;

/// The manifest's file name.
pub const MANIFEST_FILE: &str = "manifest.json";
/// The format tag.
pub const FORMAT: &str = "skytwin-mc-1";

/// A dispersed parameter as the aggregate needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParamInfo {
    /// The path as written.
    pub path: String,
    /// The distribution and its parameters, as text.
    pub distribution: String,
    /// For a `choice`: the values (a non-numeric drawn value is correlated by its position
    /// in this list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choices: Option<Vec<serde_json::Value>>,
}

/// An assertion as the aggregate needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssertionInfo {
    /// Its name.
    pub name: String,
    /// Its check.
    pub check: String,
    /// The unit of its value in records: `number`, `s` (seconds) or `s_after_start` (a time).
    pub unit: String,
}

/// The description of a batch (deterministic: from the scenario and its Monte Carlo section).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchInfo {
    /// The scenario's name.
    pub scenario: String,
    /// Its description.
    pub description: String,
    /// Start of the runs, UTC.
    pub start_utc: String,
    /// Length of a run, s.
    pub duration_s: f64,
    /// The dispersions, in draw order.
    pub parameters: Vec<ParamInfo>,
    /// The scenario's assertions.
    pub assertions: Vec<AssertionInfo>,
    /// The user's metrics.
    pub metrics: Vec<String>,
    /// Quantities with percentile bands over time.
    pub envelopes: Vec<String>,
    /// Their time bins.
    pub envelope_bins: usize,
}

/// Where the scenario of a batch comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A file (absolute path).
    Path(String),
    /// A bundled example, by name.
    Example(String),
}

/// The manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: String,
    /// skytwin's version.
    pub skytwin_version: String,
    /// The scenario.
    pub source: Source,
    /// SHA-256 of the scenario, every file it reads and its Monte Carlo file.
    pub scenario_hash: String,
    /// Batch seed.
    pub seed: u64,
    /// Runs in the whole batch (all shards).
    pub runs: u64,
    /// This shard's index (0 for an unsharded batch or a merge).
    pub shard_index: u64,
    /// Number of shards (1 for an unsharded batch or a merge).
    pub shard_count: u64,
    /// Whether every run of the shard has its record and the aggregate is written.
    pub complete: bool,
    /// Records in `runs.jsonl`.
    pub records: u64,
    /// SHA-256 of the final `runs.jsonl` (when complete).
    pub output_sha256: Option<String>,
    /// The batch's description.
    pub batch: BatchInfo,
}

impl Manifest {
    /// The run indices of this shard: i with i mod count == index.
    pub fn indices(&self) -> impl Iterator<Item = u64> + '_ {
        (self.shard_index..self.runs).step_by(self.shard_count.max(1) as usize)
    }

    /// Whether `other` describes the same batch and shard (a resume may go on).
    pub fn same_batch(&self, other: &Manifest) -> bool {
        self.format == other.format
            && self.scenario_hash == other.scenario_hash
            && self.seed == other.seed
            && self.runs == other.runs
            && self.shard_index == other.shard_index
            && self.shard_count == other.shard_count
            && self.batch == other.batch
    }

    /// Reads `dir/manifest.json`; `Ok(None)` when there is none.
    pub fn read(dir: &Path) -> std::io::Result<Option<Self>> {
        let path = dir.join(MANIFEST_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{}: not a skytwin mc manifest: {e}", path.display()),
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Writes `dir/manifest.json` atomically.
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        AtomicFile::write(&dir.join(MANIFEST_FILE), text.as_bytes())
    }
}

/// SHA-256 (hex) of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
