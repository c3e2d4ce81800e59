//! The link budget: EIRP, path losses, G/T, C/N0, Eb/N0, margin and data rate.

use serde::{Deserialize, Serialize};

use super::antenna::{AntennaPattern, SPEED_OF_LIGHT_M_S};
use super::atmosphere::{AtmosphereParams, GaseousAttenuation};
use super::modcod::{ModCod, ModCodTable};
use super::rain::{RainParams, rain_attenuation_db};
use crate::error::{HardwareError, check};

/// Boltzmann constant in dB: 10 log₁₀(1.380649 × 10⁻²³ J/K) = −228.5992 dBW/(K·Hz).
pub const BOLTZMANN_DBW_PER_K_HZ: f64 = -228.599_167_173_217_7;

/// 10 log₁₀(x).
pub fn to_db(x: f64) -> f64 {
    10.0 * x.log10()
}

/// Free-space path loss, dB: L = 20 log₁₀(4π d / λ) (Friis; SMAD eq. 13-8).
pub fn free_space_path_loss_db(range_km: f64, frequency_hz: f64) -> f64 {
    let wavelength_m = SPEED_OF_LIGHT_M_S / frequency_hz;
    20.0 * (4.0 * std::f64::consts::PI * range_km * 1e3 / wavelength_m).log10()
}

/// Combines the C/N0 of cascaded link segments (e.g. uplink and downlink of a transparent
/// transponder): (C/N0)⁻¹ = Σ (C/N0)ᵢ⁻¹ (Maral & Bousquet, Satellite Communications Systems,
/// §5.8), dB-Hz.
pub fn combine_cn0_dbhz(segments_dbhz: &[f64]) -> f64 {
    -to_db(segments_dbhz.iter().map(|c| 10f64.powf(-c / 10.0)).sum())
}

/// Receiver noise, by system temperature or directly by the figure of merit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ReceiverNoise {
    /// System noise temperature at the antenna terminals, K; G/T is derived from the receive
    /// antenna gain and the receive line loss.
    SystemTemperature {
        /// T_sys, K.
        system_noise_temp_k: f64,
    },
    /// G/T at boresight, dB/K, including line losses (typical of a ground-station datasheet);
    /// the receive pattern then only contributes its off-boresight loss and `rx_line_loss_db`
    /// should be 0.
    GOverT {
        /// (G/T) at boresight, dB/K.
        g_over_t_db_k: f64,
    },
}

/// How the data rate is chosen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum RateParams {
    /// A fixed information rate: the link is up when the margin is at least `min_margin_db`.
    Fixed {
        /// Information bit rate, bit/s.
        rate_bps: f64,
        /// Eb/N0 needed by the demodulator/decoder for the target error rate, dB (theory).
        required_ebn0_db: f64,
        /// Margin kept in reserve, dB.
        min_margin_db: f64,
    },
    /// Adaptive coding and modulation: the most efficient MODCOD whose margin is at least
    /// `min_margin_db` at a fixed symbol rate (DVB-S2 ACM).
    Adaptive {
        /// Symbol rate, symbol/s.
        symbol_rate_sps: f64,
        /// MODCOD table.
        table: ModCodTable,
        /// Margin kept in reserve, dB.
        min_margin_db: f64,
    },
}

/// One direction of a radio link: transmitter, path and receiver.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkParams {
    /// Carrier frequency, Hz.
    pub frequency_hz: f64,
    /// RF power at the transmitter output, W.
    pub tx_power_w: f64,
    /// Loss between transmitter and antenna, dB.
    pub tx_line_loss_db: f64,
    /// Transmit antenna.
    pub tx_antenna: AntennaPattern,
    /// Receive antenna.
    pub rx_antenna: AntennaPattern,
    /// Loss between antenna and receiver (ahead of the point where T_sys is referred), dB.
    pub rx_line_loss_db: f64,
    /// Receiver noise.
    pub rx_noise: ReceiverNoise,
    /// Polarisation mismatch loss, dB.
    pub polarization_loss_db: f64,
    /// Modem implementation loss and other degradations, added to the required Eb/N0, dB.
    pub implementation_loss_db: f64,
    /// Gaseous attenuation (P.676) for Earth–space links; `None` for inter-satellite links.
    #[serde(default)]
    pub atmosphere: Option<AtmosphereParams>,
    /// Rain attenuation (P.618/P.838), optional.
    #[serde(default)]
    pub rain: Option<RainParams>,
    /// Data-rate selection.
    pub rate: RateParams,
}

