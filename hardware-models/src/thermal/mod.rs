//! Lumped-parameter thermal network: nodes with heat capacity, conductive and radiative
//! couplings, radiating surfaces exposed to the Sun, albedo and Earth IR, internal dissipation,
//! thermostat-controlled heaters and operating limits that raise events.
//!
//! Node balance (Gilmore, Spacecraft Thermal Control Handbook, ch. 14 / SMAD §11.5):
//!   Cᵢ dTᵢ/dt = Q_env,i + Q_int,i + Q_heater,i + Σⱼ Gᵢⱼ (Tⱼ − Tᵢ) + Σⱼ σ Rᵢⱼ (Tⱼ⁴ − Tᵢ⁴)
//!               − σ (Σ ε A)ᵢ Tᵢ⁴
//! integrated with backward Euler (L-stable: no oscillation or blow-up at any step) solved by a
//! simplified Newton iteration on the T⁴ terms (see [`solver`]), in sub-steps of at most
//! `max_substep_s`. Environmental and
//! internal heat are held constant over a step (zero-order hold); thermostats and limits are
//! evaluated at every sub-step.

mod environment;
mod solver;
mod surfaces;

pub use environment::{
    EARTH_MEAN_RADIUS_KM, EarthRadiationParams, OrbitalEnvironment, STEFAN_BOLTZMANN_W_M2_K4,
    plate_to_sphere_view_factor,
};

use hifitime::Duration;
use nalgebra::Vector3;
use serde::{Deserialize, Serialize};

use crate::environment::{finite_or, finite_or_zero};
use crate::error::{HardwareError, check};
use solver::{ImplicitSolver, Link, Network};
use surfaces::Surfaces;

const SIGMA: f64 = STEFAN_BOLTZMANN_W_M2_K4;

/// An external surface of a node, radiating to space and absorbing environmental heat.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurfaceParams {
    /// Area, m².
    pub area_m2: f64,
    /// Outward normal, body frame (normalised on construction).
    pub normal_body: Vector3<f64>,
    /// Solar absorptivity α, 0..1.
    pub absorptivity: f64,
    /// Infrared emissivity ε, 0..1.
    pub emissivity: f64,
}

/// One isothermal node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThermalNodeParams {
    /// Node name, unique (`"structure"`, `"battery"`, `"obc"`, ...).
    pub name: String,
    /// Heat capacity m·c, J/K.
    pub heat_capacity_j_k: f64,
    /// Temperature at the start, K.
    pub initial_temp_k: f64,
    /// External surfaces (none for an internal node).
    #[serde(default)]
    pub surfaces: Vec<SurfaceParams>,
    /// Lower operating limit, K.
    pub min_temp_k: f64,
    /// Upper operating limit, K.
    pub max_temp_k: f64,
}

/// A linear conductance between two nodes (bolted joint, strap, ...).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConductorParams {
    /// First node name.
    pub a: String,
    /// Second node name.
    pub b: String,
    /// Conductance, W/K.
    pub conductance_w_k: f64,
}

/// Radiative exchange between two nodes inside the spacecraft.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RadiativeLinkParams {
    /// First node name.
    pub a: String,
    /// Second node name.
    pub b: String,
    /// Radiative exchange factor R = A·F·ε_eff, m² (heat flow σ R (T_b⁴ − T_a⁴) into `a`).
    pub exchange_area_m2: f64,
}

/// A heater with an on/off thermostat (bang-bang with hysteresis).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaterParams {
    /// Heater name.
    pub name: String,
    /// Node it heats (and whose temperature the thermostat reads).
    pub node: String,
    /// Electrical power when on, W (all of it becomes heat in `node`).
    pub power_w: f64,
    /// Switches on when the node is at or below this temperature, K.
    pub on_below_k: f64,
    /// Switches off when the node is at or above this temperature, K (> `on_below_k`).
    pub off_above_k: f64,
    /// Power-system load that feeds this heater (the simulation switches it with the
    /// thermostat), if any.
    #[serde(default)]
    pub power_load: Option<String>,
}

