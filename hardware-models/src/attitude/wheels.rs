//! Reaction wheels: torque and momentum limits, torque distribution, electrical power.

use nalgebra::{Matrix3, Vector3};
use serde::{Deserialize, Serialize};

use crate::error::{HardwareError, check};

/// One reaction wheel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReactionWheelParams {
    /// Wheel name.
    pub name: String,
    /// Spin axis, body frame (normalised on construction).
    pub axis_body: Vector3<f64>,
    /// Largest motor torque, N·m.
    pub max_torque_nm: f64,
    /// Largest stored angular momentum (at the speed limit), N·m·s.
    pub max_momentum_nms: f64,
    /// Rotor axial inertia, kg·m² (wheel speed = h / J_w).
    pub rotor_inertia_kg_m2: f64,
    /// Electrical power at rest (electronics, bearing friction), W.
    pub static_power_w: f64,
    /// Motor efficiency: mechanical power |τ·Ω| / electrical power, 0..1.
    pub motor_efficiency: f64,
}

/// A set of wheels with its torque-distribution matrix.
#[derive(Clone, Debug)]
pub struct WheelArray {
    params: Vec<ReactionWheelParams>,
    /// Rows of the minimum-norm distribution A⁺ = Aᵀ (A Aᵀ)⁻¹ (n×3), one per wheel.
    distribution: Vec<Vector3<f64>>,
    /// Stored momentum of each wheel along its axis, N·m·s.
    momentum_nms: Vec<f64>,
    /// Per wheel: (1 / max torque, 1 / max momentum, 1 / (rotor inertia · motor efficiency)).
    reciprocals: Vec<[f64; 3]>,
    /// Failed wheels (fault injection): no torque, no power; the rotor keeps its momentum.
    failed: Vec<bool>,
}

impl WheelArray {
    /// Builds the array; the axes must span the three body axes.
    pub fn new(mut params: Vec<ReactionWheelParams>) -> Result<Self, HardwareError> {
        let m = "attitude";
        if params.len() < 3 {
            return Err(HardwareError::Inconsistent {
                model: m,
                reason: "three-axis control needs at least three reaction wheels",
            });
        }
        for w in &mut params {
            let f = |s: &str| format!("wheels[{}].{s}", w.name);
            check(
                w.axis_body.norm() > 0.0,
                m,
                f("axis_body"),
                w.axis_body.norm(),
                "non-zero",
            )?;
            check(
                w.max_torque_nm > 0.0,
                m,
                f("max_torque_nm"),
                w.max_torque_nm,
                "> 0",
            )?;
            check(
                w.max_momentum_nms > 0.0,
                m,
                f("max_momentum_nms"),
                w.max_momentum_nms,
                "> 0",
            )?;
            check(
                w.rotor_inertia_kg_m2 > 0.0,
                m,
                f("rotor_inertia_kg_m2"),
                w.rotor_inertia_kg_m2,
                "> 0",
            )?;
            check(
                w.static_power_w >= 0.0,
                m,
                f("static_power_w"),
                w.static_power_w,
                ">= 0",
            )?;
            check(
                w.motor_efficiency > 0.0 && w.motor_efficiency <= 1.0,
                m,
                f("motor_efficiency"),
                w.motor_efficiency,
                "0 < value <= 1",
            )?;
            w.axis_body = w.axis_body.normalize();
        }
        let n = params.len();
        // Gram matrix A Aᵀ = Σ aᵢ aᵢᵀ.
        let gram: Matrix3<f64> = params
            .iter()
            .map(|p| p.axis_body * p.axis_body.transpose())
            .sum();
        let gram_inv = gram
            .try_inverse()
            .filter(|_| gram.determinant().abs() > 1e-9)
            .ok_or(HardwareError::Inconsistent {
                model: m,
                reason: "reaction wheel axes do not span three dimensions",
            })?;
        // Row i of Aᵀ (A Aᵀ)⁻¹ is aᵢᵀ (A Aᵀ)⁻¹ (the Gram matrix is symmetric).
        let distribution = params.iter().map(|p| gram_inv * p.axis_body).collect();
        let reciprocals = params
            .iter()
            .map(|p| {
                [
                    1.0 / p.max_torque_nm,
                    1.0 / p.max_momentum_nms,
                    1.0 / (p.rotor_inertia_kg_m2 * p.motor_efficiency),
                ]
            })
            .collect();
        Ok(Self {
            params,
            distribution,
            momentum_nms: vec![0.0; n],
            reciprocals,
            failed: vec![false; n],
        })
    }

