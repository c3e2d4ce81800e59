//! The link's propagation and antenna models against independent implementations of the ITU-R
//! Recommendations: the `itur` package (P.676, P.618 with P.836/P.837/P.839 climate maps) and
//! `pycraf` (RA.1631, F.699). Golden data: hardware-models/tests/data/itur/, written by
//! tools/itur/generate.py (versions pinned in tools/itur/requirements.txt).

use std::collections::HashMap;

use hardware_models::link::{
    AntennaPattern, AtmosphereParams, GaseousAttenuation, RainParams, SPEED_OF_LIGHT_M_S,
    SpectralLines, rain_attenuation_db,
};

/// Rows of a golden CSV file as maps from column name to text.
fn golden(name: &str) -> Vec<HashMap<String, String>> {
    let path = format!("{}/tests/data/itur/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .expect("header")
        .split(',')
        .map(str::to_string)
        .collect();
    let rows: Vec<_> = lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(str::to_string))
                .collect()
        })
        .collect();
    assert!(!rows.is_empty(), "{path} has no rows");
    rows
}

fn num(row: &HashMap<String, String>, column: &str) -> f64 {
    row[column]
        .parse()
        .unwrap_or_else(|e| panic!("{column} = {}: {e}", row[column]))
}

#[test]
fn val_itur_p676_annex1_specific_attenuation() {
    // Same formulas and tables, computed independently: agreement to rounding.
    let lines = SpectralLines::itu_r_p676().unwrap();
    let rows = golden("specific.csv");
    assert_eq!(rows.len(), 96);
    for r in &rows {
        let (f, p, rho, t) = (
            num(r, "f_ghz"),
            num(r, "dry_pressure_hpa"),
            num(r, "water_vapour_density_g_m3"),
            num(r, "temperature_k"),
        );
        let e = rho * t / 216.7;
        let dry = lines.dry_air_db_km(f, p, e, t);
        let wet = lines.water_vapour_db_km(f, p, e, t);
        let (dry_ref, wet_ref) = (num(r, "gamma_dry_db_km"), num(r, "gamma_water_db_km"));
        assert!(
            (dry / dry_ref - 1.0).abs() < 1e-12,
            "{f} GHz {p} hPa: γo {dry} vs {dry_ref}"
        );
        assert!(
            (wet / wet_ref - 1.0).abs() < 1e-12,
            "{f} GHz {p} hPa: γw {wet} vs {wet_ref}"
        );
    }
}

/// Worst relative error of the slant-path attenuation against each reference, by elevation.
fn slant_errors(reference_column: &str) -> Vec<(u32, f64, String)> {
    let mut worst: HashMap<u32, (f64, String)> = HashMap::new();
    for r in &golden("slant.csv") {
        let (f, el_deg, rho) = (
            num(r, "f_ghz"),
            num(r, "elevation_deg"),
            num(r, "water_vapour_density_g_m3"),
        );
        let gases = GaseousAttenuation::new(
            f * 1e9,
            &AtmosphereParams {
                water_vapour_density_g_m3: rho,
                ..AtmosphereParams::default()
            },
        )
        .unwrap();
        let ours = gases.slant_path_db(el_deg.to_radians());
        let reference = num(r, reference_column);
        let err = ours / reference - 1.0;
        let w = worst.entry(el_deg as u32).or_insert((0.0, String::new()));
        if err.abs() > w.0.abs() {
            *w = (
                err,
                format!(
                    "{} ({rho:.1} g/m³) {f} GHz: {ours:.5} dB vs {reference:.5} dB",
                    r["station"]
                ),
            );
        }
    }
    let mut by_elevation: Vec<_> = worst.into_iter().map(|(el, (e, s))| (el, e, s)).collect();
    by_elevation.sort_by_key(|(el, ..)| *el);
    for (el, err, case) in &by_elevation {
        println!(
            "{reference_column} {el:>2}°: worst {:+.2} % ({case})",
            100.0 * err
        );
    }
    by_elevation
}

