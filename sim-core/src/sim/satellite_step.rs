//! One satellite's own step: everything it does in `[t, t + dt)` that does not involve another
//! satellite, so the simulation can run it for all satellites in parallel. The stages follow
//! the data flow of docs/ARCHITECTURE.md:
//! 1. [orbit](Satellite::orbit_at): SGP4 state at t, illumination, ITRF and the sub-satellite
//!    point;
//! 2. [ground contact](Satellite::ground_contact): the highest station above its elevation
//!    mask and the link rates its budgets give, and the areas of interest below;
//! 3. [hardware](Satellite::step_hardware): the hardware models over the step with the busy
//!    fraction of the previous step; power transitions of the hardware computer (power loss,
//!    power-on, reboot, watchdog) become power transitions of the onboard computer; then the
//!    [camera](Satellite::update_camera) learns the step's geometry;
//! 4. [apps](Satellite::run_apps): the sensor snapshot and the true conditions at t, then the
//!    apps run for the step;
//! 5. [links](Satellite::exchange_with_ground): the uplink (commands, image uploads) and the
//!    downlink (queued app data) progress at the link rates during contact; devices used draw
//!    power in the next step; the ISL outbox is queued for the step boundary;
//! 6. the [telemetry row](Satellite::telemetry_row).

use std::collections::BTreeSet;
use std::sync::PoisonError;

use hardware_models::computer::ComputerEvent as HwComputerEvent;
use hardware_models::link::LinkGeometry;
use hardware_models::satellite::{Antenna, SatelliteInputs, SatelliteOutputs};
use hifitime::{Duration, Epoch};
use nalgebra::{UnitQuaternion, Vector3};
use orbit::{
    EarthOrientation, EarthRotation, Geodetic, Station, StationFrame, illumination,
    itrf_to_geodetic,
};
use smallvec::SmallVec;

use super::area::Area;
use super::camera::CameraGeometry;
use super::report::{SimEvent, SimEventKind, TelemetryRow};
use super::satellite::Satellite;
use super::sensor_view::{SensorView, sensor_snapshot_into};
use super::transfer::{Transfer, TransferKind};
use crate::bus::events::{ComputerEvent, LogLine};
use crate::bus::messages::DeliveredMessage;
use crate::state::{Conditions, StateSnapshot};
use crate::time::{duration_to_ns, epoch_to_unix_ns};

/// Shared, read-only environment of a step.
pub(crate) struct StepEnv<'a> {
    pub t: Epoch,
    pub dt: Duration,
    pub sun_pos_eci_km: Vector3<f64>,
    pub sun_lon_rad: f64,
    /// The TEME ↔ ITRF rotation at `t`.
    pub earth: EarthRotation,
    pub stations: &'a [Station],
    /// `stations[i]`'s frame at index i.
    pub station_frames: &'a [StationFrame],
    /// Whether `stations[i]` is in service (not in an outage).
    pub station_available: &'a [bool],
    pub areas: &'a [Area],
    pub eop: &'a EarthOrientation,
}

/// What a satellite's step produced (merged by the simulation in satellite order).
#[derive(Debug, Default)]
pub(crate) struct LocalStep {
    pub telemetry: Option<TelemetryRow>,
    pub events: Vec<SimEvent>,
    /// The computer's events and its apps' log lines, in time order.
    pub computer_events: Vec<ComputerEvent>,
    pub logs: Vec<LogLine>,
    pub delivered: Vec<DeliveredMessage>,
}

/// Where the satellite is at the start of the step.
struct OrbitAtStart {
    pos_eci_km: Vector3<f64>,
    vel_eci_km_s: Vector3<f64>,
    /// Illumination, 0 (umbra) … 1 (full sun).
    illumination: f64,
    pos_itrf_km: Vector3<f64>,
    geodetic: Geodetic,
}

/// The ground station in contact and the rates its link budgets give.
struct GroundContact {
    station: Option<String>,
    downlink_bps: f64,
    uplink_bps: f64,
}

