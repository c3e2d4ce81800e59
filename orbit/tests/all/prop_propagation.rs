//! Property tests of propagation: any element set that passes the range checks initialises
//! or fails cleanly, and every state returned is finite and above the Earth's surface, at
//! any time, in both modes. No panic.

use orbit::{Duration, ElementSet, Propagator, Sgp4Mode, parse_elements, parse_utc};
use proptest::prelude::*;

fn element_set(
    n: f64,
    e: f64,
    inc_deg: f64,
    raan_deg: f64,
    argp_deg: f64,
    ma_deg: f64,
    bstar: f64,
) -> ElementSet {
    ElementSet {
        object_id: "1".to_owned(),
        norad_id: 1,
        name: None,
        international_designator: None,
        epoch: parse_utc("2024-03-01T00:00:00Z").unwrap(),
        inclination_rad: inc_deg.to_radians(),
        raan_rad: raan_deg.to_radians(),
        eccentricity: e,
        arg_perigee_rad: argp_deg.to_radians(),
        mean_anomaly_rad: ma_deg.to_radians(),
        mean_motion_rev_day: n,
        mean_motion_dot_rev_day2: 0.0,
        mean_motion_ddot_rev_day3: 0.0,
        bstar_per_earth_radius: bstar,
        element_set_number: 0,
        revolution_number: 0,
        ephemeris_type: 0,
        classification: 'U',
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn prop_propagation_is_finite_or_an_error(
        n in 0.05f64..19.99,
        e in 0.0f64..0.999,
        inc in 0.0f64..=180.0,
        raan in 0.0f64..=360.0,
        argp in 0.0f64..=360.0,
        ma in 0.0f64..=360.0,
        bstar in -1e-2f64..1e-2,
        minutes in -20_000.0f64..20_000.0,
        afspc in any::<bool>(),
    ) {
        let set = element_set(n, e, inc, raan, argp, ma, bstar);
        // the element set passes the file readers' range checks
        let (l1, l2) = set.to_tle_lines().unwrap();
        let text = format!("{l1}\n{l2}\n");
        prop_assert!(parse_elements(&text, "p").is_ok());
        let mode = if afspc { Sgp4Mode::AfspcCompatible } else { Sgp4Mode::Improved };
        if let Ok(p) = Propagator::with_mode(&set, mode) {
            let d = Duration::from_total_nanoseconds((minutes * 60e9) as i128);
            if let Ok(s) = p.state_after(d) {
                prop_assert!(s.pos_teme_km.iter().chain(s.vel_teme_km_s.iter()).all(|v| v.is_finite()));
                prop_assert!(s.pos_teme_km.norm() >= orbit::constants::WGS72_RADIUS_KM);
            }
        }
    }
}
