//! The simulation thread: the same scenario loader and `scenarios::Run` as `skytwin run`,
//! paced against the wall clock at the asked-for warp, sending [`Snapshot`]s and taking
//! [`Command`]s. Nothing here knows about bevy.
//!
//! Pacing: the shown time follows `anchor_sim + warp × (wall − anchor_wall)`; the thread steps
//! the run until it is at or past that time, for at most [`STEP_BUDGET`] of wall time between
//! snapshots. When the run cannot keep up it re-anchors (the lag does not pile up) and says so
//! ([`ClockState::behind`]), so the window never waits for the simulation. Positions are
//! propagated at the shown time itself (SGP4, the scenario's own element sets), so motion is
//! smooth at any warp; everything else is the state of the last step.

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::thread::JoinHandle;
use std::time::{Duration as WallDuration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, TrySendError, bounded};
use hifitime::{Duration, Epoch};
use nalgebra::Vector3;
use orbit::{
    EarthOrientation, Geodetic, Propagator, ShadowState, geodetic_to_itrf, gmst82_rad,
    itrf_to_geodetic, search_eclipses, search_passes, sun_position_teme_km, teme_to_itrf,
};
use scenarios::events::EventRecord;
use scenarios::run::TelemetryRecord;
use scenarios::{LoadCache, LoadError, Run, RunOptions, Scenario, Sink};
use sim_core::{AppState, AreaShape, Hypervisor, HypervisorConfig};

use crate::protocol::{
    AppAction, AppView, AreaView, ClockState, Command, Contact, EventLine, LoadFailure, LogView,
    MAX_EVENTS_PER_SNAPSHOT, NextKind, OutcomeView, Problem, SatStatus, SceneSetup, SelectedDetail,
    SimMessage, Snapshot, StationView, TelemetrySample, Timeline, Track,
};

/// Longest stretch of stepping between two snapshots.
pub const STEP_BUDGET: WallDuration = WallDuration::from_millis(30);
/// Constellations up to this size keep a telemetry history for every satellite (so a newly
/// selected one shows its past); larger ones keep it from the selection on.
pub const HISTORY_FOR_ALL_UP_TO: usize = 100;
/// Samples kept per satellite.
pub const HISTORY_SAMPLES: usize = 720;
/// Smallest simulated time between two kept samples.
pub const HISTORY_SPACING: Duration = Duration::from_total_nanoseconds(10_000_000_000);
/// Constellations larger than this get telemetry (status flags) every
/// [`HISTORY_SPACING`] instead of every step.
pub const EVERY_STEP_TELEMETRY_UP_TO: usize = 100;
/// How far a timeline reaches: before and after the shown time.
const TIMELINE_BEFORE: Duration = Duration::from_total_nanoseconds(2 * 3_600 * 1_000_000_000);
const TIMELINE_AFTER: Duration = Duration::from_total_nanoseconds(12 * 3_600 * 1_000_000_000);
/// Points of the orbit trail.
const TRAIL_POINTS: usize = 180;
/// Points of the ground track (two orbits).
const GROUND_TRACK_POINTS: usize = 240;
/// Altitude the ground track is drawn at, km (above the texture, below any satellite).
const GROUND_TRACK_ALT_KM: f64 = 8.0;

/// When `--at` or a jump points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TimeArg {
    /// A UTC instant.
    Absolute(Epoch),
    /// A duration after the scenario's start.
    FromStart(Duration),
}

impl TimeArg {
    /// Parses `+DURATION` (after the scenario's start, e.g. `+90m`) or an RFC 3339 UTC time.
    pub fn parse(text: &str) -> Result<Self, orbit::TimeParseError> {
        let t = text.trim();
        match t.strip_prefix('+') {
            Some(rest) => Ok(Self::FromStart(orbit::parse_duration(rest)?)),
            None => Ok(Self::Absolute(orbit::parse_utc(t)?)),
        }
    }

    /// The instant, for a scenario starting at `start`.
    pub fn resolve(self, start: Epoch) -> Epoch {
        match self {
            Self::Absolute(t) => t,
            Self::FromStart(d) => start + d,
        }
    }
}

/// How the simulation thread starts.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// Scenario file or bundled example name (`None`: the default example).
    pub scenario: Option<PathBuf>,
    /// Start paused.
    pub paused: bool,
    /// Initial warp.
    pub warp: f64,
    /// Go to this time first (the viewer shows it paused when `paused`).
    pub seek_to: Option<TimeArg>,
    /// Select this satellite first (by name).
    pub select: Option<String>,
    /// Worker threads for the satellites (`None`: rayon's global pool).
    pub threads: Option<usize>,
    /// Least wall time between two snapshots.
    pub snapshot_interval: WallDuration,
}

impl Default for SimOptions {
    fn default() -> Self {
        Self {
            scenario: None,
            paused: false,
            warp: 60.0,
            seek_to: None,
            select: None,
            threads: None,
            snapshot_interval: WallDuration::from_millis(16),
        }
    }
}

/// The viewer's end of the simulation thread.
#[derive(Debug)]
pub struct SimLink {
    /// Commands to the thread.
    pub commands: Sender<Command>,
    /// Messages from the thread.
    pub messages: Receiver<SimMessage>,
    handle: Option<JoinHandle<()>>,
}

impl SimLink {
    /// Ends the thread and waits for it.
    pub fn shutdown(&mut self) {
        let _ = self.commands.try_send(Command::Shutdown);
        // unblock a thread waiting to send
        while self.messages.try_recv().is_ok() {}
        if let Some(h) = self.handle.take() {
            while !h.is_finished() {
                while self.messages.try_recv().is_ok() {}
                std::thread::sleep(WallDuration::from_millis(2));
            }
            let _ = h.join();
        }
    }
}

