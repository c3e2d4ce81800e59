//! The host side of the guest ABI: `skytwin_v1` (docs/abi.md) and `wasi_snapshot_preview1`.
//!
//! `build_linker` defines every function once; the [`SKYTWIN_V1`] and [`WASI_P1`] tables list
//! their signatures so that an image can be checked against them before it is compiled.

pub(crate) mod host;
pub(crate) mod skytwin;
pub(crate) mod wasi;
pub mod wasi_types;

use wasmtime::{Engine, Linker};

use super::ctx::AppCtx;

/// Import module name of the skytwin ABI, version 1.
pub const SKYTWIN_V1_MODULE: &str = "skytwin_v1";
/// Import module name of WASI preview 1.
pub const WASI_P1_MODULE: &str = "wasi_snapshot_preview1";
/// Prefix of import module names of the skytwin ABI (`skytwin_v<N>`).
pub const SKYTWIN_MODULE_PREFIX: &str = "skytwin_v";

// Result codes (docs/abi.md, "Error codes").
/// A `(ptr, len)` lies outside the app's memory or overflows.
pub const ST_EFAULT: i32 = -1;
/// An argument is invalid.
pub const ST_EINVAL: i32 = -2;
/// A queue, quota or buffer on the host is full.
pub const ST_ENOSPC: i32 = -3;
/// Nothing is available now.
pub const ST_EAGAIN: i32 = -4;
/// The guest buffer is too small.
pub const ST_E2BIG: i32 = -5;
/// The device is unavailable now.
pub const ST_EUNAVAIL: i32 = -6;
/// Rate limit reached.
pub const ST_ERATE: i32 = -7;
/// Unknown id, satellite or app.
pub const ST_ENOTFOUND: i32 = -8;
/// A blocking call was made from a reactor's event handler.
pub const ST_EWOULDBLOCK: i32 = -9;

// Event bits (docs/abi.md, "Waiting, events and timers").
/// An uplinked command is waiting.
pub const EV_COMMAND: u32 = 1;
/// An inter-satellite message is waiting.
pub const EV_ISL: u32 = 2;
/// A ground contact began.
pub const EV_CONTACT_START: u32 = 4;
/// A ground contact ended.
pub const EV_CONTACT_END: u32 = 8;
/// The satellite left eclipse.
pub const EV_SUNLIT: u32 = 16;
/// The satellite entered eclipse.
pub const EV_ECLIPSE: u32 = 32;
/// The sub-satellite point entered an area of interest.
pub const EV_AOI_ENTER: u32 = 64;
/// The sub-satellite point left an area of interest.
pub const EV_AOI_EXIT: u32 = 128;
/// One of this app's downlink messages was fully delivered.
pub const EV_DOWNLINK_DONE: u32 = 256;
/// The app's timer expired.
pub const EV_TIMER: u32 = 512;
/// The app was resumed after its schedule suspended it.
pub const EV_RESUMED: u32 = 1024;
/// (reactors) The app has been started.
pub const EV_START: u32 = 2048;
/// (reactors) The app is about to be stopped.
pub const EV_STOP: u32 = 4096;
/// Every defined event bit.
pub const EV_ALL: u32 = 8191;

// Costs (docs/abi.md, "Cost"), in instructions.
/// Base cost of any host call.
pub const COST_HOST_CALL: u64 = 200;
/// Bytes copied between app and host per instruction charged.
pub const COST_BYTES_PER_INSTRUCTION: u64 = 8;
/// Instructions per pixel sample of `camera_capture`.
pub const COST_PER_PIXEL_SAMPLE: u64 = 4;

// Sizes and bounds.
/// Largest downlink message, bytes.
pub const MAX_DOWNLINK_MESSAGE_BYTES: u64 = 16 << 20;
/// Largest ISL message, bytes.
pub const MAX_ISL_MESSAGE_BYTES: u64 = 1 << 20;
/// Largest uplinked command, bytes.
pub const MAX_COMMAND_BYTES: usize = 64 << 10;
/// Longest satellite or app name, bytes.
pub const MAX_NAME_BYTES: usize = 63;
/// Size of `st_camera_info_v1`.
pub const CAMERA_INFO_V1_SIZE: usize = 24;
/// Size of `st_image_meta_v1`.
pub const IMAGE_META_V1_SIZE: usize = 48;
/// Size of `st_downlink_stats_v1`.
pub const DOWNLINK_STATS_V1_SIZE: usize = 24;

/// A core wasm value type in a host signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WasmTy {
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `f64`
    F64,
}

impl WasmTy {
    /// Text-format name.
    pub fn name(self) -> &'static str {
        match self {
            Self::I32 => "i32",
            Self::I64 => "i64",
            Self::F64 => "f64",
        }
    }
}

