//! Eclipse by the Earth: conical umbra and penumbra, with the fraction of the solar disc
//! that is visible.
//!
//! Model (Montenbruck & Gill, *Satellite Orbits*, 2000, §3.4.2, "conical shadow model"): seen
//! from the satellite at `r`, the Sun (radius R☉, at `r☉`) and the Earth (a sphere of radius
//! R⊕ = 6378.137 km, WGS-84 equatorial) are discs of apparent radii
//!
//! ```text
//! a = asin(R☉ / |r☉ − r|)        Sun
//! b = asin(R⊕ / |r|)             Earth
//! c = acos(−r · (r☉ − r) / (|r| |r☉ − r|))   separation of the disc centres
//! ```
//!
//! * `c ≥ a + b`: no overlap, full sunlight (illumination 1);
//! * `c ≤ b − a`: the Sun is hidden, umbra (0);
//! * `c ≤ a − b`: annular eclipse (only far from the Earth), `1 − b²/a²`;
//! * otherwise partial overlap of two discs with area
//!   `A = a² acos(x/a) + b² acos((c − x)/b) − c y`, `x = (c² + a² − b²) / (2c)`,
//!   `y = √(a² − x²)`, and illumination `1 − A / (π a²)`.
//!
//! The function is continuous across every boundary (the overlap area is 0 at `c = a + b`,
//! `π a²` at `c = b − a`, `π b²` at `c = a − b`). The Earth's flattening and atmosphere are
//! not modelled (the shadow edge may be off by up to ~20 km of Earth radius at high latitude).

use crate::constants::{SUN_RADIUS_KM, WGS84_A_KM};
use nalgebra::Vector3;
use std::f64::consts::PI;

/// Shadow state of a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ShadowState {
    /// The whole solar disc is visible.
    Sunlit,
    /// Part of the solar disc is hidden by the Earth.
    Penumbra,
    /// The solar disc is completely hidden.
    Umbra,
}

impl ShadowState {
    /// Lower-case name used in files: `sunlit`, `penumbra`, `umbra`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Sunlit => "sunlit",
            Self::Penumbra => "penumbra",
            Self::Umbra => "umbra",
        }
    }
}

/// Apparent radii and separation of the solar and terrestrial discs seen from a point, rad.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct DiscGeometry {
    /// Apparent radius of the Sun, rad.
    pub sun_rad: f64,
    /// Apparent radius of the Earth, rad.
    pub earth_rad: f64,
    /// Angular separation of the two disc centres, rad.
    pub separation_rad: f64,
}

impl DiscGeometry {
    /// The discs seen from `pos_km` with the Sun at `sun_pos_km` (same geocentric frame).
    pub fn new(pos_km: &Vector3<f64>, sun_pos_km: &Vector3<f64>) -> Self {
        let r = pos_km.norm();
        let to_sun = sun_pos_km - pos_km;
        let d = to_sun.norm();
        // a = asin(R☉ / |r☉ − r|), b = asin(R⊕ / |r|); inside a body the disc fills the sky
        let sun_rad = (SUN_RADIUS_KM / d).min(1.0).asin();
        let earth_rad = (WGS84_A_KM / r).min(1.0).asin();
        // c = acos(−r · (r☉ − r) / (|r| |r☉ − r|))
        let cos_c = (-pos_km.dot(&to_sun) / (r * d)).clamp(-1.0, 1.0);
        Self {
            sun_rad,
            earth_rad,
            separation_rad: cos_c.acos(),
        }
    }

    /// Signed distance (rad) from the penumbra boundary: `c − (a + b)`, negative inside the
    /// penumbra (or umbra).
    pub fn penumbra_margin_rad(&self) -> f64 {
        self.separation_rad - (self.sun_rad + self.earth_rad)
    }

    /// Signed distance (rad) from the umbra boundary: `c − (b − a)`, negative in the umbra.
    pub fn umbra_margin_rad(&self) -> f64 {
        self.separation_rad - (self.earth_rad - self.sun_rad)
    }

