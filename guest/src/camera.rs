//! The camera: `camera_info` and `camera_capture` (`docs/abi.md` "Camera").

use crate::bytes::{f64_at, i64_at, u32_at};

/// Size of `st_camera_info_v1` in bytes.
pub const CAMERA_INFO_V1_SIZE: usize = 24;
/// Size of `st_image_meta_v1` in bytes.
pub const IMAGE_META_V1_SIZE: usize = 48;

/// `st_camera_info_v1`: the camera's geometry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CameraInfo {
    /// Image width, pixels.
    pub width_px: u32,
    /// Image height, pixels.
    pub height_px: u32,
    /// Samples per pixel: 1 grey, 3 RGB.
    pub channels: u32,
    /// Bits per sample (8).
    pub bits_per_sample: u32,
    /// Full field of view across the width, degrees.
    pub fov_deg: f64,
}

impl CameraInfo {
    /// Decodes `st_camera_info_v1` from its 24 little-endian bytes.
    pub fn from_bytes(b: &[u8; CAMERA_INFO_V1_SIZE]) -> CameraInfo {
        CameraInfo {
            width_px: u32_at(b, 0),
            height_px: u32_at(b, 4),
            channels: u32_at(b, 8),
            bits_per_sample: u32_at(b, 12),
            fov_deg: f64_at(b, 16),
        }
    }

    /// Bytes of one image (`width × height × channels × ceil(bits / 8)`), `None` if that
    /// overflows `usize`.
    pub fn image_bytes(&self) -> Option<usize> {
        let bytes_per_sample = (self.bits_per_sample as usize + 7) / 8;
        (self.width_px as usize)
            .checked_mul(self.height_px as usize)?
            .checked_mul(self.channels as usize)?
            .checked_mul(bytes_per_sample)
    }
}

/// `st_image_meta_v1`: where and when an image was taken.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImageMeta {
    /// Capture time, ns since 1970-01-01 UTC (POSIX).
    pub time_unix_ns: i64,
    /// Latitude of the image centre, degrees (NaN if the boresight misses the Earth).
    pub center_lat_deg: f64,
    /// Longitude of the image centre, degrees.
    pub center_lon_deg: f64,
    /// Ground sample distance at the centre, m.
    pub gsd_m: f64,
    /// Off-nadir angle of the boresight, degrees.
    pub off_nadir_deg: f64,
    /// Sun elevation at the image centre, degrees.
    pub sun_elevation_deg: f64,
}

impl ImageMeta {
    /// Decodes `st_image_meta_v1` from its 48 little-endian bytes.
    pub fn from_bytes(b: &[u8; IMAGE_META_V1_SIZE]) -> ImageMeta {
        ImageMeta {
            time_unix_ns: i64_at(b, 0),
            center_lat_deg: f64_at(b, 8),
            center_lon_deg: f64_at(b, 16),
            gsd_m: f64_at(b, 24),
            off_nadir_deg: f64_at(b, 32),
            sun_elevation_deg: f64_at(b, 40),
        }
    }

    /// Whether the boresight hit the Earth.
    pub fn on_earth(&self) -> bool {
        !self.center_lat_deg.is_nan()
    }
}

/// A captured image: its pixels (row-major, row 0 at the top, samples interleaved) and
/// where it was taken.
#[derive(Debug, Clone, PartialEq)]
pub struct Capture {
    /// Width, pixels.
    pub width_px: u32,
    /// Height, pixels.
    pub height_px: u32,
    /// Samples per pixel (1 grey, 3 RGB).
    pub channels: u32,
    /// `width × height × channels` bytes.
    pub pixels: Vec<u8>,
    /// Time and footprint of the capture.
    pub meta: ImageMeta,
}

/// Reads the camera's geometry (`camera_info`).
#[cfg(target_arch = "wasm32")]
pub fn info() -> Result<CameraInfo, crate::Error> {
    let mut b = [0u8; CAMERA_INFO_V1_SIZE];
    // SAFETY: the host writes at most `b.len()` bytes into `b`.
    crate::error::check(unsafe { crate::sys::camera_info(b.as_mut_ptr(), b.len() as u32) })?;
    Ok(CameraInfo::from_bytes(&b))
}

/// Takes an image now into `buf` (`camera_capture`); returns the pixel bytes written and the
/// image's metadata. `buf` must hold [`CameraInfo::image_bytes`] bytes (else
/// [`crate::Error::TooBig`]).
#[cfg(target_arch = "wasm32")]
pub fn capture_into(buf: &mut [u8]) -> Result<(usize, ImageMeta), crate::Error> {
    let mut meta = [0u8; IMAGE_META_V1_SIZE];
    let len = u32::try_from(buf.len()).unwrap_or(u32::MAX);
    // SAFETY: the host writes at most `len <= buf.len()` pixel bytes and 48 meta bytes.
    let n = crate::error::check(unsafe {
        crate::sys::camera_capture(
            buf.as_mut_ptr(),
            len,
            meta.as_mut_ptr(),
            IMAGE_META_V1_SIZE as u32,
        )
    })?;
    Ok((n as usize, ImageMeta::from_bytes(&meta)))
}

/// Takes an image now (`camera_info` + `camera_capture`) into a new buffer.
#[cfg(target_arch = "wasm32")]
pub fn capture() -> Result<Capture, crate::Error> {
    let info = info()?;
    let size = info.image_bytes().ok_or(crate::Error::TooBig)?;
    let mut pixels = vec![0u8; size];
    let (n, meta) = capture_into(&mut pixels)?;
    pixels.truncate(n);
    Ok(Capture {
        width_px: info.width_px,
        height_px: info.height_px,
        channels: info.channels,
        pixels,
        meta,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn val_abi_camera_layouts() {
        let mut b = [0u8; CAMERA_INFO_V1_SIZE];
        b[0..4].copy_from_slice(&640u32.to_le_bytes());
        b[4..8].copy_from_slice(&480u32.to_le_bytes());
        b[8..12].copy_from_slice(&3u32.to_le_bytes());
        b[12..16].copy_from_slice(&8u32.to_le_bytes());
        b[16..24].copy_from_slice(&2.5f64.to_le_bytes());
        let info = CameraInfo::from_bytes(&b);
        assert_eq!(
            (info.width_px, info.height_px, info.channels),
            (640, 480, 3)
        );
        assert_eq!(info.bits_per_sample, 8);
        assert_eq!(info.fov_deg, 2.5);
        assert_eq!(info.image_bytes(), Some(640 * 480 * 3));

        let mut m = [0u8; IMAGE_META_V1_SIZE];
        m[0..8].copy_from_slice(&42i64.to_le_bytes());
        for (i, v) in [f64::NAN, 10.0, 4.5, 12.0, 35.0].iter().enumerate() {
            m[8 + 8 * i..16 + 8 * i].copy_from_slice(&v.to_le_bytes());
        }
        let meta = ImageMeta::from_bytes(&m);
        assert_eq!(meta.time_unix_ns, 42);
        assert!(!meta.on_earth());
        assert_eq!(meta.center_lon_deg, 10.0);
        assert_eq!(meta.gsd_m, 4.5);
        assert_eq!(meta.off_nadir_deg, 12.0);
        assert_eq!(meta.sun_elevation_deg, 35.0);
    }
}
