//! `skytwin app run` and `skytwin app inspect`: the app developer's edit-build-run loop.
//!
//! `run` flies one satellite (by default a 6U cubesat on a bundled NOAA 19 orbit, with the
//! bundled ground stations) for a while with the given app images on its onboard computer,
//! prints every app log line and app event prefixed by the simulated UTC time as the run
//! goes (each line handed on at once), shows its progress on a terminal (simulated time and
//! how much faster than real time), then a summary that names any app that held the CPU for
//! most of the run. Exit codes: 0 when the run completes (an app fault is reported, not a
//! failure of skytwin), 2 for an unreadable or invalid image or bad arguments.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration as WallDuration, Instant};

use hardware_models::template::HardwareTemplate;
use hardware_models::texture::EarthTexture;
use orbit::{Duration, ElementSet, Station, TimeSpec, format_utc, parse_elements};
use sim_core::{
    AppConfig, AppImage, AppState, Area, AreaShape, EventKind, Hypervisor, HypervisorConfig,
    ImageError, SimEventKind, Simulation, SimulationConfig,
};

use super::error::{CliError, CliResult};
use super::input;
use super::output::Output;

/// The bundled element sets (`assets/elements/sample.tle`).
const BUNDLED_ELEMENTS: &str = include_str!("../../assets/elements/sample.tle");
/// The default object of the bundled elements: NOAA 19 (a sun-synchronous orbit at 870 km
/// that passes the polar stations every orbit).
const DEFAULT_OBJECT: &str = "33591";
/// The bundled ground stations (`assets/stations.csv`).
const BUNDLED_STATIONS: &str = include_str!("../../assets/stations.csv");
/// What messages call the Earth texture compiled into the binary (overridden by the file
/// `SKYTWIN_EARTH_TEXTURE` names).
const EMBEDDED_TEXTURE_NAME: &str = "assets/earth/blue_marble_4096x2048.jpg (built in)";

/// Arguments of `skytwin app`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: AppCommand,
}

#[derive(Debug, clap::Subcommand)]
enum AppCommand {
    /// Run app images on one simulated satellite and print their logs.
    Run(Box<RunArgs>),
    /// Show an image's imports, exports, ABI version, memory needs and what would stop it.
    Inspect(InspectArgs),
}

/// Arguments of `skytwin app run`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Times T: an RFC 3339 UTC time (2018-01-21T00:00:00Z), or epoch, epoch+90m, epoch-1d \
relative to the element set's epoch. Durations: 90s, 15m, 6h, 1d.\n\
Apps are named after their file (beacon.wasm runs as app \"beacon\"); several apps share the satellite.\n\
Without --elements the satellite flies the bundled NOAA 19 elements (assets/elements/sample.tle); without \
--stations it talks to the bundled ground stations (assets/stations.csv) above a 10 degree mask."
)]
pub struct RunArgs {
    /// App images (wasm32-wasip1 core modules).
    #[arg(required = true, value_name = "APP.wasm")]
    apps: Vec<PathBuf>,
    /// How long to run.
    #[arg(long = "for", value_name = "DUR", default_value = "1h", value_parser = input::positive_duration)]
    run_for: Duration,
    /// Start time [default: the element set's epoch].
    #[arg(long, value_name = "T", value_parser = input::time_spec)]
    start: Option<TimeSpec>,
    /// Element sets (TLE/3LE, OMM JSON or OMM CSV) [default: bundled].
    #[arg(long, value_name = "FILE", requires = "object")]
    elements: Option<PathBuf>,
    /// The object to fly: catalogue number or name [default: the only one, or NOAA 19 of the bundled set].
    #[arg(long, value_name = "ID")]
    object: Option<String>,
    /// Hardware template: cubesat-6u or smallsat-100kg.
    #[arg(long, value_name = "TEMPLATE", default_value = "cubesat-6u")]
    hardware: String,
    /// Run seed (sensor noise, app random streams).
    #[arg(long, value_name = "N", default_value_t = 0)]
    seed: u64,
    /// Simulation step.
    #[arg(long, value_name = "DUR", default_value = "1s", value_parser = input::positive_duration)]
    step: Duration,
    /// Ground stations CSV (name,lat_deg,lon_deg,alt_m) [default: bundled].
    #[arg(long, value_name = "FILE")]
    stations: Option<PathBuf>,
    /// Elevation mask for the stations, degrees.
    #[arg(long, value_name = "DEG", default_value_t = 10.0)]
    min_elevation: f64,
    /// An area of interest, a circle on the ground (repeatable): drives `ST_EV_AOI_ENTER`/
    /// `ST_EV_AOI_EXIT` and the over-area flag.
    #[arg(long = "area", value_name = "NAME=LAT_DEG,LON_DEG,RADIUS_KM", value_parser = area_spec)]
    areas: Vec<Area>,
    /// An uplinked command (repeatable): at time T, TEXT is queued on the uplink for APP and
    /// delivered during the next ground contact.
    #[arg(long = "command", value_name = "T=APP:TEXT", value_parser = command_spec)]
    commands: Vec<(TimeSpec, String, String)>,
    /// An extra command-line argument for an app (repeatable, in order): `--arg eo-imager=--interval --arg eo-imager=30`.
    #[arg(long = "arg", value_name = "APP=ARG", value_parser = app_arg_spec)]
    app_args: Vec<(String, String)>,
    /// An app's CPU watchdog (repeatable): the most CPU time it may run without a host call
    /// before it is faulted [default: 10s]. An app that computes for longer raises it:
    /// `--cpu-watchdog cruncher=5m`.
    #[arg(long = "cpu-watchdog", value_name = "APP=DUR", value_parser = cpu_watchdog_spec)]
    cpu_watchdogs: Vec<(String, Duration)>,
    /// No progress line on the terminal.
    #[arg(long)]
    quiet: bool,
}

