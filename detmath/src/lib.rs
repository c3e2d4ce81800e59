//! Deterministic elementary functions: the same bits on every platform, compiler and
//! optimisation level.
//!
//! Rust's `f64::sin`, `atan2`, `powf`, `cbrt`, `hypot`… call the platform's math library, whose
//! last bits differ between glibc, musl, macOS and Windows, and between versions. This crate
//! builds every function from operations IEEE 754 defines exactly — `+ − × ÷` and `sqrt`,
//! correctly rounded in the default round-to-nearest mode (the only mode safe Rust runs in) —
//! and from integer operations on the bit patterns. Rust never contracts `a * b + c` into a
//! fused multiply-add, and nothing here asks for one, so an expression rounds the same way
//! wherever it runs.
//!
//! # Functions and accuracy
//!
//! Accuracy is measured against correctly rounded values computed with `mpmath` (see
//! `tests/data/README.md`); "ulp" is the spacing of doubles at the true result.
//!
//! | function | method | bound | measured max |
//! |---|---|---|---|
//! | [`sin`], [`cos`], [`sin_cos`] | Cody–Waite reduction by π/2 in three parts (fdlibm `__rem_pio2`), Payne–Hanek above 2²⁰·π/2; fdlibm `__kernel_sin`/`__kernel_cos` minimax polynomials on [−π/4, π/4] | 1 ulp | 0.74 ulp |
//! | [`sin_cos_add`] | angle addition with sin d and cos d − 1 from the same kernels | see its docs | |
//! | [`atan`] | fdlibm `s_atan.c`: four breakpoints + degree-22 odd polynomial | 1 ulp | 0.72 ulp |
//! | [`atan2`] | fdlibm `e_atan2.c`: atan of the rounded \|y/x\|, quadrant fix with π's tail | 1.5 ulp | 1.19 ulp |
//! | [`asin`], [`acos`] | fdlibm `e_asin.c` / `e_acos.c`: rational approximation, half-angle above ½ | 1 ulp | 0.75 / 0.82 ulp |
//! | [`cbrt`] | FreeBSD `s_cbrt.c` (B. D. Evans): bit estimate, polynomial to 23 bits, one Newton step | 0.667 ulp | 0.66 ulp |
//! | [`pow_3_2`], [`pow_2_3`], [`pow_7_2`] | x·√x, ∛(x²), x³·√x | 2 / 1 / 4 ulp | 1.21 / 0.86 / 2.24 ulp |
//! | [`hypot`] | exact squares by Dekker splitting, one correctly rounded √ | 1 ulp | 0.86 ulp |
//! | [`fmod`], [`rem_euclid`] | integer long division of the significands | exact | exact |
//! | [`sqrt`], [`floor`], [`trunc`], [`round`] | the IEEE operations themselves | exact | exact |
//!
//! "Measured max" is over 137 202 arguments (`generate_golden.py --scale 40`); the committed
//! `tests/data/golden.csv` (3 431 arguments) is checked against the bounds on every test run.
//!
//! The polynomial coefficients are those of Sun Microsystems' fdlibm 5.3 (1993) as carried
//! by FreeBSD's msun and musl; the code is written for this crate. fdlibm's notice, which its
//! licence asks to keep:
//!
//! > Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
//! > Developed at SunPro, a Sun Microsystems, Inc. business.
//! > Permission to use, copy, modify, and distribute this software is freely granted,
//! > provided that this notice is preserved.
//!
//! # Example
//!
//! ```
//! let (s, c) = detmath::sin_cos(1.0);
//! assert_eq!(s, 0.8414709848078965); // sin 1, correctly rounded
//! assert_eq!(c, 0.5403023058681398); // cos 1, correctly rounded
//! assert_eq!(detmath::fmod(7.5, 2.0), 1.5);
//! ```

mod fmod;
mod inverse;
mod rem_pio2;
mod roots;
mod trig;

pub use fmod::{fmod, rem_euclid};
pub use inverse::{acos, asin, atan, atan2};
pub use roots::{cbrt, hypot, pow_2_3, pow_3_2, pow_7_2};
pub use trig::{cos, sin, sin_cos, sin_cos_add};

/// √x, correctly rounded (an IEEE 754 basic operation: the same on every platform). Here so
/// that `no_std` users of this crate have it without `num-traits`.
#[inline]
pub fn sqrt(x: f64) -> f64 {
    x.sqrt()
}

/// ⌊x⌋, exact (an IEEE 754 operation: the same on every platform).
#[inline]
pub fn floor(x: f64) -> f64 {
    x.floor()
}

/// x rounded toward zero to an integer, exact.
#[inline]
pub fn trunc(x: f64) -> f64 {
    x.trunc()
}

/// x rounded to the nearest integer, halfway cases away from zero (C `round`), exact.
#[inline]
pub fn round(x: f64) -> f64 {
    x.round()
}
