//! The mean annual global reference atmosphere of ITU-R P.835-6 (12/2017) §1: temperature and
//! total pressure against geometric altitude, 0–100 km (the profile P.676 Annex 1 integrates
//! through when no local profile is known).

/// Earth radius of the geopotential conversion, km (P.835-6 §1.1).
const GEOPOTENTIAL_RADIUS_KM: f64 = 6356.766;

/// Geopotential altitude h′ = 6356.766 h / (6356.766 + h), km (P.835-6 §1.1).
fn geopotential_km(h_km: f64) -> f64 {
    GEOPOTENTIAL_RADIUS_KM * h_km / (GEOPOTENTIAL_RADIUS_KM + h_km)
}

/// Temperature at geometric altitude `h_km` (0–100 km), K (P.835-6 §1.1: seven layers in
/// geopotential altitude below 86 km, then the two formulas of the upper atmosphere).
pub fn reference_temperature_k(h_km: f64) -> f64 {
    let hp = geopotential_km(h_km);
    if hp <= 11.0 {
        288.15 - 6.5 * hp
    } else if hp <= 20.0 {
        216.65
    } else if hp <= 32.0 {
        216.65 + (hp - 20.0)
    } else if hp <= 47.0 {
        228.65 + 2.8 * (hp - 32.0)
    } else if hp <= 51.0 {
        270.65
    } else if hp <= 71.0 {
        270.65 - 2.8 * (hp - 51.0)
    } else if hp <= 84.852 {
        214.65 - 2.0 * (hp - 71.0)
    } else if h_km <= 91.0 {
        186.8673
    } else {
        let x = ((h_km.min(100.0) - 91.0) / 19.9429).powi(2);
        263.1905 - 76.3232 * (1.0 - x).sqrt()
    }
}

/// Total barometric pressure at geometric altitude `h_km` (0–100 km), hPa (P.835-6 §1.1: the
/// hydrostatic layers below 86 km, then the fourth-degree exponential fit above).
pub fn reference_pressure_hpa(h_km: f64) -> f64 {
    let hp = geopotential_km(h_km);
    if hp <= 11.0 {
        1013.25 * (288.15 / (288.15 - 6.5 * hp)).powf(-34.1632 / 6.5)
    } else if hp <= 20.0 {
        226.3226 * (-34.1632 * (hp - 11.0) / 216.65).exp()
    } else if hp <= 32.0 {
        54.74980 * (216.65 / (216.65 + (hp - 20.0))).powf(34.1632)
    } else if hp <= 47.0 {
        8.680422 * (228.65 / (228.65 + 2.8 * (hp - 32.0))).powf(34.1632 / 2.8)
    } else if hp <= 51.0 {
        1.109106 * (-34.1632 * (hp - 47.0) / 270.65).exp()
    } else if hp <= 71.0 {
        0.6694167 * (270.65 / (270.65 - 2.8 * (hp - 51.0))).powf(-34.1632 / 2.8)
    } else if hp <= 84.852 {
        0.03956649 * (214.65 / (214.65 - 2.0 * (hp - 71.0))).powf(-34.1632 / 2.0)
    } else {
        let h = h_km.min(100.0);
        (95.571899 - 4.011801 * h + 6.424731e-2 * h * h - 4.789660e-4 * h.powi(3)
            + 1.340543e-6 * h.powi(4))
        .exp()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn val_analytic_reference_atmosphere_is_continuous_at_its_layer_boundaries() {
        // Sea level is the standard atmosphere (1013.25 hPa, 288.15 K); each formula meets the
        // next at the layer boundary (geopotential 11, 20, 32, 47, 51, 71 km) to the precision
        // of the Recommendation's printed constants.
        assert_eq!(reference_pressure_hpa(0.0), 1013.25);
        assert_eq!(reference_temperature_k(0.0), 288.15);
        for hp in [11.0, 20.0, 32.0, 47.0, 51.0, 71.0, 84.852] {
            let h = GEOPOTENTIAL_RADIUS_KM * hp / (GEOPOTENTIAL_RADIUS_KM - hp);
            let (below, above) = (h - 1e-9, h + 1e-9);
            let dt = reference_temperature_k(above) - reference_temperature_k(below);
            // At 86 km the upper-atmosphere formulas take over: 186.8673 K against 186.946 K
            // from below, and a pressure fit that meets the last layer within 2 %.
            let (t_tol, p_tol) = if hp > 80.0 { (0.1, 0.02) } else { (0.01, 1e-4) };
            assert!(dt.abs() < t_tol, "T jumps by {dt} K at h′ = {hp} km");
            let rp = reference_pressure_hpa(above) / reference_pressure_hpa(below);
            assert!((rp - 1.0).abs() < p_tol, "P jumps by {rp} at h′ = {hp} km");
        }
        // The 1976 US standard atmosphere that P.835 §1 reproduces: 11 km geopotential is
        // 226.32 hPa and 216.65 K.
        let h11 = GEOPOTENTIAL_RADIUS_KM * 11.0 / (GEOPOTENTIAL_RADIUS_KM - 11.0);
        assert!((reference_pressure_hpa(h11) - 226.32).abs() < 0.01);
        assert!((reference_temperature_k(h11) - 216.65).abs() < 1e-9);
    }
}