/// A host function signature: (name, params, results).
pub type HostSig = (&'static str, &'static [WasmTy], &'static [WasmTy]);

use WasmTy::{F64, I32, I64};

/// Every `skytwin_v1` function and its signature.
pub const SKYTWIN_V1: &[HostSig] = &[
    ("abi_version", &[], &[I32]),
    ("time_now", &[], &[I64]),
    ("identity", &[I32, I32], &[I32]),
    ("log", &[I32, I32, I32], &[I32]),
    ("state_read", &[I32, I32], &[I32]),
    ("temperature_name", &[I32, I32, I32], &[I32]),
    ("attitude_request", &[I32, F64, F64, F64, F64], &[I32]),
    ("camera_info", &[I32, I32], &[I32]),
    ("camera_capture", &[I32, I32, I32, I32], &[I32]),
    ("downlink_queue", &[I32, I32, I32], &[I64]),
    ("downlink_status", &[I64], &[I64]),
    ("downlink_stats", &[I32, I32], &[I32]),
    ("command_next_len", &[], &[I32]),
    ("command_recv", &[I32, I32], &[I32]),
    ("isl_send", &[I32, I32, I32, I32], &[I64]),
    ("isl_next_len", &[], &[I32]),
    ("isl_recv", &[I32, I32, I32, I32], &[I32]),
    ("wait", &[I32, I64], &[I32]),
    ("poll_events", &[I32], &[I32]),
    ("sleep_until", &[I64], &[I32]),
    ("timer_set", &[I64], &[I32]),
    ("heartbeat", &[], &[I32]),
    ("subscribe", &[I32], &[I32]),
];

/// Every `wasi_snapshot_preview1` function and its signature (all are defined; the ones not
/// implemented return `ENOSYS`).
pub const WASI_P1: &[HostSig] = &[
    ("args_get", &[I32, I32], &[I32]),
    ("args_sizes_get", &[I32, I32], &[I32]),
    ("environ_get", &[I32, I32], &[I32]),
    ("environ_sizes_get", &[I32, I32], &[I32]),
    ("clock_res_get", &[I32, I32], &[I32]),
    ("clock_time_get", &[I32, I64, I32], &[I32]),
    ("fd_advise", &[I32, I64, I64, I32], &[I32]),
    ("fd_allocate", &[I32, I64, I64], &[I32]),
    ("fd_close", &[I32], &[I32]),
    ("fd_datasync", &[I32], &[I32]),
    ("fd_fdstat_get", &[I32, I32], &[I32]),
    ("fd_fdstat_set_flags", &[I32, I32], &[I32]),
    ("fd_fdstat_set_rights", &[I32, I64, I64], &[I32]),
    ("fd_filestat_get", &[I32, I32], &[I32]),
    ("fd_filestat_set_size", &[I32, I64], &[I32]),
    ("fd_filestat_set_times", &[I32, I64, I64, I32], &[I32]),
    ("fd_pread", &[I32, I32, I32, I64, I32], &[I32]),
    ("fd_prestat_get", &[I32, I32], &[I32]),
    ("fd_prestat_dir_name", &[I32, I32, I32], &[I32]),
    ("fd_pwrite", &[I32, I32, I32, I64, I32], &[I32]),
    ("fd_read", &[I32, I32, I32, I32], &[I32]),
    ("fd_readdir", &[I32, I32, I32, I64, I32], &[I32]),
    ("fd_renumber", &[I32, I32], &[I32]),
    ("fd_seek", &[I32, I64, I32, I32], &[I32]),
    ("fd_sync", &[I32], &[I32]),
    ("fd_tell", &[I32, I32], &[I32]),
    ("fd_write", &[I32, I32, I32, I32], &[I32]),
    ("path_create_directory", &[I32, I32, I32], &[I32]),
    ("path_filestat_get", &[I32, I32, I32, I32, I32], &[I32]),
    (
        "path_filestat_set_times",
        &[I32, I32, I32, I32, I64, I64, I32],
        &[I32],
    ),
    ("path_link", &[I32, I32, I32, I32, I32, I32, I32], &[I32]),
    (
        "path_open",
        &[I32, I32, I32, I32, I32, I64, I64, I32, I32],
        &[I32],
    ),
    ("path_readlink", &[I32, I32, I32, I32, I32, I32], &[I32]),
    ("path_remove_directory", &[I32, I32, I32], &[I32]),
    ("path_rename", &[I32, I32, I32, I32, I32, I32], &[I32]),
    ("path_symlink", &[I32, I32, I32, I32, I32], &[I32]),
    ("path_unlink_file", &[I32, I32, I32], &[I32]),
    ("poll_oneoff", &[I32, I32, I32, I32], &[I32]),
    ("proc_exit", &[I32], &[]),
    ("proc_raise", &[I32], &[I32]),
    ("sched_yield", &[], &[I32]),
    ("random_get", &[I32, I32], &[I32]),
    ("sock_accept", &[I32, I32, I32], &[I32]),
    ("sock_recv", &[I32, I32, I32, I32, I32, I32], &[I32]),
    ("sock_send", &[I32, I32, I32, I32, I32], &[I32]),
    ("sock_shutdown", &[I32, I32], &[I32]),
];

/// The signature of a host function, if the host provides `module`.`name`.
pub fn host_signature(module: &str, name: &str) -> Option<HostSig> {
    let table = match module {
        SKYTWIN_V1_MODULE => SKYTWIN_V1,
        WASI_P1_MODULE => WASI_P1,
        _ => return None,
    };
    table.iter().copied().find(|(n, _, _)| *n == name)
}

/// Builds the linker with every host function. Called once per [`super::Hypervisor`].
pub(crate) fn build_linker(engine: &Engine) -> wasmtime::Result<Linker<AppCtx>> {
    let mut linker = Linker::new(engine);
    skytwin::define(&mut linker)?;
    wasi::define(&mut linker)?;
    Ok(linker)
}
