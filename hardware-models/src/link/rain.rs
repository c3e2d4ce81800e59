//! Rain attenuation on an Earth–space path: ITU-R P.838-3 (specific attenuation) and
//! ITU-R P.618-13 §2.2.1.1 (long-term statistics of slant-path attenuation).

use serde::{Deserialize, Serialize};

use crate::error::{HardwareError, check};

/// Rain climate at a ground station.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RainParams {
    /// Rain rate exceeded for 0.01 % of an average year, R₀.₀₁, mm/h (ITU-R P.837 maps; e.g.
    /// ~30 mm/h in western Europe, ~100 mm/h in the tropics).
    pub rain_rate_001_mm_h: f64,
    /// Rain height h_R above mean sea level, km (ITU-R P.839: 0 °C isotherm + 0.36 km).
    pub rain_height_km: f64,
    /// Station height above mean sea level, km.
    pub station_altitude_km: f64,
    /// Station latitude, rad.
    pub station_latitude_rad: f64,
    /// Percentage of the year the predicted attenuation is exceeded, 0.001..5 %.
    pub exceedance_percent: f64,
    /// Polarisation tilt relative to the horizontal, rad (π/4 for circular polarisation).
    pub polarization_tilt_rad: f64,
}

impl RainParams {
    pub(crate) fn validate(&self) -> Result<(), HardwareError> {
        let m = "link";
        check(
            self.rain_rate_001_mm_h >= 0.0,
            m,
            "rain.rain_rate_001_mm_h",
            self.rain_rate_001_mm_h,
            ">= 0 mm/h",
        )?;
        check(
            (0.0..=10.0).contains(&self.rain_height_km),
            m,
            "rain.rain_height_km",
            self.rain_height_km,
            "0..10 km",
        )?;
        check(
            (-0.5..10.0).contains(&self.station_altitude_km),
            m,
            "rain.station_altitude_km",
            self.station_altitude_km,
            "-0.5..10 km",
        )?;
        check(
            self.station_latitude_rad.abs() <= std::f64::consts::FRAC_PI_2,
            m,
            "rain.station_latitude_rad",
            self.station_latitude_rad,
            "-π/2..π/2",
        )?;
        check(
            (0.001..=5.0).contains(&self.exceedance_percent),
            m,
            "rain.exceedance_percent",
            self.exceedance_percent,
            "0.001..5 %",
        )?;
        check(
            true,
            m,
            "rain.polarization_tilt_rad",
            self.polarization_tilt_rad,
            "a finite number",
        )
    }
}

/// log₁₀ k or α regression of P.838-3 eqs. (2)–(3):
///   Σⱼ aⱼ exp(−((log₁₀ f − bⱼ)/cⱼ)²) + m · log₁₀ f + c
fn regression(f_ghz: f64, a: &[f64], b: &[f64], c: &[f64], m: f64, c0: f64) -> f64 {
    let x = f_ghz.log10();
    a.iter()
        .zip(b)
        .zip(c)
        .map(|((a, b), c)| a * (-((x - b) / c).powi(2)).exp())
        .sum::<f64>()
        + m * x
        + c0
}

/// Coefficients (k_H, α_H, k_V, α_V) of γ_R = k R^α (P.838-3 Tables 1–4), 1–1000 GHz.
pub fn p838_coefficients(f_ghz: f64) -> (f64, f64, f64, f64) {
    let kh = 10f64.powf(regression(
        f_ghz,
        &[-5.33980, -0.35351, -0.23789, -0.94158],
        &[-0.10008, 1.26970, 0.86036, 0.64552],
        &[1.13098, 0.45400, 0.15354, 0.16817],
        -0.18961,
        0.71147,
    ));
    let kv = 10f64.powf(regression(
        f_ghz,
        &[-3.80595, -3.44965, -0.39902, 0.50167],
        &[0.56934, -0.22911, 0.73042, 1.07319],
        &[0.81061, 0.51059, 0.11899, 0.27195],
        -0.16398,
        0.63297,
    ));
    let ah = regression(
        f_ghz,
        &[-0.14318, 0.29591, 0.32177, -5.37610, 16.1721],
        &[1.82442, 0.77564, 0.63773, -0.96230, -3.29980],
        &[-0.55187, 0.19822, 0.13164, 1.47828, 3.43990],
        0.67849,
        -1.95537,
    );
    let av = regression(
        f_ghz,
        &[-0.07771, 0.56727, -0.20238, -48.2991, 48.5833],
        &[2.33840, 0.95545, 1.14520, 0.791669, 0.791459],
        &[-0.76284, 0.54039, 0.26809, 0.116226, 0.116479],
        -0.053739,
        0.83433,
    );
    (kh, ah, kv, av)
}

