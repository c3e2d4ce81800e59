//! Antenna gain patterns and pointing loss.

use serde::{Deserialize, Serialize};

use crate::error::{HardwareError, check};

/// Speed of light in vacuum, m/s (exact, SI; `orbit::constants::SPEED_OF_LIGHT_KM_S`).
pub const SPEED_OF_LIGHT_M_S: f64 = orbit::constants::SPEED_OF_LIGHT_KM_S * 1e3;

/// Gain as a function of the angle off the antenna boresight.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum AntennaPattern {
    /// The same gain in every direction (an idealised omni, e.g. 0 dBi; a turnstile or
    /// monopole pair is often budgeted as −3..0 dBi).
    Isotropic {
        /// Gain, dBi.
        gain_dbi: f64,
    },
    /// Patch-like pattern G(θ) = G₀ · cosᵠ θ in front, `floor_dbi` behind (θ ≥ 90°) or
    /// wherever the cosine law falls below it. A cosᵠ pattern has directivity 2(q+1) (e.g.
    /// q = 1: 6.0 dBi, a typical S-band patch).
    Cosine {
        /// Boresight gain G₀, dBi.
        peak_gain_dbi: f64,
        /// Exponent q (> 0).
        exponent: f64,
        /// Lowest gain (back lobe), dBi.
        floor_dbi: f64,
    },
    /// Main beam of a directional antenna with a given half-power beamwidth:
    /// G(θ) = G₀ − 12 (θ/θ₃dB)² dB (SMAD 3rd ed. eq. 13-21), floored at `floor_dbi`.
    Gaussian {
        /// Boresight gain, dBi.
        peak_gain_dbi: f64,
        /// Full half-power beamwidth θ₃dB, rad.
        half_power_beamwidth_rad: f64,
        /// Side-lobe floor, dBi.
        floor_dbi: f64,
    },
    /// Parabolic reflector: G₀ = η (π D f / c)² (SMAD eq. 13-16), θ₃dB = 70° · λ/D
    /// (SMAD eq. 13-17, θ₃dB = 21 / (f_GHz · D_m) degrees), beam roll-off as `Gaussian`.
    Parabolic {
        /// Dish diameter, m.
        diameter_m: f64,
        /// Aperture efficiency, 0..1 (typically 0.55).
        efficiency: f64,
        /// Side-lobe floor, dBi.
        floor_dbi: f64,
    },
}

impl AntennaPattern {
    pub(crate) fn validate(&self, field: &str) -> Result<(), HardwareError> {
        let m = "link";
        match *self {
            AntennaPattern::Isotropic { gain_dbi } => check(
                true,
                m,
                format!("{field}.gain_dbi"),
                gain_dbi,
                "a finite number",
            ),
            AntennaPattern::Cosine {
                peak_gain_dbi,
                exponent,
                floor_dbi,
            } => {
                check(
                    exponent > 0.0,
                    m,
                    format!("{field}.exponent"),
                    exponent,
                    "> 0",
                )?;
                check(
                    floor_dbi <= peak_gain_dbi,
                    m,
                    format!("{field}.floor_dbi"),
                    floor_dbi,
                    "<= peak_gain_dbi",
                )
            }
            AntennaPattern::Gaussian {
                peak_gain_dbi,
                half_power_beamwidth_rad,
                floor_dbi,
            } => {
                check(
                    half_power_beamwidth_rad > 0.0,
                    m,
                    format!("{field}.half_power_beamwidth_rad"),
                    half_power_beamwidth_rad,
                    "> 0 rad",
                )?;
                check(
                    floor_dbi <= peak_gain_dbi,
                    m,
                    format!("{field}.floor_dbi"),
                    floor_dbi,
                    "<= peak_gain_dbi",
                )
            }
            AntennaPattern::Parabolic {
                diameter_m,
                efficiency,
                floor_dbi,
            } => {
                check(
                    diameter_m > 0.0,
                    m,
                    format!("{field}.diameter_m"),
                    diameter_m,
                    "> 0 m",
                )?;
                check(
                    efficiency > 0.0 && efficiency <= 1.0,
                    m,
                    format!("{field}.efficiency"),
                    efficiency,
                    "0 < value <= 1",
                )?;
                check(
                    true,
                    m,
                    format!("{field}.floor_dbi"),
                    floor_dbi,
                    "a finite number",
                )
            }
        }
    }

    /// Boresight gain at `frequency_hz`, dBi.
    pub fn peak_gain_dbi(&self, frequency_hz: f64) -> f64 {
        match *self {
            AntennaPattern::Isotropic { gain_dbi } => gain_dbi,
            AntennaPattern::Cosine { peak_gain_dbi, .. }
            | AntennaPattern::Gaussian { peak_gain_dbi, .. } => peak_gain_dbi,
            AntennaPattern::Parabolic {
                diameter_m,
                efficiency,
                ..
            } => {
                // G = η (π D / λ)²
                let wavelength_m = SPEED_OF_LIGHT_M_S / frequency_hz;
                10.0 * (efficiency * (std::f64::consts::PI * diameter_m / wavelength_m).powi(2))
                    .log10()
            }
        }
    }