    /// Visible fraction of the solar disc, 0..=1.
    pub fn illumination(&self) -> f64 {
        let (a, b, c) = (self.sun_rad, self.earth_rad, self.separation_rad);
        if c >= a + b {
            return 1.0;
        }
        if c <= b - a {
            return 0.0;
        }
        if c <= a - b {
            // annular: the Earth's disc lies inside the Sun's
            return (1.0 - (b * b) / (a * a)).clamp(0.0, 1.0);
        }
        // x = (c² + a² − b²) / (2c), y = √(a² − x²)
        let x = (c * c + a * a - b * b) / (2.0 * c);
        let y = (a * a - x * x).max(0.0).sqrt();
        // A = a² acos(x/a) + b² acos((c − x)/b) − c y
        let area = a * a * (x / a).clamp(-1.0, 1.0).acos()
            + b * b * ((c - x) / b).clamp(-1.0, 1.0).acos()
            - c * y;
        (1.0 - area / (PI * a * a)).clamp(0.0, 1.0)
    }
}

/// Fraction of the solar disc visible from `pos_km` (1 = full sun, 0 = umbra), with the Sun at
/// `sun_pos_km`; both geocentric in the same frame (e.g. TEME), km. Conical model, see the
/// module documentation.
pub fn illumination(pos_km: &Vector3<f64>, sun_pos_km: &Vector3<f64>) -> f64 {
    DiscGeometry::new(pos_km, sun_pos_km).illumination()
}

/// Sunlit, penumbra or umbra at `pos_km` with the Sun at `sun_pos_km` (same frame, km).
pub fn shadow_state(pos_km: &Vector3<f64>, sun_pos_km: &Vector3<f64>) -> ShadowState {
    let g = DiscGeometry::new(pos_km, sun_pos_km);
    if g.penumbra_margin_rad() >= 0.0 {
        ShadowState::Sunlit
    } else if g.umbra_margin_rad() <= 0.0 {
        ShadowState::Umbra
    } else {
        ShadowState::Penumbra
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::constants::AU_KM;

    const SUN: Vector3<f64> = Vector3::new(AU_KM, 0.0, 0.0);

    #[test]
    fn val_analytic_sunlit_and_umbra_points() {
        // On the day side
        assert_eq!(illumination(&Vector3::new(7000.0, 0.0, 0.0), &SUN), 1.0);
        assert_eq!(
            shadow_state(&Vector3::new(7000.0, 0.0, 0.0), &SUN),
            ShadowState::Sunlit
        );
        // Straight behind the Earth at LEO altitude: deep umbra
        assert_eq!(illumination(&Vector3::new(-7000.0, 0.0, 0.0), &SUN), 0.0);
        assert_eq!(
            shadow_state(&Vector3::new(-7000.0, 0.0, 0.0), &SUN),
            ShadowState::Umbra
        );
        // Beside the Earth, far off the shadow axis
        assert_eq!(illumination(&Vector3::new(0.0, 7000.0, 0.0), &SUN), 1.0);
    }

    #[test]
    fn val_analytic_umbra_cone_length() {
        // The umbra cone ends at L = R⊕ d / (R☉ − R⊕) ≈ 1.38 million km behind the Earth:
        // before it the axis is umbra, beyond it the Sun shows as a ring (annular, penumbra).
        let length = WGS84_A_KM * AU_KM / (SUN_RADIUS_KM - WGS84_A_KM);
        let inside = Vector3::new(-0.99 * length, 0.0, 0.0);
        let beyond = Vector3::new(-1.01 * length, 0.0, 0.0);
        assert_eq!(shadow_state(&inside, &SUN), ShadowState::Umbra);
        assert_eq!(shadow_state(&beyond, &SUN), ShadowState::Penumbra);
        let nu = illumination(&beyond, &SUN);
        assert!(nu > 0.0 && nu < 0.1, "{nu}");
    }

    #[test]
    fn val_analytic_half_covered_sun_at_limb() {
        // When the Sun's centre sits exactly on the Earth's limb (c = b) and a ≪ b, about half
        // of the solar disc is hidden.
        let r = 7000.0_f64;
        let b = (WGS84_A_KM / r).asin();
        // place the satellite so that the angle between −r and the Sun direction is b
        let theta = PI - b; // angle between r and the Sun direction (x axis)
        let pos = Vector3::new(r * theta.cos(), r * theta.sin(), 0.0);
        let g = DiscGeometry::new(&pos, &SUN);
        // (the Sun seen from 7000 km off the Earth's centre shifts by ~5×10⁻⁵ rad of parallax)
        assert!((g.separation_rad - b).abs() < 1e-4);
        let nu = g.illumination();
        assert!((nu - 0.5).abs() < 0.02, "{nu}");
    }
}
