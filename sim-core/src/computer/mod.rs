//! The onboard computer: several apps time-sliced on one simulated CPU ([`OnboardComputer`]):
//! its hardware and the apps' configuration ([`config`]), when an app may run
//! ([`schedule`]), how an app's code runs in its store (`execution`), the lifecycle
//! commands, migration, power and fault injection (`lifecycle.rs`), one step of the
//! fuel-metered, priority-sliced scheduler (`step.rs`), and what it reports ([`status`]).
//!
//! It sits on the hypervisor (whose stores it runs) and the bus (which it shares with its
//! apps), and under the simulation.

pub mod config;
mod due;
pub mod error;
pub(crate) mod execution;
mod lifecycle;
mod onboard;
pub mod schedule;
pub mod status;
mod step;

pub use config::{
    AppConfig, ComputerSpec, DEFAULT_CPU_WATCHDOG, DEFAULT_HEARTBEAT_TIMEOUT, RestartPolicy,
    STOP_GRACE,
};
pub use error::ComputerError;
pub use execution::{GlobalValue, ReactorState};
pub use lifecycle::AppPackage;
pub use onboard::OnboardComputer;
pub use schedule::Schedule;
pub use status::{AppState, AppStatus, AppTick, TickReport};

// What the computer's apps are set up with and what it reports, defined on the bus below.
pub use crate::bus::app_settings::AppLimits;
pub use crate::bus::events::{AppId, ComputerEvent, EventKind, FaultReason, LogLevel, LogLine};
