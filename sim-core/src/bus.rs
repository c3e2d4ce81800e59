//! The per-satellite bus: everything the satellite and its apps share during a step.
//!
//! The host functions reach the bus through their store's data (`AppCtx` holds an
//! `Arc<Mutex<SatelliteBus>>`; the store itself lives inside the app's future between polls),
//! the satellite side through [`crate::OnboardComputer`]. Stepping is single-threaded per
//! computer, so the mutex is never contended; it exists because stores and futures must be
//! `Send` to move between worker threads between steps.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use rand_chacha::ChaCha20Rng;

use crate::computer::events::{ComputerEvent, EventKind, LogLevel, LogLine};
use crate::computer::timeline::{Timeline, instructions_to_ns};
use crate::hypervisor::AppStyle;
use crate::hypervisor::abi::{EV_DOWNLINK_DONE, EV_ISL, ST_ERATE};
use crate::hypervisor::sanitize::sanitize_log;
use crate::hypervisor::token_bucket::{Take, TokenBucket};
use crate::hypervisor::vfs::Vfs;
use crate::state::StateSnapshot;

/// Shared handle to a satellite bus.
pub type SharedBus = Arc<Mutex<SatelliteBus>>;

/// Locks a bus, recovering from poisoning (a panic caught while an app was being served must
/// not take the satellite down; the bus holds no invariant a panic can half-update that the
/// next step does not tolerate).
pub fn lock(bus: &SharedBus) -> MutexGuard<'_, SatelliteBus> {
    bus.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Static description of the camera.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CameraInfo {
    /// Image width, pixels.
    pub width_px: u32,
    /// Image height, pixels.
    pub height_px: u32,
    /// Samples per pixel (1 grey, 3 RGB).
    pub channels: u32,
    /// Bits per sample (8).
    pub bits_per_sample: u32,
    /// Full field of view across the width, radians.
    pub fov_rad: f64,
}

impl CameraInfo {
    /// Bytes of one image (`width × height × channels`, 8-bit samples).
    pub fn image_bytes(&self) -> u64 {
        u64::from(self.width_px) * u64::from(self.height_px) * u64::from(self.channels)
    }
}

/// Metadata of a captured image (`st_image_meta_v1`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImageMeta {
    /// Capture time, POSIX ns.
    pub time_unix_ns: i64,
    /// Latitude of the boresight's ground point, radians (NaN if it misses the Earth).
    pub center_lat_rad: f64,
    /// Longitude of the boresight's ground point, radians.
    pub center_lon_rad: f64,
    /// Ground sample distance at the centre, m.
    pub gsd_m: f64,
    /// Off-nadir angle of the boresight, radians.
    pub off_nadir_rad: f64,
    /// Sun elevation at the centre, radians.
    pub sun_elevation_rad: f64,
}

/// Why a capture failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CameraError {
    /// The camera is unpowered (load shed, safe mode) or failed.
    #[error("camera unavailable")]
    Unavailable,
}

/// The camera as a service the satellite provides to its apps: the satellite keeps it
/// up to date with the geometry (position, attitude, Sun) each step; an app's capture call
/// renders into the app's buffer.
pub trait CameraService: Send {
    /// Static description.
    fn info(&self) -> CameraInfo;
    /// Captures an image at `time_unix_ns` into `pixels` (exactly `info().image_bytes()` long,
    /// row-major, samples interleaved).
    fn capture(&mut self, time_unix_ns: i64, pixels: &mut [u8]) -> Result<ImageMeta, CameraError>;
}

/// An attitude mode requested by an app.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AttitudeMode {
    /// Camera boresight (body +z) to nadir.
    Nadir,
    /// Main solar array normal to the Sun.
    Sun,
    /// Hold an inertial attitude (unit quaternion `(w, x, y, z)`, ECI → body).
    Inertial {
        /// `q_body_from_eci`, normalised.
        q_body_from_eci: [f64; 4],
    },
    /// Track a ground point.
    Target {
        /// Geodetic latitude, radians.
        lat_rad: f64,
        /// Longitude, radians.
        lon_rad: f64,
        /// Altitude above the ellipsoid, m.
        alt_m: f64,
    },
}

