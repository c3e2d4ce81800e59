//! Rotation helpers for the integrator and the controller: sine and cosine of the small angles
//! of one control period, and the rotation vector of a unit quaternion, both without losing
//! digits (and without a libm call) when the angle is small.

use nalgebra::{UnitQuaternion, Vector3};

/// Below this |x| the Taylor polynomials of `sin_cos` are exact in double precision: the first
/// omitted terms, x⁹/9! and x¹⁰/10!, are below 2⁻⁶⁰ of sin x and cos x for |x| ≤ 1/64.
const SMALL_ANGLE_RAD: f64 = 1.0 / 64.0;

/// (sin x, cos x). For |x| ≤ 1/64 rad by the Taylor series (Abramowitz & Stegun 4.3.65–66)
///   sin x = x (1 − x²/6 (1 − x²/20 (1 − x²/42))),  cos x = 1 − x²/2 (1 − x²/12 (1 − x²/30 (1 − x²/56)))
/// truncated where the remainder is below the rounding of the result; otherwise libm.
#[inline]
pub(crate) fn sin_cos(x: f64) -> (f64, f64) {
    if x.abs() <= SMALL_ANGLE_RAD {
        let x2 = x * x;
        // Horner form with the coefficients 1/3!, 1/5!, 1/7! and 1/2!, 1/4!, 1/6!, 1/8!.
        let s = x * (1.0 - x2 * (1.0 / 6.0 - x2 * (1.0 / 120.0 - x2 * (1.0 / 5040.0))));
        let c = 1.0 - x2 * (0.5 - x2 * (1.0 / 24.0 - x2 * (1.0 / 720.0 - x2 * (1.0 / 40_320.0))));
        (s, c)
    } else {
        x.sin_cos()
    }
}

/// Rotation vector θ·â of a unit quaternion (the shortest rotation, |θ| ≤ π): the logarithm
///   log q = 2 atan2(|v|, w) · v / |v|,  q = (w, v) with w ≥ 0 (sign flipped if needed)
/// For |v| ≤ w/64 the factor 2 atan2(|v|, w)/|v| = (2/w)(1 − u²/3 + u⁴/5 − u⁶/7 + u⁸/9), u = |v|/w
/// (Abramowitz & Stegun 4.4.42), exact in double precision there; this keeps full relative
/// precision for the tiny angles of one control period, where 2 acos(w) loses half the digits.
#[inline]
pub(crate) fn rotation_vector(q: &UnitQuaternion<f64>) -> Vector3<f64> {
    let (w, v) = if q.w < 0.0 {
        (-q.w, -q.imag())
    } else {
        (q.w, q.imag())
    };
    let n2 = v.norm_squared();
    if n2 <= w * w * (SMALL_ANGLE_RAD * SMALL_ANGLE_RAD) {
        let inv_w = 1.0 / w;
        let u2 = n2 * inv_w * inv_w;
        let f = 2.0
            * inv_w
            * (1.0 - u2 * (1.0 / 3.0 - u2 * (1.0 / 5.0 - u2 * (1.0 / 7.0 - u2 * (1.0 / 9.0)))));
        v * f
    } else {
        let n = n2.sqrt();
        v * (2.0 * n.atan2(w) / n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn val_analytic_small_angle_series_match_libm() {
        let mut worst_s: f64 = 0.0;
        let mut worst_c: f64 = 0.0;
        for k in 0..=2000 {
            let x = (k as f64 / 1000.0 - 1.0) * SMALL_ANGLE_RAD;
            let (s, c) = sin_cos(x);
            let (s_ref, c_ref) = x.sin_cos();
            if x != 0.0 {
                worst_s = worst_s.max(((s - s_ref) / s_ref).abs());
            }
            worst_c = worst_c.max((c - c_ref).abs());
        }
        // Within one or two units in the last place of libm.
        assert!(
            worst_s < 4.5e-16 && worst_c < 2.3e-16,
            "{worst_s:e} {worst_c:e}"
        );
        assert_eq!(sin_cos(1.0), 1.0f64.sin_cos());
    }

    #[test]
    fn val_analytic_rotation_vector_inverts_from_scaled_axis() {
        let axis = Vector3::new(0.3, -0.8, 0.52).normalize();
        for angle in [0.0, 1e-12, 1e-6, 3e-4, 0.01, 0.03, 0.5, 2.0, 3.1] {
            let q = UnitQuaternion::from_scaled_axis(axis * angle);
            let got = rotation_vector(&q);
            let err = (got - axis * angle).norm();
            assert!(
                err <= 4e-16 * angle.max(1e-300) + 1e-300,
                "{angle}: {err:e}"
            );
            // The same rotation with the opposite sign of the quaternion.
            let neg = UnitQuaternion::new_unchecked(-q.into_inner());
            assert!((rotation_vector(&neg) - got).norm() <= 1e-16 * angle.max(1.0));
        }
    }
}
