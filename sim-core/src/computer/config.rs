//! How the onboard computer and its apps are set up: the computer's hardware, and each app's
//! priority, share, schedule, restart policy, limits and watchdogs.

use hifitime::{Duration, Unit};

use super::schedule::Schedule;
use crate::bus::app_settings::AppLimits;

/// Default heartbeat watchdog timeout of an app: 300 s.
pub const DEFAULT_HEARTBEAT_TIMEOUT: Duration = Duration::from_parts(0, 300_000_000_000);

/// Default CPU watchdog of an app: 10 s of its own CPU time without a host call. With the
/// default restart back-off (1 s doubling to 5 min) an app that spins after every restart
/// holds the CPU for 10 s in every 310 s at most once the back-off has reached its cap.
pub const DEFAULT_CPU_WATCHDOG: Duration = Duration::from_parts(0, 10_000_000_000);

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
    /// CPU watchdog: the most CPU time the app may run without making a host call (its own
    /// instructions at the computer's rate; time blocked, suspended or waiting for the CPU
    /// does not count). An app that computes for longer between calls raises it.
    pub cpu_watchdog: Duration,
    /// Heartbeat watchdog timeout (`None`: the computer's `heartbeat_timeout`, by default
    /// [`DEFAULT_HEARTBEAT_TIMEOUT`]).
    pub heartbeat_timeout: Option<Duration>,
    /// Arguments after the program name (WASI `args_get`).
    pub args: Vec<String>,
}

impl AppConfig {
    /// Defaults for an app named `name`: priority 100, share 100, always scheduled, restart
    /// with back-off (1 s doubling up to 5 min), default limits, a
    /// [`DEFAULT_CPU_WATCHDOG`] of 10 s.
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
            cpu_watchdog: DEFAULT_CPU_WATCHDOG,
            heartbeat_timeout: None,
            args: Vec::new(),
        }
    }
}

/// Stop grace for a reactor's `ST_EV_STOP` handler.
pub const STOP_GRACE: Duration = Duration::from_parts(0, 10_000_000_000);