/// clap value parser for `--area NAME=LAT_DEG,LON_DEG,RADIUS_KM`.
fn area_spec(s: &str) -> Result<Area, String> {
    const EXPECTED: &str = "expected NAME=LAT_DEG,LON_DEG,RADIUS_KM, e.g. Sahara=23,13,800";
    let (name, rest) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?}: {EXPECTED}"))?;
    let name = name.trim();
    if name.is_empty() || name.chars().any(|c| c.is_control() || c == ',' || c == '"') {
        return Err(format!(
            "{s:?}: the name must be non-empty, without commas, double quotes or control characters ({EXPECTED})"
        ));
    }
    let parts: Vec<&str> = rest.split(',').map(str::trim).collect();
    let [lat, lon, radius] = parts.as_slice() else {
        return Err(format!("{s:?}: {EXPECTED}"));
    };
    let number = |text: &str, what: &str| -> Result<f64, String> {
        text.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("{s:?}: {what} {text:?} is not a number ({EXPECTED})"))
    };
    let (lat_deg, lon_deg, radius_km) = (
        number(lat, "latitude")?,
        number(lon, "longitude")?,
        number(radius, "radius")?,
    );
    if !(-90.0..=90.0).contains(&lat_deg) {
        return Err(format!(
            "{s:?}: latitude must be between -90 and 90 degrees"
        ));
    }
    if !(-180.0..=360.0).contains(&lon_deg) {
        return Err(format!(
            "{s:?}: longitude must be between -180 and 360 degrees"
        ));
    }
    if !(radius_km > 0.0 && radius_km <= 20_040.0) {
        return Err(format!(
            "{s:?}: radius must be above 0 and at most 20040 km (half the Earth's circumference)"
        ));
    }
    Ok(Area {
        name: name.to_string(),
        shape: AreaShape::Circle {
            lat_rad: lat_deg.to_radians(),
            lon_rad: lon_deg.to_radians(),
            radius_km,
        },
    })
}

/// clap value parser for `--command T=APP:TEXT`.
fn command_spec(s: &str) -> Result<(TimeSpec, String, String), String> {
    const EXPECTED: &str = "expected T=APP:TEXT, e.g. epoch+2h=eo-imager:capture";
    let (t, rest) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?}: {EXPECTED}"))?;
    let (app, text) = rest
        .split_once(':')
        .ok_or_else(|| format!("{s:?}: {EXPECTED}"))?;
    let at = input::time_spec(t.trim()).map_err(|e| format!("{s:?}: {e}"))?;
    if app.trim().is_empty() || text.is_empty() {
        return Err(format!(
            "{s:?}: the app name and the text must not be empty ({EXPECTED})"
        ));
    }
    Ok((at, app.trim().to_string(), text.to_string()))
}

/// clap value parser for `--arg APP=ARG`.
fn app_arg_spec(s: &str) -> Result<(String, String), String> {
    let (app, arg) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?}: expected APP=ARG, e.g. eo-imager=--interval"))?;
    if app.trim().is_empty() {
        return Err(format!("{s:?}: the app name must not be empty"));
    }
    Ok((app.trim().to_string(), arg.to_string()))
}