/// The hardware models' step, and the truth at its start that the apps see.
struct HardwareStep {
    outputs: SatelliteOutputs,
    /// Attitude at t.
    q0_body_from_eci: UnitQuaternion<f64>,
    /// Battery state of charge at t.
    battery_soc0: f64,
    /// Battery energy at t, Wh.
    battery_energy0_wh: f64,
    /// Attitude error at the end of the previous step, rad.
    attitude_error0_rad: f64,
    /// The attitude mode apps asked for (ABI number).
    abi_attitude_mode: u32,
    safe_mode: bool,
}

impl Satellite {
    /// Runs the satellite's step over `[env.t, env.t + env.dt)`.
    pub(crate) fn step_local(&mut self, env: &StepEnv<'_>) -> LocalStep {
        let mut out = LocalStep::default();
        if self.lost {
            return out;
        }
        let Some(orbit) = self.orbit_at(env, &mut out.events) else {
            return out;
        };
        let contact = self.ground_contact(env, &orbit, &mut out.events);
        let areas = areas_below(env.areas, &orbit.geodetic);
        let hw = self.step_hardware(env, &orbit, &mut out.events);
        self.update_camera(env, &orbit, &hw);
        let in_contact = contact.station.is_some();
        self.run_apps(env, &orbit, &hw, areas, in_contact);
        out.computer_events = std::mem::take(&mut self.tick.events);
        out.logs = std::mem::take(&mut self.tick.logs);
        let downlink_bytes = self.exchange_with_ground(env, &contact, &mut out);
        self.queue_isl_outbox();
        out.telemetry = Some(self.telemetry_row(env.t, &orbit, &hw, contact, downlink_bytes));
        out
    }

    /// Stage 1: the SGP4 state at t and what follows from it. When the satellite cannot be
    /// propagated (decay) it is lost: its computer is powered off and it stops.
    fn orbit_at(&mut self, env: &StepEnv<'_>, events: &mut Vec<SimEvent>) -> Option<OrbitAtStart> {
        let state = match self.propagator.state_at(env.t) {
            Ok(s) => s,
            Err(e) => {
                self.lost = true;
                self.computer.power_off();
                events.push(self.event(
                    env.t,
                    SimEventKind::Lost {
                        reason: e.to_string(),
                    },
                ));
                return None;
            }
        };
        let (pos, vel) = (state.pos_teme_km, state.vel_teme_km_s);
        self.pos_eci_km = pos;
        let pos_itrf_km = env.earth.itrf_position_from_teme(&pos);
        Some(OrbitAtStart {
            pos_eci_km: pos,
            vel_eci_km_s: vel,
            illumination: illumination(&pos, &env.sun_pos_eci_km),
            pos_itrf_km,
            geodetic: itrf_to_geodetic(&pos_itrf_km),
        })
    }

