//! The onboard computer: several apps time-sliced on one simulated CPU.
//!
//! An [`OnboardComputer`] owns its apps, its [`AppBus`] and a CPU timeline. Each
//! [`OnboardComputer::step`] covers `[start, start + dt)`: the computer executes
//! `instruction_rate_ips × dt` instructions' worth of simulated time, handing quanta of fuel
//! to apps by priority and share, advancing its clock by every instruction executed (guest
//! code and host-call costs) and jumping over idle time to the next wake-up. This file holds
//! the computer's state and its queries; `lifecycle.rs` its commands, `step.rs` its step.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use hifitime::Epoch;

use super::config::{AppConfig, ComputerSpec};
use super::error::ComputerError;
use super::execution::Execution;
use super::status::{AppState, AppStatus};
use crate::bus::app_bus::{AppBus, SharedAppBus, lock};
use crate::bus::devices::{AttitudeRequest, CameraService};
use crate::bus::events::{AppId, EventKind, FaultReason};
use crate::bus::messages::{DownlinkProgress, IslMessage};
use crate::hypervisor::ctx::RamPool;
use crate::hypervisor::engine::Hypervisor;
use crate::hypervisor::image::AppImage;
use crate::state::Conditions;
use crate::time::{epoch_to_unix_ns, unix_ns_to_epoch};

/// Power state of the computer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Power {
    On,
    Booting { until_ns: i64 },
    Off { on_at_ns: Option<i64> },
}

/// Where an app is in its life.
pub(super) enum Phase {
    Stopped,
    Exited(i32),
    Faulted(FaultReason),
    RestartAt(i64, FaultReason),
    Live(Live),
}

/// A running app.
pub(super) struct Live {
    pub execution: Execution,
    /// Suspended by the schedule since (POSIX ns).
    pub suspended_since: Option<i64>,
    /// Stop requested: deliver `ST_EV_STOP`, then stop (deadline, POSIX ns).
    pub stopping_until: Option<i64>,
    /// `ST_EV_STOP` has been handed to the reactor's handler.
    pub stop_delivered: bool,
}

/// An installed app.
pub(super) struct AppSlot {
    pub id: AppId,
    pub slot: usize,
    pub name: String,
    /// The name again, shared by the step reports.
    pub shared_name: Arc<str>,
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
    /// Linear memory its stores hold, bytes.
    pub memory_bytes: Arc<std::sync::atomic::AtomicU64>,
}

/// A satellite's onboard computer running apps.
pub struct OnboardComputer {
    pub(super) hv: Hypervisor,
    pub(super) spec: ComputerSpec,
    pub(super) run_seed: u64,
    pub(super) bus: SharedAppBus,
    pub(super) ram: Arc<RamPool>,
    pub(super) apps: Vec<AppSlot>,
    pub(super) next_id: u32,
    /// The computer's clock, POSIX ns: the end of the last step between steps, the current
    /// level's position during a step.
    pub(super) cursor_ns: i64,
    /// Sub-nanosecond remainder of the current level's timeline (instruction·ns units).
    pub(super) cursor_rem: u64,
    /// Per priority level: CPU time already executed past the end of the last step (ns and
    /// remainder), placed first in the level's next pass.
    pub(super) owed: BTreeMap<u8, (i64, u64)>,
    /// Per priority level: virtual runtime floor (a waking app starts no lower).
    pub(super) vfloor: BTreeMap<u8, u128>,
    pub(super) power: Power,
    /// The hypervisor hangs (fault injection): nothing runs and the hardware watchdog is not
    /// kicked until the computer is reset.
    pub(super) hung: bool,
    pub(super) last_conditions: Option<Conditions>,
    /// Scratch buffers of the scheduler, kept between steps so a step allocates nothing:
    /// the priority levels of this step and a level's ready queue.
    pub(super) levels_buf: Vec<u8>,
    pub(super) ready_buf: ReadyQueue,
}

/// The runnable apps of one level, ordered by (virtual runtime, install order): a sorted
/// vector, smallest last (a level holds a handful of apps; a `BTreeSet` allocated a node per
/// step).
#[derive(Debug, Default)]
pub(super) struct ReadyQueue(Vec<(u128, usize)>);

impl ReadyQueue {
    pub(super) fn clear(&mut self) {
        self.0.clear();
    }

    /// Removes and returns the smallest entry.
    pub(super) fn pop_first(&mut self) -> Option<(u128, usize)> {
        self.0.pop()
    }

