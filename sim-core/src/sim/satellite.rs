//! One simulated satellite: orbit, hardware models, onboard computer and its apps.
//!
//! `Satellite::step_local` is everything a satellite does in a step that does not involve
//! another satellite, so the simulation can run it for all satellites in parallel:
//! 1. SGP4 state at t, the Sun, illumination, ITRF and the sub-satellite point;
//! 2. ground contacts (elevation above each station's mask) and the link rates the budgets give;
//! 3. the hardware models over [t, t+dt] with the busy fraction of the previous step; power
//!    transitions of the hardware computer (power loss, power-on, reboot, watchdog) become power
//!    transitions of the onboard computer;
//! 4. the sensor snapshot and the true conditions at t, then the apps run for the step;
//! 5. the uplink (commands, image uploads) and the downlink (queued app data) progress at the
//!    link rates during contact.

use std::collections::{BTreeSet, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

use hardware_models::attitude::AttitudeMode as HwMode;
use hardware_models::computer::ComputerEvent as HwComputerEvent;
use hardware_models::link::LinkGeometry;
use hardware_models::power::LoadId;
use hardware_models::satellite::{Antenna, SatelliteHardware, SatelliteInputs};
use hardware_models::template::HardwareTemplate;
use hardware_models::texture::EarthTexture;
use hifitime::{Duration, Epoch};
use nalgebra::{UnitQuaternion, Vector3};
use orbit::{
    EarthOrientation, Geodetic, Propagator, Station, StationFrame, geodetic_to_itrf, illumination,
    itrf_to_geodetic, itrf_to_teme, teme_to_itrf,
};
use rand_chacha::ChaCha8Rng;

use super::area::Area;
use super::camera::{CameraGeometry, HardwareCamera};
use super::{SimError, SimEvent, SimEventKind, TelemetryRow, Transfer, TransferKind};
use crate::bus::{AttitudeMode, DeliveredMessage};
use crate::computer::{ComputerSpec, OnboardComputer, TickReport};
use crate::hypervisor::Hypervisor;
use crate::state::{
    Conditions, FLAG_CONTACT, FLAG_OVER_AOI, FLAG_SAFE_MODE, FLAG_SUNLIT, STATE_V1_TEMPERATURES,
    StateSnapshot, VALID_ATTITUDE, VALID_GNSS, VALID_POWER, VALID_SUN, VALID_THERMAL,
};
use crate::time::{duration_to_ns, epoch_to_unix_ns};

/// A ChaCha8 stream for the hardware models (same key derivation as
/// [`crate::computer::seeded_rng`]).
pub fn seeded_rng_8(seed: u64, stream: u64) -> ChaCha8Rng {
    use rand::SeedableRng;
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    let mut rng = ChaCha8Rng::from_seed(key);
    rng.set_stream(stream);
    rng
}

/// Shared, read-only environment of a step.
pub(crate) struct StepEnv<'a> {
    pub t: Epoch,
    pub dt: Duration,
    pub sun_pos_eci_km: Vector3<f64>,
    pub sun_lon_rad: f64,
    pub stations: &'a [Station],
    /// `stations[i]`'s frame at index i.
    pub station_frames: &'a [StationFrame],
    pub areas: &'a [Area],
    pub eop: &'a EarthOrientation,
}

/// What a satellite's step produced (merged by the simulation in satellite order).
#[derive(Debug, Default)]
pub(crate) struct LocalStep {
    pub telemetry: Option<TelemetryRow>,
    pub events: Vec<SimEvent>,
    pub report: Option<TickReport>,
    pub delivered: Vec<DeliveredMessage>,
}

/// A satellite in the simulation.
pub struct Satellite {
    pub(crate) name: String,
    pub(crate) propagator: Propagator,
    pub(crate) hw: SatelliteHardware,
    pub(crate) computer: OnboardComputer,
    rng: ChaCha8Rng,
    camera_geometry: Option<Arc<Mutex<CameraGeometry>>>,
    camera_load: Option<LoadId>,
    pub(crate) downlink_load: Option<LoadId>,
    pub(crate) isl_load: Option<LoadId>,
    obc_load: Option<LoadId>,
    launch: Epoch,
    last_busy_fraction: f64,
    last_attitude_error_rad: f64,
    last_array_w: f64,
    last_load_w: f64,
    reboot_requested: bool,
    brownout_until: Option<Epoch>,
    contact: Option<String>,
    pub(crate) lost: bool,
    pub(crate) uplink: VecDeque<Transfer>,
    pub(crate) isl_tx: VecDeque<Transfer>,
    /// Position at the start of the current step, ECI km (for inter-satellite geometry).
    pub(crate) pos_eci_km: Vector3<f64>,
    /// Energy the onboard computer drew, J.
    pub(crate) computer_energy_j: f64,
    /// Bytes delivered to the ground, total.
    pub(crate) downlinked_bytes: u64,
}

