//! `skytwin_v1`: the camera.

use super::host::{AppCaller, Host, enter, write_bytes};
use crate::abi_codes::{
    CAMERA_INFO_V1_SIZE, COST_PER_PIXEL_SAMPLE, IMAGE_META_V1_SIZE, ST_E2BIG, ST_EFAULT,
    ST_EUNAVAIL,
};
use crate::bus::devices::{CameraInfo, ImageMeta};

/// `camera_info(ptr, len) -> i32`: writes `st_camera_info_v1`.
pub(crate) fn camera_info(mut caller: AppCaller<'_>, ptr: i32, len: i32) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    if h.mem.slice(ptr, len).is_err() {
        return Ok(ST_EFAULT);
    }
    let Some(info) = h.bus.camera().map(|cam| cam.info()) else {
        return Ok(ST_EUNAVAIL);
    };
    Ok(write_bytes(&mut h, ptr, len, &camera_info_v1(&info)))
}

/// `camera_capture(buf, buf_len, meta, meta_len) -> i32`: renders an image at the app's
/// simulated instant into `buf` and its `st_image_meta_v1` into `meta` (unless `meta_len` is
/// 0); returns the image's size.
pub(crate) fn camera_capture(
    mut caller: AppCaller<'_>,
    buf: i32,
    buf_len: i32,
    meta: i32,
    meta_len: i32,
) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    if h.mem.slice(buf, buf_len).is_err() || h.mem.slice(meta, meta_len).is_err() {
        return Ok(ST_EFAULT);
    }
    let meta_len = meta_len as u32 as usize;
    if meta_len != 0 && meta_len < IMAGE_META_V1_SIZE {
        return Ok(ST_E2BIG);
    }
    let Some(info) = h.bus.camera().map(|cam| cam.info()) else {
        return Ok(ST_EUNAVAIL);
    };
    if h.bus.safe_mode() {
        return Ok(ST_EUNAVAIL);
    }
    let n = info.image_bytes();
    if u64::from(buf_len as u32) < n || n > i32::MAX as u64 {
        return Ok(ST_E2BIG);
    }
    let now = h.now_ns;
    let Host { mem, bus, .. } = &mut h;
    let (Ok(pixels), Some(cam)) = (mem.slice_mut(buf, n as i32), bus.camera_mut()) else {
        return Ok(ST_EFAULT);
    };
    let Ok(m) = cam.capture(now, pixels) else {
        return Ok(ST_EUNAVAIL);
    };
    if meta_len >= IMAGE_META_V1_SIZE && h.mem.write(meta, &image_meta_v1(&m)).is_err() {
        return Ok(ST_EFAULT);
    }
    // Only an image taken costs its readout: a call that fails pays the base cost alone.
    h.charge(n.saturating_mul(COST_PER_PIXEL_SAMPLE));
    h.charge_bytes(n);
    Ok(n as i32)
}

/// `st_camera_info_v1`: width, height, channels, bits per sample (u32 each), field of view
/// in degrees (f64), little-endian.
fn camera_info_v1(info: &CameraInfo) -> [u8; CAMERA_INFO_V1_SIZE] {
    let mut b = [0u8; CAMERA_INFO_V1_SIZE];
    b[0..4].copy_from_slice(&info.width_px.to_le_bytes());
    b[4..8].copy_from_slice(&info.height_px.to_le_bytes());
    b[8..12].copy_from_slice(&info.channels.to_le_bytes());
    b[12..16].copy_from_slice(&info.bits_per_sample.to_le_bytes());
    b[16..24].copy_from_slice(&info.fov_rad.to_degrees().to_le_bytes());
    b
}

/// `st_image_meta_v1`: capture time (i64 POSIX ns), centre latitude and longitude, ground
/// sample distance (m), off-nadir angle and Sun elevation (f64, angles in degrees),
/// little-endian.
fn image_meta_v1(m: &ImageMeta) -> [u8; IMAGE_META_V1_SIZE] {
    let mut b = [0u8; IMAGE_META_V1_SIZE];
    b[0..8].copy_from_slice(&m.time_unix_ns.to_le_bytes());
    b[8..16].copy_from_slice(&m.center_lat_rad.to_degrees().to_le_bytes());
    b[16..24].copy_from_slice(&m.center_lon_rad.to_degrees().to_le_bytes());
    b[24..32].copy_from_slice(&m.gsd_m.to_le_bytes());
    b[32..40].copy_from_slice(&m.off_nadir_rad.to_degrees().to_le_bytes());
    b[40..48].copy_from_slice(&m.sun_elevation_rad.to_degrees().to_le_bytes());
    b
}
