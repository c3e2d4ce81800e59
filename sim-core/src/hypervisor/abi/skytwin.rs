//! `skytwin_v1`: the satellite services (docs/abi.md, "Functions").
//!
//! Rules every function follows: `(ptr, len)` ranges are checked first (`ST_EFAULT`), then
//! arguments (`ST_EINVAL`), then state (`ST_EAGAIN`, `ST_E2BIG`, `ST_ENOSPC`, `ST_ERATE`, ...).
//! A failed call changes nothing.

use wasmtime::{Caller, Linker};

use super::host::{Host, enter, park};
use super::*;
use crate::bus::{AttitudeMode, AttitudeRequest, Block, IslMessage};
use crate::computer::events::{EventKind, LogLevel};
use crate::hypervisor::AppStyle;
use crate::hypervisor::ctx::AppCtx;
use crate::hypervisor::sanitize::sanitize_log;
use crate::hypervisor::token_bucket::Take;

type R<T> = wasmtime::Result<T>;
type C<'a> = Caller<'a, AppCtx>;

const M: &str = SKYTWIN_V1_MODULE;

/// Bytes of a log call examined (the line keeps at most 1 KiB; escape sequences removed from
/// the input are why more than that is read).
pub const MAX_LOG_INPUT_BYTES: u32 = 64 << 10;

