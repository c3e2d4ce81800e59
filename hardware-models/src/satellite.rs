//! All the hardware of one satellite, coupled the way the simulation runs it.
//!
//! [`SatelliteHardware::step`] is the reference coupling of the models for one step
//! [t, t + dt] (sim-core may use it as is, or drive the models itself in the same order):
//! 1. the sensors see the truth at t (what software sees while the step runs); the readings
//!    are drawn when asked for ([`SatelliteHardware::read_sensors`], at most once a step), so
//!    a step in which no software reads the sensors draws no noise (see [`Sensors::skip`]);
//! 2. attitude advances over the step from the orbit state at t (sub-stepped);
//! 3. the onboard computer advances with the busy fraction the hypervisor measured;
//! 4. power: the computer's power, the ADCS electronics plus wheel power, and the heater loads
//!    (following the thermostats at t) are set as demands; the arrays see the Sun through the
//!    attitude at t and the cells at their node temperatures at t;
//! 5. thermal: every load's supplied power heats its node, battery and regulator losses heat
//!    theirs, the harvested array power leaves the panels' nodes; heaters run if their load was
//!    powered.
//!
//! Inputs are held over the step (zero-order hold); couplings that cross a step boundary (a
//! thermostat switching inside a step, a load shed during it) act from the next step.

use std::sync::Arc;

use hifitime::Duration;
use nalgebra::{UnitQuaternion, Vector3};
use rand::Rng;

use crate::attitude::{AttitudeInputs, AttitudeMode, AttitudeModel, AttitudeOutputs};
use crate::camera::{Camera, CaptureInputs, CaptureMetadata};
use crate::computer::{Computer, ComputerInputs, ComputerOutputs};
use crate::environment::{solar_flux_w_m2, sun_direction};
use crate::error::HardwareError;
use crate::geometry::{ApertureView, MassProperties, SelfShadowing, SpacecraftGeometry};
use crate::link::LinkBudget;
use crate::power::{LoadId, PowerInputs, PowerOutputs, PowerSystem};
use crate::sensors::{SensorReadings, SensorTruth, Sensors};
use crate::template::HardwareTemplate;
use crate::texture::EarthTexture;
use crate::thermal::{OrbitalEnvironment, ThermalInputs, ThermalModel, ThermalOutputs};

/// Inputs of one satellite step (all at the start of the step, t).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SatelliteInputs {
    /// Position, ECI (TEME), km.
    pub pos_eci_km: Vector3<f64>,
    /// Velocity, ECI (TEME), km/s.
    pub vel_eci_km_s: Vector3<f64>,
    /// Geocentric Sun position, ECI (TEME), km (`orbit::sun_position_teme_km`).
    pub sun_pos_eci_km: Vector3<f64>,
    /// Fraction of the solar disc visible, 0..1 (`orbit::illumination`).
    pub illumination: f64,
    /// Commanded attitude mode.
    pub attitude_mode: AttitudeMode,
    /// Fraction of the previous step the computer was busy, 0..1 (fuel used / offered).
    pub busy_fraction: f64,
    /// Whether software kicked the watchdog during the previous step.
    pub watchdog_kicked: bool,
    /// Whether a reboot is commanded now.
    pub reboot_requested: bool,
    /// Time in orbit (array degradation).
    pub time_since_launch: Duration,
}

/// Everything the models reported for one step (the sensors' readings are asked for apart:
/// [`SatelliteHardware::read_sensors`]).
#[derive(Clone, Debug, PartialEq)]
pub struct SatelliteOutputs {
    /// Attitude at the end of the step.
    pub attitude: AttitudeOutputs,
    /// Computer power and fuel budget for the step.
    pub computer: ComputerOutputs,
    /// Power system averages and events.
    pub power: PowerOutputs,
    /// Thermal events and averages (temperatures: `SatelliteHardware::thermal`).
    pub thermal: ThermalOutputs,
}

/// Which antenna of the satellite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Antenna {
    /// The ground-link antenna (downlink transmit, uplink receive).
    Ground,
    /// The inter-satellite antenna.
    InterSatellite,
}

