//! What the onboard computer reports: each app's state and counters, and what a step
//! produced.

use std::sync::Arc;

use hifitime::{Duration, Epoch};

use crate::bus::events::{AppId, ComputerEvent, FaultReason, LogLine};

/// Public view of an app's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppState {
    /// Installed, not running.
    Stopped,
    /// Running, blocked, or pre-empted.
    Running,
    /// Blocked in `wait`/`sleep_until`/`poll_oneoff` (commands) or at rest (reactors).
    Blocked,
    /// Suspended by its schedule.
    Suspended,
    /// A command that exited.
    Exited {
        /// Exit code.
        code: i32,
    },
    /// Faulted; `restart_at_unix_ns` when the policy will restart it.
    Faulted {
        /// Why.
        reason: FaultReason,
        /// Restart time, POSIX ns.
        restart_at_unix_ns: Option<i64>,
    },
    /// The computer is off or booting.
    Off,
}

/// Counters and state of one app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppStatus {
    /// Id.
    pub id: AppId,
    /// Name.
    pub name: String,
    /// State.
    pub state: AppState,
    /// Instructions executed over the app's life on this computer.
    pub instructions: u64,
    /// Faults so far.
    pub faults: u32,
    /// Restarts after faults so far.
    pub restarts: u32,
    /// Bytes of file storage used.
    pub storage_used_bytes: u64,
    /// Downlink bytes queued (waiting).
    pub downlink_queued_bytes: u64,
    /// Downlink bytes delivered.
    pub downlink_delivered_bytes: u64,
    /// Refused `memory.grow` calls.
    pub refused_memory_grows: u32,
    /// Linear memory the app holds now, bytes (0 when it is not loaded).
    pub memory_bytes: u64,
}

/// Instructions one app executed in a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppTick {
    /// App name (shared with the computer's record of the app).
    pub app: Arc<str>,
    /// Instructions in this step.
    pub instructions: u64,
}

/// What a step produced.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TickReport {
    /// Step start.
    pub start: Epoch,
    /// Step length.
    pub dt: Duration,
    /// Instructions executed in the step (all apps, host-call costs included).
    pub instructions: u64,
    /// Fraction of the step the CPU was busy, 0..1 (drives power and heat).
    pub busy_fraction: f64,
    /// Per app, in install order.
    pub apps: Vec<AppTick>,
    /// Events since the previous step, in order.
    pub events: Vec<ComputerEvent>,
    /// Log lines since the previous step, in order.
    pub logs: Vec<LogLine>,
}
