//! Radio links: antenna patterns, free-space and atmospheric losses, noise, C/N0, Eb/N0,
//! margin, fixed or adaptive data rate, data volume and light-time delay.
//!
//! The budget is stateless: build a [`LinkBudget`] once from [`LinkParams`], then call
//! [`LinkBudget::evaluate`] with the geometry of each instant.

mod antenna;
mod atmosphere;
mod budget;
mod modcod;
mod rain;
mod reference_atmosphere;
mod spectral;

pub use antenna::{AntennaPattern, SPEED_OF_LIGHT_M_S, pointing_loss_db};
pub use atmosphere::{AtmosphereParams, GaseousAttenuation, MAX_GASEOUS_FREQUENCY_GHZ};
pub use budget::{
    BOLTZMANN_DBW_PER_K_HZ, LinkBudget, LinkGeometry, LinkParams, LinkResult, RateParams,
    ReceiverNoise, combine_cn0_dbhz, free_space_path_loss_db, to_db,
};
pub use modcod::{ModCod, ModCodTable, dvb_s2_modcods};
pub use rain::{RainParams, p838_coefficients, rain_attenuation_db};
pub use reference_atmosphere::{reference_pressure_hpa, reference_temperature_k};
pub use spectral::SpectralLines;

use hifitime::Duration;

/// One-way light time over `range_km`: t = d / c.
pub fn light_time(range_km: f64) -> Duration {
    Duration::from_seconds(range_km.max(0.0) * 1e3 / SPEED_OF_LIGHT_M_S)
}

/// Data volume of a sequence of steps with the rate held over each step, bit:
///   V = Σ Rᵢ · Δtᵢ
/// (how the simulator delivers data: the rate evaluated at a step's start lasts the step).
pub fn data_volume_bits<I>(steps: I) -> f64
where
    I: IntoIterator<Item = (Duration, f64)>,
{
    steps
        .into_iter()
        .map(|(dt, rate_bps)| dt.to_seconds().max(0.0) * rate_bps.max(0.0))
        .sum()
}

/// Running data volume of a contact (e.g. a pass), bit.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct DataVolume {
    bits: f64,
    link_time_s: f64,
}

impl DataVolume {
    /// Adds a step of length `dt` at `rate_bps`.
    pub fn add(&mut self, dt: Duration, rate_bps: f64) {
        let dt_s = dt.to_seconds().max(0.0);
        if rate_bps > 0.0 {
            self.bits += dt_s * rate_bps;
            self.link_time_s += dt_s;
        }
    }

    /// Bits accumulated.
    pub fn bits(&self) -> f64 {
        self.bits
    }

    /// Time with a closed link.
    pub fn link_time(&self) -> Duration {
        Duration::from_seconds(self.link_time_s)
    }
}

#[cfg(test)]
mod tests;
