//! Attitude: rigid-body dynamics (the inertia tensor from the spacecraft's geometry), reaction
//! wheels, gravity-gradient torque, pointing modes with a rate-limited quaternion-feedback
//! controller, momentum dumping.
//!
//! The caller gives, for each step, the orbit state at the start of the step (ECI = TEME), the
//! Sun direction and the commanded mode; the model sub-steps at the control period, advancing
//! the orbit position inside the step with the f and g series, and returns the attitude at the
//! end. Slew times come out of the dynamics: torque and momentum limits of the wheels, the
//! slew-rate limit and the braking curve of the controller. In the steady state of a pointing
//! mode a step may take the validated settled shortcut instead of the control sub-steps (see
//! the `settled` module; `AttitudeParams::settled_steps`).

mod control;
mod dynamics;
mod reference;
mod rotation;
mod settled;
mod wheels;

pub use control::{AttitudeMode, ControllerParams, MIN_CONTROL_PERIOD_S};
pub use dynamics::RigidBodyAttitude;
pub(crate) use dynamics::check_inertia;
pub use settled::{FULL_STEP_INTERVAL_S, MAX_ERROR_RAD, MAX_RATE_ERROR_RAD_S};
pub use wheels::{ReactionWheelParams, WheelArray};

use hifitime::Duration;
use nalgebra::{Matrix3, UnitQuaternion, Vector3};
use serde::{Deserialize, Serialize};

use crate::error::{HardwareError, check};
use reference::{BodyTriad, OrbitArc, align};
use settled::SettledState;

use orbit::constants::MU_EARTH_KM3_S2;

/// Attitude that points body axis `primary_body` exactly along `primary_eci` and body axis
/// `secondary_body` as close as possible to `secondary_eci` (TRIAD), as a rotation from ECI to
/// body; `None` when either pair is parallel. E.g. nadir pointing: primary = boresight toward
/// −r, secondary = along-track axis toward v.
pub fn align_body_axes(
    primary_body: &Vector3<f64>,
    secondary_body: &Vector3<f64>,
    primary_eci: &Vector3<f64>,
    secondary_eci: &Vector3<f64>,
) -> Option<UnitQuaternion<f64>> {
    align(primary_body, secondary_body, primary_eci, secondary_eci).map(|q| q.inverse())
}

fn default_true() -> bool {
    true
}

/// Parameters of the attitude subsystem (the inertia tensor is not one of them: it comes from
/// the spacecraft's geometry, see [`AttitudeModel::new`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttitudeParams {
    /// Reaction wheels (3 orthogonal or 4 in a pyramid, ...).
    pub wheels: Vec<ReactionWheelParams>,
    /// Controller gains and limits.
    pub controller: ControllerParams,
    /// Payload (camera, antenna) boresight, body frame: to nadir or to the target.
    pub boresight_body: Vector3<f64>,
    /// Body axis kept toward the velocity in nadir and target modes.
    pub along_track_body: Vector3<f64>,
    /// Solar-array normal: to the Sun in sun-pointing mode.
    pub sun_axis_body: Vector3<f64>,
    /// Body axis kept toward nadir in sun-pointing mode.
    pub sun_secondary_body: Vector3<f64>,
    /// Whether the gravity-gradient torque acts.
    #[serde(default = "default_true")]
    pub gravity_gradient: bool,
    /// Automatic momentum dump when any wheel exceeds this fraction of its momentum limit
    /// (`None`: only on request).
    #[serde(default)]
    pub auto_dump_fraction: Option<f64>,
    /// Power-system load of the ADCS: its first mode's power (electronics, sensors) plus the
    /// wheel power computed by the model.
    #[serde(default)]
    pub power_load: Option<String>,
    /// Whether steps in the steady state of a pointing mode may take the settled shortcut
    /// (see the `settled` module and docs/models.md: validated against the full dynamics;
    /// default true). `false` runs the full dynamics at every step.
    #[serde(default = "default_true")]
    pub settled_steps: bool,
}

impl AttitudeParams {
    /// Checks ranges and geometry: controller, pointing axes and the wheels (limits, axes
    /// spanning 3-D).
    pub fn validate(&self) -> Result<(), HardwareError> {
        let m = "attitude";
        self.controller.validate()?;
        for (field, v) in [
            ("boresight_body", &self.boresight_body),
            ("along_track_body", &self.along_track_body),
            ("sun_axis_body", &self.sun_axis_body),
            ("sun_secondary_body", &self.sun_secondary_body),
        ] {
            check(v.norm() > 0.0, m, field, v.norm(), "a non-zero vector")?;
        }
        if self
            .boresight_body
            .normalize()
            .cross(&self.along_track_body.normalize())
            .norm()
            < 1e-6
            || self
                .sun_axis_body
                .normalize()
                .cross(&self.sun_secondary_body.normalize())
                .norm()
                < 1e-6
        {
            return Err(HardwareError::Inconsistent {
                model: m,
                reason: "primary and secondary pointing axes must not be parallel",
            });
        }
        WheelArray::new(self.wheels.clone())?;
        if let Some(f) = self.auto_dump_fraction {
            check(
                f > 0.0 && f <= 1.0,
                m,
                "auto_dump_fraction",
                f,
                "0 < value <= 1",
            )?;
        }
        Ok(())
    }
}

