//! `skytwin mc` (a Monte Carlo batch of a scenario: dispersed runs on every core, or one
//! shard of it under an array-job scheduler), `skytwin mc merge` (shards into one batch) and
//! `skytwin mc rerun` (chosen runs again, with their full outputs). `docs/monte-carlo.md`
//! and `docs/cluster.md` describe them.
//!
//! Exit codes: 0 every run completed (failed assertions are results: they are in the summary
//! and the report), 1 some run could not be simulated (or a rerun's record differs from the
//! batch's), 2 bad input, 3 the batch directory could not be written.

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use scenarios::LoadCache;
use scenarios::mc::batch::BatchError;
use scenarios::mc::config::ConfigError;
use scenarios::mc::{Batch, ExecOptions, McError, Shard, manifest_of};
use sim_core::{Hypervisor, HypervisorConfig};

use super::error::{CliError, CliResult, EXIT_BAD_INPUT};

/// Exit code when some run could not be simulated.
pub const EXIT_RUN_ERRORS: u8 = 1;
/// Exit code when the batch directory cannot be written.
pub const EXIT_MC_OUTPUT: u8 = 3;

/// Arguments of `skytwin mc`.
#[derive(Debug, clap::Args)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = "SCENARIO is a scenario file with a [monte_carlo] section (docs/monte-carlo.md), or a bundled example (eo-cubesat-mc).\n\
Sharding: --shard I/N, or the scheduler's environment (SLURM_ARRAY_TASK_ID/_COUNT/_MIN, JOB_COMPLETION_INDEX with --shard-count, AWS_BATCH_JOB_ARRAY_INDEX/_SIZE, BATCH_TASK_INDEX/_COUNT); a shard writes DIR/shard-III-of-NNN (docs/cluster.md).\n\
The same command after an interruption resumes the batch.\n\
Exit codes: 0 every run completed, 1 some run could not be simulated, 2 bad input, 3 the batch directory could not be written."
)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Sub>,
    #[command(flatten)]
    batch: BatchArgs,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// Merge complete shard directories into one batch (checks that they fit together).
    Merge(MergeArgs),
    /// Re-run chosen runs of a batch with their full outputs (DIR/runs/NNNNNN).
    Rerun(RerunArgs),
}

#[derive(Debug, clap::Args)]
struct BatchArgs {
    /// Scenario file with a [monte_carlo] section, or a bundled example.
    #[arg(value_name = "SCENARIO", required = true)]
    scenario: Option<PathBuf>,
    /// Runs in the batch [default: the section's `runs`].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    runs: Option<u64>,
    /// Batch seed: run i draws from ChaCha(seed, stream i) [default: the section's `seed`, else 0].
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// Runs in parallel [default: all cores].
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u64).range(1..=1024))]
    threads: Option<u64>,
    /// Batch directory [default: runs/<scenario>-mc-s<S>-n<N>].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Runs whose full outputs are kept, e.g. 0,17,40-45.
    #[arg(long, value_name = "LIST")]
    keep: Option<String>,
    /// Run only shard I of N (runs i with i mod N == I).
    #[arg(long, value_name = "I/N")]
    shard: Option<String>,
    /// Number of shards, when the scheduler gives only an index (Kubernetes).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    shard_count: Option<u64>,
    /// No progress bar and no summary on stdout.
    #[arg(long)]
    quiet: bool,
}

#[derive(Debug, clap::Args)]
struct MergeArgs {
    /// Complete shard directories.
    #[arg(value_name = "DIR", required = true)]
    dirs: Vec<PathBuf>,
    /// The merged batch directory.
    #[arg(long, value_name = "DIR", required = true)]
    out: PathBuf,
}

#[derive(Debug, clap::Args)]
struct RerunArgs {
    /// A batch directory.
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// Runs to do again, e.g. 17,42 or 10-12.
    #[arg(long, value_name = "LIST", required = true)]
    runs: String,
}

/// Runs `skytwin mc`.
pub fn run(args: Args) -> CliResult {
    match args.command {
        Some(Sub::Merge(m)) => merge(m),
        Some(Sub::Rerun(r)) => rerun(r),
        None => batch(args.batch),
    }
}

/// Parses `0,17,40-45`.
fn index_list(text: &str) -> CliResult<BTreeSet<u64>> {
    let mut out = BTreeSet::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let bad = || {
            CliError::bad_input_msg(format!(
                "{part:?} in {text:?}: expected a run index or a range like 40-45"
            ))
        };
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b): (u64, u64) = (
                    a.trim().parse().map_err(|_| bad())?,
                    b.trim().parse().map_err(|_| bad())?,
                );
                if a > b || b - a > 1_000_000 {
                    return Err(bad());
                }
                out.extend(a..=b);
            }
            None => {
                out.insert(part.parse().map_err(|_| bad())?);
            }
        }
    }
    if out.is_empty() {
        return Err(CliError::bad_input_msg(format!("{text:?}: no run indices")));
    }
    Ok(out)
}

