//! Inter-satellite line of sight over a spherical Earth plus an atmosphere layer.

use crate::constants::WGS84_A_KM;
use nalgebra::Vector3;

/// Default height above the Earth's surface that a line of sight must clear, km (the
/// dense atmosphere refracts and absorbs below about 100 km).
pub const DEFAULT_GRAZING_ALTITUDE_KM: f64 = 100.0;

/// Whether the segment between two geocentric positions (same frame, km) clears a sphere of
/// radius R⊕ + `grazing_altitude_km` (R⊕ = 6378.137 km, WGS-84 equatorial; flattening is
/// ignored, which errs on the cautious side by up to 21 km near the poles).
///
/// The point of the segment `a + τ (b − a)`, τ ∈ [0, 1], closest to the Earth's centre has
/// `τ* = clamp(−a·(b − a) / |b − a|², 0, 1)`; the line of sight is clear when that point is
/// farther than the sphere's radius.
pub fn line_of_sight(
    pos_a_km: &Vector3<f64>,
    pos_b_km: &Vector3<f64>,
    grazing_altitude_km: f64,
) -> bool {
    let radius = WGS84_A_KM + grazing_altitude_km;
    let d = pos_b_km - pos_a_km;
    let dd = d.norm_squared();
    let tau = if dd > 0.0 {
        (-pos_a_km.dot(&d) / dd).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let closest = pos_a_km + d * tau;
    closest.norm_squared() > radius * radius
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn val_analytic_blocked_and_clear() {
        let a = Vector3::new(7000.0, 0.0, 0.0);
        assert!(!line_of_sight(
            &a,
            &Vector3::new(-7000.0, 0.0, 0.0),
            DEFAULT_GRAZING_ALTITUDE_KM
        ));
        assert!(line_of_sight(
            &a,
            &Vector3::new(7000.0, 100.0, 0.0),
            DEFAULT_GRAZING_ALTITUDE_KM
        ));
        // the same side of the Earth: closest point is an end point
        assert!(line_of_sight(
            &a,
            &Vector3::new(42_164.0, 0.0, 0.0),
            DEFAULT_GRAZING_ALTITUDE_KM
        ));
    }

    #[test]
    fn val_analytic_grazing_geometry() {
        // Two satellites at radius r, symmetric about the x axis: the chord's closest point is
        // at r cos θ; clear iff r cos θ > R⊕ + h.
        let r = 7000.0_f64;
        let limit = ((WGS84_A_KM + DEFAULT_GRAZING_ALTITUDE_KM) / r).acos();
        for (theta, clear) in [(limit - 1e-4, true), (limit + 1e-4, false)] {
            let a = Vector3::new(r * theta.cos(), r * theta.sin(), 0.0);
            let b = Vector3::new(r * theta.cos(), -r * theta.sin(), 0.0);
            assert_eq!(
                line_of_sight(&a, &b, DEFAULT_GRAZING_ALTITUDE_KM),
                clear,
                "{theta}"
            );
        }
        // a lower grazing altitude opens the view
        let theta = limit + 1e-3;
        let a = Vector3::new(r * theta.cos(), r * theta.sin(), 0.0);
        let b = Vector3::new(r * theta.cos(), -r * theta.sin(), 0.0);
        assert!(line_of_sight(&a, &b, 0.0));
    }
}
