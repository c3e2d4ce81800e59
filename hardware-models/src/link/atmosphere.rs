//! Attenuation by atmospheric gases on an Earth–space path: ITU-R P.676-10 (09/2013),
//! Annex 2 (approximate method, dry air below 54 GHz, water vapour below 350 GHz).

use serde::{Deserialize, Serialize};

use crate::error::{HardwareError, check};

/// Effective Earth radius for low-elevation paths, km (P.676-10 Annex 2 §2.2.1.2, R_e = 8500).
const EFFECTIVE_EARTH_RADIUS_KM: f64 = 8500.0;

/// Highest frequency of the dry-air formula implemented here, GHz.
pub const MAX_GASEOUS_FREQUENCY_GHZ: f64 = 54.0;

fn default_pressure() -> f64 {
    1013.25
}
fn default_temperature() -> f64 {
    288.15
}
fn default_water_vapour() -> f64 {
    7.5
}

/// Surface meteorology at the ground station (defaults: the ITU-R P.835 mean annual global
/// reference atmosphere at sea level, ρ = 7.5 g/m³ as in P.676 Fig. 1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AtmosphereParams {
    /// Dry-air pressure, hPa.
    #[serde(default = "default_pressure")]
    pub pressure_hpa: f64,
    /// Temperature, K.
    #[serde(default = "default_temperature")]
    pub temperature_k: f64,
    /// Water-vapour density, g/m³.
    #[serde(default = "default_water_vapour")]
    pub water_vapour_density_g_m3: f64,
    /// Station altitude above sea level, km (scales the equivalent heights).
    #[serde(default)]
    pub station_altitude_km: f64,
}

impl Default for AtmosphereParams {
    fn default() -> Self {
        Self {
            pressure_hpa: default_pressure(),
            temperature_k: default_temperature(),
            water_vapour_density_g_m3: default_water_vapour(),
            station_altitude_km: 0.0,
        }
    }
}

impl AtmosphereParams {
    pub(crate) fn validate(&self, frequency_hz: f64) -> Result<(), HardwareError> {
        let m = "link";
        check(
            self.pressure_hpa > 0.0,
            m,
            "atmosphere.pressure_hpa",
            self.pressure_hpa,
            "> 0",
        )?;
        check(
            self.temperature_k > 150.0,
            m,
            "atmosphere.temperature_k",
            self.temperature_k,
            "> 150 K",
        )?;
        check(
            self.water_vapour_density_g_m3 >= 0.0,
            m,
            "atmosphere.water_vapour_density_g_m3",
            self.water_vapour_density_g_m3,
            ">= 0",
        )?;
        check(
            (-0.5..10.0).contains(&self.station_altitude_km),
            m,
            "atmosphere.station_altitude_km",
            self.station_altitude_km,
            "-0.5 <= value < 10 km",
        )?;
        check(
            frequency_hz / 1e9 <= MAX_GASEOUS_FREQUENCY_GHZ,
            m,
            "frequency_hz",
            frequency_hz,
            "<= 54 GHz when atmospheric attenuation is modelled (P.676 Annex 2 dry-air branch)",
        )
    }
}

/// φ(rp, rt, a, b, c, d) = rp^a · rt^b · exp[c(1 − rp) + d(1 − rt)]  (P.676-10 eq. 22g)
fn phi(rp: f64, rt: f64, a: f64, b: f64, c: f64, d: f64) -> f64 {
    rp.powf(a) * rt.powf(b) * (c * (1.0 - rp) + d * (1.0 - rt)).exp()
}

/// Specific attenuation of dry air for f ≤ 54 GHz, dB/km (P.676-10 Annex 2 eq. 22a):
///   γo = [7.2 rt^2.8 / (f² + 0.34 rp² rt^1.6) + 0.62 ξ₃ / ((54 − f)^(1.16 ξ₁) + 0.83 ξ₂)]
///        · f² rp² · 10⁻³
pub fn dry_air_specific_attenuation_db_km(f_ghz: f64, pressure_hpa: f64, temp_k: f64) -> f64 {
    let rp = pressure_hpa / 1013.0;
    let rt = 288.0 / temp_k;
    let xi1 = phi(rp, rt, 0.0717, -1.8132, 0.0156, -1.6515);
    let xi2 = phi(rp, rt, 0.5146, -4.6368, -0.1921, -5.7416);
    let xi3 = phi(rp, rt, 0.3414, -6.5851, 0.2130, -8.5854);
    let f = f_ghz.min(MAX_GASEOUS_FREQUENCY_GHZ);
    (7.2 * rt.powf(2.8) / (f * f + 0.34 * rp * rp * rt.powf(1.6))
        + 0.62 * xi3 / ((54.0 - f).powf(1.16 * xi1) + 0.83 * xi2))
        * f
        * f
        * rp
        * rp
        * 1e-3
}