impl Drop for SimLink {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Starts the simulation thread: it loads the scenario, sends [`SimMessage::Loaded`] or
/// [`SimMessage::Failed`], then snapshots until [`Command::Shutdown`] or until the viewer's
/// end of the channel is dropped.
pub fn spawn(opts: SimOptions) -> std::io::Result<SimLink> {
    let (cmd_tx, cmd_rx) = bounded::<Command>(256);
    let (msg_tx, msg_rx) = bounded::<SimMessage>(4);
    // wasmtime guests want deep stacks (TECH-NOTES: 8 MiB)
    let handle = std::thread::Builder::new()
        .name("skytwin-sim".into())
        .stack_size(16 << 20)
        .spawn(move || thread_main(opts, &msg_tx, &cmd_rx))?;
    Ok(SimLink {
        commands: cmd_tx,
        messages: msg_rx,
        handle: Some(handle),
    })
}

fn thread_main(opts: SimOptions, tx: &Sender<SimMessage>, rx: &Receiver<Command>) {
    let failed = |summary: String, problems: Vec<Problem>| {
        let _ = tx.send(SimMessage::Failed(LoadFailure { summary, problems }));
        // stay until the viewer lets go, so it can show the problems
        while !matches!(rx.recv(), Ok(Command::Shutdown) | Err(_)) {}
    };
    let hv = match Hypervisor::new(HypervisorConfig::default()) {
        Ok(hv) => hv,
        Err(e) => return failed(error_chain(&e), Vec::new()),
    };
    let cache = LoadCache::default();
    let scenario = match scenarios::load_argument(opts.scenario.as_deref(), &hv, &cache) {
        Ok(s) => for_viewer(s),
        Err(e) => {
            let (summary, problems) = load_problems(&e);
            return failed(summary, problems);
        }
    };
    let _ = tx.send(SimMessage::Loaded(Box::new(scene_setup(&scenario))));
    let mut driver = match Driver::new(&scenario, &hv, &opts) {
        Ok(d) => d,
        Err(e) => return failed(error_chain(&e), Vec::new()),
    };
    driver.run(tx, rx);
}

/// The error and its sources, `: `-separated.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    scenarios::diag::error_chain(e)
}

/// What a failed load says, problem by problem.
pub fn load_problems(e: &LoadError) -> (String, Vec<Problem>) {
    match e {
        LoadError::Invalid(inv) => (
            format!(
                "{} problem{} in the scenario",
                inv.diagnostics.len(),
                if inv.diagnostics.len() == 1 { "" } else { "s" }
            ),
            inv.diagnostics
                .iter()
                .map(|d| Problem {
                    location: d.location(),
                    message: d.message.clone(),
                    rendered: d.render(false),
                })
                .collect(),
        ),
        other => (error_chain(other), Vec::new()),
    }
}

/// The scenario as the viewer runs it: telemetry rows often enough for the status colours,
/// and app log lines as events (the apps panel shows them).
fn for_viewer(mut s: Scenario) -> Scenario {
    s.output.telemetry_interval = if s.satellites.len() <= EVERY_STEP_TELEMETRY_UP_TO {
        None
    } else {
        Some(HISTORY_SPACING)
    };
    s.output.log_lines = true;
    s
}

/// The fixed parts of the scene.
pub fn scene_setup(s: &Scenario) -> SceneSetup {
    SceneSetup {
        name: s.name.clone(),
        description: s.description.clone(),
        file: s.file.name.clone(),
        start: s.start,
        end: s.end(),
        step: s.step,
        satellites: s.satellites.iter().map(|x| x.name.clone()).collect(),
        stations: s
            .stations
            .iter()
            .map(|st| {
                let p = geodetic_to_itrf(&st.location);
                StationView {
                    name: st.name.clone(),
                    lat_deg: st.location.lat_rad.to_degrees(),
                    lon_deg: st.location.lon_rad.to_degrees(),
                    pos_itrf_km: [p.x, p.y, p.z],
                }
            })
            .collect(),
        areas: s
            .areas
            .iter()
            .map(|a| AreaView {
                name: a.name.clone(),
                outline_itrf_km: area_outline(&a.shape),
            })
            .collect(),
        node_names: s.thermal_node_names(),
    }
}

/// Mean Earth radius for the area outlines (the areas' own sphere), km.
const AREA_SPHERE_RADIUS_KM: f64 = 6378.137;