/// clap value parser for `--cpu-watchdog APP=DUR`.
fn cpu_watchdog_spec(s: &str) -> Result<(String, Duration), String> {
    const EXPECTED: &str = "expected APP=DUR, e.g. cruncher=5m";
    let (app, dur) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?}: {EXPECTED}"))?;
    if app.trim().is_empty() {
        return Err(format!(
            "{s:?}: the app name must not be empty ({EXPECTED})"
        ));
    }
    let d = input::positive_duration(dur.trim()).map_err(|e| format!("{s:?}: {e}"))?;
    Ok((app.trim().to_string(), d))
}

/// Arguments of `skytwin app inspect`.
#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// The image.
    #[arg(value_name = "APP.wasm")]
    app: PathBuf,
}

/// Runs `skytwin app`.
pub fn run(args: Args) -> CliResult {
    match args.command {
        AppCommand::Run(a) => run_apps(*a),
        AppCommand::Inspect(a) => inspect(a),
    }
}

fn hypervisor() -> CliResult<Hypervisor> {
    Hypervisor::new(HypervisorConfig::default()).map_err(CliError::bad_input)
}

/// An image that cannot be loaded, named by its file (the message ends with the error's
/// source, e.g. wasmparser's).
fn image_error(path: &Path, e: ImageError) -> CliError {
    CliError::bad_input(anyhow::Error::new(e).context(path.display().to_string()))
}

fn read_image(path: &Path) -> CliResult<Vec<u8>> {
    std::fs::read(path)
        .map_err(|e| CliError::bad_input_msg(format!("{}: cannot read: {e}", path.display())))
}

fn inspect(args: InspectArgs) -> CliResult {
    let hv = hypervisor()?;
    let bytes = read_image(&args.app)?;
    let insp = hv.inspect(&bytes).map_err(|e| image_error(&args.app, e))?;
    let mut out = Output::create(None)?;
    out.write_str(&format!("{}\n{insp}", args.app.display()))?;
    out.finish()
}

/// The satellite to fly.
fn element_set(args: &RunArgs) -> CliResult<ElementSet> {
    let (sets, source) = match &args.elements {
        Some(path) => (input::elements(path)?, path.display().to_string()),
        None => (
            parse_elements(BUNDLED_ELEMENTS, "assets/elements/sample.tle")
                .map_err(CliError::bad_input)?,
            "the bundled elements".to_string(),
        ),
    };
    let wanted = args.object.as_deref().or(if args.elements.is_none() {
        Some(DEFAULT_OBJECT)
    } else {
        None
    });
    match wanted {
        Some(id) => sets
            .into_iter()
            .find(|s| s.object_id == id || s.name.as_deref() == Some(id))
            .ok_or_else(|| CliError::bad_input_msg(format!("--object {id}: not in {source}"))),
        None => {
            let mut sets = sets;
            if sets.len() == 1 {
                Ok(sets.remove(0))
            } else {
                Err(CliError::bad_input_msg(format!(
                    "{source} holds {} objects: choose one with --object",
                    sets.len()
                )))
            }
        }
    }
}

/// Ground stations: the given file or the bundled list.
fn stations(args: &RunArgs) -> CliResult<Vec<Station>> {
    if !(args.min_elevation.is_finite() && (-90.0..=90.0).contains(&args.min_elevation)) {
        return Err(CliError::bad_input_msg(format!(
            "--min-elevation {}: expected degrees between -90 and 90",
            args.min_elevation
        )));
    }
    if let Some(path) = &args.stations {
        return input::stations_from_file(path, args.min_elevation);
    }
    input::stations_from_text(
        BUNDLED_STATIONS,
        "assets/stations.csv (bundled)",
        args.min_elevation,
    )
}

/// Unique app names from the file stems.
fn app_names(paths: &[PathBuf]) -> Vec<String> {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    paths
        .iter()
        .map(|p| {
            let stem: String = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
                .chars()
                .map(|c| {
                    if c.is_ascii_graphic() && c != '/' {
                        c
                    } else {
                        '_'
                    }
                })
                .take(56)
                .collect();
            let base = if stem.is_empty() {
                "app".to_string()
            } else {
                stem
            };
            let mut name = base.clone();
            let mut k = 2;
            while !seen.insert(name.clone()) {
                name = format!("{base}-{k}");
                k += 1;
            }
            name
        })
        .collect()
}

