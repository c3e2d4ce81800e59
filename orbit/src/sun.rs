//! Geocentric position of the Sun from the Astronomical Almanac's low-precision formulas.
//!
//! Source: *The Astronomical Almanac*, section C, "Low precision formulas for the Sun's
//! coordinates" (U.S. Naval Observatory / HM Nautical Almanac Office; the same series is
//! Vallado 4th ed. algorithm 29). Stated precision 0.01° in direction between 1950 and 2050.
//! With n = JD(TT) − 2451545.0:
//!
//! ```text
//! L = 280.460° + 0.9856474° n          mean longitude (aberration included)
//! g = 357.528° + 0.9856003° n          mean anomaly
//! λ = L + 1.915° sin g + 0.020° sin 2g ecliptic longitude (β = 0)
//! ε = 23.439° − 0.0000004° n           obliquity of the ecliptic
//! R = 1.00014 − 0.01671 cos g − 0.00014 cos 2g   distance in AU
//! r = R (cos λ, cos ε sin λ, sin ε sin λ)
//! ```
//!
//! The result is referred to the mean equator and equinox of date. TEME differs from that by
//! the nutation (≤ ~20″), below the series' 0.01°, so it is used as TEME directly. Against
//! Skyfield's apparent Sun from de421 (`tests/all/val_skyfield.rs`, 1007 dates from 1972 to
//! 2049) the direction is within 0.01005° in the mean-of-date frame and 0.01015° in TEME (the
//! series' 0.01° is slightly exceeded on 2025-04-22), the distance within 8×10⁻⁵.

use crate::constants::AU_KM;
use hifitime::Epoch;
use nalgebra::Vector3;

/// Geocentric position of the Sun in km, TEME (see the module documentation for the series
/// and its precision: 0.01° in direction, about 10⁻⁴ in distance).
pub fn sun_position_teme_km(t: Epoch) -> Vector3<f64> {
    let n = crate::time::tt_days_since_j2000(t);
    let l_deg = detmath::rem_euclid(280.460 + 0.985_647_4 * n, 360.0);
    let g = detmath::rem_euclid(357.528 + 0.985_600_3 * n, 360.0).to_radians();
    // sin 2g and cos 2g from sin g and cos g (one evaluation instead of four).
    let (sg, cg) = detmath::sin_cos(g);
    let (s2g, c2g) = (2.0 * sg * cg, (cg - sg) * (cg + sg));
    let lambda = (l_deg + 1.915 * sg + 0.020 * s2g).to_radians();
    let epsilon = (23.439 - 0.000_000_4 * n).to_radians();
    let r_au = 1.000_14 - 0.016_71 * cg - 0.000_14 * c2g;
    let (sl, cl) = detmath::sin_cos(lambda);
    let (se, ce) = detmath::sin_cos(epsilon);
    Vector3::new(cl, ce * sl, se * sl) * (r_au * AU_KM)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_utc;

    #[test]
    fn val_analytic_equinox_and_solstice_directions() {
        // March equinox 2024: 2024-03-20 03:06 UTC — the Sun crosses the equator going north
        // at right ascension 0: declination ≈ 0, x > 0, y ≈ 0.
        let r = sun_position_teme_km(parse_utc("2024-03-20T03:06:00Z").unwrap());
        let dec_deg = (r.z / r.norm()).asin().to_degrees();
        let ra_deg = r.y.atan2(r.x).to_degrees();
        assert!(dec_deg.abs() < 0.02, "{dec_deg}");
        assert!(ra_deg.abs() < 0.05, "{ra_deg}");
        // June solstice 2024: 2024-06-20 20:51 UTC — declination = +ε ≈ 23.44°.
        let r = sun_position_teme_km(parse_utc("2024-06-20T20:51:00Z").unwrap());
        let dec_deg = (r.z / r.norm()).asin().to_degrees();
        assert!((dec_deg - 23.44).abs() < 0.02, "{dec_deg}");
        // Perihelion 2024-01-03 ≈ 0.98331 AU, aphelion 2024-07-05 ≈ 1.01673 AU.
        let peri = sun_position_teme_km(parse_utc("2024-01-03T01:00:00Z").unwrap()).norm() / AU_KM;
        let aph = sun_position_teme_km(parse_utc("2024-07-05T05:00:00Z").unwrap()).norm() / AU_KM;
        assert!(
            (peri - 0.98331).abs() < 2e-4 && (aph - 1.01673).abs() < 2e-4,
            "{peri} {aph}"
        );
    }
}