/// Specific attenuation of water vapour, dB/km (P.676-10 Annex 2 eq. 23a):
///   γw = {Σ lines} · f² · rt^2.5 · ρ · 10⁻⁴,  η₁ = 0.955 rp rt^0.68 + 0.006 ρ,
///   η₂ = 0.735 rp rt^0.5 + 0.0353 rt⁴ ρ,  g(f, fᵢ) = 1 + ((f − fᵢ)/(f + fᵢ))²
pub fn water_vapour_specific_attenuation_db_km(
    f_ghz: f64,
    pressure_hpa: f64,
    temp_k: f64,
    rho_g_m3: f64,
) -> f64 {
    let f = f_ghz;
    let rp = pressure_hpa / 1013.0;
    let rt = 288.0 / temp_k;
    let eta1 = 0.955 * rp * rt.powf(0.68) + 0.006 * rho_g_m3;
    let eta2 = 0.735 * rp * rt.powf(0.5) + 0.0353 * rt.powi(4) * rho_g_m3;
    let g = |fi: f64| 1.0 + ((f - fi) / (f + fi)).powi(2);
    let e = |c: f64| (c * (1.0 - rt)).exp();
    let lines = 3.98 * eta1 * e(2.23) / ((f - 22.235).powi(2) + 9.42 * eta1 * eta1) * g(22.0)
        + 11.96 * eta1 * e(0.70) / ((f - 183.31).powi(2) + 11.14 * eta1 * eta1)
        + 0.081 * eta1 * e(6.44) / ((f - 321.226).powi(2) + 6.29 * eta1 * eta1)
        + 3.66 * eta1 * e(1.60) / ((f - 325.153).powi(2) + 9.22 * eta1 * eta1)
        + 25.37 * eta1 * e(1.09) / (f - 380.0).powi(2)
        + 17.40 * eta1 * e(1.46) / (f - 448.0).powi(2)
        + 844.6 * eta1 * e(0.17) / (f - 557.0).powi(2) * g(557.0)
        + 290.0 * eta1 * e(0.41) / (f - 752.0).powi(2) * g(752.0)
        + 8.3328e4 * eta2 * e(0.99) / (f - 1780.0).powi(2) * g(1780.0);
    lines * f * f * rt.powf(2.5) * rho_g_m3 * 1e-4
}

/// Equivalent heights of dry air and water vapour, km (P.676-10 Annex 2 eqs. 25–27), for the
/// total pressure p (hPa):
///   h_o = 6.1 / (1 + 0.17 rp^−1.1) · (1 + t₁ + t₂ + t₃)   (≤ 10.7 rp^0.3 below 70 GHz)
///   h_w = 1.66 · (1 + 1.39 σw/((f − 22.235)² + 2.56 σw) + 3.37 σw/((f − 183.31)² + 4.69 σw)
///                   + 1.58 σw/((f − 325.1)² + 2.89 σw)),  σw = 1.013/(1 + e^(−8.6 (rp − 0.57)))
pub fn equivalent_heights_km(f_ghz: f64, total_pressure_hpa: f64) -> (f64, f64) {
    let f = f_ghz;
    let rp = total_pressure_hpa / 1013.0;
    let t1 = 4.64 / (1.0 + 0.066 * rp.powf(-2.3))
        * (-((f - 59.7) / (2.87 + 12.4 * (-7.9 * rp).exp())).powi(2)).exp();
    let t2 = 0.14 * (2.21 * rp).exp() / ((f - 118.75).powi(2) + 0.031 * (2.2 * rp).exp());
    let t3 = 0.0114 / (1.0 + 0.14 * rp.powf(-2.6)) * f * (-0.0247 + 0.0001 * f + 1.61e-6 * f * f)
        / (1.0 - 0.0169 * f + 4.1e-5 * f * f + 3.2e-7 * f * f * f);
    let mut h_o = 6.1 / (1.0 + 0.17 * rp.powf(-1.1)) * (1.0 + t1 + t2 + t3);
    if f < 70.0 {
        h_o = h_o.min(10.7 * rp.powf(0.3));
    }
    let sw = 1.013 / (1.0 + (-8.6 * (rp - 0.57)).exp());
    let h_w = 1.66
        * (1.0
            + 1.39 * sw / ((f - 22.235).powi(2) + 2.56 * sw)
            + 3.37 * sw / ((f - 183.31).powi(2) + 4.69 * sw)
            + 1.58 * sw / ((f - 325.1).powi(2) + 2.89 * sw));
    (h_o, h_w)
}

