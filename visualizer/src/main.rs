//! `skytwin-view`: the interactive 3D viewer (`skytwin view` runs it).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use bevy::app::AppExit;
use clap::Parser;
use visualizer::app::{ViewerOptions, build_app};
use visualizer::camera::StartView;
use visualizer::sim_thread::{SimOptions, TimeArg};

/// Watch a scenario fly: the Earth, the satellites and their contacts, telemetry, apps and
/// events, with the simulation running live at the chosen warp.
#[derive(Debug, Parser)]
#[command(
    name = "skytwin view",
    version,
    after_help = "SCENARIO is a scenario file (docs/scenarios.md), or the name of a bundled example: \
eo-cubesat (the default), walker-relay, brownout, faults.\n\
Mouse: drag to turn, wheel to zoom, click a satellite to select it. Keys: Space pause/run, \
. and , faster/slower, F follow the selection, Tab hide/show the panels, Esc deselect.\n\
Exit codes: 0 closed (or screenshot written), 1 the viewer failed, 2 bad arguments, or a \
screenshot of a scenario that has problems."
)]
struct Args {
    /// Scenario file or bundled example [default: eo-cubesat].
    #[arg(value_name = "SCENARIO")]
    scenario: Option<PathBuf>,
    /// Render one frame to this PNG and exit.
    #[arg(long, value_name = "OUT.png")]
    screenshot: Option<PathBuf>,
    /// Simulated time to start at (or to take the screenshot at): +DURATION after the
    /// scenario's start (e.g. +90m) or a UTC time (2018-01-20T08:00:00Z).
    #[arg(long, value_name = "T")]
    at: Option<String>,
    /// Window size.
    #[arg(long, value_name = "WxH", default_value = "1280x800")]
    size: String,
    /// Select this satellite (and show its panel).
    #[arg(long, value_name = "NAME")]
    select: Option<String>,
    /// Time warp, simulated seconds per second.
    #[arg(long, value_name = "X", default_value_t = 60.0)]
    warp: f64,
    /// Start paused.
    #[arg(long)]
    paused: bool,
    /// Start the camera above this point: latitude and longitude in degrees.
    #[arg(long, value_name = "LAT,LON", allow_hyphen_values = true)]
    view: Option<String>,
    /// Start with the panels hidden (Tab shows them).
    #[arg(long)]
    no_panels: bool,
    /// Show the country outlines.
    #[arg(long)]
    borders: bool,
    /// Measure the frame rate for this many seconds once the scenario shows, print it, exit.
    #[arg(long, value_name = "SECONDS")]
    fps: Option<f64>,
    /// Worker threads for the satellites [default: all cores].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1024))]
    threads: Option<u64>,
}

/// `WxH` → (W, H), each 64..=8192.
fn parse_size(s: &str) -> anyhow::Result<(u32, u32)> {
    let (w, h) = s
        .split_once(['x', 'X'])
        .with_context(|| format!("--size {s:?}: expected WIDTHxHEIGHT, e.g. 1280x800"))?;
    let w: u32 = w
        .trim()
        .parse()
        .with_context(|| format!("--size {s:?}: bad width"))?;
    let h: u32 = h
        .trim()
        .parse()
        .with_context(|| format!("--size {s:?}: bad height"))?;
    if !(64..=8192).contains(&w) || !(64..=8192).contains(&h) {
        bail!("--size {s:?}: width and height must be 64 to 8192 pixels");
    }
    Ok((w, h))
}

/// `LAT,LON` in degrees.
fn parse_view(s: &str) -> anyhow::Result<StartView> {
    let (a, b) = s
        .split_once(',')
        .with_context(|| format!("--view {s:?}: expected LAT,LON in degrees"))?;
    let lat_deg: f64 = a
        .trim()
        .parse()
        .with_context(|| format!("--view {s:?}: bad latitude"))?;
    let lon_deg: f64 = b
        .trim()
        .parse()
        .with_context(|| format!("--view {s:?}: bad longitude"))?;
    if !(-90.0..=90.0).contains(&lat_deg) || !lon_deg.is_finite() {
        bail!("--view {s:?}: latitude must be within ±90°");
    }
    Ok(StartView::Above { lat_deg, lon_deg })
}

fn options(a: Args) -> anyhow::Result<ViewerOptions> {
    if !(a.warp.is_finite() && a.warp > 0.0) {
        bail!("--warp {}: must be a positive number", a.warp);
    }
    let at =
        a.at.as_deref()
            .map(TimeArg::parse)
            .transpose()
            .context("--at: expected +DURATION (e.g. +90m) or a UTC time (2018-01-20T08:00:00Z)")?;
    Ok(ViewerOptions {
        sim: SimOptions {
            scenario: a.scenario,
            paused: a.paused,
            warp: a.warp,
            seek_to: at,
            select: a.select,
            threads: a.threads.map(|n| n as usize),
            ..SimOptions::default()
        },
        size: parse_size(&a.size)?,
        screenshot: a.screenshot,
        view: a
            .view
            .as_deref()
            .map(parse_view)
            .transpose()?
            .unwrap_or_default(),
        panels: !a.no_panels,
        borders: a.borders,
        fps: match a.fps {
            Some(s) if s.is_finite() && s > 0.0 => Some(std::time::Duration::from_secs_f64(s)),
            Some(s) => bail!("--fps {s}: must be a positive number of seconds"),
            None => None,
        },
    })
}

fn main() -> ExitCode {
    let args = Args::parse();
    let opts = match options(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("skytwin view: {e:#}");
            return ExitCode::from(2);
        }
    };
    let mut app = match build_app(opts) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("skytwin view: cannot start the simulation thread: {e}");
            return ExitCode::from(1);
        }
    };
    match app.run() {
        AppExit::Success => ExitCode::SUCCESS,
        AppExit::Error(code) => ExitCode::from(code.get()),
    }
}
