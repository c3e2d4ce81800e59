//! A batch directory from start to finish: created (or resumed) with its manifest, records
//! journaled as runs finish, and — once every run of the shard has its record — the
//! aggregate written atomically (`runs.jsonl` in index order, `summary.json`, `report.md`,
//! `report.html`, `plots/`) and the manifest marked complete with the hash of `runs.jsonl`.
//! Also: merging shard directories, and re-running chosen runs of a batch.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};

use sim_core::Hypervisor;

use super::aggregate::{Header, summarize, summary_json};
use super::batch::{Batch, BatchError};
use super::journal::{Journal, RUNS_FILE, read_records};
use super::manifest::{FORMAT, MANIFEST_FILE, Manifest, sha256_hex};
use super::record::Record;
use super::report::report;
use super::shard::Shard;
use crate::load::LoadCache;
use crate::outputs::AtomicFile;

/// Why a batch, a merge or a rerun cannot go on.
#[derive(Debug, thiserror::Error)]
pub enum McError {
    /// The scenario or its Monte Carlo section.
    #[error(transparent)]
    Batch(#[from] BatchError),
    /// A file of the batch directory.
    #[error("{path}: {what}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What was being done.
        what: &'static str,
        /// Why it failed.
        #[source]
        source: io::Error,
    },
    /// The directory holds another batch.
    #[error("{dir} holds another batch ({reason}): choose another --out, or delete it")]
    OtherBatch {
        /// The directory.
        dir: PathBuf,
        /// What differs.
        reason: String,
    },
    /// The directory holds files but no batch.
    #[error("{dir} is not empty and holds no skytwin mc batch: choose another --out")]
    NotABatch {
        /// The directory.
        dir: PathBuf,
    },
    /// The shards of a merge do not fit together.
    #[error("cannot merge: {0}")]
    Merge(String),
    /// A rerun asks for a run the batch does not have.
    #[error("{dir}: run {index} is not one of this batch's runs")]
    NoSuchRun {
        /// The batch directory.
        dir: PathBuf,
        /// The index.
        index: u64,
    },
    /// The scenario changed since the batch ran.
    #[error(
        "{dir}: the scenario or its files changed since the batch ran (hash {now} now, {then} then)"
    )]
    ScenarioChanged {
        /// The batch directory.
        dir: PathBuf,
        /// Hash now.
        now: String,
        /// Hash in the manifest.
        then: String,
    },
}

impl McError {
    /// Whether the error is the user's input (exit code 2) rather than the machine's.
    pub fn is_bad_input(&self) -> bool {
        !matches!(self, Self::Io { .. })
    }
}

fn io_err<'p>(path: &'p Path, what: &'static str) -> impl FnOnce(io::Error) -> McError + 'p {
    move |source| McError::Io {
        path: path.to_path_buf(),
        what,
        source,
    }
}

/// A batch directory being filled.
#[derive(Debug)]
pub struct Open {
    /// The directory.
    pub dir: PathBuf,
    /// Its manifest (not yet complete).
    pub manifest: Manifest,
    /// The journal.
    pub journal: Journal,
    /// Records so far, by index.
    pub records: BTreeMap<u64, Record>,
    /// Records dropped on opening (torn by a kill).
    pub dropped: usize,
    /// Runs of the shard still to do, in index order.
    pub todo: Vec<u64>,
    /// Failed runs whose outputs are already kept.
    pub kept_failed: usize,
}

/// The manifest a batch of `batch` writes for `shard`.
pub fn manifest_of(batch: &Batch, seed: u64, runs: u64, shard: Shard) -> Manifest {
    Manifest {
        format: FORMAT.to_string(),
        skytwin_version: env!("CARGO_PKG_VERSION").to_string(),
        source: batch.source.clone(),
        scenario_hash: batch.hash.clone(),
        seed,
        runs,
        shard_index: shard.index,
        shard_count: shard.count,
        complete: false,
        records: 0,
        output_sha256: None,
        batch: batch.info.clone(),
    }
}

fn differs(a: &Manifest, b: &Manifest) -> String {
    let mut d = Vec::new();
    if a.scenario_hash != b.scenario_hash || a.batch != b.batch {
        d.push("scenario".to_string());
    }
    if a.seed != b.seed {
        d.push(format!("seed {} there, {} here", a.seed, b.seed));
    }
    if a.runs != b.runs {
        d.push(format!("{} runs there, {} here", a.runs, b.runs));
    }
    if (a.shard_index, a.shard_count) != (b.shard_index, b.shard_count) {
        d.push(format!(
            "shard {}/{} there, {}/{} here",
            a.shard_index, a.shard_count, b.shard_index, b.shard_count
        ));
    }
    if d.is_empty() {
        d.push("format".to_string());
    }
    d.join(", ")
}

