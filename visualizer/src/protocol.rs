//! What crosses between the simulation thread and the viewer: plain data (f64, strings, no bevy
//! types), sent over bounded `crossbeam-channel`s.
//!
//! The simulation thread sends one [`SimMessage::Loaded`] (or [`SimMessage::Failed`]) and then
//! [`Snapshot`]s. A snapshot carries every satellite's position (they all move), but only what
//! *changed* of everything else: status flags of the satellites whose state changed, the
//! contact and inter-satellite link lists when they changed, new events, new telemetry samples
//! of the selected satellite. The viewer applies snapshots in order and keeps the result.

use hifitime::{Duration, Epoch};

/// What the viewer asks of the simulation thread.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Pause (`true`) or run.
    SetPaused(bool),
    /// Time warp: simulated seconds per wall-clock second.
    SetWarp(f64),
    /// One simulation step (while paused).
    Step,
    /// Go to a simulated time (backwards: the run is started again from the beginning).
    JumpTo(Epoch),
    /// Go to the start of the selected satellite's next pass or eclipse.
    JumpToNext(NextKind),
    /// Select a satellite (by index), or none.
    Select(Option<usize>),
    /// Start, stop or restart an app on a satellite.
    App {
        /// Satellite index.
        satellite: usize,
        /// App name.
        app: String,
        /// What to do.
        action: AppAction,
    },
    /// Queue a command for an app on the uplink (it arrives at the next contact).
    AppCommand {
        /// Satellite index.
        satellite: usize,
        /// App name.
        app: String,
        /// The command's text.
        text: String,
    },
    /// End the simulation thread.
    Shutdown,
}

/// A lifecycle action on an app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppAction {
    /// Start a stopped app.
    Start,
    /// Stop a running app.
    Stop,
    /// Stop it and start it again.
    Restart,
}

/// What to jump to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextKind {
    /// The next acquisition of signal over any ground station.
    Pass,
    /// The next entry into the Earth's shadow (penumbra).
    Eclipse,
}

/// What the simulation thread sends.
#[derive(Debug)]
pub enum SimMessage {
    /// The scenario is loaded; its fixed parts.
    Loaded(Box<SceneSetup>),
    /// The scenario could not be loaded.
    Failed(LoadFailure),
    /// The state at a simulated time.
    Snapshot(Box<Snapshot>),
}

/// A scenario that could not be loaded: each problem with its place.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadFailure {
    /// One line: what could not be loaded.
    pub summary: String,
    /// Each problem: `file:line:column`, the message, and the rendered report (source line
    /// with the offending text underlined).
    pub problems: Vec<Problem>,
}

/// One problem of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// `file:line:column` (empty when the problem has no place, e.g. an unreadable file).
    pub location: String,
    /// The message.
    pub message: String,
    /// The full report, as `skytwin validate` prints it.
    pub rendered: String,
}

/// The parts of a scenario that do not change while it runs.
#[derive(Debug, Clone, PartialEq)]
pub struct SceneSetup {
    /// Scenario name.
    pub name: String,
    /// Scenario description.
    pub description: String,
    /// The file it came from.
    pub file: String,
    /// Start.
    pub start: Epoch,
    /// End.
    pub end: Epoch,
    /// Step of the simulation.
    pub step: Duration,
    /// Satellite names, in scenario order (the index is the satellite's id everywhere).
    pub satellites: Vec<String>,
    /// Ground stations.
    pub stations: Vec<StationView>,
    /// Areas of interest.
    pub areas: Vec<AreaView>,
    /// Thermal node names (the telemetry samples' `temps_c` order).
    pub node_names: Vec<String>,
}

/// A ground station.
#[derive(Debug, Clone, PartialEq)]
pub struct StationView {
    /// Name.
    pub name: String,
    /// Latitude, degrees.
    pub lat_deg: f64,
    /// Longitude, degrees.
    pub lon_deg: f64,
    /// Position, ITRF, km.
    pub pos_itrf_km: [f64; 3],
}

/// An area of interest.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaView {
    /// Name.
    pub name: String,
    /// Its outline on the ground, a closed polyline, ITRF, km.
    pub outline_itrf_km: Vec<[f64; 3]>,
}

/// Status flags of a satellite (bits of [`SatStatus::0`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct SatStatus(pub u8);