fn uses_camera(image: &AppImage) -> bool {
    image
        .inspection()
        .imports
        .iter()
        .any(|i| i.module == "skytwin_v1" && i.name.starts_with("camera_"))
}

/// The camera's Earth texture: the file `SKYTWIN_EARTH_TEXTURE` names, or the one compiled
/// into the binary (so an installed binary needs no files beside it).
fn earth_texture() -> Result<Arc<EarthTexture>, hardware_models::HardwareError> {
    match std::env::var_os("SKYTWIN_EARTH_TEXTURE") {
        Some(path) => EarthTexture::load(PathBuf::from(path)),
        None => EarthTexture::decode(scenarios::files::EARTH_TEXTURE_JPEG, EMBEDDED_TEXTURE_NAME),
    }
}

fn run_apps(args: RunArgs) -> CliResult {
    let template = HardwareTemplate::builtin(&args.hardware).ok_or_else(|| {
        CliError::bad_input_msg(format!(
            "--hardware {}: unknown template (built in: {})",
            args.hardware,
            HardwareTemplate::builtin_names().join(", ")
        ))
    })?;
    let hv = hypervisor()?;
    let mut images = Vec::new();
    for path in &args.apps {
        let bytes = read_image(path)?;
        let image = hv.load_image(&bytes).map_err(|e| image_error(path, e))?;
        images.push(image);
    }
    let set = element_set(&args)?;
    let stations = stations(&args)?;
    // By default the first whole second after the element set's epoch.
    let start = args.start.as_ref().map_or_else(
        || {
            let t = orbit::time::round_utc(set.epoch, Duration::from_seconds(1.0));
            if t < set.epoch {
                t + Duration::from_seconds(1.0)
            } else {
                t
            }
        },
        |s| s.resolve(set.epoch),
    );
    let end = start + args.run_for;
    let mut config = SimulationConfig::new(start);
    config.step = args.step;
    config.seed = args.seed;
    if images.iter().any(uses_camera) {
        match earth_texture() {
            Ok(t) => config.texture = Some(t),
            Err(e) => eprintln!("warning: {e}; the satellite flies without a camera"),
        }
    }
    let mut sim = Simulation::new(&hv, config).map_err(CliError::bad_input)?;
    let sat_name = set.name.clone().unwrap_or_else(|| set.object_id.clone());
    let sat_name: String = sat_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '/' {
                c
            } else {
                '-'
            }
        })
        .take(63)
        .collect();
    sim.add_satellite(&sat_name, &set, template)
        .map_err(CliError::bad_input)?;
    for s in stations {
        sim.add_station(s);
    }
    for area in &args.areas {
        sim.add_area(area.clone());
    }
    let names = app_names(&args.apps);
    let referenced = args.app_args.iter().map(|(app, _)| app);
    let referenced = referenced.chain(args.cpu_watchdogs.iter().map(|(app, _)| app));
    for app in referenced.chain(args.commands.iter().map(|(_, app, _)| app)) {
        if !names.contains(app) {
            return Err(CliError::bad_input_msg(format!(
                "{app}: no such app (the apps are named after their files: {})",
                names.join(", ")
            )));
        }
    }
    for (image, name) in images.iter().zip(&names) {
        let mut config = AppConfig::new(name);
        config.args = args
            .app_args
            .iter()
            .filter(|(app, _)| app == name)
            .map(|(_, arg)| arg.clone())
            .collect();
        if let Some((_, d)) = args.cpu_watchdogs.iter().rev().find(|(app, _)| app == name) {
            config.cpu_watchdog = *d;
        }
        sim.install_app(&sat_name, image, config)
            .map_err(CliError::bad_input)?;
    }
    // Commands in time order (stable for equal times: the order given).
    let mut commands: Vec<(orbit::Epoch, &str, &str)> = args
        .commands
        .iter()
        .map(|(t, app, text)| (t.resolve(set.epoch), app.as_str(), text.as_str()))
        .collect();
    commands.sort_by_key(|c| c.0);
    let mut commands = commands.into_iter().peekable();

    let mut out = Output::create(None)?;
    let progress = (!args.quiet && std::io::stderr().is_terminal())
        .then(|| Progress::new(start, end, args.step));
    let mut contacts: Vec<String> = Vec::new();
    let mut steps = 0u64;
    while sim.time() < end {
        let mut lines: Vec<(orbit::Epoch, String)> = Vec::new();
        while let Some((_, app, text)) = commands.next_if(|c| c.0 <= sim.time()) {
            sim.uplink_command(&sat_name, app, text.as_bytes())
                .map_err(CliError::bad_input)?;
            lines.push((
                sim.time(),
                format!(
                    "{} [command for {app} queued on the uplink: {} bytes]",
                    format_utc(sim.time()),
                    text.len()
                ),
            ));
        }
        let report = sim.step();
        steps += 1;
        for (_, l) in &report.logs {
            lines.push((l.time(), l.to_string()));
        }
        for e in &report.events {
            if let Some(text) = event_line(e, &mut contacts) {
                lines.push((e.time, text));
            }
        }
        lines.sort_by_key(|l| l.0);
        let mut write = || -> CliResult {
            for (_, l) in &lines {
                out.write_str(l)?;
                out.write_str("\n")?;
                out.flush_stdout()?;
            }
            Ok(())
        };
        match &progress {
            Some(p) if !lines.is_empty() => p.bar.suspend(&mut write)?,
            _ => write()?,
        }
        if let Some(p) = &progress {
            p.update(sim.time());
        }
    }
    if let Some(p) = &progress {
        p.bar.finish_and_clear();
    }
    out.write_str(&summary(&sim, &sat_name, &args, start, steps, &contacts))?;
    out.finish()
}

