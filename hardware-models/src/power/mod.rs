//! Electrical power system: solar arrays, battery, loads, load shedding and safe mode.
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
mod solar_array;

pub use battery::{Battery, BatteryParams, J_PER_WH};
pub use loads::{LoadId, LoadModeParams, LoadParams, ShedCause};
pub use solar_array::{CELL_REFERENCE_TEMP_K, SolarPanelParams};

use hifitime::Duration;
use nalgebra::Vector3;
use serde::{Deserialize, Serialize};

use crate::environment::{finite_or, finite_or_zero};
use crate::error::{HardwareError, check};
use loads::LoadState;

/// Seconds per Julian year (365.25 d), for array degradation.
const SECONDS_PER_YEAR: f64 = 365.25 * 86_400.0;

/// A load shed by a brownout is reconnected only if the battery discharge power it then needs
/// stays at or below this fraction of `max_discharge_power_w` (it is shed above 100 %): a 10 %
/// hysteresis band, so a load near the limit is not shed and reconnected every step.
pub const BROWNOUT_RESTORE_DISCHARGE_FRACTION: f64 = 0.9;

/// A load shed by a brownout that needs the battery to run is reconnected only when the
/// battery holds at least this fraction of its capacity above its protection floor (loads are
/// shed at the floor): the recovery hysteresis of an under-voltage lockout.
pub const BROWNOUT_RESTORE_SOC_MARGIN: f64 = 0.02;

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
    panels: Vec<PanelConstants>,
}

/// Per-panel constants of SMAD eq. 11-5, computed once.
#[derive(Clone, Copy, Debug)]
struct PanelConstants {
    unit_normal_body: Vector3<f64>,
    /// A · pf · η, m².
    effective_area_m2: f64,
    /// ln(1 − d), per year: (1 − d)^age = exp(age · ln(1 − d)).
    log_retention_per_year: f64,
}

impl PanelConstants {
    fn new(p: &SolarPanelParams) -> Self {
        Self {
            unit_normal_body: p.normal_body.normalize(),
            effective_area_m2: p.area_m2 * p.packing_factor * p.cell_efficiency,
            log_retention_per_year: (1.0 - p.degradation_per_year).ln(),
        }
    }

    /// The panel's power at its terminals, W ([`SolarPanelParams::power_w`]'s equation), for
    /// a finite unit Sun direction, a flux ≥ 0, an illumination in [0, 1] and the age factor
    /// (1 − d)^age already evaluated.
    fn power_w(
        &self,
        p: &SolarPanelParams,
        sun_dir_body: &Vector3<f64>,
        solar_flux_w_m2: f64,
        illumination: f64,
        cell_temp_k: f64,
        age_factor: f64,
    ) -> f64 {
        let cos_incidence = self.unit_normal_body.dot(sun_dir_body).max(0.0);
        let temp_factor = (1.0 + p.temp_coeff_per_k * (cell_temp_k - p.reference_temp_k)).max(0.0);
        solar_flux_w_m2
            * self.effective_area_m2
            * temp_factor
            * age_factor
            * cos_incidence
            * illumination
    }
}

/// Which battery limit ends a piece of a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Limit {
    None,
    Full,
    Floor,
}

/// Constant bus flows during one piece of a step.
#[derive(Clone, Copy, Debug)]
struct Piece {
    /// Power delivered to the loads, W.
    load_w: f64,
    /// Power from the bus into the battery charger, W (≥ 0).
    charge_bus_w: f64,
    /// Power from the battery to the bus, W (≥ 0).
    discharge_bus_w: f64,
    /// Length of the piece, s.
    duration_s: f64,
    /// Battery limit reached at the end of the piece.
    limit: Limit,
}

