//! Pointing modes and the attitude control law.

use nalgebra::{Matrix3, UnitQuaternion, Vector3};
use serde::{Deserialize, Serialize};

use super::wheels::WheelArray;
use crate::error::{HardwareError, check};

/// Shortest control period accepted, s (1 kHz: faster than any ADCS loop; a shorter one would
/// only multiply the sub-steps of a step).
pub const MIN_CONTROL_PERIOD_S: f64 = 1e-3;

fn default_braking_fraction() -> f64 {
    0.9
}

/// Gains and limits of the attitude controller.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ControllerParams {
    /// Control period: the torque command is held for this long and the dynamics advance in
    /// steps of at most this length, s.
    pub control_period_s: f64,
    /// Attitude-error gain k_p: commanded correction rate per radian of error, 1/s.
    pub pointing_gain_per_s: f64,
    /// Rate-loop gain k_d: torque = J k_d (ω_cmd − ω), 1/s.
    pub rate_gain_per_s: f64,
    /// Largest commanded slew rate, rad/s.
    pub max_slew_rate_rad_s: f64,
    /// Fraction of the available deceleration the braking curve plans with, 0..1.
    #[serde(default = "default_braking_fraction")]
    pub braking_fraction: f64,
}

impl ControllerParams {
    pub(crate) fn validate(&self) -> Result<(), HardwareError> {
        let m = "attitude";
        check(
            (MIN_CONTROL_PERIOD_S..=10.0).contains(&self.control_period_s),
            m,
            "controller.control_period_s",
            self.control_period_s,
            "1 ms <= value <= 10 s",
        )?;
        check(
            self.pointing_gain_per_s > 0.0,
            m,
            "controller.pointing_gain_per_s",
            self.pointing_gain_per_s,
            "> 0",
        )?;
        check(
            self.rate_gain_per_s > 0.0 && self.rate_gain_per_s * self.control_period_s <= 1.0,
            m,
            "controller.rate_gain_per_s",
            self.rate_gain_per_s,
            "> 0 and rate_gain_per_s · control_period_s <= 1 (discrete stability)",
        )?;
        check(
            self.max_slew_rate_rad_s > 0.0,
            m,
            "controller.max_slew_rate_rad_s",
            self.max_slew_rate_rad_s,
            "> 0",
        )?;
        check(
            self.braking_fraction > 0.0 && self.braking_fraction <= 1.0,
            m,
            "controller.braking_fraction",
            self.braking_fraction,
            "0 < value <= 1",
        )
    }
}

/// What the attitude controller points at. Targets are re-supplied every step by the caller.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AttitudeMode {
    /// No control: the wheels hold their momentum, the body moves freely.
    Idle,
    /// Boresight to nadir (geocentric), along-track axis toward the velocity.
    Nadir,
    /// Solar-array normal to the Sun, secondary axis toward nadir.
    SunPointing,
    /// Hold a fixed attitude.
    InertialHold {
        /// Attitude to hold.
        q_body_from_eci: UnitQuaternion<f64>,
    },
    /// Boresight to a ground point, along-track axis toward the velocity.
    TargetTracking {
        /// Target position at the start of the step, ECI (TEME), km.
        target_pos_eci_km: Vector3<f64>,
        /// Target velocity (Earth rotation), ECI (TEME), km/s.
        target_vel_eci_km_s: Vector3<f64>,
    },
}

/// Body torque demanded by the controller, N·m (body frame).
///
/// Quaternion feedback with a rate-limited eigenaxis slew (Wie, Weiss & Arapostathis 1989,
/// "Quaternion feedback regulator for spacecraft eigenaxis rotations", JGCD 12(3); Wie & Lu
/// 1995, "Feedback control logic for spacecraft eigenaxis rotations under slew rate and control
/// constraints", JGCD 18(6)), with a braking curve for near-minimum-time slews:
///   q_e = q_ref⁻¹ ⊗ q,  φ = 2 log(q_e)  (shortest rotation, |φ| ≤ π)
///   s(e) = min(√(2 a_b e + (a_b/k_p)²) − a_b/k_p, ω_max),  e = |φ|,  a_b = f_b · τ_cap(φ̂) / (φ̂ᵀ J φ̂)
/// (k_p e for small errors, the constant-deceleration curve √(2 a_b e) for large ones)
///   ω_cmd = ω_ref − s(|φ|) φ̂,   u = J k_d (ω_cmd − ω) + ω × (J ω + h)
/// where τ_cap(φ̂) is the wheel array's torque capacity about φ̂ and ω_max is the slew-rate
/// limit, further capped so the wheels can absorb the slew momentum (90 % of capacity).
#[allow(clippy::too_many_arguments)]
pub(crate) fn control_torque(
    params: &ControllerParams,
    inertia: &Matrix3<f64>,
    wheels: &WheelArray,
    q_eci_from_body: &UnitQuaternion<f64>,
    omega_body: &Vector3<f64>,
    wheel_momentum_body: &Vector3<f64>,
    q_eci_from_ref: &UnitQuaternion<f64>,
    omega_ref_eci: &Vector3<f64>,
) -> Vector3<f64> {
    let q_e = q_eci_from_ref.inverse() * q_eci_from_body;
    let phi = super::rotation::rotation_vector(&q_e); // shortest rotation
    let angle = phi.norm();
    let omega_ref_body = q_eci_from_body.inverse() * omega_ref_eci;
    let mut omega_cmd = omega_ref_body;
    if angle > 0.0 {
        let axis = phi / angle;
        let j_axis = axis.dot(&(inertia * axis));
        let (torque_capacity_nm, momentum_capacity_nms) = wheels.capacities_along(&axis);
        let a_brake = params.braking_fraction * torque_capacity_nm / j_axis;
        let rate_cap = params
            .max_slew_rate_rad_s
            .min(0.9 * momentum_capacity_nms / j_axis);
        // Braking curve: s(e) = √(2 a_b e + (a_b/k_p)²) − a_b/k_p, which is k_p e near zero and
        // √(2 a_b e) far away; along it the deceleration a_b ω/(ω + a_b/k_p) never exceeds a_b.
        let knee = a_brake / params.pointing_gain_per_s;
        let speed = ((2.0 * a_brake * angle + knee * knee).sqrt() - knee).min(rate_cap);
        omega_cmd -= axis * speed;
    }
    inertia * (omega_cmd - omega_body) * params.rate_gain_per_s
        + omega_body.cross(&(inertia * omega_body + wheel_momentum_body))
}