/// Inputs of one attitude step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AttitudeInputs {
    /// Spacecraft position at the start of the step, ECI (TEME), km.
    pub pos_eci_km: Vector3<f64>,
    /// Spacecraft velocity at the start of the step, ECI (TEME), km/s.
    pub vel_eci_km_s: Vector3<f64>,
    /// Unit vector to the Sun, ECI (held over the step).
    pub sun_dir_eci: Vector3<f64>,
    /// Commanded pointing mode.
    pub mode: AttitudeMode,
    /// Further external torque (disturbances beyond gravity gradient), body frame, N·m.
    pub external_torque_body_nm: Vector3<f64>,
}

/// Something the attitude subsystem did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AttitudeEvent {
    /// The wheel momentum was removed by an (idealised) momentum dump.
    MomentumDumped {
        /// Magnitude of the momentum removed, N·m·s.
        removed_nms: f64,
        /// Time into the step.
        after: Duration,
    },
    /// A torque or momentum limit of the wheels started to bind.
    WheelsSaturated {
        /// Time into the step.
        after: Duration,
    },
    /// The wheels came out of saturation.
    WheelsUnsaturated {
        /// Time into the step.
        after: Duration,
    },
}

/// Results of one attitude step (state at its end, averages over it).
#[derive(Clone, Debug, PartialEq)]
pub struct AttitudeOutputs {
    /// Attitude at the end of the step: rotates ECI vectors into the body frame.
    pub q_body_from_eci: UnitQuaternion<f64>,
    /// Body angular velocity relative to ECI, body frame, rad/s.
    pub omega_body_rad_s: Vector3<f64>,
    /// Angle between the attitude and the mode's reference at the end of the step, rad
    /// (0 in `Idle`).
    pub attitude_error_rad: f64,
    /// Electrical power of the wheels, average over the step, W.
    pub wheel_power_w: f64,
    /// Events, in time order.
    pub events: Vec<AttitudeEvent>,
}

/// State of the attitude subsystem.
#[derive(Clone, Debug)]
pub struct AttitudeModel {
    params: AttitudeParams,
    body: RigidBodyAttitude,
    wheels: WheelArray,
    dump_requested: bool,
    saturated: bool,
    /// Body halves of the TRIADs: boresight/along-track (nadir, target), Sun axis/secondary.
    pointing_triad: BodyTriad,
    sun_triad: BodyTriad,
    scratch_torques: Vec<f64>,
    settled: SettledState,
}

impl AttitudeModel {
    /// A spacecraft with the inertia tensor `inertia_kg_m2` (about the centre of mass, body
    /// axes; from the geometry's mass properties,
    /// [`MassProperties`](crate::geometry::MassProperties)) at attitude `q_body_from_eci` with
    /// body rate `omega_body_rad_s` and empty wheels. The tensor must be symmetric, positive
    /// definite and physical (triangle inequality of its principal moments).
    pub fn new(
        params: AttitudeParams,
        inertia_kg_m2: &Matrix3<f64>,
        q_body_from_eci: UnitQuaternion<f64>,
        omega_body_rad_s: Vector3<f64>,
    ) -> Result<Self, HardwareError> {
        params.validate()?;
        let wheels = WheelArray::new(params.wheels.clone())?;
        let body = RigidBodyAttitude::new(
            inertia_kg_m2,
            &q_body_from_eci.inverse(),
            &omega_body_rad_s,
            &wheels.momentum_body_nms(),
        )?;
        let parallel = || HardwareError::Inconsistent {
            model: "attitude",
            reason: "primary and secondary pointing axes must not be parallel",
        };
        let pointing_triad = BodyTriad::new(&params.boresight_body, &params.along_track_body)
            .ok_or_else(parallel)?;
        let sun_triad = BodyTriad::new(&params.sun_axis_body, &params.sun_secondary_body)
            .ok_or_else(parallel)?;
        Ok(Self {
            params,
            body,
            wheels,
            dump_requested: false,
            saturated: false,
            pointing_triad,
            sun_triad,
            scratch_torques: Vec::new(),
            settled: SettledState::default(),
        })
    }

    /// Parameters.
    pub fn params(&self) -> &AttitudeParams {
        &self.params
    }

    /// The rigid body.
    pub fn body(&self) -> &RigidBodyAttitude {
        &self.body
    }