/// Geometry of the link at one instant.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinkGeometry {
    /// Transmitter–receiver distance, km.
    pub range_km: f64,
    /// Elevation of the space end seen from the ground station, rad (`None` for
    /// space-to-space links: no atmosphere).
    pub elevation_rad: Option<f64>,
    /// Angle between the transmit antenna's boresight and the receiver, rad.
    pub tx_off_boresight_rad: f64,
    /// Angle between the receive antenna's boresight and the transmitter, rad.
    pub rx_off_boresight_rad: f64,
}

/// Every line of the budget at one instant (all dB quantities as in SMAD Table 13-13).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinkResult {
    /// Transmit antenna gain toward the receiver, dBi.
    pub tx_gain_dbi: f64,
    /// EIRP toward the receiver, dBW.
    pub eirp_dbw: f64,
    /// Free-space path loss, dB.
    pub free_space_loss_db: f64,
    /// Gaseous attenuation, dB.
    pub atmospheric_loss_db: f64,
    /// Rain attenuation, dB.
    pub rain_loss_db: f64,
    /// Receive antenna gain toward the transmitter, dBi.
    pub rx_gain_dbi: f64,
    /// Figure of merit toward the transmitter, dB/K.
    pub g_over_t_db_k: f64,
    /// Carrier-to-noise-density ratio, dB-Hz.
    pub cn0_dbhz: f64,
    /// Eb/N0 at the chosen rate, dB (at the fixed rate, or the best MODCOD's rate; for a link
    /// that does not close with ACM, at the lowest MODCOD's rate).
    pub ebn0_db: f64,
    /// Required Eb/N0 including the implementation loss, dB.
    pub required_ebn0_db: f64,
    /// Eb/N0 − required, dB.
    pub margin_db: f64,
    /// Information rate available, bit/s (0 when the link does not close).
    pub rate_bps: f64,
    /// Index of the chosen MODCOD in the table (adaptive links that close).
    pub modcod_index: Option<usize>,
    /// Whether the margin is at least the reserve.
    pub closed: bool,
}

/// A validated link, ready to evaluate at any geometry.
#[derive(Clone, Debug)]
pub struct LinkBudget {
    params: LinkParams,
    gases: Option<GaseousAttenuation>,
    modcods: Vec<ModCod>,
    /// Index in `modcods` of the MODCOD with the lowest required Es/N0 (reported when no
    /// MODCOD closes); `validate` guarantees an adaptive table is not empty.
    lowest_modcod: usize,
    /// The budget's terms that do not depend on the geometry, in dB (computed once).
    fixed: FixedTerms,
}

/// The logarithms of a budget's constant parameters, taken once in [`LinkBudget::new`]
/// rather than at every evaluation (the same values: the same `to_db` of the same numbers).
#[derive(Clone, Debug, PartialEq)]
struct FixedTerms {
    /// `10 log P_tx`, dBW.
    tx_power_dbw: f64,
    /// `10 log T_sys`, dB(K) (0 with G/T given directly).
    noise_temp_db_k: f64,
    /// `10 log R` of a fixed rate, or `10 log R_s` of an adaptive link's symbol rate.
    rate_db: f64,
    /// `10 log η` of each MODCOD, in `modcods` order.
    modcod_efficiency_db: Vec<f64>,
}

impl FixedTerms {
    fn new(params: &LinkParams, modcods: &[ModCod]) -> Self {
        Self {
            tx_power_dbw: to_db(params.tx_power_w),
            noise_temp_db_k: match params.rx_noise {
                ReceiverNoise::SystemTemperature {
                    system_noise_temp_k,
                } => to_db(system_noise_temp_k),
                ReceiverNoise::GOverT { .. } => 0.0,
            },
            rate_db: match &params.rate {
                RateParams::Fixed { rate_bps, .. } => to_db(*rate_bps),
                RateParams::Adaptive {
                    symbol_rate_sps, ..
                } => to_db(*symbol_rate_sps),
            },
            modcod_efficiency_db: modcods
                .iter()
                .map(|m| to_db(m.spectral_efficiency_bits_per_symbol))
                .collect(),
        }
    }
}