/// An area's outline on the ground, ITRF km, closed (last point = first).
///
/// Circle: the points at great-circle distance d from the centre at bearings θ (the
/// "destination point" formula, Williams' Aviation Formulary): with δ = d/R,
/// `φ₂ = asin(sin φ₁ cos δ + cos φ₁ sin δ cos θ)`,
/// `λ₂ = λ₁ + atan2(sin θ sin δ cos φ₁, cos δ − sin φ₁ sin φ₂)`.
/// Box and polygon: their edges, each sampled every degree or less (a polygon's the short way
/// round in longitude).
pub fn area_outline(shape: &AreaShape) -> Vec<[f64; 3]> {
    let ground = |lat_rad: f64, lon_rad: f64| {
        let p = geodetic_to_itrf(&Geodetic {
            lat_rad,
            lon_rad,
            alt_km: 2.0,
        });
        [p.x, p.y, p.z]
    };
    match *shape {
        AreaShape::Circle {
            lat_rad,
            lon_rad,
            radius_km,
        } => {
            let delta = radius_km / AREA_SPHERE_RADIUS_KM;
            (0..=96)
                .map(|k| {
                    let theta = std::f64::consts::TAU * k as f64 / 96.0;
                    let lat2 = (lat_rad.sin() * delta.cos()
                        + lat_rad.cos() * delta.sin() * theta.cos())
                    .clamp(-1.0, 1.0)
                    .asin();
                    let lon2 = lon_rad
                        + (theta.sin() * delta.sin() * lat_rad.cos())
                            .atan2(delta.cos() - lat_rad.sin() * lat2.sin());
                    ground(lat2, lon2)
                })
                .collect()
        }
        AreaShape::LatLonBox {
            lat_min_rad,
            lat_max_rad,
            lon_min_rad,
            lon_max_rad,
        } => {
            let lon_span = (lon_max_rad - lon_min_rad).rem_euclid(std::f64::consts::TAU);
            let corners = [
                (lat_min_rad, lon_min_rad),
                (lat_min_rad, lon_min_rad + lon_span),
                (lat_max_rad, lon_min_rad + lon_span),
                (lat_max_rad, lon_min_rad),
                (lat_min_rad, lon_min_rad),
            ];
            sampled_edges(&corners, ground)
        }
        AreaShape::Polygon { ref vertices } => {
            // Each edge the short way round in longitude, as the inside test takes it
            // (antimeridian-safe): the next vertex's longitude is unwrapped onto the last.
            let mut corners: Vec<(f64, f64)> = Vec::with_capacity(vertices.len() + 1);
            for &(lat, lon) in vertices.iter().chain(vertices.first()) {
                let lon = match corners.last() {
                    Some(&(_, prev)) => {
                        prev + (lon - prev + std::f64::consts::PI).rem_euclid(std::f64::consts::TAU)
                            - std::f64::consts::PI
                    }
                    None => lon,
                };
                corners.push((lat, lon));
            }
            if corners.len() < 2 {
                return Vec::new();
            }
            sampled_edges(&corners, ground)
        }
    }
}

/// The ground points along a chain of (lat, lon) corners, each edge sampled every degree or
/// less (linear in latitude and longitude), closed on the first point.
fn sampled_edges(corners: &[(f64, f64)], ground: impl Fn(f64, f64) -> [f64; 3]) -> Vec<[f64; 3]> {
    let mut out = Vec::new();
    for w in corners.windows(2) {
        let ((a_lat, a_lon), (b_lat, b_lon)) = (w[0], w[1]);
        let span_deg = (b_lat - a_lat)
            .abs()
            .max((b_lon - a_lon).abs())
            .to_degrees();
        let n = span_deg.ceil().max(1.0) as usize;
        for k in 0..n {
            let f = k as f64 / n as f64;
            out.push(ground(
                a_lat + (b_lat - a_lat) * f,
                a_lon + (b_lon - a_lon) * f,
            ));
        }
    }
    if let Some(&first) = out.first() {
        out.push(first);
    }
    out
}

/// What the run's sink keeps for the viewer between snapshots.
#[derive(Debug)]
struct ViewerSink {
    status: Vec<SatStatus>,
    /// Each satellite's contact: (station, rate).
    contact: Vec<Option<(u32, f64)>>,
    contacts_changed: bool,
    /// Satellites whose apps changed state (their fault flag is looked at after the step).
    apps_changed: Vec<usize>,
    events: Vec<EventLine>,
    events_dropped: u64,
    selected: Option<usize>,
    fresh_samples: Vec<TelemetrySample>,
    logs: Vec<LogView>,
    histories: Vec<VecDeque<TelemetrySample>>,
    keep_all: bool,
    station_index: HashMap<String, u32>,
}

impl ViewerSink {
    fn new(s: &Scenario) -> Self {
        let n = s.satellites.len();
        Self {
            status: vec![SatStatus::default(); n],
            contact: vec![None; n],
            contacts_changed: true,
            apps_changed: Vec::new(),
            events: Vec::new(),
            events_dropped: 0,
            selected: None,
            fresh_samples: Vec::new(),
            logs: Vec::new(),
            histories: vec![VecDeque::new(); n],
            keep_all: n <= HISTORY_FOR_ALL_UP_TO,
            station_index: s
                .stations
                .iter()
                .enumerate()
                .map(|(i, st)| (st.name.clone(), i as u32))
                .collect(),
        }
    }

    fn keeps_history(&self, i: usize) -> bool {
        self.keep_all || self.selected == Some(i)
    }

    fn select(&mut self, sel: Option<usize>) {
        if let Some(old) = self.selected
            && !self.keep_all
        {
            self.histories[old].clear();
        }
        self.selected = sel;
        self.fresh_samples.clear();
        self.logs.clear();
    }
}

