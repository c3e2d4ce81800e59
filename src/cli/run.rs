//! `skytwin run` (the main job: a scenario, its assertions and its output files) and
//! `skytwin validate` (everything a run checks, without running).
//!
//! Exit codes of `run`: 0 every assertion holds, 1 one failed (printed with its value and
//! bound), 2 bad input (the scenario, its files, the arguments; no output directory is left
//! behind), 3 the output files could not be written.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use scenarios::outputs::{AtomicFile, HostFacts, OutputWriter};
use scenarios::{LoadCache, LoadError, Run, RunOptions, Scenario};
use sim_core::{Hypervisor, HypervisorConfig};

use super::error::{CliError, CliResult};

/// Exit code when an assertion fails.
pub const EXIT_ASSERTION_FAILED: u8 = 1;
/// Exit code when the output files cannot be written.
pub const EXIT_RUN_OUTPUT: u8 = 3;

/// Arguments of `skytwin run`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "SCENARIO is a scenario file (docs/scenarios.md), or the name of a bundled example: \
eo-cubesat (the default), walker-relay, brownout, faults.\n\
Exit codes: 0 every assertion holds, 1 an assertion failed, 2 bad input, 3 the outputs could not be written."
)]
pub struct Args {
    /// Scenario file or bundled example [default: eo-cubesat].
    #[arg(value_name = "SCENARIO")]
    scenario: Option<PathBuf>,
    /// Output directory [default: runs/<scenario>-<UTC time>].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Run seed (replaces the scenario's).
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Worker threads for the satellites [default: all cores, or RAYON_NUM_THREADS].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1024))]
    threads: Option<u64>,
    /// No progress bar and no summary on stdout (the files are still written).
    #[arg(long)]
    quiet: bool,
}

/// Arguments of `skytwin validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Scenario file or bundled example.
    #[arg(value_name = "SCENARIO")]
    scenario: PathBuf,
}

fn hypervisor() -> CliResult<Hypervisor> {
    Hypervisor::new(HypervisorConfig::default()).map_err(CliError::bad_input)
}

/// Loads a scenario file, or a bundled example when no such file exists and the name is one.
pub fn load(path: Option<&Path>, hv: &Hypervisor, cache: &LoadCache) -> CliResult<Scenario> {
    scenarios::load_argument(path, hv, cache).map_err(|e| match e {
        LoadError::Invalid(inv) => {
            eprintln!("{}", inv.render(std::io::stderr().is_terminal()));
            CliError::Exit(super::error::EXIT_BAD_INPUT)
        }
        other => CliError::bad_input(other),
    })
}

/// Runs `skytwin validate`.
pub fn validate(args: ValidateArgs) -> CliResult {
    let hv = hypervisor()?;
    let s = load(Some(&args.scenario), &hv, &LoadCache::default())?;
    let apps: usize = s.apps.iter().map(|a| a.on.len()).sum();
    println!(
        "{}: valid — {} satellite{}, {} station{}, {} app instance{}, {} command{}, {} fault{}, {} assertion{}; {} steps of {} from {}",
        s.file.name,
        s.satellites.len(),
        plural(s.satellites.len()),
        s.stations.len(),
        plural(s.stations.len()),
        apps,
        plural(apps),
        s.commands.len(),
        plural(s.commands.len()),
        s.faults.len(),
        plural(s.faults.len()),
        s.assertions.len(),
        plural(s.assertions.len()),
        s.steps(),
        orbit::format_duration(s.step),
        orbit::format_utc(s.start)
    );
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `runs/<name>-<UTC time>`, with `-2`, `-3`, … if taken.
fn default_dir(name: &str) -> PathBuf {
    let now = hifitime::Epoch::now().unwrap_or_else(|_| hifitime::Epoch::from_unix_seconds(0.0));
    let (y, mo, d, h, mi, s, _) = orbit::time::utc_calendar(now);
    let base = format!("runs/{name}-{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z");
    let mut dir = PathBuf::from(&base);
    let mut k = 2;
    while dir.exists() {
        dir = PathBuf::from(format!("{base}-{k}"));
        k += 1;
    }
    dir
}

/// Runs `skytwin run`.
pub fn run(args: Args) -> CliResult {
    let hv = hypervisor()?;
    let scenario = load(args.scenario.as_deref(), &hv, &LoadCache::default())?;
    let opts = RunOptions {
        seed: args.seed,
        threads: args.threads.map(|n| n as usize),
    };
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| default_dir(&scenario.name));
    let existed = dir.exists();
    let mut run = Run::new(&scenario, &hv, &opts).map_err(CliError::bad_input)?;
    let mut writer = OutputWriter::create(&dir, &scenario).map_err(|e| {
        if !existed {
            let _ = std::fs::remove_dir_all(&dir);
        }
        CliError::bad_input_msg(format!(
            "--out {}: cannot create the output files: {e}",
            dir.display()
        ))
    })?;
    let output_error = |e: &dyn std::fmt::Display| {
        eprintln!("error: {}: {e}", dir.display());
        CliError::Exit(EXIT_RUN_OUTPUT)
    };
    let show = !args.quiet && std::io::stdout().is_terminal();
    let progress = show.then(|| Progress::new(&scenario));
    let started_utc = orbit::format_utc(hifitime::Epoch::now().unwrap_or(scenario.start));
    let wall = Instant::now();
    let block = run.block_steps();
    let mut steps_since_update = 0;
    while !run.done() {
        steps_since_update += run
            .advance_overlapped(block, &mut writer)
            .map_err(|e| output_error(&scenarios::diag::error_chain(&e)))?;
        if let Some(p) = &progress
            && steps_since_update >= 256
        {
            steps_since_update = 0;
            p.update(&run, wall.elapsed().as_secs_f64());
        }
    }
    if let Some(p) = &progress {
        p.bar.finish_and_clear();
    }
    let run_s = (run.time() - scenario.start).to_seconds();
    let hogs = super::app::cpu_hogs(run.simulation(), run_s);
    let result = run
        .finish(&mut writer)
        .map_err(|e| output_error(&scenarios::diag::error_chain(&e)))?;
    let wall_s = wall.elapsed().as_secs_f64();
    let files = writer
        .finish(&scenario, &result)
        .map_err(|e| output_error(&e))?;
    let host = HostFacts {
        started_utc,
        wall_s,
        speed_x_real_time: if wall_s > 0.0 {
            result.simulated_s / wall_s
        } else {
            0.0
        },
        threads: opts.threads.unwrap_or_else(rayon::current_num_threads),
        platform: format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH),
        hostname: std::fs::read_to_string("/etc/hostname")
            .ok()
            .map(|h| h.trim().to_string()),
        cpus: std::thread::available_parallelism().map_or(1, usize::from),
        command: std::env::args().collect(),
    };
    AtomicFile::write(&dir.join("host.json"), host.to_json().as_bytes())
        .map_err(|e| output_error(&e))?;
    if !args.quiet {
        print!("{}", summary_text(&scenario, &result, &dir, &files, &host));
        for (satellite, app, fraction) in &hogs {
            println!("{}", super::app::cpu_hog_line(satellite, app, *fraction));
        }
    }
    if result.passed() {
        Ok(())
    } else {
        if args.quiet {
            for o in result.outcomes.iter().filter(|o| !o.passed) {
                eprintln!("{}", scenarios::outputs::outcome_text(o));
            }
        }
        Err(CliError::Exit(EXIT_ASSERTION_FAILED))
    }
}