fn hypervisor() -> CliResult<Hypervisor> {
    Hypervisor::new(HypervisorConfig::default()).map_err(CliError::bad_input)
}

/// A batch error as the user sees it: diagnostics rendered with their source lines.
fn mc_error(e: McError) -> CliError {
    let styled = std::io::stderr().is_terminal();
    match e {
        McError::Batch(BatchError::Load(scenarios::LoadError::Invalid(inv)))
        | McError::Batch(BatchError::Config(ConfigError::Invalid(inv))) => {
            eprintln!("{}", inv.render(styled));
            CliError::Exit(EXIT_BAD_INPUT)
        }
        e if e.is_bad_input() => CliError::bad_input(e),
        e => {
            eprintln!("error: {}", scenarios::diag::error_chain(&e));
            CliError::Exit(EXIT_MC_OUTPUT)
        }
    }
}

fn batch(args: BatchArgs) -> CliResult {
    let hv = hypervisor()?;
    let cache = LoadCache::default();
    let scenario = args.scenario.clone().unwrap_or_default();
    let batch = Batch::open_path(&scenario, &hv, &cache).map_err(|e| mc_error(e.into()))?;
    let Some(runs) = args.runs.or(batch.config.runs) else {
        return Err(CliError::bad_input_msg(format!(
            "{}: how many runs? pass --runs N (or set runs = N in [monte_carlo])",
            scenario.display()
        )));
    };
    let seed = args.seed.or(batch.config.seed).unwrap_or(0);
    let env = |k: &str| std::env::var(k).ok();
    let shard = scenarios::mc::shard_from(args.shard.as_deref(), args.shard_count, &env)
        .map_err(CliError::bad_input)?;
    let keep = match &args.keep {
        Some(list) => index_list(list)?,
        None => BTreeSet::new(),
    };
    let base = args.out.clone().unwrap_or_else(|| {
        PathBuf::from(format!("runs/{}-mc-s{seed}-n{runs}", batch.info.scenario))
    });
    let dir = match shard {
        Some(s) => base.join(s.dir_name()),
        None => base,
    };
    let shard = shard.unwrap_or(Shard::ALL);
    let threads = args.threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, usize::from),
        |t| t as usize,
    );
    let mut open =
        scenarios::mc::open(&dir, manifest_of(&batch, seed, runs, shard)).map_err(mc_error)?;
    let total = open.manifest.indices().count() as u64;
    let done_before = open.records.len() as u64;
    if !args.quiet && done_before > 0 {
        eprintln!(
            "resuming {}: {done_before} of {total} runs already done{}",
            dir.display(),
            if open.dropped > 0 {
                format!(", {} torn record(s) dropped", open.dropped)
            } else {
                String::new()
            }
        );
    }
    let mut failed = open
        .records
        .values()
        .filter(|r| !r.is_error() && !r.passed())
        .count();
    let mut errors = open.records.values().filter(|r| r.is_error()).count();
    let show = !args.quiet && std::io::stderr().is_terminal();
    let bar = show.then(|| {
        let b = indicatif::ProgressBar::new(total);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} runs {msg} ETA {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b.set_position(done_before);
        b
    });
    let message = |failed: usize, errors: usize| {
        format!("({failed} with failed assertions, {errors} errors)")
    };
    if let Some(b) = &bar {
        b.set_message(message(failed, errors));
    }
    let wall = Instant::now();
    let todo = std::mem::take(&mut open.todo);
    let opts = ExecOptions {
        threads,
        out: &dir,
        keep: &keep,
        keep_failed: batch.config.keep_failed,
        kept_already: open.kept_failed,
    };
    {
        let journal = &mut open.journal;
        let records = &mut open.records;
        batch
            .execute(seed, &todo, &opts, &hv, &cache, |rec| {
                journal.append(&rec.line)?;
                if rec.is_error() {
                    errors += 1;
                } else if !rec.passed() {
                    failed += 1;
                }
                records.insert(rec.index, rec.clone());
                if let Some(b) = &bar {
                    b.inc(1);
                    b.set_message(message(failed, errors));
                }
                Ok(())
            })
            .map_err(|e| {
                eprintln!("error: {}: cannot record a run: {e}", dir.display());
                CliError::Exit(EXIT_MC_OUTPUT)
            })?;
    }
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let wall_s = wall.elapsed().as_secs_f64();
    let (manifest, records) = scenarios::mc::finish(open).map_err(mc_error)?;
    let summary = std::fs::read_to_string(dir.join("summary.json")).unwrap_or_default();
    let sum: serde_json::Value = serde_json::from_str(&summary).unwrap_or_default();
    if !args.quiet {
        let done_now = todo.len();
        println!(
            "{}: {} run{} of {} (shard {}/{}), seed {seed}; {done_now} run now in {:.1} s on {threads} thread{}",
            batch.info.scenario,
            manifest.records,
            if manifest.records == 1 { "" } else { "s" },
            runs,
            manifest.shard_index,
            manifest.shard_count,
            wall_s,
            if threads == 1 { "" } else { "s" }
        );
        print_summary(&sum);
        println!("report: {}", dir.join("report.html").display());
    }
    let error_runs = records.iter().filter(|r| r.is_error()).count();
    if error_runs > 0 {
        for r in records.iter().filter(|r| r.is_error()).take(5) {
            eprintln!(
                "run {} could not be simulated: {}",
                r.index,
                r.error().unwrap_or("")
            );
        }
        if error_runs > 5 {
            eprintln!("… {} error runs in all (summary.json)", error_runs);
        }
        return Err(CliError::Exit(EXIT_RUN_ERRORS));
    }
    Ok(())
}