    /// Stage 2: the highest station above its elevation mask, the downlink and uplink rates of
    /// its link budgets (the ground antenna pointed at the satellite, the satellite's at its
    /// off-boresight angle), and contact start/end events.
    fn ground_contact(
        &mut self,
        env: &StepEnv<'_>,
        orbit: &OrbitAtStart,
        events: &mut Vec<SimEvent>,
    ) -> GroundContact {
        let mut best: Option<(f64, &Station, &StationFrame, f64)> = None;
        let stations = env.stations.iter().zip(env.station_frames);
        let in_service = stations.zip(env.station_available).filter(|(_, up)| **up);
        for ((st, frame), _) in in_service {
            // below the horizontal plane: below any mask of 0° or more (most of the time)
            if st.min_elevation_rad >= 0.0 && frame.up_km(&orbit.pos_itrf_km) < 0.0 {
                continue;
            }
            let elevation_rad = frame.elevation_rad(&orbit.pos_itrf_km);
            if elevation_rad >= st.min_elevation_rad
                && best.is_none_or(|(el, ..)| elevation_rad > el)
            {
                let range_km = frame.range_km(&orbit.pos_itrf_km);
                best = Some((elevation_rad, st, frame, range_km));
            }
        }
        let (mut downlink_bps, mut uplink_bps) = (0.0, 0.0);
        if let Some((el, _, frame, range_km)) = best {
            let site_eci = env.earth.teme_position_from_itrf(frame.site_itrf_km());
            let line_of_sight = site_eci - orbit.pos_eci_km;
            let off = self
                .hw
                .antenna_off_boresight_rad(Antenna::Ground, &line_of_sight);
            let g = |tx: f64, rx: f64| LinkGeometry {
                range_km,
                elevation_rad: Some(el),
                tx_off_boresight_rad: tx,
                rx_off_boresight_rad: rx,
            };
            // A part of the spacecraft in the antenna's line of sight: no link.
            if !self
                .hw
                .antenna_line_of_sight_blocked(Antenna::Ground, &line_of_sight)
            {
                downlink_bps = self.hw.downlink.evaluate(&g(off, 0.0)).rate_bps.max(0.0);
                uplink_bps = self.hw.uplink.evaluate(&g(0.0, off)).rate_bps.max(0.0);
            }
        }
        let station = best.map(|(_, s, ..)| s.name.clone());
        if station != self.contact {
            if let Some(old) = self.contact.take() {
                events.push(self.event(env.t, SimEventKind::ContactEnd { station: old }));
            }
            if let Some(new) = &station {
                events.push(self.event(
                    env.t,
                    SimEventKind::ContactStart {
                        station: new.clone(),
                    },
                ));
            }
            self.contact = station.clone();
        }
        GroundContact {
            station,
            downlink_bps,
            uplink_bps,
        }
    }

    /// Stage 3: the hardware models over the step (the truth at t read first), the onboard
    /// computer following the hardware computer's power transitions, and the hardware events.
    fn step_hardware(
        &mut self,
        env: &StepEnv<'_>,
        orbit: &OrbitAtStart,
        events: &mut Vec<SimEvent>,
    ) -> HardwareStep {
        let q0_body_from_eci = self.hw.attitude.q_body_from_eci();
        let battery_soc0 = self.hw.power.soc();
        let battery_energy0_wh = self.hw.power.battery().energy_j() / 3600.0;
        let attitude_error0_rad = self.last_attitude_error_rad;
        let (mode, abi_attitude_mode) = self.attitude_mode(env.t, env.eop);
        self.apply_brownout(env.t);
        let outputs = self.hw.step(
            env.dt,
            &SatelliteInputs {
                pos_eci_km: orbit.pos_eci_km,
                vel_eci_km_s: orbit.vel_eci_km_s,
                sun_pos_eci_km: env.sun_pos_eci_km,
                illumination: orbit.illumination,
                attitude_mode: mode,
                busy_fraction: self.tick.busy_fraction,
                watchdog_kicked: self.computer.kicks_watchdog(),
                reboot_requested: std::mem::take(&mut self.reboot_requested),
                time_since_launch: env.t - self.launch,
            },
        );
        self.computer_energy_j += outputs.computer.power_w * env.dt.to_seconds();
        for e in &outputs.computer.events {
            match e {
                HwComputerEvent::PoweredOff => self.computer.power_off(),
                HwComputerEvent::PoweredOn => self.computer.power_on(),
                HwComputerEvent::Rebooted | HwComputerEvent::WatchdogReset => {
                    self.computer.reboot()
                }
                HwComputerEvent::Booted { .. } => {}
            }
            events.push(self.event(env.t, SimEventKind::ComputerPower(*e)));
        }
        for e in &outputs.power.events {
            events.push(self.event(env.t, SimEventKind::Power(e.clone())));
        }
        for e in &outputs.thermal.events {
            events.push(self.event(env.t, SimEventKind::Thermal(e.clone())));
        }
        HardwareStep {
            outputs,
            q0_body_from_eci,
            battery_soc0,
            battery_energy0_wh,
            attitude_error0_rad,
            abi_attitude_mode,
            safe_mode: self.hw.power.safe_mode(),
        }
    }