impl LinkParams {
    /// Checks ranges (`model` "link"; field names as in the parameter file).
    pub fn validate(&self) -> Result<(), HardwareError> {
        let params = self;
        let m = "link";
        check(
            params.frequency_hz > 0.0,
            m,
            "frequency_hz",
            params.frequency_hz,
            "> 0 Hz",
        )?;
        check(
            params.tx_power_w > 0.0,
            m,
            "tx_power_w",
            params.tx_power_w,
            "> 0 W",
        )?;
        for (field, v) in [
            ("tx_line_loss_db", params.tx_line_loss_db),
            ("rx_line_loss_db", params.rx_line_loss_db),
            ("polarization_loss_db", params.polarization_loss_db),
            ("implementation_loss_db", params.implementation_loss_db),
        ] {
            check(v >= 0.0, m, field, v, ">= 0 dB")?;
        }
        params.tx_antenna.validate("tx_antenna")?;
        params.rx_antenna.validate("rx_antenna")?;
        if let ReceiverNoise::SystemTemperature {
            system_noise_temp_k,
        } = params.rx_noise
        {
            check(
                system_noise_temp_k > 0.0,
                m,
                "rx_noise.system_noise_temp_k",
                system_noise_temp_k,
                "> 0 K",
            )?;
        }
        if let ReceiverNoise::GOverT { g_over_t_db_k } = params.rx_noise {
            check(
                true,
                m,
                "rx_noise.g_over_t_db_k",
                g_over_t_db_k,
                "a finite number",
            )?;
        }
        if let Some(a) = &params.atmosphere {
            a.validate(params.frequency_hz)?;
        }
        if let Some(r) = &params.rain {
            r.validate()?;
        }
        match &params.rate {
            RateParams::Fixed {
                rate_bps,
                required_ebn0_db,
                min_margin_db,
            } => {
                check(*rate_bps > 0.0, m, "rate.rate_bps", *rate_bps, "> 0 bit/s")?;
                check(
                    true,
                    m,
                    "rate.required_ebn0_db",
                    *required_ebn0_db,
                    "finite",
                )?;
                check(true, m, "rate.min_margin_db", *min_margin_db, "finite")?;
            }
            RateParams::Adaptive {
                symbol_rate_sps,
                table,
                min_margin_db,
            } => {
                check(
                    *symbol_rate_sps > 0.0,
                    m,
                    "rate.symbol_rate_sps",
                    *symbol_rate_sps,
                    "> 0",
                )?;
                check(true, m, "rate.min_margin_db", *min_margin_db, "finite")?;
                let entries = table.entries();
                if entries.is_empty() {
                    return Err(HardwareError::Inconsistent {
                        model: m,
                        reason: "an adaptive link needs at least one MODCOD",
                    });
                }
                for e in &entries {
                    check(
                        e.spectral_efficiency_bits_per_symbol > 0.0,
                        m,
                        format!("rate.table[{}].spectral_efficiency_bits_per_symbol", e.name),
                        e.spectral_efficiency_bits_per_symbol,
                        "> 0",
                    )?;
                    check(
                        true,
                        m,
                        format!("rate.table[{}].required_esn0_db", e.name),
                        e.required_esn0_db,
                        "finite",
                    )?;
                }
            }
        }
        Ok(())
    }
}

impl LinkBudget {
    /// Validates the parameters and precomputes the frequency-dependent terms.
    pub fn new(params: LinkParams) -> Result<Self, HardwareError> {
        params.validate()?;
        let modcods = match &params.rate {
            RateParams::Fixed { .. } => Vec::new(),
            RateParams::Adaptive { table, .. } => table.entries(),
        };
        let gases = params
            .atmosphere
            .as_ref()
            .map(|a| GaseousAttenuation::new(params.frequency_hz, a))
            .transpose()?;
        let lowest_modcod = modcods
            .iter()
            .enumerate()
            .min_by(|(_, a), (_, b)| a.required_esn0_db.total_cmp(&b.required_esn0_db))
            .map_or(0, |(i, _)| i);
        let fixed = FixedTerms::new(&params, &modcods);
        Ok(Self {
            params,
            gases,
            modcods,
            lowest_modcod,
            fixed,
        })
    }

    /// Parameters.
    pub fn params(&self) -> &LinkParams {
        &self.params
    }

    /// MODCOD entries of an adaptive link (empty for a fixed rate).
    pub fn modcods(&self) -> &[ModCod] {
        &self.modcods
    }

