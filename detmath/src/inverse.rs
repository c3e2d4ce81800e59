//! atan, atan2, asin, acos after fdlibm (`s_atan.c`, `e_atan2.c`, `e_asin.c`, `e_acos.c`).

use core::f64::consts::{FRAC_PI_2, FRAC_PI_4, PI};

/// atan(0.5), atan(1), atan(1.5), atan(∞) split into a double and its tail.
const ATAN_HI: [f64; 4] = [
    f64::from_bits(0x3FDD_AC67_0561_BB4F),
    f64::from_bits(0x3FE9_21FB_5444_2D18),
    f64::from_bits(0x3FEF_730B_D281_F69B),
    f64::from_bits(0x3FF9_21FB_5444_2D18),
];
const ATAN_LO: [f64; 4] = [
    f64::from_bits(0x3C7A_2B7F_222F_65E2),
    f64::from_bits(0x3C81_A626_3314_5C07),
    f64::from_bits(0x3C70_0788_7AF0_CBBD),
    f64::from_bits(0x3C91_A626_3314_5C07),
];
/// atan t ≈ t − t³(A0 + t²A1 + … + t²⁰A10) for |t| ≤ 7/16 (fdlibm, error < 2⁻⁵⁸·⁷ relative).
const A: [f64; 11] = [
    f64::from_bits(0x3FD5_5555_5555_550D),
    f64::from_bits(0xBFC9_9999_9998_EBC4),
    f64::from_bits(0x3FC2_4924_9200_83FF),
    f64::from_bits(0xBFBC_71C6_FE23_1671),
    f64::from_bits(0x3FB7_45CD_C54C_206E),
    f64::from_bits(0xBFB3_B0F2_AF74_9A6D),
    f64::from_bits(0x3FB1_0D66_A0D0_3D51),
    f64::from_bits(0xBFAD_DE2D_52DE_FD9A),
    f64::from_bits(0x3FA9_7B4B_2476_0DEB),
    f64::from_bits(0xBFA2_B444_2C6A_6C2F),
    f64::from_bits(0x3F90_AD3A_E322_DA11),
];

/// atan x (radians, in [−π/2, π/2]). Error < 1 ulp.
///
/// |x| is mapped to t in [−7/16, 7/16] around one of the breakpoints 0, ½, 1, 3/2, ∞:
/// atan x = atan c + atan((x − c)/(1 + c·x)) (and atan x = π/2 + atan(−1/x) above 39/16);
/// atan t is the odd polynomial above, split in even and odd halves.
pub fn atan(x: f64) -> f64 {
    let high = (x.to_bits() >> 32) as u32 & 0x7FFF_FFFF;
    let negative = x.is_sign_negative();
    if x.is_nan() {
        return x;
    }
    if high >= 0x4410_0000 {
        // |x| ≥ 2⁶⁶: atan x = ±π/2 to double precision
        return if negative { -FRAC_PI_2 } else { FRAC_PI_2 };
    }
    let (t, id) = if high < 0x3FDC_0000 {
        // |x| < 7/16
        if high < 0x3E40_0000 {
            return x; // |x| < 2⁻²⁷: atan x = x − x³/3 rounds to x
        }
        (x, None)
    } else {
        let a = x.abs();
        if high < 0x3FF3_0000 {
            if high < 0x3FE6_0000 {
                ((2.0 * a - 1.0) / (2.0 + a), Some(0)) // 7/16 ≤ |x| < 11/16
            } else {
                ((a - 1.0) / (a + 1.0), Some(1)) // 11/16 ≤ |x| < 19/16
            }
        } else if high < 0x4003_8000 {
            ((a - 1.5) / (1.0 + 1.5 * a), Some(2)) // 19/16 ≤ |x| < 39/16
        } else {
            (-1.0 / a, Some(3)) // 39/16 ≤ |x| < 2⁶⁶
        }
    };
    let z = t * t;
    let w = z * z;
    let s1 = z * (A[0] + w * (A[2] + w * (A[4] + w * (A[6] + w * (A[8] + w * A[10])))));
    let s2 = w * (A[1] + w * (A[3] + w * (A[5] + w * (A[7] + w * A[9]))));
    match id {
        None => t - t * (s1 + s2),
        Some(i) => {
            let r = ATAN_HI[i] - ((t * (s1 + s2) - ATAN_LO[i]) - t);
            if negative { -r } else { r }
        }
    }
}

/// π's tail: π = PI + PI_LO.
const PI_LO: f64 = f64::from_bits(0x3CA1_A626_3314_5C07);

