//! Orbit geometry shared by the integration tests (circular two-body orbits; the Sun and the
//! eclipse come from the `orbit` crate).

use nalgebra::Vector3;
use orbit::constants::{MU_EARTH_KM3_S2, WGS84_A_KM};
use orbit::{Epoch, Unit};

/// A circular orbit: altitude, inclination, RAAN (all TEME).
#[derive(Clone, Copy, Debug)]
pub struct Circular {
    pub altitude_km: f64,
    pub inclination_rad: f64,
    pub raan_rad: f64,
    pub epoch: Epoch,
}

impl Circular {
    pub fn radius_km(&self) -> f64 {
        WGS84_A_KM + self.altitude_km
    }

    pub fn period_s(&self) -> f64 {
        std::f64::consts::TAU * (self.radius_km().powi(3) / MU_EARTH_KM3_S2).sqrt()
    }

    /// Position and velocity t seconds after the epoch (argument of latitude 0 at epoch).
    pub fn state(&self, t_s: f64) -> (Vector3<f64>, Vector3<f64>) {
        let r = self.radius_km();
        let n = (MU_EARTH_KM3_S2 / r.powi(3)).sqrt();
        let u = n * t_s;
        let (su, cu) = u.sin_cos();
        let (si, ci) = self.inclination_rad.sin_cos();
        let (so, co) = self.raan_rad.sin_cos();
        let p = Vector3::new(co * cu - so * ci * su, so * cu + co * ci * su, si * su);
        let q = Vector3::new(-co * su - so * ci * cu, -so * su + co * ci * cu, si * cu);
        (p * r, q * (r * n))
    }

    pub fn epoch_at(&self, t_s: f64) -> Epoch {
        self.epoch + t_s * Unit::Second
    }
}

/// A 500 km sun-synchronous-like orbit at the June solstice, Sun in the orbit plane.
pub fn leo() -> Circular {
    Circular {
        altitude_km: 500.0,
        inclination_rad: 97.4f64.to_radians(),
        raan_rad: 1.63, // Sun in the orbit plane (β ≈ 0): the longest eclipse
        epoch: orbit::parse_utc("2024-06-21T00:00:00Z").unwrap(),
    }
}