    /// Inertia tensor about the centre of mass, body axes, kg·m².
    pub fn inertia_kg_m2(&self) -> &Matrix3<f64> {
        self.body.inertia_kg_m2()
    }

    /// The wheels.
    pub fn wheels(&self) -> &WheelArray {
        &self.wheels
    }

    /// Fails reaction wheel `i` for good (fault injection, see [`WheelArray::fail`]); from then
    /// on every step runs the full dynamics.
    pub fn fail_wheel(&mut self, i: usize) {
        self.wheels.fail(i);
    }

    /// Attitude: rotates ECI vectors into the body frame.
    pub fn q_body_from_eci(&self) -> UnitQuaternion<f64> {
        self.body.q_eci_from_body().inverse()
    }

    /// Body angular velocity relative to ECI, body frame, rad/s.
    pub fn omega_body_rad_s(&self) -> Vector3<f64> {
        self.body.omega_body_rad_s(&self.wheels.momentum_body_nms())
    }

    /// Total angular momentum of body and wheels, ECI frame, N·m·s.
    pub fn momentum_eci_nms(&self) -> Vector3<f64> {
        self.body.q_eci_from_body() * self.body.momentum_body_nms()
    }

    /// Sets the wheels' stored momenta (e.g. an initial bias), keeping the body rate.
    pub fn set_wheel_momentum_nms(&mut self, momentum_nms: &[f64]) {
        let before = self.wheels.momentum_body_nms();
        self.wheels.set_momentum_nms(momentum_nms);
        let after = self.wheels.momentum_body_nms();
        self.body.remove_momentum(&(before - after));
    }

    /// Requests a momentum dump at the start of the next step.
    pub fn request_momentum_dump(&mut self) {
        self.dump_requested = true;
    }

    /// Reference attitude (ECI from body) of `mode` at orbit state (r, v) and time τ into
    /// the step; `None` when the mode has no reference (Idle) or the geometry is degenerate.
    fn reference(
        &self,
        mode: &AttitudeMode,
        r: &Vector3<f64>,
        v: &Vector3<f64>,
        sun: &Vector3<f64>,
        tau: f64,
    ) -> Option<UnitQuaternion<f64>> {
        let q = match mode {
            AttitudeMode::Idle => None,
            AttitudeMode::Nadir => self.pointing_triad.align(&-r, v),
            AttitudeMode::SunPointing => self
                .sun_triad
                .align(sun, &-r)
                .or_else(|| self.sun_triad.align(sun, &r.cross(v))),
            AttitudeMode::InertialHold { q_body_from_eci } => Some(q_body_from_eci.inverse()),
            AttitudeMode::TargetTracking {
                target_pos_eci_km,
                target_vel_eci_km_s,
            } => {
                let target = target_pos_eci_km + target_vel_eci_km_s * tau;
                self.pointing_triad.align(&(target - r), v)
            }
        };
        // A target or a commanded attitude that is not finite gives no reference.
        q.filter(|q| q.coords.iter().all(|c| c.is_finite()))
    }

    /// Gravity-gradient torque, body frame, N·m (Wie, *Space Vehicle Dynamics and Control*,
    /// 2nd ed., eq. 6.x; Markley & Crassidis 2014 eq. 3.155):  T = 3 μ/r³ · r̂ × (J r̂),
    /// with r̂ the geocentric position unit vector in body axes.
    fn gravity_gradient_nm(
        &self,
        r_eci_km: &Vector3<f64>,
        q_eci_from_body: &UnitQuaternion<f64>,
    ) -> Vector3<f64> {
        if !self.params.gravity_gradient {
            return Vector3::zeros();
        }
        let r = r_eci_km.norm();
        if r.is_nan() || r <= 0.0 {
            return Vector3::zeros();
        }
        let r_hat_body = q_eci_from_body.inverse() * (r_eci_km / r);
        let j = self.body.inertia_kg_m2();
        r_hat_body.cross(&(j * r_hat_body)) * (3.0 * MU_EARTH_KM3_S2 / (r * r * r))
    }