fn default_max_substep_s() -> f64 {
    10.0
}

/// Parameters of the thermal network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThermalParams {
    /// Nodes.
    pub nodes: Vec<ThermalNodeParams>,
    /// Conductive links.
    #[serde(default)]
    pub conductors: Vec<ConductorParams>,
    /// Internal radiative links.
    #[serde(default)]
    pub radiative_links: Vec<RadiativeLinkParams>,
    /// Heaters.
    #[serde(default)]
    pub heaters: Vec<HeaterParams>,
    /// Earth albedo and IR.
    #[serde(default)]
    pub earth: EarthRadiationParams,
    /// Longest internal sub-step, s (accuracy of fast nodes; stability holds at any step).
    #[serde(default = "default_max_substep_s")]
    pub max_substep_s: f64,
}

/// Handle of a thermal node (its index in `ThermalParams::nodes`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub usize);

/// Which operating limit a node violates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LimitKind {
    /// Below `min_temp_k`.
    Cold,
    /// Above `max_temp_k`.
    Hot,
}

/// A thermal event; `after` is the time from the start of the step.
#[derive(Clone, Debug, PartialEq)]
pub enum ThermalEvent {
    /// A node left its operating range.
    LimitViolated {
        /// The node.
        node: NodeId,
        /// Which limit.
        kind: LimitKind,
        /// Temperature when detected, K.
        temp_k: f64,
        /// Time into the step.
        after: Duration,
    },
    /// A node came back into its operating range.
    LimitCleared {
        /// The node.
        node: NodeId,
        /// Temperature when detected, K.
        temp_k: f64,
        /// Time into the step.
        after: Duration,
    },
    /// A thermostat switched its heater.
    HeaterSwitched {
        /// Index in `ThermalParams::heaters`.
        heater: usize,
        /// New state.
        on: bool,
        /// Time into the step.
        after: Duration,
    },
}

/// Inputs of one thermal step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ThermalInputs<'a> {
    /// Sun, Earth and orbit geometry in the body frame.
    pub environment: OrbitalEnvironment,
    /// Internal dissipation per node, W (same order as `ThermalParams::nodes`; an empty slice
    /// means none). Negative values remove heat (e.g. electrical power leaving a solar panel).
    pub internal_heat_w: &'a [f64],
    /// Fraction of each heater's power actually supplied, 0..1 (empty slice: all supplied).
    pub heater_supply: &'a [f64],
}

/// Results of one thermal step (temperatures are read from the model).
#[derive(Clone, Debug, PartialEq)]
pub struct ThermalOutputs {
    /// Events of this step, in time order.
    pub events: Vec<ThermalEvent>,
    /// Heat the heaters delivered, average over the step, W.
    pub heater_power_w: f64,
    /// Environmental heat absorbed (Sun + albedo + IR), W.
    pub environment_absorbed_w: f64,
}

/// State of the thermal network.
#[derive(Clone, Debug)]
pub struct ThermalModel {
    params: ThermalParams,
    temps_k: Vec<f64>,
    /// Capacities, emission and links with node indices resolved.
    network: Network,
    solver: ImplicitSolver,
    surfaces: Surfaces,
    heater_nodes: Vec<usize>,
    heater_on: Vec<bool>,
    heater_duty: Vec<f64>,
    out_of_limits: Vec<Option<LimitKind>>,
    scratch_heat: Vec<f64>,
    scratch_q: Vec<f64>,
    scratch_t: Vec<f64>,
}

impl ThermalParams {
    fn node_index(&self, name: &str) -> Result<usize, HardwareError> {
        self.nodes
            .iter()
            .position(|n| n.name == name)
            .ok_or_else(|| HardwareError::UnknownName {
                model: "thermal",
                kind: "thermal node",
                name: name.to_string(),
            })
    }