impl SatStatus {
    /// In sunlight (illumination ≥ 0.5).
    pub const SUNLIT: u8 = 1;
    /// In contact with a ground station.
    pub const CONTACT: u8 = 2;
    /// In safe mode.
    pub const SAFE_MODE: u8 = 4;
    /// An app is faulted.
    pub const APP_FAULT: u8 = 8;
    /// Lost (decayed; no longer propagated).
    pub const LOST: u8 = 16;

    /// Whether `flag` is set.
    pub fn has(self, flag: u8) -> bool {
        self.0 & flag != 0
    }

    /// With `flag` set to `on`.
    pub fn with(self, flag: u8, on: bool) -> Self {
        if on {
            Self(self.0 | flag)
        } else {
            Self(self.0 & !flag)
        }
    }
}

/// A ground contact in progress.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Contact {
    /// Satellite index.
    pub satellite: u32,
    /// Station index.
    pub station: u32,
    /// Downlink rate, bit/s (0 when the link closes no rate).
    pub rate_bps: f64,
}

/// How the simulation clock is doing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClockState {
    /// Paused.
    pub paused: bool,
    /// Asked-for warp (simulated s per wall s).
    pub warp: f64,
    /// Warp achieved over the last second of wall time.
    pub achieved_warp: f64,
    /// The simulation cannot keep up with the asked-for warp.
    pub behind: bool,
    /// The run reached the scenario's end.
    pub done: bool,
    /// A jump is under way to this time.
    pub seeking: Option<Epoch>,
}

/// One event of the run, for the event log.
#[derive(Debug, Clone, PartialEq)]
pub struct EventLine {
    /// When.
    pub time: Epoch,
    /// Satellite index, if the event belongs to one.
    pub satellite: Option<u32>,
    /// Kind (`contact_start`, `app_fault`, `log`, ...).
    pub kind: &'static str,
    /// App concerned.
    pub app: Option<String>,
    /// The event's other fields as `key=value` text.
    pub text: String,
}

/// One telemetry sample of a satellite.
#[derive(Debug, Clone, PartialEq)]
pub struct TelemetrySample {
    /// Time.
    pub time: Epoch,
    /// Battery state of charge, 0..1.
    pub battery_soc: f64,
    /// Solar array power, W.
    pub array_power_w: f64,
    /// Power delivered to the loads, W.
    pub load_power_w: f64,
    /// CPU busy fraction, 0..1.
    pub busy_fraction: f64,
    /// Downlink queue, bytes.
    pub downlink_queued_bytes: f64,
    /// Downlink rate, bit/s.
    pub downlink_rate_bps: f64,
    /// Illumination, 0..1.
    pub illumination: f64,
    /// Altitude, km.
    pub alt_km: f64,
    /// Thermal node temperatures, °C ([`SceneSetup::node_names`] order; NaN when absent).
    pub temps_c: Vec<f64>,
}

/// One app of the selected satellite.
#[derive(Debug, Clone, PartialEq)]
pub struct AppView {
    /// Name.
    pub name: String,
    /// State (`running`, `blocked`, `stopped`, `faulted: …`, …).
    pub state: String,
    /// Whether it is faulted.
    pub faulted: bool,
    /// Whether it can be started (stopped, exited or faulted without a restart pending).
    pub startable: bool,
    /// Share of the computer's instruction rate it used since the last snapshot, 0..1.
    pub cpu_share: f64,
    /// Linear memory, bytes.
    pub memory_bytes: u64,
    /// File storage, bytes.
    pub storage_bytes: u64,
    /// Instructions over its life.
    pub instructions: u64,
    /// Faults so far.
    pub faults: u32,
    /// Restarts so far.
    pub restarts: u32,
    /// Downlink bytes waiting.
    pub downlink_queued_bytes: u64,
}

/// A log line of an app of the selected satellite.
#[derive(Debug, Clone, PartialEq)]
pub struct LogView {
    /// When.
    pub time: Epoch,
    /// App.
    pub app: String,
    /// Level (`info`, `warn`, ...).
    pub level: String,
    /// Text.
    pub text: String,
}

/// Passes and eclipses of the selected satellite around the current time.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    /// Window start.
    pub start: Epoch,
    /// Window end.
    pub end: Epoch,
    /// Passes: AOS, LOS, station name.
    pub passes: Vec<(Epoch, Epoch, String)>,
    /// Shadow intervals: start, end, umbra (`false`: penumbra).
    pub eclipses: Vec<(Epoch, Epoch, bool)>,
}

