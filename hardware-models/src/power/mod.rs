//! Electrical power system: solar arrays, battery, loads, load shedding and safe mode.
//!
//! Each panel's power follows SMAD's panel equation times the fraction of the panel that the
//! rest of the spacecraft leaves lit for the Sun direction (self-shadowing, tabulated from the
//! geometry: [`PowerSystem::with_self_shadowing`]; none with [`PowerSystem::new`]).
//!
//! The bus is a regulated bus fed by the arrays through a peak-power tracker
//! (`regulator_efficiency`) and by the battery. Over a step every input is held constant
//! (zero-order hold); within the step the model is exact: when the battery becomes full or
//! reaches its protection floor the step is split at that instant.
//!
//! Energy bookkeeping:
//!   harvested = Δstored + consumed + regulator loss + charge loss + discharge loss
//! where *harvested* is the energy drawn from the arrays (the array power not needed is
//! *curtailed* and is not part of the balance). Every ledger term of a piece is derived from
//! the same bus balance, so this sum closes by construction; tests therefore check the ledger
//! against what they integrate themselves (array power from the panel equation, Σ demand ×
//! powered time, an independent bus and battery, the state of charge) and against the
//! efficiencies (`tests/all/power_orbit.rs`).

mod battery;
mod loads;
mod piecewise;
mod shedding;
mod solar_array;

pub use battery::{Battery, BatteryParams, J_PER_WH};
pub use loads::{LoadId, LoadModeParams, LoadParams, ShedCause};
pub use shedding::{BROWNOUT_RESTORE_DISCHARGE_FRACTION, BROWNOUT_RESTORE_SOC_MARGIN};
pub use solar_array::{CELL_REFERENCE_TEMP_K, SolarPanelParams};

use hifitime::Duration;
use nalgebra::Vector3;
use serde::{Deserialize, Serialize};

use crate::environment::{finite_or, finite_or_zero};
use crate::error::{HardwareError, check};
use crate::geometry::SelfShadowing;
use loads::LoadState;
use solar_array::PanelConstants;

/// Seconds per Julian year (365.25 d), for array degradation.
const SECONDS_PER_YEAR: f64 = 365.25 * 86_400.0;

/// Safe mode: entered at or below `enter_soc`, left at or above `exit_soc` (hysteresis).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SafeModeParams {
    /// State of charge at or below which safe mode is entered, 0..1.
    pub enter_soc: f64,
    /// State of charge at or above which safe mode is left, 0..1 (> `enter_soc`).
    pub exit_soc: f64,
    /// In safe mode only loads with `priority <= max_priority_kept` stay connected.
    pub max_priority_kept: u8,
}

/// Parameters of the electrical power system.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PowerParams {
    /// Solar panels (body-mounted and deployed).
    pub solar_panels: Vec<SolarPanelParams>,
    /// Battery.
    pub battery: BatteryParams,
    /// Loads on the bus.
    pub loads: Vec<LoadParams>,
    /// Array-to-bus conversion efficiency (peak-power tracker / battery charge regulator), 0..1.
    pub regulator_efficiency: f64,
    /// Thermal node receiving the regulator losses as heat.
    #[serde(default)]
    pub regulator_thermal_node: Option<String>,
    /// Safe-mode thresholds.
    pub safe_mode: SafeModeParams,
}

impl PowerParams {
    /// Checks ranges and names.
    pub fn validate(&self) -> Result<(), HardwareError> {
        let m = "power";
        for (i, p) in self.solar_panels.iter().enumerate() {
            p.validate()?;
            if self.solar_panels[..i].iter().any(|q| q.name == p.name) {
                return Err(HardwareError::DuplicateName {
                    model: m,
                    kind: "solar panel",
                    name: p.name.clone(),
                });
            }
        }
        self.battery.validate()?;
        for (i, l) in self.loads.iter().enumerate() {
            l.validate()?;
            if self.loads[..i].iter().any(|q| q.name == l.name) {
                return Err(HardwareError::DuplicateName {
                    model: m,
                    kind: "load",
                    name: l.name.clone(),
                });
            }
        }
        check(
            self.regulator_efficiency > 0.0 && self.regulator_efficiency <= 1.0,
            m,
            "regulator_efficiency",
            self.regulator_efficiency,
            "0 < value <= 1",
        )?;
        let s = &self.safe_mode;
        check(
            s.enter_soc > self.battery.min_soc && s.enter_soc < 1.0,
            m,
            "safe_mode.enter_soc",
            s.enter_soc,
            "battery.min_soc < value < 1",
        )?;
        check(
            s.exit_soc > s.enter_soc && s.exit_soc <= 1.0,
            m,
            "safe_mode.exit_soc",
            s.exit_soc,
            "enter_soc < value <= 1",
        )
    }
}

