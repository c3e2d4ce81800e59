//! One simulated satellite: its orbit, hardware models, onboard computer and link queues, the
//! attitude the apps ask for, and the uplink. Its step is in `satellite_step.rs`.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use hardware_models::attitude::AttitudeMode as HwMode;
use hardware_models::camera::Camera;
use hardware_models::power::LoadId;
use hardware_models::satellite::SatelliteHardware;
use hardware_models::sensors::SensorReadings;
use hardware_models::template::HardwareTemplate;
use hardware_models::texture::EarthTexture;
use hardware_models::thermal::NodeId;
use hifitime::{Duration, Epoch};
use nalgebra::{Matrix3, Quaternion, Rotation3, UnitQuaternion, Vector3};
use orbit::{EarthOrientation, Geodetic, Propagator, geodetic_to_itrf, itrf_to_teme};
use rand_chacha::ChaCha8Rng;

use super::camera::{CameraGeometry, HardwareCamera};
use super::error::SimError;
use super::report::{SimEvent, SimEventKind};
use super::transfer::{Transfer, TransferKind};
use crate::bus::devices::AttitudeMode;
use crate::bus::vfs::fnv1a64;
use crate::computer::OnboardComputer;
use crate::computer::config::{ComputerSpec, DEFAULT_HEARTBEAT_TIMEOUT};
use crate::computer::error::ComputerError;
use crate::computer::status::TickReport;
use crate::hypervisor::engine::Hypervisor;
use crate::rng::chacha8_stream;
use crate::time::epoch_to_unix_ns;

/// What a new satellite is set up with besides its orbit and hardware: the hypervisor its
/// computer runs apps on, the run seed, the start time, the camera's Earth texture (none: no
/// camera) and the Earth orientation.
pub(crate) struct SatelliteSetup<'a> {
    pub hv: &'a Hypervisor,
    pub seed: u64,
    pub start: Epoch,
    pub texture: Option<Arc<EarthTexture>>,
    pub eop: Arc<EarthOrientation>,
    /// The hardware of a satellite already in the simulation, whose geometry and
    /// self-shadowing tables the new one shares if built from the same body
    /// ([`SatelliteHardware::new_like`]).
    pub like: Option<&'a SatelliteHardware>,
}

/// A satellite in the simulation.
pub struct Satellite {
    /// The name (shared by the telemetry rows).
    pub(super) name: Arc<str>,
    pub(super) propagator: Propagator,
    pub(super) hw: SatelliteHardware,
    pub(super) computer: OnboardComputer,
    pub(super) rng: ChaCha8Rng,
    pub(super) camera_geometry: Option<Arc<Mutex<CameraGeometry>>>,
    pub(super) camera_load: Option<LoadId>,
    pub(super) downlink_load: Option<LoadId>,
    pub(super) isl_load: Option<LoadId>,
    pub(super) obc_load: Option<LoadId>,
    pub(super) launch: Epoch,
    pub(super) last_attitude_error_rad: f64,
    pub(super) last_array_w: f64,
    pub(super) last_load_w: f64,
    pub(super) reboot_requested: bool,
    pub(super) brownout_until: Option<Epoch>,
    /// An attitude mode commanded from the ground, and when (POSIX ns).
    pub(super) attitude_command: Option<(AttitudeMode, i64)>,
    pub(super) contact: Option<String>,
    pub(super) lost: bool,
    pub(super) uplink: VecDeque<Transfer>,
    pub(super) isl_tx: VecDeque<Transfer>,
    /// Position at the start of the current step, ECI km (for inter-satellite geometry).
    pub(super) pos_eci_km: Vector3<f64>,
    /// Energy the onboard computer drew, J.
    pub(super) computer_energy_j: f64,
    /// Bytes delivered to the ground, total.
    pub(super) downlinked_bytes: u64,
    /// Camera images captured, total.
    pub(super) images_captured: u64,
    /// The sensors' readings of the last step they were read in (the buffers reused).
    pub(super) readings: SensorReadings,
    /// The computer's report of the last step: its busy fraction sets the computer's power
    /// in the next step, and its per-app list is reused.
    pub(super) tick: TickReport,
    /// The thermal node of the onboard computer (telemetry's `computer_temp_c`), resolved once.
    pub(super) obc_node: Option<NodeId>,
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
        heartbeat_timeout: DEFAULT_HEARTBEAT_TIMEOUT,
        boot_time: Duration::from_seconds(c.boot_time_s),
    }
}