/// Whether `dir` holds anything but the temporary files an atomic write killed half-way
/// leaves (`.NAME.tmp`).
fn holds_files(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|d| {
        d.filter_map(Result::ok).any(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            !(n.starts_with('.') && n.ends_with(".tmp"))
        })
    })
}

/// Starts the batch in `dir`, or resumes the one there: same scenario, seed, runs and shard,
/// finished runs kept, a torn last record dropped.
pub fn open(dir: &Path, manifest: Manifest) -> Result<Open, McError> {
    match Manifest::read(dir).map_err(io_err(dir, "cannot read the manifest"))? {
        Some(old) if !old.same_batch(&manifest) => {
            return Err(McError::OtherBatch {
                dir: dir.to_path_buf(),
                reason: differs(&old, &manifest),
            });
        }
        Some(_) => {}
        None => {
            if holds_files(dir) {
                return Err(McError::NotABatch {
                    dir: dir.to_path_buf(),
                });
            }
            std::fs::create_dir_all(dir).map_err(io_err(dir, "cannot create the directory"))?;
            manifest
                .write(dir)
                .map_err(io_err(dir, "cannot write the manifest"))?;
        }
    }
    let (journal, recovered) =
        Journal::open(dir).map_err(io_err(&dir.join(RUNS_FILE), "cannot open the journal"))?;
    let shard = Shard {
        index: manifest.shard_index,
        count: manifest.shard_count,
    };
    let mut records = recovered.records;
    records.retain(|i, _| *i < manifest.runs && shard.has(*i));
    let todo: Vec<u64> = manifest
        .indices()
        .filter(|i| !records.contains_key(i))
        .collect();
    let kept_failed = std::fs::read_dir(dir.join("runs")).map_or(0, |d| {
        d.filter_map(Result::ok)
            .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
            .count()
    });
    Ok(Open {
        dir: dir.to_path_buf(),
        manifest,
        journal,
        records,
        dropped: recovered.dropped,
        todo,
        kept_failed,
    })
}

/// Writes the aggregate of `records` (sorted by index) into `dir` and returns the SHA-256 of
/// `runs.jsonl`. Every file is written atomically; `plots/` is replaced.
pub fn write_aggregate(dir: &Path, manifest: &Manifest, records: &[Record]) -> io::Result<String> {
    let mut runs = String::new();
    for r in records {
        runs.push_str(&r.line);
        runs.push('\n');
    }
    AtomicFile::write(&dir.join(RUNS_FILE), runs.as_bytes())?;
    let header = Header {
        info: &manifest.batch,
        scenario_hash: &manifest.scenario_hash,
        seed: manifest.seed,
        runs: manifest.runs,
    };
    let summary = summarize(&header, records);
    AtomicFile::write(&dir.join("summary.json"), summary_json(&summary).as_bytes())?;
    let rep = report(&summary, &manifest.batch, records);
    let plots = dir.join("plots");
    std::fs::create_dir_all(&plots)?;
    let keep: BTreeSet<&str> = rep.plots.iter().map(|p| p.file.as_str()).collect();
    for e in std::fs::read_dir(&plots)?.filter_map(Result::ok) {
        let name = e.file_name().to_string_lossy().into_owned();
        if !keep.contains(name.as_str()) {
            let _ = std::fs::remove_file(e.path());
        }
    }
    for p in &rep.plots {
        AtomicFile::write(&plots.join(&p.file), p.svg.as_bytes())?;
    }
    AtomicFile::write(&dir.join("report.md"), rep.markdown.as_bytes())?;
    AtomicFile::write(&dir.join("report.html"), rep.html.as_bytes())?;
    Ok(sha256_hex(runs.as_bytes()))
}

/// Completes a batch whose every run has its record: the aggregate, then the manifest.
pub fn finish(open: Open) -> Result<(Manifest, Vec<Record>), McError> {
    let Open {
        dir,
        mut manifest,
        journal,
        records,
        ..
    } = open;
    drop(journal);
    let records: Vec<Record> = records.into_values().collect();
    let sha = write_aggregate(&dir, &manifest, &records)
        .map_err(io_err(&dir, "cannot write the aggregate"))?;
    manifest.complete = true;
    manifest.records = records.len() as u64;
    manifest.output_sha256 = Some(sha);
    manifest
        .write(&dir)
        .map_err(io_err(&dir, "cannot write the manifest"))?;
    Ok((manifest, records))
}

