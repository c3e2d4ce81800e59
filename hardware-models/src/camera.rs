//! Camera payload: a pinhole camera whose pixels are sampled from the Earth texture where each
//! pixel's line of sight meets the WGS-84 ellipsoid, shaded by the local Sun elevation (night
//! is dark), plus seeded read noise.

use std::sync::Arc;

use hifitime::Epoch;
use nalgebra::{UnitQuaternion, Vector3};
use orbit::constants::{WGS84_A_KM, WGS84_E2, WGS84_F};
use orbit::{EarthOrientation, teme_to_itrf};
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

use crate::error::{HardwareError, check};
use crate::texture::EarthTexture;

/// Parameters of the camera.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CameraParams {
    /// Detector columns (as read out, after any binning), pixels.
    pub width_px: u32,
    /// Detector rows, pixels.
    pub height_px: u32,
    /// Pixel pitch (as read out), µm.
    pub pixel_pitch_um: f64,
    /// Focal length, mm.
    pub focal_length_mm: f64,
    /// 1 (panchromatic: mean of R, G, B) or 3 (RGB, interleaved).
    pub channels: u8,
    /// 8 (one byte per sample) or 16 (two bytes, little endian; DN scaled to 0..65535).
    pub bit_depth: u8,
    /// Optical axis, body frame.
    pub boresight_body: Vector3<f64>,
    /// Direction of the top of the image (decreasing row index), body frame; made orthogonal
    /// to the boresight on construction.
    pub up_body: Vector3<f64>,
    /// Brightness at overhead Sun relative to the texture value, so that
    ///   DN = gain · texture · sin(Sun elevation)  (Lambertian surface, 8-bit scale).
    pub exposure_gain: f64,
    /// Read noise (1σ), DN on the 8-bit scale.
    pub read_noise_dn: f64,
    /// Power-system load of the camera (switched to its imaging mode by the simulation).
    #[serde(default)]
    pub power_load: Option<String>,
}

impl CameraParams {
    /// Camera axes in the body frame: x (columns →), y (rows ↓), z (boresight); `up_body` is
    /// made orthogonal to the boresight.
    pub fn axes_body(&self) -> [Vector3<f64>; 3] {
        let z = self.boresight_body.normalize();
        let up = self.up_body - z * self.up_body.dot(&z);
        let y = -up.normalize();
        let x = y.cross(&z);
        [x, y, z]
    }

    /// Body-frame direction of the centre of pixel (column, row) (pinhole model), with the
    /// camera axes from [`Self::axes_body`]:
    ///   d ∝ x̂ (c + ½ − W/2) p + ŷ (r + ½ − H/2) p + ẑ f
    pub fn pixel_dir_body(
        &self,
        axes_body: &[Vector3<f64>; 3],
        col: f64,
        row: f64,
    ) -> Vector3<f64> {
        let pitch = self.pixel_pitch_um * 1e-6;
        let xs = (col + 0.5 - self.width_px as f64 / 2.0) * pitch;
        let ys = (row + 0.5 - self.height_px as f64 / 2.0) * pitch;
        let [x, y, z] = axes_body;
        (x * xs + y * ys + z * (self.focal_length_mm * 1e-3)).normalize()
    }

    /// Checks ranges.
    pub fn validate(&self) -> Result<(), HardwareError> {
        let m = "camera";
        check(
            (1..=8192).contains(&self.width_px),
            m,
            "width_px",
            f64::from(self.width_px),
            "1..=8192",
        )?;
        check(
            (1..=8192).contains(&self.height_px),
            m,
            "height_px",
            f64::from(self.height_px),
            "1..=8192",
        )?;
        check(
            self.pixel_pitch_um > 0.0,
            m,
            "pixel_pitch_um",
            self.pixel_pitch_um,
            "> 0",
        )?;
        check(
            self.focal_length_mm > 0.0,
            m,
            "focal_length_mm",
            self.focal_length_mm,
            "> 0",
        )?;
        check(
            self.channels == 1 || self.channels == 3,
            m,
            "channels",
            f64::from(self.channels),
            "1 or 3",
        )?;
        check(
            self.bit_depth == 8 || self.bit_depth == 16,
            m,
            "bit_depth",
            f64::from(self.bit_depth),
            "8 or 16",
        )?;
        check(
            self.exposure_gain >= 0.0,
            m,
            "exposure_gain",
            self.exposure_gain,
            ">= 0",
        )?;
        check(
            self.read_noise_dn >= 0.0,
            m,
            "read_noise_dn",
            self.read_noise_dn,
            ">= 0",
        )?;
        let b = self.boresight_body.try_normalize(1e-12);
        let u = self.up_body.try_normalize(1e-12);
        match (b, u) {
            (Some(b), Some(u)) if b.cross(&u).norm() > 1e-6 => Ok(()),
            _ => Err(HardwareError::Inconsistent {
                model: m,
                reason: "boresight_body and up_body must be non-zero and not parallel",
            }),
        }
    }

