//! Waiting for events: `skytwin_v1`'s `wait`, `poll_events` and `subscribe` (the latched
//! `ST_EV_*` bits), and WASI's `poll_oneoff` and `sched_yield`.

use super::host::{AppCaller, Host, enter, errno, fault, park};
use crate::abi_codes::{EV_ALL, ST_EINVAL, ST_EWOULDBLOCK};
use crate::bus::app_settings::AppStyle;
use crate::bus::app_state::{Block, Fd};
use crate::bus::wasi_types::{
    CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME, CLOCK_REALTIME, CLOCK_THREAD_CPUTIME, EBADF, EFAULT,
    EINVAL, ENOTSUP, ESUCCESS, EVENTTYPE_CLOCK, EVENTTYPE_FD_READ, EVENTTYPE_FD_WRITE, Errno,
    SIZE_EVENT, SIZE_SUBSCRIPTION, SUBCLOCKFLAGS_ABSTIME,
};

/// Most subscriptions in one `poll_oneoff`.
pub const MAX_POLL_SUBSCRIPTIONS: u32 = 1024;

/// `wait(mask, timeout_ns) -> i32`: the latched events of `mask` (cleared), blocking a
/// command app until one is latched or `timeout_ns` passes (-1: no timeout; 0: do not
/// block). `ST_EWOULDBLOCK` in a reactor.
pub(crate) async fn wait(
    mut caller: AppCaller<'_>,
    mask: i32,
    timeout_ns: i64,
) -> wasmtime::Result<i32> {
    let block = {
        let mut h = enter(&mut caller, true)?;
        let now = h.now_ns;
        // Arguments before state (docs/abi.md, "Error codes").
        if timeout_ns < -1 {
            return Ok(ST_EINVAL);
        }
        let app = h.app();
        if app.style == AppStyle::Reactor {
            return Ok(ST_EWOULDBLOCK);
        }
        let mask = mask as u32 & EV_ALL;
        let ev = app.latched & mask;
        if ev != 0 {
            app.latched &= !ev;
            return Ok(ev as i32);
        }
        if timeout_ns == 0 {
            return Ok(0);
        }
        let deadline_ns = (timeout_ns != -1).then(|| now.saturating_add(timeout_ns));
        Block::Wait { mask, deadline_ns }
    };
    Ok(park(&mut caller, block).await? as i32)
}

/// `poll_events(mask) -> i32`: the latched events of `mask` (cleared), without blocking.
pub(crate) fn poll_events(mut caller: AppCaller<'_>, mask: i32) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    let app = h.app();
    let ev = app.latched & (mask as u32 & EV_ALL);
    app.latched &= !ev;
    Ok(ev as i32)
}

/// `subscribe(mask) -> i32`: the events a reactor's handler is called for (no effect in a
/// command app).
pub(crate) fn subscribe(mut caller: AppCaller<'_>, mask: i32) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    let app = h.app();
    if app.style == AppStyle::Reactor {
        app.subscribed = mask as u32 & EV_ALL;
    }
    Ok(0)
}

/// WASI `sched_yield() -> errno`: a command app goes behind its peers of the same priority.
pub(crate) async fn sched_yield(mut caller: AppCaller<'_>) -> wasmtime::Result<i32> {
    let reactor = {
        let mut h = enter(&mut caller, true)?;
        h.app().style == AppStyle::Reactor
    };
    if !reactor {
        park(&mut caller, Block::Yield).await?;
    }
    Ok(ESUCCESS)
}

/// One parsed `poll_oneoff` subscription.
struct Subscription {
    userdata: u64,
    kind: u8,
    /// Clock deadline (POSIX ns), or the error to report.
    deadline: Result<i64, Errno>,
    fd: u32,
}

/// WASI `poll_oneoff(subs, events, n, out) -> errno`: clock subscriptions block a command app
/// until the earliest deadline; file descriptors are always ready.
pub(crate) async fn poll_oneoff(
    mut caller: AppCaller<'_>,
    subs: i32,
    events: i32,
    n: i32,
    out: i32,
) -> wasmtime::Result<i32> {
    let (parsed, wait_until) = {
        let mut h = enter(&mut caller, true)?;
        let n = n as u32;
        if n == 0 || n > MAX_POLL_SUBSCRIPTIONS {
            return Ok(EINVAL);
        }
        if h.mem.check_array(subs, n, SIZE_SUBSCRIPTION).is_err()
            || h.mem.check_array(events, n, SIZE_EVENT).is_err()
            || h.mem.range(out, 4).is_err()
        {
            return Ok(EFAULT);
        }
        let Some(parsed) = read_subscriptions(&mut h, subs, n) else {
            return Ok(EFAULT);
        };
        let now = h.now_ns;
        let immediate = parsed
            .iter()
            .any(|s| s.kind != EVENTTYPE_CLOCK || s.deadline.is_err());
        let earliest = parsed
            .iter()
            .filter_map(|s| s.deadline.ok())
            .min()
            .unwrap_or(now);
        let reactor = h.app().style == AppStyle::Reactor;
        let wait_until = (!immediate && earliest > now).then_some(earliest);
        if wait_until.is_some() && reactor {
            return Ok(ENOTSUP);
        }
        (parsed, wait_until)
    };
    if let Some(until_ns) = wait_until {
        park(&mut caller, Block::Sleep { until_ns }).await?;
    }
    let mut h = enter(&mut caller, false)?;
    Ok(write_ready_events(&mut h, &parsed, events, out))
}