/// Reads a complete batch directory: its manifest and verified records (the file's hash
/// must match the manifest's, and every line its checksum).
pub fn read_complete(dir: &Path) -> Result<(Manifest, Vec<Record>), McError> {
    let Some(m) = Manifest::read(dir).map_err(io_err(dir, "cannot read the manifest"))? else {
        return Err(McError::Merge(format!(
            "{} has no {MANIFEST_FILE}: not a skytwin mc batch directory",
            dir.display()
        )));
    };
    if m.format != FORMAT {
        return Err(McError::Merge(format!(
            "{}: unknown format {:?}",
            dir.display(),
            m.format
        )));
    }
    if !m.complete {
        return Err(McError::Merge(format!(
            "{} is not complete (its batch was interrupted: run the same command again to finish it)",
            dir.display()
        )));
    }
    let path = dir.join(RUNS_FILE);
    let bytes = std::fs::read(&path).map_err(io_err(&path, "cannot read the records"))?;
    if m.output_sha256.as_deref() != Some(sha256_hex(&bytes).as_str()) {
        return Err(McError::Merge(format!(
            "{}: runs.jsonl does not match the hash in its manifest (changed after the batch finished)",
            dir.display()
        )));
    }
    let rec = read_records(&String::from_utf8_lossy(&bytes));
    if rec.dropped > 0 {
        return Err(McError::Merge(format!(
            "{}: {} record(s) of runs.jsonl do not verify",
            dir.display(),
            rec.dropped
        )));
    }
    Ok((m, rec.records.into_values().collect()))
}

fn list(v: &[u64]) -> String {
    let shown: Vec<String> = v.iter().take(20).map(u64::to_string).collect();
    if v.len() > 20 {
        format!("{} … ({} in all)", shown.join(", "), v.len())
    } else {
        shown.join(", ")
    }
}

/// Merges complete shard directories into `out`: their manifests must describe the same
/// batch, and together hold every run exactly once. Writes the aggregate a one-process batch
/// of the same runs writes, and copies the kept runs' outputs.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<(Manifest, Vec<Record>), McError> {
    if dirs.is_empty() {
        return Err(McError::Merge("no directories given".to_string()));
    }
    let mut parts = Vec::new();
    for d in dirs {
        parts.push((d.clone(), read_complete(d)?));
    }
    let (first_dir, (first, _)) = &parts[0];
    for (d, (m, _)) in &parts[1..] {
        let mut what = Vec::new();
        if m.scenario_hash != first.scenario_hash || m.batch != first.batch {
            what.push("scenario".to_string());
        }
        if m.seed != first.seed {
            what.push(format!("seed {} vs {}", m.seed, first.seed));
        }
        if m.runs != first.runs {
            what.push(format!("{} runs vs {}", m.runs, first.runs));
        }
        if m.skytwin_version != first.skytwin_version {
            what.push(format!(
                "skytwin {} vs {}",
                m.skytwin_version, first.skytwin_version
            ));
        }
        if m.shard_count != first.shard_count {
            what.push(format!("{} shards vs {}", m.shard_count, first.shard_count));
        }
        if !what.is_empty() {
            return Err(McError::Merge(format!(
                "{} and {} are not shards of the same batch ({})",
                d.display(),
                first_dir.display(),
                what.join(", ")
            )));
        }
    }
    let mut shard_dirs: BTreeMap<u64, Vec<&Path>> = BTreeMap::new();
    for (d, (m, _)) in &parts {
        shard_dirs.entry(m.shard_index).or_default().push(d);
    }
    let dup_shards: Vec<String> = shard_dirs
        .iter()
        .filter(|(_, v)| v.len() > 1)
        .map(|(i, v)| {
            format!(
                "shard {i} in {}",
                v.iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(" and ")
            )
        })
        .collect();
    if !dup_shards.is_empty() {
        return Err(McError::Merge(format!(
            "duplicated: {}",
            dup_shards.join("; ")
        )));
    }
    let missing_shards: Vec<u64> = (0..first.shard_count)
        .filter(|i| !shard_dirs.contains_key(i))
        .collect();
    if !missing_shards.is_empty() {
        return Err(McError::Merge(format!(
            "shard(s) {} of {} missing",
            list(&missing_shards),
            first.shard_count
        )));
    }
    let mut all: BTreeMap<u64, Record> = BTreeMap::new();
    let mut dups = Vec::new();
    for (d, (m, records)) in &parts {
        let shard = Shard {
            index: m.shard_index,
            count: m.shard_count,
        };
        for r in records {
            if !shard.has(r.index) || r.index >= m.runs {
                return Err(McError::Merge(format!(
                    "{}: run {} does not belong to shard {}/{}",
                    d.display(),
                    r.index,
                    shard.index,
                    shard.count
                )));
            }
            if all.insert(r.index, r.clone()).is_some() {
                dups.push(r.index);
            }
        }
    }
    if !dups.is_empty() {
        return Err(McError::Merge(format!("run(s) {} duplicated", list(&dups))));
    }
    let missing: Vec<u64> = (0..first.runs).filter(|i| !all.contains_key(i)).collect();
    if !missing.is_empty() {
        return Err(McError::Merge(format!("run(s) {} missing", list(&missing))));
    }
    let mut manifest = first.clone();
    manifest.shard_index = 0;
    manifest.shard_count = 1;
    manifest.complete = false;
    manifest.records = 0;
    manifest.output_sha256 = None;
    if let Some(old) = Manifest::read(out).map_err(io_err(out, "cannot read the manifest"))? {
        if !old.same_batch(&manifest) {
            return Err(McError::OtherBatch {
                dir: out.to_path_buf(),
                reason: differs(&old, &manifest),
            });
        }
    } else if holds_files(out) {
        return Err(McError::NotABatch {
            dir: out.to_path_buf(),
        });
    }
    std::fs::create_dir_all(out).map_err(io_err(out, "cannot create the directory"))?;
    for (d, _) in &parts {
        copy_runs(&d.join("runs"), &out.join("runs"))
            .map_err(io_err(&d.join("runs"), "cannot copy the kept runs"))?;
    }
    let records: Vec<Record> = all.into_values().collect();
    let sha = write_aggregate(out, &manifest, &records)
        .map_err(io_err(out, "cannot write the aggregate"))?;
    manifest.complete = true;
    manifest.records = records.len() as u64;
    manifest.output_sha256 = Some(sha);
    manifest
        .write(out)
        .map_err(io_err(out, "cannot write the manifest"))?;
    Ok((manifest, records))
}

