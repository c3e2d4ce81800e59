//! Exact floating-point remainder.

/// x − n·y with n = trunc(x/y), computed exactly (as IEEE 754 / C `fmod` and Rust's `%`
/// define it: the result is always representable). Sign of x; NaN if y = 0, x is infinite,
/// or either is NaN; x itself if |x| < |y|.
///
/// Method: write x = mₓ·2ᵃ and y = m_y·2ᵇ with integer significands (a ≥ b when |x| ≥ |y|);
/// then x mod y = (mₓ·2ᵃ⁻ᵇ mod m_y)·2ᵇ, reduced 11 bits of 2ᵃ⁻ᵇ at a time with integer
/// remainders (the running remainder is below m_y < 2⁵³, so shifting it by 11 stays below
/// 2⁶⁴). For SGP4's angles modulo 2π (|x| < 2¹⁶·2π) that is one or two integer divisions.
#[inline]
pub fn fmod(x: f64, y: f64) -> f64 {
    let (bx, by) = (x.to_bits(), y.to_bits());
    let (ax, ay) = (bx & !(1 << 63), by & !(1 << 63));
    if ay == 0 || ax >= 0x7FF0_0000_0000_0000 || ay > 0x7FF0_0000_0000_0000 {
        return f64::NAN; // y = ±0, x = ±∞ or NaN, y NaN
    }
    if ax < ay {
        return x; // |x| < |y|, including y = ±∞
    }
    let (mx, ex) = significand(ax);
    let (my, ey) = significand(ay);
    let mut r = mx % my;
    let mut d = ex - ey; // ≥ 0 since |x| ≥ |y|
    while d > 0 && r != 0 {
        let k = d.min(11);
        r = (r << k) % my;
        d -= k;
    }
    // r·2^ey is exactly representable (a multiple of y's last bit below |y|)
    let magnitude = r as f64 * pow2(ey);
    f64::from_bits(magnitude.to_bits() | (bx & (1 << 63)))
}

/// (m, e) with |v| = m·2ᵉ, m the integer significand (implicit bit included for normals).
#[inline]
fn significand(abs_bits: u64) -> (u64, i32) {
    let biased = (abs_bits >> 52) as i32;
    let fraction = abs_bits & ((1 << 52) - 1);
    if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    }
}

/// 2ᵉ for −1074 ≤ e ≤ 1023, exactly.
#[inline]
fn pow2(e: i32) -> f64 {
    if e >= -1022 {
        f64::from_bits(((e + 1023) as u64) << 52)
    } else {
        f64::from_bits(1 << (e + 1074))
    }
}

/// The least non-negative remainder of x modulo |y|: `fmod(x, y)`, plus |y| when that is
/// negative (then rounded, exactly as Rust's `f64::rem_euclid`, so results agree bit for
/// bit). In [0, |y|] — the upper end only when a tiny negative remainder rounds up to |y|.
#[inline]
pub fn rem_euclid(x: f64, y: f64) -> f64 {
    let r = fmod(x, y);
    if r < 0.0 { r + y.abs() } else { r }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SplitMix64 (Steele, Lea & Flood 2014), for reproducible test inputs.
    fn splitmix(state: &mut u64) -> u64 {
        *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    #[test]
    fn val_ieee_fmod_equals_the_exact_remainder_operator() {
        // Rust's `%` is IEEE fmod, exact by definition: any correct implementation agrees
        let mut state = 7;
        let tau = core::f64::consts::TAU;
        for _ in 0..200_000 {
            let bits_x = splitmix(&mut state);
            let bits_y = splitmix(&mut state);
            // arbitrary doubles (all exponents, subnormals, NaN, ∞)
            let (x, y) = (f64::from_bits(bits_x), f64::from_bits(bits_y));
            let (a, b) = (fmod(x, y), x % y);
            assert!(
                a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
                "{x:e} {y:e}"
            );
            // SGP4-like: angles up to 10⁶ rad modulo 2π
            let angle = (bits_x >> 11) as f64 / (1u64 << 53) as f64 * 2e6 - 1e6;
            assert_eq!(
                fmod(angle, tau).to_bits(),
                (angle % tau).to_bits(),
                "{angle}"
            );
            assert_eq!(
                rem_euclid(angle, tau).to_bits(),
                angle.rem_euclid(tau).to_bits()
            );
        }
    }

    #[test]
    fn val_analytic_edge_cases() {
        assert_eq!(fmod(7.5, 2.0), 1.5);
        assert_eq!(fmod(-7.5, 2.0), -1.5);
        assert!(fmod(-4.0, 2.0).is_sign_negative());
        assert_eq!(fmod(1.0, f64::INFINITY), 1.0);
        assert!(fmod(f64::INFINITY, 1.0).is_nan());
        assert!(fmod(1.0, 0.0).is_nan());
        assert_eq!(fmod(f64::MAX, f64::from_bits(1)), 0.0);
        assert_eq!(rem_euclid(-1.0, 3.0), 2.0);
    }
}
