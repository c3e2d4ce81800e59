//! The onboard computer: several apps time-sliced on one simulated CPU.
//!
//! An [`OnboardComputer`] owns its apps, its [`SatelliteBus`] and a CPU timeline. Each
//! [`OnboardComputer::step`] covers `[start, start + dt)`: the computer executes
//! `instruction_rate_ips × dt` instructions' worth of simulated time, handing quanta of fuel
//! to apps by priority and share, advancing its clock by every instruction executed (guest
//! code and host-call costs) and jumping over idle time to the next wake-up.

pub mod events;
pub(crate) mod exec;
mod lifecycle;
pub mod schedule;
mod scheduler;
pub(crate) mod timeline;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use hifitime::{Duration, Epoch, Unit};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

use crate::bus::{self, CameraService, DownlinkProgress, IslMessage, SatelliteBus, SharedBus};
use crate::hypervisor::{AppImage, Hypervisor, RamPool};
use crate::state::Conditions;
use crate::time::unix_ns_to_epoch;

pub use events::{AppId, ComputerEvent, EventKind, FaultReason, LogLevel, LogLine};
pub use exec::{GlobalValue, ReactorState};
pub use lifecycle::AppPackage;
pub use schedule::Schedule;

use exec::Exec;

/// Default heartbeat watchdog timeout of an app: 300 s.
pub const DEFAULT_HEARTBEAT_TIMEOUT: Duration = Duration::from_parts(0, 300_000_000_000);

/// The onboard computer's hardware, as the simulation gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComputerSpec {
    /// Instructions executed per simulated second (wasm operators and host-call costs).
    pub instruction_rate_ips: u64,
    /// RAM for the apps' linear memories, bytes.
    pub ram_bytes: u64,
    /// Storage for the apps' files, bytes.
    pub storage_bytes: u64,
    /// Heartbeat watchdog timeout of apps that do not set their own
    /// ([`AppConfig::heartbeat_timeout`]). This supervises apps; the hardware watchdog that
    /// resets the whole computer is the hardware model's, kicked by the hypervisor itself.
    pub heartbeat_timeout: Duration,
    /// Time from power-on until apps start.
    pub boot_time: Duration,
}

impl Default for ComputerSpec {
    /// A modest cubesat computer: 100 MIPS, 256 MiB RAM, 1 GiB storage, 5 s boot, apps'
    /// heartbeat watchdog 300 s.
    fn default() -> Self {
        Self {
            instruction_rate_ips: 100_000_000,
            ram_bytes: 256 << 20,
            storage_bytes: 1 << 30,
            heartbeat_timeout: DEFAULT_HEARTBEAT_TIMEOUT,
            boot_time: 5 * Unit::Second,
        }
    }
}

/// Per-app resource limits (docs/abi.md, "Limits").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppLimits {
    /// Linear memory cap, bytes.
    pub memory_bytes: u64,
    /// File storage quota, bytes.
    pub storage_bytes: u64,
    /// Table elements cap.
    pub table_elements: u64,
    /// Log lines per simulated second (token refill rate).
    pub log_lines_per_s: u64,
    /// Log burst, lines.
    pub log_burst_lines: u64,
    /// Bytes the app may have waiting in the downlink queue.
    pub downlink_queue_bytes: u64,
    /// Downlink bytes accepted per simulated second.
    pub downlink_rate_bytes_per_s: u64,
    /// Downlink burst, bytes.
    pub downlink_burst_bytes: u64,
    /// Pending uplinked commands / ISL messages / unsent ISL messages, each.
    pub max_pending_messages: u32,
    /// Bytes the app may have waiting to be sent over ISL.
    pub isl_queue_bytes: u64,
}

impl Default for AppLimits {
    fn default() -> Self {
        Self {
            memory_bytes: 64 << 20,
            storage_bytes: 16 << 20,
            table_elements: 10_000,
            log_lines_per_s: 50,
            log_burst_lines: 200,
            downlink_queue_bytes: 64 << 20,
            downlink_rate_bytes_per_s: 10_000_000,
            downlink_burst_bytes: 64_000_000,
            max_pending_messages: 1024,
            isl_queue_bytes: 16 << 20,
        }
    }
}

