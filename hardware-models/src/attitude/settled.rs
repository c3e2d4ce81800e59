//! The settled step: a validated shortcut for the steady state of a pointing mode.
//!
//! Once the controller has acquired its reference, the body follows the reference with a
//! tiny, nearly constant error and the wheels absorb the external torque. A settled step then
//! skips the control sub-steps and integrates what is left to integrate:
//! - the attitude is the reference composed with the error the last full step ended with,
//!   q(τ) = q_ref(τ) ⊗ q_e, q_e = q_ref⁻¹ ⊗ q at that instant (the controller holds the error
//!   there; in particular it absorbs the small differences between the orbit state the caller
//!   gives at each step and the two-body arc the previous step ended on);
//! - the total angular momentum obeys dL/dt = R T_ext in ECI (Markley & Crassidis 2014,
//!   eq. 3.147 with the wheels inside the system), integrated with the trapezoidal rule over
//!   intervals of at most `MAX_INTERVAL_S` (the same second-order rule as the kick–drift–kick
//!   of the full dynamics), gravity gradient evaluated at q(τ);
//! - the body rate is the reference rate ω_ref (the difference quotient of the reference over
//!   the last interval), so the wheels hold h = R⁻¹L − J ω_ref, distributed with the same
//!   minimum-norm matrix A⁺ as the controller's torques (hᵢ ← hᵢ + (A⁺ Δh)ᵢ);
//! - wheel power from the mean torque and speed of each wheel.
//!
//! It applies only when all of these hold, else the step runs the full dynamics:
//! the mode is the one of the previous step (same kind; for inertial hold, the same attitude)
//! and not `Idle`; no momentum dump is pending and the wheels were not saturated; the previous
//! full step ended with a pointing error below `MAX_ERROR_RAD` and a rate error below
//! `MAX_RATE_ERROR_RAD_S`; a full step ran within the last `FULL_STEP_INTERVAL_S` of
//! simulated time (so the controller keeps checking the steady state); and after the step
//! every wheel stays below 90 % of its momentum limit and its auto-dump threshold, with a
//! mean torque below half its limit. Validation against the full dynamics over a day:
//! `tests/all/settled.rs` and `docs/models.md`.

use std::mem::discriminant;

use nalgebra::{UnitQuaternion, Vector3};

use super::reference::OrbitArc;
use super::rotation::rotation_vector;
use super::{AttitudeMode, AttitudeModel, AttitudeOutputs};

/// Largest pointing error at the end of the previous full step for a settled step, rad (2″).
pub const MAX_ERROR_RAD: f64 = 1e-5;
/// Largest body-rate error (|ω − ω_ref|) at the end of the previous full step, rad/s.
pub const MAX_RATE_ERROR_RAD_S: f64 = 1e-5;
/// A full-dynamics step runs at least this often while settled, s of simulated time.
pub const FULL_STEP_INTERVAL_S: f64 = 60.0;
/// Longest interval of the trapezoidal torque integral, s.
const MAX_INTERVAL_S: f64 = 10.0;
/// Largest wheel momentum after a settled step, fraction of the limit.
const MOMENTUM_MARGIN: f64 = 0.9;
/// Largest mean wheel torque during a settled step, fraction of the limit.
const TORQUE_MARGIN: f64 = 0.5;

/// What the settled step needs to know about the previous steps.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct SettledState {
    /// Mode of the previous step.
    pub last_mode: Option<AttitudeMode>,
    /// Simulated time since the end of the last full step, s.
    pub since_full_s: f64,
    /// Pointing error at the end of the last full step, rad.
    pub error_rad: f64,
    /// |ω − ω_ref| at the end of the last full step, rad/s.
    pub rate_error_rad_s: f64,
    /// q_ref⁻¹ ⊗ q at the end of the last full step.
    pub q_error: UnitQuaternion<f64>,
    /// Number of settled steps taken (for tests and diagnostics).
    pub settled_steps: u64,
}

impl Default for SettledState {
    fn default() -> Self {
        Self {
            last_mode: None,
            since_full_s: 0.0,
            error_rad: f64::INFINITY,
            rate_error_rad_s: f64::INFINITY,
            q_error: UnitQuaternion::identity(),
            settled_steps: 0,
        }
    }
}

fn same_mode(a: &AttitudeMode, b: &AttitudeMode) -> bool {
    match (a, b) {
        (AttitudeMode::InertialHold { .. }, AttitudeMode::InertialHold { .. }) => a == b,
        _ => discriminant(a) == discriminant(b),
    }
}