impl AttitudeMode {
    /// ABI mode number.
    pub fn abi_mode(&self) -> u32 {
        match self {
            Self::Nadir => 0,
            Self::Sun => 1,
            Self::Inertial { .. } => 2,
            Self::Target { .. } => 3,
        }
    }
}

/// The latest attitude request.
#[derive(Debug, Clone, PartialEq)]
pub struct AttitudeRequest {
    /// Requested mode.
    pub mode: AttitudeMode,
    /// Requesting app.
    pub app: String,
    /// When, POSIX ns.
    pub time_unix_ns: i64,
}

/// A downlink message waiting in the satellite's queue.
#[derive(Debug, Clone)]
struct QueuedDownlink {
    slot: usize,
    app: String,
    id: i64,
    priority: u8,
    data: Vec<u8>,
    sent: usize,
}

/// A downlink message fully delivered to the ground.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveredMessage {
    /// Sending app.
    pub app: String,
    /// The app's message id.
    pub id: i64,
    /// Priority 0…7.
    pub priority: u8,
    /// The bytes.
    pub data: Vec<u8>,
}

/// Result of draining the downlink queue for one interval.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DownlinkProgress {
    /// Bytes sent in this interval.
    pub bytes_sent: u64,
    /// Messages completed in this interval.
    pub completed: Vec<DeliveredMessage>,
}

/// An inter-satellite message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IslMessage {
    /// Sender, `"SATELLITE/APP"`.
    pub from: String,
    /// Destination satellite.
    pub to_satellite: String,
    /// Destination app (`None`: the app with the sender's app name).
    pub to_app: Option<String>,
    /// Sender's message id.
    pub id: i64,
    /// Payload.
    pub data: Vec<u8>,
}

/// A message waiting in an app's ISL inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IslIncoming {
    pub from: String,
    pub data: Vec<u8>,
}

/// Per-app downlink accounting (`downlink_stats`, `downlink_status`).
#[derive(Debug, Clone, Default)]
pub(crate) struct DownlinkAccount {
    pub queued_bytes: u64,
    pub queued_messages: u32,
    pub delivered_bytes: u64,
    pub delivered_messages: u32,
    /// id → (length, delivered bytes); the most recent [`MAX_TRACKED_MESSAGES`] ids.
    pub status: BTreeMap<i64, (u64, u64)>,
    pub next_id: i64,
}

/// How many message ids `downlink_status` remembers per app.
pub const MAX_TRACKED_MESSAGES: usize = 65_536;

/// An open file descriptor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fd {
    Stdin,
    Stdout,
    Stderr,
    /// The preopened `/data` (fd 3) or a directory opened below it.
    Dir {
        path: String,
        preopen: bool,
    },
    File {
        path: String,
        offset: u64,
        append: bool,
    },
}

/// Most open descriptors per app.
pub const MAX_OPEN_FDS: usize = 128;

/// A blocking call an app is parked in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Block {
    /// `wait(mask, timeout)`.
    Wait { mask: u32, deadline_ns: Option<i64> },
    /// `sleep_until` or a clock subscription of `poll_oneoff`.
    Sleep { until_ns: i64 },
    /// `sched_yield`: runnable again at once, behind its peers.
    Yield,
}

/// Execution bookkeeping shared between the scheduler and the host functions of an app.
#[derive(Debug, Clone, Default)]
pub(crate) struct ExecShared {
    /// Set by a blocking host call before it returns `Pending`.
    pub block: Option<Block>,
    /// Set by the scheduler to wake the blocking call with this value.
    pub wake: Option<i64>,
    /// Estimate of wasm fuel consumed (monotone, ≤ the truth; exact at host calls).
    pub wasm_est: u64,
    /// Fuel yields since the tank was filled.
    pub yields: u64,
    /// Instructions charged for host calls.
    pub host_charged: u64,
}

impl ExecShared {
    /// Instructions consumed so far (estimate between host calls).
    pub fn instructions(&self) -> u64 {
        self.wasm_est.saturating_add(self.host_charged)
    }
}

