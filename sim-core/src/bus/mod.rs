//! The layer between a satellite and its apps: the [`AppBus`] they share and everything it is
//! made of — events and log lines, the CPU timeline, the apps' settings and records, the file
//! store, token buckets, log sanitising, the WASI numbers, the devices and the messages.
//!
//! It sits on the leaves (`time`, `state`, `abi_codes`) and under everything else: the
//! hypervisor's host functions and the onboard computer's scheduler both work on the bus, so
//! neither has to reach into the other.

pub mod app_bus;
pub mod app_settings;
pub(crate) mod app_state;
pub mod devices;
pub mod events;
pub mod messages;
pub mod sanitize;
pub(crate) mod timeline;
pub mod token_bucket;
pub mod vfs;
pub mod wasi_types;

pub use app_bus::{AppBus, SharedAppBus, lock};
pub use app_settings::{AppLimits, AppStyle};
pub use app_state::{MAX_OPEN_FDS, MAX_TRACKED_MESSAGES};
pub use devices::{
    AttitudeMode, AttitudeRequest, CameraError, CameraInfo, CameraService, ImageMeta,
};
pub use events::{AppId, ComputerEvent, EventKind, FaultReason, LogLevel, LogLine};
pub use messages::{DeliveredMessage, DownlinkProgress, IslMessage};
