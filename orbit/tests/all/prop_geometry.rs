//! Property tests of the geometry: WGS-84 geodetic ↔ ITRF round trips and the continuity and
//! range of the conical-shadow illumination.

use orbit::constants::AU_KM;
use orbit::{Geodetic, Vector3, geodetic_to_itrf, illumination, itrf_to_geodetic};
use proptest::prelude::*;

fn unit_vector() -> impl Strategy<Value = Vector3<f64>> {
    (-1.0f64..1.0, 0.0f64..std::f64::consts::TAU).prop_map(|(z, phi)| {
        let s = (1.0 - z * z).sqrt();
        Vector3::new(s * phi.cos(), s * phi.sin(), z)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn prop_geodetic_to_itrf_and_back(
        lat_deg in -90.0f64..=90.0,
        lon_deg in -179.999_999f64..=180.0,
        alt_km in -5.0f64..400_000.0,
    ) {
        let g = Geodetic::from_degrees(lat_deg, lon_deg, alt_km);
        let r = geodetic_to_itrf(&g);
        let back = itrf_to_geodetic(&r);
        prop_assert!((back.lat_rad - g.lat_rad).abs() < 1e-12, "lat {} vs {}", back.lat_rad, g.lat_rad);
        prop_assert!((back.alt_km - alt_km).abs() < 1e-9 * (1.0 + alt_km.abs() / 6378.0), "alt {} vs {}", back.alt_km, alt_km);
        // longitude is undefined at the poles
        if lat_deg.abs() < 89.999 {
            let dlon = (back.lon_rad - g.lon_rad).rem_euclid(std::f64::consts::TAU);
            prop_assert!(dlon < 1e-12 || std::f64::consts::TAU - dlon < 1e-12, "lon {} vs {}", back.lon_rad, g.lon_rad);
        }
        let again = geodetic_to_itrf(&back);
        prop_assert!((again - r).norm() < 1e-9 * (1.0 + r.norm() / 6378.0));
    }

    #[test]
    fn prop_itrf_to_geodetic_and_back(dir in unit_vector(), radius_km in 6_300.0f64..500_000.0) {
        let r = dir * radius_km;
        let back = geodetic_to_itrf(&itrf_to_geodetic(&r));
        prop_assert!((back - r).norm() < 1e-9 * (1.0 + radius_km / 6378.0), "{:?} vs {:?}", back, r);
    }

    #[test]
    fn prop_illumination_in_unit_interval(
        dir in unit_vector(), radius_km in 6_400.0f64..2_000_000.0,
        sun_dir in unit_vector(), sun_au in 0.983f64..1.017,
    ) {
        let nu = illumination(&(dir * radius_km), &(sun_dir * sun_au * AU_KM));
        prop_assert!((0.0..=1.0).contains(&nu), "{nu}");
    }

    #[test]
    fn prop_illumination_is_continuous(
        dir in unit_vector(), radius_km in 6_500.0f64..60_000.0,
        step in unit_vector(), sun_dir in unit_vector(),
    ) {
        // Lipschitz bound: dν/dc ≤ ~2/a (a ≈ 4.65 mrad, the Sun's apparent radius) and
        // dc/dx ≤ 1/|r|, so 1 m moves ν by at most ~2/(0.00465 · 6500 km) · 0.001 km ≈ 7e-5.
        let sun = sun_dir * AU_KM;
        let p = dir * radius_km;
        let q = p + step * 0.001;
        let d = (illumination(&p, &sun) - illumination(&q, &sun)).abs();
        prop_assert!(d < 2e-4, "jump {d} over 1 m at {:?}", p);
    }
}

#[test]
fn prop_illumination_sweep_through_shadow_has_no_jumps() {
    // Walk circular orbits through the Earth's shadow in 20 m steps over the night half: the
    // illumination goes
    // 1 → 0 → 1 smoothly, with no step larger than the Lipschitz bound.
    let sun = Vector3::new(AU_KM, 0.0, 0.0);
    for (radius_km, tilt) in [
        (6_778.0, 0.0),
        (7_178.0, 0.3),
        (26_560.0, 0.1),
        (42_164.0, 0.15),
    ] {
        let steps = (std::f64::consts::PI * radius_km / 0.02) as usize;
        let mut last = None;
        let mut seen_dark = false;
        for k in 0..steps {
            let u = std::f64::consts::FRAC_PI_2 + std::f64::consts::PI * k as f64 / steps as f64;
            let p = Vector3::new(
                radius_km * u.cos(),
                radius_km * u.sin() * f64::cos(tilt),
                radius_km * u.sin() * f64::sin(tilt),
            );
            let nu = illumination(&p, &sun);
            assert!((0.0..=1.0).contains(&nu));
            seen_dark |= nu == 0.0;
            if let Some(prev) = last {
                let jump: f64 = nu - prev;
                assert!(jump.abs() < 3e-3, "r={radius_km}: jump {jump} at u={u}");
            }
            last = Some(nu);
        }
        assert!(seen_dark, "r={radius_km}: never in umbra");
    }
}