/// Per-app state on the bus.
#[derive(Debug)]
pub(crate) struct AppShared {
    pub name: String,
    pub style: AppStyle,
    pub limits: crate::computer::AppLimits,
    pub args: Vec<String>,
    pub env: Vec<String>,
    /// Latched `ST_EV_*` bits.
    pub latched: u32,
    /// Reactor subscription mask.
    pub subscribed: u32,
    /// One-shot timer, POSIX ns.
    pub timer_ns: Option<i64>,
    pub commands: VecDeque<Vec<u8>>,
    pub isl_in: VecDeque<IslIncoming>,
    pub isl_out_bytes: u64,
    pub isl_out_messages: u32,
    pub next_isl_id: i64,
    pub vfs: Vfs,
    pub fds: BTreeMap<u32, Fd>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub rng: ChaCha20Rng,
    pub log_bucket: TokenBucket,
    pub downlink_bucket: TokenBucket,
    pub downlink: DownlinkAccount,
    pub exec: ExecShared,
    /// Heartbeat watchdog: armed by the first `heartbeat`; last beat, POSIX ns.
    pub heartbeat_ns: Option<i64>,
    /// When the current execution started (WASI monotonic clock base), POSIX ns.
    pub started_ns: i64,
    /// Bit flips waiting to be applied at the next host boundary: (byte offset, xor mask).
    pub pending_flips: Vec<(u64, u8)>,
    /// Total instructions over the app's lifetime on this computer (all executions).
    pub instructions_total: u64,
    /// Size of the app's linear memory at its last host call, bytes.
    pub memory_bytes: u64,
}

impl AppShared {
    /// The standard descriptors of a fresh execution.
    pub fn fresh_fds() -> BTreeMap<u32, Fd> {
        BTreeMap::from([
            (0, Fd::Stdin),
            (1, Fd::Stdout),
            (2, Fd::Stderr),
            (
                3,
                Fd::Dir {
                    path: String::new(),
                    preopen: true,
                },
            ),
        ])
    }

    /// Resets what belongs to one execution (RAM state); files, inboxes and accounting stay.
    pub fn reset_execution(&mut self, now_ns: i64) {
        self.fds = Self::fresh_fds();
        self.stdout.clear();
        self.stderr.clear();
        self.exec = ExecShared::default();
        self.heartbeat_ns = None;
        self.started_ns = now_ns;
        self.subscribed = 0;
        self.timer_ns = None;
        self.latched = 0;
        self.pending_flips.clear();
    }
}

/// The CPU timeline position at the start of the current poll (for `time_now` inside it).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct PollClock {
    pub start_ns: i64,
    pub start_rem: u64,
    pub rate_ips: u64,
    pub instr_at_start: u64,
}

impl PollClock {
    /// The simulated time after `instr_now - instr_at_start` more instructions, walking only
    /// through the time the app's priority level has available.
    pub fn now_ns(&self, instr_now: u64, timeline: &Timeline) -> i64 {
        let delta = instr_now.saturating_sub(self.instr_at_start);
        let (ns, _) = instructions_to_ns(delta, self.start_rem, self.rate_ips);
        timeline.advance(self.start_ns, ns, |_, _| {})
    }
}

/// Everything shared between a satellite and its apps.
pub struct SatelliteBus {
    pub(crate) satellite: String,
    pub(crate) peers: BTreeSet<String>,
    pub(crate) snapshot: StateSnapshot,
    pub(crate) safe_mode: bool,
    pub(crate) attitude: Option<AttitudeRequest>,
    pub(crate) camera: Option<Box<dyn CameraService>>,
    /// Ordered by (priority, descending), time queued, queue order.
    downlink: BTreeMap<(std::cmp::Reverse<u8>, i64, u64), QueuedDownlink>,
    downlink_seq: u64,
    /// ISL messages sent, keyed by (time sent, send order).
    pub(crate) isl_out: BTreeMap<(i64, u64), (usize, IslMessage)>,
    isl_seq: u64,
    pub(crate) apps: Vec<Option<AppShared>>,
    pub(crate) clock: PollClock,
    pub(crate) timeline: Timeline,
    pub(crate) storage_total_bytes: u64,
    pub(crate) events: Vec<ComputerEvent>,
    pub(crate) logs: Vec<LogLine>,
}

impl std::fmt::Debug for SatelliteBus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SatelliteBus")
            .field("satellite", &self.satellite)
            .field("apps", &self.apps.len())
            .field("downlink_messages", &self.downlink.len())
            .finish_non_exhaustive()
    }
}

