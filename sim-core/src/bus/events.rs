//! What comes out of an onboard computer: events and log lines, stamped with simulated time.

use std::fmt;

use hifitime::Epoch;

use crate::time::{format_unix_ns, unix_ns_to_epoch};

/// Identifies an installed app on one computer (never reused on that computer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AppId(pub u32);

impl fmt::Display for AppId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// Log level of a line (the `level` argument of `log`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    /// 0
    Trace,
    /// 1
    Debug,
    /// 2 (stdout)
    Info,
    /// 3 (stderr)
    Warn,
    /// 4
    Error,
}

impl LogLevel {
    /// The level of an ABI level number, if valid.
    pub fn from_abi(level: i32) -> Option<Self> {
        Some(match level {
            0 => Self::Trace,
            1 => Self::Debug,
            2 => Self::Info,
            3 => Self::Warn,
            4 => Self::Error,
            _ => return None,
        })
    }

    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Trace => "trace",
            Self::Debug => "debug",
            Self::Info => "info",
            Self::Warn => "warn",
            Self::Error => "error",
        }
    }
}

/// One sanitised log line of an app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// Simulated UTC time of the call, POSIX nanoseconds.
    pub time_unix_ns: i64,
    /// App name.
    pub app: String,
    /// Level.
    pub level: LogLevel,
    /// Sanitised text (valid UTF-8, no control characters except tab, at most 1 KiB + `…`).
    pub text: String,
}

impl LogLine {
    /// Simulated UTC time of the line.
    pub fn time(&self) -> Epoch {
        unix_ns_to_epoch(self.time_unix_ns)
    }
}

impl fmt::Display for LogLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {}: {}",
            format_unix_ns(self.time_unix_ns),
            self.app,
            self.level.as_str(),
            self.text
        )
    }
}

/// Why an app was faulted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultReason {
    /// A WebAssembly trap (`unreachable`, out-of-bounds access, division by zero, ...).
    Trap {
        /// The trap's description.
        message: String,
    },
    /// The guest ran out of wasm stack (`max_wasm_stack`).
    StackOverflow,
    /// The app ran for longer than its CPU watchdog (its own CPU time) without a host call.
    CpuWatchdog,
    /// A heartbeat was missed (the watchdog armed by `heartbeat`).
    HeartbeatWatchdog,
    /// Instantiation was refused by a limit (initial memory or table above the cap, RAM of
    /// the computer exhausted).
    Limit {
        /// What was refused.
        message: String,
    },
    /// Instantiation or the call failed for another reason.
    Instantiation {
        /// The error.
        message: String,
    },
    /// Host code panicked while serving this app (a bug in skytwin, isolated to the app).
    HostPanic {
        /// The panic message.
        message: String,
    },
}

impl FaultReason {
    /// Short machine-readable name: `trap`, `stack-overflow`, `cpu-watchdog`, `watchdog`,
    /// `limit`, `instantiation`, `host-panic`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Trap { .. } => "trap",
            Self::StackOverflow => "stack-overflow",
            Self::CpuWatchdog => "cpu-watchdog",
            Self::HeartbeatWatchdog => "watchdog",
            Self::Limit { .. } => "limit",
            Self::Instantiation { .. } => "instantiation",
            Self::HostPanic { .. } => "host-panic",
        }
    }
}