/// atan2(y, x): the angle of the point (x, y) in (−π, π], radians. Error < 1.5 ulp (measured
/// max 1.19 ulp: the rounding of y/x adds up to ½ ulp to atan's own error).
/// The IEEE special cases (signed zeros, infinities, NaN) follow C99 Annex F.
pub fn atan2(y: f64, x: f64) -> f64 {
    if x.is_nan() || y.is_nan() {
        return x + y;
    }
    if x == 1.0 {
        return atan(y);
    }
    // quadrant: bit 0 = sign of y, bit 1 = sign of x
    let m = u8::from(y.is_sign_negative()) | (u8::from(x.is_sign_negative()) << 1);
    if y == 0.0 {
        return match m {
            0 | 1 => y, // atan2(±0, +x) = ±0
            2 => PI,    // atan2(+0, −x) = π
            _ => -PI,   // atan2(−0, −x) = −π
        };
    }
    if x == 0.0 {
        return if m & 1 == 1 { -FRAC_PI_2 } else { FRAC_PI_2 };
    }
    if x.is_infinite() {
        return match (y.is_infinite(), m) {
            (true, 0) => FRAC_PI_4,
            (true, 1) => -FRAC_PI_4,
            (true, 2) => 3.0 * FRAC_PI_4,
            (true, _) => -3.0 * FRAC_PI_4,
            (false, 0) => 0.0,
            (false, 1) => -0.0,
            (false, 2) => PI,
            (false, _) => -PI,
        };
    }
    let exp = |v: f64| ((v.to_bits() >> 52) & 0x7FF) as i32;
    let (ex, ey) = (exp(x), exp(y));
    if ey - ex > 64 || y.is_infinite() {
        // |y/x| > 2⁶⁴
        return if m & 1 == 1 { -FRAC_PI_2 } else { FRAC_PI_2 };
    }
    let z = if m & 2 == 2 && ex - ey > 64 {
        0.0 // |y/x| < 2⁻⁶⁴ with x < 0: the result is ±π
    } else {
        atan((y / x).abs())
    };
    match m {
        0 => z,
        1 => -z,
        2 => PI - (z - PI_LO),
        _ => (z - PI_LO) - PI,
    }
}

/// π/2 = PIO2_HI + PIO2_LO.
const PIO2_HI: f64 = f64::from_bits(0x3FF9_21FB_5444_2D18);
const PIO2_LO: f64 = f64::from_bits(0x3C91_A626_3314_5C07);

// (asin x − x)/x³ ≈ R(x²) = P(x²)/Q(x²) on [0, ½], |error| < 2⁻⁵⁸·⁷⁵ (fdlibm e_asin.c)
const P0: f64 = f64::from_bits(0x3FC5_5555_5555_5555);
const P1: f64 = f64::from_bits(0xBFD4_D612_03EB_6F7D);
const P2: f64 = f64::from_bits(0x3FC9_C155_0E88_4455);
const P3: f64 = f64::from_bits(0xBFA4_8228_B568_8F3B);
const P4: f64 = f64::from_bits(0x3F49_EFE0_7501_B288);
const P5: f64 = f64::from_bits(0x3F02_3DE1_0DFD_F709);
const Q1: f64 = f64::from_bits(0xC003_3A27_1C8A_2D4B);
const Q2: f64 = f64::from_bits(0x4000_2AE5_9C59_8AC8);
const Q3: f64 = f64::from_bits(0xBFE6_066C_1B8D_0159);
const Q4: f64 = f64::from_bits(0x3FB3_B8C5_B12E_9282);

/// z·R(z) where R is the rational approximation above.
fn asin_rational(z: f64) -> f64 {
    let p = z * (P0 + z * (P1 + z * (P2 + z * (P3 + z * (P4 + z * P5)))));
    let q = 1.0 + z * (Q1 + z * (Q2 + z * (Q3 + z * Q4)));
    p / q
}

/// The double with the low 32 bits of `s` cleared (exact high part, for f + c = √z).
fn high_part(s: f64) -> f64 {
    f64::from_bits(s.to_bits() & 0xFFFF_FFFF_0000_0000)
}