    /// Bytes of one image.
    pub fn image_bytes(&self) -> usize {
        self.width_px as usize
            * self.height_px as usize
            * usize::from(self.channels)
            * usize::from(self.bit_depth / 8)
    }

    /// Instantaneous field of view of one pixel, rad: p / f.
    pub fn ifov_rad(&self) -> f64 {
        self.pixel_pitch_um * 1e-6 / (self.focal_length_mm * 1e-3)
    }

    /// Full field of view across the columns, rad: 2 atan(W p / 2f).
    pub fn fov_width_rad(&self) -> f64 {
        2.0 * (self.width_px as f64 * self.pixel_pitch_um * 1e-6
            / (2.0 * self.focal_length_mm * 1e-3))
            .atan()
    }

    /// Ground sample distance at nadir from altitude `altitude_km` over a flat Earth (pinhole),
    /// m: GSD = p · H / f (Wertz & Larson, SMAD 3rd ed., ch. 9, observation payload sizing).
    pub fn nadir_gsd_m(&self, altitude_km: f64) -> f64 {
        self.ifov_rad() * altitude_km * 1e3
    }
}

/// What the caller knows at the instant of a capture.
#[derive(Clone, Copy, Debug)]
pub struct CaptureInputs<'a> {
    /// Instant of the exposure (UTC).
    pub epoch: Epoch,
    /// Spacecraft position, ECI (TEME), km.
    pub pos_eci_km: Vector3<f64>,
    /// Attitude: rotates ECI vectors into the body frame.
    pub q_body_from_eci: UnitQuaternion<f64>,
    /// Sun position (geocentric), ECI (TEME), km.
    pub sun_pos_eci_km: Vector3<f64>,
    /// Earth orientation for TEME → ITRF.
    pub eop: &'a EarthOrientation,
}

/// Description of a captured image.
#[derive(Clone, Debug, PartialEq)]
pub struct CaptureMetadata {
    /// Instant of the exposure.
    pub epoch: Epoch,
    /// Columns, rows, channels, bits per sample.
    pub width_px: u32,
    /// Rows.
    pub height_px: u32,
    /// Channels (1 or 3).
    pub channels: u8,
    /// Bits per sample (8 or 16).
    pub bit_depth: u8,
    /// Bytes written into the buffer.
    pub bytes: usize,
    /// Geodetic latitude of the image centre on the ellipsoid, rad (None if it misses Earth).
    pub centre_lat_rad: Option<f64>,
    /// Longitude of the image centre, rad.
    pub centre_lon_rad: Option<f64>,
    /// Sun elevation at the image centre, rad.
    pub sun_elevation_rad: Option<f64>,
    /// Angle between the boresight and nadir (geocentric), rad.
    pub off_nadir_rad: f64,
    /// Distance from the spacecraft to the image centre, km.
    pub slant_range_km: Option<f64>,
    /// Ground distance between the centres of the two middle columns, m.
    pub gsd_cross_m: Option<f64>,
    /// Ground distance between the centres of the two middle rows, m.
    pub gsd_along_m: Option<f64>,
    /// Geodetic (lat, lon) of the four corner pixels (top-left, top-right, bottom-right,
    /// bottom-left), rad; None where a corner misses the Earth.
    pub corners: [Option<(f64, f64)>; 4],
    /// Fraction of pixels that see the Earth, 0..1.
    pub earth_fraction: f64,
}

/// The camera: parameters plus the shared texture.
#[derive(Clone, Debug)]
pub struct Camera {
    params: CameraParams,
    texture: Arc<EarthTexture>,
    /// Camera axes in the body frame: x (columns →), y (rows ↓), z (boresight).
    axes_body: [Vector3<f64>; 3],
}

