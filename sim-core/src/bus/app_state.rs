//! What the bus keeps for each app: inboxes, files and open descriptors, rate limits,
//! downlink accounting, and the execution bookkeeping the scheduler and the host functions
//! share.

use std::collections::{BTreeMap, VecDeque};

use rand_chacha::ChaCha20Rng;

use super::app_settings::{AppLimits, AppStyle};
use super::messages::IslIncoming;
use super::timeline::{Timeline, instructions_to_ns};
use super::token_bucket::TokenBucket;
use super::vfs::Vfs;

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
pub(crate) struct ExecutionShared {
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
    /// Wasm fuel consumed when the app last entered a host call, or began its current
    /// handler call (the CPU watchdog counts from here).
    pub wasm_at_last_call: u64,
}

impl ExecutionShared {
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
    pub limits: AppLimits,
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
    pub execution: ExecutionShared,
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
    /// A new app's record at `now_ns`: nothing latched, queued or sent; an empty file store
    /// with the storage quota of `limits`; full rate-limit buckets; the standard descriptors.
    pub fn new(
        name: &str,
        style: AppStyle,
        limits: &AppLimits,
        args: Vec<String>,
        env: Vec<String>,
        rng: ChaCha20Rng,
        now_ns: i64,
    ) -> Self {
        Self {
            name: name.to_string(),
            style,
            limits: limits.clone(),
            args,
            env,
            latched: 0,
            subscribed: 0,
            timer_ns: None,
            commands: VecDeque::new(),
            isl_in: VecDeque::new(),
            isl_out_bytes: 0,
            isl_out_messages: 0,
            next_isl_id: 0,
            vfs: Vfs::new(limits.storage_bytes),
            fds: Self::fresh_fds(),
            stdout: Vec::new(),
            stderr: Vec::new(),
            rng,
            log_bucket: TokenBucket::new(limits.log_lines_per_s, limits.log_burst_lines),
            downlink_bucket: TokenBucket::new(
                limits.downlink_rate_bytes_per_s,
                limits.downlink_burst_bytes,
            ),
            downlink: DownlinkAccount::default(),
            execution: ExecutionShared::default(),
            heartbeat_ns: None,
            started_ns: now_ns,
            pending_flips: Vec::new(),
            instructions_total: 0,
            memory_bytes: 0,
        }
    }

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
        self.execution = ExecutionShared::default();
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