impl AttitudeModel {
    /// Takes a settled step of `dt_s` if the conditions of the module documentation hold;
    /// `None` (state untouched) otherwise.
    pub(super) fn settled_step(
        &mut self,
        dt_s: f64,
        mode: &AttitudeMode,
        arc: &OrbitArc,
        sun: &Vector3<f64>,
        external_body_nm: &Vector3<f64>,
    ) -> Option<AttitudeOutputs> {
        let s = &self.settled;
        let eligible = self.params.settled_steps
            && dt_s > 0.0
            && !self.dump_requested
            && !self.saturated
            && !self.wheels.any_failed()
            && !matches!(mode, AttitudeMode::Idle)
            && s.last_mode.is_some_and(|m| same_mode(&m, mode))
            && s.since_full_s + dt_s <= FULL_STEP_INTERVAL_S
            && s.error_rad <= MAX_ERROR_RAD
            && s.rate_error_rad_s <= MAX_RATE_ERROR_RAD_S;
        if !eligible {
            return None;
        }
        let intervals = (dt_s / MAX_INTERVAL_S).ceil().max(1.0) as usize;
        let d = dt_s / intervals as f64;
        let (r0, v0) = arc.at(0.0);
        let q_error = s.q_error;
        let q_ref0 = self.reference(mode, &r0, &v0, sun, 0.0)?;
        let q0 = q_ref0 * q_error;
        // ∫ R T_ext dτ by the trapezoidal rule along q(τ) = q_ref(τ) ⊗ q_error.
        // Inertial momentum of the current state (the jump to the reference is internal).
        let mut momentum_eci = self.body.q_eci_from_body() * self.body.momentum_body_nms();
        let mut torque_eci = q0 * (self.gravity_gradient_nm(&r0, &q0) + external_body_nm);
        let (mut q, mut q_ref_prev, mut q_ref) = (q0, q_ref0, q_ref0);
        for k in 1..=intervals {
            let tau = k as f64 * d;
            let (r, v) = arc.at(tau);
            q_ref_prev = q_ref;
            q_ref = self.reference(mode, &r, &v, sun, tau)?;
            q = q_ref * q_error;
            let next_torque_eci = q * (self.gravity_gradient_nm(&r, &q) + external_body_nm);
            momentum_eci += (torque_eci + next_torque_eci) * (0.5 * d);
            torque_eci = next_torque_eci;
        }
        // ω_ref (ECI) = log(q_ref(τ) q_ref(τ − d)⁻¹) / d at the end of the step.
        let omega_ref_eci = rotation_vector(&(q_ref * q_ref_prev.inverse())) / d;
        let q_inv = q.inverse();
        let omega_body = q_inv * omega_ref_eci;
        let momentum_body = q_inv * momentum_eci;
        let wheel_delta_body = momentum_body
            - self.body.inertia_kg_m2() * omega_body
            - self.wheels.momentum_body_nms();
        // Wheel momenta and torques with the minimum-norm distribution; within the margins?
        let dump_fraction = self.params.auto_dump_fraction.unwrap_or(1.0);
        let mut momenta = [0.0f64; 8];
        let n = self.wheels.params().len();
        if n > momenta.len() {
            return None;
        }
        let mut wheel_power_w = 0.0;
        for (i, ((row, p), h)) in self
            .wheels
            .distribution()
            .iter()
            .zip(self.wheels.params())
            .zip(self.wheels.momentum_nms())
            .enumerate()
        {
            let dh = row.dot(&wheel_delta_body);
            let h1 = h + dh;
            let limit = p.max_momentum_nms * MOMENTUM_MARGIN.min(dump_fraction);
            let torque = dh / dt_s;
            if h1.abs() >= limit || torque.abs() > TORQUE_MARGIN * p.max_torque_nm {
                return None;
            }
            momenta[i] = h1;
            // P = P_static + |τ Ω| / η with the mean speed over the step.
            wheel_power_w += p.static_power_w
                + (torque * 0.5 * (h + h1)).abs() / (p.rotor_inertia_kg_m2 * p.motor_efficiency);
        }
        self.wheels.set_momentum_nms(&momenta[..n]);
        self.body.set_state(&q, &momentum_body);
        let s = &mut self.settled;
        s.since_full_s += dt_s;
        s.last_mode = Some(*mode);
        s.settled_steps += 1;
        Some(AttitudeOutputs {
            q_body_from_eci: q_inv,
            omega_body_rad_s: self.omega_body_rad_s(),
            attitude_error_rad: rotation_vector(&q_error).norm(),
            wheel_power_w,
            events: Vec::new(),
        })
    }

    /// Records the end of a full-dynamics step for the settled-step conditions.
    pub(super) fn end_full_step(
        &mut self,
        mode: &AttitudeMode,
        q_ref: Option<UnitQuaternion<f64>>,
        error_rad: f64,
        omega_ref_eci: Option<Vector3<f64>>,
    ) {
        let q_error = q_ref.map_or(UnitQuaternion::identity(), |r| {
            r.inverse() * self.body.q_eci_from_body()
        });
        let rate_error = omega_ref_eci.map_or(f64::INFINITY, |w| {
            (self.omega_body_rad_s() - self.body.q_eci_from_body().inverse() * w).norm()
        });
        let s = &mut self.settled;
        s.last_mode = Some(*mode);
        s.since_full_s = 0.0;
        s.error_rad = error_rad;
        s.rate_error_rad_s = rate_error;
        s.q_error = q_error;
    }

    /// Number of settled steps taken since construction.
    pub fn settled_step_count(&self) -> u64 {
        self.settled.settled_steps
    }
}