    /// Checks ranges and names.
    pub fn validate(&self) -> Result<(), HardwareError> {
        let m = "thermal";
        check(
            !self.nodes.is_empty(),
            m,
            "nodes",
            0.0,
            "at least one node (value: the number of nodes)",
        )?;
        for (i, n) in self.nodes.iter().enumerate() {
            if self.nodes[..i].iter().any(|o| o.name == n.name) {
                return Err(HardwareError::DuplicateName {
                    model: m,
                    kind: "thermal node",
                    name: n.name.clone(),
                });
            }
            let f = |s: &str| format!("nodes[{}].{s}", n.name);
            check(
                n.heat_capacity_j_k > 0.0,
                m,
                f("heat_capacity_j_k"),
                n.heat_capacity_j_k,
                "> 0 J/K",
            )?;
            check(
                n.initial_temp_k > 0.0,
                m,
                f("initial_temp_k"),
                n.initial_temp_k,
                "> 0 K",
            )?;
            check(
                n.max_temp_k > n.min_temp_k,
                m,
                f("max_temp_k"),
                n.max_temp_k,
                "> min_temp_k",
            )?;
            for (k, s) in n.surfaces.iter().enumerate() {
                let g = |field: &str| f(&format!("surfaces[{k}].{field}"));
                check(s.area_m2 > 0.0, m, g("area_m2"), s.area_m2, "> 0")?;
                check(
                    s.normal_body.norm() > 0.0,
                    m,
                    g("normal_body"),
                    s.normal_body.norm(),
                    "a non-zero vector",
                )?;
                for (field, v) in [
                    ("absorptivity", s.absorptivity),
                    ("emissivity", s.emissivity),
                ] {
                    check((0.0..=1.0).contains(&v), m, g(field), v, "0 <= value <= 1")?;
                }
            }
        }
        for c in &self.conductors {
            self.node_index(&c.a)?;
            self.node_index(&c.b)?;
            check(
                c.conductance_w_k >= 0.0,
                m,
                format!("conductors[{}-{}].conductance_w_k", c.a, c.b),
                c.conductance_w_k,
                ">= 0 W/K",
            )?;
        }
        for r in &self.radiative_links {
            self.node_index(&r.a)?;
            self.node_index(&r.b)?;
            check(
                r.exchange_area_m2 >= 0.0,
                m,
                format!("radiative_links[{}-{}].exchange_area_m2", r.a, r.b),
                r.exchange_area_m2,
                ">= 0 m²",
            )?;
        }
        for h in &self.heaters {
            self.node_index(&h.node)?;
            let f = |s: &str| format!("heaters[{}].{s}", h.name);
            check(h.power_w >= 0.0, m, f("power_w"), h.power_w, ">= 0 W")?;
            check(
                h.off_above_k > h.on_below_k,
                m,
                f("off_above_k"),
                h.off_above_k,
                "> on_below_k",
            )?;
        }
        check(
            self.max_substep_s >= 1e-3,
            m,
            "max_substep_s",
            self.max_substep_s,
            ">= 1 ms (stability holds at any sub-step; shorter ones only cost time)",
        )?;
        let e = &self.earth;
        check(
            e.earth_ir_w_m2 >= 0.0,
            m,
            "earth.earth_ir_w_m2",
            e.earth_ir_w_m2,
            ">= 0",
        )?;
        check(
            (0.0..=1.0).contains(&e.albedo),
            m,
            "earth.albedo",
            e.albedo,
            "0 <= value <= 1",
        )
    }
}

