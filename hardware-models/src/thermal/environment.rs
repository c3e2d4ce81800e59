//! Orbital heat loads on a flat surface: direct Sun, Earth albedo and Earth infrared.

use nalgebra::Vector3;
use serde::{Deserialize, Serialize};

/// Stefan–Boltzmann constant, W/(m²·K⁴) (CODATA 2018, exact in SI).
pub const STEFAN_BOLTZMANN_W_M2_K4: f64 = 5.670_374_419e-8;

/// Mean Earth radius for radiative view factors, km (IUGG mean radius R₁).
pub const EARTH_MEAN_RADIUS_KM: f64 = 6371.0088;

fn default_earth_ir() -> f64 {
    237.0
}
fn default_albedo() -> f64 {
    0.30
}

/// Earth radiation environment (orbit-average design values).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EarthRadiationParams {
    /// Outgoing long-wave radiation at the top of the atmosphere, W/m² (global annual mean
    /// ≈ 237 W/m²; Gilmore, Spacecraft Thermal Control Handbook, 2nd ed., Table 2.3 gives
    /// 218–261 W/m² for design cases).
    #[serde(default = "default_earth_ir")]
    pub earth_ir_w_m2: f64,
    /// Bond albedo of the Earth, 0..1 (global mean ≈ 0.30; Gilmore Table 2.3: 0.18–0.55).
    #[serde(default = "default_albedo")]
    pub albedo: f64,
}

impl Default for EarthRadiationParams {
    fn default() -> Self {
        Self {
            earth_ir_w_m2: default_earth_ir(),
            albedo: default_albedo(),
        }
    }
}

/// View factor from a flat plate (one side) to a sphere.
///
/// `cos_nadir` is the cosine of the angle between the plate's outward normal and the direction
/// to the sphere's centre; `h = r / R` the distance from the centre in sphere radii (> 1).
/// Howell, *A Catalog of Radiation Heat Transfer Configuration Factors* (configuration
/// "differential planar element to sphere, element tilted"; also tabulated in Gilmore's
/// Handbook ch. 2 for Earth view factors):
///   fully sees the sphere (φ ≤ acos(1/h)):   F = cos φ / h²
///   partly (acos(1/h) < φ < π − acos(1/h)):
///     F = 1/2 − (1/π)·asin(√(h²−1) / (h sin φ))
///         + 1/(π h²)·[cos φ · acos(−√(h²−1) · cot φ) − √(h²−1) · √(1 − h² cos² φ)]
///   otherwise F = 0.
pub fn plate_to_sphere_view_factor(cos_nadir: f64, h: f64) -> f64 {
    let h = h.max(1.0 + 1e-12);
    let c = cos_nadir.clamp(-1.0, 1.0);
    let s = (1.0 - c * c).max(0.0).sqrt();
    let k = (h * h - 1.0).sqrt(); // √(h²−1)
    let c_lim = 1.0 / h; // cos of the edge angle acos(1/h)
    if c >= c_lim {
        c / (h * h)
    } else if c <= -c_lim {
        0.0
    } else {
        let cot = c / s;
        let term1 = 0.5 - (k / (h * s)).clamp(-1.0, 1.0).asin() / std::f64::consts::PI;
        let term2 = (c * (-k * cot).clamp(-1.0, 1.0).acos()
            - k * (1.0 - h * h * c * c).max(0.0).sqrt())
            / (std::f64::consts::PI * h * h);
        (term1 + term2).max(0.0)
    }
}

/// Direction-dependent environment shared by all surfaces during one step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OrbitalEnvironment {
    /// Unit vector to the Sun, body frame.
    pub sun_dir_body: Vector3<f64>,
    /// Solar flux at the spacecraft, W/m².
    pub solar_flux_w_m2: f64,
    /// Fraction of the solar disc visible, 0..1.
    pub illumination: f64,
    /// Unit vector from the spacecraft to the Earth's centre, body frame.
    pub nadir_dir_body: Vector3<f64>,
    /// Distance from the Earth's centre, km.
    pub radius_km: f64,
}

impl OrbitalEnvironment {
    /// Absorbed heat on one flat surface, W: (direct Sun, albedo, Earth IR).
    ///
    /// Gilmore, Spacecraft Thermal Control Handbook vol. I, ch. 2:
    ///   Q_sun = α · S · A · max(0, n̂·ŝ) · illumination
    ///   Q_alb = α · S · a · A · F(n̂) · max(0, cos θ_ss)
    ///   Q_IR  = ε · q_IR · A · F(n̂)
    /// with F the plate-to-Earth view factor and θ_ss the solar zenith angle at the
    /// sub-satellite point (cosine falloff of reflected sunlight, valid away from the
    /// terminator). The IR absorptivity equals the emissivity (grey body in the IR).
    pub fn absorbed_w(
        &self,
        earth: &EarthRadiationParams,
        normal_body: &Vector3<f64>,
        area_m2: f64,
        absorptivity: f64,
        emissivity: f64,
    ) -> (f64, f64, f64) {
        let s = self.solar_flux_w_m2;
        let q_sun = absorptivity
            * s
            * area_m2
            * normal_body.dot(&self.sun_dir_body).max(0.0)
            * self.illumination.clamp(0.0, 1.0);
        let h = self.radius_km / EARTH_MEAN_RADIUS_KM;
        let f = plate_to_sphere_view_factor(normal_body.dot(&self.nadir_dir_body), h);
        let cos_ss = (-self.nadir_dir_body).dot(&self.sun_dir_body).max(0.0);
        let q_alb = absorptivity * s * earth.albedo * area_m2 * f * cos_ss;
        let q_ir = emissivity * earth.earth_ir_w_m2 * area_m2 * f;
        (q_sun, q_alb, q_ir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Numerical view factor: F = (1/π) ∫ cos θ dΩ over the directions that hit the sphere and
    /// lie in front of the plate.
    fn numeric_view_factor(phi: f64, h: f64) -> f64 {
        let n = Vector3::new(phi.sin(), 0.0, phi.cos()); // plate normal; sphere centre on +z
        let half_angle = (1.0 / h).asin();
        let (nt, np) = (800, 800);
        let mut sum = 0.0;
        for i in 0..nt {
            let t = (i as f64 + 0.5) / nt as f64 * half_angle;
            for j in 0..np {
                let p = (j as f64 + 0.5) / np as f64 * std::f64::consts::TAU;
                let d = Vector3::new(t.sin() * p.cos(), t.sin() * p.sin(), t.cos());
                let cos = n.dot(&d);
                if cos > 0.0 {
                    sum += cos * t.sin();
                }
            }
        }
        sum * (half_angle / nt as f64) * (std::f64::consts::TAU / np as f64) / std::f64::consts::PI
    }

    #[test]
    fn val_analytic_view_factor_matches_numeric_integration() {
        for h in [1.05, 1.1, 1.5, 3.0] {
            for deg in [0.0, 20.0, 60.0, 80.0, 90.0, 100.0, 120.0, 150.0] {
                let phi = f64::to_radians(deg);
                let exact = plate_to_sphere_view_factor(phi.cos(), h);
                let numeric = numeric_view_factor(phi, h);
                assert!(
                    (exact - numeric).abs() < 2e-4,
                    "h={h} phi={deg}: {exact} vs {numeric}"
                );
            }
        }
        // Facing nadir at 500 km: cos φ / h² = 0.8609...
        let h = (EARTH_MEAN_RADIUS_KM + 500.0) / EARTH_MEAN_RADIUS_KM;
        assert!((plate_to_sphere_view_factor(1.0, h) - 1.0 / (h * h)).abs() < 1e-15);
    }
}
