//! The satellite's camera model as the apps' camera service: `camera_capture` renders the
//! hardware camera at the app's simulated instant.

use std::sync::{Arc, Mutex, PoisonError};

use hardware_models::camera::{Camera, CaptureInputs};
use nalgebra::{UnitQuaternion, Vector3};
use orbit::EarthOrientation;
use rand_chacha::ChaCha8Rng;

use crate::bus::devices::{CameraError, CameraInfo, CameraService, ImageMeta};
use crate::time::{NS_PER_S, unix_ns_to_epoch};

/// Where the satellite is during the current step, as the camera needs it. The satellite
/// writes it before the apps run; a capture at time t inside the step uses the position
/// advanced linearly, `r(t) = r₀ + v₀ (t − t₀)`, and the attitude interpolated between the
/// step's start and end, `q(t) = slerp(q₀, q₁, (t − t₀)/Δt)`.
#[derive(Debug, Clone)]
pub(crate) struct CameraGeometry {
    pub t0_unix_ns: i64,
    pub dt_ns: i64,
    pub pos_eci_km: Vector3<f64>,
    pub vel_eci_km_s: Vector3<f64>,
    pub q0: UnitQuaternion<f64>,
    pub q1: UnitQuaternion<f64>,
    pub sun_pos_eci_km: Vector3<f64>,
    /// The camera's power load is not shed and the satellite is not in safe mode.
    pub available: bool,
    /// Captures taken during the step (the satellite powers the camera for them).
    pub captures: u32,
}

/// The hardware camera behind the ABI.
pub(crate) struct HardwareCamera {
    pub camera: Camera,
    pub geometry: Arc<Mutex<CameraGeometry>>,
    pub eop: Arc<EarthOrientation>,
    pub rng: ChaCha8Rng,
    /// Scratch buffer for 16-bit cameras (converted to the ABI's 8-bit samples).
    pub scratch: Vec<u8>,
}

impl CameraService for HardwareCamera {
    fn info(&self) -> CameraInfo {
        let p = self.camera.params();
        CameraInfo {
            width_px: p.width_px,
            height_px: p.height_px,
            channels: u32::from(p.channels),
            bits_per_sample: 8,
            fov_rad: p.fov_width_rad(),
        }
    }

    fn capture(&mut self, t_unix_ns: i64, pixels: &mut [u8]) -> Result<ImageMeta, CameraError> {
        let g = {
            let mut shared = self.geometry.lock().unwrap_or_else(PoisonError::into_inner);
            if !shared.available {
                return Err(CameraError::Unavailable);
            }
            shared.captures += 1;
            shared.clone()
        };
        let into = (t_unix_ns - g.t0_unix_ns).max(0);
        let frac = if g.dt_ns > 0 {
            (into as f64 / g.dt_ns as f64).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let inputs = CaptureInputs {
            epoch: unix_ns_to_epoch(t_unix_ns),
            pos_eci_km: g.pos_eci_km + g.vel_eci_km_s * (into as f64 / NS_PER_S as f64),
            q_body_from_eci: g.q0.slerp(&g.q1, frac),
            sun_pos_eci_km: g.sun_pos_eci_km,
            eop: &self.eop,
        };
        let sixteen = self.camera.params().bit_depth == 16;
        let meta = if sixteen {
            self.scratch.resize(self.camera.image_bytes(), 0);
            let m = self
                .camera
                .capture(&inputs, &mut self.scratch, &mut self.rng);
            // 16-bit little-endian samples → their high byte.
            for (dst, src) in pixels.iter_mut().zip(self.scratch.chunks_exact(2)) {
                *dst = src[1];
            }
            m
        } else {
            self.camera.capture(&inputs, pixels, &mut self.rng)
        }
        .map_err(|_| CameraError::Unavailable)?;
        Ok(ImageMeta {
            time_unix_ns: t_unix_ns,
            center_lat_rad: meta.centre_lat_rad.unwrap_or(f64::NAN),
            center_lon_rad: meta.centre_lon_rad.unwrap_or(f64::NAN),
            gsd_m: meta.gsd_cross_m.unwrap_or(f64::NAN),
            off_nadir_rad: meta.off_nadir_rad,
            sun_elevation_rad: meta.sun_elevation_rad.unwrap_or(f64::NAN),
        })
    }
}