    /// Advances the attitude by `dt`.
    pub fn step(&mut self, dt: Duration, inputs: &AttitudeInputs) -> AttitudeOutputs {
        let dt_s = dt.to_seconds().max(0.0);
        let mut events = Vec::new();
        let valid = inputs
            .pos_eci_km
            .iter()
            .chain(inputs.vel_eci_km_s.iter())
            .all(|x| x.is_finite())
            && inputs.pos_eci_km.norm() > 0.0;
        let mode = if valid {
            inputs.mode
        } else {
            AttitudeMode::Idle
        };
        let arc = OrbitArc::new(
            if valid {
                inputs.pos_eci_km
            } else {
                Vector3::x() * 7000.0
            },
            if valid {
                inputs.vel_eci_km_s
            } else {
                Vector3::zeros()
            },
            MU_EARTH_KM3_S2,
        );
        let sun = inputs
            .sun_dir_eci
            .try_normalize(1e-12)
            .unwrap_or_else(Vector3::x);
        let external = crate::environment::finite_or_zero(&inputs.external_torque_body_nm);
        if let Some(out) = self.settled_step(dt_s, &mode, &arc, &sun, &external) {
            return out;
        }
        let substeps = if dt_s > 0.0 {
            (dt_s / self.params.controller.control_period_s)
                .ceil()
                .max(1.0) as usize
        } else {
            0
        };
        let h = if substeps > 0 {
            dt_s / substeps as f64
        } else {
            0.0
        };
        let mut wheel_energy_j = 0.0;
        let (mut r, v0) = arc.at(0.0);
        let mut q_ref = self.reference(&mode, &r, &v0, &sun, 0.0);
        let mut torque_ext = self.gravity_gradient_nm(&r, &self.body.q_eci_from_body()) + external;
        let mut torques = std::mem::take(&mut self.scratch_torques);
        let mut last_omega_ref = None;
        for k in 0..substeps {
            let tau = k as f64 * h;
            let after = || Duration::from_seconds(tau);
            // Momentum dump (idealised, instantaneous): external actuators remove the wheel
            // momentum from the system; the body rate is unchanged.
            let auto = self.params.auto_dump_fraction.is_some_and(|f| {
                self.wheels
                    .momentum_nms()
                    .iter()
                    .zip(self.wheels.params())
                    .any(|(hi, p)| hi.abs() >= f * p.max_momentum_nms)
            });
            if self.dump_requested || auto {
                let h_body = self.wheels.momentum_body_nms();
                self.body.remove_momentum(&h_body);
                let zeros = vec![0.0; self.wheels.params().len()];
                self.wheels.set_momentum_nms(&zeros);
                self.dump_requested = false;
                events.push(AttitudeEvent::MomentumDumped {
                    removed_nms: h_body.norm(),
                    after: after(),
                });
            }
            let (r1, v1) = arc.at(tau + h);
            let q_ref_next = self.reference(&mode, &r1, &v1, &sun, tau + h);
            let q = self.body.q_eci_from_body();
            let h_body = self.wheels.momentum_body_nms();
            let omega = self.body.omega_body_rad_s(&h_body);
            let demand = match (q_ref, q_ref_next) {
                (Some(a), Some(b)) => {
                    // ω_ref (ECI) = log(q_ref(τ+h) q_ref(τ)⁻¹) / h
                    let omega_ref = rotation::rotation_vector(&(b * a.inverse())) / h;
                    last_omega_ref = Some(omega_ref);
                    control::control_torque(
                        &self.params.controller,
                        self.body.inertia_kg_m2(),
                        &self.wheels,
                        &q,
                        &omega,
                        &h_body,
                        &a,
                        &omega_ref,
                    )
                }
                _ => Vector3::zeros(),
            };
            let limited = if demand == Vector3::zeros() {
                torques.clear();
                torques.resize(self.wheels.params().len(), 0.0);
                false
            } else {
                self.wheels.command(&demand, h, &mut torques)
            };
            if limited != self.saturated {
                self.saturated = limited;
                events.push(if limited {
                    AttitudeEvent::WheelsSaturated { after: after() }
                } else {
                    AttitudeEvent::WheelsUnsaturated { after: after() }
                });
            }
            wheel_energy_j += self.wheels.power_w(&torques) * h;
            // Kick – drift – kick.
            self.body.kick(&torque_ext, 0.5 * h);
            self.wheels.apply_torques(&torques, 0.5 * h);
            let h_body = self.wheels.momentum_body_nms();
            self.body.drift(&h_body, h);
            r = r1;
            torque_ext = self.gravity_gradient_nm(&r, &self.body.q_eci_from_body()) + external;
            self.body.kick(&torque_ext, 0.5 * h);
            self.wheels.apply_torques(&torques, 0.5 * h);
            q_ref = q_ref_next;
        }
        self.scratch_torques = torques;
        let q = self.body.q_eci_from_body();
        let attitude_error_rad = q_ref.map_or(0.0, |qr| {
            rotation::rotation_vector(&(qr.inverse() * q)).norm()
        });
        let reference_rate = q_ref.and(last_omega_ref);
        self.end_full_step(&mode, q_ref, attitude_error_rad, reference_rate);
        AttitudeOutputs {
            q_body_from_eci: q.inverse(),
            omega_body_rad_s: self.omega_body_rad_s(),
            attitude_error_rad,
            wheel_power_w: if dt_s > 0.0 {
                wheel_energy_j / dt_s
            } else {
                self.wheels.power_w(&vec![0.0; self.wheels.params().len()])
            },
            events,
        }
    }
}

#[cfg(test)]
mod tests;