/// Gaseous attenuation model of one link, with the frequency-dependent terms precomputed.
#[derive(Clone, Debug, PartialEq)]
pub struct GaseousAttenuation {
    gamma_o_db_km: f64,
    gamma_w_db_km: f64,
    h_o_km: f64,
    h_w_km: f64,
    station_altitude_km: f64,
    /// [`Self::zenith_db`], computed once.
    zenith_db: f64,
}

impl GaseousAttenuation {
    /// Precomputes the specific attenuations and equivalent heights.
    pub fn new(frequency_hz: f64, p: &AtmosphereParams) -> Self {
        let f = frequency_hz / 1e9;
        // Water-vapour partial pressure e = ρ T / 216.7 hPa (P.676-10 eq. 4).
        let e_hpa = p.water_vapour_density_g_m3 * p.temperature_k / 216.7;
        let (h_o_km, h_w_km) = equivalent_heights_km(f, p.pressure_hpa + e_hpa);
        let gamma_o_db_km = dry_air_specific_attenuation_db_km(f, p.pressure_hpa, p.temperature_k);
        let gamma_w_db_km = water_vapour_specific_attenuation_db_km(
            f,
            p.pressure_hpa,
            p.temperature_k,
            p.water_vapour_density_g_m3,
        );
        let h = p.station_altitude_km;
        let zenith_db = gamma_o_db_km * h_o_km * (-h / h_o_km).exp()
            + gamma_w_db_km * h_w_km * (-h / h_w_km).exp();
        Self {
            gamma_o_db_km,
            gamma_w_db_km,
            h_o_km,
            h_w_km,
            station_altitude_km: h,
            zenith_db,
        }
    }

    /// Attenuation at the zenith, dB: A = γo h_o e^(−h/h_o) + γw h_w e^(−h/h_w).
    pub fn zenith_db(&self) -> f64 {
        self.zenith_db
    }

    /// Attenuation along a path at `elevation_rad`, dB.
    ///
    /// Above 5°: cosecant law A = A_zenith / sin θ (P.676-10 eq. 28). From 0° to 5° the
    /// curved-Earth form of eq. 29 for a path leaving the atmosphere (h₂ → ∞):
    ///   A = γo √h_o · √(Rₑ + h) F(x_o) e^(−h/h_o) / cos θ + (same for water vapour),
    ///   x = tan θ · √((Rₑ + h)/hᵢ),  F(x) = 1 / (0.661 x + 0.339 √(x² + 5.51)).
    /// Negative elevations are evaluated at 0° (the caller decides visibility).
    pub fn slant_path_db(&self, elevation_rad: f64) -> f64 {
        let theta = elevation_rad.clamp(0.0, std::f64::consts::FRAC_PI_2);
        if theta >= 5f64.to_radians() {
            return self.zenith_db() / theta.sin();
        }
        let h = self.station_altitude_km;
        let re = EFFECTIVE_EARTH_RADIUS_KM;
        let big_f = |x: f64| 1.0 / (0.661 * x + 0.339 * (x * x + 5.51).sqrt());
        let term = |gamma: f64, hi: f64| {
            let x = theta.tan() * ((re + h) / hi).sqrt();
            gamma * hi.sqrt() * (re + h).sqrt() * big_f(x) * (-h / hi).exp() / theta.cos()
        };
        term(self.gamma_o_db_km, self.h_o_km) + term(self.gamma_w_db_km, self.h_w_km)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regress_zenith_attenuation_is_plausible_and_continuous() {
        // Reference atmosphere, sea level. P.676 Fig. 5 shows a total zenith attenuation of a
        // few hundredths of a dB in L/S band, ~0.1 dB in X band, a maximum near the 22.2 GHz
        // water line and a minimum near 31 GHz.
        let z = |f_ghz: f64| {
            GaseousAttenuation::new(f_ghz * 1e9, &AtmosphereParams::default()).zenith_db()
        };
        assert!((0.02..0.06).contains(&z(2.2)), "{}", z(2.2));
        assert!((0.04..0.12).contains(&z(8.4)), "{}", z(8.4));
        assert!(z(22.2) > z(15.0) && z(22.2) > z(31.0));
        assert!(z(31.0) < z(40.0));
        let g = GaseousAttenuation::new(8.4e9, &AtmosphereParams::default());
        // The two branches of the Recommendation (curved Earth below 5°, cosecant above) meet
        // within a few hundredths of a dB.
        let below = g.slant_path_db(5f64.to_radians() - 1e-9);
        let above = g.slant_path_db(5f64.to_radians());
        assert!((below - above).abs() < 0.05, "{below} vs {above}");
        // Finite at the horizon and larger than at 5°.
        assert!(g.slant_path_db(0.0) > below && g.slant_path_db(0.0).is_finite());
    }
}