impl ThermalModel {
    /// A network at its initial temperatures; heaters start off unless their node starts at or
    /// below the switch-on temperature.
    pub fn new(mut params: ThermalParams) -> Result<Self, HardwareError> {
        params.validate()?;
        for n in &mut params.nodes {
            for s in &mut n.surfaces {
                s.normal_body = s.normal_body.normalize();
            }
        }
        let n = params.nodes.len();
        let link = |a: &str, b: &str, value: f64| -> Result<Link, HardwareError> {
            Ok(Link {
                a: params.node_index(a)?,
                b: params.node_index(b)?,
                value,
            })
        };
        let conductors = params
            .conductors
            .iter()
            .map(|c| link(&c.a, &c.b, c.conductance_w_k))
            .collect::<Result<Vec<_>, _>>()?;
        let radiative = params
            .radiative_links
            .iter()
            .map(|r| link(&r.a, &r.b, SIGMA * r.exchange_area_m2))
            .collect::<Result<Vec<_>, _>>()?;
        let heater_nodes = params
            .heaters
            .iter()
            .map(|h| params.node_index(&h.node))
            .collect::<Result<Vec<_>, _>>()?;
        let temps_k: Vec<f64> = params.nodes.iter().map(|n| n.initial_temp_k).collect();
        let heater_on = params
            .heaters
            .iter()
            .zip(&heater_nodes)
            .map(|(h, &i)| temps_k[i] <= h.on_below_k)
            .collect();
        let emission_w_k4 = params
            .nodes
            .iter()
            .map(|n| {
                SIGMA
                    * n.surfaces
                        .iter()
                        .map(|s| s.emissivity * s.area_m2)
                        .sum::<f64>()
            })
            .collect();
        let network = Network {
            capacity_j_k: params.nodes.iter().map(|n| n.heat_capacity_j_k).collect(),
            emission_w_k4,
            conductors,
            radiative,
        };
        let surfaces = Surfaces::new(&params.nodes);
        let out_of_limits = params
            .nodes
            .iter()
            .zip(&temps_k)
            .map(|(p, &t)| limit_state(p, t))
            .collect();
        let heaters = params.heaters.len();
        Ok(Self {
            params,
            temps_k,
            network,
            solver: ImplicitSolver::default(),
            surfaces,
            heater_nodes,
            heater_on,
            heater_duty: vec![0.0; heaters],
            out_of_limits,
            scratch_heat: vec![0.0; n],
            scratch_q: vec![0.0; n],
            scratch_t: vec![0.0; n],
        })
    }

    /// Parameters.
    pub fn params(&self) -> &ThermalParams {
        &self.params
    }

    /// Handle of the node called `name`.
    pub fn node_id(&self, name: &str) -> Option<NodeId> {
        self.params.node_index(name).ok().map(NodeId)
    }

    /// Temperatures of all nodes, K (order of `ThermalParams::nodes`).
    pub fn temps_k(&self) -> &[f64] {
        &self.temps_k
    }

    /// Temperature of one node, K; `None` for a handle that is not a node of this network.
    pub fn temp_k(&self, node: NodeId) -> Option<f64> {
        self.temps_k.get(node.0).copied()
    }

    /// Whether each heater's thermostat is closed (order of `ThermalParams::heaters`).
    pub fn heater_on(&self) -> &[bool] {
        &self.heater_on
    }

    /// Fraction of the last step each heater was on, 0..1.
    pub fn heater_duty(&self) -> &[f64] {
        &self.heater_duty
    }