impl Sink for ViewerSink {
    fn telemetry(&mut self, rec: &TelemetryRecord<'_>) -> std::io::Result<()> {
        let i = rec.satellite;
        let row = rec.row;
        let Some(st) = self.status.get_mut(i) else {
            return Ok(());
        };
        *st = st
            .with(SatStatus::SUNLIT, row.illumination >= 0.5)
            .with(SatStatus::CONTACT, !row.station.is_empty())
            .with(SatStatus::SAFE_MODE, row.safe_mode);
        let contact = self
            .station_index
            .get(&row.station)
            .map(|&k| (k, row.downlink_rate_bps));
        if contact != self.contact[i] {
            self.contact[i] = contact;
            self.contacts_changed = true;
        }
        if !self.keeps_history(i) {
            return Ok(());
        }
        let h = &mut self.histories[i];
        if h.back()
            .is_some_and(|last| row.time - last.time < HISTORY_SPACING)
        {
            return Ok(());
        }
        let sample = TelemetrySample {
            time: row.time,
            battery_soc: row.battery_soc,
            array_power_w: row.array_power_w,
            load_power_w: row.load_power_w,
            busy_fraction: row.busy_fraction,
            downlink_queued_bytes: row.downlink_queued_bytes as f64,
            downlink_rate_bps: row.downlink_rate_bps,
            illumination: row.illumination,
            alt_km: row.alt_km,
            temps_c: rec.temps_c.to_vec(),
        };
        if h.len() == HISTORY_SAMPLES {
            h.pop_front();
        }
        h.push_back(sample.clone());
        if self.selected == Some(i) {
            self.fresh_samples.push(sample);
        }
        Ok(())
    }

    fn event(&mut self, e: &EventRecord) -> std::io::Result<()> {
        if let Some(i) = e.satellite {
            if e.kind == "satellite_lost"
                && let Some(st) = self.status.get_mut(i)
            {
                *st = st.with(SatStatus::LOST, true);
            }
            if e.kind.starts_with("app_") || e.kind.starts_with("computer_") {
                self.apps_changed.push(i);
            }
            if e.kind == "log" && self.selected == Some(i) {
                let field = |name: &str| {
                    e.fields
                        .iter()
                        .find(|(k, _)| *k == name)
                        .and_then(|(_, v)| v.as_str())
                        .unwrap_or("")
                        .to_string()
                };
                self.logs.push(LogView {
                    time: e.time,
                    app: e.app.clone().unwrap_or_default(),
                    level: field("level"),
                    text: field("text"),
                });
            }
        }
        if self.events.len() < MAX_EVENTS_PER_SNAPSHOT {
            self.events.push(event_line(e));
        } else {
            self.events_dropped += 1;
        }
        Ok(())
    }
}

/// An event record as a line of the event log.
pub fn event_line(e: &EventRecord) -> EventLine {
    let mut text = String::new();
    if let Some(st) = &e.station {
        text.push_str("station=");
        text.push_str(st);
    }
    for (k, v) in &e.fields {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(k);
        text.push('=');
        match v.as_str() {
            Some(s) => text.push_str(s),
            None => text.push_str(&v.to_string()),
        }
    }
    EventLine {
        time: e.time,
        satellite: e.satellite.map(|i| i as u32),
        kind: e.kind,
        app: e.app.clone(),
        text,
    }
}

/// The run and its pacing.
struct Driver<'s> {
    scenario: &'s Scenario,
    hv: &'s Hypervisor,
    run_opts: RunOptions,
    run: Run<'s>,
    props: Vec<Option<Propagator>>,
    sink: ViewerSink,
    /// What the viewer was last sent of each status.
    sent_status: Vec<Option<SatStatus>>,
    sent_outcomes: Option<Vec<OutcomeView>>,
    paused: bool,
    warp: f64,
    /// (wall, simulated) time the pacing counts from.
    anchor: (Instant, Epoch),
    shown: Epoch,
    seek: Option<Epoch>,
    behind: bool,
    /// When the run last could not reach the paced time within its budget.
    last_short: Option<Instant>,
    /// (wall, simulated) at the last measurement of the achieved warp, and the value.
    rate_mark: (Instant, Epoch),
    achieved_warp: f64,
    timeline: Option<Timeline>,
    timeline_sent: bool,
    history_sent: bool,
    /// Each app of the selected satellite at the last snapshot that moved the clock:
    /// instructions, time, CPU share.
    app_marks: HashMap<String, (u64, Epoch, f64)>,
    last_snapshot: Option<Instant>,
    last_outcomes: Option<Instant>,
    interval: WallDuration,
    changed: bool,
    carry: Option<Box<Snapshot>>,
}

impl<'s> Driver<'s> {
    fn new(
        scenario: &'s Scenario,
        hv: &'s Hypervisor,
        opts: &SimOptions,
    ) -> Result<Self, scenarios::RunError> {
        let run_opts = RunOptions {
            seed: None,
            threads: opts.threads,
        };
        let run = Run::new(scenario, hv, &run_opts)?;
        let props = scenario
            .satellites
            .iter()
            .map(|s| Propagator::new(&s.elements).ok())
            .collect();
        let now = Instant::now();
        let mut d = Self {
            sink: ViewerSink::new(scenario),
            sent_status: vec![None; scenario.satellites.len()],
            sent_outcomes: None,
            paused: opts.paused,
            warp: opts.warp,
            anchor: (now, scenario.start),
            shown: scenario.start,
            seek: None,
            behind: false,
            last_short: None,
            rate_mark: (now, scenario.start),
            achieved_warp: 0.0,
            timeline: None,
            timeline_sent: false,
            history_sent: false,
            app_marks: HashMap::new(),
            last_snapshot: None,
            last_outcomes: None,
            interval: opts.snapshot_interval,
            changed: true,
            carry: None,
            scenario,
            hv,
            run_opts,
            run,
            props,
        };
        if let Some(name) = &opts.select {
            match scenario.satellite_index(name) {
                Some(i) => d.select(Some(i)),
                None => d.note(format!("--select: no satellite named {name:?}")),
            }
        }
        if let Some(t) = opts.seek_to {
            d.jump_to(t.resolve(scenario.start));
        }
        Ok(d)
    }

