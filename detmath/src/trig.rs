//! sin, cos, sin_cos and the angle-addition update sin_cos_add.
//!
//! fdlibm's method (`s_sin.c`, `s_cos.c`, `k_sin.c`, `k_cos.c`): reduce x to y = x − n·π/2,
//! |y| ≤ π/4 (see `rem_pio2`), evaluate the minimax polynomials for sin y and cos y, and pick
//! by n mod 4. [`sin_cos`] reduces once for both.

use crate::rem_pio2::rem_pio2;

// sin y ≈ y + y³(S1 + y²(S2 + … + y²·S6)) on [−π/4, π/4], |error| ≤ 2⁻⁵⁸ relative
// (fdlibm k_sin.c).
const S1: f64 = f64::from_bits(0xBFC5_5555_5555_5549); // −1.66666666666666324348e−01
const S2: f64 = f64::from_bits(0x3F81_1111_1110_F8A6); // 8.33333333332248946124e−03
const S3: f64 = f64::from_bits(0xBF2A_01A0_19C1_61D5); // −1.98412698298579493134e−04
const S4: f64 = f64::from_bits(0x3EC7_1DE3_57B1_FE7D); // 2.75573137070700676789e−06
const S5: f64 = f64::from_bits(0xBE5A_E5E6_8A2B_9CEB); // −2.50507602534068634195e−08
const S6: f64 = f64::from_bits(0x3DE5_D93A_5ACF_D57C); // 1.58969099521155010221e−10

// cos y ≈ 1 − y²/2 + y⁴(C1 + y²(C2 + … + y²·C6)) on [−π/4, π/4], |error| ≤ 2⁻⁵⁸
// (fdlibm k_cos.c).
const C1: f64 = f64::from_bits(0x3FA5_5555_5555_554C); // 4.16666666666666019037e−02
const C2: f64 = f64::from_bits(0xBF56_C16C_16C1_5177); // −1.38888888888741095749e−03
const C3: f64 = f64::from_bits(0x3EFA_01A0_19CB_1590); // 2.48015872894767294178e−05
const C4: f64 = f64::from_bits(0xBE92_7E4F_809C_52AD); // −2.75573143513906633035e−07
const C5: f64 = f64::from_bits(0x3E21_EE9E_BDB4_B1C4); // 2.08757232129817482790e−09
const C6: f64 = f64::from_bits(0xBDA8_FAE9_BE88_38D4); // −1.13596475577881948265e−11

/// High word of π/4 (|x| below it needs no reduction; the kernels hold slightly beyond).
const PIO4_HIGH_WORD: u32 = 0x3FE9_21FB;
/// High word of 2⁻²⁶: below it sin x rounds to x (and keeps the sign of −0).
const TINY_HIGH_WORD: u32 = 0x3E50_0000;

/// sin(y₀ + y₁) for |y₀ + y₁| ≤ ~π/4, y₁ a tail below ulp(y₀)/2 (fdlibm `__kernel_sin`):
/// sin(y₀ + y₁) ≈ sin y₀ + y₁·cos y₀ ≈ y₀ + y₀³(S1 + y₀² r) + y₁(1 − y₀²/2).
#[inline(always)]
fn kernel_sin(y0: f64, y1: f64) -> f64 {
    let z = y0 * y0;
    let w = z * z;
    let r = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
    let v = z * y0;
    y0 - ((z * (0.5 * y1 - v * r) - y1) - v * S1)
}

/// sin y for |y| ≤ ~π/4 (no tail).
#[inline(always)]
fn kernel_sin0(y: f64) -> f64 {
    let z = y * y;
    let w = z * z;
    let r = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
    y + z * y * (S1 + z * r)
}

/// The part of cos y below 1 − y²/2: y⁴(C1 + … ) written as z·r with z = y².
#[inline(always)]
fn cos_tail(z: f64) -> f64 {
    let w = z * z;
    z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6))
}