    /// Nodes currently outside their operating range.
    pub fn out_of_limits(&self) -> impl Iterator<Item = (NodeId, LimitKind)> + '_ {
        self.out_of_limits
            .iter()
            .enumerate()
            .filter_map(|(i, l)| l.map(|k| (NodeId(i), k)))
    }

    /// Advances the network by `dt`.
    pub fn step(&mut self, dt: Duration, inputs: &ThermalInputs<'_>) -> ThermalOutputs {
        let dt_s = dt.to_seconds().max(0.0);
        let mut events = Vec::new();

        // Constant heat input per node over the step: environment + internal dissipation.
        let env = sanitize(&inputs.environment);
        for (i, q) in self.scratch_heat.iter_mut().enumerate() {
            *q = inputs
                .internal_heat_w
                .get(i)
                .copied()
                .filter(|q| q.is_finite())
                .unwrap_or(0.0);
        }
        let environment_absorbed_w =
            self.surfaces
                .absorbed_w(&env, &self.params.earth, &mut self.scratch_heat);

        let substeps = if dt_s > 0.0 {
            (dt_s / self.params.max_substep_s).ceil().max(1.0) as usize
        } else {
            0
        };
        let h = if substeps > 0 {
            dt_s / substeps as f64
        } else {
            0.0
        };
        self.heater_duty.iter_mut().for_each(|d| *d = 0.0);
        let mut heater_energy_j = 0.0;
        for k in 0..substeps {
            self.update_thermostats(k as f64 * h, &mut events);
            heater_energy_j += self.backward_euler(h, inputs.heater_supply);
            self.update_limits((k + 1) as f64 * h, &mut events);
        }
        if substeps > 0 {
            self.heater_duty
                .iter_mut()
                .for_each(|d| *d /= substeps as f64);
        }
        ThermalOutputs {
            events,
            heater_power_w: if dt_s > 0.0 {
                heater_energy_j / dt_s
            } else {
                0.0
            },
            environment_absorbed_w,
        }
    }

    fn update_thermostats(&mut self, after_s: f64, events: &mut Vec<ThermalEvent>) {
        for (i, h) in self.params.heaters.iter().enumerate() {
            let t = self.temps_k[self.heater_nodes[i]];
            let on = self.heater_on[i];
            let new_on = if on {
                t < h.off_above_k
            } else {
                t <= h.on_below_k
            };
            if new_on != on {
                self.heater_on[i] = new_on;
                events.push(ThermalEvent::HeaterSwitched {
                    heater: i,
                    on: new_on,
                    after: Duration::from_seconds(after_s),
                });
            }
        }
    }

    fn update_limits(&mut self, after_s: f64, events: &mut Vec<ThermalEvent>) {
        for (i, node) in self.params.nodes.iter().enumerate() {
            let temp_k = self.temps_k[i];
            let state = limit_state(node, temp_k);
            if state != self.out_of_limits[i] {
                if let Some(kind) = state {
                    events.push(ThermalEvent::LimitViolated {
                        node: NodeId(i),
                        kind,
                        temp_k,
                        after: Duration::from_seconds(after_s),
                    });
                } else {
                    events.push(ThermalEvent::LimitCleared {
                        node: NodeId(i),
                        temp_k,
                        after: Duration::from_seconds(after_s),
                    });
                }
                self.out_of_limits[i] = state;
            }
        }
    }

    /// One backward-Euler sub-step of `h` seconds (see [`solver`]) with the heaters that are
    /// on. Returns the heater energy delivered, J.
    fn backward_euler(&mut self, h: f64, heater_supply: &[f64]) -> f64 {
        self.scratch_q.copy_from_slice(&self.scratch_heat);
        let mut heater_energy_j = 0.0;
        for (i, hp) in self.params.heaters.iter().enumerate() {
            if self.heater_on[i] {
                let supply = heater_supply.get(i).copied().unwrap_or(1.0).clamp(0.0, 1.0);
                let p = hp.power_w * supply;
                self.scratch_q[self.heater_nodes[i]] += p;
                heater_energy_j += p * h;
                self.heater_duty[i] += 1.0;
            }
        }
        if self.solver.step(
            &self.network,
            h,
            &self.temps_k,
            &self.scratch_q,
            &mut self.scratch_t,
        ) {
            self.temps_k.copy_from_slice(&self.scratch_t);
        }
        heater_energy_j
    }
}

fn limit_state(node: &ThermalNodeParams, temp_k: f64) -> Option<LimitKind> {
    if temp_k < node.min_temp_k {
        Some(LimitKind::Cold)
    } else if temp_k > node.max_temp_k {
        Some(LimitKind::Hot)
    } else {
        None
    }
}

/// Replaces non-finite environment inputs by "no heat" values.
fn sanitize(e: &OrbitalEnvironment) -> OrbitalEnvironment {
    OrbitalEnvironment {
        sun_dir_body: finite_or_zero(&e.sun_dir_body),
        solar_flux_w_m2: finite_or(e.solar_flux_w_m2, 0.0).max(0.0),
        illumination: finite_or(e.illumination, 0.0),
        nadir_dir_body: finite_or_zero(&e.nadir_dir_body),
        radius_km: if e.radius_km.is_finite()
            && e.radius_km > EARTH_MEAN_RADIUS_KM
            && e.nadir_dir_body.norm() > 0.5
        {
            e.radius_km
        } else {
            f64::INFINITY
        },
    }
}

#[cfg(test)]
mod tests;