/// The hardware of one satellite: every model plus the wiring between them.
#[derive(Debug)]
pub struct SatelliteHardware {
    template: HardwareTemplate,
    /// Electrical power system.
    pub power: PowerSystem,
    /// Thermal network.
    pub thermal: ThermalModel,
    /// Onboard computer.
    pub computer: Computer,
    /// Attitude.
    pub attitude: AttitudeModel,
    /// Downlink budget.
    pub downlink: LinkBudget,
    /// Uplink budget.
    pub uplink: LinkBudget,
    /// Inter-satellite link budget.
    pub isl: LinkBudget,
    /// Camera (absent when no texture was given).
    pub camera: Option<Camera>,
    /// Sensors.
    pub sensors: Sensors,
    geometry: Arc<SpacecraftGeometry>,
    ground_antenna_view: ApertureView,
    isl_antenna_view: ApertureView,
    camera_view: ApertureView,
    wiring: Wiring,
    internal_heat_w: Vec<f64>,
    panel_temps_k: Vec<f64>,
    heater_supply: Vec<f64>,
    sensor_truth: HeldTruth,
}

/// The truth the sensors saw at the start of the last step, held until it is read.
#[derive(Debug, Clone, Default)]
struct HeldTruth {
    /// The step's length (the gyro's noise and bias walk depend on it).
    dt: Duration,
    pos_eci_km: Vector3<f64>,
    vel_eci_km_s: Vector3<f64>,
    sun_dir_body: Vector3<f64>,
    illumination: f64,
    omega_body_rad_s: Vector3<f64>,
    temps_k: Vec<f64>,
    /// Not read yet.
    unread: bool,
}

/// Indices resolved once from the names in the template.
#[derive(Debug, Clone)]
struct Wiring {
    obc_load: Option<LoadId>,
    adcs_load: Option<LoadId>,
    adcs_base_w: f64,
    heater_loads: Vec<Option<LoadId>>,
    load_nodes: Vec<Option<usize>>,
    battery_node: Option<usize>,
    regulator_node: Option<usize>,
    panel_nodes: Vec<Option<usize>>,
}

impl SatelliteHardware {
    /// Builds every model of `template` after validating it
    /// ([`HardwareTemplate::validate`]: every problem is reported at once); the camera samples
    /// `texture` if given. The sensor biases are drawn from `rng`. The satellite starts at attitude `q_body_from_eci`, at rest.
    pub fn new<R: Rng + ?Sized>(
        template: HardwareTemplate,
        texture: Option<Arc<EarthTexture>>,
        q_body_from_eci: UnitQuaternion<f64>,
        rng: &mut R,
    ) -> Result<Self, HardwareError> {
        Self::new_like(template, texture, q_body_from_eci, rng, None)
    }