impl SatelliteBus {
    /// An empty bus for satellite `satellite` with `storage_total_bytes` of app storage.
    pub fn new(satellite: &str, storage_total_bytes: u64) -> Self {
        Self {
            satellite: satellite.to_string(),
            peers: BTreeSet::new(),
            snapshot: StateSnapshot::default(),
            safe_mode: false,
            attitude: None,
            camera: None,
            downlink: BTreeMap::new(),
            downlink_seq: 0,
            isl_out: BTreeMap::new(),
            isl_seq: 0,
            apps: Vec::new(),
            clock: PollClock::default(),
            timeline: Timeline::default(),
            storage_total_bytes,
            events: Vec::new(),
            logs: Vec::new(),
        }
    }

    /// The satellite's name.
    pub fn satellite(&self) -> &str {
        &self.satellite
    }

    pub(crate) fn app(&self, slot: usize) -> Option<&AppShared> {
        self.apps.get(slot).and_then(Option::as_ref)
    }

    pub(crate) fn app_mut(&mut self, slot: usize) -> Option<&mut AppShared> {
        self.apps.get_mut(slot).and_then(Option::as_mut)
    }

    pub(crate) fn slot_of(&self, name: &str) -> Option<usize> {
        self.apps
            .iter()
            .position(|a| a.as_ref().is_some_and(|a| a.name == name))
    }

    /// App storage in use on the computer (every app's files), bytes.
    pub(crate) fn storage_used_bytes(&self) -> u64 {
        self.apps
            .iter()
            .flatten()
            .map(|a| a.vfs.used_bytes())
            .fold(0, u64::saturating_add)
    }

    /// Free app storage on the computer, bytes.
    pub(crate) fn storage_free(&self) -> u64 {
        self.storage_total_bytes
            .saturating_sub(self.storage_used_bytes())
    }

    /// Records a log line of app `slot` through its rate limit: 0, or `ST_ERATE` (the line is
    /// dropped; the first refusal of a burst emits one `log-squelched` event).
    pub(crate) fn push_log(
        &mut self,
        slot: usize,
        now_ns: i64,
        level: LogLevel,
        text: String,
    ) -> i32 {
        let Some(app) = self.app_mut(slot) else {
            return 0;
        };
        match app.log_bucket.take(now_ns, 1) {
            Take::Ok => {
                let name = app.name.clone();
                self.logs.push(LogLine {
                    time_unix_ns: now_ns,
                    app: name,
                    level,
                    text,
                });
                0
            }
            Take::RefusedFirst => {
                let name = app.name.clone();
                self.event(now_ns, Some(&name), EventKind::LogSquelched);
                ST_ERATE
            }
            Take::Refused => ST_ERATE,
        }
    }

    /// Logs what is left in app `slot`'s stdout/stderr line buffers.
    pub(crate) fn flush_stdio(&mut self, slot: usize, now_ns: i64) {
        for (stderr, level) in [(false, LogLevel::Info), (true, LogLevel::Warn)] {
            let Some(app) = self.app_mut(slot) else {
                return;
            };
            let buf = if stderr {
                &mut app.stderr
            } else {
                &mut app.stdout
            };
            if !buf.is_empty() {
                let line = std::mem::take(buf);
                self.push_log(slot, now_ns, level, sanitize_log(&line));
            }
        }
    }

    /// Records an event.
    pub(crate) fn event(&mut self, time_unix_ns: i64, app: Option<&str>, kind: EventKind) {
        self.events.push(ComputerEvent {
            time_unix_ns,
            app: app.map(str::to_string),
            kind,
        });
    }

    /// Queues a downlink message for `slot` (quota and rate already checked).
    pub(crate) fn queue_downlink(
        &mut self,
        slot: usize,
        priority: u8,
        now_ns: i64,
        data: Vec<u8>,
    ) -> Option<i64> {
        let app = self.app_mut(slot)?;
        app.downlink.next_id += 1;
        let id = app.downlink.next_id;
        let len = data.len() as u64;
        app.downlink.queued_bytes += len;
        app.downlink.queued_messages += 1;
        app.downlink.status.insert(id, (len, 0));
        while app.downlink.status.len() > MAX_TRACKED_MESSAGES {
            app.downlink.status.pop_first();
        }
        let name = app.name.clone();
        self.downlink_seq += 1;
        self.downlink.insert(
            (std::cmp::Reverse(priority), now_ns, self.downlink_seq),
            QueuedDownlink {
                slot,
                app: name,
                id,
                priority,
                data,
                sent: 0,
            },
        );
        Some(id)
    }

