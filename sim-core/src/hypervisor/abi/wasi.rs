//! `wasi_snapshot_preview1`, implemented deterministically inside the simulation, one host
//! function per call, each implemented in the file of its area.
//!
//! Clocks are simulated, randomness is the app's seeded ChaCha stream, files live in the app's
//! in-memory file store under one preopened directory `/data` (fd 3), stdout/stderr become log
//! lines. Functions outside that set are defined (so any WASI module links) and return `ENOSYS`.

use wasmtime::{FuncType, Linker, Val, ValType};

use super::host::{AppCaller, enter};
use super::signatures::{HostSig, WASI_P1, WasmTy};
use super::{clock, files, paths, poll, process};
use crate::abi_codes::WASI_P1_MODULE;
use crate::bus::wasi_types::ENOSYS;
use crate::hypervisor::ctx::AppCtx;

/// Functions defined to return `ENOSYS`.
const NOT_IMPLEMENTED: &[&str] = &[
    "fd_advise",
    "fd_allocate",
    "fd_fdstat_set_rights",
    "fd_filestat_set_times",
    "path_filestat_set_times",
    "path_link",
    "path_readlink",
    "path_symlink",
    "proc_raise",
    "sock_accept",
    "sock_recv",
    "sock_send",
    "sock_shutdown",
];

/// Defines every `wasi_snapshot_preview1` function (the [`WASI_P1`] table).
pub(crate) fn define(linker: &mut Linker<AppCtx>) -> wasmtime::Result<()> {
    const MODULE: &str = WASI_P1_MODULE;
    for name in NOT_IMPLEMENTED {
        if let Some(sig) = WASI_P1.iter().find(|(n, _, _)| n == name) {
            define_enosys(linker, *sig)?;
        }
    }
    linker.func_wrap(MODULE, "args_sizes_get", process::args_sizes_get)?;
    linker.func_wrap(MODULE, "args_get", process::args_get)?;
    linker.func_wrap(MODULE, "environ_sizes_get", process::environ_sizes_get)?;
    linker.func_wrap(MODULE, "environ_get", process::environ_get)?;
    linker.func_wrap(MODULE, "random_get", process::random_get)?;
    linker.func_wrap(MODULE, "proc_exit", process::proc_exit)?;
    linker.func_wrap(MODULE, "clock_res_get", clock::clock_res_get)?;
    linker.func_wrap(MODULE, "clock_time_get", clock::clock_time_get)?;
    linker.func_wrap_async(
        MODULE,
        "fd_write",
        |caller: AppCaller<'_>, (fd, iovs, n, out): (i32, i32, i32, i32)| {
            Box::new(files::fd_write(caller, fd, iovs, n, out))
        },
    )?;
    linker.func_wrap_async(
        MODULE,
        "fd_pwrite",
        |caller: AppCaller<'_>, (fd, iovs, n, offset, out): (i32, i32, i32, i64, i32)| {
            Box::new(files::fd_pwrite(caller, fd, iovs, n, offset, out))
        },
    )?;
    linker.func_wrap(MODULE, "fd_read", files::fd_read)?;
    linker.func_wrap(MODULE, "fd_pread", files::fd_pread)?;
    linker.func_wrap(MODULE, "fd_seek", files::fd_seek)?;
    linker.func_wrap(MODULE, "fd_tell", files::fd_tell)?;
    linker.func_wrap(MODULE, "fd_close", files::fd_close)?;
    linker.func_wrap(MODULE, "fd_sync", files::fd_sync)?;
    linker.func_wrap(MODULE, "fd_datasync", files::fd_sync)?;
    linker.func_wrap(MODULE, "fd_fdstat_get", files::fd_fdstat_get)?;
    linker.func_wrap(MODULE, "fd_fdstat_set_flags", files::fd_fdstat_set_flags)?;
    linker.func_wrap(MODULE, "fd_filestat_get", files::fd_filestat_get)?;
    linker.func_wrap(MODULE, "fd_filestat_set_size", files::fd_filestat_set_size)?;
    linker.func_wrap(MODULE, "fd_prestat_get", files::fd_prestat_get)?;
    linker.func_wrap(MODULE, "fd_prestat_dir_name", files::fd_prestat_dir_name)?;
    linker.func_wrap(MODULE, "fd_readdir", files::fd_readdir)?;
    linker.func_wrap(MODULE, "fd_renumber", files::fd_renumber)?;
    linker.func_wrap(MODULE, "path_open", paths::path_open)?;
    linker.func_wrap(
        MODULE,
        "path_create_directory",
        paths::path_create_directory,
    )?;
    linker.func_wrap(
        MODULE,
        "path_remove_directory",
        paths::path_remove_directory,
    )?;
    linker.func_wrap(MODULE, "path_unlink_file", paths::path_unlink_file)?;
    linker.func_wrap(MODULE, "path_rename", paths::path_rename)?;
    linker.func_wrap(MODULE, "path_filestat_get", paths::path_filestat_get)?;
    linker.func_wrap_async(
        MODULE,
        "poll_oneoff",
        |caller: AppCaller<'_>, (subs, events, n, out): (i32, i32, i32, i32)| {
            Box::new(poll::poll_oneoff(caller, subs, events, n, out))
        },
    )?;
    linker.func_wrap_async(MODULE, "sched_yield", |caller: AppCaller<'_>, (): ()| {
        Box::new(poll::sched_yield(caller))
    })?;
    Ok(())
}

/// Defines `name` with its signature from the table, returning `ENOSYS`.
fn define_enosys(
    linker: &mut Linker<AppCtx>,
    (name, params, results): HostSig,
) -> wasmtime::Result<()> {
    let value_type = |t: &WasmTy| match t {
        WasmTy::I32 => ValType::I32,
        WasmTy::I64 => ValType::I64,
        WasmTy::F64 => ValType::F64,
    };
    let ty = FuncType::new(
        linker.engine(),
        params.iter().map(value_type),
        results.iter().map(value_type),
    );
    linker.func_new(
        WASI_P1_MODULE,
        name,
        ty,
        |mut caller: AppCaller<'_>, _params: &[Val], results: &mut [Val]| {
            enter(&mut caller, true)?;
            if let Some(r) = results.first_mut() {
                *r = Val::I32(ENOSYS);
            }
            Ok(())
        },
    )?;
    Ok(())
}