    /// As [`Self::new`], sharing the geometry and the self-shadowing tables of `like` when it
    /// was built from the same geometry and solar panels (a constellation of one template
    /// keeps one copy, and a table node computed for one satellite serves all; the values are
    /// those a satellite of its own would compute).
    pub fn new_like<R: Rng + ?Sized>(
        template: HardwareTemplate,
        texture: Option<Arc<EarthTexture>>,
        q_body_from_eci: UnitQuaternion<f64>,
        rng: &mut R,
        like: Option<&SatelliteHardware>,
    ) -> Result<Self, HardwareError> {
        template.validate()?;
        let shared = like.filter(|o| o.same_body(&template)).and_then(|o| {
            o.power
                .self_shadowing()
                .map(|shadowing| (o.geometry.clone(), shadowing.clone()))
        });
        let geometry = match &shared {
            Some((geometry, _)) => geometry.clone(),
            None => Arc::new(SpacecraftGeometry::new(&template.geometry)?),
        };
        let placement = template.placement(&geometry)?;
        let shadowing = match shared {
            Some((_, shadowing)) => shadowing,
            None => SelfShadowing::new(geometry.clone(), &placement.panel_faces),
        };
        let power = PowerSystem::with_self_shadowing(template.power.clone(), shadowing)?;
        let thermal = ThermalModel::new(template.thermal.clone())?;
        let computer = Computer::new(template.computer.clone())?;
        let attitude = AttitudeModel::new(
            template.attitude.clone(),
            &geometry.mass_properties().inertia_kg_m2,
            q_body_from_eci,
            Vector3::zeros(),
        )?;
        let downlink = LinkBudget::new(template.radio.downlink.clone())?;
        let uplink = LinkBudget::new(template.radio.uplink.clone())?;
        let isl = LinkBudget::new(template.radio.isl.clone())?;
        let camera = texture
            .map(|t| Camera::new(template.camera.clone(), t))
            .transpose()?;
        let sensors = Sensors::new(template.sensors.clone(), template.thermal.nodes.len(), rng)?;

        let load_id = |name: &Option<String>| -> Result<Option<LoadId>, HardwareError> {
            name.as_ref()
                .map(|n| {
                    power.load_id(n).ok_or_else(|| HardwareError::UnknownName {
                        model: "satellite",
                        kind: "power load",
                        name: n.clone(),
                    })
                })
                .transpose()
        };
        let node_index = |name: &Option<String>| -> Result<Option<usize>, HardwareError> {
            name.as_ref()
                .map(|n| {
                    thermal
                        .node_id(n)
                        .map(|id| id.0)
                        .ok_or_else(|| HardwareError::UnknownName {
                            model: "satellite",
                            kind: "thermal node",
                            name: n.clone(),
                        })
                })
                .transpose()
        };
        let adcs_load = load_id(&template.attitude.power_load)?;
        let adcs_base_w = adcs_load
            .map(|id| template.power.loads[id.0].modes[0].power_w)
            .unwrap_or(0.0);
        let heater_loads = template
            .thermal
            .heaters
            .iter()
            .map(|h| load_id(&h.power_load))
            .collect::<Result<Vec<_>, _>>()?;
        let wiring = Wiring {
            obc_load: load_id(&template.computer.power_load)?,
            adcs_load,
            adcs_base_w,
            heater_loads,
            load_nodes: template
                .power
                .loads
                .iter()
                .map(|l| node_index(&l.thermal_node))
                .collect::<Result<Vec<_>, _>>()?,
            battery_node: node_index(&template.power.battery.thermal_node)?,
            regulator_node: node_index(&template.power.regulator_thermal_node)?,
            panel_nodes: template
                .power
                .solar_panels
                .iter()
                .map(|p| node_index(&p.thermal_node))
                .collect::<Result<Vec<_>, _>>()?,
        };
        let nodes = template.thermal.nodes.len();
        let panels = template.power.solar_panels.len();
        let heaters = template.thermal.heaters.len();
        Ok(Self {
            template,
            power,
            thermal,
            computer,
            attitude,
            downlink,
            uplink,
            isl,
            camera,
            sensors,
            geometry,
            ground_antenna_view: ApertureView::new(&placement.ground_antenna),
            isl_antenna_view: ApertureView::new(&placement.isl_antenna),
            camera_view: ApertureView::new(&placement.camera),
            wiring,
            internal_heat_w: vec![0.0; nodes],
            panel_temps_k: vec![0.0; panels],
            heater_supply: vec![1.0; heaters],
            sensor_truth: HeldTruth::default(),
        })
    }

    /// Whether `template` describes this satellite's body: the same geometry and solar panels
    /// (then [`Self::new_like`] shares its geometry and self-shadowing tables).
    pub fn same_body(&self, template: &HardwareTemplate) -> bool {
        self.template.geometry == template.geometry
            && self.template.power.solar_panels == template.power.solar_panels
    }

    /// The template the satellite was built from.
    pub fn template(&self) -> &HardwareTemplate {
        &self.template
    }

    /// The spacecraft's geometry (parts, poses, ray casts).
    pub fn geometry(&self) -> &SpacecraftGeometry {
        &self.geometry
    }

    /// Mass, centre of mass and inertia tensor, from the geometry.
    pub fn mass_properties(&self) -> &MassProperties {
        self.geometry.mass_properties()
    }

    fn antenna_view(&self, antenna: Antenna) -> &ApertureView {
        match antenna {
            Antenna::Ground => &self.ground_antenna_view,
            Antenna::InterSatellite => &self.isl_antenna_view,
        }
    }

    /// Whether the spacecraft itself blocks an antenna's line of sight toward a direction given
    /// in ECI (any length), at the current attitude: the direction is in front of the antenna's
    /// aperture and the ray from it hits another part ([`ApertureView::is_obstructed`];
    /// geometric optics). A blocked link carries nothing.
    pub fn antenna_line_of_sight_blocked(
        &self,
        antenna: Antenna,
        line_of_sight_eci: &Vector3<f64>,
    ) -> bool {
        let dir_body = self.attitude.q_body_from_eci() * line_of_sight_eci;
        self.antenna_view(antenna)
            .is_obstructed(&self.geometry, &dir_body)
    }

