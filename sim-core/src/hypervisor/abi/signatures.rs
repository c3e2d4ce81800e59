//! The signature of every host function: the [`SKYTWIN_V1`] and [`WASI_P1`] tables, so that
//! an image can be checked against them before it is compiled (and so that the functions
//! defined to return `ENOSYS` get the right types).

use crate::abi_codes::{SKYTWIN_V1_MODULE, WASI_P1_MODULE};

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