#[test]
fn val_itur_p676_annex1_slant_path() {
    // 2–100 GHz, 5–90°, four climates (P.836 surface humidity 7.7–20.6 g/m³). Against itur's
    // ray tracing given the dry-air pressure as P.676 defines it, the model is 0.5–0.7 % below
    // from 10° up (itur sums its 922 layers from each layer's bottom, 0.5 % above the
    // integral) and 1.2 % below at 5° (the curved-Earth approximation of the ray path).
    for (el, err, case) in slant_errors("attenuation_dry_pressure_db") {
        let tolerance = if el >= 10 { 0.008 } else { 0.015 };
        assert!(
            err.abs() <= tolerance,
            "{el}°: {:+.2} % ({case})",
            100.0 * err
        );
        assert!(
            err < 0.0,
            "{el}°: the exact integral lies below the layer sum ({case})"
        );
    }
    // Against itur as published (total pressure in place of the dry-air pressure: up to 3 %
    // more oxygen absorption in a humid climate), inside the bounds asked of the model:
    // 3 % at 10° and above, 6 % at 5°.
    for (el, err, case) in slant_errors("attenuation_db") {
        let tolerance = if el >= 10 { 0.03 } else { 0.06 };
        assert!(
            err.abs() <= tolerance,
            "{el}°: {:+.2} % ({case})",
            100.0 * err
        );
    }
}

#[test]
fn val_itur_p618_rain_attenuation() {
    let rows = golden("rain.csv");
    for r in &rows {
        let rain = RainParams {
            rain_rate_001_mm_h: num(r, "rain_rate_001_mm_h"),
            rain_height_km: num(r, "rain_height_km"),
            station_altitude_km: num(r, "station_altitude_km"),
            station_latitude_rad: num(r, "latitude_deg").to_radians(),
            exceedance_percent: num(r, "exceedance_percent"),
            polarization_tilt_rad: num(r, "polarization_tilt_deg").to_radians(),
        };
        let (f, el_deg) = (num(r, "f_ghz"), num(r, "elevation_deg"));
        let ours = rain_attenuation_db(&rain, f * 1e9, el_deg.to_radians());
        let reference = num(r, "attenuation_db");
        assert!(
            (ours - reference).abs() <= 1e-4 * reference,
            "{} {f} GHz {el_deg}° p {} τ {}: {ours} vs itur {reference}",
            r["station"],
            rain.exceedance_percent,
            r["polarization_tilt_deg"]
        );
    }
}

#[test]
fn val_pycraf_ra1631_f699_dish_pattern() {
    for r in &golden("antenna.csv") {
        let (d, eta, f_hz) = (
            num(r, "diameter_m"),
            num(r, "efficiency"),
            num(r, "f_ghz") * 1e9,
        );
        let dish = AntennaPattern::Parabolic {
            diameter_m: d,
            efficiency: eta,
            floor_dbi: -10.0,
        };
        // F.699: θ₃dB = 70 λ/D, the same rule as ours.
        let hpbw = dish.half_power_beamwidth_rad(f_hz).unwrap().to_degrees();
        assert!(
            (hpbw / num(r, "f699_hpbw_deg") - 1.0).abs() < 1e-12,
            "{hpbw}"
        );
        // RA.1631: G_max = 10 log(η (πD/λ)²), the same as ours; its main lobe
        // G_max − 2.5·10⁻³ (D φ/λ)² (φ in degrees) against our 12 (φ/θ₃dB)²: with
        // θ₃dB = 70 λ/D ours is 12/70² / 2.5·10⁻³ = 0.9796 of RA.1631's loss (a 2 % difference
        // between two textbook fits of a tapered aperture's main lobe).
        let phi_deg = num(r, "off_boresight_deg");
        let reference = num(r, "ra1631_gain_dbi");
        let ours = dish.gain_dbi(phi_deg.to_radians(), f_hz);
        if phi_deg == 0.0 {
            assert!(
                (ours - reference).abs() < 1e-9,
                "{d} m: {ours} vs {reference}"
            );
            continue;
        }
        let peak = dish.peak_gain_dbi(f_hz);
        let (loss, reference_loss) = (peak - ours, peak - reference);
        assert!(
            (loss - 12.0 / 4900.0 / 2.5e-3 * reference_loss).abs() < 1e-9,
            "{d} m at {phi_deg}°: {loss} vs RA.1631 {reference_loss}"
        );
        assert!((loss - reference_loss).abs() <= 0.021 * reference_loss);
        let wavelength_m = SPEED_OF_LIGHT_M_S / f_hz;
        let closed_form = 2.5e-3 * (d / wavelength_m * phi_deg).powi(2);
        assert!((reference_loss - closed_form).abs() < 1e-9);
    }
}