    /// Switches the computer's power load off during a commanded brown-out, and back on (for
    /// good) once it is over.
    fn apply_brownout(&mut self, t: Epoch) {
        if let (Some(id), Some(until)) = (self.obc_load, self.brownout_until) {
            let off = t < until;
            self.hw.power.set_load_on(id, !off);
            if !off {
                self.brownout_until = None;
            }
        }
    }

    /// Stage 3, end: the geometry the camera renders captures of this step with.
    fn update_camera(&self, env: &StepEnv<'_>, orbit: &OrbitAtStart, hw: &HardwareStep) {
        if let Some(g) = &self.camera_geometry {
            let mut g = g.lock().unwrap_or_else(PoisonError::into_inner);
            *g = CameraGeometry {
                t0_unix_ns: epoch_to_unix_ns(env.t),
                dt_ns: duration_to_ns(env.dt),
                pos_eci_km: orbit.pos_eci_km,
                vel_eci_km_s: orbit.vel_eci_km_s,
                q0: hw.q0_body_from_eci,
                q1: hw.outputs.attitude.q_body_from_eci,
                sun_pos_eci_km: env.sun_pos_eci_km,
                available: !hw.safe_mode && self.load_available(self.camera_load),
                captures: 0,
            };
        }
    }

    /// Stage 4: what the apps see (the sensor snapshot, made when an app first runs in the
    /// step) and the truth their schedules and events follow, then the onboard computer runs
    /// them for the step. Local solar time is
    /// `12 h + (λ − λ_sun) / 15°` at the sub-satellite point (hour angle of the Sun).
    fn run_apps(
        &mut self,
        env: &StepEnv<'_>,
        orbit: &OrbitAtStart,
        hw: &HardwareStep,
        areas: BTreeSet<String>,
        in_contact: bool,
    ) {
        let local_solar_time_h = (12.0
            + (orbit.geodetic.lon_rad - env.sun_lon_rad).to_degrees() / 15.0)
            .rem_euclid(24.0);
        let over_area = !areas.is_empty();
        let conditions = Conditions {
            sunlit: orbit.illumination > 0.0,
            in_contact,
            areas,
            battery_soc: hw.battery_soc0,
            local_solar_time_h,
            safe_mode: hw.safe_mode,
        };
        // The sensors are read (and their noise drawn) only if an app runs in this step.
        let (hardware, rng, readings) = (&mut self.hw, &mut self.rng, &mut self.readings);
        let (last_array_w, last_load_w) = (self.last_array_w, self.last_load_w);
        let mut fill = |snapshot: &mut StateSnapshot| {
            hardware.read_sensors(rng, readings);
            let view = SensorView {
                readings,
                thermal_nodes: &hardware.template().thermal.nodes,
                t: env.t,
                earth: &env.earth,
                q0_body_from_eci: hw.q0_body_from_eci,
                battery_soc: hw.battery_soc0,
                battery_energy_wh: hw.battery_energy0_wh,
                solar_power_w: last_array_w,
                load_power_w: last_load_w,
                attitude_mode: hw.abi_attitude_mode,
                attitude_error_rad: hw.attitude_error0_rad,
                illumination: orbit.illumination,
                over_area,
                in_contact,
                safe_mode: hw.safe_mode,
            };
            sensor_snapshot_into(&view, snapshot);
        };
        self.computer
            .step_into(env.t, env.dt, &mut fill, &conditions, &mut self.tick);
        self.last_attitude_error_rad = hw.outputs.attitude.attitude_error_rad;
        self.last_array_w = hw.outputs.power.array_harvested_w;
        self.last_load_w = hw.outputs.power.load_w;
    }

