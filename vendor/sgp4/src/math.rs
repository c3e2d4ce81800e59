//! All of this crate's floating-point functions (skytwin patch 1, see PATCHES.md).
//!
//! Upstream calls `f64::sin`, `powf`, `atan2`… through `num_traits::Float`, which resolve to
//! the platform's math library (with `num-traits/std`) or to the `libm` crate, so results
//! depended on the platform and on which feature another crate enabled. Here every function
//! is `detmath`'s (IEEE basic operations only: the same bits everywhere), and integer powers
//! are written as products so that their rounding does not depend on how `powi` is lowered.

pub(crate) use detmath::{
    atan2, cos, floor, fmod, pow_2_3, pow_3_2, pow_7_2, rem_euclid, round, sin, sin_cos,
    sin_cos_add, sqrt,
};

/// x² = x·x.
#[inline(always)]
pub(crate) fn sq(x: f64) -> f64 {
    x * x
}

/// x³ = (x·x)·x.
#[inline(always)]
pub(crate) fn cube(x: f64) -> f64 {
    x * x * x
}

/// x⁴ = (x·x)·(x·x).
#[inline(always)]
pub(crate) fn pow4(x: f64) -> f64 {
    let x2 = x * x;
    x2 * x2
}

/// x − trunc(x) (exact).
#[inline]
pub(crate) fn fract(x: f64) -> f64 {
    x - detmath::trunc(x)
}

/// xⁿ by binary powering with the reciprocal taken last: compiler-rt's `__powidf2`, which
/// `f64::powi` calls for an exponent known only at run time, so TLE exponent fields give the
/// bits they gave with `std` on any platform.
pub(crate) fn powi(x: f64, n: i32) -> f64 {
    let mut base = x;
    let mut rest = n.unsigned_abs();
    let mut r = 1.0;
    loop {
        if rest & 1 == 1 {
            r *= base;
        }
        rest >>= 1;
        if rest == 0 {
            break;
        }
        base *= base;
    }
    if n < 0 {
        1.0 / r
    } else {
        r
    }
}

/// (y, x)/√(x² + y²): the sine and cosine of atan2(y, x) without evaluating either
/// (skytwin patch 2). When q = x² + y² is within 2⁻²⁷ of 1 — always for SGP4's p₄₂, p₄₃,
/// which are sin u and cos u up to rounding — one Newton step for 1/√q, (3 − q)/2, replaces
/// the square root and the division (its error, ⅜(q − 1)², is below 2⁻⁵⁵). (0, 1) for
/// (0, 0), as atan2(0, 0) = 0; NaN in, NaN out.
#[inline]
pub(crate) fn unit_direction(y: f64, x: f64) -> (f64, f64) {
    let q = x * x + y * y;
    let k = if (q - 1.0).abs() < 7.450_580_596_923_828e-9 {
        1.5 - 0.5 * q
    } else if q == 0.0 {
        return (0.0, 1.0);
    } else {
        1.0 / sqrt(q)
    };
    (y * k, x * k)
}
