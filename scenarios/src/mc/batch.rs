//! A batch: the scenario document, its dispersions and metrics, checked once; then any run
//! by index — its parameters drawn from ChaCha(seed, stream = index), written into the
//! document, the result loaded through [`load_text`] (every check a scenario file gets),
//! flown, measured and sealed as a [`Record`]. A run that does not load, fails to build or
//! panics becomes an error record; nothing a run does stops the batch.

use std::collections::BTreeSet;
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

use hifitime::Epoch;
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use sim_core::Hypervisor;

use super::config::{ConfigError, McConfig, read_config};
use super::distribution::{Distribution, Drawn, number_json, rounded, toml_json};
use super::manifest::{AssertionInfo, BatchInfo, ParamInfo, Source};
use super::measure::{McSink, envelopes_of, metrics_of, probe};
use super::memo::MemoFiles;
use super::record::{Ordered, Record, seal};
use crate::assertions::{Assertion, Quantity, Value, ValueUnit};
use crate::diag::{Diagnostic, InvalidScenario, error_chain};
use crate::files::{Bundled, Disk, EXAMPLES, Files};
use crate::load::{LoadCache, LoadError, load_text};
use crate::outputs::OutputWriter;
use crate::run::{Run, RunOptions, RunResult};

/// Why a batch cannot start.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The scenario does not load (nominal case).
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The Monte Carlo section has problems.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// A checked batch definition.
#[derive(Debug)]
pub struct Batch {
    /// The scenario file as shown in messages.
    pub name: String,
    /// Where it comes from.
    pub source: Source,
    base: PathBuf,
    files: MemoFiles,
    doc: toml::Table,
    /// The Monte Carlo section.
    pub config: McConfig,
    /// SHA-256 of the scenario, its files and its Monte Carlo file.
    pub hash: String,
    /// The description the aggregate is computed from.
    pub info: BatchInfo,
    metrics: Vec<Assertion>,
    envelopes: Vec<Quantity>,
    start: Epoch,
    duration_s: f64,
}

/// The parameters of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Draw {
    /// The run's simulation seed.
    pub seed: u64,
    /// One value per dispersion, in order.
    pub values: Vec<Drawn>,
}

/// Key of the draws' generator: the batch seed and a tag, so that the draws never share a
/// stream with the runs' own generators.
fn draw_rng(seed: u64, index: u64) -> ChaCha8Rng {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    key[8..16].copy_from_slice(b"mc-draws");
    let mut rng = ChaCha8Rng::from_seed(key);
    rng.set_stream(index);
    rng
}

impl Batch {
    /// Opens a batch from a scenario file, or a bundled example when `path` is the bare name
    /// of one and no such file exists.
    pub fn open_path(path: &Path, hv: &Hypervisor, cache: &LoadCache) -> Result<Self, BatchError> {
        if !path.exists() && path.components().count() == 1 {
            let name = path.to_string_lossy();
            if let Some((_, p)) = EXAMPLES.iter().find(|(n, _)| *n == name) {
                return Self::open(
                    Source::Example(name.into_owned()),
                    p,
                    Box::new(Bundled),
                    hv,
                    cache,
                );
            }
        }
        let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        Self::open(
            Source::Path(abs.display().to_string()),
            &path.display().to_string(),
            Box::new(Disk),
            hv,
            cache,
        )
    }

    /// Opens the batch a manifest names.
    pub fn open_source(
        source: &Source,
        hv: &Hypervisor,
        cache: &LoadCache,
    ) -> Result<Self, BatchError> {
        match source {
            Source::Path(p) => Self::open(source.clone(), p, Box::new(Disk), hv, cache),
            Source::Example(name) => {
                let Some((_, p)) = EXAMPLES.iter().find(|(n, _)| n == name) else {
                    return Err(LoadError::NoSuchExample { name: name.clone() }.into());
                };
                Self::open(source.clone(), p, Box::new(Bundled), hv, cache)
            }
        }
    }