/// Line of sight from `origin` (ITRF, km) along unit `dir` meets the WGS-84 ellipsoid at the
/// returned point, if it does. With z scaled by a/b the ellipsoid is a sphere of radius a:
///   |p' + t d'|² = a²  ⇒  t = (−p'·d' − √((p'·d')² − |d'|²(|p'|² − a²))) / |d'|²
fn intersect_ellipsoid(origin: &Vector3<f64>, dir: &Vector3<f64>) -> Option<Vector3<f64>> {
    let k = 1.0 / (1.0 - WGS84_F); // a / b
    let p = Vector3::new(origin.x, origin.y, origin.z * k);
    let d = Vector3::new(dir.x, dir.y, dir.z * k);
    let a = WGS84_A_KM;
    let dd = d.norm_squared();
    let pd = p.dot(&d);
    let disc = pd * pd - dd * (p.norm_squared() - a * a);
    if disc < 0.0 {
        return None;
    }
    let t = (-pd - disc.sqrt()) / dd;
    if t <= 0.0 {
        return None;
    }
    Some(origin + dir * t)
}

/// Geodetic latitude and longitude of a point on the ellipsoid surface, rad (closed form on
/// the surface: tan φ = z / ((1 − e²) √(x² + y²))).
fn surface_lat_lon(p: &Vector3<f64>) -> (f64, f64) {
    let rho = (p.x * p.x + p.y * p.y).sqrt();
    ((p.z).atan2((1.0 - WGS84_E2) * rho), p.y.atan2(p.x))
}

/// Outward ellipsoid normal at a surface point: ∇(x²/a² + y²/a² + z²/b²) ∝ (x, y, z/(1 − e²)),
/// the same direction as (cos φ cos λ, cos φ sin λ, sin φ) at geodetic latitude φ.
fn normal(p: &Vector3<f64>) -> Vector3<f64> {
    Vector3::new(p.x, p.y, p.z / (1.0 - WGS84_E2)).normalize()
}

/// Great-circle-free ground distance between two nearby surface points, m (chord ≈ arc for
/// the pixel-scale distances it is used on).
fn ground_distance_m(a: &Vector3<f64>, b: &Vector3<f64>) -> f64 {
    (a - b).norm() * 1e3
}

impl Camera {
    /// A camera sampling `texture`.
    pub fn new(params: CameraParams, texture: Arc<EarthTexture>) -> Result<Self, HardwareError> {
        params.validate()?;
        let axes_body = params.axes_body();
        Ok(Self {
            params,
            texture,
            axes_body,
        })
    }

    /// Parameters.
    pub fn params(&self) -> &CameraParams {
        &self.params
    }

    /// Bytes of one image.
    pub fn image_bytes(&self) -> usize {
        self.params.image_bytes()
    }

    /// Body-frame direction of the centre of pixel (column, row).
    fn pixel_dir_body(&self, col: f64, row: f64) -> Vector3<f64> {
        self.params.pixel_dir_body(&self.axes_body, col, row)
    }