    /// Fraction of an antenna's front hemisphere (solid-angle weighted, 4096 directions) that
    /// the spacecraft blocks.
    pub fn antenna_field_obstructed_fraction(&self, antenna: Antenna) -> f64 {
        self.antenna_view(antenna).obstructed_fraction(
            &self.geometry,
            std::f64::consts::FRAC_PI_2,
            4096,
        )
    }

    /// Fraction of the camera's field of view that the spacecraft blocks, over a 16 × 16 grid
    /// of pixel directions spanning the detector.
    pub fn camera_field_obstructed_fraction(&self) -> f64 {
        let p = &self.template.camera;
        let axes = p.axes_body();
        let (w, h) = (f64::from(p.width_px), f64::from(p.height_px));
        let directions = (0..16).flat_map(|i| {
            (0..16).map(move |j| {
                let col = (i as f64 + 0.5) / 16.0 * w - 0.5;
                let row = (j as f64 + 0.5) / 16.0 * h - 0.5;
                p.pixel_dir_body(&axes, col, row)
            })
        });
        self.camera_view
            .obstructed_fraction_of(&self.geometry, directions.collect::<Vec<_>>())
    }

    /// Angle between an antenna's boresight and a line of sight given in ECI, rad (for
    /// [`LinkGeometry`](crate::link::LinkGeometry)).
    pub fn antenna_off_boresight_rad(
        &self,
        antenna: Antenna,
        line_of_sight_eci: &Vector3<f64>,
    ) -> f64 {
        let boresight = match antenna {
            Antenna::Ground => self.template.radio.ground_antenna_boresight_body,
            Antenna::InterSatellite => self.template.radio.isl_antenna_boresight_body,
        };
        (self.attitude.q_body_from_eci() * line_of_sight_eci).angle(&boresight)
    }

    /// Takes a picture with the current attitude (see [`Camera::capture`]).
    pub fn capture<R: Rng + ?Sized>(
        &self,
        epoch: hifitime::Epoch,
        pos_eci_km: &Vector3<f64>,
        sun_pos_eci_km: &Vector3<f64>,
        eop: &orbit::EarthOrientation,
        buffer: &mut [u8],
        rng: &mut R,
    ) -> Result<CaptureMetadata, HardwareError> {
        let camera = self.camera.as_ref().ok_or(HardwareError::Inconsistent {
            model: "satellite",
            reason: "this satellite has no camera texture loaded",
        })?;
        camera.capture(
            &CaptureInputs {
                epoch,
                pos_eci_km: *pos_eci_km,
                q_body_from_eci: self.attitude.q_body_from_eci(),
                sun_pos_eci_km: *sun_pos_eci_km,
                eop,
            },
            buffer,
            rng,
        )
    }