    /// Bytes waiting in the downlink queue.
    pub fn downlink_queued_bytes(&self) -> u64 {
        self.downlink
            .values()
            .map(|m| (m.data.len() - m.sent) as u64)
            .sum()
    }

    /// Sends up to `max_bytes` from the downlink queue (highest priority first, then first in,
    /// first out), updating each app's accounting and latching `ST_EV_DOWNLINK_DONE`.
    pub fn drain_downlink(&mut self, max_bytes: u64) -> DownlinkProgress {
        let mut progress = DownlinkProgress::default();
        let mut budget = max_bytes;
        while budget > 0 {
            let Some(&key) = self.downlink.keys().next() else {
                break;
            };
            let Some(msg) = self.downlink.get_mut(&key) else {
                break;
            };
            let left = (msg.data.len() - msg.sent) as u64;
            let n = left.min(budget);
            msg.sent += n as usize;
            budget -= n;
            progress.bytes_sent += n;
            let (slot, id, done) = (msg.slot, msg.id, msg.sent == msg.data.len());
            if let Some(app) = self.app_mut(slot) {
                app.downlink.queued_bytes = app.downlink.queued_bytes.saturating_sub(n);
                app.downlink.delivered_bytes += n;
                if let Some(st) = app.downlink.status.get_mut(&id) {
                    st.1 += n;
                }
                if done {
                    app.downlink.queued_messages = app.downlink.queued_messages.saturating_sub(1);
                    app.downlink.delivered_messages += 1;
                    app.latched |= EV_DOWNLINK_DONE;
                }
            }
            if done && let Some(msg) = self.downlink.remove(&key) {
                progress.completed.push(DeliveredMessage {
                    app: msg.app,
                    id: msg.id,
                    priority: msg.priority,
                    data: msg.data,
                });
            }
        }
        progress
    }

    /// Drops every queued downlink message of `slot` (app removed).
    pub(crate) fn drop_downlink_of(&mut self, slot: usize) {
        self.downlink.retain(|_, m| m.slot != slot);
        self.isl_out.retain(|_, (s, _)| *s != slot);
    }

    /// Queues an ISL message sent by app `slot` at `now_ns`.
    pub(crate) fn push_isl(&mut self, slot: usize, now_ns: i64, msg: IslMessage) {
        self.isl_seq += 1;
        self.isl_out.insert((now_ns, self.isl_seq), (slot, msg));
    }

    /// Takes the ISL messages apps have sent since the last call, in order of sending time.
    pub fn take_isl_outbox(&mut self) -> Vec<IslMessage> {
        let out: Vec<(usize, IslMessage)> =
            std::mem::take(&mut self.isl_out).into_values().collect();
        for (slot, m) in &out {
            if let Some(app) = self.app_mut(*slot) {
                app.isl_out_bytes = app.isl_out_bytes.saturating_sub(m.data.len() as u64);
                app.isl_out_messages = app.isl_out_messages.saturating_sub(1);
            }
        }
        out.into_iter().map(|(_, m)| m).collect()
    }

    /// Delivers an ISL message to an app's inbox; `false` if no such app (message dropped).
    pub(crate) fn deliver_isl(&mut self, now_ns: i64, msg: IslMessage) -> bool {
        let target = msg
            .to_app
            .clone()
            .or_else(|| msg.from.split_once('/').map(|(_, a)| a.to_string()));
        let Some(slot) = target.and_then(|t| self.slot_of(&t)) else {
            return false;
        };
        let Some(app) = self.app_mut(slot) else {
            return false;
        };
        if app.isl_in.len() >= app.limits.max_pending_messages as usize {
            let name = app.name.clone();
            self.event(now_ns, Some(&name), EventKind::IslDropped);
            return true;
        }
        app.isl_in.push_back(IslIncoming {
            from: msg.from,
            data: msg.data,
        });
        app.latched |= EV_ISL;
        true
    }
}