/// The line an event of the run is printed as, if it is printed; contact starts are also
/// collected for the summary.
fn event_line(e: &sim_core::SimEvent, contacts: &mut Vec<String>) -> Option<String> {
    Some(match &e.kind {
        SimEventKind::Computer(c) => match &c.kind {
            EventKind::Installed => return None,
            _ => format!(
                "{} [{}]",
                orbit_ns(c.time_unix_ns),
                strip_time(&c.to_string())
            ),
        },
        SimEventKind::ContactStart { station } => {
            contacts.push(station.clone());
            format!("{} [contact with {station} begins]", format_utc(e.time))
        }
        SimEventKind::ContactEnd { station } => {
            format!("{} [contact with {station} ends]", format_utc(e.time))
        }
        SimEventKind::Lost { reason } => {
            format!("{} [satellite lost: {reason}]", format_utc(e.time))
        }
        _ => return None,
    })
}

/// The progress line on the terminal: simulated time and speed against the wall clock.
struct Progress {
    bar: indicatif::ProgressBar,
    start: orbit::Epoch,
    wall: Instant,
    /// When the message was last written (it is formatted a few times a second, not every
    /// step).
    shown: std::cell::Cell<Option<Instant>>,
}

impl Progress {
    fn new(start: orbit::Epoch, end: orbit::Epoch, step: Duration) -> Self {
        let steps = ((end - start).to_seconds() / step.to_seconds().max(1e-9)).ceil();
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(steps as u64),
            indicatif::ProgressDrawTarget::stderr_with_hz(4),
        );
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {percent:>3}% {msg} ETA {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Self {
            bar,
            start,
            wall: Instant::now(),
            shown: std::cell::Cell::new(None),
        }
    }

    /// One more step; a few times a second, the simulated time and the speed.
    fn update(&self, now: orbit::Epoch) {
        self.bar.inc(1);
        let t = Instant::now();
        if self
            .shown
            .get()
            .is_some_and(|last| t - last < WallDuration::from_millis(250))
        {
            return;
        }
        self.shown.set(Some(t));
        let wall_s = self.wall.elapsed().as_secs_f64();
        let sim_s = (now - self.start).to_seconds();
        self.bar.set_message(format!(
            "{} ({:.0}x real time)",
            format_utc(now),
            if wall_s > 0.0 { sim_s / wall_s } else { 0.0 }
        ));
    }
}

/// Apps that held the CPU for most of a run (more than half of its simulated time), with the
/// fraction they held: (satellite, app, fraction), in satellite and install order.
pub fn cpu_hogs(sim: &Simulation, run_s: f64) -> Vec<(String, String, f64)> {
    let mut hogs = Vec::new();
    if run_s <= 0.0 {
        return hogs;
    }
    for sat in sim.satellites() {
        let obc = sat.computer();
        let rate = obc.spec().instruction_rate_ips.max(1) as f64;
        for st in obc
            .app_ids()
            .into_iter()
            .filter_map(|id| obc.app_status(id))
        {
            let fraction = st.instructions as f64 / rate / run_s;
            if fraction > 0.5 {
                hogs.push((sat.name().to_string(), st.name, fraction));
            }
        }
    }
    hogs
}

