//! Cube root, the fractional powers SGP4 needs, and hypot.

use crate::rem_pio2::split;

/// (1023 − 1023/3 − 0.03306235651)·2²⁰: exponent bias fix for the bit-level estimate.
const B1: u32 = 715_094_163;
/// The same for subnormals after scaling by 2⁵⁴: (1023 − 1023/3 − 54/3 − 0.03306235651)·2²⁰.
const B2: u32 = 696_219_795;
// 1/∛r ≈ P0 + P1 r + P2 r² + P3 r³ + P4 r⁴ for |r − 1| < 1/10, |error| < 2⁻²³·⁵
const P0: f64 = f64::from_bits(0x3FFE_03E6_0F61_E692);
const P1: f64 = f64::from_bits(0xBFFE_28E0_92F0_2420);
const P2: f64 = f64::from_bits(0x3FF9_F160_4A49_D6C2);
const P3: f64 = f64::from_bits(0xBFE8_44CB_BEE7_51D9);
const P4: f64 = f64::from_bits(0x3FC2_B000_D4E4_EDD7);

/// ∛x for every double (negative x gives a negative root). Error < 0.667 ulp.
///
/// FreeBSD `s_cbrt.c` (Sun, optimised by B. D. Evans): dividing the high word by 3 gives
/// ∛x to about 5 bits; a polynomial in r = t³/x lifts it to 23 bits; t is rounded to 22 bits
/// so that t² is exact; one Newton step t + t·(x/t² − t)/(2t + x/t²) gives 53 bits.
pub fn cbrt(x: f64) -> f64 {
    let bits = x.to_bits();
    let mut high = (bits >> 32) as u32 & 0x7FFF_FFFF;
    if high >= 0x7FF0_0000 {
        return x + x; // NaN, ±∞
    }
    let sign = bits & (1 << 63);
    let estimate_high = if high < 0x0010_0000 {
        // zero or subnormal: scale by 2⁵⁴ first
        let scaled = x * f64::from_bits(0x4350_0000_0000_0000);
        high = (scaled.to_bits() >> 32) as u32 & 0x7FFF_FFFF;
        if high == 0 {
            return x; // ±0
        }
        high / 3 + B2
    } else {
        high / 3 + B1
    };
    let mut t = f64::from_bits(sign | (u64::from(estimate_high) << 32));
    // t ≈ ∛x to 23 bits
    let r = (t * t) * (t / x);
    t *= (P0 + r * (P1 + r * P2)) + ((r * r) * r) * (P3 + r * P4);
    // round t away from zero to 22 bits: t·t is then exact
    t = f64::from_bits((t.to_bits() + 0x8000_0000) & 0xFFFF_FFFF_C000_0000);
    // one Newton step to 53 bits
    let s = t * t;
    let r = x / s;
    let w = t + t;
    let r = (r - t) / (w + r);
    t + t * r
}

/// x^(3/2) = x·√x for x ≥ 0 (NaN for x < 0). Two roundings, each ≤ 2⁻⁵³ relative: error
/// < 2 ulp (measured max 1.21 ulp).
#[inline]
pub fn pow_3_2(x: f64) -> f64 {
    x * x.sqrt()
}

/// x^(7/2) = x³·√x for x ≥ 0 (NaN for x < 0). Four roundings: error < 4 ulp (measured max
/// 2.24 ulp).
#[inline]
pub fn pow_7_2(x: f64) -> f64 {
    (x * x) * x * x.sqrt()
}

/// x^(2/3) = ∛(x²) (the real cube root, so negative x gives a positive result, like
/// x^(2/3) taken as (x²)^(1/3)). Error < 1 ulp: x² is off by ≤ 2⁻⁵³ relative, which the cube
/// root divides by 3 (≤ ⅓ ulp), plus cbrt's 0.667 ulp (measured max 0.86 ulp). Where x² would
/// overflow or lose bits to underflow (|x| outside [10⁻¹⁵⁰, 10¹⁵⁰)), ∛x·∛x is used instead
/// (< 2 ulp).
#[inline]
pub fn pow_2_3(x: f64) -> f64 {
    let a = x.abs();
    if (1e-150..1e150).contains(&a) {
        cbrt(x * x)
    } else {
        let c = cbrt(a);
        c * c
    }
}