/// Orbit trail and ground track of the selected satellite.
#[derive(Debug, Clone, PartialEq)]
pub struct Track {
    /// The last orbit, TEME, km (oldest first, ending at the snapshot's time).
    pub orbit_teme_km: Vec<[f64; 3]>,
    /// Sub-satellite points from one orbit before to one orbit after, ITRF, km (on the
    /// ground), in time order.
    pub ground_itrf_km: Vec<[f64; 3]>,
}

/// What a snapshot says about the selected satellite.
#[derive(Debug, Clone, PartialEq)]
pub struct SelectedDetail {
    /// Satellite index.
    pub satellite: usize,
    /// The samples replace the viewer's history (a new selection) instead of extending it.
    pub reset_history: bool,
    /// Telemetry samples since the last snapshot (or the whole kept history after a reset).
    pub samples: Vec<TelemetrySample>,
    /// Its apps now.
    pub apps: Vec<AppView>,
    /// App log lines since the last snapshot.
    pub logs: Vec<LogView>,
    /// Passes and eclipses (when recomputed).
    pub timeline: Option<Timeline>,
    /// Orbit trail and ground track at the snapshot's time.
    pub track: Track,
}

/// One assertion's value so far.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeView {
    /// Its name.
    pub name: String,
    /// `expression → value (bound)`, as text.
    pub text: String,
    /// Whether it holds so far.
    pub passed: bool,
}

/// The simulation's state at one simulated time.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// The simulated time shown.
    pub time: Epoch,
    /// Earth rotation angle (GMST), rad: ITRF is TEME turned by this about z.
    pub earth_rotation_rad: f64,
    /// Unit vector to the Sun, TEME.
    pub sun_dir_teme: [f64; 3],
    /// Every satellite's position, TEME, km (NaN for a lost one).
    pub positions_teme_km: Vec<[f64; 3]>,
    /// Satellites whose status changed: (index, new status).
    pub status_changes: Vec<(u32, SatStatus)>,
    /// The contacts in progress, when the list changed.
    pub contacts: Option<Vec<Contact>>,
    /// Inter-satellite links that carried data, (sender, receiver), when the list changed.
    pub isl_links: Option<Vec<(u32, u32)>>,
    /// New events (at most [`MAX_EVENTS_PER_SNAPSHOT`]).
    pub events: Vec<EventLine>,
    /// Events left out of this snapshot because there were too many.
    pub events_dropped: u64,
    /// The selected satellite.
    pub selected: Option<SelectedDetail>,
    /// The assertions' values so far, when they were re-evaluated.
    pub outcomes: Option<Vec<OutcomeView>>,
    /// The clock.
    pub clock: ClockState,
}

/// Most events one snapshot carries.
pub const MAX_EVENTS_PER_SNAPSHOT: usize = 2_000;

impl Snapshot {
    /// Takes in an older snapshot that was never delivered (the channel was full), so that
    /// nothing that changed is lost: its status changes, events, samples and logs come first,
    /// and a list this one does not carry is taken from it.
    pub fn absorb_older(&mut self, older: Snapshot) {
        let mut status = older.status_changes;
        status.retain(|(i, _)| !self.status_changes.iter().any(|(j, _)| j == i));
        status.append(&mut self.status_changes);
        self.status_changes = status;
        if self.contacts.is_none() {
            self.contacts = older.contacts;
        }
        if self.isl_links.is_none() {
            self.isl_links = older.isl_links;
        }
        if self.outcomes.is_none() {
            self.outcomes = older.outcomes;
        }
        let mut events = older.events;
        events.append(&mut self.events);
        let over = events.len().saturating_sub(MAX_EVENTS_PER_SNAPSHOT);
        events.drain(..over);
        self.events = events;
        self.events_dropped += older.events_dropped + over as u64;
        if let (Some(new), Some(old)) = (self.selected.as_mut(), older.selected)
            && new.satellite == old.satellite
        {
            if !new.reset_history {
                let mut samples = old.samples;
                samples.append(&mut new.samples);
                new.samples = samples;
                new.reset_history = old.reset_history;
            }
            let mut logs = old.logs;
            logs.append(&mut new.logs);
            new.logs = logs;
            if new.timeline.is_none() {
                new.timeline = old.timeline;
            }
        }
    }
}