/// The human summary printed at the end.
fn summary_text(
    s: &Scenario,
    r: &scenarios::RunResult,
    dir: &Path,
    files: &[String],
    host: &HostFacts,
) -> String {
    use std::fmt::Write as _;
    let mut t = String::new();
    let _ = writeln!(
        t,
        "{}: {} steps of {} from {}, seed {} — {:.2} s wall ({:.0}x real time)",
        s.name,
        r.steps,
        orbit::format_duration(s.step),
        orbit::format_utc(s.start),
        r.seed,
        host.wall_s,
        host.speed_x_real_time
    );
    if r.outcomes.is_empty() {
        let _ = writeln!(t, "assertions: none");
    } else {
        let failed = r.outcomes.iter().filter(|o| !o.passed).count();
        let _ = writeln!(
            t,
            "assertions: {} passed, {failed} failed",
            r.outcomes.len() - failed
        );
        for o in &r.outcomes {
            let _ = writeln!(t, "  {}", scenarios::outputs::outcome_text(o));
        }
    }
    let _ = writeln!(
        t,
        "  {:<20} {:>12} {:>8} {:>8} {:>8} {:>8} {:>10} {:>7}",
        "satellite", "downlinked", "images", "contacts", "isl_msgs", "faults", "min_soc", "safe"
    );
    for (d, x) in s.satellites.iter().zip(&r.totals) {
        let _ = writeln!(
            t,
            "  {:<20} {:>12} {:>8} {:>8} {:>8} {:>8} {:>9.1}% {:>7}",
            d.name,
            bytes(x.downlinked_bytes),
            x.images_captured,
            x.contacts,
            x.isl_messages,
            x.app_faults,
            100.0 * x.min_battery_soc,
            x.safe_mode_entries
        );
    }
    let _ = writeln!(
        t,
        "files: {}/ ({}, host.json)",
        dir.display(),
        files.join(", ")
    );
    t
}

fn bytes(n: u64) -> String {
    match n {
        n if n >= 10 << 20 => format!("{:.1} MiB", n as f64 / f64::from(1u32 << 20)),
        n if n >= 10 << 10 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}

/// The progress bar: simulated time, speed, ETA.
struct Progress {
    bar: indicatif::ProgressBar,
    start: hifitime::Epoch,
}

impl Progress {
    fn new(s: &Scenario) -> Self {
        let bar = indicatif::ProgressBar::new(s.steps());
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {percent:>3}% {msg} ETA {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Self {
            bar,
            start: s.start,
        }
    }

    fn update(&self, run: &Run<'_>, wall_s: f64) {
        let sim_s = (run.time() - self.start).to_seconds();
        self.bar
            .set_position((sim_s / run_step_s(run)).round() as u64);
        self.bar.set_message(format!(
            "{} ({:.0}x real time)",
            orbit::format_utc(run.time()),
            if wall_s > 0.0 { sim_s / wall_s } else { 0.0 }
        ));
    }
}

fn run_step_s(run: &Run<'_>) -> f64 {
    run.simulation().step_size().to_seconds().max(1e-9)
}