    /// Advances every model by `dt` (see the module documentation for the order).
    pub fn step(&mut self, dt: Duration, inputs: &SatelliteInputs) -> SatelliteOutputs {
        let pos = inputs.pos_eci_km;
        let sun_dir_eci = sun_direction(&pos, &inputs.sun_pos_eci_km);
        let flux = solar_flux_w_m2(&pos, &inputs.sun_pos_eci_km);
        let q0 = self.attitude.q_body_from_eci();
        let sun_dir_body = q0 * sun_dir_eci;
        let nadir_dir_body = q0 * (-pos.normalize());

        // 1. Sensors see the state at t (read by `read_sensors`).
        self.hold_sensor_truth(dt, inputs, sun_dir_body);

        // 2. Attitude over the step.
        let attitude = self.attitude.step(
            dt,
            &AttitudeInputs {
                pos_eci_km: pos,
                vel_eci_km_s: inputs.vel_eci_km_s,
                sun_dir_eci,
                mode: inputs.attitude_mode,
                external_torque_body_nm: Vector3::zeros(),
            },
        );

        // 3. Computer.
        let powered = self
            .wiring
            .obc_load
            .is_none_or(|id| self.power.is_load_powered(id));
        let computer = self.computer.step(
            dt,
            &ComputerInputs {
                powered,
                busy_fraction: inputs.busy_fraction,
                watchdog_kicked: inputs.watchdog_kicked,
                reboot_requested: inputs.reboot_requested,
            },
        );

        // 4. Power.
        if let Some(id) = self.wiring.obc_load {
            self.power.set_load_demand_w(id, Some(computer.power_w));
        }
        if let Some(id) = self.wiring.adcs_load {
            self.power
                .set_load_demand_w(id, Some(self.wiring.adcs_base_w + attitude.wheel_power_w));
        }
        for (id, on) in self
            .wiring
            .heater_loads
            .iter()
            .zip(self.thermal.heater_on())
        {
            if let Some(id) = id {
                self.power.set_load_on(*id, *on);
            }
        }
        let temps = self.thermal.temps_k();
        for (t, node) in self.panel_temps_k.iter_mut().zip(&self.wiring.panel_nodes) {
            *t = node.map_or(crate::power::CELL_REFERENCE_TEMP_K, |n| temps[n]);
        }
        let power = self.power.step(
            dt,
            &PowerInputs {
                sun_dir_body,
                solar_flux_w_m2: flux,
                illumination: inputs.illumination,
                panel_temps_k: &self.panel_temps_k,
                time_since_launch: inputs.time_since_launch,
            },
        );

        // 5. Thermal.
        self.internal_heat_w.iter_mut().for_each(|q| *q = 0.0);
        for (i, node) in self.wiring.load_nodes.iter().enumerate() {
            if let Some(n) = node {
                self.internal_heat_w[*n] += self.power.load_supplied_w(LoadId(i));
            }
        }
        if let Some(n) = self.wiring.battery_node {
            self.internal_heat_w[n] += power.battery_loss_w;
        }
        if let Some(n) = self.wiring.regulator_node {
            self.internal_heat_w[n] += power.regulator_loss_w;
        }
        for (p, node) in self
            .power
            .panel_harvested_w()
            .iter()
            .zip(&self.wiring.panel_nodes)
        {
            if let Some(n) = node {
                self.internal_heat_w[*n] -= p;
            }
        }
        for (s, id) in self.heater_supply.iter_mut().zip(&self.wiring.heater_loads) {
            *s = match id {
                Some(id) => {
                    if self.power.is_load_powered(*id) {
                        1.0
                    } else {
                        0.0
                    }
                }
                None => 1.0,
            };
        }
        let thermal = self.thermal.step(
            dt,
            &ThermalInputs {
                environment: OrbitalEnvironment {
                    sun_dir_body,
                    solar_flux_w_m2: flux,
                    illumination: inputs.illumination,
                    nadir_dir_body,
                    radius_km: pos.norm(),
                },
                internal_heat_w: &self.internal_heat_w,
                heater_supply: &self.heater_supply,
            },
        );
        SatelliteOutputs {
            attitude,
            computer,
            power,
            thermal,
        }
    }

    /// Holds the truth at the start of a step for the sensors; the previous step's, if nobody
    /// read it, passes unsampled.
    fn hold_sensor_truth(
        &mut self,
        dt: Duration,
        inputs: &SatelliteInputs,
        sun_dir_body: Vector3<f64>,
    ) {
        let held = &mut self.sensor_truth;
        if held.unread {
            self.sensors.skip(held.dt);
        }
        held.dt = dt;
        held.pos_eci_km = inputs.pos_eci_km;
        held.vel_eci_km_s = inputs.vel_eci_km_s;
        held.sun_dir_body = sun_dir_body;
        held.illumination = inputs.illumination;
        held.omega_body_rad_s = self.attitude.omega_body_rad_s();
        held.temps_k.clear();
        held.temps_k.extend_from_slice(self.thermal.temps_k());
        held.unread = true;
    }

    /// The sensors' readings of the truth at the start of the last step, written to `out`
    /// with their noise drawn from `rng`. Only the first call after a step reads (and returns
    /// true); before any step, or once read, `out` is left as it is and the result is false.
    pub fn read_sensors<R: Rng + ?Sized>(&mut self, rng: &mut R, out: &mut SensorReadings) -> bool {
        let held = &mut self.sensor_truth;
        if !held.unread {
            return false;
        }
        held.unread = false;
        let truth = SensorTruth {
            pos_eci_km: held.pos_eci_km,
            vel_eci_km_s: held.vel_eci_km_s,
            sun_dir_body: held.sun_dir_body,
            illumination: held.illumination,
            omega_body_rad_s: held.omega_body_rad_s,
            temps_k: &held.temps_k,
        };
        self.sensors.sample_into(held.dt, &truth, rng, out);
        true
    }
}