/// √(x² + y²) without undue overflow or underflow. Error < 1 ulp: the squares are formed
/// exactly as double-doubles (Dekker splitting) and summed before one correctly rounded √.
/// hypot(±∞, NaN) = +∞ as in C99.
pub fn hypot(x: f64, y: f64) -> f64 {
    let (mut a, mut b) = (x.abs(), y.abs());
    if a < b {
        core::mem::swap(&mut a, &mut b);
    }
    if a.is_infinite() || b.is_infinite() {
        return f64::INFINITY;
    }
    if a.is_nan() || b.is_nan() {
        return f64::NAN;
    }
    if b == 0.0 {
        return a;
    }
    let exp = |v: f64| ((v.to_bits() >> 52) & 0x7FF) as i32;
    if exp(a) - exp(b) > 64 {
        return a + b; // b² is below a's last bit
    }
    // keep the squares and their split parts inside the normal range
    let (scale, a, b) = if exp(a) > 1023 + 510 {
        (
            f64::from_bits(0x6BB0_0000_0000_0000), // 2⁷⁰⁰
            a * f64::from_bits(0x1430_0000_0000_0000),
            b * f64::from_bits(0x1430_0000_0000_0000),
        )
    } else if exp(b) < 1023 - 450 {
        (
            f64::from_bits(0x1430_0000_0000_0000), // 2⁻⁷⁰⁰
            a * f64::from_bits(0x6BB0_0000_0000_0000),
            b * f64::from_bits(0x6BB0_0000_0000_0000),
        )
    } else {
        (1.0, a, b)
    };
    let (ha, la) = square(a);
    let (hb, lb) = square(b);
    scale * (lb + la + hb + ha).sqrt()
}

/// x² = hi + lo exactly (Dekker).
fn square(x: f64) -> (f64, f64) {
    let hi = x * x;
    let (xh, xl) = split(x);
    let lo = xh * xh - hi + 2.0 * xh * xl + xl * xl;
    (hi, lo)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn val_analytic_exact_cubes_and_powers() {
        for k in -40_i32..=40 {
            let c = f64::from(k);
            assert_eq!(cbrt(c * c * c), c, "{k}");
        }
        assert_eq!(cbrt(0.125), 0.5);
        assert!(cbrt(-0.0).is_sign_negative());
        assert_eq!(cbrt(f64::NEG_INFINITY), f64::NEG_INFINITY);
        assert!(cbrt(f64::NAN).is_nan());
        // subnormal: ∛(2⁻¹⁰⁷⁴) is not a power of two, ∛(2⁻¹⁰⁶⁸) = 2⁻³⁵⁶ is
        assert_eq!(
            cbrt(f64::from_bits(1 << 6)),
            f64::from_bits((1023 - 356) << 52)
        );
        assert_eq!(pow_3_2(4.0), 8.0);
        assert_eq!(pow_2_3(8.0), 4.0);
        assert_eq!(pow_2_3(-8.0), 4.0);
        assert_eq!(pow_7_2(4.0), 128.0);
        assert_eq!(
            pow_2_3(f64::from_bits((1023 + 600) << 52)),
            f64::from_bits((1023 + 400) << 52)
        );
    }

    #[test]
    fn val_analytic_hypot() {
        assert_eq!(hypot(3.0, 4.0), 5.0);
        assert_eq!(hypot(-5.0, 12.0), 13.0);
        assert_eq!(hypot(0.0, -7.5), 7.5);
        let (big, small) = (
            f64::from_bits((1023 + 900) << 52),
            f64::from_bits((1023 - 900) << 52),
        );
        assert_eq!(hypot(3.0 * big, 4.0 * big), 5.0 * big);
        assert_eq!(hypot(3.0 * small, 4.0 * small), 5.0 * small);
        assert_eq!(hypot(f64::NAN, f64::NEG_INFINITY), f64::INFINITY);
        assert!(hypot(f64::NAN, 1.0).is_nan());
        assert_eq!(hypot(1.0, 1e-30), 1.0);
    }
}