impl fmt::Display for FaultReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Trap { message }
            | Self::Limit { message }
            | Self::Instantiation { message }
            | Self::HostPanic { message } => write!(f, "{}: {message}", self.code()),
            _ => f.write_str(self.code()),
        }
    }
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// An image was installed.
    Installed,
    /// The image was replaced.
    Updated,
    /// The app was started (instantiation begins).
    Started,
    /// A command app returned from `_start` or called `proc_exit`.
    Exited {
        /// Exit code (0 when `_start` returned).
        code: i32,
    },
    /// The app faulted.
    Faulted {
        /// Why.
        reason: FaultReason,
    },
    /// The restart policy will restart the app.
    RestartScheduled {
        /// When, POSIX ns.
        at_unix_ns: i64,
        /// Consecutive restarts so far, including this one.
        attempt: u32,
    },
    /// The app was restarted after a fault.
    Restarted,
    /// The app was stopped by a lifecycle command.
    Stopped,
    /// The app was removed with its files.
    Removed,
    /// Its schedule suspended the app.
    Suspended,
    /// Its schedule resumed the app.
    Resumed,
    /// A reactor's event handler returned non-zero.
    HandlerError {
        /// The value returned.
        code: i32,
    },
    /// Log lines are being dropped by the rate limit (one event per burst).
    LogSquelched,
    /// Downlink requests are being refused by the rate limit (one event per burst).
    DownlinkSquelched,
    /// An uplinked command was dropped because the app's inbox was full.
    CommandDropped,
    /// An inter-satellite message was dropped because the app's inbox was full.
    IslDropped,
    /// Bits were flipped in the app's linear memory (fault injection).
    MemoryBitFlips {
        /// Number of bits flipped.
        bits: u32,
    },
    /// The app was moved out of this computer (migration).
    MigratedOut,
    /// The app arrived from another computer (migration).
    MigratedIn {
        /// `true` when its memory and globals were restored (reactor at rest).
        with_state: bool,
    },
    /// The computer lost power (brown-out or commanded off); RAM state is lost.
    PoweredOff,
    /// The computer began booting.
    Booting,
    /// The computer finished booting and apps restart.
    Booted,
    /// The hypervisor hung (fault injection): nothing runs until the computer is reset.
    Hung,
}

/// An event on one computer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComputerEvent {
    /// Simulated UTC time, POSIX nanoseconds.
    pub time_unix_ns: i64,
    /// The app concerned, if any.
    pub app: Option<String>,
    /// What happened.
    pub kind: EventKind,
}

impl ComputerEvent {
    /// Simulated UTC time of the event.
    pub fn time(&self) -> Epoch {
        unix_ns_to_epoch(self.time_unix_ns)
    }
}

impl fmt::Display for ComputerEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ", format_unix_ns(self.time_unix_ns))?;
        if let Some(app) = &self.app {
            write!(f, "{app} ")?;
        }
        match &self.kind {
            EventKind::Exited { code } => write!(f, "exited code={code}"),
            EventKind::Faulted { reason } => write!(f, "faulted {reason}"),
            EventKind::RestartScheduled {
                at_unix_ns,
                attempt,
            } => {
                write!(
                    f,
                    "restart-scheduled at={} attempt={attempt}",
                    format_unix_ns(*at_unix_ns)
                )
            }
            EventKind::HandlerError { code } => write!(f, "handler-error code={code}"),
            EventKind::MemoryBitFlips { bits } => write!(f, "memory-bit-flips bits={bits}"),
            EventKind::MigratedIn { with_state } => {
                write!(f, "migrated-in with_state={with_state}")
            }
            other => {
                let name = match other {
                    EventKind::Installed => "installed",
                    EventKind::Updated => "updated",
                    EventKind::Started => "started",
                    EventKind::Restarted => "restarted",
                    EventKind::Stopped => "stopped",
                    EventKind::Removed => "removed",
                    EventKind::Suspended => "suspended",
                    EventKind::Resumed => "resumed",
                    EventKind::LogSquelched => "log-squelched",
                    EventKind::DownlinkSquelched => "downlink-squelched",
                    EventKind::CommandDropped => "command-dropped",
                    EventKind::IslDropped => "isl-dropped",
                    EventKind::MigratedOut => "migrated-out",
                    EventKind::PoweredOff => "powered-off",
                    EventKind::Booting => "booting",
                    EventKind::Booted => "booted",
                    EventKind::Hung => "hung",
                    _ => "event",
                };
                f.write_str(name)
            }
        }
    }
}
