//! Electrical loads: named subsystems with modes, a shedding priority and a switch.

use serde::{Deserialize, Serialize};

use crate::error::{HardwareError, check};

/// One operating mode of a load.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadModeParams {
    /// Mode name, unique within the load (`"idle"`, `"transmit"`, ...).
    pub name: String,
    /// Electrical power drawn from the bus in this mode, W.
    pub power_w: f64,
}

/// A switchable load on the power bus.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadParams {
    /// Subsystem name, unique on the bus (`"obc"`, `"adcs"`, `"sband_tx"`, ...).
    pub name: String,
    /// Modes; the first one is the initial mode unless `initial_mode` says otherwise.
    pub modes: Vec<LoadModeParams>,
    /// Initial mode name (default: the first mode).
    #[serde(default)]
    pub initial_mode: Option<String>,
    /// Whether the load's switch is closed at the start.
    pub initially_on: bool,
    /// Shedding priority: 0 is the most important; loads with larger numbers are shed first.
    pub priority: u8,
    /// Thermal node that receives this load's dissipation (all supplied power becomes heat).
    #[serde(default)]
    pub thermal_node: Option<String>,
}

impl LoadParams {
    pub(crate) fn validate(&self) -> Result<(), HardwareError> {
        check(
            !self.modes.is_empty(),
            "power",
            format!("loads[{}].modes", self.name),
            self.modes.len() as f64,
            "at least one mode (value: the number of modes)",
        )?;
        for (i, mode) in self.modes.iter().enumerate() {
            check(
                mode.power_w >= 0.0,
                "power",
                format!("loads[{}].modes[{}].power_w", self.name, mode.name),
                mode.power_w,
                ">= 0 W",
            )?;
            if self.modes[..i].iter().any(|m| m.name == mode.name) {
                return Err(HardwareError::DuplicateName {
                    model: "power",
                    kind: "load mode",
                    name: format!("{}.{}", self.name, mode.name),
                });
            }
        }
        if let Some(initial) = &self.initial_mode {
            self.mode_index(initial)?;
        }
        Ok(())
    }

    /// Index of the mode called `name`.
    pub fn mode_index(&self, name: &str) -> Result<usize, HardwareError> {
        self.modes
            .iter()
            .position(|m| m.name == name)
            .ok_or_else(|| HardwareError::UnknownName {
                model: "power",
                kind: "load mode",
                name: format!("{}.{name}", self.name),
            })
    }
}

/// Handle of a load on the bus (its index in [`PowerParams::loads`](super::PowerParams::loads)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LoadId(pub usize);

/// Why a load is disconnected by the power system (not by command).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ShedCause {
    /// Safe mode keeps only loads with priority up to the safe-mode limit.
    SafeMode,
    /// The arrays cannot carry the load and the battery cannot either: it is at its protection
    /// floor, or the discharge power would exceed its limit. Restored by the power system once
    /// the bus can carry the load again (with hysteresis).
    Brownout,
}

/// Switch and mode state of one load.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct LoadState {
    pub on: bool,
    pub mode: usize,
    /// Demand set by the simulation (e.g. the onboard computer's busy power), replacing the
    /// mode power while set, W.
    pub demand_override_w: Option<f64>,
    pub shed: Option<ShedCause>,
    /// Average power actually supplied during the last step, W.
    pub supplied_w: f64,
}

impl LoadState {
    pub(crate) fn new(params: &LoadParams) -> Self {
        let mode = params
            .initial_mode
            .as_deref()
            .and_then(|m| params.mode_index(m).ok())
            .unwrap_or(0);
        Self {
            on: params.initially_on,
            mode,
            demand_override_w: None,
            shed: None,
            supplied_w: 0.0,
        }
    }

    /// Power drawn if the load is connected, W.
    pub(crate) fn demand_w(&self, params: &LoadParams) -> f64 {
        self.demand_override_w
            .unwrap_or(params.modes[self.mode].power_w)
    }

    /// Whether the load draws power (switched on and not shed).
    pub(crate) fn powered(&self) -> bool {
        self.on && self.shed.is_none()
    }
}