/// cos(y₀ + y₁) (fdlibm `__kernel_cos`): cos(y₀ + y₁) ≈ 1 − y₀²/2 + y₀⁴·p(y₀²) − y₀·y₁, with
/// 1 − y₀²/2 split as w + ((1 − w) − y₀²/2) so that its rounding error is carried.
#[inline(always)]
fn kernel_cos(y0: f64, y1: f64) -> f64 {
    let z = y0 * y0;
    let r = cos_tail(z);
    let hz = 0.5 * z;
    let w = 1.0 - hz;
    w + (((1.0 - w) - hz) + (z * r - y0 * y1))
}

/// sin x (radians). Error < 1 ulp for every finite x; NaN for ±∞ and NaN.
#[inline]
pub fn sin(x: f64) -> f64 {
    let high = (x.to_bits() >> 32) as u32 & 0x7FFF_FFFF;
    if high <= PIO4_HIGH_WORD {
        return if high < TINY_HIGH_WORD {
            x
        } else {
            kernel_sin0(x)
        };
    }
    if !x.is_finite() {
        return f64::NAN;
    }
    let (n, y0, y1) = rem_pio2(x);
    match n {
        0 => kernel_sin(y0, y1),
        1 => kernel_cos(y0, y1),
        2 => -kernel_sin(y0, y1),
        _ => -kernel_cos(y0, y1),
    }
}

/// cos x (radians). Error < 1 ulp for every finite x; NaN for ±∞ and NaN.
#[inline]
pub fn cos(x: f64) -> f64 {
    let high = (x.to_bits() >> 32) as u32 & 0x7FFF_FFFF;
    if high <= PIO4_HIGH_WORD {
        return kernel_cos(x, 0.0);
    }
    if !x.is_finite() {
        return f64::NAN;
    }
    let (n, y0, y1) = rem_pio2(x);
    match n {
        0 => kernel_cos(y0, y1),
        1 => -kernel_sin(y0, y1),
        2 => -kernel_cos(y0, y1),
        _ => kernel_sin(y0, y1),
    }
}

/// (sin x, cos x) with one argument reduction; each exactly as [`sin`] and [`cos`] return.
#[inline(always)]
pub fn sin_cos(x: f64) -> (f64, f64) {
    let high = (x.to_bits() >> 32) as u32 & 0x7FFF_FFFF;
    if high <= PIO4_HIGH_WORD {
        let s = if high < TINY_HIGH_WORD {
            x
        } else {
            kernel_sin0(x)
        };
        return (s, kernel_cos(x, 0.0));
    }
    if !x.is_finite() {
        return (f64::NAN, f64::NAN);
    }
    let (n, y0, y1) = rem_pio2(x);
    let s = kernel_sin(y0, y1);
    let c = kernel_cos(y0, y1);
    match n {
        0 => (s, c),
        1 => (c, -s),
        2 => (-s, -c),
        _ => (-c, s),
    }
}

/// Up to this |d|, [`sin_cos_add`] uses the Taylor series d − d³/6 and −d²/2 + d⁴/24.
const SHORT_SERIES_LIMIT: f64 = 1.0 / 8192.0; // 2⁻¹³
/// Up to this |d|, [`sin_cos_add`] uses d − d³/6 + d⁵/120 and −d²/2 + d⁴/24 − d⁶/720.
const MEDIUM_SERIES_LIMIT: f64 = 1.0 / 128.0; // 2⁻⁷

