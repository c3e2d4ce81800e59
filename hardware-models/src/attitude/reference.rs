//! Reference attitudes of the pointing modes, and the spacecraft's position within a step.

use nalgebra::{Matrix3, Rotation3, UnitQuaternion, Vector3};

/// Position and velocity of the spacecraft at the start of a step, ECI (TEME), propagated
/// inside the step with the Lagrange f and g series to fourth order (Bate, Mueller & White,
/// *Fundamentals of Astrodynamics*, §4.6; Vallado §2.3):
///   r(τ) = f r₀ + g v₀,  u = μ/r³, p = (r·v)/r², q = v²/r² − u
///   f = 1 − ½uτ² + ½upτ³ + (1/24)(3uq − 15up² + u²)τ⁴,   g = τ − (1/6)uτ³ + ¼upτ⁴
/// The truncation error over 60 s in low orbit is below 0.1 m.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct OrbitArc {
    pub r0_km: Vector3<f64>,
    pub v0_km_s: Vector3<f64>,
    u: f64,
    p: f64,
    q: f64,
}

impl OrbitArc {
    pub fn new(r0_km: Vector3<f64>, v0_km_s: Vector3<f64>, mu_km3_s2: f64) -> Self {
        let r = r0_km.norm();
        let u = mu_km3_s2 / (r * r * r);
        let p = r0_km.dot(&v0_km_s) / (r * r);
        let q = v0_km_s.norm_squared() / (r * r) - u;
        Self {
            r0_km,
            v0_km_s,
            u,
            p,
            q,
        }
    }

    /// Position and velocity τ seconds after the start.
    pub fn at(&self, tau: f64) -> (Vector3<f64>, Vector3<f64>) {
        let (u, p, q) = (self.u, self.p, self.q);
        let t2 = tau * tau;
        let t3 = t2 * tau;
        let t4 = t3 * tau;
        let f = 1.0 - 0.5 * u * t2
            + 0.5 * u * p * t3
            + (3.0 * u * q - 15.0 * u * p * p + u * u) * t4 / 24.0;
        let g = tau - u * t3 / 6.0 + 0.25 * u * p * t4;
        // Time derivatives for the velocity.
        let fd = -u * tau + 1.5 * u * p * t2 + (3.0 * u * q - 15.0 * u * p * p + u * u) * t3 / 6.0;
        let gd = 1.0 - 0.5 * u * t2 + u * p * t3;
        (
            self.r0_km * f + self.v0_km_s * g,
            self.r0_km * fd + self.v0_km_s * gd,
        )
    }
}

/// Normalises `v`, or `None` when |v| ≤ `min_norm` (or not finite).
fn unit(v: Vector3<f64>, min_norm: f64) -> Option<Vector3<f64>> {
    let n = v.norm();
    (n > min_norm && n.is_finite()).then(|| v * (1.0 / n))
}

/// Orthonormal frame [x̂ ŷ' x̂×ŷ'] of two directions (ŷ' = ŷ made orthogonal to x̂) as the
/// rotation taking the frame's axes to the directions' frame, or `None` when they are parallel
/// or zero.
fn triad_frame(a: &Vector3<f64>, b: &Vector3<f64>) -> Option<UnitQuaternion<f64>> {
    let x = unit(*a, 1e-12)?;
    let y = unit(b - x * b.dot(&x), 1e-9)?;
    let z = x.cross(&y);
    Some(UnitQuaternion::from_rotation_matrix(
        &Rotation3::from_matrix_unchecked(Matrix3::from_columns(&[x, y, z])),
    ))
}

/// The body half of a TRIAD (Shuster & Oh 1981), built once per pair of body axes: pointing
/// body axis `b1` along a target direction exactly and `b2` as close as possible to another.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct BodyTriad {
    /// [b̂₁ b̂₂' b̂₁×b̂₂']⁻¹ as a quaternion.
    frame_inv: UnitQuaternion<f64>,
}

impl BodyTriad {
    /// `None` when the two body axes are parallel or zero.
    pub fn new(b1: &Vector3<f64>, b2: &Vector3<f64>) -> Option<Self> {
        Some(Self {
            frame_inv: triad_frame(b1, b2)?.inverse(),
        })
    }

    /// Rotation taking body axes to ECI with b1 along `t1` exactly and b2 as close as possible
    /// to `t2`:  R = [t̂₁ t̂₂' t̂₁×t̂₂'] · [b̂₁ b̂₂' b̂₁×b̂₂']ᵀ,  x' = x − (x·x̂₁)x̂₁ normalised,
    /// composed as quaternions. `None` when `t1` and `t2` are parallel.
    pub fn align(&self, t1: &Vector3<f64>, t2: &Vector3<f64>) -> Option<UnitQuaternion<f64>> {
        Some(triad_frame(t1, t2)? * self.frame_inv)
    }
}

/// Rotation taking body axes to ECI such that body axis `b1` points along `t1` exactly and body
/// axis `b2` as close as possible to `t2` (the TRIAD construction, see [`BodyTriad::align`]).
/// Returns `None` when a pair is degenerate (parallel vectors).
pub(crate) fn align(
    b1: &Vector3<f64>,
    b2: &Vector3<f64>,
    t1: &Vector3<f64>,
    t2: &Vector3<f64>,
) -> Option<UnitQuaternion<f64>> {
    BodyTriad::new(b1, b2)?.align(t1, t2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn val_analytic_f_and_g_on_a_circular_orbit() {
        let mu: f64 = 398_600.441_8;
        let r: f64 = 6878.137;
        let v = (mu / r).sqrt();
        let n = v / r;
        let arc = OrbitArc::new(Vector3::new(r, 0.0, 0.0), Vector3::new(0.0, v, 0.0), mu);
        for tau in [1.0, 10.0, 60.0] {
            let (pos, vel) = arc.at(tau);
            let exact = Vector3::new(r * (n * tau).cos(), r * (n * tau).sin(), 0.0);
            let exact_v = Vector3::new(-v * (n * tau).sin(), v * (n * tau).cos(), 0.0);
            assert!(
                (pos - exact).norm() < 1e-4,
                "{tau}: {}",
                (pos - exact).norm()
            ); // < 0.1 m
            assert!((vel - exact_v).norm() < 1e-5);
        }
    }

    #[test]
    fn val_analytic_align_points_primary_exactly() {
        let b1 = Vector3::z();
        let b2 = Vector3::x();
        let t1 = Vector3::new(1.0, 2.0, -0.5);
        let t2 = Vector3::new(0.0, 1.0, 1.0);
        let q = align(&b1, &b2, &t1, &t2).unwrap();
        assert!(((q * b1) - t1.normalize()).norm() < 1e-14);
        // Secondary lies in the plane of t1 and t2, on t2's side.
        let s = q * b2;
        assert!(s.dot(&t1.cross(&t2)).abs() < 1e-14 && s.dot(&t2) > 0.0);
        assert!(align(&b1, &b1, &t1, &t2).is_none());
    }
}