    /// A message of the viewer's own in the event log.
    fn note(&mut self, text: String) {
        self.sink.events.push(EventLine {
            time: self.shown,
            satellite: None,
            kind: "viewer",
            app: None,
            text,
        });
        self.changed = true;
    }

    fn run(&mut self, tx: &Sender<SimMessage>, rx: &Receiver<Command>) {
        loop {
            // commands: wait for one when there is nothing else to do
            let idle = (self.paused || self.run.done()) && self.seek.is_none() && !self.changed;
            let first = if idle {
                match rx.recv_timeout(WallDuration::from_millis(100)) {
                    Ok(c) => Some(c),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            } else {
                None
            };
            for c in first.into_iter().chain(rx.try_iter()) {
                if c == Command::Shutdown {
                    return;
                }
                self.apply(c);
            }
            self.advance();
            if !self.maybe_send(tx) {
                return;
            }
            if !idle && self.seek.is_none() && !self.behind {
                // running in time: wait for the next snapshot's turn
                let next = self.last_snapshot.map_or(WallDuration::ZERO, |t| {
                    (t + self.interval).saturating_duration_since(Instant::now())
                });
                std::thread::sleep(next.min(WallDuration::from_millis(20)));
            }
        }
    }

    fn apply(&mut self, c: Command) {
        self.changed = true;
        match c {
            Command::SetPaused(p) => {
                self.paused = p;
                self.anchor = (Instant::now(), self.shown);
            }
            Command::SetWarp(w) if w.is_finite() && w > 0.0 => {
                self.warp = w;
                self.anchor = (Instant::now(), self.shown);
            }
            Command::SetWarp(_) => {}
            Command::Step => {
                if !self.run.done() {
                    self.step_once();
                    self.shown = self.run.time();
                    self.anchor = (Instant::now(), self.shown);
                }
            }
            Command::JumpTo(t) => self.jump_to(t),
            Command::JumpToNext(kind) => self.jump_to_next(kind),
            Command::Select(sel) => self.select(sel),
            Command::App {
                satellite,
                app,
                action,
            } => {
                let r = self.app_action(satellite, &app, action);
                let what = match action {
                    AppAction::Start => "start",
                    AppAction::Stop => "stop",
                    AppAction::Restart => "restart",
                };
                let text = match r {
                    Ok(()) => format!("{what} {app}: done"),
                    Err(e) => format!("{what} {app}: {e}"),
                };
                self.sink.apps_changed.push(satellite);
                self.sink.events.push(EventLine {
                    time: self.shown,
                    satellite: Some(satellite as u32),
                    kind: "viewer",
                    app: Some(app),
                    text,
                });
                self.refresh_app_flags();
            }
            Command::AppCommand {
                satellite,
                app,
                text,
            } => {
                let name = self
                    .scenario
                    .satellites
                    .get(satellite)
                    .map(|s| s.name.clone());
                let r = match &name {
                    Some(n) => self
                        .run
                        .simulation_mut()
                        .uplink_command(n, &app, text.as_bytes())
                        .map_err(|e| error_chain(&e)),
                    None => Err(format!("no satellite {satellite}")),
                };
                let line = match r {
                    Ok(()) => format!("command {text:?} queued for the next contact"),
                    Err(e) => format!("command {text:?}: {e}"),
                };
                self.sink.events.push(EventLine {
                    time: self.shown,
                    satellite: Some(satellite as u32),
                    kind: "viewer",
                    app: Some(app),
                    text: line,
                });
            }
            Command::Shutdown => {}
        }
    }

    fn app_action(&mut self, sat: usize, app: &str, action: AppAction) -> Result<(), String> {
        let name = self
            .scenario
            .satellites
            .get(sat)
            .map(|s| s.name.clone())
            .ok_or_else(|| format!("no satellite {sat}"))?;
        let s = self
            .run
            .simulation_mut()
            .satellite_mut(&name)
            .map_err(|e| error_chain(&e))?;
        let obc = s.computer_mut();
        let id = obc
            .app_id(app)
            .ok_or_else(|| format!("no app {app:?} on {name}"))?;
        match action {
            AppAction::Start => obc.start(id),
            AppAction::Stop => obc.stop(id),
            AppAction::Restart => {
                // stopping an app that is not running is no reason not to start it
                let _ = obc.stop(id);
                obc.start(id)
            }
        }
        .map_err(|e| error_chain(&e))
    }

    fn select(&mut self, sel: Option<usize>) {
        let sel = sel.filter(|&i| i < self.scenario.satellites.len());
        self.sink.select(sel);
        self.timeline = None;
        self.timeline_sent = false;
        self.history_sent = false;
        self.app_marks.clear();
        self.changed = true;
    }

    /// Goes to `t` (clamped to the scenario): forwards by stepping, backwards by running the
    /// scenario again from its start.
    fn jump_to(&mut self, t: Epoch) {
        let t = t.max(self.scenario.start).min(self.scenario.end());
        let state_start = self.run.time() - self.scenario.step;
        if t < state_start && t < self.shown {
            match Run::new(self.scenario, self.hv, &self.run_opts) {
                Ok(run) => {
                    self.run = run;
                    let sel = self.sink.selected;
                    self.sink = ViewerSink::new(self.scenario);
                    self.sink.select(sel);
                    self.sent_status.iter_mut().for_each(|s| *s = None);
                    self.history_sent = false;
                    self.note("jumped back: the run starts again from the scenario's start (commands given in the viewer are not replayed)".into());
                }
                Err(e) => {
                    self.note(format!("cannot go back: {}", error_chain(&e)));
                    return;
                }
            }
        }
        if t <= self.run.time() {
            self.shown = t.max(self.scenario.start);
            self.anchor = (Instant::now(), self.shown);
        } else {
            self.seek = Some(t);
        }
        self.changed = true;
    }

    fn jump_to_next(&mut self, kind: NextKind) {
        let Some(i) = self.sink.selected else {
            self.note("select a satellite first".into());
            return;
        };
        let Some(prop) = self.props[i].as_ref() else {
            return;
        };
        let from = self.shown + Duration::from_seconds(1.0);
        let end = self.scenario.end();
        if from >= end {
            self.note("the run is at its end".into());
            return;
        }
        let next = match kind {
            // a pass under way at `from` starts at the window's edge: the next one starts after it
            NextKind::Pass => {
                search_passes(prop, &self.scenario.stations, from, end, &self.scenario.eop)
                    .ok()
                    .and_then(|s| s.passes.iter().map(|p| p.aos).find(|&aos| aos > from))
            }
            NextKind::Eclipse => search_eclipses(prop, from, end).ok().and_then(|s| {
                s.intervals
                    .iter()
                    .filter(|iv| iv.kind == ShadowState::Penumbra && iv.start > from)
                    .map(|iv| iv.start)
                    .next()
            }),
        };
        let what = match kind {
            NextKind::Pass => "pass",
            NextKind::Eclipse => "eclipse",
        };
        match next {
            Some(t) => self.jump_to(t),
            None => self.note(format!(
                "no {what} of {} before the scenario's end",
                self.scenario.satellites[i].name
            )),
        }
    }

    fn step_once(&mut self) {
        if let Err(e) = self.run.step(&mut self.sink) {
            let text = format!("the run stopped: {}", error_chain(&e));
            self.note(text);
            self.paused = true;
        }
        if !self.sink.apps_changed.is_empty() {
            self.refresh_app_flags();
        }
    }

    /// The app-fault flag of the satellites whose apps changed state.
    fn refresh_app_flags(&mut self) {
        let mut sats = std::mem::take(&mut self.sink.apps_changed);
        sats.sort_unstable();
        sats.dedup();
        for i in sats {
            let Some(sat) = self.run.simulation().satellites().get(i) else {
                continue;
            };
            let obc = sat.computer();
            let faulted = obc.app_ids().into_iter().any(|id| {
                obc.app_status(id)
                    .is_some_and(|s| matches!(s.state, AppState::Faulted { .. }))
            });
            let st = &mut self.sink.status[i];
            *st = st.with(SatStatus::APP_FAULT, faulted);
        }
    }

    /// Steps toward the time that should be shown now.
    fn advance(&mut self) {
        let now = Instant::now();
        let end = self.scenario.end();
        let target = if let Some(t) = self.seek {
            t
        } else if self.paused || self.run.done() {
            self.shown
        } else {
            let wall = now.saturating_duration_since(self.anchor.0).as_secs_f64();
            (self.anchor.1 + Duration::from_seconds(wall * self.warp)).min(end)
        };
        let budget = if self.seek.is_some() {
            STEP_BUDGET * 4
        } else {
            STEP_BUDGET
        };
        while self.run.time() < target && !self.run.done() && now.elapsed() < budget {
            self.step_once();
        }
        let reached = self.run.time() >= target;
        let before = self.shown;
        self.shown = if reached { target } else { self.run.time() };
        if self.shown != before {
            self.changed = true;
        }
        if let Some(t) = self.seek {
            if reached {
                self.seek = None;
                self.shown = t;
                self.anchor = (Instant::now(), t);
            }
        } else if !self.paused && !self.run.done() {
            if !reached {
                // do not let the lag pile up: go on from where the run is
                self.anchor = (Instant::now(), self.shown);
                self.last_short = Some(Instant::now());
            }
            // behind while it fell short within the last second (a re-anchored run may catch
            // up with its new, closer target for a moment: that is no keeping up)
            self.behind = self
                .last_short
                .is_some_and(|t| t.elapsed() < WallDuration::from_secs(1));
        } else {
            self.behind = false;
        }
        // achieved warp over about a second of wall time
        let dt_wall = self.rate_mark.0.elapsed().as_secs_f64();
        if dt_wall >= 1.0 {
            self.achieved_warp = (self.shown - self.rate_mark.1).to_seconds() / dt_wall;
            self.rate_mark = (Instant::now(), self.shown);
        }
    }

    /// Sends a snapshot when one is due; `false` when the viewer is gone.
    fn maybe_send(&mut self, tx: &Sender<SimMessage>) -> bool {
        let due = self
            .last_snapshot
            .is_none_or(|t| t.elapsed() >= self.interval);
        if !due || !self.changed {
            return true;
        }
        let mut snap = self.snapshot();
        if let Some(older) = self.carry.take() {
            snap.absorb_older(*older);
        }
        match tx.try_send(SimMessage::Snapshot(Box::new(snap))) {
            Ok(()) => {
                self.last_snapshot = Some(Instant::now());
                self.changed = self.seek.is_some() || (!self.paused && !self.run.done());
                true
            }
            Err(TrySendError::Full(SimMessage::Snapshot(s))) => {
                // the viewer is busy: keep what changed for the next one
                self.carry = Some(s);
                true
            }
            Err(TrySendError::Full(_)) => true,
            Err(TrySendError::Disconnected(_)) => false,
        }
    }

    fn snapshot(&mut self) -> Snapshot {
        let t = self.shown;
        let eop: &EarthOrientation = &self.scenario.eop;
        let sun = sun_position_teme_km(t);
        let sun_dir = sun.normalize();
        let positions_teme_km = self
            .props
            .iter()
            .zip(&self.sink.status)
            .map(|(p, st)| match p {
                Some(p) if !st.has(SatStatus::LOST) => p
                    .state_at(t)
                    .map(|s| [s.pos_teme_km.x, s.pos_teme_km.y, s.pos_teme_km.z])
                    .unwrap_or([f64::NAN; 3]),
                _ => [f64::NAN; 3],
            })
            .collect();
        let mut status_changes = Vec::new();
        for (i, (now, sent)) in self
            .sink
            .status
            .iter()
            .zip(self.sent_status.iter_mut())
            .enumerate()
        {
            if *sent != Some(*now) {
                *sent = Some(*now);
                status_changes.push((i as u32, *now));
            }
        }
        let contacts = std::mem::take(&mut self.sink.contacts_changed).then(|| {
            self.sink
                .contact
                .iter()
                .enumerate()
                .filter_map(|(i, c)| {
                    c.map(|(station, rate_bps)| Contact {
                        satellite: i as u32,
                        station,
                        rate_bps,
                    })
                })
                .collect()
        });
        let isl: Vec<(u32, u32)> = self
            .run
            .simulation()
            .isl_links()
            .iter()
            .map(|&(a, b)| (a as u32, b as u32))
            .collect();
        let selected = self.sink.selected.map(|i| self.selected_detail(i, t));
        let outcomes = self.outcomes();
        Snapshot {
            time: t,
            earth_rotation_rad: gmst82_rad(t, eop),
            sun_dir_teme: [sun_dir.x, sun_dir.y, sun_dir.z],
            positions_teme_km,
            status_changes,
            contacts,
            isl_links: Some(isl),
            events: std::mem::take(&mut self.sink.events),
            events_dropped: std::mem::take(&mut self.sink.events_dropped),
            selected,
            outcomes,
            clock: ClockState {
                paused: self.paused,
                warp: self.warp,
                achieved_warp: self.achieved_warp,
                behind: self.behind,
                done: self.run.done(),
                seeking: self.seek,
            },
        }
    }

    /// The assertions' values, at most twice a second and only when they changed.
    fn outcomes(&mut self) -> Option<Vec<OutcomeView>> {
        if self
            .last_outcomes
            .is_some_and(|t| t.elapsed() < WallDuration::from_millis(500))
        {
            return None;
        }
        self.last_outcomes = Some(Instant::now());
        let now: Vec<OutcomeView> = self
            .run
            .outcomes_so_far()
            .iter()
            .map(|o| OutcomeView {
                name: o.name.clone(),
                text: scenarios::outputs::outcome_text(o),
                passed: o.passed,
            })
            .collect();
        if self.sent_outcomes.as_ref() == Some(&now) {
            return None;
        }
        self.sent_outcomes = Some(now.clone());
        Some(now)
    }

    fn selected_detail(&mut self, i: usize, t: Epoch) -> SelectedDetail {
        let reset_history = !self.history_sent;
        self.history_sent = true;
        let samples = if reset_history {
            self.sink.fresh_samples.clear();
            self.sink.histories[i].iter().cloned().collect()
        } else {
            std::mem::take(&mut self.sink.fresh_samples)
        };
        let timeline = self.timeline_for(i, t);
        SelectedDetail {
            satellite: i,
            reset_history,
            samples,
            apps: self.app_views(i, t),
            logs: std::mem::take(&mut self.sink.logs),
            timeline,
            track: self.track(i, t),
        }
    }

    fn app_views(&mut self, i: usize, t: Epoch) -> Vec<AppView> {
        let Some(sat) = self.run.simulation().satellites().get(i) else {
            return Vec::new();
        };
        let obc = sat.computer();
        let ips = obc.spec().instruction_rate_ips.max(1) as f64;
        let mut out = Vec::new();
        for id in obc.app_ids() {
            let Some(s) = obc.app_status(id) else {
                continue;
            };
            // share = Δinstructions / (instruction rate × Δt) since the last snapshot that
            // moved the clock; the same value while the clock stands
            let cpu_share = match self.app_marks.get(&s.name) {
                Some(&(instr, at, _)) if t > at => {
                    let dt = (t - at).to_seconds();
                    (s.instructions.saturating_sub(instr) as f64 / (ips * dt)).clamp(0.0, 1.0)
                }
                Some(&(_, _, share)) => share,
                None => 0.0,
            };
            if self.app_marks.get(&s.name).is_none_or(|&(_, at, _)| t > at) {
                self.app_marks
                    .insert(s.name.clone(), (s.instructions, t, cpu_share));
            }
            let (state, faulted, startable) = app_state_text(&s.state);
            out.push(AppView {
                name: s.name.clone(),
                state,
                faulted,
                startable,
                cpu_share,
                memory_bytes: s.memory_bytes,
                storage_bytes: s.storage_used_bytes,
                instructions: s.instructions,
                faults: s.faults,
                restarts: s.restarts,
                downlink_queued_bytes: s.downlink_queued_bytes,
            });
        }
        out
    }

    /// The passes and eclipses around `t`, recomputed when `t` nears the window's edges.
    fn timeline_for(&mut self, i: usize, t: Epoch) -> Option<Timeline> {
        let fresh = self.timeline.as_ref().is_some_and(|tl| {
            t >= tl.start && (t + TIMELINE_AFTER / 2 <= tl.end || tl.end >= self.scenario.end())
        });
        if fresh {
            if self.timeline_sent {
                return None;
            }
            self.timeline_sent = true;
            return self.timeline.clone();
        }
        let prop = self.props[i].as_ref()?;
        let start = (t - TIMELINE_BEFORE).max(self.scenario.start);
        let end = (t + TIMELINE_AFTER).min(self.scenario.end());
        if end <= start {
            return None;
        }
        let passes = search_passes(
            prop,
            &self.scenario.stations,
            start,
            end,
            &self.scenario.eop,
        )
        .map(|s| {
            s.passes
                .into_iter()
                .map(|p| (p.aos, p.los, p.station))
                .collect()
        })
        .unwrap_or_default();
        let eclipses = search_eclipses(prop, start, end)
            .map(|s| {
                s.intervals
                    .into_iter()
                    .map(|iv| (iv.start, iv.end, iv.kind == ShadowState::Umbra))
                    .collect()
            })
            .unwrap_or_default();
        let tl = Timeline {
            start,
            end,
            passes,
            eclipses,
        };
        self.timeline = Some(tl.clone());
        self.timeline_sent = true;
        Some(tl)
    }

    /// The last orbit (TEME) and the ground track one orbit either side (ITRF) at `t`.
    fn track(&self, i: usize, t: Epoch) -> Track {
        let empty = Track {
            orbit_teme_km: Vec::new(),
            ground_itrf_km: Vec::new(),
        };
        let Some(prop) = self.props[i].as_ref() else {
            return empty;
        };
        let Ok(now) = prop.state_at(t) else {
            return empty;
        };
        let period_s = orbital_period_s(&now.pos_teme_km, &now.vel_teme_km_s);
        if !period_s.is_finite() {
            return empty;
        }
        let at = |k: usize, n: usize, from_s: f64, span_s: f64| {
            t + Duration::from_seconds(from_s + span_s * k as f64 / (n - 1) as f64)
        };
        let orbit_teme_km = (0..TRAIL_POINTS)
            .filter_map(|k| prop.state_at(at(k, TRAIL_POINTS, -period_s, period_s)).ok())
            .map(|s| [s.pos_teme_km.x, s.pos_teme_km.y, s.pos_teme_km.z])
            .collect();
        let ground_itrf_km = (0..GROUND_TRACK_POINTS)
            .filter_map(|k| {
                let tk = at(k, GROUND_TRACK_POINTS, -period_s, 2.0 * period_s);
                let s = prop.state_at(tk).ok()?;
                let (itrf, _) =
                    teme_to_itrf(&s.pos_teme_km, &s.vel_teme_km_s, tk, &self.scenario.eop);
                let g = itrf_to_geodetic(&itrf);
                let p = geodetic_to_itrf(&Geodetic {
                    alt_km: GROUND_TRACK_ALT_KM,
                    ..g
                });
                Some([p.x, p.y, p.z])
            })
            .collect();
        Track {
            orbit_teme_km,
            ground_itrf_km,
        }
    }
}

/// WGS-72 gravitational parameter (SGP4's), km³/s².
const MU_KM3_S2: f64 = 398_600.8;

/// Osculating period from a state: vis-viva `a = 1 / (2/r − v²/μ)`, `T = 2π √(a³/μ)`
/// (NaN for an unbound orbit).
pub fn orbital_period_s(pos_km: &Vector3<f64>, vel_km_s: &Vector3<f64>) -> f64 {
    let inv_a = 2.0 / pos_km.norm() - vel_km_s.norm_squared() / MU_KM3_S2;
    if inv_a <= 0.0 {
        return f64::NAN;
    }
    let a = 1.0 / inv_a;
    std::f64::consts::TAU * (a * a * a / MU_KM3_S2).sqrt()
}

/// An app state as text, whether it is faulted, and whether it can be started.
fn app_state_text(s: &AppState) -> (String, bool, bool) {
    match s {
        AppState::Stopped => ("stopped".into(), false, true),
        AppState::Running => ("running".into(), false, false),
        AppState::Blocked => ("waiting".into(), false, false),
        AppState::Suspended => ("suspended (schedule)".into(), false, false),
        AppState::Exited { code } => (format!("exited ({code})"), false, true),
        AppState::Faulted {
            reason,
            restart_at_unix_ns,
        } => (
            match restart_at_unix_ns {
                Some(ns) => format!(
                    "faulted: {reason}; restart at {}",
                    orbit::format_utc(sim_core::time::unix_ns_to_epoch(*ns))
                ),
                None => format!("faulted: {reason}"),
            },
            true,
            restart_at_unix_ns.is_none(),
        ),
        AppState::Off => ("computer off".into(), false, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lon_deg(p: &[f64; 3]) -> f64 {
        p[1].atan2(p[0]).to_degrees()
    }

    #[test]
    fn regress_polygon_outline_is_closed_and_takes_the_short_way_across_the_antimeridian() {
        let deg = |lat: f64, lon: f64| (lat.to_radians(), lon.to_radians());
        let shape = AreaShape::Polygon {
            vertices: vec![
                deg(-10.0, 175.0),
                deg(-10.0, -175.0),
                deg(10.0, -175.0),
                deg(10.0, 175.0),
            ],
        };
        let outline = area_outline(&shape);
        assert_eq!(outline.first(), outline.last());
        // 10° + 20° + 10° + 20° of edges at ≤ 1° per sample, plus the closing point.
        assert_eq!(outline.len(), 61);
        // Every point within the 10°-wide band around the antimeridian, none across the globe.
        assert!(
            outline.iter().all(|p| lon_deg(p).abs() >= 174.999),
            "{outline:?}"
        );
    }
}