    /// Adds `e` (once: an entry already present stays single, as in a set).
    pub(super) fn insert(&mut self, e: (u128, usize)) {
        // Descending order: the entries greater than `e` come first.
        let at = self.0.partition_point(|x| *x > e);
        if self.0.get(at) != Some(&e) {
            self.0.insert(at, e);
        }
    }
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
        let bus = Arc::new(Mutex::new(AppBus::new(satellite, spec.storage_bytes)));
        let ram = Arc::new(RamPool::new(spec.ram_bytes));
        let cursor_ns = epoch_to_unix_ns(start);
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
            hung: false,
            last_conditions: None,
            levels_buf: Vec::new(),
            ready_buf: ReadyQueue::default(),
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
        lock(&self.bus).satellite().to_string()
    }

    /// Sets the names of the satellites reachable over ISL (addresses `isl_send` accepts).
    pub fn set_peers<I: IntoIterator<Item = String>>(&self, peers: I) {
        self.share_peers(Arc::new(peers.into_iter().collect()));
    }

    /// Sets the peers to a set shared with other computers (a simulation's satellites share
    /// one set of names instead of holding a copy each).
    pub fn share_peers(&self, peers: Arc<BTreeSet<String>>) {
        lock(&self.bus).set_peers(peers);
    }

    /// Installs the camera service (`camera_info`, `camera_capture`).
    pub fn set_camera(&self, camera: Box<dyn CameraService>) {
        lock(&self.bus).set_camera(camera);
    }

    /// The latest attitude request, if any.
    pub fn attitude_request(&self) -> Option<AttitudeRequest> {
        lock(&self.bus).attitude_request().cloned()
    }

    /// Sends up to `max_bytes` of queued downlink data (call during contact with the bytes the
    /// link carries in the interval).
    pub fn drain_downlink(&self, max_bytes: u64) -> DownlinkProgress {
        lock(&self.bus).drain_downlink(max_bytes)
    }

    /// Bytes waiting in the downlink queue.
    pub fn downlink_queued_bytes(&self) -> u64 {
        lock(&self.bus).downlink_queued_bytes()
    }

    /// Whether an installed app, running or not, can send over the ISL
    /// ([`AppImage::sends_isl`]).
    pub fn may_send_isl(&self) -> bool {
        self.apps.iter().any(|a| a.image.sends_isl())
    }

    /// Takes the ISL messages sent since the last call.
    pub fn take_isl_outbox(&self) -> Vec<IslMessage> {
        lock(&self.bus).take_isl_outbox()
    }

    /// Delivers an ISL message; `false` if no app can receive it.
    pub fn deliver_isl(&self, msg: IslMessage) -> bool {
        let now = self.cursor_ns;
        lock(&self.bus).deliver_isl(now, msg)
    }

    /// Delivers an uplinked command to app `app` (by name); `false` if there is no such app
    /// (when its inbox is full the command is dropped with a `command-dropped` event).
    pub fn deliver_command(&self, app: &str, command: &[u8]) -> bool {
        let now = self.cursor_ns;
        lock(&self.bus).deliver_command(now, app, command)
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
        let bus = lock(&self.bus);
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
            Phase::Live(l) => match &l.execution {
                Execution::AtRest { .. } => AppState::Blocked,
                Execution::InFlight { .. } if shared.execution.block.is_some() => AppState::Blocked,
                Execution::InFlight { .. } => AppState::Running,
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
            memory_bytes: a.memory_bytes.load(std::sync::atomic::Ordering::Relaxed),
        })
    }

    /// An app's files (path, contents), in path order.
    pub fn app_files(&self, id: AppId) -> Vec<(String, Vec<u8>)> {
        let Some(a) = self.apps.iter().find(|a| a.id == id) else {
            return Vec::new();
        };
        let bus = lock(&self.bus);
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
        lock(&self.bus).storage_used_bytes()
    }

    pub(super) fn event(&self, app: Option<&str>, kind: EventKind) {
        let now = self.cursor_ns;
        lock(&self.bus).event(now, app, kind);
    }

    pub(super) fn vfloor_of(&self, priority: u8) -> u128 {
        self.vfloor.get(&priority).copied().unwrap_or(0)
    }

    pub(super) fn index(&self, id: AppId) -> Result<usize, ComputerError> {
        self.apps
            .iter()
            .position(|a| a.id == id)
            .ok_or(ComputerError::NoSuchApp { id })
    }
}