    /// Fails wheel `i` for good (fault injection): its motor gives no torque and draws no
    /// power, and the torque distribution is recomputed over the healthy wheels as the
    /// pseudo-inverse A_h⁺ (Moore–Penrose, by SVD). If they no longer span three axes, torque
    /// about the lost axis cannot be produced: the body gets only the part of a command the
    /// healthy wheels can make, and the pointing error grows there. Out-of-range `i`: nothing.
    pub fn fail(&mut self, i: usize) {
        if i >= self.failed.len() || self.failed[i] {
            return;
        }
        self.failed[i] = true;
        // A_h is 3×n with the failed wheels' columns zeroed; the rows of A_h⁺ are the shares.
        let a = nalgebra::DMatrix::from_fn(3, self.params.len(), |r, c| {
            if self.failed[c] {
                0.0
            } else {
                self.params[c].axis_body[r]
            }
        });
        let pinv = a
            .pseudo_inverse(1e-9)
            .unwrap_or_else(|_| nalgebra::DMatrix::zeros(self.params.len(), 3));
        for (k, row) in self.distribution.iter_mut().enumerate() {
            *row = Vector3::new(pinv[(k, 0)], pinv[(k, 1)], pinv[(k, 2)]);
        }
    }

    /// Whether any wheel has failed.
    pub fn any_failed(&self) -> bool {
        self.failed.iter().any(|&f| f)
    }

    /// Wheel parameters.
    pub fn params(&self) -> &[ReactionWheelParams] {
        &self.params
    }

    /// Rows of the minimum-norm distribution A⁺ = Aᵀ(AAᵀ)⁻¹, one per wheel: wheel i's share
    /// of a body-frame torque or momentum change.
    pub(crate) fn distribution(&self) -> &[Vector3<f64>] {
        &self.distribution
    }

    /// Stored momentum of each wheel, N·m·s.
    pub fn momentum_nms(&self) -> &[f64] {
        &self.momentum_nms
    }

    /// Sets the stored momenta (clamped to the limits; a non-finite value leaves that wheel's
    /// momentum unchanged).
    pub fn set_momentum_nms(&mut self, momentum_nms: &[f64]) {
        for (i, h) in momentum_nms
            .iter()
            .enumerate()
            .take(self.momentum_nms.len())
        {
            if !h.is_finite() {
                continue;
            }
            let lim = self.params[i].max_momentum_nms;
            self.momentum_nms[i] = h.clamp(-lim, lim);
        }
    }

