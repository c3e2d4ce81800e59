//! `skytwin_v1`: who the app is, the satellite's state as its sensors report it, and the
//! attitude it asks for.

use super::host::{AppCaller, enter, write_bytes};
use crate::abi_codes::{ST_EFAULT, ST_EINVAL, ST_ENOTFOUND, ST_EUNAVAIL};
use crate::bus::devices::{AttitudeMode, AttitudeRequest};
use crate::state::STATE_V1_TEMPERATURES;

/// `abi_version() -> i32`: 1.
pub(crate) fn abi_version(mut caller: AppCaller<'_>) -> wasmtime::Result<i32> {
    enter(&mut caller, true)?;
    Ok(1)
}

/// `identity(ptr, len) -> i32`: writes `"SATELLITE/APP"`.
pub(crate) fn identity(mut caller: AppCaller<'_>, ptr: i32, len: i32) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    let app = h.app().name.clone();
    let id = format!("{}/{}", h.bus.satellite(), app);
    Ok(write_bytes(&mut h, ptr, len, id.as_bytes()))
}

/// `state_read(ptr, len) -> i32`: writes `st_state_v1`.
pub(crate) fn state_read(mut caller: AppCaller<'_>, ptr: i32, len: i32) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    let bytes = h.bus.snapshot().encode_v1();
    Ok(write_bytes(&mut h, ptr, len, &bytes))
}

/// `temperature_name(index, ptr, len) -> i32`: the name of thermal node `index` of
/// `st_state_v1`.
pub(crate) fn temperature_name(
    mut caller: AppCaller<'_>,
    index: i32,
    ptr: i32,
    len: i32,
) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    if h.mem.slice(ptr, len).is_err() {
        return Ok(ST_EFAULT);
    }
    let temperatures = &h.bus.snapshot().temperatures_c;
    let count = temperatures.len().min(STATE_V1_TEMPERATURES);
    let name = match usize::try_from(index).ok().filter(|&i| i < count) {
        Some(i) => temperatures
            .get(i)
            .map(|(n, _)| n.clone())
            .unwrap_or_default(),
        None => return Ok(ST_ENOTFOUND),
    };
    Ok(write_bytes(&mut h, ptr, len, name.as_bytes()))
}

/// `attitude_request(mode, p0, p1, p2, p3) -> i32`: nadir (0), Sun (1), inertial quaternion
/// `(w, x, y, z)` (2), or a ground target at latitude, longitude (degrees) and altitude (m) (3).
pub(crate) fn attitude_request(
    mut caller: AppCaller<'_>,
    mode: i32,
    p0: f64,
    p1: f64,
    p2: f64,
    p3: f64,
) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    let Some(mode) = attitude_mode(mode, [p0, p1, p2, p3]) else {
        return Ok(ST_EINVAL);
    };
    if h.bus.safe_mode() {
        return Ok(ST_EUNAVAIL);
    }
    let app = h.app().name.clone();
    let time_unix_ns = h.now_ns;
    h.bus.request_attitude(AttitudeRequest {
        mode,
        app,
        time_unix_ns,
    });
    Ok(0)
}

/// The attitude mode of `attitude_request`'s arguments, `None` when they are invalid: every
/// parameter must be finite, whether the mode uses it or not (so no NaN, whatever its bits,
/// reaches the host); a quaternion is normalised (and must not be zero); a target's latitude
/// must lie in −90°…90° and its longitude is wrapped into −180°…180°.
fn attitude_mode(mode: i32, [p0, p1, p2, p3]: [f64; 4]) -> Option<AttitudeMode> {
    if ![p0, p1, p2, p3].iter().all(|p| p.is_finite()) {
        return None;
    }
    Some(match mode {
        0 => AttitudeMode::Nadir,
        1 => AttitudeMode::Sun,
        2 => {
            let norm = (p0 * p0 + p1 * p1 + p2 * p2 + p3 * p3).sqrt();
            if !norm.is_finite() || norm < 1e-12 {
                return None;
            }
            AttitudeMode::Inertial {
                q_body_from_eci: [p0 / norm, p1 / norm, p2 / norm, p3 / norm],
            }
        }
        3 => {
            if !(-90.0..=90.0).contains(&p0) {
                return None;
            }
            let lon_deg = (p1 + 180.0).rem_euclid(360.0) - 180.0;
            AttitudeMode::Target {
                lat_rad: p0.to_radians(),
                lon_rad: lon_deg.to_radians(),
                alt_m: p2,
            }
        }
        _ => return None,
    })
}
