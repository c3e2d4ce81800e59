//! Clocks and timers: `skytwin_v1`'s simulated UTC clock, sleeping, the one-shot timer and
//! the heartbeat watchdog, and WASI's clocks (realtime = simulated UTC; monotonic from the
//! start of the execution; CPU time = the app's instructions at the computer's rate).

use super::host::{AppCaller, Host, enter, errno, fault, park};
use crate::abi_codes::{ST_EINVAL, ST_EWOULDBLOCK};
use crate::bus::app_settings::AppStyle;
use crate::bus::app_state::Block;
use crate::bus::wasi_types::{
    CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME, CLOCK_REALTIME, CLOCK_THREAD_CPUTIME, EFAULT, EINVAL,
};

/// `time_now() -> i64`: the app's simulated UTC time, POSIX ns.
pub(crate) fn time_now(mut caller: AppCaller<'_>) -> wasmtime::Result<i64> {
    Ok(enter(&mut caller, true)?.now_ns)
}

/// `sleep_until(t_unix_ns) -> i32`: blocks a command app until `t_unix_ns`
/// (`ST_EWOULDBLOCK` in a reactor).
pub(crate) async fn sleep_until(
    mut caller: AppCaller<'_>,
    t_unix_ns: i64,
) -> wasmtime::Result<i32> {
    {
        let mut h = enter(&mut caller, true)?;
        let now = h.now_ns;
        if h.app().style == AppStyle::Reactor {
            return Ok(ST_EWOULDBLOCK);
        }
        if t_unix_ns <= now {
            return Ok(0);
        }
    }
    park(
        &mut caller,
        Block::Sleep {
            until_ns: t_unix_ns,
        },
    )
    .await?;
    Ok(0)
}

/// `timer_set(t_unix_ns) -> i32`: arms the one-shot timer (`ST_EV_TIMER` at `t_unix_ns`);
/// 0 disarms it.
pub(crate) fn timer_set(mut caller: AppCaller<'_>, t_unix_ns: i64) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    if t_unix_ns < 0 {
        return Ok(ST_EINVAL);
    }
    h.app().timer_ns = (t_unix_ns != 0).then_some(t_unix_ns);
    Ok(0)
}

/// `heartbeat() -> i32`: kicks (and, the first time, arms) the app's heartbeat watchdog.
pub(crate) fn heartbeat(mut caller: AppCaller<'_>) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    let now = h.now_ns;
    h.app().heartbeat_ns = Some(now);
    Ok(0)
}

/// WASI `clock_res_get(id, ptr) -> errno`: 1 ns for every clock.
pub(crate) fn clock_res_get(mut caller: AppCaller<'_>, id: i32, ptr: i32) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    if h.mem.range(ptr, 8).is_err() {
        return Ok(EFAULT);
    }
    if !(CLOCK_REALTIME..=CLOCK_THREAD_CPUTIME).contains(&id) {
        return Ok(EINVAL);
    }
    Ok(errno(fault(h.mem.write_u64(ptr, 1))))
}

/// WASI `clock_time_get(id, precision, ptr) -> errno`.
pub(crate) fn clock_time_get(
    mut caller: AppCaller<'_>,
    id: i32,
    _precision: i64,
    ptr: i32,
) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    if h.mem.range(ptr, 8).is_err() {
        return Ok(EFAULT);
    }
    let Some(t) = clock_now(&mut h, id) else {
        return Ok(EINVAL);
    };
    Ok(errno(fault(h.mem.write_u64(ptr, t as u64))))
}

/// The app's reading of WASI clock `id`, ns; `None` for an unknown clock. CPU time is
/// `instructions × 10⁹ / rate`.
fn clock_now(h: &mut Host<'_>, id: i32) -> Option<i64> {
    let now = h.now_ns;
    let rate = h.bus.instruction_rate_ips().max(1);
    let app = h.app();
    match id {
        CLOCK_REALTIME => Some(now),
        CLOCK_MONOTONIC => Some(now.saturating_sub(app.started_ns).max(0)),
        CLOCK_PROCESS_CPUTIME | CLOCK_THREAD_CPUTIME => {
            let ns = u128::from(app.execution.instructions()) * 1_000_000_000 / u128::from(rate);
            Some(i64::try_from(ns).unwrap_or(i64::MAX))
        }
        _ => None,
    }
}