    /// Evaluates the budget at one geometry (SMAD 3rd ed. §13.3, eqs. 13-9..13-13):
    ///   EIRP = P_tx + G_tx(θ_tx) − L_line,tx
    ///   C/N0 = EIRP − L_fs − L_atm − L_rain − L_pol + G_rx(θ_rx) − L_line,rx − 10 log T_sys − 10 log k
    ///   Eb/N0 = C/N0 − 10 log R,   margin = Eb/N0 − (Eb/N0)_req − L_impl
    /// With ACM, Es/N0 = C/N0 − 10 log R_s and the MODCOD with the highest efficiency whose
    /// Es/N0 margin is ≥ the reserve is chosen; R = R_s · η.
    pub fn evaluate(&self, g: &LinkGeometry) -> LinkResult {
        let p = &self.params;
        let f = p.frequency_hz;
        let tx_gain_dbi = p.tx_antenna.gain_dbi(g.tx_off_boresight_rad, f);
        let eirp_dbw = self.fixed.tx_power_dbw + tx_gain_dbi - p.tx_line_loss_db;
        let range_km = if g.range_km.is_finite() {
            g.range_km.max(1e-6)
        } else {
            f64::INFINITY
        };
        let free_space_loss_db = free_space_path_loss_db(range_km, f);
        let elevation = g.elevation_rad.filter(|e| e.is_finite());
        let atmospheric_loss_db = match (&self.gases, elevation) {
            (Some(gases), Some(el)) => gases.slant_path_db(el),
            _ => 0.0,
        };
        let rain_loss_db = match (&p.rain, elevation) {
            (Some(rain), Some(el)) => rain_attenuation_db(rain, f, el),
            _ => 0.0,
        };
        let rx_gain_dbi = p.rx_antenna.gain_dbi(g.rx_off_boresight_rad, f);
        let g_over_t_db_k = match p.rx_noise {
            ReceiverNoise::SystemTemperature { .. } => {
                rx_gain_dbi - p.rx_line_loss_db - self.fixed.noise_temp_db_k
            }
            ReceiverNoise::GOverT { g_over_t_db_k } => {
                g_over_t_db_k + (rx_gain_dbi - p.rx_antenna.peak_gain_dbi(f)) - p.rx_line_loss_db
            }
        };
        let cn0_dbhz = eirp_dbw
            - free_space_loss_db
            - atmospheric_loss_db
            - rain_loss_db
            - p.polarization_loss_db
            + g_over_t_db_k
            - BOLTZMANN_DBW_PER_K_HZ;
        let cn0_dbhz = if cn0_dbhz.is_finite() {
            cn0_dbhz
        } else {
            f64::NEG_INFINITY
        };
        let (ebn0_db, required_ebn0_db, margin_db, rate_bps, modcod_index, closed) = match &p.rate {
            RateParams::Fixed {
                rate_bps,
                required_ebn0_db,
                min_margin_db,
            } => {
                let ebn0 = cn0_dbhz - self.fixed.rate_db;
                let required = required_ebn0_db + p.implementation_loss_db;
                let margin = ebn0 - required;
                let closed = margin >= *min_margin_db;
                (
                    ebn0,
                    required,
                    margin,
                    if closed { *rate_bps } else { 0.0 },
                    None,
                    closed,
                )
            }
            RateParams::Adaptive {
                symbol_rate_sps,
                min_margin_db,
                ..
            } => {
                let esn0 = cn0_dbhz - self.fixed.rate_db;
                let best = self
                    .modcods
                    .iter()
                    .enumerate()
                    .filter(|(_, m)| {
                        esn0 - m.required_esn0_db - p.implementation_loss_db >= *min_margin_db
                    })
                    .max_by(|(_, a), (_, b)| {
                        a.spectral_efficiency_bits_per_symbol
                            .total_cmp(&b.spectral_efficiency_bits_per_symbol)
                    });
                let (index, shown, closed) = match best {
                    Some((i, _)) => (Some(i), i, true),
                    None => (None, self.lowest_modcod, false),
                };
                let m = &self.modcods[shown];
                let eff = m.spectral_efficiency_bits_per_symbol;
                let eff_db = self.fixed.modcod_efficiency_db[shown];
                // Eb/N0 = Es/N0 − 10 log η
                let ebn0 = esn0 - eff_db;
                let required = m.required_esn0_db - eff_db + p.implementation_loss_db;
                let rate = if closed { symbol_rate_sps * eff } else { 0.0 };
                (ebn0, required, ebn0 - required, rate, index, closed)
            }
        };
        LinkResult {
            tx_gain_dbi,
            eirp_dbw,
            free_space_loss_db,
            atmospheric_loss_db,
            rain_loss_db,
            rx_gain_dbi,
            g_over_t_db_k,
            cn0_dbhz,
            ebn0_db,
            required_ebn0_db,
            margin_db,
            rate_bps,
            modcod_index,
            closed,
        }
    }
}