/// Copies the run directories (`000017/…`) of `from` into `to`.
fn copy_runs(from: &Path, to: &Path) -> io::Result<()> {
    let Ok(entries) = std::fs::read_dir(from) else {
        return Ok(());
    };
    for e in entries.filter_map(Result::ok) {
        let name = e.file_name();
        if name.to_string_lossy().starts_with('.') || !e.path().is_dir() {
            continue;
        }
        let target = to.join(&name);
        std::fs::create_dir_all(&target)?;
        for f in std::fs::read_dir(e.path())?.filter_map(Result::ok) {
            if f.path().is_file() {
                std::fs::copy(f.path(), target.join(f.file_name()))?;
            }
        }
    }
    Ok(())
}

/// What a rerun of one run found.
#[derive(Debug, Clone)]
pub struct Rerun {
    /// The index.
    pub index: u64,
    /// Its record now.
    pub record: Record,
    /// The batch's record, if it has one.
    pub original: Option<Record>,
    /// Where its outputs are.
    pub outputs: PathBuf,
}

impl Rerun {
    /// Whether the rerun's record equals the batch's byte for byte.
    pub fn same(&self) -> bool {
        self.original
            .as_ref()
            .is_some_and(|o| o.line == self.record.line)
    }
}

/// Re-runs `indices` of the batch in `dir` with their full outputs (`dir/runs/NNNNNN`).
pub fn rerun(
    dir: &Path,
    indices: &[u64],
    hv: &Hypervisor,
    cache: &LoadCache,
) -> Result<Vec<Rerun>, McError> {
    let Some(m) = Manifest::read(dir).map_err(io_err(dir, "cannot read the manifest"))? else {
        return Err(McError::Merge(format!(
            "{} has no {MANIFEST_FILE}: not a skytwin mc batch directory",
            dir.display()
        )));
    };
    let shard = Shard {
        index: m.shard_index,
        count: m.shard_count,
    };
    for &i in indices {
        if i >= m.runs || !shard.has(i) {
            return Err(McError::NoSuchRun {
                dir: dir.to_path_buf(),
                index: i,
            });
        }
    }
    let batch = Batch::open_source(&m.source, hv, cache)?;
    if batch.hash != m.scenario_hash {
        return Err(McError::ScenarioChanged {
            dir: dir.to_path_buf(),
            now: batch.hash.clone(),
            then: m.scenario_hash.clone(),
        });
    }
    let path = dir.join(RUNS_FILE);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let existing = read_records(&text).records;
    let mut out = Vec::new();
    for &i in indices {
        let record = batch.run_into(m.seed, i, dir, hv, cache);
        out.push(Rerun {
            index: i,
            original: existing.get(&i).cloned(),
            record,
            outputs: dir.join("runs").join(format!("{i:06}")),
        });
    }
    Ok(out)
}