/// Reads `n` subscriptions at `subs` (48 bytes each: userdata u64 at 0, tag u8 at 8, clock id
/// or fd u32 at 16, timeout u64 at 24, flags u16 at 40); `None` on a memory fault.
fn read_subscriptions(h: &mut Host<'_>, subs: i32, n: u32) -> Option<Vec<Subscription>> {
    let now = h.now_ns;
    let started = h.app().started_ns;
    let mut parsed = Vec::with_capacity(n as usize);
    for i in 0..n {
        let at = (subs as u32).wrapping_add(i * SIZE_SUBSCRIPTION) as i32;
        let rd = |off: u32| at.wrapping_add(off as i32);
        let userdata = h.mem.read_u64(at).ok()?;
        let kind = h.mem.read_u8(rd(8)).ok()?;
        let word = h.mem.read_u32(rd(16)).ok()?;
        let timeout = h.mem.read_u64(rd(24)).ok()?;
        let flags = h.mem.read_u16(rd(40)).ok()?;
        let deadline = match kind {
            EVENTTYPE_CLOCK => {
                let timeout = i64::try_from(timeout).unwrap_or(i64::MAX);
                let abs = flags & SUBCLOCKFLAGS_ABSTIME != 0;
                match word as i32 {
                    CLOCK_REALTIME if abs => Ok(timeout),
                    CLOCK_MONOTONIC if abs => Ok(started.saturating_add(timeout)),
                    CLOCK_REALTIME | CLOCK_MONOTONIC => Ok(now.saturating_add(timeout)),
                    CLOCK_PROCESS_CPUTIME | CLOCK_THREAD_CPUTIME => Err(ENOTSUP),
                    _ => Err(EINVAL),
                }
            }
            EVENTTYPE_FD_READ | EVENTTYPE_FD_WRITE => Ok(now),
            _ => Err(EINVAL),
        };
        parsed.push(Subscription {
            userdata,
            kind,
            deadline,
            fd: word,
        });
    }
    Some(parsed)
}

/// Writes an event (32 bytes: userdata u64 at 0, errno u16 at 8, tag u8 at 10, bytes
/// available u64 at 16) for every subscription that is ready now, and their count to `out`.
fn write_ready_events(h: &mut Host<'_>, parsed: &[Subscription], events: i32, out: i32) -> i32 {
    let now = h.now_ns;
    let mut count: u32 = 0;
    for s in parsed {
        let (ready, err, nbytes) = match (s.kind, s.deadline) {
            (_, Err(e)) => (true, e, 0u64),
            (EVENTTYPE_CLOCK, Ok(d)) => (d <= now, ESUCCESS, 0),
            (_, Ok(_)) => match h.app().fds.get(&s.fd).cloned() {
                None => (true, EBADF, 0),
                Some(Fd::File { path, offset, .. }) if s.kind == EVENTTYPE_FD_READ => {
                    let size = h.app().vfs.stat(&path).map(|st| st.size).unwrap_or(0);
                    (true, ESUCCESS, size.saturating_sub(offset))
                }
                Some(_) => (true, ESUCCESS, 0),
            },
        };
        if !ready {
            continue;
        }
        let at = (events as u32).wrapping_add(count * SIZE_EVENT) as i32;
        let mut b = [0u8; SIZE_EVENT as usize];
        b[0..8].copy_from_slice(&s.userdata.to_le_bytes());
        b[8..10].copy_from_slice(&(err as u16).to_le_bytes());
        b[10] = s.kind;
        b[16..24].copy_from_slice(&nbytes.to_le_bytes());
        if h.mem.write(at, &b).is_err() {
            return EFAULT;
        }
        count += 1;
    }
    h.charge_bytes(u64::from(count) * u64::from(SIZE_EVENT));
    errno(fault(h.mem.write_u32(out, count)))
}
