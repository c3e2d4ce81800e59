//! `skytwin_v1`: the downlink queue (messages to the ground, sent during contacts).

use super::host::{AppCaller, Host, enter, park, write_bytes};
use crate::abi_codes::{
    DOWNLINK_STATS_V1_SIZE, MAX_DOWNLINK_MESSAGE_BYTES, ST_EFAULT, ST_EINVAL, ST_ENOSPC,
    ST_ENOTFOUND, ST_ERATE,
};
use crate::bus::app_state::Block;
use crate::bus::events::EventKind;
use crate::bus::token_bucket::Take;

/// `downlink_queue(ptr, len, priority) -> i64`: queues a message of 1 B…16 MiB at priority
/// 0…7 within the app's queue quota and rate limit; returns its id. When the rate limit's
/// bucket holds too few bytes, a command app waits until it has refilled and the call then
/// goes through (a reactor, which cannot wait, gets `ST_ERATE`); a message larger than the
/// burst can never pass (`ST_ERATE`).
pub(crate) async fn downlink_queue(
    mut caller: AppCaller<'_>,
    ptr: i32,
    len: i32,
    priority: i32,
) -> wasmtime::Result<i64> {
    let mut charge = true;
    loop {
        let until_ns = {
            let mut h = enter(&mut caller, std::mem::take(&mut charge))?;
            match try_queue(&mut h, ptr, len, priority) {
                Queued::Done(r) => return Ok(r),
                Queued::WaitUntil(t) => t,
            }
        };
        park(&mut caller, Block::Sleep { until_ns }).await?;
    }
}

/// What an attempt to queue did: finished (an id or an error code), or nothing yet because
/// the rate limit's bucket refills only at the time given.
enum Queued {
    Done(i64),
    WaitUntil(i64),
}

/// One attempt of `downlink_queue`.
fn try_queue(h: &mut Host<'_>, ptr: i32, len: i32, priority: i32) -> Queued {
    let code = |c: i32| Queued::Done(i64::from(c));
    if h.mem.slice(ptr, len).is_err() {
        return code(ST_EFAULT);
    }
    let n = u64::from(len as u32);
    if n == 0 || n > MAX_DOWNLINK_MESSAGE_BYTES || !(0..=7).contains(&priority) {
        return code(ST_EINVAL);
    }
    let now = h.now_ns;
    let can_block = h.can_block();
    let app = h.app();
    if app.downlink.queued_bytes.saturating_add(n) > app.limits.downlink_queue_bytes {
        return code(ST_ENOSPC);
    }
    let take = app.downlink_bucket.take(now, n);
    if take != Take::Ok {
        let ready_at = app.downlink_bucket.ready_at(now, n);
        if take == Take::RefusedFirst {
            let name = app.name.clone();
            h.bus.event(now, Some(&name), EventKind::DownlinkSquelched);
        }
        return match ready_at {
            Some(t) if can_block => Queued::WaitUntil(t),
            _ => code(ST_ERATE),
        };
    }
    let Ok(data) = h.mem.copy_out(ptr, len) else {
        return code(ST_EFAULT);
    };
    h.charge_write(n);
    let slot = h.slot;
    Queued::Done(
        h.bus
            .queue_downlink(slot, priority as u8, now, data)
            .unwrap_or(i64::from(ST_ENOTFOUND)),
    )
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