/// What happens after a fault.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RestartPolicy {
    /// Stay faulted.
    Never,
    /// Restart after a fixed delay.
    Always {
        /// Delay after the fault.
        delay: Duration,
    },
    /// Restart after `initial`, doubling after each consecutive fault up to `max`; the count
    /// resets once the app has run for `max` without faulting.
    Backoff {
        /// First delay.
        initial: Duration,
        /// Largest delay.
        max: Duration,
    },
}

/// How an app is installed.
#[derive(Debug, Clone, PartialEq)]
pub struct AppConfig {
    /// Name (1..=63 printable ASCII bytes, no `/`), unique on the computer.
    pub name: String,
    /// Priority: a runnable app of higher priority always runs before one of lower priority.
    pub priority: u8,
    /// Weight within a priority: CPU is shared in proportion to it.
    pub share: u32,
    /// When the app may run.
    pub schedule: Schedule,
    /// After a fault.
    pub restart: RestartPolicy,
    /// Resource limits.
    pub limits: AppLimits,
    /// Longest run without blocking (command) or in one handler call (reactor), simulated time.
    pub cpu_watchdog: Duration,
    /// Heartbeat watchdog timeout (`None`: the computer's `heartbeat_timeout`, by default
    /// [`DEFAULT_HEARTBEAT_TIMEOUT`]).
    pub heartbeat_timeout: Option<Duration>,
    /// Arguments after the program name (WASI `args_get`).
    pub args: Vec<String>,
}

impl AppConfig {
    /// Defaults for an app named `name`: priority 100, share 100, always scheduled, restart
    /// with back-off (1 s doubling up to 5 min), default limits, 600 s CPU watchdog.
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_string(),
            priority: 100,
            share: 100,
            schedule: Schedule::Always,
            restart: RestartPolicy::Backoff {
                initial: Unit::Second * 1,
                max: Unit::Minute * 5,
            },
            limits: AppLimits::default(),
            cpu_watchdog: Unit::Second * 600,
            heartbeat_timeout: None,
            args: Vec::new(),
        }
    }
}

/// Errors of lifecycle commands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComputerError {
    /// No app with this id.
    #[error("no app {id}")]
    NoSuchApp {
        /// The id.
        id: AppId,
    },
    /// The name is taken on this computer.
    #[error("an app named {name:?} is already installed")]
    NameTaken {
        /// The name.
        name: String,
    },
    /// The name is not 1..=63 printable ASCII bytes without `/`.
    #[error("invalid app name {name:?}: 1..=63 printable ASCII bytes, no '/'")]
    InvalidName {
        /// The name.
        name: String,
    },
    /// The image is from another hypervisor (another engine).
    #[error("the image was compiled by another hypervisor")]
    ForeignImage,
    /// A reactor can only migrate with its state between handler calls.
    #[error("app {name:?} is running a handler; a reactor migrates only at rest")]
    NotAtRest {
        /// The app.
        name: String,
    },
    /// Share must be at least 1.
    #[error("share must be >= 1")]
    ZeroShare,
}

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
}

/// Instructions one app executed in a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppTick {
    /// App name.
    pub app: String,
    /// Instructions in this step.
    pub instructions: u64,
}

/// What a step produced.
#[derive(Debug, Clone, PartialEq)]
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

/// Power state of the computer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Power {
    On,
    Booting { until_ns: i64 },
    Off { on_at_ns: Option<i64> },
}

/// Where an app is in its life.
pub(crate) enum Phase {
    Stopped,
    Exited(i32),
    Faulted(FaultReason),
    RestartAt(i64, FaultReason),
    Live(Live),
}

/// A running app.
pub(crate) struct Live {
    pub exec: Exec,
    /// Suspended by the schedule since (POSIX ns).
    pub suspended_since: Option<i64>,
    /// Last time the app blocked, returned to rest, or started (CPU watchdog), shifted by
    /// suspensions.
    pub running_since_ns: i64,
    /// Stop requested: deliver `ST_EV_STOP`, then stop (deadline, POSIX ns).
    pub stopping_until: Option<i64>,
    /// `ST_EV_STOP` has been handed to the reactor's handler.
    pub stop_delivered: bool,
}

/// An installed app.
pub(crate) struct AppSlot {
    pub id: AppId,
    pub slot: usize,
    pub name: String,
    pub image: AppImage,
    pub config: AppConfig,
    pub enabled: bool,
    pub phase: Phase,
    pub vruntime: u128,
    pub consecutive_faults: u32,
    pub faults: u32,
    pub restarts: u32,
    pub live_since_ns: i64,
    pub tick_instructions: u64,
    pub refused_grows: Arc<std::sync::atomic::AtomicU32>,
}

