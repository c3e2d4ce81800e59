//! Battery: energy store with charge/discharge efficiency, rate limits and a protection floor.

use serde::{Deserialize, Serialize};

use crate::error::{HardwareError, check};

/// Joules per watt-hour.
pub const J_PER_WH: f64 = 3600.0;

/// Battery parameters. Energies are in watt-hours (datasheet unit), powers at the bus side.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatteryParams {
    /// Usable capacity when new, Wh.
    pub capacity_wh: f64,
    /// State of charge at the start of the simulation, 0..1.
    pub initial_soc: f64,
    /// Protection floor: the battery is never discharged below this state of charge (the
    /// depth-of-discharge limit; the EPS disconnects loads instead), 0..1.
    pub min_soc: f64,
    /// Energy stored / energy delivered from the bus while charging, 0..1.
    pub charge_efficiency: f64,
    /// Energy delivered to the bus / energy taken from storage while discharging, 0..1.
    pub discharge_efficiency: f64,
    /// Maximum charging power drawn from the bus, W (the charge-rate limit, e.g. 0.5 C).
    pub max_charge_power_w: f64,
    /// Maximum discharge power delivered to the bus, W.
    pub max_discharge_power_w: f64,
    /// Thermal node receiving the charge/discharge losses as heat.
    #[serde(default)]
    pub thermal_node: Option<String>,
}

impl BatteryParams {
    pub(crate) fn validate(&self) -> Result<(), HardwareError> {
        let m = "power";
        check(
            self.capacity_wh > 0.0,
            m,
            "battery.capacity_wh",
            self.capacity_wh,
            "> 0",
        )?;
        check(
            (0.0..1.0).contains(&self.min_soc),
            m,
            "battery.min_soc",
            self.min_soc,
            "0 <= value < 1",
        )?;
        check(
            self.initial_soc >= self.min_soc && self.initial_soc <= 1.0,
            m,
            "battery.initial_soc",
            self.initial_soc,
            "min_soc <= value <= 1",
        )?;
        for (field, v) in [
            ("battery.charge_efficiency", self.charge_efficiency),
            ("battery.discharge_efficiency", self.discharge_efficiency),
        ] {
            check(v > 0.0 && v <= 1.0, m, field, v, "0 < value <= 1")?;
        }
        for (field, v) in [
            ("battery.max_charge_power_w", self.max_charge_power_w),
            ("battery.max_discharge_power_w", self.max_discharge_power_w),
        ] {
            check(v > 0.0, m, field, v, "> 0 W")?;
        }
        Ok(())
    }

    /// Capacity in joules.
    pub fn capacity_j(&self) -> f64 {
        self.capacity_wh * J_PER_WH
    }
}

/// Battery state: stored energy.
#[derive(Clone, Debug, PartialEq)]
pub struct Battery {
    params: BatteryParams,
    energy_j: f64,
}

impl Battery {
    /// A battery at its initial state of charge.
    pub fn new(params: BatteryParams) -> Result<Self, HardwareError> {
        params.validate()?;
        let energy_j = params.initial_soc * params.capacity_j();
        Ok(Self { params, energy_j })
    }

    /// Parameters.
    pub fn params(&self) -> &BatteryParams {
        &self.params
    }

    /// Stored energy, J.
    pub fn energy_j(&self) -> f64 {
        self.energy_j
    }

    /// State of charge, 0..1.
    pub fn soc(&self) -> f64 {
        self.energy_j / self.params.capacity_j()
    }

    /// Stored energy at the protection floor, J.
    pub fn floor_j(&self) -> f64 {
        self.params.min_soc * self.params.capacity_j()
    }

    /// Room left until full, J.
    pub(crate) fn room_j(&self) -> f64 {
        (self.params.capacity_j() - self.energy_j).max(0.0)
    }

    /// Energy above the floor, J.
    pub(crate) fn available_j(&self) -> f64 {
        (self.energy_j - self.floor_j()).max(0.0)
    }

    /// Changes the stored energy by `delta_j` (no limits applied: the caller has done that).
    pub(crate) fn add_energy_j(&mut self, delta_j: f64) {
        self.energy_j += delta_j;
    }

    /// Sets the stored energy to exactly `energy_j` (used when a limit is reached, so that the
    /// ledger and the store agree to the last bit).
    pub(crate) fn set_energy_j(&mut self, energy_j: f64) {
        self.energy_j = energy_j;
    }
}