impl std::fmt::Debug for Satellite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Satellite")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// The attitude that points the camera boresight at (geocentric) nadir with the along-track
/// axis toward the velocity, by TRIAD (Shuster & Oh 1981): with body unit vectors b₁ =
/// boresight, b₂ ∥ along-track ⊥ b₁, b₃ = b₁ × b₂ and reference vectors r₁ = −r̂, r₂ ∥ v ⊥ r₁,
/// r₃ = r₁ × r₂, `R_eci←body = [r₁ r₂ r₃][b₁ b₂ b₃]ᵀ`, and `q_body_from_eci` is its inverse.
pub fn nadir_attitude(
    template: &HardwareTemplate,
    pos_eci_km: &Vector3<f64>,
    vel_eci_km_s: &Vector3<f64>,
) -> UnitQuaternion<f64> {
    use nalgebra::{Matrix3, Rotation3};
    let triad = |a: Vector3<f64>, b: Vector3<f64>| -> Option<Matrix3<f64>> {
        let a = a.try_normalize(1e-12)?;
        let c = a.cross(&b).try_normalize(1e-12)?;
        let b = c.cross(&a);
        Some(Matrix3::from_columns(&[a, b, c]))
    };
    let att = &template.attitude;
    match (
        triad(att.boresight_body, att.along_track_body),
        triad(-*pos_eci_km, *vel_eci_km_s),
    ) {
        (Some(body), Some(eci)) => {
            let r = Rotation3::from_matrix_unchecked(eci * body.transpose());
            UnitQuaternion::from_rotation_matrix(&r).inverse()
        }
        _ => UnitQuaternion::identity(),
    }
}

/// The onboard computer's spec from the hardware template (the template's hardware watchdog
/// stays with the hardware model; apps get the default heartbeat timeout).
pub fn computer_spec(template: &HardwareTemplate) -> ComputerSpec {
    let c = &template.computer;
    ComputerSpec {
        instruction_rate_ips: c.instruction_rate_ips.round().max(1.0) as u64,
        ram_bytes: c.ram_bytes,
        storage_bytes: c.storage_bytes,
        heartbeat_timeout: crate::computer::DEFAULT_HEARTBEAT_TIMEOUT,
        boot_time: Duration::from_seconds(c.boot_time_s),
    }
}