impl PowerSystem {
    /// A power system at its initial state (battery at `initial_soc`, loads in their initial
    /// modes, not in safe mode).
    pub fn new(params: PowerParams) -> Result<Self, HardwareError> {
        params.validate()?;
        let battery = Battery::new(params.battery.clone())?;
        let loads = params.loads.iter().map(LoadState::new).collect();
        let initial_energy_j = battery.energy_j();
        let panel_harvested_w = vec![0.0; params.solar_panels.len()];
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
            panel_harvested_w,
            panels,
        })
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
        // factor evaluated once per distinct degradation rate.
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
            let p = c.power_w(panel, &sun, flux, illumination, temp_k, age.1);
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

        // Integrate piecewise: a piece ends when the battery fills or reaches its floor, so at
        // most three pieces per step (plus load shedding inside `next_piece`).
        let mut remaining_s = dt_s;
        for _ in 0..4 {
            if remaining_s <= 0.0 {
                break;
            }
            let piece = self.next_piece(array_available_w, remaining_s, &mut events);
            self.apply(&piece, array_available_w);
            remaining_s -= piece.duration_s;
        }

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

    /// Safe-mode transitions from the state of charge at the start of a step.
    fn update_safe_mode(&mut self, events: &mut Vec<PowerEvent>) {
        let soc = self.battery.soc();
        let sm = &self.params.safe_mode;
        if !self.safe_mode && soc <= sm.enter_soc {
            self.safe_mode = true;
            events.push(PowerEvent::SafeModeEntered { soc });
        } else if self.safe_mode && soc >= sm.exit_soc {
            self.safe_mode = false;
            events.push(PowerEvent::SafeModeExited { soc });
            // Loads shed by a brownout are not restored here but by `restore_brownout_loads`,
            // which checks that the bus can carry them.
            for (i, l) in self.loads.iter_mut().enumerate() {
                if l.shed == Some(ShedCause::SafeMode) {
                    l.shed = None;
                    events.push(PowerEvent::LoadRestored { load: LoadId(i) });
                }
            }
        }
        if self.safe_mode {
            let kept = sm.max_priority_kept;
            for (i, (l, p)) in self.loads.iter_mut().zip(&self.params.loads).enumerate() {
                if p.priority > kept && l.shed.is_none() {
                    l.shed = Some(ShedCause::SafeMode);
                    events.push(PowerEvent::LoadShed {
                        load: LoadId(i),
                        cause: ShedCause::SafeMode,
                    });
                }
            }
        }
    }

    /// Total demand of the powered loads, W.
    fn load_demand_w(&self) -> f64 {
        self.loads
            .iter()
            .zip(&self.params.loads)
            .filter(|(l, _)| l.powered())
            .map(|(l, p)| l.demand_w(p))
            .sum()
    }

    /// Reconnects loads shed by a brownout, most important first (smallest priority number;
    /// among equals the one declared first, the reverse of the shedding order), while the bus
    /// can carry them with a margin, given the array power `bus_available_w` of this step:
    ///   deficit = Σ demand (with the load) − bus_available
    ///   restore if  deficit ≤ 0  (the arrays carry it), or
    ///               deficit ≤ f_rate · P_discharge,max  and  E − E_floor ≥ m_soc · E_capacity
    /// (f_rate = [`BROWNOUT_RESTORE_DISCHARGE_FRACTION`], m_soc =
    /// [`BROWNOUT_RESTORE_SOC_MARGIN`]). The first load that does not fit stops the pass, so
    /// the priority order holds. A load that is switched off costs nothing and is released
    /// from shedding at once. In safe mode, loads that safe mode would shed stay shed.
    fn restore_brownout_loads(&mut self, bus_available_w: f64, events: &mut Vec<PowerEvent>) {
        if !self
            .loads
            .iter()
            .any(|l| l.shed == Some(ShedCause::Brownout))
        {
            return;
        }
        let b = &self.params.battery;
        let energy_ok = self.battery.available_j() >= BROWNOUT_RESTORE_SOC_MARGIN * b.capacity_j();
        let max_deficit_w = BROWNOUT_RESTORE_DISCHARGE_FRACTION * b.max_discharge_power_w;
        let kept = if self.safe_mode {
            self.params.safe_mode.max_priority_kept
        } else {
            u8::MAX
        };
        let mut demand_w = self.load_demand_w();
        // Candidates in restoration order, found by repeated minimum search (a handful of
        // loads; no allocation).
        let mut last: Option<(u8, usize)> = None;
        loop {
            let next = self
                .loads
                .iter()
                .zip(&self.params.loads)
                .enumerate()
                .filter(|(_, (l, p))| l.shed == Some(ShedCause::Brownout) && p.priority <= kept)
                .map(|(i, (_, p))| (p.priority, i))
                .filter(|key| last.is_none_or(|k| *key > k))
                .min();
            let Some(key) = next else { break };
            last = Some(key);
            let i = key.1;
            let l = &self.loads[i];
            let extra_w = if l.on {
                l.demand_w(&self.params.loads[i])
            } else {
                0.0
            };
            let deficit_w = demand_w + extra_w - bus_available_w;
            let fits =
                extra_w <= 0.0 || deficit_w <= 0.0 || (energy_ok && deficit_w <= max_deficit_w);
            if !fits {
                break;
            }
            self.loads[i].shed = None;
            demand_w += extra_w;
            events.push(PowerEvent::LoadRestored { load: LoadId(i) });
        }
    }

    /// Sheds the least important powered load (largest priority number; among equals the one
    /// declared last). Returns false when nothing is left to shed.
    fn shed_one(&mut self, events: &mut Vec<PowerEvent>) -> bool {
        let victim = self
            .loads
            .iter()
            .zip(&self.params.loads)
            .enumerate()
            .filter(|(_, (l, p))| l.powered() && l.demand_w(p) > 0.0)
            .max_by_key(|(i, (_, p))| (p.priority, *i))
            .map(|(i, _)| i);
        match victim {
            Some(i) => {
                self.loads[i].shed = Some(ShedCause::Brownout);
                events.push(PowerEvent::LoadShed {
                    load: LoadId(i),
                    cause: ShedCause::Brownout,
                });
                true
            }
            None => false,
        }
    }

    /// Flows for the next piece of the step, at most `remaining_s` long. Sheds loads when
    /// neither the arrays nor the battery can carry them.
    fn next_piece(
        &mut self,
        array_available_w: f64,
        remaining_s: f64,
        events: &mut Vec<PowerEvent>,
    ) -> Piece {
        let b = &self.params.battery;
        let (eta_ch, eta_dis) = (b.charge_efficiency, b.discharge_efficiency);
        let (max_charge_w, max_discharge_w) = (b.max_charge_power_w, b.max_discharge_power_w);
        let bus_available_w = self.params.regulator_efficiency * array_available_w;
        loop {
            let load_w = self.load_demand_w();
            if bus_available_w >= load_w {
                // The surplus charges the battery within the charge-rate limit and the room
                // left; the rest of the array power is curtailed.
                let room_j = self.battery.room_j();
                let charge_bus_w = if room_j > 0.0 {
                    (bus_available_w - load_w).min(max_charge_w)
                } else {
                    0.0
                };
                let stored_w = eta_ch * charge_bus_w;
                let (duration_s, limit) = if stored_w > 0.0 && stored_w * remaining_s >= room_j {
                    ((room_j / stored_w).min(remaining_s), Limit::Full)
                } else {
                    (remaining_s, Limit::None)
                };
                return Piece {
                    load_w,
                    charge_bus_w,
                    discharge_bus_w: 0.0,
                    duration_s,
                    limit,
                };
            }
            // The deficit comes from the battery, within its discharge limit and floor.
            let discharge_bus_w = load_w - bus_available_w;
            let available_j = self.battery.available_j();
            if discharge_bus_w > max_discharge_w || available_j <= 0.0 {
                if self.shed_one(events) {
                    continue;
                }
                // Every load is shed and there is still a deficit: impossible (zero demand is
                // always covered), kept total for robustness.
                return Piece {
                    load_w: 0.0,
                    charge_bus_w: 0.0,
                    discharge_bus_w: 0.0,
                    duration_s: remaining_s,
                    limit: Limit::None,
                };
            }
            let drawn_w = discharge_bus_w / eta_dis;
            let (duration_s, limit) = if drawn_w * remaining_s >= available_j {
                ((available_j / drawn_w).min(remaining_s), Limit::Floor)
            } else {
                (remaining_s, Limit::None)
            };
            return Piece {
                load_w,
                charge_bus_w: 0.0,
                discharge_bus_w,
                duration_s,
                limit,
            };
        }
    }

    /// Applies one piece to the battery and the ledger. Every term is derived from the bus
    /// balance  array·η_reg + discharge = loads + charge,  so each piece balances exactly; when
    /// a limit is reached the battery is set exactly to it and the stored energy booked is the
    /// difference.
    fn apply(&mut self, p: &Piece, array_available_w: f64) {
        let b = &self.params.battery;
        let d = p.duration_s;
        let load_j = p.load_w * d;
        let before_j = self.battery.energy_j();
        let (charge_bus_j, stored_j) = match p.limit {
            Limit::Full => {
                let stored_j = b.capacity_j() - before_j;
                self.battery.set_energy_j(b.capacity_j());
                (stored_j / b.charge_efficiency, stored_j)
            }
            _ => {
                let charge_bus_j = p.charge_bus_w * d;
                (charge_bus_j, b.charge_efficiency * charge_bus_j)
            }
        };
        let (discharge_bus_j, drawn_j) = match p.limit {
            Limit::Floor => {
                let drawn_j = before_j - self.battery.floor_j();
                self.battery.set_energy_j(self.battery.floor_j());
                (drawn_j * b.discharge_efficiency, drawn_j)
            }
            _ => {
                let discharge_bus_j = p.discharge_bus_w * d;
                (discharge_bus_j, discharge_bus_j / b.discharge_efficiency)
            }
        };
        if p.limit == Limit::None {
            self.battery.add_energy_j(stored_j - drawn_j);
        }
        // Bus balance: the arrays supply what the loads and the charger take beyond the
        // battery's contribution (SMAD §11.4 energy balance per piece).
        let bus_from_array_j = load_j + charge_bus_j - discharge_bus_j;
        let harvested_j = bus_from_array_j / self.params.regulator_efficiency;
        let l = &mut self.ledger;
        l.harvested_j += harvested_j;
        l.curtailed_j += (array_available_w * d - harvested_j).max(0.0);
        // Consumed = what the bus delivered (equal to load_j up to rounding at a limit).
        l.consumed_j += bus_from_array_j + discharge_bus_j - charge_bus_j;
        l.regulator_loss_j += harvested_j - bus_from_array_j;
        l.charge_loss_j += charge_bus_j - stored_j;
        l.discharge_loss_j += drawn_j - discharge_bus_j;
        for (s, lp) in self.loads.iter_mut().zip(&self.params.loads) {
            if s.powered() {
                s.supplied_w += s.demand_w(lp) * d;
            }
        }
    }
}

#[cfg(test)]
mod tests;