    /// Full half-power beamwidth at `frequency_hz`, rad (None for patterns without one).
    pub fn half_power_beamwidth_rad(&self, frequency_hz: f64) -> Option<f64> {
        match *self {
            AntennaPattern::Gaussian {
                half_power_beamwidth_rad,
                ..
            } => Some(half_power_beamwidth_rad),
            AntennaPattern::Parabolic { diameter_m, .. } => {
                // θ₃dB ≈ 70° · λ / D
                let wavelength_m = SPEED_OF_LIGHT_M_S / frequency_hz;
                Some(70f64.to_radians() * wavelength_m / diameter_m)
            }
            AntennaPattern::Cosine { exponent, .. } => {
                // cosᵠ θ = ½  ⇒  θ½ = acos(2^(−1/q)), full width 2 θ½
                Some(2.0 * 0.5f64.powf(1.0 / exponent).acos())
            }
            AntennaPattern::Isotropic { .. } => None,
        }
    }

    /// Gain in a direction `off_boresight_rad` from boresight, dBi.
    pub fn gain_dbi(&self, off_boresight_rad: f64, frequency_hz: f64) -> f64 {
        let theta = off_boresight_rad.abs().min(std::f64::consts::PI);
        match *self {
            AntennaPattern::Isotropic { gain_dbi } => gain_dbi,
            AntennaPattern::Cosine {
                peak_gain_dbi,
                exponent,
                floor_dbi,
            } => {
                let c = theta.cos();
                if c <= 0.0 {
                    floor_dbi
                } else {
                    (peak_gain_dbi + 10.0 * exponent * c.log10()).max(floor_dbi)
                }
            }
            AntennaPattern::Gaussian { floor_dbi, .. }
            | AntennaPattern::Parabolic { floor_dbi, .. } => {
                let peak = self.peak_gain_dbi(frequency_hz);
                let hpbw = self
                    .half_power_beamwidth_rad(frequency_hz)
                    .unwrap_or(std::f64::consts::PI);
                (peak - pointing_loss_db(theta, hpbw)).max(floor_dbi)
            }
        }
    }
}

/// Pointing loss of a main beam, dB: L = 12 (θ / θ₃dB)² (SMAD 3rd ed. eq. 13-21).
pub fn pointing_loss_db(off_boresight_rad: f64, half_power_beamwidth_rad: f64) -> f64 {
    12.0 * (off_boresight_rad / half_power_beamwidth_rad).powi(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn val_analytic_parabolic_gain_and_beamwidth() {
        // SMAD eq. 13-16/17: 3.7 m dish, 55 %, 2.2 GHz: G = 10 log(0.55 (π·3.7/λ)²)
        let dish = AntennaPattern::Parabolic {
            diameter_m: 3.7,
            efficiency: 0.55,
            floor_dbi: -10.0,
        };
        let f = 2.2e9;
        let lambda = SPEED_OF_LIGHT_M_S / f;
        let expected = 10.0 * (0.55 * (std::f64::consts::PI * 3.7 / lambda).powi(2)).log10();
        assert!((dish.peak_gain_dbi(f) - expected).abs() < 1e-12);
        assert!((expected - 36.02).abs() < 0.01, "{expected}");
        // 21/(f_GHz·D) degrees
        let hpbw = dish.half_power_beamwidth_rad(f).unwrap().to_degrees();
        assert!((hpbw - 21.0 / (2.2 * 3.7)).abs() < 0.01, "{hpbw}");
        // At half the beamwidth off boresight the loss is 3 dB.
        let half = dish.half_power_beamwidth_rad(f).unwrap() / 2.0;
        assert!((dish.peak_gain_dbi(f) - dish.gain_dbi(half, f) - 3.0).abs() < 1e-12);
    }

    #[test]
    fn val_analytic_cosine_pattern() {
        let patch = AntennaPattern::Cosine {
            peak_gain_dbi: 6.0,
            exponent: 1.0,
            floor_dbi: -15.0,
        };
        assert_eq!(patch.gain_dbi(0.0, 2e9), 6.0);
        // cos 60° = ½: −3.01 dB
        let g60 = patch.gain_dbi(60f64.to_radians(), 2e9);
        assert!((g60 - (6.0 + 10.0 * 0.5f64.log10())).abs() < 1e-12);
        assert_eq!(patch.gain_dbi(100f64.to_radians(), 2e9), -15.0);
        assert!((patch.half_power_beamwidth_rad(2e9).unwrap().to_degrees() - 120.0).abs() < 1e-9);
    }
}