pub(crate) fn define(l: &mut Linker<AppCtx>) -> R<()> {
    l.func_wrap(M, "abi_version", |mut c: C<'_>| -> R<i32> {
        enter(&mut c, true)?;
        Ok(1)
    })?;
    l.func_wrap(M, "time_now", |mut c: C<'_>| -> R<i64> {
        Ok(enter(&mut c, true)?.now_ns)
    })?;
    l.func_wrap(
        M,
        "identity",
        |mut c: C<'_>, ptr: i32, len: i32| -> R<i32> {
            let mut h = enter(&mut c, true)?;
            let app = h.app().name.clone();
            let id = format!("{}/{}", h.bus.satellite, app);
            Ok(write_bytes(&mut h, ptr, len, id.as_bytes()))
        },
    )?;
    l.func_wrap(
        M,
        "log",
        |mut c: C<'_>, level: i32, ptr: i32, len: i32| -> R<i32> {
            let mut h = enter(&mut c, true)?;
            if h.mem.slice(ptr, len).is_err() {
                return Ok(ST_EFAULT);
            }
            let Some(level) = LogLevel::from_abi(level) else {
                return Ok(ST_EINVAL);
            };
            let examined = (len as u32).min(MAX_LOG_INPUT_BYTES) as i32;
            let Ok(bytes) = h.mem.slice(ptr, examined) else {
                return Ok(ST_EFAULT);
            };
            let mut text = sanitize_log(bytes);
            if examined != len && !text.ends_with('…') {
                text.push('…');
            }
            h.charge_bytes(examined as u64);
            Ok(emit_log(&mut h, level, text))
        },
    )?;
    l.func_wrap(
        M,
        "state_read",
        |mut c: C<'_>, ptr: i32, len: i32| -> R<i32> {
            let mut h = enter(&mut c, true)?;
            let bytes = h.bus.snapshot.encode_v1();
            Ok(write_bytes(&mut h, ptr, len, &bytes))
        },
    )?;
    l.func_wrap(
        M,
        "temperature_name",
        |mut c: C<'_>, index: i32, ptr: i32, len: i32| -> R<i32> {
            let mut h = enter(&mut c, true)?;
            if h.mem.slice(ptr, len).is_err() {
                return Ok(ST_EFAULT);
            }
            let count = h
                .bus
                .snapshot
                .temperatures_c
                .len()
                .min(crate::state::STATE_V1_TEMPERATURES);
            let name = match usize::try_from(index).ok().filter(|&i| i < count) {
                Some(i) => h
                    .bus
                    .snapshot
                    .temperatures_c
                    .get(i)
                    .map(|(n, _)| n.clone())
                    .unwrap_or_default(),
                None => return Ok(ST_ENOTFOUND),
            };
            Ok(write_bytes(&mut h, ptr, len, name.as_bytes()))
        },
    )?;
    l.func_wrap(
        M,
        "attitude_request",
        |mut c: C<'_>, mode: i32, p0: f64, p1: f64, p2: f64, p3: f64| -> R<i32> {
            let mut h = enter(&mut c, true)?;
            let mode = match mode {
                0 => AttitudeMode::Nadir,
                1 => AttitudeMode::Sun,
                2 => {
                    let norm = (p0 * p0 + p1 * p1 + p2 * p2 + p3 * p3).sqrt();
                    if !norm.is_finite() || norm < 1e-12 {
                        return Ok(ST_EINVAL);
                    }
                    AttitudeMode::Inertial {
                        q_body_from_eci: [p0 / norm, p1 / norm, p2 / norm, p3 / norm],
                    }
                }
                3 => {
                    if !(p0.is_finite()
                        && p1.is_finite()
                        && p2.is_finite()
                        && (-90.0..=90.0).contains(&p0))
                    {
                        return Ok(ST_EINVAL);
                    }
                    let lon_deg = (p1 + 180.0).rem_euclid(360.0) - 180.0;
                    AttitudeMode::Target {
                        lat_rad: p0.to_radians(),
                        lon_rad: lon_deg.to_radians(),
                        alt_m: p2,
                    }
                }
                _ => return Ok(ST_EINVAL),
            };
            if h.bus.safe_mode {
                return Ok(ST_EUNAVAIL);
            }
            let app = h.app().name.clone();
            // Priority levels run one after another within a step: keep the latest request
            // in simulated time, not the last one executed.
            if h.bus
                .attitude
                .as_ref()
                .is_none_or(|a| a.time_unix_ns <= h.now_ns)
            {
                h.bus.attitude = Some(AttitudeRequest {
                    mode,
                    app,
                    time_unix_ns: h.now_ns,
                });
            }
            Ok(0)
        },
    )?;
    l.func_wrap(
        M,
        "camera_info",
        |mut c: C<'_>, ptr: i32, len: i32| -> R<i32> {
            let mut h = enter(&mut c, true)?;
            if h.mem.slice(ptr, len).is_err() {
                return Ok(ST_EFAULT);
            }
            let Some(info) = h.bus.camera.as_ref().map(|cam| cam.info()) else {
                return Ok(ST_EUNAVAIL);
            };
            let mut b = [0u8; CAMERA_INFO_V1_SIZE];
            b[0..4].copy_from_slice(&info.width_px.to_le_bytes());
            b[4..8].copy_from_slice(&info.height_px.to_le_bytes());
            b[8..12].copy_from_slice(&info.channels.to_le_bytes());
            b[12..16].copy_from_slice(&info.bits_per_sample.to_le_bytes());
            b[16..24].copy_from_slice(&info.fov_rad.to_degrees().to_le_bytes());
            Ok(write_bytes(&mut h, ptr, len, &b))
        },
    )?;
    l.func_wrap(
        M,
        "camera_capture",
        |mut c: C<'_>, buf: i32, buf_len: i32, meta: i32, meta_len: i32| -> R<i32> {
            let mut h = enter(&mut c, true)?;
            if h.mem.slice(buf, buf_len).is_err() || h.mem.slice(meta, meta_len).is_err() {
                return Ok(ST_EFAULT);
            }
            let meta_len = meta_len as u32 as usize;
            if meta_len != 0 && meta_len < IMAGE_META_V1_SIZE {
                return Ok(ST_E2BIG);
            }
            let Some(info) = h.bus.camera.as_ref().map(|cam| cam.info()) else {
                return Ok(ST_EUNAVAIL);
            };
            if h.bus.safe_mode {
                return Ok(ST_EUNAVAIL);
            }
            let n = info.image_bytes();
            if u64::from(buf_len as u32) < n || n > i32::MAX as u64 {
                return Ok(ST_E2BIG);
            }
            h.charge(n.saturating_mul(COST_PER_PIXEL_SAMPLE));
            h.charge_bytes(n);
            let now = h.now_ns;
            let Host { mem, bus, .. } = &mut h;
            let (Ok(pixels), Some(cam)) = (mem.slice_mut(buf, n as i32), bus.camera.as_mut())
            else {
                return Ok(ST_EFAULT);
            };
            let m = match cam.capture(now, pixels) {
                Ok(m) => m,
                Err(_) => return Ok(ST_EUNAVAIL),
            };
            if meta_len >= IMAGE_META_V1_SIZE {
                let mut b = [0u8; IMAGE_META_V1_SIZE];
                b[0..8].copy_from_slice(&m.time_unix_ns.to_le_bytes());
                b[8..16].copy_from_slice(&m.center_lat_rad.to_degrees().to_le_bytes());
                b[16..24].copy_from_slice(&m.center_lon_rad.to_degrees().to_le_bytes());
                b[24..32].copy_from_slice(&m.gsd_m.to_le_bytes());
                b[32..40].copy_from_slice(&m.off_nadir_rad.to_degrees().to_le_bytes());
                b[40..48].copy_from_slice(&m.sun_elevation_rad.to_degrees().to_le_bytes());
                if h.mem.write(meta, &b).is_err() {
                    return Ok(ST_EFAULT);
                }
            }
            Ok(n as i32)
        },
    )?;
    l.func_wrap(
        M,
        "downlink_queue",
        |mut c: C<'_>, ptr: i32, len: i32, priority: i32| -> R<i64> {
            let mut h = enter(&mut c, true)?;
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
        },
    )?;
    l.func_wrap(M, "downlink_status", |mut c: C<'_>, id: i64| -> R<i64> {
        let mut h = enter(&mut c, true)?;
        Ok(match h.app().downlink.status.get(&id) {
            Some(&(_, delivered)) => delivered as i64,
            None => i64::from(ST_ENOTFOUND),
        })
    })?;
    l.func_wrap(
        M,
        "downlink_stats",
        |mut c: C<'_>, ptr: i32, len: i32| -> R<i32> {
            let mut h = enter(&mut c, true)?;
            let mut b = [0u8; DOWNLINK_STATS_V1_SIZE];
            let d = &h.app().downlink;
            b[0..8].copy_from_slice(&d.queued_bytes.to_le_bytes());
            b[8..16].copy_from_slice(&d.delivered_bytes.to_le_bytes());
            b[16..20].copy_from_slice(&d.queued_messages.to_le_bytes());
            b[20..24].copy_from_slice(&d.delivered_messages.to_le_bytes());
            Ok(write_bytes(&mut h, ptr, len, &b))
        },
    )?;
    l.func_wrap(M, "command_next_len", |mut c: C<'_>| -> R<i32> {
        let mut h = enter(&mut c, true)?;
        Ok(h.app()
            .commands
            .front()
            .map_or(ST_EAGAIN, |m| m.len() as i32))
    })?;
    l.func_wrap(
        M,
        "command_recv",
        |mut c: C<'_>, ptr: i32, len: i32| -> R<i32> {
            let mut h = enter(&mut c, true)?;
            if h.mem.slice(ptr, len).is_err() {
                return Ok(ST_EFAULT);
            }
            let Some(msg) = h.app().commands.front() else {
                return Ok(ST_EAGAIN);
            };
            if msg.len() > len as u32 as usize {
                return Ok(ST_E2BIG);
            }
            let msg = h.app().commands.pop_front().unwrap_or_default();
            h.charge_bytes(msg.len() as u64);
            Ok(match h.mem.write(ptr, &msg) {
                Ok(()) => msg.len() as i32,
                Err(_) => ST_EFAULT,
            })
        },
    )?;
    l.func_wrap(
        M,
        "isl_send",
        |mut c: C<'_>, dest_ptr: i32, dest_len: i32, ptr: i32, len: i32| -> R<i64> {
            let mut h = enter(&mut c, true)?;
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
            if !h.bus.peers.contains(&sat) {
                return Ok(i64::from(ST_ENOTFOUND));
            }
            let app_name = h.app().name.clone();
            let from = format!("{}/{}", h.bus.satellite, app_name);
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
            h.charge_bytes(n + u64::from(dest_len as u32));
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
        },
    )?;
    l.func_wrap(M, "isl_next_len", |mut c: C<'_>| -> R<i32> {
        let mut h = enter(&mut c, true)?;
        Ok(h.app()
            .isl_in
            .front()
            .map_or(ST_EAGAIN, |m| m.data.len() as i32))
    })?;
    l.func_wrap(
        M,
        "isl_recv",
        |mut c: C<'_>, ptr: i32, len: i32, from_ptr: i32, from_len: i32| -> R<i32> {
            let mut h = enter(&mut c, true)?;
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
            // The address is followed by one zero byte when the buffer has room for it, so a
            // guest can find its length.
            let mut from = from.to_vec();
            if from.len() < from_len as u32 as usize {
                from.push(0);
            }
            if h.mem.write(ptr, &msg.data).is_err() || h.mem.write(from_ptr, &from).is_err() {
                return Ok(ST_EFAULT);
            }
            Ok(msg.data.len() as i32)
        },
    )?;
    l.func_wrap_async(M, "wait", |mut c: C<'_>, (mask, timeout_ns): (i32, i64)| {
        Box::new(async move {
            let block = {
                let mut h = enter(&mut c, true)?;
                let now = h.now_ns;
                let app = h.app();
                if app.style == AppStyle::Reactor {
                    return Ok(ST_EWOULDBLOCK);
                }
                if timeout_ns < -1 {
                    return Ok(ST_EINVAL);
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
            Ok(park(&mut c, block).await? as i32)
        })
    })?;
    l.func_wrap(M, "poll_events", |mut c: C<'_>, mask: i32| -> R<i32> {
        let mut h = enter(&mut c, true)?;
        let app = h.app();
        let ev = app.latched & (mask as u32 & EV_ALL);
        app.latched &= !ev;
        Ok(ev as i32)
    })?;
    l.func_wrap_async(M, "sleep_until", |mut c: C<'_>, (t_unix_ns,): (i64,)| {
        Box::new(async move {
            {
                let mut h = enter(&mut c, true)?;
                let now = h.now_ns;
                if h.app().style == AppStyle::Reactor {
                    return Ok(ST_EWOULDBLOCK);
                }
                if t_unix_ns <= now {
                    return Ok(0);
                }
            }
            park(
                &mut c,
                Block::Sleep {
                    until_ns: t_unix_ns,
                },
            )
            .await?;
            Ok(0i32)
        })
    })?;
    l.func_wrap(M, "timer_set", |mut c: C<'_>, t_unix_ns: i64| -> R<i32> {
        let mut h = enter(&mut c, true)?;
        if t_unix_ns < 0 {
            return Ok(ST_EINVAL);
        }
        h.app().timer_ns = (t_unix_ns != 0).then_some(t_unix_ns);
        Ok(0)
    })?;
    l.func_wrap(M, "heartbeat", |mut c: C<'_>| -> R<i32> {
        let mut h = enter(&mut c, true)?;
        let now = h.now_ns;
        h.app().heartbeat_ns = Some(now);
        Ok(0)
    })?;
    l.func_wrap(M, "subscribe", |mut c: C<'_>, mask: i32| -> R<i32> {
        let mut h = enter(&mut c, true)?;
        let app = h.app();
        if app.style == AppStyle::Reactor {
            app.subscribed = mask as u32 & EV_ALL;
        }
        Ok(0)
    })?;
    Ok(())
}

/// Writes `data` into the guest buffer `(ptr, len)`: its length, `ST_EFAULT` or `ST_E2BIG`.
fn write_bytes(h: &mut Host<'_>, ptr: i32, len: i32, data: &[u8]) -> i32 {
    if h.mem.slice(ptr, len).is_err() {
        return ST_EFAULT;
    }
    if data.len() > len as u32 as usize {
        return ST_E2BIG;
    }
    h.charge_bytes(data.len() as u64);
    match h.mem.write(ptr, data) {
        Ok(()) => data.len() as i32,
        Err(_) => ST_EFAULT,
    }
}

/// Records a sanitised log line through the app's rate limit.
pub(crate) fn emit_log(h: &mut Host<'_>, level: LogLevel, text: String) -> i32 {
    let (slot, now) = (h.slot, h.now_ns);
    h.bus.push_log(slot, now, level, text)
}

/// A valid satellite or app name: 1..=63 bytes of printable ASCII other than `/`.
pub(crate) fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_NAME_BYTES
        && s.bytes().all(|b| b.is_ascii_graphic() && b != b'/')
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