/// asin x (radians, in [−π/2, π/2]); NaN outside [−1, 1]. Error < 1 ulp.
///
/// |x| < ½: asin x = x + x·z·R(z), z = x². Above: asin x = π/2 − 2·asin √((1 − x)/2), with
/// √ split in an exact high part and a correction where cancellation needs it.
pub fn asin(x: f64) -> f64 {
    let a = x.abs();
    if a.is_nan() || a >= 1.0 {
        return if a == 1.0 { x * PIO2_HI } else { f64::NAN };
    }
    if a < 0.5 {
        if a < f64::from_bits(0x3E50_0000_0000_0000) {
            return x; // |x| < 2⁻²⁶
        }
        return x + x * asin_rational(x * x);
    }
    let z = (1.0 - a) * 0.5;
    let s = z.sqrt();
    let r = asin_rational(z);
    let result = if a >= f64::from_bits(0x3FEF_3333_0000_0000) {
        // |x| > 0.975
        PIO2_HI - (2.0 * (s + s * r) - PIO2_LO)
    } else {
        let f = high_part(s);
        let c = (z - f * f) / (s + f);
        0.5 * PIO2_HI - (2.0 * s * r - (PIO2_LO - 2.0 * c) - (0.5 * PIO2_HI - 2.0 * f))
    };
    if x.is_sign_negative() {
        -result
    } else {
        result
    }
}

/// acos x (radians, in [0, π]); NaN outside [−1, 1]. Error < 1 ulp.
///
/// |x| < ½: acos x = π/2 − (x + x·z·R(z)); x < −½: acos x = π − 2·asin √((1 + x)/2);
/// x > ½: acos x = 2·asin √((1 − x)/2), with the same R as [`asin`].
pub fn acos(x: f64) -> f64 {
    let a = x.abs();
    if a.is_nan() || a >= 1.0 {
        return if x == 1.0 {
            0.0
        } else if x == -1.0 {
            PI
        } else {
            f64::NAN
        };
    }
    if a < 0.5 {
        if a <= f64::from_bits(0x3C60_0000_0000_0000) {
            return PIO2_HI; // |x| ≤ 2⁻⁵⁷
        }
        return PIO2_HI - (x - (PIO2_LO - x * asin_rational(x * x)));
    }
    if x < 0.0 {
        let z = (1.0 + x) * 0.5;
        let s = z.sqrt();
        let w = asin_rational(z) * s - PIO2_LO;
        return 2.0 * (PIO2_HI - (s + w));
    }
    let z = (1.0 - x) * 0.5;
    let s = z.sqrt();
    let f = high_part(s);
    let c = (z - f * f) / (s + f);
    let w = asin_rational(z) * s + c;
    2.0 * (f + w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn val_analytic_special_values() {
        assert_eq!(atan(0.0), 0.0);
        assert_eq!(atan(1.0), FRAC_PI_4);
        assert_eq!(atan(f64::INFINITY), FRAC_PI_2);
        assert_eq!(atan(-1e300), -FRAC_PI_2);
        assert!(atan(f64::NAN).is_nan());
        assert_eq!(atan2(0.0, -1.0), PI);
        assert_eq!(atan2(-0.0, -1.0), -PI);
        assert!(atan2(-0.0, 1.0).is_sign_negative());
        assert_eq!(atan2(1.0, 0.0), FRAC_PI_2);
        assert_eq!(atan2(-1.0, -0.0), -FRAC_PI_2);
        assert_eq!(atan2(f64::INFINITY, f64::NEG_INFINITY), 3.0 * FRAC_PI_4);
        assert_eq!(atan2(1.0, f64::NEG_INFINITY), PI);
        assert_eq!(atan2(1e-300, -1e300), PI);
        assert!(atan2(f64::NAN, 1.0).is_nan());
        assert_eq!(asin(1.0), FRAC_PI_2);
        assert_eq!(asin(-1.0), -FRAC_PI_2);
        assert!(asin(1.000_000_1).is_nan());
        assert_eq!(acos(1.0), 0.0);
        assert_eq!(acos(-1.0), PI);
        assert_eq!(acos(0.0), FRAC_PI_2);
        assert!(acos(f64::NAN).is_nan());
    }

    #[test]
    fn val_analytic_inverses_round_trip() {
        let mut t = -1.5;
        while t < 1.5 {
            let (s, c) = crate::sin_cos(t);
            assert!(
                (atan2(s, c) - t).abs() <= 2.0 * f64::EPSILON * t.abs().max(0.1),
                "{t}"
            );
            assert!((asin(s) - t).abs() < 1e-14, "{t}");
            assert!((acos(c) - t.abs()).abs() < 2e-8, "{t}"); // acos is ill-conditioned near 0
            t += 0.000_731;
        }
    }
}