/// (sin(a + d), cos(a + d)) from s = sin a, c = cos a and the increment d, by angle addition:
///
/// sin(a + d) = s + (s·(cos d − 1) + c·sin d),  cos(a + d) = c + (c·(cos d − 1) − s·sin d).
///
/// sin d and cos d − 1 come from Taylor series when |d| is small — d − d³/6 and
/// −d²/2 + d⁴/24 up to 2⁻¹³ (the next terms are below d⁵/120 ≤ 2⁻⁷² and d⁶/720 ≤ 2⁻⁸⁷),
/// one more term each up to 2⁻⁷ (next terms below 2⁻⁶¹ and 2⁻⁷¹) — from the fdlibm kernels
/// up to π/4, and from [`sin_cos`] beyond. Only the small correction is rounded on top of s
/// and c, so the result is within ½ ulp + |d|·2⁻⁵² (+ the neglected terms, < 2⁻⁶¹) of
/// sin(a + d) and cos(a + d), plus whatever error s and c carry, which passes through
/// unchanged; for |d| ≤ 10⁻³ that is below 0.51 ulp. Use it when a + d is a small
/// correction to an angle whose sine and cosine are known; it does not renormalise s² + c².
#[inline]
pub fn sin_cos_add(s: f64, c: f64, d: f64) -> (f64, f64) {
    let abs_d = d.abs();
    let z = d * d;
    let (sin_d, cos_d_m1) = if abs_d <= SHORT_SERIES_LIMIT {
        (d - d * z * (1.0 / 6.0), z * (-0.5 + z * (1.0 / 24.0)))
    } else if abs_d <= MEDIUM_SERIES_LIMIT {
        (
            d + d * z * (-1.0 / 6.0 + z * (1.0 / 120.0)),
            z * (-0.5 + z * (1.0 / 24.0 - z * (1.0 / 720.0))),
        )
    } else if abs_d <= core::f64::consts::FRAC_PI_4 {
        (kernel_sin0(d), z * cos_tail(z) - 0.5 * z)
    } else {
        let (sd, cd) = sin_cos(d);
        (sd, cd - 1.0)
    };
    (
        s + (s * cos_d_m1 + c * sin_d),
        c + (c * cos_d_m1 - s * sin_d),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn val_analytic_exact_points() {
        assert_eq!(sin(0.0), 0.0);
        assert!(sin(-0.0).is_sign_negative());
        assert_eq!(cos(0.0), 1.0);
        assert!(sin(f64::INFINITY).is_nan());
        assert!(cos(f64::NAN).is_nan());
        let (s, c) = sin_cos(f64::NEG_INFINITY);
        assert!(s.is_nan() && c.is_nan());
        // sin of the double nearest π is π − fl(π) = 1.2246467991473532e-16
        assert_eq!(sin(core::f64::consts::PI), 1.2246467991473532e-16);
        assert_eq!(cos(core::f64::consts::PI), -1.0);
    }

    #[test]
    fn regress_sin_cos_equals_sin_and_cos() {
        let mut x = -1.0e7;
        while x < 1.0e7 {
            let (s, c) = sin_cos(x);
            assert_eq!(s.to_bits(), sin(x).to_bits(), "{x}");
            assert_eq!(c.to_bits(), cos(x).to_bits(), "{x}");
            x += 12_345.678_9;
        }
        for x in [1e22, -1e300, 5.0e9, f64::MAX] {
            assert_eq!(sin_cos(x), (sin(x), cos(x)));
        }
    }

    #[test]
    fn val_analytic_sin_squared_plus_cos_squared() {
        let mut x = -50.0;
        while x < 50.0 {
            let (s, c) = sin_cos(x);
            assert!((s * s + c * c - 1.0).abs() < 4.0 * f64::EPSILON, "{x}");
            x += 0.001_234_5;
        }
    }

    #[test]
    fn val_analytic_sin_cos_add_matches_direct_evaluation() {
        // every branch: short series, kernels, full reduction
        for a in [-3.0, -0.7, 0.1, 1.0, 2.5, 100.0] {
            let (s, c) = sin_cos(a);
            for d in [
                1e-15, -3e-9, 1e-4, -1.2e-4, 2e-3, -0.05, 0.3, 0.78, -0.95, 2.0,
            ] {
                let (s2, c2) = sin_cos_add(s, c, d);
                let (se, ce) = sin_cos(a + d);
                // a + d is rounded: compare with the exact sum's sine through its derivative
                let rounding = (a + d) - a - d;
                let tol = 2.0 * f64::EPSILON;
                assert!((s2 - (se - ce * rounding)).abs() < tol, "sin {a} {d}");
                assert!((c2 - (ce + se * rounding)).abs() < tol, "cos {a} {d}");
            }
        }
    }
}