fn pct(v: &serde_json::Value) -> String {
    v.as_f64()
        .map_or("–".to_string(), |p| format!("{:.1} %", 100.0 * p))
}

fn print_summary(sum: &serde_json::Value) {
    let s = &sum["success"];
    println!(
        "success: {} of {} runs, {} (Wilson 95 % {} – {}); {} error runs",
        s["passed"],
        s["of"],
        pct(&s["probability"]),
        pct(&s["wilson95"][0]),
        pct(&s["wilson95"][1]),
        sum["error_runs"]
    );
    if let Some(list) = sum["assertions"].as_array() {
        for a in list {
            let x = &a["success"];
            println!(
                "  {:<40} holds in {} ({} – {})",
                a["name"].as_str().unwrap_or(""),
                pct(&x["probability"]),
                pct(&x["wilson95"][0]),
                pct(&x["wilson95"][1])
            );
        }
    }
    if let Some(first) = sum["influence"].as_array().and_then(|l| l.first())
        && let Some(r) = first["rank_correlation_with_pass"].as_f64()
    {
        println!(
            "  most associated with failure: {} (rank correlation with pass {:.2})",
            first["parameter"].as_str().unwrap_or(""),
            r
        );
    }
}

fn merge(args: MergeArgs) -> CliResult {
    let (manifest, records) = scenarios::mc::merge(&args.dirs, &args.out).map_err(mc_error)?;
    println!(
        "merged {} director{} into {}: {} runs of {}",
        args.dirs.len(),
        if args.dirs.len() == 1 { "y" } else { "ies" },
        args.out.display(),
        records.len(),
        manifest.batch.scenario
    );
    let sum: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(args.out.join("summary.json")).unwrap_or_default(),
    )
    .unwrap_or_default();
    print_summary(&sum);
    println!("report: {}", args.out.join("report.html").display());
    if records.iter().any(|r| r.is_error()) {
        return Err(CliError::Exit(EXIT_RUN_ERRORS));
    }
    Ok(())
}

fn rerun(args: RerunArgs) -> CliResult {
    let indices: Vec<u64> = index_list(&args.runs)?.into_iter().collect();
    let hv = hypervisor()?;
    let cache = LoadCache::default();
    let reruns = scenarios::mc::rerun(&args.dir, &indices, &hv, &cache).map_err(mc_error)?;
    let mut all_same = true;
    for r in &reruns {
        let state = match (&r.original, r.same()) {
            (_, true) => "record equal to the batch's",
            (Some(_), false) => {
                all_same = false;
                "record DIFFERS from the batch's"
            }
            (None, false) => "no record in the batch yet",
        };
        let outcome = if r.record.is_error() {
            format!("error: {}", r.record.error().unwrap_or(""))
        } else if r.record.passed() {
            "passed".to_string()
        } else {
            "failed assertions".to_string()
        };
        println!(
            "run {}: {outcome}; {state}; outputs in {}",
            r.index,
            r.outputs.display()
        );
    }
    if !all_same || reruns.iter().any(|r| r.record.is_error()) {
        return Err(CliError::Exit(EXIT_RUN_ERRORS));
    }
    Ok(())
}
