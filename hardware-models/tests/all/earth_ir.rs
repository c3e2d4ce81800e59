//! The Earth-infrared heat load against a direct integral over the Earth's surface: a
//! Lambertian sphere of uniform exitance q (W/m²) sends to a plate element
//!   E = ∫ (q/π) cos θ_e cos θ_p / d² dA
//! over the surface elements that see the spacecraft (cos θ_e > 0) and lie in front of the
//! plate (cos θ_p > 0). The model computes q·F with a closed-form view factor; this sums the
//! surface instead (the view factor's own test integrates over the plate's solid angle).

use hardware_models::thermal::{EARTH_MEAN_RADIUS_KM, EarthRadiationParams, OrbitalEnvironment};
use nalgebra::Vector3;

/// E / q by the midpoint rule on the visible cap, in polar angle ψ from the sub-satellite point
/// and azimuth: dA = R² sin ψ dψ dλ.
fn surface_integral(radius_km: f64, normal: &Vector3<f64>) -> f64 {
    let r_earth = EARTH_MEAN_RADIUS_KM;
    let sat = Vector3::new(0.0, 0.0, radius_km);
    let cap = (r_earth / radius_km).acos();
    let (n_psi, n_az) = (1500, 720);
    let (d_psi, d_az) = (cap / n_psi as f64, std::f64::consts::TAU / n_az as f64);
    let mut sum = 0.0;
    for i in 0..n_psi {
        let psi = (i as f64 + 0.5) * d_psi;
        for j in 0..n_az {
            let az = (j as f64 + 0.5) * d_az;
            let up = Vector3::new(psi.sin() * az.cos(), psi.sin() * az.sin(), psi.cos());
            let to_sat = sat - up * r_earth;
            let d2 = to_sat.norm_squared();
            let d = d2.sqrt();
            let cos_e = up.dot(&to_sat) / d;
            let cos_p = normal.dot(&(-to_sat)) / d;
            if cos_e > 0.0 && cos_p > 0.0 {
                sum += cos_e * cos_p / d2 * r_earth * r_earth * psi.sin();
            }
        }
    }
    sum * d_psi * d_az / std::f64::consts::PI
}

#[test]
fn val_analytic_earth_ir_load_is_the_surface_integral_of_a_lambertian_earth() {
    let earth = EarthRadiationParams {
        earth_ir_w_m2: 237.0,
        albedo: 0.3,
    };
    let mut checked_dark = 0;
    for altitude_km in [400.0, 800.0, 5000.0] {
        let radius_km = EARTH_MEAN_RADIUS_KM + altitude_km;
        // Nadir is −z in this frame (the Earth's centre lies below the spacecraft on z).
        let env = OrbitalEnvironment {
            sun_dir_body: Vector3::x(),
            solar_flux_w_m2: 1361.0,
            illumination: 1.0,
            nadir_dir_body: -Vector3::z(),
            radius_km,
        };
        for tilt_deg in [0.0, 30.0, 60.0, 85.0, 90.0, 110.0, 150.0, 180.0] {
            let t = f64::to_radians(tilt_deg);
            // A plate whose normal is `tilt` away from nadir.
            let normal = Vector3::new(t.sin(), 0.0, -t.cos());
            let (_, _, q_ir) = env.absorbed_w(&earth, &normal, 2.0, 0.9, 0.8);
            let expected = 0.8 * 237.0 * 2.0 * surface_integral(radius_km, &normal);
            assert!(
                (q_ir - expected).abs() <= 2e-3 * expected.max(1.0),
                "{altitude_km} km, {tilt_deg}°: {q_ir} W vs surface integral {expected} W"
            );
            // Beyond 90° + the Earth's angular radius the plate sees none of it.
            let earth_angular_radius_deg = (EARTH_MEAN_RADIUS_KM / radius_km).asin().to_degrees();
            if tilt_deg >= 90.0 + earth_angular_radius_deg {
                assert_eq!(q_ir, 0.0, "{altitude_km} km, {tilt_deg}°");
                checked_dark += 1;
            }
        }
    }
    assert!(checked_dark >= 3, "{checked_dark}");
}