/// What the power system needs from the rest of the simulation for one step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PowerInputs<'a> {
    /// Unit vector from the spacecraft to the Sun, body frame.
    pub sun_dir_body: Vector3<f64>,
    /// Solar flux at the spacecraft (TSI scaled by (1 AU / r)²), W/m².
    pub solar_flux_w_m2: f64,
    /// Fraction of the solar disc visible, 0 (umbra) .. 1 (full sun).
    pub illumination: f64,
    /// Cell temperature of each panel, in the order of `PowerParams::solar_panels`, K; an empty
    /// slice means every panel is at its reference temperature.
    pub panel_temps_k: &'a [f64],
    /// Time in orbit, for array degradation.
    pub time_since_launch: Duration,
}

/// Something the power system did that the simulation may want to log or react to.
#[derive(Clone, Debug, PartialEq)]
pub enum PowerEvent {
    /// State of charge fell to the safe-mode threshold.
    SafeModeEntered {
        /// State of charge at entry, 0..1.
        soc: f64,
    },
    /// State of charge recovered to the exit threshold.
    SafeModeExited {
        /// State of charge at exit, 0..1.
        soc: f64,
    },
    /// A load was disconnected by the power system.
    LoadShed {
        /// The load.
        load: LoadId,
        /// Why.
        cause: ShedCause,
    },
    /// A shed load was reconnected (it draws power again if it is switched on).
    LoadRestored {
        /// The load.
        load: LoadId,
    },
}

/// Averages over the last step and the state at its end.
#[derive(Clone, Debug, PartialEq)]
pub struct PowerOutputs {
    /// State of charge at the end of the step, 0..1.
    pub soc: f64,
    /// Array power available at the panel terminals, W.
    pub array_available_w: f64,
    /// Array power actually drawn (the rest is curtailed), average, W.
    pub array_harvested_w: f64,
    /// Power delivered to the loads, average, W.
    pub load_w: f64,
    /// Power into the battery at the bus (+ charging, − discharging), average, W.
    pub battery_net_w: f64,
    /// Heat from charge/discharge inefficiency, average, W.
    pub battery_loss_w: f64,
    /// Heat from the array regulator, average, W.
    pub regulator_loss_w: f64,
    /// Whether safe mode is active at the end of the step.
    pub safe_mode: bool,
    /// Events of this step, in order.
    pub events: Vec<PowerEvent>,
}

/// Cumulative energy flows since construction, J.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct EnergyLedger {
    /// Energy drawn from the arrays.
    pub harvested_j: f64,
    /// Array energy available but not drawn (battery full, loads small).
    pub curtailed_j: f64,
    /// Energy delivered to the loads.
    pub consumed_j: f64,
    /// Regulator conversion loss.
    pub regulator_loss_j: f64,
    /// Charge inefficiency loss.
    pub charge_loss_j: f64,
    /// Discharge inefficiency loss.
    pub discharge_loss_j: f64,
}

/// The electrical power system's state.
#[derive(Clone, Debug)]
pub struct PowerSystem {
    params: PowerParams,
    battery: Battery,
    loads: Vec<LoadState>,
    safe_mode: bool,
    ledger: EnergyLedger,
    initial_energy_j: f64,
    panel_harvested_w: Vec<f64>,
    panel_lit_fraction: Vec<f64>,
    panels: Vec<PanelConstants>,
    shadowing: Option<SelfShadowing>,
}

impl PowerSystem {
    /// A power system at its initial state (battery at `initial_soc`, loads in their initial
    /// modes, not in safe mode), with no self-shadowing (every panel fully lit when it faces
    /// the Sun).
    pub fn new(params: PowerParams) -> Result<Self, HardwareError> {
        params.validate()?;
        let battery = Battery::new(params.battery.clone())?;
        let loads = params.loads.iter().map(LoadState::new).collect();
        let initial_energy_j = battery.energy_j();
        let panel_count = params.solar_panels.len();
        let panels = params
            .solar_panels
            .iter()
            .map(PanelConstants::new)
            .collect();
        Ok(Self {
            params,
            battery,
            loads,
            safe_mode: false,
            ledger: EnergyLedger::default(),
            initial_energy_j,
            panel_harvested_w: vec![0.0; panel_count],
            panel_lit_fraction: vec![1.0; panel_count],
            panels,
            shadowing: None,
        })
    }

