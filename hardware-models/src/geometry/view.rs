//! Obstruction of an instrument's field of view (an antenna, the camera) by the rest of the
//! spacecraft: geometric line of sight from the centre of the aperture, by rapier ray casts.
//!
//! Only directions in front of the aperture (less than 90° from the boresight) are tested:
//! behind its plane the instrument looks into the part it sits on, and for an antenna the
//! pattern's back-lobe floor already describes that half-space. Line of sight is geometric
//! optics: it ignores diffraction around an obstacle, which matters when the obstacle is only a
//! few wavelengths across (S-band, λ = 13 cm, around a 10 cm cubesat appendage).

use nalgebra::Vector3;

use super::scene::{Face, SpacecraftGeometry};

/// The aperture point sits this far in front of its face, m (off the part's own surface).
const SURFACE_OFFSET_M: f64 = 1e-6;

/// An instrument's view out of the spacecraft.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ApertureView {
    part: usize,
    origin_body_m: Vector3<f64>,
    boresight_body: Vector3<f64>,
}

impl ApertureView {
    /// The view from the centre of `face` (the face of the instrument's part whose outward
    /// normal is the boresight).
    pub fn new(face: &Face) -> Self {
        Self {
            part: face.part,
            origin_body_m: face.center_body_m + face.normal_body * SURFACE_OFFSET_M,
            boresight_body: face.normal_body,
        }
    }

    /// Index of the part the instrument sits in.
    pub fn part(&self) -> usize {
        self.part
    }

    /// Centre of the aperture, body frame, m.
    pub fn origin_body_m(&self) -> Vector3<f64> {
        self.origin_body_m
    }

    /// Unit boresight, body frame.
    pub fn boresight_body(&self) -> Vector3<f64> {
        self.boresight_body
    }

    /// Whether the line of sight toward `dir_body` (body frame, any length) is blocked by
    /// another part: the direction is in front of the aperture and the ray from its centre hits
    /// a part other than the instrument's own. Directions behind the aperture plane, and zero
    /// or non-finite vectors, are not blocked by this test.
    pub fn is_obstructed(&self, geometry: &SpacecraftGeometry, dir_body: &Vector3<f64>) -> bool {
        let Some(d) = dir_body.try_normalize(0.0) else {
            return false;
        };
        let cos = d.dot(&self.boresight_body);
        if cos.is_nan() || cos <= 0.0 {
            return false;
        }
        geometry
            .cast_ray(&self.origin_body_m, &d, Some(self.part))
            .is_some()
    }

    /// Fraction of the directions within `half_angle_rad` of the boresight (at most 90°) that
    /// are obstructed, solid-angle weighted: `samples` directions of a Fibonacci lattice on
    /// the spherical cap (equal areas; Swinbank & Purser 2006), z = 1 − (k + ½)(1 − cos α)/n,
    /// azimuth k·π(3 − √5).
    pub fn obstructed_fraction(
        &self,
        geometry: &SpacecraftGeometry,
        half_angle_rad: f64,
        samples: usize,
    ) -> f64 {
        let alpha = half_angle_rad.clamp(0.0, std::f64::consts::FRAC_PI_2);
        let b = &self.boresight_body;
        let helper = if b.x.abs() < 0.9 {
            Vector3::x()
        } else {
            Vector3::y()
        };
        let e1 = b.cross(&helper).normalize();
        let e2 = b.cross(&e1);
        let golden = std::f64::consts::PI * (3.0 - 5f64.sqrt());
        let n = samples.max(1);
        let directions = (0..n).map(|k| {
            let z = 1.0 - (k as f64 + 0.5) * (1.0 - alpha.cos()) / n as f64;
            let r = (1.0 - z * z).max(0.0).sqrt();
            let (s, c) = (golden * k as f64).sin_cos();
            b * z + e1 * (r * c) + e2 * (r * s)
        });
        self.obstructed_fraction_of(geometry, directions)
    }

    /// Fraction of the given directions (body frame) that are obstructed (0 for none).
    pub fn obstructed_fraction_of(
        &self,
        geometry: &SpacecraftGeometry,
        directions: impl IntoIterator<Item = Vector3<f64>>,
    ) -> f64 {
        let (mut blocked, mut total) = (0usize, 0usize);
        for d in directions {
            total += 1;
            if self.is_obstructed(geometry, &d) {
                blocked += 1;
            }
        }
        if total == 0 {
            0.0
        } else {
            blocked as f64 / total as f64
        }
    }
}
