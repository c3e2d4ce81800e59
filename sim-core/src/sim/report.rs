//! What a simulation step produces: telemetry rows, events, app log lines and the messages
//! that reached the ground.

use std::sync::Arc;

use hifitime::Epoch;
use smallvec::SmallVec;

use crate::bus::events::{ComputerEvent, LogLine};
use crate::bus::messages::DeliveredMessage;

/// Thermal nodes a telemetry row holds without an allocation (the bundled templates have 6).
pub const INLINE_NODES: usize = 8;

/// One row of per-satellite telemetry per step.
#[derive(Debug, Clone, PartialEq)]
pub struct TelemetryRow {
    /// Step start.
    pub time: Epoch,
    /// Satellite (shared with the satellite: a row does not copy the name).
    pub satellite: Arc<str>,
    /// Geodetic latitude, degrees.
    pub lat_deg: f64,
    /// Longitude, degrees.
    pub lon_deg: f64,
    /// Altitude, km.
    pub alt_km: f64,
    /// Illumination 0..1.
    pub illumination: f64,
    /// Battery state of charge at the end of the step.
    pub battery_soc: f64,
    /// Solar array power drawn, average over the step, W.
    pub array_power_w: f64,
    /// Power delivered to the loads, average, W.
    pub load_power_w: f64,
    /// Onboard computer power, average, W.
    pub computer_power_w: f64,
    /// Onboard computer's thermal node at the end of the step, °C.
    pub computer_temp_c: f64,
    /// CPU busy fraction.
    pub busy_fraction: f64,
    /// Instructions executed.
    pub instructions: u64,
    /// Attitude mode (ABI number).
    pub attitude_mode: u32,
    /// Attitude error at the end of the step, degrees.
    pub attitude_error_deg: f64,
    /// Safe mode.
    pub safe_mode: bool,
    /// Station in contact ("" when none).
    pub station: String,
    /// Downlink rate, bit/s.
    pub downlink_rate_bps: f64,
    /// Downlink capacity of the step, bytes.
    pub downlink_bytes: u64,
    /// Bytes waiting in the downlink queue after the step.
    pub downlink_queued_bytes: u64,
    /// Every thermal node's temperature at the end of the step, K, in the hardware template's
    /// node order (held in the row up to [`INLINE_NODES`] nodes: a row is made every step).
    pub node_temps_k: SmallVec<[f64; INLINE_NODES]>,
}

/// Something that happened in the simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct SimEvent {
    /// When.
    pub time: Epoch,
    /// Satellite.
    pub satellite: String,
    /// What.
    pub kind: SimEventKind,
}

/// What happened.
#[derive(Debug, Clone, PartialEq)]
pub enum SimEventKind {
    /// An event of the onboard computer (apps).
    Computer(ComputerEvent),
    /// A ground contact began.
    ContactStart {
        /// Station.
        station: String,
    },
    /// A ground contact ended.
    ContactEnd {
        /// Station.
        station: String,
    },
    /// The power system changed state: safe mode entered or left, a load shed or restored
    /// (load ids index the template's `power.loads`).
    Power(hardware_models::power::PowerEvent),
    /// The thermal network: a node's limit violated or cleared, a heater switched (node ids
    /// index the template's `thermal.nodes`).
    Thermal(hardware_models::thermal::ThermalEvent),
    /// The computer hardware's power: off, on, rebooted, watchdog reset, booted.
    ComputerPower(hardware_models::computer::ComputerEvent),
    /// An uplinked command arrived (`delivered`: an app of that name exists).
    CommandDelivered {
        /// App.
        app: String,
        /// Size.
        bytes: u64,
        /// Whether it reached an app.
        delivered: bool,
    },
    /// An uploaded image arrived and was installed (and started) or updated.
    UploadComplete {
        /// App.
        app: String,
        /// Image size.
        bytes: u64,
        /// Install or update result.
        result: Result<(), String>,
    },
    /// A downlink message reached the ground.
    Downlinked {
        /// App.
        app: String,
        /// The app's message id.
        id: i64,
        /// Size.
        bytes: u64,
    },
    /// An inter-satellite message arrived (`delivered`: an app took it).
    IslDelivered {
        /// Sender, `SATELLITE/APP`.
        from: String,
        /// Size.
        bytes: u64,
        /// Whether an app received it.
        delivered: bool,
    },
    /// A migrating app arrived.
    MigrationComplete {
        /// App.
        app: String,
        /// Bytes transferred.
        bytes: u64,
        /// Install result.
        result: Result<(), String>,
    },
    /// The satellite can no longer be propagated (decay); it stops.
    Lost {
        /// Why.
        reason: String,
    },
}

impl std::fmt::Display for SimEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            SimEventKind::Computer(e) => write!(f, "{} {}", self.satellite, e),
            other => write!(
                f,
                "{} {} {:?}",
                orbit::format_utc(self.time),
                self.satellite,
                other
            ),
        }
    }
}

/// What one step produced, in satellite order.
#[derive(Debug, Default)]
pub struct StepReport {
    /// Step start.
    pub time: Option<Epoch>,
    /// One row per satellite.
    pub telemetry: Vec<TelemetryRow>,
    /// Events (simulation and onboard computers), in satellite order, each satellite's in time
    /// order; inter-satellite arrivals last.
    pub events: Vec<SimEvent>,
    /// App log lines: (satellite, line).
    pub logs: Vec<(String, LogLine)>,
    /// Downlink messages that reached the ground: (satellite, message).
    pub delivered: Vec<(String, DeliveredMessage)>,
}

impl StepReport {
    /// An empty report of the step starting at `t`, with room for a row per satellite.
    pub(crate) fn starting(t: Epoch, satellites: usize) -> Self {
        Self {
            time: Some(t),
            telemetry: Vec::with_capacity(satellites),
            ..Self::default()
        }
    }
}
