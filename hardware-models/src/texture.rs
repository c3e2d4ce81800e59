//! The Earth texture the camera samples: an equirectangular RGB image, loaded once and shared.

use std::path::Path;
use std::sync::Arc;

use crate::error::HardwareError;

/// Path of the bundled texture, relative to the repository root.
pub const DEFAULT_TEXTURE_PATH: &str = "assets/earth/blue_marble_4096x2048.jpg";

/// An equirectangular (plate carrée) RGB image of the Earth: column 0 is longitude −180°,
/// row 0 is latitude +90°, one pixel spans 360°/width × 180°/height.
#[derive(Clone, PartialEq)]
pub struct EarthTexture {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
}

impl std::fmt::Debug for EarthTexture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EarthTexture({}x{})", self.width, self.height)
    }
}

impl EarthTexture {
    /// Loads and decodes an image file (JPEG or PNG). The result is meant to be shared between
    /// all cameras of a simulation through the `Arc`.
    pub fn load(path: impl AsRef<Path>) -> Result<Arc<Self>, HardwareError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| HardwareError::TextureRead {
            path: path.to_path_buf(),
            source,
        })?;
        Self::decode(&bytes, path)
    }

    /// Decodes an encoded image (JPEG or PNG) held in memory, e.g. one compiled into the
    /// binary; `name` is what messages call it.
    pub fn decode(bytes: &[u8], name: impl AsRef<Path>) -> Result<Arc<Self>, HardwareError> {
        let path = name.as_ref();
        let image =
            image::load_from_memory(bytes).map_err(|source| HardwareError::TextureDecode {
                path: path.to_path_buf(),
                source,
            })?;
        let rgb = image.to_rgb8();
        let (width, height) = rgb.dimensions();
        if width != 2 * height || height < 2 {
            return Err(HardwareError::TextureShape {
                path: path.to_path_buf(),
                width,
                height,
            });
        }
        Ok(Arc::new(Self {
            width,
            height,
            rgb: rgb.into_raw(),
        }))
    }

    /// A texture from raw RGB bytes (row-major, 3 bytes per pixel), e.g. for tests.
    pub fn from_rgb(width: u32, height: u32, rgb: Vec<u8>) -> Result<Arc<Self>, HardwareError> {
        if u64::from(width) != 2 * u64::from(height) || height < 2 {
            return Err(HardwareError::TextureShape {
                path: "<memory>".into(),
                width,
                height,
            });
        }
        // width × height × 3 in usize, checked: u32 × u32 × 3 can exceed even a 64-bit usize.
        let expected = (width as usize)
            .checked_mul(height as usize)
            .and_then(|n| n.checked_mul(3));
        if expected != Some(rgb.len()) {
            return Err(HardwareError::TextureBytes {
                width,
                height,
                expected,
                provided: rgb.len(),
            });
        }
        Ok(Arc::new(Self { width, height, rgb }))
    }

    /// Width, pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height, pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    fn texel(&self, x: usize, y: usize) -> [f32; 3] {
        let i = (y * self.width as usize + x) * 3;
        [
            f32::from(self.rgb[i]),
            f32::from(self.rgb[i + 1]),
            f32::from(self.rgb[i + 2]),
        ]
    }

    /// Colour at a geodetic latitude/longitude (rad), bilinear between texel centres,
    /// wrapping in longitude and clamping at the poles; 0..255 per channel.
    pub fn sample_rgb(&self, lat_rad: f64, lon_rad: f64) -> [f32; 3] {
        let (w, h) = (self.width as f64, self.height as f64);
        // Texel centres at ((i + ½)·360°/w − 180°, 90° − (j + ½)·180°/h).
        let u = (lon_rad + std::f64::consts::PI) / std::f64::consts::TAU * w - 0.5;
        let v = (std::f64::consts::FRAC_PI_2 - lat_rad) / std::f64::consts::PI * h - 0.5;
        let v = v.clamp(0.0, h - 1.0);
        let (u0, v0) = (u.floor(), v.floor());
        let (fu, fv) = ((u - u0) as f32, (v - v0) as f32);
        let wrap = |x: f64| (x.rem_euclid(w)) as usize;
        let (x0, x1) = (wrap(u0), wrap(u0 + 1.0));
        let y0 = v0 as usize;
        let y1 = (y0 + 1).min(self.height as usize - 1);
        let (a, b, c, d) = (
            self.texel(x0, y0),
            self.texel(x1, y0),
            self.texel(x0, y1),
            self.texel(x1, y1),
        );
        let mut out = [0.0; 3];
        for k in 0..3 {
            let top = a[k] + (b[k] - a[k]) * fu;
            let bottom = c[k] + (d[k] - c[k]) * fu;
            out[k] = top + (bottom - top) * fv;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regress_orientation_and_bilinear_sampling() {
        // 8×4 texture: red = column index × 10, green = row index × 10.
        let (w, h) = (8u32, 4u32);
        let mut rgb = Vec::new();
        for y in 0..h {
            for x in 0..w {
                rgb.extend_from_slice(&[(x * 10) as u8, (y * 10) as u8, 7]);
            }
        }
        let t = EarthTexture::from_rgb(w, h, rgb).unwrap();
        // Centre of texel (0, 0): lon −180 + 22.5, lat 90 − 22.5.
        let c = t.sample_rgb(67.5f64.to_radians(), (-157.5f64).to_radians());
        assert_eq!(c, [0.0, 0.0, 7.0]);
        // Halfway between columns 2 and 3 on row 1.
        let c = t.sample_rgb(22.5f64.to_radians(), (-45f64).to_radians());
        assert!((c[0] - 25.0).abs() < 1e-4 && (c[1] - 10.0).abs() < 1e-4);
        // Wraps across the antimeridian: between column 7 (70) and column 0 (0).
        let c = t.sample_rgb(67.5f64.to_radians(), 180f64.to_radians());
        assert!((c[0] - 35.0).abs() < 1e-4);
        assert!(EarthTexture::from_rgb(8, 8, vec![0; 192]).is_err());
    }

    #[test]
    fn regress_huge_or_inconsistent_sizes_are_errors_not_overflows() {
        // 2³¹ × 2³⁰ × 3 overflows u32 (and a 32-bit usize); the shape is right, the bytes not.
        let err = EarthTexture::from_rgb(1 << 31, 1 << 30, vec![0; 12]).unwrap_err();
        assert!(
            matches!(
                err,
                HardwareError::TextureBytes {
                    width: 2_147_483_648,
                    height: 1_073_741_824,
                    provided: 12,
                    ..
                }
            ),
            "{err}"
        );
        // u32::MAX × (u32::MAX / 2) × 3 overflows even a 64-bit usize.
        let err = EarthTexture::from_rgb(u32::MAX - 1, u32::MAX / 2, vec![0; 3]).unwrap_err();
        assert!(
            matches!(err, HardwareError::TextureBytes { expected: None, .. }),
            "{err}"
        );
        assert!(
            err.to_string().contains("an addressable number of"),
            "{err}"
        );
        // 2 × height overflowing u32 is a shape error.
        assert!(matches!(
            EarthTexture::from_rgb(u32::MAX, u32::MAX, vec![]),
            Err(HardwareError::TextureShape { .. })
        ));
        let err = EarthTexture::from_rgb(8, 4, vec![0; 95]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Earth texture 8x4: expected 96 RGB bytes, got 95"
        );
    }

    #[test]
    fn regress_missing_and_corrupt_files_give_clear_errors() {
        let missing = EarthTexture::load("/nonexistent/earth.jpg");
        assert!(matches!(missing, Err(HardwareError::TextureRead { .. })));
        let dir = std::env::temp_dir().join(format!("hm-texture-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bad = dir.join("bad.jpg");
        std::fs::write(&bad, b"not a jpeg").unwrap();
        let err = EarthTexture::load(&bad).unwrap_err();
        assert!(matches!(err, HardwareError::TextureDecode { .. }), "{err}");
        assert!(err.to_string().contains("bad.jpg"));
        std::fs::remove_dir_all(&dir).ok();
    }
}
