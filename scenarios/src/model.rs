//! A scenario after loading: every file read, every element set parsed, every hardware
//! template built and validated, every app image compiled. Building a simulation from it
//! cannot fail on anything the file says.

use std::sync::Arc;

use hardware_models::template::HardwareTemplate;
use hardware_models::texture::EarthTexture;
use hifitime::{Duration, Epoch};
use orbit::{EarthOrientation, ElementSet, Station};
use sim_core::{AppConfig, AppImage, Area, AttitudeMode};

use crate::assertions::Assertion;
use crate::diag::SourceFile;

/// A loaded scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Name (the `name` key, or the file's stem).
    pub name: String,
    /// One-line description.
    pub description: String,
    /// The scenario file.
    pub file: Arc<SourceFile>,
    /// SHA-256 (hex) of the scenario text and of every file it refers to, in the order read.
    pub hash: String,
    /// Start of the run (UTC).
    pub start: Epoch,
    /// Length of the run.
    pub duration: Duration,
    /// Fixed step.
    pub step: Duration,
    /// Run seed (sensor noise, app randomness, seeded faults); `skytwin run --seed` overrides it.
    pub seed: u64,
    /// Satellites, in file order (walkers expanded in place).
    pub satellites: Vec<SatelliteDef>,
    /// Ground stations.
    pub stations: Vec<Station>,
    /// Areas of interest.
    pub areas: Vec<Area>,
    /// Apps installed before the start.
    pub apps: Vec<AppDef>,
    /// The command timeline, in time order (stable: file order for equal times).
    pub commands: Vec<TimedCommand>,
    /// Fault injections.
    pub faults: Vec<FaultDef>,
    /// Success criteria.
    pub assertions: Vec<Assertion>,
    /// Output options.
    pub output: OutputOptions,
    /// Earth orientation (UT1 − UTC, polar motion).
    pub eop: Arc<EarthOrientation>,
    /// The Earth texture for cameras, when some app uses the camera.
    pub texture: Option<Arc<EarthTexture>>,
    /// Grazing altitude for inter-satellite line of sight, km.
    pub isl_grazing_altitude_km: f64,
}

impl Scenario {
    /// End of the run.
    pub fn end(&self) -> Epoch {
        self.start + self.duration
    }

    /// Number of steps (the last one may end after `end` when the duration is not a multiple
    /// of the step; the run stops at the first step boundary at or after the end).
    pub fn steps(&self) -> u64 {
        let d = self.duration.total_nanoseconds();
        let s = self.step.total_nanoseconds().max(1);
        u64::try_from((d + s - 1) / s).unwrap_or(u64::MAX)
    }

    /// Index of a satellite by name.
    pub fn satellite_index(&self, name: &str) -> Option<usize> {
        self.satellites.iter().position(|s| s.name == name)
    }

    /// The thermal node names of every satellite, in first-seen order (the telemetry columns).
    pub fn thermal_node_names(&self) -> Vec<String> {
        node_names(&self.satellites)
    }
}

/// The thermal node names of `satellites`, in first-seen order.
pub fn node_names(satellites: &[SatelliteDef]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for s in satellites {
        for n in &s.hardware.thermal.nodes {
            if !names.contains(&n.name) {
                names.push(n.name.clone());
            }
        }
    }
    names
}

/// One satellite.
#[derive(Debug, Clone)]
pub struct SatelliteDef {
    /// Name in the scenario (unique).
    pub name: String,
    /// The element set it flies.
    pub elements: ElementSet,
    /// Its hardware, overrides applied and validated.
    pub hardware: HardwareTemplate,
    /// The `[[walker]]` it belongs to, if any.
    pub group: Option<String>,
}

/// An app installed (and normally started) on satellites before the start.
#[derive(Debug, Clone)]
pub struct AppDef {
    /// The app's configuration (name, priority, schedule, limits, arguments, ...).
    pub config: AppConfig,
    /// Its compiled image.
    pub image: AppImage,
    /// The satellites it runs on (indices into [`Scenario::satellites`]).
    pub on: Vec<usize>,
    /// Whether it is started at the start (else installed and stopped).
    pub start: bool,
}

/// A command of the timeline.
#[derive(Debug, Clone)]
pub struct TimedCommand {
    /// When it is issued (an uplinked command is queued then and arrives at the next contact;
    /// a time-tagged onboard command executes then).
    pub at: Epoch,
    /// The satellite.
    pub satellite: usize,
    /// What.
    pub action: CommandAction,
}