    /// As [`Self::new`], with each panel's power multiplied by its lit fraction for the Sun
    /// direction of the step (`shadowing`, one table per panel in the order of
    /// `PowerParams::solar_panels`, from the spacecraft's geometry).
    pub fn with_self_shadowing(
        params: PowerParams,
        shadowing: SelfShadowing,
    ) -> Result<Self, HardwareError> {
        if shadowing.panel_count() != params.solar_panels.len() {
            return Err(HardwareError::Inconsistent {
                model: "power",
                reason: "the self-shadowing tables must be one per solar panel",
            });
        }
        let mut system = Self::new(params)?;
        system.shadowing = Some(shadowing);
        Ok(system)
    }

    /// Parameters.
    pub fn params(&self) -> &PowerParams {
        &self.params
    }

    /// A solar-array string failure (fault injection): panel `name` loses `fraction` (0..1) of
    /// its output for good (its effective area shrinks; failures compound). Returns whether the
    /// panel exists.
    pub fn fail_panel_fraction(&mut self, name: &str, fraction: f64) -> bool {
        let Some(i) = self.params.solar_panels.iter().position(|p| p.name == name) else {
            return false;
        };
        self.panels[i].effective_area_m2 *= 1.0 - fraction.clamp(0.0, 1.0);
        true
    }

    /// The battery.
    pub fn battery(&self) -> &Battery {
        &self.battery
    }

    /// State of charge, 0..1.
    pub fn soc(&self) -> f64 {
        self.battery.soc()
    }

    /// Whether safe mode is active.
    pub fn safe_mode(&self) -> bool {
        self.safe_mode
    }

    /// Cumulative energy flows.
    pub fn ledger(&self) -> &EnergyLedger {
        &self.ledger
    }

    /// Stored energy at construction, J.
    pub fn initial_energy_j(&self) -> f64 {
        self.initial_energy_j
    }

    /// Handle of the load called `name`.
    pub fn load_id(&self, name: &str) -> Option<LoadId> {
        self.params
            .loads
            .iter()
            .position(|l| l.name == name)
            .map(LoadId)
    }

    /// Number of loads.
    pub fn load_count(&self) -> usize {
        self.loads.len()
    }

    /// Closes (`true`) or opens the load's switch. Switching does not clear shedding: a shed
    /// load stays unpowered until the power system restores it (safe-mode exit, or the
    /// brownout re-evaluation at the start of each step; a shed load that is switched off is
    /// released at the next step, since it costs nothing).
    pub fn set_load_on(&mut self, id: LoadId, on: bool) {
        if let Some(l) = self.loads.get_mut(id.0) {
            l.on = on;
        }
    }

    /// The self-shadowing of the panels, if the system has it.
    pub fn self_shadowing(&self) -> Option<&SelfShadowing> {
        self.shadowing.as_ref()
    }

    /// Puts the load in the mode called `mode`.
    pub fn set_load_mode(&mut self, id: LoadId, mode: &str) -> Result<(), HardwareError> {
        let params = self
            .params
            .loads
            .get(id.0)
            .ok_or_else(|| HardwareError::UnknownName {
                model: "power",
                kind: "load",
                name: format!("#{}", id.0),
            })?;
        let index = params.mode_index(mode)?;
        self.loads[id.0].mode = index;
        Ok(())
    }

    /// Sets the load's demand directly, replacing its mode power (`None` returns to the mode
    /// power). Used for loads whose draw the simulation computes, such as the onboard
    /// computer's busy-dependent power. Negative or non-finite values are treated as 0.
    pub fn set_load_demand_w(&mut self, id: LoadId, demand_w: Option<f64>) {
        if let Some(l) = self.loads.get_mut(id.0) {
            l.demand_override_w = demand_w.map(|w| if w.is_finite() { w.max(0.0) } else { 0.0 });
        }
    }

    /// Whether the load's switch is closed.
    pub fn is_load_on(&self, id: LoadId) -> bool {
        self.loads.get(id.0).is_some_and(|l| l.on)
    }

    /// Why the load is shed, if it is.
    pub fn shed_cause(&self, id: LoadId) -> Option<ShedCause> {
        self.loads.get(id.0).and_then(|l| l.shed)
    }

    /// Whether the load is currently receiving power (switched on and not shed).
    pub fn is_load_powered(&self, id: LoadId) -> bool {
        self.loads.get(id.0).is_some_and(|l| l.powered())
    }

    /// Average power supplied to the load during the last step, W.
    pub fn load_supplied_w(&self, id: LoadId) -> f64 {
        self.loads.get(id.0).map_or(0.0, |l| l.supplied_w)
    }

