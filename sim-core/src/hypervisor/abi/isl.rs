//! `skytwin_v1`: inter-satellite messages (sent at the step boundary, while the satellites
//! see each other; received from the app's inbox).

use super::host::{AppCaller, enter};
use crate::abi_codes::{
    MAX_ISL_MESSAGE_BYTES, ST_E2BIG, ST_EAGAIN, ST_EFAULT, ST_EINVAL, ST_ENOSPC, ST_ENOTFOUND,
    valid_name,
};
use crate::bus::messages::IslMessage;

/// `isl_send(dest_ptr, dest_len, ptr, len) -> i64`: queues a message of 1 B…1 MiB to
/// `"SATELLITE"` or `"SATELLITE/APP"` (a peer) within the app's ISL quota; returns its id.
pub(crate) fn isl_send(
    mut caller: AppCaller<'_>,
    dest_ptr: i32,
    dest_len: i32,
    ptr: i32,
    len: i32,
) -> wasmtime::Result<i64> {
    let mut h = enter(&mut caller, true)?;
    let (Ok(dest), Ok(_)) = (h.mem.slice(dest_ptr, dest_len), h.mem.slice(ptr, len)) else {
        return Ok(i64::from(ST_EFAULT));
    };
    let n = u64::from(len as u32);
    let Some((sat, app)) = parse_address(dest) else {
        return Ok(i64::from(ST_EINVAL));
    };
    if n == 0 || n > MAX_ISL_MESSAGE_BYTES {
        return Ok(i64::from(ST_EINVAL));
    }
    if !h.bus.is_peer(&sat) {
        return Ok(i64::from(ST_ENOTFOUND));
    }
    let app_name = h.app().name.clone();
    let from = format!("{}/{}", h.bus.satellite(), app_name);
    let me = h.app();
    if me.isl_out_messages >= me.limits.max_pending_messages
        || me.isl_out_bytes.saturating_add(n) > me.limits.isl_queue_bytes
    {
        return Ok(i64::from(ST_ENOSPC));
    }
    me.isl_out_messages += 1;
    me.isl_out_bytes += n;
    me.next_isl_id += 1;
    let id = me.next_isl_id;
    let Ok(data) = h.mem.copy_out(ptr, len) else {
        return Ok(i64::from(ST_EFAULT));
    };
    h.charge_write(n + u64::from(dest_len as u32));
    let (slot, now) = (h.slot, h.now_ns);
    h.bus.push_isl(
        slot,
        now,
        IslMessage {
            from,
            to_satellite: sat,
            to_app: app,
            id,
            data,
        },
    );
    Ok(id)
}

/// `isl_next_len() -> i32`: the length of the next message in the inbox, or `ST_EAGAIN`.
pub(crate) fn isl_next_len(mut caller: AppCaller<'_>) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    Ok(h.app()
        .isl_in
        .front()
        .map_or(ST_EAGAIN, |m| m.data.len() as i32))
}

/// `isl_recv(ptr, len, from_ptr, from_len) -> i32`: takes the next message into `(ptr, len)`
/// and its sender's address into `(from_ptr, from_len)`; its length.
pub(crate) fn isl_recv(
    mut caller: AppCaller<'_>,
    ptr: i32,
    len: i32,
    from_ptr: i32,
    from_len: i32,
) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    if h.mem.slice(ptr, len).is_err() || h.mem.slice(from_ptr, from_len).is_err() {
        return Ok(ST_EFAULT);
    }
    let Some(msg) = h.app().isl_in.front() else {
        return Ok(ST_EAGAIN);
    };
    if msg.data.len() > len as u32 as usize {
        return Ok(ST_E2BIG);
    }
    let Some(msg) = h.app().isl_in.pop_front() else {
        return Ok(ST_EAGAIN);
    };
    let from = msg.from.as_bytes();
    let from = from
        .get(..from.len().min(from_len as u32 as usize))
        .unwrap_or_default();
    h.charge_bytes((msg.data.len() + from.len()) as u64);
    // The address is followed by one zero byte when the buffer has room for it, so a guest
    // can find its length.
    let mut from = from.to_vec();
    if from.len() < from_len as u32 as usize {
        from.push(0);
    }
    if h.mem.write(ptr, &msg.data).is_err() || h.mem.write(from_ptr, &from).is_err() {
        return Ok(ST_EFAULT);
    }
    Ok(msg.data.len() as i32)
}

/// Parses `"SATELLITE"` or `"SATELLITE/APP"`.
fn parse_address(bytes: &[u8]) -> Option<(String, Option<String>)> {
    let s = std::str::from_utf8(bytes).ok()?;
    match s.split_once('/') {
        Some((sat, app)) if valid_name(sat) && valid_name(app) => {
            Some((sat.to_string(), Some(app.to_string())))
        }
        None if valid_name(s) => Some((s.to_string(), None)),
        _ => None,
    }
}