/// What a command does.
#[derive(Debug, Clone)]
pub enum CommandAction {
    /// Text for an app, over the uplink (delivered during a contact).
    AppCommand {
        /// The app.
        app: String,
        /// The command's bytes.
        data: Vec<u8>,
    },
    /// Uploads an image over the uplink; installed and started (or the app's image replaced,
    /// with `update`) when all its bytes have arrived.
    Upload {
        /// The image.
        image: AppImage,
        /// The app's configuration.
        config: AppConfig,
        /// Replace an installed app's image.
        update: bool,
    },
    /// Starts an installed app (time-tagged, onboard).
    Start {
        /// The app.
        app: String,
    },
    /// Stops an app.
    Stop {
        /// The app.
        app: String,
    },
    /// Removes an app with its files.
    Remove {
        /// The app.
        app: String,
    },
    /// Moves an app to another satellite over the inter-satellite link.
    Migrate {
        /// The app.
        app: String,
        /// Destination satellite index.
        to: usize,
    },
    /// Commands an attitude mode (overrides the apps' requests until the next one).
    Attitude {
        /// The mode.
        mode: AttitudeMode,
    },
}

impl CommandAction {
    /// Short name (`app_command`, `upload`, `start`, ...), as in the scenario file.
    pub fn name(&self) -> &'static str {
        match self {
            Self::AppCommand { .. } => "app_command",
            Self::Upload { update: false, .. } => "install",
            Self::Upload { update: true, .. } => "update",
            Self::Start { .. } => "start",
            Self::Stop { .. } => "stop",
            Self::Remove { .. } => "remove",
            Self::Migrate { .. } => "migrate",
            Self::Attitude { .. } => "attitude",
        }
    }
}

/// A fault injection.
#[derive(Debug, Clone)]
pub struct FaultDef {
    /// Name (for events and Monte Carlo paths): the `name` key or `KIND-N`.
    pub name: String,
    /// What fails.
    pub kind: FaultKind,
    /// When.
    pub timing: FaultTiming,
}

/// What a fault does.
#[derive(Debug, Clone, PartialEq)]
pub enum FaultKind {
    /// Flips `bits` random bits in an app's linear memory.
    BitFlips {
        /// Satellite index.
        satellite: usize,
        /// The app (`None`: every app of the satellite).
        app: Option<String>,
        /// Bits per event.
        bits: u32,
    },
    /// Reboots the onboard computer.
    Reboot {
        /// Satellite index.
        satellite: usize,
    },
    /// Cuts the computer's power for a while.
    BrownOut {
        /// Satellite index.
        satellite: usize,
        /// How long.
        duration: Duration,
    },
    /// A solar-array string fails: a fraction of one panel's output is lost for good.
    SolarString {
        /// Satellite index.
        satellite: usize,
        /// Panel name.
        panel: String,
        /// Fraction of the panel's output lost, 0..1.
        fraction: f64,
    },
    /// A reaction wheel fails (no torque, no momentum storage) for good.
    WheelFailure {
        /// Satellite index.
        satellite: usize,
        /// Wheel index in the template.
        wheel: usize,
    },
    /// A ground station is out of service for a while.
    StationOutage {
        /// Station index.
        station: usize,
        /// How long.
        duration: Duration,
    },
}

impl FaultKind {
    /// The kind's name in the scenario file.
    pub fn name(&self) -> &'static str {
        match self {
            Self::BitFlips { .. } => "bit_flips",
            Self::Reboot { .. } => "reboot",
            Self::BrownOut { .. } => "brownout",
            Self::SolarString { .. } => "solar_string",
            Self::WheelFailure { .. } => "wheel_failure",
            Self::StationOutage { .. } => "station_outage",
        }
    }
}

/// When a fault happens.
#[derive(Debug, Clone, PartialEq)]
pub enum FaultTiming {
    /// At these times.
    At(Vec<Epoch>),
    /// As a Poisson process of this many events per day, drawn from the run seed.
    Rate {
        /// Mean events per day.
        per_day: f64,
    },
}

/// What `skytwin run` writes.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputOptions {
    /// Telemetry (and ephemeris) interval; `None`: every step.
    pub telemetry_interval: Option<Duration>,
    /// Write `telemetry.csv`.
    pub telemetry: bool,
    /// Write `events.jsonl`.
    pub events: bool,
    /// Include app log lines in `events.jsonl`.
    pub log_lines: bool,
    /// Write `ephemeris.oem`.
    pub oem: bool,
    /// Write `scene.czml`.
    pub czml: bool,
    /// Write `junit.xml`.
    pub junit: bool,
}

impl Default for OutputOptions {
    fn default() -> Self {
        Self {
            telemetry_interval: None,
            telemetry: true,
            events: true,
            log_lines: true,
            oem: true,
            czml: true,
            junit: true,
        }
    }
}