    fn open(
        source: Source,
        name: &str,
        files: Box<dyn Files>,
        hv: &Hypervisor,
        cache: &LoadCache,
    ) -> Result<Self, BatchError> {
        let files = MemoFiles::new(files);
        let bytes = files.read(Path::new(name)).map_err(|e| LoadError::Read {
            path: PathBuf::from(name),
            source: e,
        })?;
        let text = String::from_utf8(bytes).map_err(|_| LoadError::NotUtf8 {
            path: PathBuf::from(name),
        })?;
        let base = Path::new(name)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let nominal = load_text(name, text.clone(), &base, &files, hv, cache)?;
        let (config, extra) = read_config(name, &text, &base, &files)?;
        let mut doc: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            LoadError::Invalid(InvalidScenario {
                diagnostics: vec![Diagnostic::new(
                    &nominal.file,
                    e.span().unwrap_or(0..0),
                    "TOML syntax error",
                    e.message().to_string(),
                )],
            })
        })?;
        doc.remove("monte_carlo");
        let mut hasher = Sha256::new();
        hasher.update(nominal.hash.as_bytes());
        if let Some(b) = &extra {
            hasher.update((b.len() as u64).to_le_bytes());
            hasher.update(b);
        }
        let hash: String = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let mut diags = Vec::new();
        let metrics = metrics_of(&config, &nominal, &mut diags);
        let envelopes = envelopes_of(&config, &nominal, &mut diags);
        probe(&config, &doc, name, &base, &files, hv, cache, &mut diags);
        if !diags.is_empty() {
            return Err(ConfigError::Invalid(InvalidScenario { diagnostics: diags }).into());
        }
        let info = BatchInfo {
            scenario: nominal.name.clone(),
            description: nominal.description.clone(),
            start_utc: orbit::format_utc(nominal.start),
            duration_s: nominal.duration.to_seconds(),
            parameters: config
                .dispersions
                .iter()
                .map(|d| ParamInfo {
                    path: d.text.clone(),
                    distribution: d.distribution.describe(),
                    choices: match &d.distribution {
                        Distribution::Choice { values, .. } => {
                            Some(values.iter().map(toml_json).collect())
                        }
                        _ => None,
                    },
                })
                .collect(),
            assertions: nominal
                .assertions
                .iter()
                .map(|a| AssertionInfo {
                    name: a.name.clone(),
                    check: a.expr.clone(),
                    unit: unit_name(a.metric.unit()).to_string(),
                })
                .collect(),
            metrics: metrics.iter().map(|m| m.expr.clone()).collect(),
            envelopes: envelopes.iter().map(Quantity::name).collect(),
            envelope_bins: config.envelope_bins,
        };
        Ok(Self {
            name: name.to_string(),
            source,
            base,
            files,
            doc,
            hash,
            info,
            metrics,
            envelopes,
            start: nominal.start,
            duration_s: nominal.duration.to_seconds(),
            config,
        })
    }

    /// The parameters of run `index` of a batch seeded `seed`: the run's seed first, then
    /// one value per dispersion, all from ChaCha8 keyed by `seed` on stream `index`.
    pub fn draw(&self, seed: u64, index: u64) -> Result<Draw, String> {
        let mut rng = draw_rng(seed, index);
        let run_seed = rng.next_u64();
        let mut values = Vec::with_capacity(self.config.dispersions.len());
        for d in &self.config.dispersions {
            let v = d
                .distribution
                .sample(&mut rng)
                .ok_or_else(|| format!("{}: the truncated normal rejected every draw", d.text))?;
            values.push(rounded(d.integer, v));
        }
        Ok(Draw {
            seed: run_seed,
            values,
        })
    }

    /// The scenario text of a run with these values.
    pub fn run_text(&self, values: &[Drawn]) -> Result<String, String> {
        let mut doc = self.doc.clone();
        for (d, v) in self.config.dispersions.iter().zip(values) {
            d.path
                .apply(&mut doc, v)
                .map_err(|e| format!("{}: {e}", d.text))?;
        }
        toml::to_string(&doc).map_err(|e| e.to_string())
    }

    /// Runs `index` and seals its record; with `outputs`, the files of `skytwin run` are
    /// written there too. Never panics: a failure is an error record.
    pub fn run(
        &self,
        seed: u64,
        index: u64,
        hv: &Hypervisor,
        cache: &LoadCache,
        outputs: Option<&Path>,
    ) -> Record {
        let draw = self.draw(seed, index);
        let (run_seed, values) = match &draw {
            Ok(d) => (d.seed, d.values.clone()),
            Err(_) => (0, Vec::new()),
        };
        let mut fields = Ordered::default();
        fields.push("index", index);
        fields.push("seed", run_seed);
        let params = Ordered(
            self.config
                .dispersions
                .iter()
                .zip(&values)
                .map(|(d, v)| (d.text.clone(), v.to_json()))
                .collect(),
        );
        let result = draw.and_then(|d| {
            catch_unwind(AssertUnwindSafe(|| self.fly(index, &d, hv, cache, outputs)))
                .unwrap_or_else(|p| Err(format!("the run panicked: {}", panic_text(&p))))
        });
        match result {
            Ok(m) => {
                fields.push("status", "ok");
                fields.push("passed", m.passed);
                fields.push("params", params_value(&params));
                fields.push("assertions", params_value(&m.assertions));
                fields.push("metrics", params_value(&m.metrics));
                fields.push("outputs_sha256", m.outputs_sha256);
                fields.push("envelopes", params_value(&m.envelopes));
            }
            Err(message) => {
                fields.push("status", "error");
                fields.push("passed", serde_json::Value::Null);
                fields.push("params", params_value(&params));
                fields.push("error", message);
            }
        }
        let line = seal(&fields);
        Record::verify(&line).unwrap_or(Record {
            index,
            line,
            value: serde_json::Value::Null,
        })
    }

    fn fly(
        &self,
        index: u64,
        draw: &Draw,
        hv: &Hypervisor,
        cache: &LoadCache,
        outputs: Option<&Path>,
    ) -> Result<Measured, String> {
        let text = self.run_text(&draw.values)?;
        let shown = format!("{} (run {index})", self.name);
        let mut scenario =
            load_text(&shown, text, &self.base, &self.files, hv, cache).map_err(|e| match e {
                LoadError::Invalid(inv) => format!(
                    "the dispersed scenario does not load: {}",
                    inv.diagnostics
                        .iter()
                        .map(|d| format!("{}: {}: {}", d.location(), d.message, d.label))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
                other => error_chain(&other),
            })?;
        let n_assertions = scenario.assertions.len();
        let mut metrics = self.metrics.clone();
        for m in &mut metrics {
            m.satellites = (0..scenario.satellites.len()).collect();
        }
        scenario.assertions.extend(metrics);
        let opts = RunOptions {
            seed: Some(draw.seed),
            threads: None,
        };
        let mut run = Run::new(&scenario, hv, &opts).map_err(|e| error_chain(&e))?;
        let writer = match outputs {
            Some(dir) => {
                let mut plain = scenario.clone();
                plain.assertions.truncate(n_assertions);
                Some((
                    OutputWriter::create(dir, &plain)
                        .map_err(|e| format!("{}: {e}", dir.display()))?,
                    plain,
                ))
            }
            None => None,
        };
        let (writer, plain) = match writer {
            Some((w, p)) => (Some(w), Some(p)),
            None => (None, None),
        };
        let mut sink = McSink::new(
            &scenario,
            &self.envelopes,
            self.config.envelope_bins,
            writer,
        );
        run.run_to_end(&mut sink).map_err(|e| error_chain(&e))?;
        let mut result = run.finish(&mut sink).map_err(|e| error_chain(&e))?;
        let extra = result
            .outcomes
            .split_off(n_assertions.min(result.outcomes.len()));
        if let (Some(w), Some(p)) = (sink.writer.take(), &plain) {
            w.finish(p, &result).map_err(|e| e.to_string())?;
        }
        Ok(self.measured(&result, &extra, sink))
    }

    fn measured(
        &self,
        result: &RunResult,
        extra: &[crate::assertions::Outcome],
        sink: McSink<'_>,
    ) -> Measured {
        let start = self.start;
        let number = |v: Value| -> serde_json::Value {
            match v {
                Value::Number(x) => number_json(x),
                Value::Time(Some(t)) => number_json((t - start).to_seconds()),
                Value::Time(None) => serde_json::Value::Null,
            }
        };
        let mut assertions = Ordered::default();
        for o in &result.outcomes {
            let mut a = Ordered::default();
            a.push("value", number(o.value));
            a.push("passed", o.passed);
            assertions.push(o.name.clone(), params_value(&a));
        }
        let mut metrics = Ordered::default();
        for o in extra {
            metrics.push(o.expr.clone(), number(o.value));
        }
        let envelopes = sink.envelopes_json(&self.envelopes);
        Measured {
            passed: result.passed(),
            assertions,
            metrics,
            outputs_sha256: sink
                .hasher
                .finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
            envelopes,
        }
    }

    /// Length of a run, s.
    pub fn duration_s(&self) -> f64 {
        self.duration_s
    }

    /// Runs `indices` on `threads` workers (each run on one worker; memory is one run per
    /// worker), handing each record to `done` on the calling thread as it finishes, in
    /// completion order. Full outputs go to `out/runs/NNNNNN` for the runs in `keep` and for
    /// failed runs while fewer than `keep_failed` have been kept (counting `kept_already`).
    /// Stops starting runs when `done` fails, and returns its error.
    pub fn execute(
        &self,
        seed: u64,
        indices: &[u64],
        opts: &ExecOptions<'_>,
        hv: &Hypervisor,
        cache: &LoadCache,
        mut done: impl FnMut(&Record) -> io::Result<()>,
    ) -> io::Result<()> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(opts.threads.max(1))
            .stack_size(8 << 20)
            .build()
            .map_err(io::Error::other)?;
        let stop = AtomicBool::new(false);
        let kept = AtomicUsize::new(opts.kept_already);
        let (tx, rx) = mpsc::sync_channel::<Record>(64);
        std::thread::scope(|scope| {
            let stop = &stop;
            let kept = &kept;
            let pool = &pool;
            scope.spawn(move || {
                pool.install(|| {
                    indices
                        .par_iter()
                        .with_max_len(1)
                        .for_each_with(tx, |tx, &i| {
                            if stop.load(Ordering::Relaxed) {
                                return;
                            }
                            let rec = self.run_kept(seed, i, opts, kept, hv, cache);
                            let _ = tx.send(rec);
                        });
                });
            });
            let mut first_error = None;
            for rec in rx {
                if first_error.is_some() {
                    continue;
                }
                if let Err(e) = done(&rec) {
                    stop.store(true, Ordering::Relaxed);
                    first_error = Some(e);
                }
            }
            first_error.map_or(Ok(()), Err)
        })
    }

    fn run_kept(
        &self,
        seed: u64,
        i: u64,
        opts: &ExecOptions<'_>,
        kept: &AtomicUsize,
        hv: &Hypervisor,
        cache: &LoadCache,
    ) -> Record {
        if opts.keep.contains(&i) {
            return self.run_into(seed, i, opts.out, hv, cache);
        }
        let rec = self.run(seed, i, hv, cache, None);
        if !rec.is_error()
            && !rec.passed()
            && kept.fetch_add(1, Ordering::Relaxed) < opts.keep_failed
        {
            // the same run again, with its files (a run is a function of its index)
            let _ = self.run_into(seed, i, opts.out, hv, cache);
        }
        rec
    }

    /// Runs `index` with its full outputs in `out/runs/NNNNNN` (written beside and renamed,
    /// so the directory is whole or absent).
    pub fn run_into(
        &self,
        seed: u64,
        index: u64,
        out: &Path,
        hv: &Hypervisor,
        cache: &LoadCache,
    ) -> Record {
        let runs = out.join("runs");
        let target = runs.join(format!("{index:06}"));
        let temp = runs.join(format!(".{index:06}.tmp"));
        let _ = std::fs::remove_dir_all(&temp);
        let rec = self.run(seed, index, hv, cache, Some(&temp));
        if temp.exists() {
            let _ = std::fs::remove_dir_all(&target);
            let _ = std::fs::rename(&temp, &target);
        }
        rec
    }
}

/// How [`Batch::execute`] runs.
#[derive(Debug, Clone)]
pub struct ExecOptions<'a> {
    /// Worker threads.
    pub threads: usize,
    /// The batch directory.
    pub out: &'a Path,
    /// Runs whose full outputs are kept.
    pub keep: &'a BTreeSet<u64>,
    /// At most this many failed runs get their full outputs…
    pub keep_failed: usize,
    /// …counting these already kept.
    pub kept_already: usize,
}

/// What a run measured.
struct Measured {
    passed: bool,
    assertions: Ordered,
    metrics: Ordered,
    outputs_sha256: String,
    envelopes: Ordered,
}

/// A drawn number as an integer when the dispersion asks for it.
fn params_value(o: &Ordered) -> serde_json::Value {
    serde_json::to_value(o).unwrap_or(serde_json::Value::Null)
}

fn panic_text(p: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "(no message)".to_string()
    }
}

fn unit_name(u: ValueUnit) -> &'static str {
    match u {
        ValueUnit::Number => "number",
        ValueUnit::Seconds => "s",
        ValueUnit::Time => "s_after_start",
    }
}
