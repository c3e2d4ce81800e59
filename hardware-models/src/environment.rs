//! Small helpers turning orbit geometry into model inputs.

use nalgebra::Vector3;
use orbit::constants::{AU_KM, SOLAR_CONSTANT_W_M2};

/// Solar flux at the spacecraft, W/m²: S = TSI · (1 AU / d)², with d the spacecraft–Sun
/// distance (inverse-square law; TSI = 1361 W/m², Kopp & Lean 2011). Both positions in the
/// same geocentric frame, km.
pub fn solar_flux_w_m2(pos_km: &Vector3<f64>, sun_pos_km: &Vector3<f64>) -> f64 {
    let d = (sun_pos_km - pos_km).norm();
    SOLAR_CONSTANT_W_M2 * (AU_KM / d).powi(2)
}

/// Unit vector from the spacecraft to the Sun, same frame as the inputs.
pub fn sun_direction(pos_km: &Vector3<f64>, sun_pos_km: &Vector3<f64>) -> Vector3<f64> {
    (sun_pos_km - pos_km).normalize()
}

/// `x` if it is finite, else `fallback`: how models take a non-finite input (as "none").
pub(crate) fn finite_or(x: f64, fallback: f64) -> f64 {
    if x.is_finite() { x } else { fallback }
}

/// `v` if every component is finite, else the zero vector.
pub(crate) fn finite_or_zero(v: &Vector3<f64>) -> Vector3<f64> {
    if v.iter().all(|c| c.is_finite()) {
        *v
    } else {
        Vector3::zeros()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn val_analytic_flux_follows_inverse_square() {
        let sun = Vector3::new(AU_KM, 0.0, 0.0);
        assert!((solar_flux_w_m2(&Vector3::zeros(), &sun) - 1361.0).abs() < 1e-9);
        let far = Vector3::new(2.0 * AU_KM, 0.0, 0.0);
        assert!((solar_flux_w_m2(&Vector3::zeros(), &far) - 1361.0 / 4.0).abs() < 1e-9);
    }
}
