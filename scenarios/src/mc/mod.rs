//! Monte Carlo batches (`skytwin mc`, `docs/monte-carlo.md`): thousands of dispersed runs of a
//! scenario, on every core or sharded over an array-job scheduler, reduced to statistics and
//! a report.
//!
//! Run i draws its parameters from ChaCha8 keyed by the batch seed on stream i, writes them
//! into the scenario document at their paths and loads the result as any scenario file is
//! loaded, so a run depends on nothing but (seed, i): not on threads, shards or resumes.
//! Records are journaled with a checksum as runs finish; the aggregate is computed from the
//! records alone, so a merge of shards writes the bytes a one-process batch writes.
//!
//! | module | what |
//! |---|---|
//! | [`distribution`], [`path`], [`config`] | the `[monte_carlo]` section: distributions, parameter paths, metrics, envelopes |
//! | [`batch`] | one run by index → a sealed record; many runs on a worker pool |
//! | [`record`], [`journal`], [`manifest`] | `runs.jsonl` lines with checksums, the append-only journal, `manifest.json` |
//! | [`stats`], [`aggregate`], [`report`] | statistics, `summary.json`, `report.md`/`report.html` with SVG plots |
//! | [`shard`], [`driver`] | shards from the scheduler's environment; a batch directory's life, merge and rerun |
//!
//! Layers run one way: `distribution → path → config → memo → record → batch`,
//! `stats → aggregate → report`, and `driver` on top of both.

pub mod aggregate;
pub mod batch;
pub mod config;
pub mod distribution;
pub mod driver;
pub mod journal;
pub mod manifest;
mod measure;
mod memo;
pub mod path;
pub mod record;
pub mod report;
pub mod shard;
pub mod stats;

pub use batch::{Batch, BatchError, ExecOptions};
pub use driver::{McError, Open, Rerun, finish, manifest_of, merge, open, rerun};
pub use record::Record;
pub use shard::{Shard, ShardError, shard_from};