/// Stop grace for a reactor's `ST_EV_STOP` handler.
pub const STOP_GRACE: Duration = Duration::from_parts(0, 10_000_000_000);

/// A satellite's onboard computer running apps.
pub struct OnboardComputer {
    hv: Hypervisor,
    spec: ComputerSpec,
    run_seed: u64,
    bus: SharedBus,
    ram: Arc<RamPool>,
    apps: Vec<AppSlot>,
    next_id: u32,
    /// The computer's clock, POSIX ns: the end of the last step between steps, the current
    /// level's position during a step.
    cursor_ns: i64,
    /// Sub-nanosecond remainder of the current level's timeline (instruction·ns units).
    cursor_rem: u64,
    /// Per priority level: CPU time already executed past the end of the last step (ns and
    /// remainder), placed first in the level's next pass.
    owed: BTreeMap<u8, (i64, u64)>,
    /// Per priority level: virtual runtime floor (a waking app starts no lower).
    vfloor: BTreeMap<u8, u128>,
    power: Power,
    last_conditions: Option<Conditions>,
}

impl std::fmt::Debug for OnboardComputer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OnboardComputer")
            .field("spec", &self.spec)
            .field(
                "apps",
                &self.apps.iter().map(|a| &a.name).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

/// A ChaCha20 stream from a 64-bit seed and a stream number: the seed's little-endian bytes
/// fill the first 8 of the 32 key bytes (rand_chacha is portable across platforms and
/// versions; `StdRng` is not).
pub fn seeded_rng(seed: u64, stream: u64) -> ChaCha20Rng {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    let mut rng = ChaCha20Rng::from_seed(key);
    rng.set_stream(stream);
    rng
}

impl OnboardComputer {
    /// A powered-on computer for satellite `satellite` with no apps, its clock at `start`.
    /// `run_seed` seeds every app's random stream (with the satellite and app names).
    pub fn new(
        hv: &Hypervisor,
        spec: ComputerSpec,
        satellite: &str,
        run_seed: u64,
        start: Epoch,
    ) -> Self {
        let bus = Arc::new(Mutex::new(SatelliteBus::new(satellite, spec.storage_bytes)));
        let ram = Arc::new(RamPool::new(spec.ram_bytes));
        let cursor_ns = crate::time::epoch_to_unix_ns(start);
        Self {
            hv: hv.clone(),
            spec,
            run_seed,
            bus,
            ram,
            apps: Vec::new(),
            next_id: 1,
            cursor_ns,
            cursor_rem: 0,
            owed: BTreeMap::new(),
            vfloor: BTreeMap::new(),
            power: Power::On,
            last_conditions: None,
        }
    }

    /// The hardware spec.
    pub fn spec(&self) -> &ComputerSpec {
        &self.spec
    }

    /// The computer's clock (end of the last step, or later after an overrun).
    pub fn now(&self) -> Epoch {
        unix_ns_to_epoch(self.cursor_ns)
    }

    /// The satellite's name.
    pub fn satellite(&self) -> String {
        bus::lock(&self.bus).satellite.clone()
    }

    /// Sets the names of the satellites reachable over ISL (addresses `isl_send` accepts).
    pub fn set_peers<I: IntoIterator<Item = String>>(&self, peers: I) {
        bus::lock(&self.bus).peers = peers.into_iter().collect();
    }

    /// Installs the camera service (`camera_info`, `camera_capture`).
    pub fn set_camera(&self, camera: Box<dyn CameraService>) {
        bus::lock(&self.bus).camera = Some(camera);
    }

    /// The latest attitude request, if any.
    pub fn attitude_request(&self) -> Option<bus::AttitudeRequest> {
        bus::lock(&self.bus).attitude.clone()
    }

    /// Sends up to `max_bytes` of queued downlink data (call during contact with the bytes the
    /// link carries in the interval).
    pub fn drain_downlink(&self, max_bytes: u64) -> DownlinkProgress {
        bus::lock(&self.bus).drain_downlink(max_bytes)
    }

    /// Bytes waiting in the downlink queue.
    pub fn downlink_queued_bytes(&self) -> u64 {
        bus::lock(&self.bus).downlink_queued_bytes()
    }

    /// Takes the ISL messages sent since the last call.
    pub fn take_isl_outbox(&self) -> Vec<IslMessage> {
        bus::lock(&self.bus).take_isl_outbox()
    }

    /// Delivers an ISL message; `false` if no app can receive it.
    pub fn deliver_isl(&self, msg: IslMessage) -> bool {
        let now = self.cursor_ns;
        bus::lock(&self.bus).deliver_isl(now, msg)
    }

    /// Delivers an uplinked command to app `app` (by name); `false` if there is no such app
    /// (when its inbox is full the command is dropped with a `command-dropped` event).
    pub fn deliver_command(&self, app: &str, command: &[u8]) -> bool {
        let now = self.cursor_ns;
        let mut bus = bus::lock(&self.bus);
        let Some(slot) = bus.slot_of(app) else {
            return false;
        };
        let Some(a) = bus.app_mut(slot) else {
            return false;
        };
        if a.commands.len() >= a.limits.max_pending_messages as usize
            || command.len() > crate::hypervisor::abi::MAX_COMMAND_BYTES
        {
            bus.event(now, Some(app), EventKind::CommandDropped);
            return true;
        }
        a.commands.push_back(command.to_vec());
        a.latched |= crate::hypervisor::abi::EV_COMMAND;
        true
    }

    /// Ids of installed apps in install order.
    pub fn app_ids(&self) -> Vec<AppId> {
        self.apps.iter().map(|a| a.id).collect()
    }

    /// The id of the app named `name`.
    pub fn app_id(&self, name: &str) -> Option<AppId> {
        self.apps.iter().find(|a| a.name == name).map(|a| a.id)
    }

    /// Status of an app.
    pub fn app_status(&self, id: AppId) -> Option<AppStatus> {
        let a = self.apps.iter().find(|a| a.id == id)?;
        let bus = bus::lock(&self.bus);
        let shared = bus.app(a.slot)?;
        let off = !matches!(self.power, Power::On);
        let state = match &a.phase {
            _ if off => AppState::Off,
            Phase::Stopped => AppState::Stopped,
            Phase::Exited(code) => AppState::Exited { code: *code },
            Phase::Faulted(reason) => AppState::Faulted {
                reason: reason.clone(),
                restart_at_unix_ns: None,
            },
            Phase::RestartAt(t, reason) => AppState::Faulted {
                reason: reason.clone(),
                restart_at_unix_ns: Some(*t),
            },
            Phase::Live(l) if l.suspended_since.is_some() => AppState::Suspended,
            Phase::Live(l) => match &l.exec {
                Exec::AtRest { .. } => AppState::Blocked,
                Exec::InFlight { .. } if shared.exec.block.is_some() => AppState::Blocked,
                Exec::InFlight { .. } => AppState::Running,
            },
        };
        Some(AppStatus {
            id: a.id,
            name: a.name.clone(),
            state,
            instructions: shared.instructions_total,
            faults: a.faults,
            restarts: a.restarts,
            storage_used_bytes: shared.vfs.used_bytes(),
            downlink_queued_bytes: shared.downlink.queued_bytes,
            downlink_delivered_bytes: shared.downlink.delivered_bytes,
            refused_memory_grows: a.refused_grows.load(std::sync::atomic::Ordering::Relaxed),
        })
    }

    /// An app's files (path, contents), in path order.
    pub fn app_files(&self, id: AppId) -> Vec<(String, Vec<u8>)> {
        let Some(a) = self.apps.iter().find(|a| a.id == id) else {
            return Vec::new();
        };
        let bus = bus::lock(&self.bus);
        bus.app(a.slot)
            .map(|s| {
                s.vfs
                    .files()
                    .map(|(p, d)| (p.to_string(), d.to_vec()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// RAM used by linear memories, bytes.
    pub fn ram_used_bytes(&self) -> u64 {
        self.ram.used_bytes()
    }

    /// Storage used by files, bytes.
    pub fn storage_used_bytes(&self) -> u64 {
        bus::lock(&self.bus).storage_used_bytes()
    }

    fn event(&self, app: Option<&str>, kind: EventKind) {
        let now = self.cursor_ns;
        bus::lock(&self.bus).event(now, app, kind);
    }

    fn vfloor_of(&self, priority: u8) -> u128 {
        self.vfloor.get(&priority).copied().unwrap_or(0)
    }

    fn index(&self, id: AppId) -> Result<usize, ComputerError> {
        self.apps
            .iter()
            .position(|a| a.id == id)
            .ok_or(ComputerError::NoSuchApp { id })
    }
}