    /// Stage 5: during contact the uplink and the downlink (the transmitter only if its load
    /// is not shed) carry `⌊rate · Δt / 8⌋` bytes each; devices used in this step draw their
    /// power in the next one (zero-order hold, like the computer's busy power). Returns the
    /// downlink capacity of the step, bytes.
    fn exchange_with_ground(
        &mut self,
        env: &StepEnv<'_>,
        contact: &GroundContact,
        out: &mut LocalStep,
    ) -> u64 {
        let dt_s = env.dt.to_seconds();
        let uplink_bytes = (contact.uplink_bps * dt_s / 8.0).floor() as u64;
        let downlink_bytes = if self.load_available(self.downlink_load) {
            (contact.downlink_bps * dt_s / 8.0).floor() as u64
        } else {
            0
        };
        let mut sent = 0;
        if contact.station.is_some() {
            self.progress_uplink(uplink_bytes, env.t + env.dt, &mut out.events);
            let progress = self.computer.drain_downlink(downlink_bytes);
            sent = progress.bytes_sent;
            self.downlinked_bytes += progress.bytes_sent;
            out.delivered = progress.completed;
        }
        let captures = self.camera_geometry.as_ref().map_or(0, |g| {
            g.lock().unwrap_or_else(PoisonError::into_inner).captures
        });
        self.images_captured += u64::from(captures);
        self.switch_load(self.camera_load, captures > 0, "imaging");
        self.switch_load(self.downlink_load, sent > 0, "transmit");
        downlink_bytes
    }

    /// Stage 5, end: the ISL messages the apps sent join the satellite's ISL queue (sent at
    /// the step boundary).
    fn queue_isl_outbox(&mut self) {
        for msg in self.computer.take_isl_outbox() {
            let bytes = msg.data.len() as u64;
            self.isl_tx.push_back(Transfer {
                bytes_left: bytes,
                total_bytes: bytes,
                kind: TransferKind::Isl(msg),
            });
        }
    }

    /// Stage 6: the step's telemetry row.
    fn telemetry_row(
        &self,
        t: Epoch,
        orbit: &OrbitAtStart,
        hw: &HardwareStep,
        contact: GroundContact,
        downlink_bytes: u64,
    ) -> TelemetryRow {
        let out = &hw.outputs;
        let temps_k = self.hw.thermal.temps_k();
        let obc_node = self.obc_node;
        let in_contact = contact.station.is_some();
        TelemetryRow {
            time: t,
            satellite: self.name.clone(),
            lat_deg: orbit.geodetic.lat_rad.to_degrees(),
            lon_deg: orbit.geodetic.lon_rad.to_degrees(),
            alt_km: orbit.geodetic.alt_km,
            illumination: orbit.illumination,
            battery_soc: out.power.soc,
            array_power_w: out.power.array_harvested_w,
            load_power_w: out.power.load_w,
            computer_power_w: out.computer.power_w,
            computer_temp_c: obc_node.map_or(f64::NAN, |id| temps_k[id.0] - 273.15),
            busy_fraction: self.tick.busy_fraction,
            instructions: self.tick.instructions,
            attitude_mode: hw.abi_attitude_mode,
            attitude_error_deg: out.attitude.attitude_error_rad.to_degrees(),
            safe_mode: hw.safe_mode,
            station: contact.station.unwrap_or_default(),
            downlink_rate_bps: contact.downlink_bps,
            downlink_bytes: if in_contact { downlink_bytes } else { 0 },
            downlink_queued_bytes: self.computer.downlink_queued_bytes(),
            node_temps_k: SmallVec::from_slice(temps_k),
        }
    }

    /// An event of this satellite at `t`.
    fn event(&self, t: Epoch, kind: SimEventKind) -> SimEvent {
        SimEvent {
            time: t,
            satellite: self.name.to_string(),
            kind,
        }
    }
}

/// The names of the areas of interest the sub-satellite point is in.
fn areas_below(areas: &[Area], geodetic: &Geodetic) -> BTreeSet<String> {
    areas
        .iter()
        .filter(|a| a.contains(geodetic))
        .map(|a| a.name.clone())
        .collect()
}