/// Rain attenuation exceeded for `exceedance_percent` of the year, dB (P.618-13 §2.2.1.1
/// steps 1–10; step numbers in the comments). `frequency_hz` 1–55 GHz is the validity range.
pub fn rain_attenuation_db(rain: &RainParams, frequency_hz: f64, elevation_rad: f64) -> f64 {
    let f = frequency_hz / 1e9;
    let theta = elevation_rad.clamp(1e-3, std::f64::consts::FRAC_PI_2);
    let (sin_t, cos_t) = theta.sin_cos();
    let dh = rain.rain_height_km - rain.station_altitude_km; // step 1: h_R − h_s
    if dh <= 0.0 || rain.rain_rate_001_mm_h <= 0.0 {
        return 0.0;
    }
    // Step 2: slant path below the rain height.
    let ls = if theta >= 5f64.to_radians() {
        dh / sin_t
    } else {
        2.0 * dh / ((sin_t * sin_t + 2.0 * dh / 8500.0).sqrt() + sin_t)
    };
    // Step 3: horizontal projection.
    let lg = ls * cos_t;
    // Step 5: specific attenuation γ_R = k R^α, with k and α for the tilt τ (P.838-3 eqs. 4–5):
    //   k = [k_H + k_V + (k_H − k_V) cos²θ cos 2τ] / 2
    //   α = [k_H α_H + k_V α_V + (k_H α_H − k_V α_V) cos²θ cos 2τ] / 2k
    let (kh, ah, kv, av) = p838_coefficients(f);
    let c2t = (2.0 * rain.polarization_tilt_rad).cos() * cos_t * cos_t;
    let k = (kh + kv + (kh - kv) * c2t) / 2.0;
    let alpha = (kh * ah + kv * av + (kh * ah - kv * av) * c2t) / (2.0 * k);
    let r = rain.rain_rate_001_mm_h;
    let gamma_r = k * r.powf(alpha);
    // Step 6: horizontal reduction factor.
    let r001 = 1.0 / (1.0 + 0.78 * (lg * gamma_r / f).sqrt() - 0.38 * (1.0 - (-2.0 * lg).exp()));
    // Step 7: vertical adjustment factor.
    let zeta = (dh / (lg * r001)).atan();
    let lr = if zeta > theta {
        lg * r001 / cos_t
    } else {
        dh / sin_t
    };
    let lat_deg = rain.station_latitude_rad.to_degrees().abs();
    let chi = if lat_deg < 36.0 { 36.0 - lat_deg } else { 0.0 };
    let theta_deg = theta.to_degrees();
    let v001 = 1.0
        / (1.0
            + sin_t.sqrt()
                * (31.0 * (1.0 - (-theta_deg / (1.0 + chi)).exp()) * (lr * gamma_r).sqrt()
                    / (f * f)
                    - 0.45));
    // Steps 8–9: effective path length and A₀.₀₁.
    let a001 = gamma_r * lr * v001;
    // Step 10: scale to p %.
    let p = rain.exceedance_percent;
    let beta = if p >= 1.0 || lat_deg >= 36.0 {
        0.0
    } else if theta_deg >= 25.0 {
        -0.005 * (lat_deg - 36.0)
    } else {
        -0.005 * (lat_deg - 36.0) + 1.8 - 4.25 * sin_t
    };
    let exponent = -(0.655 + 0.033 * p.ln() - 0.045 * a001.ln() - beta * (1.0 - p) * sin_t);
    (a001 * (p / 0.01).powf(exponent)).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn val_itu_p838_3_table5_coefficients() {
        // P.838-3 Table 5 (coefficients at selected frequencies): 10, 20 and 30 GHz.
        let cases = [
            (10.0, 0.01217, 1.2571, 0.01129, 1.2156),
            (20.0, 0.09164, 1.0568, 0.09611, 0.9847),
            (30.0, 0.2403, 0.9485, 0.2291, 0.9129),
        ];
        for (f, kh, ah, kv, av) in cases {
            let (gkh, gah, gkv, gav) = p838_coefficients(f);
            assert!((gkh / kh - 1.0).abs() < 2e-3, "{f} kH {gkh} vs {kh}");
            assert!((gkv / kv - 1.0).abs() < 2e-3, "{f} kV {gkv} vs {kv}");
            assert!((gah - ah).abs() < 2e-3, "{f} αH {gah} vs {ah}");
            assert!((gav - av).abs() < 2e-3, "{f} αV {gav} vs {av}");
        }
    }

    #[test]
    fn regress_rain_attenuation_behaves() {
        let rain = RainParams {
            rain_rate_001_mm_h: 42.0,
            rain_height_km: 3.5,
            station_altitude_km: 0.1,
            station_latitude_rad: 48f64.to_radians(),
            exceedance_percent: 0.01,
            polarization_tilt_rad: std::f64::consts::FRAC_PI_4,
        };
        let a = |f: f64, el_deg: f64, p: f64| {
            rain_attenuation_db(
                &RainParams {
                    exceedance_percent: p,
                    ..rain.clone()
                },
                f * 1e9,
                el_deg.to_radians(),
            )
        };
        // Grows with frequency, with path length (lower elevation), and with rarer exceedance.
        assert!(a(2.2, 30.0, 0.01) < 0.2);
        assert!(a(8.4, 30.0, 0.01) < a(20.0, 30.0, 0.01));
        assert!(a(20.0, 10.0, 0.01) > a(20.0, 60.0, 0.01));
        assert!(a(20.0, 30.0, 0.1) < a(20.0, 30.0, 0.01));
        assert!(a(20.0, 30.0, 0.01) < a(20.0, 30.0, 0.001));
        // Ka band at 0.01 % in a temperate climate: of order 10–20 dB.
        assert!(
            (5.0..30.0).contains(&a(20.0, 30.0, 0.01)),
            "{}",
            a(20.0, 30.0, 0.01)
        );
    }
}