/// The summary line naming an app that held the CPU for most of the run.
pub fn cpu_hog_line(satellite: &str, app: &str, fraction: f64) -> String {
    format!(
        "  cpu hog: {app} on {satellite} held the CPU for {:.1} % of the run (it seldom waits; \
         apps of its priority and below got the rest)",
        100.0 * fraction
    )
}

/// Nanosecond-resolution UTC of POSIX nanoseconds (the log lines' format).
fn orbit_ns(t_unix_ns: i64) -> String {
    sim_core::time::format_unix_ns(t_unix_ns)
}

/// A computer event's text without its leading time stamp.
fn strip_time(s: &str) -> &str {
    s.split_once(' ').map_or(s, |(_, rest)| rest)
}

fn bytes(n: u64) -> String {
    match n {
        n if n >= 10 << 20 => format!("{:.1} MiB", n as f64 / (1u64 << 20) as f64),
        n if n >= 10 << 10 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}

fn summary(
    sim: &Simulation,
    sat_name: &str,
    args: &RunArgs,
    start: orbit::Epoch,
    steps: u64,
    contacts: &[String],
) -> String {
    let mut s = String::new();
    let Some(sat) = sim.satellites().first() else {
        return s;
    };
    let obc = sat.computer();
    let rate = obc.spec().instruction_rate_ips.max(1) as f64;
    let run_s = (sim.time() - start).to_seconds();
    let _ = writeln!(
        s,
        "\nsummary: {sat_name} with {} from {} for {run_s} s ({steps} steps of {} s), seed {}",
        args.hardware,
        format_utc(start),
        args.step.to_seconds(),
        args.seed
    );
    let _ = writeln!(
        s,
        "  {:<20} {:<21} {:>16} {:>10} {:>7} {:>9} {:>12} {:>12}",
        "app", "state", "instructions", "cpu_s", "faults", "restarts", "dl_waiting", "dl_delivered"
    );
    let mut total_instr = 0u64;
    for id in obc.app_ids() {
        let Some(st) = obc.app_status(id) else {
            continue;
        };
        total_instr += st.instructions;
        let state = match &st.state {
            AppState::Stopped => "stopped".to_string(),
            AppState::Running => "running".to_string(),
            AppState::Blocked => "waiting".to_string(),
            AppState::Suspended => "suspended".to_string(),
            AppState::Exited { code } => format!("exited({code})"),
            AppState::Faulted { reason, .. } => format!("faulted({})", reason.code()),
            AppState::Off => "off".to_string(),
        };
        let _ = writeln!(
            s,
            "  {:<20} {:<21} {:>16} {:>10.4} {:>7} {:>9} {:>12} {:>12}",
            st.name,
            state,
            st.instructions,
            st.instructions as f64 / rate,
            st.faults,
            st.restarts,
            bytes(st.downlink_queued_bytes),
            bytes(st.downlink_delivered_bytes)
        );
    }
    let energy_j = sat.computer_energy_j();
    let _ = writeln!(
        s,
        "  cpu: {total_instr} instructions = {:.4} s of {:.3e} instructions/s ({:.4} % busy)",
        total_instr as f64 / rate,
        rate,
        if run_s > 0.0 {
            100.0 * total_instr as f64 / rate / run_s
        } else {
            0.0
        }
    );
    let _ = writeln!(
        s,
        "  energy: onboard computer {:.3} Wh (average {:.3} W); battery state of charge {:.1} %",
        energy_j / 3600.0,
        if run_s > 0.0 { energy_j / run_s } else { 0.0 },
        100.0 * sat.hardware().power.soc()
    );
    for (satellite, app, fraction) in cpu_hogs(sim, run_s) {
        let _ = writeln!(s, "{}", cpu_hog_line(&satellite, &app, fraction));
    }
    let unique: BTreeSet<&String> = contacts.iter().collect();
    let _ = writeln!(
        s,
        "  downlink: {} delivered in {} contacts ({}), {} waiting",
        bytes(sat.downlinked_bytes()),
        contacts.len(),
        unique.into_iter().cloned().collect::<Vec<_>>().join(", "),
        bytes(obc.downlink_queued_bytes())
    );
    s
}