impl Satellite {
    /// A satellite flying `propagator` with the hardware of `template`, in orbit from the
    /// start and pointing its camera at nadir. Its hardware models draw from the run seed's
    /// ChaCha8 stream of its name (FNV-1a), its camera from a stream of its own.
    pub(crate) fn new(
        name: &str,
        propagator: Propagator,
        template: HardwareTemplate,
        setup: SatelliteSetup<'_>,
    ) -> Result<Self, SimError> {
        let SatelliteSetup {
            hv,
            seed,
            start,
            texture,
            eop,
            like,
        } = setup;
        let stream = fnv1a64(name.as_bytes());
        let mut rng = chacha8_stream(seed, stream);
        let hw_err = |source| SimError::Hardware {
            satellite: name.to_string(),
            source,
        };
        let q_start = propagator
            .state_at(start)
            .map(|s| nadir_attitude(&template, &s.pos_teme_km, &s.vel_teme_km_s))
            .unwrap_or_else(|_| UnitQuaternion::identity());
        let hw =
            SatelliteHardware::new_like(template.clone(), texture.clone(), q_start, &mut rng, like)
                .map_err(hw_err)?;
        let computer = OnboardComputer::new(hv, computer_spec(&template), name, seed, start);
        let load = |name: &Option<String>| name.as_ref().and_then(|n| hw.power.load_id(n));
        let obc_load = load(&template.computer.power_load);
        let camera_load = load(&template.camera.power_load);
        let downlink_load = load(&template.radio.downlink_power_load);
        let isl_load = load(&template.radio.isl_power_load);
        let obc_node = template
            .computer
            .thermal_node
            .as_ref()
            .and_then(|n| hw.thermal.node_id(n));
        let camera_geometry = match texture {
            Some(texture) => {
                let camera = Camera::new(template.camera.clone(), texture).map_err(hw_err)?;
                let rng = chacha8_stream(seed, stream ^ 0xca3e_4a00);
                Some(install_camera(&computer, camera, start, eop, rng))
            }
            None => None,
        };
        Ok(Self {
            name: name.into(),
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
            last_attitude_error_rad: 0.0,
            last_array_w: 0.0,
            last_load_w: 0.0,
            reboot_requested: false,
            brownout_until: None,
            attitude_command: None,
            contact: None,
            lost: false,
            uplink: VecDeque::new(),
            isl_tx: VecDeque::new(),
            pos_eci_km: Vector3::zeros(),
            computer_energy_j: 0.0,
            downlinked_bytes: 0,
            images_captured: 0,
            readings: SensorReadings::default(),
            tick: TickReport::default(),
            obc_node,
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

    /// Camera images captured so far.
    pub fn images_captured(&self) -> u64 {
        self.images_captured
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

    /// Hangs the onboard computer's hypervisor (fault injection): its apps stop and it no
    /// longer kicks the hardware watchdog, which resets the computer after the template's
    /// `watchdog_timeout_s`; the apps restart after the boot time, their files kept.
    pub fn hang_computer(&mut self) {
        self.computer.hang();
    }

    /// The hardware models, mutably (fault injection: a failed wheel or solar-array string).
    pub fn hardware_mut(&mut self) -> &mut SatelliteHardware {
        &mut self.hw
    }

    /// Commands an attitude mode from the ground (`None`: back to the apps' requests). It holds
    /// until an app requests a mode after it, or the next command.
    pub fn command_attitude(&mut self, mode: Option<AttitudeMode>, at: Epoch) {
        self.attitude_command = mode.map(|m| (m, crate::time::epoch_to_unix_ns(at)));
    }

    /// Cuts the computer's power load until `until` (a brown-out: apps lose their memory,
    /// files survive, and everything restarts after power returns and the boot time).
    pub fn brown_out_until(&mut self, until: Epoch) {
        self.brownout_until = Some(until);
    }

    /// The attitude mode asked for last — by an app, or by a ground command — as the attitude
    /// controller takes it (nadir until someone asks otherwise). A target is converted to its
    /// ECI position and velocity at `t`.
    pub(super) fn attitude_mode(&self, t: Epoch, eop: &EarthOrientation) -> (HwMode, u32) {
        let by_app = self
            .computer
            .attitude_request()
            .map(|r| (r.mode, r.time_unix_ns));
        let latest = match (by_app, self.attitude_command) {
            (Some(a), Some(c)) => Some(if a.1 > c.1 { a } else { c }),
            (a, c) => a.or(c),
        };
        let Some((requested, _)) = latest else {
            return (HwMode::Nadir, 0);
        };
        let mode = match requested {
            AttitudeMode::Nadir => HwMode::Nadir,
            AttitudeMode::Sun => HwMode::SunPointing,
            AttitudeMode::Inertial {
                q_body_from_eci: [w, x, y, z],
            } => HwMode::InertialHold {
                q_body_from_eci: UnitQuaternion::from_quaternion(Quaternion::new(w, x, y, z)),
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
        (mode, requested.abi_mode())
    }

    /// Whether nothing of this satellite can cross to another one in the coming steps: its
    /// ISL queue is empty, its ISL terminal is switched off, and no app installed or being
    /// uploaded can send over the ISL. Then the exchange at a step boundary has nothing to do
    /// for it.
    pub(super) fn keeps_to_itself(&self) -> bool {
        let uploads_isl = self
            .uplink
            .iter()
            .any(|t| matches!(&t.kind, TransferKind::Upload { image, .. } if image.sends_isl()));
        self.isl_quiet() && !self.computer.may_send_isl() && !uploads_isl
    }

    /// Whether the satellite has nothing for the ISL now: no transfer queued and its terminal
    /// switched off.
    pub(super) fn isl_quiet(&self) -> bool {
        self.isl_tx.is_empty() && !self.isl_load.is_some_and(|id| self.hw.power.is_load_on(id))
    }

    /// Whether a device's power load is not shed (load shedding, safe mode); devices without a
    /// load are always available.
    pub(super) fn load_available(&self, id: Option<LoadId>) -> bool {
        id.is_none_or(|id| self.hw.power.shed_cause(id).is_none())
    }

    /// Switches a device's load on in `mode` (when it has that mode) or off.
    pub(super) fn switch_load(&mut self, id: Option<LoadId>, on: bool, mode: &str) {
        if let Some(id) = id {
            if on {
                let _ = self.hw.power.set_load_mode(id, mode);
            }
            self.hw.power.set_load_on(id, on);
        }
    }

    /// Moves uplink transfers forward by `bytes`; completed ones take effect at `at`.
    pub(super) fn progress_uplink(
        &mut self,
        mut bytes: u64,
        at: Epoch,
        events: &mut Vec<SimEvent>,
    ) {
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
                        Some(_) => Err(ComputerError::NameTaken { name: app.clone() }),
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
                satellite: self.name.to_string(),
                kind,
            });
        }
    }
}

/// Gives the computer's apps the hardware camera (rendering with the Earth orientation and
/// its own noise stream); returns the geometry the satellite updates every step.
fn install_camera(
    computer: &OnboardComputer,
    camera: Camera,
    start: Epoch,
    eop: Arc<EarthOrientation>,
    rng: ChaCha8Rng,
) -> Arc<Mutex<CameraGeometry>> {
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
        rng,
        scratch: Vec::new(),
    }));
    geometry
}
