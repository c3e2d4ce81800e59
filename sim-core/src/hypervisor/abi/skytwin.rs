//! `skytwin_v1`: the satellite services (docs/abi.md, "Functions"), one host function per
//! call, each implemented in the file of its area.
//!
//! Rules every function follows: `(ptr, len)` ranges are checked first (`ST_EFAULT`), then
//! arguments (`ST_EINVAL`), then state (`ST_EAGAIN`, `ST_E2BIG`, `ST_ENOSPC`, `ST_ERATE`, ...).
//! A failed call changes nothing.

use wasmtime::Linker;

use super::host::AppCaller;
use super::{camera, clock, commands, downlink, isl, poll, process, state};
use crate::abi_codes::SKYTWIN_V1_MODULE;
use crate::hypervisor::ctx::AppCtx;

/// Defines every `skytwin_v1` function (the [`super::signatures::SKYTWIN_V1`] table).
pub(crate) fn define(linker: &mut Linker<AppCtx>) -> wasmtime::Result<()> {
    const MODULE: &str = SKYTWIN_V1_MODULE;
    linker.func_wrap(MODULE, "abi_version", state::abi_version)?;
    linker.func_wrap(MODULE, "identity", state::identity)?;
    linker.func_wrap(MODULE, "state_read", state::state_read)?;
    linker.func_wrap(MODULE, "temperature_name", state::temperature_name)?;
    linker.func_wrap(MODULE, "attitude_request", state::attitude_request)?;
    linker.func_wrap_async(
        MODULE,
        "log",
        |caller: AppCaller<'_>, (level, ptr, len): (i32, i32, i32)| {
            Box::new(process::log(caller, level, ptr, len))
        },
    )?;
    linker.func_wrap(MODULE, "time_now", clock::time_now)?;
    linker.func_wrap(MODULE, "timer_set", clock::timer_set)?;
    linker.func_wrap(MODULE, "heartbeat", clock::heartbeat)?;
    linker.func_wrap_async(
        MODULE,
        "sleep_until",
        |caller: AppCaller<'_>, (t,): (i64,)| Box::new(clock::sleep_until(caller, t)),
    )?;
    linker.func_wrap(MODULE, "camera_info", camera::camera_info)?;
    linker.func_wrap(MODULE, "camera_capture", camera::camera_capture)?;
    linker.func_wrap_async(
        MODULE,
        "downlink_queue",
        |caller: AppCaller<'_>, (ptr, len, priority): (i32, i32, i32)| {
            Box::new(downlink::downlink_queue(caller, ptr, len, priority))
        },
    )?;
    linker.func_wrap(MODULE, "downlink_status", downlink::downlink_status)?;
    linker.func_wrap(MODULE, "downlink_stats", downlink::downlink_stats)?;
    linker.func_wrap(MODULE, "command_next_len", commands::command_next_len)?;
    linker.func_wrap(MODULE, "command_recv", commands::command_recv)?;
    linker.func_wrap(MODULE, "isl_send", isl::isl_send)?;
    linker.func_wrap(MODULE, "isl_next_len", isl::isl_next_len)?;
    linker.func_wrap(MODULE, "isl_recv", isl::isl_recv)?;
    linker.func_wrap_async(
        MODULE,
        "wait",
        |caller: AppCaller<'_>, (mask, timeout_ns): (i32, i64)| {
            Box::new(poll::wait(caller, mask, timeout_ns))
        },
    )?;
    linker.func_wrap(MODULE, "poll_events", poll::poll_events)?;
    linker.func_wrap(MODULE, "subscribe", poll::subscribe)?;
    Ok(())
}