    /// Takes a picture into `buffer` (row-major, channels interleaved; 16-bit samples little
    /// endian) and describes it. Pixels that miss the Earth see black space.
    pub fn capture<R: Rng + ?Sized>(
        &self,
        inputs: &CaptureInputs<'_>,
        buffer: &mut [u8],
        rng: &mut R,
    ) -> Result<CaptureMetadata, HardwareError> {
        let p = &self.params;
        let bytes = p.image_bytes();
        if buffer.len() < bytes {
            return Err(HardwareError::BufferTooSmall {
                needed: bytes,
                provided: buffer.len(),
            });
        }
        if !inputs.pos_eci_km.iter().all(|x| x.is_finite())
            || inputs.pos_eci_km.norm() < WGS84_A_KM * 0.9
        {
            return Err(HardwareError::InvalidInput {
                model: "camera",
                field: "pos_eci_km",
                reason: "not finite or inside the Earth",
            });
        }
        // One rotation for the whole image: body → ECI → ITRF.
        // TEME → ITRF is a rotation: its columns are the images of the unit vectors.
        let rotate =
            |v: Vector3<f64>| teme_to_itrf(&v, &Vector3::zeros(), inputs.epoch, inputs.eop).0;
        let pos_itrf = rotate(inputs.pos_eci_km);
        let itrf_from_eci = nalgebra::Matrix3::from_columns(&[
            rotate(Vector3::x()),
            rotate(Vector3::y()),
            rotate(Vector3::z()),
        ]);
        let eci_from_body = inputs
            .q_body_from_eci
            .inverse()
            .to_rotation_matrix()
            .into_inner();
        let itrf_from_body = itrf_from_eci * eci_from_body;
        let sun_hat = rotate(inputs.sun_pos_eci_km).normalize();

        let channels = usize::from(p.channels);
        let wide = p.bit_depth == 16;
        let scale = if wide { 65535.0 / 255.0 } else { 1.0 };
        let max = if wide { 65535.0 } else { 255.0 };
        let mut earth_pixels = 0usize;
        let mut out = 0usize;
        for row in 0..p.height_px {
            for col in 0..p.width_px {
                let dir = itrf_from_body * self.pixel_dir_body(f64::from(col), f64::from(row));
                let (rgb, shade) = match intersect_ellipsoid(&pos_itrf, &dir) {
                    Some(ground) => {
                        earth_pixels += 1;
                        let (lat, lon) = surface_lat_lon(&ground);
                        // Lambertian shading by the local Sun elevation: sin(el) = n̂·ŝ.
                        let sin_el = normal(&ground).dot(&sun_hat).max(0.0);
                        (self.texture.sample_rgb(lat, lon), sin_el)
                    }
                    None => ([0.0; 3], 0.0),
                };
                let gain = (p.exposure_gain * shade) as f32;
                let mut write = |value: f32, out: &mut usize| {
                    let noise: f64 = StandardNormal.sample(rng);
                    let dn = ((f64::from(value * gain) + noise * p.read_noise_dn) * scale)
                        .round()
                        .clamp(0.0, max);
                    if wide {
                        let v = dn as u16;
                        buffer[*out..*out + 2].copy_from_slice(&v.to_le_bytes());
                        *out += 2;
                    } else {
                        buffer[*out] = dn as u8;
                        *out += 1;
                    }
                };
                if channels == 3 {
                    for v in rgb {
                        write(v, &mut out);
                    }
                } else {
                    write((rgb[0] + rgb[1] + rgb[2]) / 3.0, &mut out);
                }
            }
        }

        // Metadata: centre, GSD from neighbouring pixel centres, corners.
        let (w, h) = (f64::from(p.width_px), f64::from(p.height_px));
        let ground = |col: f64, row: f64| {
            intersect_ellipsoid(&pos_itrf, &(itrf_from_body * self.pixel_dir_body(col, row)))
        };
        let boresight_itrf = itrf_from_body * self.axes_body[2];
        let centre = intersect_ellipsoid(&pos_itrf, &boresight_itrf);
        let mid_c = (w / 2.0 - 1.0).max(0.0);
        let mid_r = (h / 2.0 - 1.0).max(0.0);
        let centre_row = h / 2.0 - 0.5;
        let centre_col = w / 2.0 - 0.5;
        let gsd_cross_m = match (ground(mid_c, centre_row), ground(mid_c + 1.0, centre_row)) {
            (Some(a), Some(b)) => Some(ground_distance_m(&a, &b)),
            _ => None,
        };
        let gsd_along_m = match (ground(centre_col, mid_r), ground(centre_col, mid_r + 1.0)) {
            (Some(a), Some(b)) => Some(ground_distance_m(&a, &b)),
            _ => None,
        };
        let corner = |col: f64, row: f64| ground(col, row).map(|g| surface_lat_lon(&g));
        let corners = [
            corner(0.0, 0.0),
            corner(w - 1.0, 0.0),
            corner(w - 1.0, h - 1.0),
            corner(0.0, h - 1.0),
        ];
        let (centre_lat_rad, centre_lon_rad, sun_elevation_rad, slant_range_km) = match centre {
            Some(c) => {
                let (lat, lon) = surface_lat_lon(&c);
                (
                    Some(lat),
                    Some(lon),
                    Some(normal(&c).dot(&sun_hat).clamp(-1.0, 1.0).asin()),
                    Some((c - pos_itrf).norm()),
                )
            }
            None => (None, None, None, None),
        };
        Ok(CaptureMetadata {
            epoch: inputs.epoch,
            width_px: p.width_px,
            height_px: p.height_px,
            channels: p.channels,
            bit_depth: p.bit_depth,
            bytes,
            centre_lat_rad,
            centre_lon_rad,
            sun_elevation_rad,
            off_nadir_rad: boresight_itrf.angle(&-pos_itrf),
            slant_range_km,
            gsd_cross_m,
            gsd_along_m,
            corners,
            earth_fraction: earth_pixels as f64 / (w * h),
        })
    }
}
