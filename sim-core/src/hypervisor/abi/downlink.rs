//! `skytwin_v1`: the downlink queue (messages to the ground, sent during contacts).

use super::host::{AppCaller, enter, write_bytes};
use crate::abi_codes::{
    DOWNLINK_STATS_V1_SIZE, MAX_DOWNLINK_MESSAGE_BYTES, ST_EFAULT, ST_EINVAL, ST_ENOSPC,
    ST_ENOTFOUND, ST_ERATE,
};
use crate::bus::events::EventKind;
use crate::bus::token_bucket::Take;

/// `downlink_queue(ptr, len, priority) -> i64`: queues a message of 1 B…16 MiB at priority
/// 0…7 within the app's queue quota and rate limit; returns its id.
pub(crate) fn downlink_queue(
    mut caller: AppCaller<'_>,
    ptr: i32,
    len: i32,
    priority: i32,
) -> wasmtime::Result<i64> {
    let mut h = enter(&mut caller, true)?;
    if h.mem.slice(ptr, len).is_err() {
        return Ok(i64::from(ST_EFAULT));
    }
    let n = u64::from(len as u32);
    if n == 0 || n > MAX_DOWNLINK_MESSAGE_BYTES || !(0..=7).contains(&priority) {
        return Ok(i64::from(ST_EINVAL));
    }
    let now = h.now_ns;
    let app = h.app();
    if app.downlink.queued_bytes.saturating_add(n) > app.limits.downlink_queue_bytes {
        return Ok(i64::from(ST_ENOSPC));
    }
    match app.downlink_bucket.take(now, n) {
        Take::Ok => {}
        Take::RefusedFirst => {
            let name = app.name.clone();
            h.bus.event(now, Some(&name), EventKind::DownlinkSquelched);
            return Ok(i64::from(ST_ERATE));
        }
        Take::Refused => return Ok(i64::from(ST_ERATE)),
    }
    let Ok(data) = h.mem.copy_out(ptr, len) else {
        return Ok(i64::from(ST_EFAULT));
    };
    h.charge_bytes(n);
    let slot = h.slot;
    Ok(h.bus
        .queue_downlink(slot, priority as u8, now, data)
        .unwrap_or(i64::from(ST_ENOTFOUND)))
}

/// `downlink_status(id) -> i64`: bytes of message `id` delivered so far.
pub(crate) fn downlink_status(mut caller: AppCaller<'_>, id: i64) -> wasmtime::Result<i64> {
    let mut h = enter(&mut caller, true)?;
    Ok(match h.app().downlink.status.get(&id) {
        Some(&(_, delivered)) => delivered as i64,
        None => i64::from(ST_ENOTFOUND),
    })
}

/// `downlink_stats(ptr, len) -> i32`: writes `st_downlink_stats_v1` (queued and delivered
/// bytes as u64, queued and delivered messages as u32, little-endian).
pub(crate) fn downlink_stats(
    mut caller: AppCaller<'_>,
    ptr: i32,
    len: i32,
) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    let mut b = [0u8; DOWNLINK_STATS_V1_SIZE];
    let d = &h.app().downlink;
    b[0..8].copy_from_slice(&d.queued_bytes.to_le_bytes());
    b[8..16].copy_from_slice(&d.delivered_bytes.to_le_bytes());
    b[16..20].copy_from_slice(&d.queued_messages.to_le_bytes());
    b[20..24].copy_from_slice(&d.delivered_messages.to_le_bytes());
    Ok(write_bytes(&mut h, ptr, len, &b))
}