impl Satellite {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        name: &str,
        propagator: Propagator,
        template: HardwareTemplate,
        texture: Option<Arc<EarthTexture>>,
        hv: &Hypervisor,
        seed: u64,
        start: Epoch,
        eop: Arc<EarthOrientation>,
    ) -> Result<Self, SimError> {
        let stream = crate::hypervisor::vfs::fnv1a64(name.as_bytes());
        let mut rng = seeded_rng_8(seed, stream);
        let hw_err = |e: hardware_models::HardwareError| SimError::Hardware {
            satellite: name.to_string(),
            message: e.to_string(),
        };
        // In orbit from the start, pointing the camera at nadir.
        let q_start = propagator
            .state_at(start)
            .map(|s| nadir_attitude(&template, &s.pos_teme_km, &s.vel_teme_km_s))
            .unwrap_or_else(|_| UnitQuaternion::identity());
        let hw = SatelliteHardware::new(template.clone(), texture.clone(), q_start, &mut rng)
            .map_err(hw_err)?;
        let computer = OnboardComputer::new(hv, computer_spec(&template), name, seed, start);
        let obc_load = template
            .computer
            .power_load
            .as_ref()
            .and_then(|n| hw.power.load_id(n));
        let load = |name: &Option<String>| name.as_ref().and_then(|n| hw.power.load_id(n));
        let camera_load = load(&template.camera.power_load);
        let downlink_load = load(&template.radio.downlink_power_load);
        let isl_load = load(&template.radio.isl_power_load);
        let mut camera_geometry = None;
        if let Some(texture) = texture {
            let camera = hardware_models::camera::Camera::new(template.camera.clone(), texture)
                .map_err(hw_err)?;
            let geometry = Arc::new(Mutex::new(CameraGeometry {
                t0_unix_ns: epoch_to_unix_ns(start),
                dt_ns: 0,
                pos_eci_km: Vector3::zeros(),
                vel_eci_km_s: Vector3::zeros(),
                q0: UnitQuaternion::identity(),
                q1: UnitQuaternion::identity(),
                sun_pos_eci_km: Vector3::zeros(),
                available: false,
                captures: 0,
            }));
            computer.set_camera(Box::new(HardwareCamera {
                camera,
                geometry: geometry.clone(),
                eop,
                rng: seeded_rng_8(seed, stream ^ 0xca3e_4a00),
                scratch: Vec::new(),
            }));
            camera_geometry = Some(geometry);
        }
        Ok(Self {
            name: name.to_string(),
            propagator,
            hw,
            computer,
            rng,
            camera_geometry,
            camera_load,
            downlink_load,
            isl_load,
            obc_load,
            launch: start,
            last_busy_fraction: 0.0,
            last_attitude_error_rad: 0.0,
            last_array_w: 0.0,
            last_load_w: 0.0,
            reboot_requested: false,
            brownout_until: None,
            contact: None,
            lost: false,
            uplink: VecDeque::new(),
            isl_tx: VecDeque::new(),
            pos_eci_km: Vector3::zeros(),
            computer_energy_j: 0.0,
            downlinked_bytes: 0,
        })
    }

    /// The satellite's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The onboard computer (apps, lifecycle, fault injection).
    pub fn computer(&self) -> &OnboardComputer {
        &self.computer
    }

    /// The onboard computer, mutably.
    pub fn computer_mut(&mut self) -> &mut OnboardComputer {
        &mut self.computer
    }

    /// The hardware models.
    pub fn hardware(&self) -> &SatelliteHardware {
        &self.hw
    }

    /// Energy the onboard computer has drawn, J.
    pub fn computer_energy_j(&self) -> f64 {
        self.computer_energy_j
    }

    /// Bytes downlinked to the ground so far.
    pub fn downlinked_bytes(&self) -> u64 {
        self.downlinked_bytes
    }

    /// Commands a reboot of the computer at the next step (the hardware boots for its boot
    /// time; every enabled app restarts after it, files kept).
    pub fn request_reboot(&mut self) {
        self.reboot_requested = true;
    }

    /// Cuts the computer's power load until `until` (a brown-out: apps lose their memory,
    /// files survive, and everything restarts after power returns and the boot time).
    pub fn brown_out_until(&mut self, until: Epoch) {
        self.brownout_until = Some(until);
    }

    /// The attitude mode the apps asked for, as the attitude controller takes it (nadir until
    /// an app asks otherwise). A target is converted to its ECI position and velocity at `t`.
    fn attitude_mode(&self, t: Epoch, eop: &EarthOrientation) -> (HwMode, u32) {
        let Some(req) = self.computer.attitude_request() else {
            return (HwMode::Nadir, 0);
        };
        let mode = match req.mode {
            AttitudeMode::Nadir => HwMode::Nadir,
            AttitudeMode::Sun => HwMode::SunPointing,
            AttitudeMode::Inertial {
                q_body_from_eci: [w, x, y, z],
            } => HwMode::InertialHold {
                q_body_from_eci: UnitQuaternion::from_quaternion(nalgebra::Quaternion::new(
                    w, x, y, z,
                )),
            },
            AttitudeMode::Target {
                lat_rad,
                lon_rad,
                alt_m,
            } => {
                let itrf = geodetic_to_itrf(&Geodetic {
                    lat_rad,
                    lon_rad,
                    alt_km: alt_m / 1000.0,
                });
                let (pos, vel) = itrf_to_teme(&itrf, &Vector3::zeros(), t, eop);
                HwMode::TargetTracking {
                    target_pos_eci_km: pos,
                    target_vel_eci_km_s: vel,
                }
            }
        };
        (mode, req.mode.abi_mode())
    }

    /// Runs the satellite's step over `[env.t, env.t + env.dt)`.
    pub(crate) fn step_local(&mut self, env: &StepEnv<'_>) -> LocalStep {
        let mut out = LocalStep::default();
        if self.lost {
            return out;
        }
        let t = env.t;
        let t_ns = epoch_to_unix_ns(t);
        let dt_s = env.dt.to_seconds();
        let ev = |kind: SimEventKind| SimEvent {
            time: t,
            satellite: self.name.clone(),
            kind,
        };

        // 1. Orbit.
        let state = match self.propagator.state_at(t) {
            Ok(s) => s,
            Err(e) => {
                self.lost = true;
                self.computer.power_off();
                out.events.push(ev(SimEventKind::Lost {
                    reason: e.to_string(),
                }));
                return out;
            }
        };
        let (pos, vel) = (state.pos_teme_km, state.vel_teme_km_s);
        self.pos_eci_km = pos;
        let lit = illumination(&pos, &env.sun_pos_eci_km);
        let (pos_itrf, vel_itrf) = teme_to_itrf(&pos, &vel, t, env.eop);
        let geo = itrf_to_geodetic(&pos_itrf);

        // 2. Ground contact: the highest station above its mask.
        let mut best: Option<(f64, &Station, f64)> = None;
        for (st, frame) in env.stations.iter().zip(env.station_frames) {
            let topo = frame.look(&pos_itrf, &vel_itrf);
            if topo.elevation_rad >= st.min_elevation_rad
                && best.is_none_or(|(el, _, _)| topo.elevation_rad > el)
            {
                best = Some((topo.elevation_rad, st, topo.range_km));
            }
        }
        let (mut downlink_bps, mut uplink_bps) = (0.0, 0.0);
        if let Some((el, st, range_km)) = best {
            let (site_eci, _) = itrf_to_teme(
                &geodetic_to_itrf(&st.location),
                &Vector3::zeros(),
                t,
                env.eop,
            );
            let line_of_sight = site_eci - pos;
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
        let station = best.map(|(_, s, _)| s.name.clone());
        if station != self.contact {
            if let Some(old) = self.contact.take() {
                out.events
                    .push(ev(SimEventKind::ContactEnd { station: old }));
            }
            if let Some(new) = &station {
                out.events.push(ev(SimEventKind::ContactStart {
                    station: new.clone(),
                }));
            }
            self.contact = station.clone();
        }
        let areas: BTreeSet<String> = env
            .areas
            .iter()
            .filter(|a| a.contains(&geo))
            .map(|a| a.name.clone())
            .collect();

        // 3. Hardware over the step; truth at t read first.
        let q0 = self.hw.attitude.q_body_from_eci();
        let soc0 = self.hw.power.soc();
        let energy0_wh = self.hw.power.battery().energy_j() / 3600.0;
        let attitude_error0 = self.last_attitude_error_rad;
        let (mode, abi_mode) = self.attitude_mode(t, env.eop);
        if let (Some(id), Some(until)) = (self.obc_load, self.brownout_until) {
            let off = t < until;
            self.hw.power.set_load_on(id, !off);
            if !off {
                self.brownout_until = None;
            }
        }
        let hw_out = self.hw.step(
            env.dt,
            &SatelliteInputs {
                pos_eci_km: pos,
                vel_eci_km_s: vel,
                sun_pos_eci_km: env.sun_pos_eci_km,
                illumination: lit,
                attitude_mode: mode,
                busy_fraction: self.last_busy_fraction,
                watchdog_kicked: true,
                reboot_requested: std::mem::take(&mut self.reboot_requested),
                time_since_launch: t - self.launch,
            },
            &mut self.rng,
        );
        self.computer_energy_j += hw_out.computer.power_w * dt_s;
        for e in &hw_out.computer.events {
            match e {
                HwComputerEvent::PoweredOff => self.computer.power_off(),
                HwComputerEvent::PoweredOn => self.computer.power_on(),
                HwComputerEvent::Rebooted | HwComputerEvent::WatchdogReset => {
                    self.computer.reboot()
                }
                HwComputerEvent::Booted { .. } => {}
            }
            out.events.push(ev(SimEventKind::Hardware {
                what: format!("computer {e:?}"),
            }));
        }
        for e in &hw_out.power.events {
            out.events.push(ev(SimEventKind::Hardware {
                what: format!("power {e:?}"),
            }));
        }
        for e in &hw_out.thermal.events {
            out.events.push(ev(SimEventKind::Hardware {
                what: format!("thermal {e:?}"),
            }));
        }
        let safe_mode = self.hw.power.safe_mode();

        // The camera for this step.
        if let Some(g) = &self.camera_geometry {
            let mut g = g.lock().unwrap_or_else(PoisonError::into_inner);
            *g = CameraGeometry {
                t0_unix_ns: t_ns,
                dt_ns: duration_to_ns(env.dt),
                pos_eci_km: pos,
                vel_eci_km_s: vel,
                q0,
                q1: hw_out.attitude.q_body_from_eci,
                sun_pos_eci_km: env.sun_pos_eci_km,
                available: !safe_mode && self.load_available(self.camera_load),
                captures: 0,
            };
        }

        // 4. What the apps see, and run them.
        let snapshot = self.snapshot(
            &hw_out.sensors,
            t,
            env,
            q0,
            soc0,
            energy0_wh,
            abi_mode,
            attitude_error0,
            lit,
            &areas,
            station.is_some(),
            safe_mode,
        );
        let local_solar_time_h =
            (12.0 + (geo.lon_rad - env.sun_lon_rad).to_degrees() / 15.0).rem_euclid(24.0);
        let conditions = Conditions {
            sunlit: lit > 0.0,
            in_contact: station.is_some(),
            areas,
            battery_soc: soc0,
            local_solar_time_h,
            safe_mode,
        };
        let report = self.computer.step(t, env.dt, &snapshot, &conditions);
        self.last_busy_fraction = report.busy_fraction;
        self.last_attitude_error_rad = hw_out.attitude.attitude_error_rad;
        self.last_array_w = hw_out.power.array_harvested_w;
        self.last_load_w = hw_out.power.load_w;

        // 5. Links during contact (the transmitter only if its load is not shed).
        let uplink_bytes = (uplink_bps * dt_s / 8.0).floor() as u64;
        let downlink_bytes = if self.load_available(self.downlink_load) {
            (downlink_bps * dt_s / 8.0).floor() as u64
        } else {
            0
        };
        let mut sent = 0;
        if station.is_some() {
            self.progress_uplink(uplink_bytes, t + env.dt, &mut out.events);
            let progress = self.computer.drain_downlink(downlink_bytes);
            sent = progress.bytes_sent;
            self.downlinked_bytes += progress.bytes_sent;
            out.delivered = progress.completed;
        }
        // Devices used in this step draw their power in the next one (zero-order hold, like
        // the computer's busy power).
        let captures = self.camera_geometry.as_ref().map_or(0, |g| {
            g.lock().unwrap_or_else(PoisonError::into_inner).captures
        });
        self.switch_load(self.camera_load, captures > 0, "imaging");
        self.switch_load(self.downlink_load, sent > 0, "transmit");
        for msg in self.computer.take_isl_outbox() {
            let bytes = msg.data.len() as u64;
            self.isl_tx.push_back(Transfer {
                bytes_left: bytes,
                total_bytes: bytes,
                kind: TransferKind::Isl(msg),
            });
        }

        let temps_k = self.hw.thermal.temps_k();
        let obc_node = self
            .hw
            .template()
            .computer
            .thermal_node
            .as_ref()
            .and_then(|n| self.hw.thermal.node_id(n));
        out.telemetry = Some(TelemetryRow {
            time: t,
            satellite: self.name.clone(),
            lat_deg: geo.lat_rad.to_degrees(),
            lon_deg: geo.lon_rad.to_degrees(),
            alt_km: geo.alt_km,
            illumination: lit,
            battery_soc: hw_out.power.soc,
            array_power_w: hw_out.power.array_harvested_w,
            load_power_w: hw_out.power.load_w,
            computer_power_w: hw_out.computer.power_w,
            computer_temp_c: obc_node.map_or(f64::NAN, |id| temps_k[id.0] - 273.15),
            busy_fraction: report.busy_fraction,
            instructions: report.instructions,
            attitude_mode: abi_mode,
            attitude_error_deg: hw_out.attitude.attitude_error_rad.to_degrees(),
            safe_mode,
            station: station.unwrap_or_default(),
            downlink_rate_bps: downlink_bps,
            downlink_bytes: if conditions.in_contact {
                downlink_bytes
            } else {
                0
            },
            downlink_queued_bytes: self.computer.downlink_queued_bytes(),
        });
        out.report = Some(report);
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn snapshot(
        &self,
        readings: &hardware_models::sensors::SensorReadings,
        t: Epoch,
        env: &StepEnv<'_>,
        q0: UnitQuaternion<f64>,
        soc0: f64,
        energy0_wh: f64,
        attitude_mode: u32,
        attitude_error_rad: f64,
        lit: f64,
        areas: &BTreeSet<String>,
        contact: bool,
        safe_mode: bool,
    ) -> StateSnapshot {
        let mut s = StateSnapshot {
            time_unix_ns: epoch_to_unix_ns(t),
            attitude_mode,
            battery_soc: soc0,
            battery_energy_wh: energy0_wh,
            solar_power_w: self.last_array_w,
            load_power_w: self.last_load_w,
            illumination: lit,
            valid: VALID_POWER,
            ..StateSnapshot::default()
        };
        s.flags = if lit > 0.0 { FLAG_SUNLIT } else { 0 }
            | if contact { FLAG_CONTACT } else { 0 }
            | if safe_mode { FLAG_SAFE_MODE } else { 0 }
            | if areas.is_empty() { 0 } else { FLAG_OVER_AOI };
        if let Some(fix) = &readings.gnss {
            s.valid |= VALID_GNSS;
            s.pos_eci_km = fix.pos_eci_km.into();
            s.vel_eci_km_s = fix.vel_eci_km_s.into();
            let (itrf, _) = teme_to_itrf(&fix.pos_eci_km, &fix.vel_eci_km_s, t, env.eop);
            let g = itrf_to_geodetic(&itrf);
            s.lat_deg = g.lat_rad.to_degrees();
            s.lon_deg = g.lon_rad.to_degrees();
            s.alt_km = g.alt_km;
        }
        if let Some(w) = readings.omega_body_rad_s {
            // Attitude knowledge is ideal (no star-tracker model); the rates are the gyro's.
            s.valid |= VALID_ATTITUDE;
            s.q_body_from_eci = [q0.w, q0.i, q0.j, q0.k];
            s.rate_body_rad_s = w.into();
            s.pointing_error_deg = attitude_error_rad.to_degrees();
        }
        if let Some(d) = readings.sun_dir_body {
            s.valid |= VALID_SUN;
            s.sun_body_unit = d.into();
        }
        let names = &self.hw.template().thermal.nodes;
        if readings.temps_k.iter().all(Option::is_some) && !readings.temps_k.is_empty() {
            s.valid |= VALID_THERMAL;
        }
        s.temperatures_c = names
            .iter()
            .zip(&readings.temps_k)
            .take(STATE_V1_TEMPERATURES)
            .map(|(n, t)| (n.name.clone(), t.map_or(0.0, |k| k - 273.15)))
            .collect();
        s
    }

    /// Whether a device's power load is not shed (load shedding, safe mode); devices without a
    /// load are always available.
    pub(crate) fn load_available(&self, id: Option<LoadId>) -> bool {
        id.is_none_or(|id| self.hw.power.shed_cause(id).is_none())
    }

    /// Switches a device's load on in `mode` (when it has that mode) or off.
    pub(crate) fn switch_load(&mut self, id: Option<LoadId>, on: bool, mode: &str) {
        if let Some(id) = id {
            if on {
                let _ = self.hw.power.set_load_mode(id, mode);
            }
            self.hw.power.set_load_on(id, on);
        }
    }

    /// Moves uplink transfers forward by `bytes`; completed ones take effect at `at`.
    fn progress_uplink(&mut self, mut bytes: u64, at: Epoch, events: &mut Vec<SimEvent>) {
        while bytes > 0 {
            let Some(front) = self.uplink.front_mut() else {
                break;
            };
            let n = front.bytes_left.min(bytes);
            front.bytes_left -= n;
            bytes -= n;
            if front.bytes_left > 0 {
                break;
            }
            let Some(done) = self.uplink.pop_front() else {
                break;
            };
            let kind = match done.kind {
                TransferKind::Command { app, data } => {
                    let delivered = self.computer.deliver_command(&app, &data);
                    SimEventKind::CommandDelivered {
                        app,
                        bytes: data.len() as u64,
                        delivered,
                    }
                }
                TransferKind::Upload {
                    image,
                    config,
                    update,
                } => {
                    let app = config.name.clone();
                    let result = match self.computer.app_id(&app) {
                        Some(id) if update => self.computer.update(id, &image),
                        Some(_) => {
                            Err(crate::computer::ComputerError::NameTaken { name: app.clone() })
                        }
                        None => self
                            .computer
                            .install(&image, config)
                            .and_then(|id| self.computer.start(id)),
                    };
                    SimEventKind::UploadComplete {
                        app,
                        bytes: done.total_bytes,
                        result: result.map_err(|e| e.to_string()),
                    }
                }
                TransferKind::Isl(_) | TransferKind::Migration { .. } => continue,
            };
            events.push(SimEvent {
                time: at,
                satellite: self.name.clone(),
                kind,
            });
        }
    }
}