    /// Wheel speeds relative to the body, rad/s (Ω = h / J_w; the body-rate term J_w·aᵀω is
    /// neglected, < 0.1 % for small rotors).
    pub fn speeds_rad_s(&self) -> impl Iterator<Item = f64> + '_ {
        self.momentum_nms
            .iter()
            .zip(&self.params)
            .map(|(h, p)| h / p.rotor_inertia_kg_m2)
    }

    /// Total wheel momentum in body axes, h = Σ aᵢ hᵢ, N·m·s.
    pub fn momentum_body_nms(&self) -> Vector3<f64> {
        let mut h = Vector3::zeros();
        for (p, hi) in self.params.iter().zip(&self.momentum_nms) {
            h += p.axis_body * *hi;
        }
        h
    }

    /// Largest momentum the array can store along the unit body axis `e` with the
    /// minimum-norm distribution: minᵢ h_max,i / |(A⁺ e)ᵢ|, N·m·s.
    pub fn capacity_along_nms(&self, e: &Vector3<f64>) -> f64 {
        self.capacities_along(e).1
    }

    /// Largest torque the array can apply about the unit body axis `e`:
    /// minᵢ τ_max,i / |(A⁺ e)ᵢ|, N·m.
    pub fn torque_capacity_along_nm(&self, e: &Vector3<f64>) -> f64 {
        self.capacities_along(e).0
    }

    /// (torque capacity N·m, momentum capacity N·m·s) about the unit body axis `e`, in one pass:
    /// minᵢ limitᵢ / shareᵢ = 1 / maxᵢ (shareᵢ / limitᵢ).
    pub(crate) fn capacities_along(&self, e: &Vector3<f64>) -> (f64, f64) {
        let (mut torque, mut momentum) = (0.0f64, 0.0f64);
        for (row, r) in self.distribution.iter().zip(&self.reciprocals) {
            let share = row.dot(e).abs();
            torque = torque.max(share * r[0]);
            momentum = momentum.max(share * r[1]);
        }
        (1.0 / torque, 1.0 / momentum)
    }

    /// Wheel torques (motor torque on each rotor, N·m) that apply `body_torque_nm` to the body
    /// over the next `dt_s`, saturated: the minimum-norm solution τ = A⁺ (−u) is scaled down
    /// uniformly to the torque limit (keeping its direction), then each wheel is limited so
    /// that its momentum stays within ±h_max at the end of the interval. Returns whether any
    /// limit was active.
    pub(crate) fn command(
        &self,
        body_torque_nm: &Vector3<f64>,
        dt_s: f64,
        out: &mut Vec<f64>,
    ) -> bool {
        out.clear();
        // The body receives −Σ aᵢ τᵢ.
        out.extend(self.distribution.iter().map(|row| -row.dot(body_torque_nm)));
        let mut scale: f64 = 1.0;
        for (t, p) in out.iter().zip(&self.params) {
            if t.abs() > p.max_torque_nm {
                scale = scale.min(p.max_torque_nm / t.abs());
            }
        }
        let mut limited = scale < 1.0;
        for (i, t) in out.iter_mut().enumerate() {
            *t *= scale;
            let p = &self.params[i];
            let h = self.momentum_nms[i];
            let hi = (p.max_momentum_nms - h) / dt_s;
            let lo = (-p.max_momentum_nms - h) / dt_s;
            if *t > hi || *t < lo {
                *t = t.clamp(lo.min(0.0), hi.max(0.0));
                limited = true;
            }
        }
        limited
    }

    /// Body torque produced by wheel torques: −Σ aᵢ τᵢ, N·m.
    pub fn body_torque_nm(&self, wheel_torques_nm: &[f64]) -> Vector3<f64> {
        let mut t = Vector3::zeros();
        for (p, tau) in self.params.iter().zip(wheel_torques_nm) {
            t -= p.axis_body * *tau;
        }
        t
    }

    /// Integrates the stored momenta: hᵢ ← hᵢ + τᵢ δ (the limits were applied in `command`;
    /// the clamp only removes rounding).
    pub(crate) fn apply_torques(&mut self, wheel_torques_nm: &[f64], dt_s: f64) {
        for (i, tau) in wheel_torques_nm.iter().enumerate() {
            let lim = self.params[i].max_momentum_nms;
            self.momentum_nms[i] = (self.momentum_nms[i] + tau * dt_s).clamp(-lim, lim);
        }
    }

    /// Electrical power of the array at the given wheel torques, W:
    ///   P = Σ (P_static + |τᵢ Ωᵢ| / η)
    pub fn power_w(&self, wheel_torques_nm: &[f64]) -> f64 {
        self.params
            .iter()
            .zip(&self.reciprocals)
            .zip(&self.momentum_nms)
            .zip(wheel_torques_nm)
            .zip(&self.failed)
            .map(|((((p, r), h), tau), failed)| {
                if *failed {
                    0.0
                } else {
                    p.static_power_w + (tau * h).abs() * r[2]
                }
            })
            .sum()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn pyramid(beta_deg: f64) -> Vec<ReactionWheelParams> {
        let b = beta_deg.to_radians();
        (0..4)
            .map(|i| {
                let az = std::f64::consts::FRAC_PI_2 * i as f64;
                ReactionWheelParams {
                    name: format!("rw{i}"),
                    axis_body: Vector3::new(b.cos() * az.cos(), b.cos() * az.sin(), b.sin()),
                    max_torque_nm: 0.01,
                    max_momentum_nms: 0.1,
                    rotor_inertia_kg_m2: 1e-4,
                    static_power_w: 0.5,
                    motor_efficiency: 0.8,
                }
            })
            .collect()
    }

    #[test]
    fn val_analytic_pyramid_distribution_reproduces_torque() {
        let w = WheelArray::new(pyramid(54.7356)).unwrap();
        let u = Vector3::new(0.001, -0.002, 0.0015);
        let mut tau = Vec::new();
        assert!(!w.command(&u, 0.1, &mut tau));
        assert!((w.body_torque_nm(&tau) - u).norm() < 1e-15);
        // Saturation keeps the direction.
        let big = u * 100.0;
        assert!(w.command(&big, 0.1, &mut tau));
        let got = w.body_torque_nm(&tau);
        assert!(got.normalize().dot(&big.normalize()) > 1.0 - 1e-12);
        assert!(tau.iter().all(|t| t.abs() <= 0.01 + 1e-15));
        // Capacity along z of a pyramid at β: each wheel shares 1/(4 sin β).
        let cap = w.torque_capacity_along_nm(&Vector3::z());
        assert!((cap - 0.01 * 4.0 * 54.7356f64.to_radians().sin()).abs() < 1e-12);
        // Coplanar axes cannot control three axes.
        let mut flat = pyramid(0.0);
        flat.truncate(3);
        assert!(WheelArray::new(flat).is_err());
    }
}