    /// Average electrical power drawn from each panel during the last step, W (same order as
    /// `PowerParams::solar_panels`). The thermal model removes it from the panel's heat input.
    pub fn panel_harvested_w(&self) -> &[f64] {
        &self.panel_harvested_w
    }

    /// Fraction of each panel the rest of the spacecraft left lit during the last step, 0..1
    /// (same order as `PowerParams::solar_panels`; 1 for a panel facing away from the Sun or
    /// without self-shadowing).
    pub fn panel_lit_fraction(&self) -> &[f64] {
        &self.panel_lit_fraction
    }

    /// Advances the power system by `dt` with the inputs held constant.
    pub fn step(&mut self, dt: Duration, inputs: &PowerInputs<'_>) -> PowerOutputs {
        let dt_s = dt.to_seconds().max(0.0);
        let mut events = Vec::new();
        self.update_safe_mode(&mut events);

        // Array power available at the terminals, per panel (SMAD eq. 11-5 per panel).
        let age_years = inputs.time_since_launch.to_seconds() / SECONDS_PER_YEAR;
        let flux = finite_or(inputs.solar_flux_w_m2, 0.0).max(0.0);
        let sun = finite_or_zero(&inputs.sun_dir_body);
        let illumination = finite_or(inputs.illumination, 0.0);
        // `SolarPanelParams::power_w`, with the constant factors precomputed and the age
        // factor evaluated once per distinct degradation rate, times the lit fraction.
        let illumination = illumination.clamp(0.0, 1.0);
        let age_years = age_years.max(0.0);
        let mut age = (f64::NAN, 1.0); // (ln(1 − d), (1 − d)^age) of the previous panel
        let mut array_available_w = 0.0;
        for (i, (panel, c)) in self
            .params
            .solar_panels
            .iter()
            .zip(&self.panels)
            .enumerate()
        {
            let temp_k = inputs
                .panel_temps_k
                .get(i)
                .copied()
                .filter(|t| t.is_finite())
                .unwrap_or(panel.reference_temp_k);
            if c.log_retention_per_year != age.0 {
                age = (
                    c.log_retention_per_year,
                    (age_years * c.log_retention_per_year).exp(),
                );
            }
            let lit = match &mut self.shadowing {
                Some(s) if c.faces(&sun) => s.lit_fraction(i, &sun),
                _ => 1.0,
            };
            self.panel_lit_fraction[i] = lit;
            // (illumination × 1 is illumination: an unshadowed panel gives the same bits.)
            let p = c.power_w(panel, &sun, flux, illumination * lit, temp_k, age.1);
            self.panel_harvested_w[i] = p; // scaled to the drawn fraction below
            array_available_w += p;
        }

        // Loads shed by an earlier brownout come back when the budget allows (hysteresis).
        self.restore_brownout_loads(
            self.params.regulator_efficiency * array_available_w,
            &mut events,
        );

        let ledger_before = self.ledger;
        let energy_before = self.battery.energy_j();
        for l in &mut self.loads {
            l.supplied_w = 0.0;
        }

        self.integrate(array_available_w, dt_s, &mut events);

        let l = &self.ledger;
        let inv_dt = if dt_s > 0.0 { 1.0 / dt_s } else { 0.0 };
        let harvested_w = (l.harvested_j - ledger_before.harvested_j) * inv_dt;
        let used_fraction = if array_available_w > 0.0 {
            (harvested_w / array_available_w).clamp(0.0, 1.0)
        } else {
            0.0
        };
        for p in &mut self.panel_harvested_w {
            *p *= used_fraction;
        }
        for s in &mut self.loads {
            s.supplied_w *= inv_dt;
        }
        let load_w = (l.consumed_j - ledger_before.consumed_j) * inv_dt;
        let battery_loss_w = (l.charge_loss_j - ledger_before.charge_loss_j + l.discharge_loss_j
            - ledger_before.discharge_loss_j)
            * inv_dt;
        let regulator_loss_w = (l.regulator_loss_j - ledger_before.regulator_loss_j) * inv_dt;
        let stored_w = (self.battery.energy_j() - energy_before) * inv_dt;
        PowerOutputs {
            soc: self.battery.soc(),
            array_available_w,
            array_harvested_w: harvested_w,
            load_w,
            battery_net_w: stored_w + battery_loss_w,
            battery_loss_w,
            regulator_loss_w,
            safe_mode: self.safe_mode,
            events,
        }
    }
}

#[cfg(test)]
mod tests;
