//! Argument reduction: x = n·π/2 + y with |y| ≲ π/4, y returned as a double-double y₀ + y₁.
//!
//! * |x| < 2²⁰·π/2 (≈ 1.6 × 10⁶ rad): Cody–Waite reduction with π/2 split in three 33-bit
//!   parts plus tails (fdlibm `e_rem_pio2.c`, "medium" case): n·P₁ is exact because n has at
//!   most 20 bits, and a second and third round run only when the first loses more than 16
//!   (resp. 49) bits to cancellation, which covers every double in this range.
//! * Above: Payne–Hanek reduction with 1 280 bits of 2/π, exact integer arithmetic.
//!
//! The caller handles |x| ≤ π/4 (no reduction) and non-finite x.

/// 2/π rounded to 53 bits.
const INV_PIO2: f64 = f64::from_bits(0x3FE4_5F30_6DC9_C883);
/// First 33 bits of π/2.
const PIO2_1: f64 = f64::from_bits(0x3FF9_21FB_5440_0000);
/// π/2 − PIO2_1.
const PIO2_1T: f64 = f64::from_bits(0x3DD0_B461_1A62_6331);
/// Second 33 bits of π/2.
const PIO2_2: f64 = f64::from_bits(0x3DD0_B461_1A60_0000);
/// π/2 − (PIO2_1 + PIO2_2).
const PIO2_2T: f64 = f64::from_bits(0x3BA3_198A_2E03_7073);
/// Third 33 bits of π/2.
const PIO2_3: f64 = f64::from_bits(0x3BA3_198A_2E00_0000);
/// π/2 − (PIO2_1 + PIO2_2 + PIO2_3).
const PIO2_3T: f64 = f64::from_bits(0x397B_839A_2520_49C1);
/// 1.5 × 2⁵²: adding and subtracting it rounds to the nearest integer (|v| < 2⁵¹).
const TO_INT: f64 = 6_755_399_441_055_744.0;

/// High word of 2²⁰·π/2: the end of the Cody–Waite range.
const MEDIUM_LIMIT_HIGH_WORD: u32 = 0x4139_21FB;

/// Reduces finite x with |x| > π/4: returns (n mod 4 as 0..=3, y₀, y₁) with
/// x ≈ n·π/2 + y₀ + y₁.
#[inline]
pub(crate) fn rem_pio2(x: f64) -> (u32, f64, f64) {
    let high = (x.to_bits() >> 32) as u32 & 0x7FFF_FFFF;
    if high < MEDIUM_LIMIT_HIGH_WORD {
        medium(x, high)
    } else {
        large(x)
    }
}

/// Cody–Waite reduction for |x| < 2²⁰·π/2.
#[inline]
fn medium(x: f64, high: u32) -> (u32, f64, f64) {
    // n = rint(x · 2/π) in round-to-nearest
    let n_f = (x * INV_PIO2 + TO_INT) - TO_INT;
    let n = n_f as i32;
    // r = x − n·P₁ is exact (n has ≤ 20 bits, P₁ 33); w = n·P₁ₜ: good to ~85 bits
    let mut r = x - n_f * PIO2_1;
    let mut w = n_f * PIO2_1T;
    let mut y0 = r - w;
    let exp_x = (high >> 20) as i32;
    let exp_y = |y: f64| ((y.to_bits() >> 52) & 0x7FF) as i32;
    if exp_x - exp_y(y0) > 16 {
        // cancellation: second round with P₂, good to ~118 bits
        let t = r;
        w = n_f * PIO2_2;
        r = t - w;
        w = n_f * PIO2_2T - ((t - r) - w);
        y0 = r - w;
        if exp_x - exp_y(y0) > 49 {
            // third round with P₃, good to ~151 bits: enough for every double
            let t = r;
            w = n_f * PIO2_3;
            r = t - w;
            w = n_f * PIO2_3T - ((t - r) - w);
            y0 = r - w;
        }
    }
    let y1 = (r - y0) - w;
    ((n & 3) as u32, y0, y1)
}

/// Bits of 2/π after the binary point, most significant first, behind one word of zeros (so
/// a window may start up to 63 bits before the point). Computed with mpmath at 1 600 bits
/// (`floor(2/π · 2^(64k)) mod 2^64`); the first words match fdlibm's `ipio2` table
/// (A2F983 6E4E44 1529FC 2757D1 …).
const TWO_OVER_PI_BITS: [u64; 21] = [
    0,
    0xA2F9_836E_4E44_1529,
    0xFC27_57D1_F534_DDC0,
    0xDB62_9599_3C43_9041,
    0xFE51_63AB_DEBB_C561,
    0xB724_6E3A_424D_D2E0,
    0x0649_2EEA_09D1_921C,
    0xFE1D_EB1C_B129_A73E,
    0xE882_35F5_2EBB_4484,
    0xE99C_7026_B45F_7E41,
    0x3991_D639_8353_39F4,
    0x9C84_5F8B_BDF9_283B,
    0x1FF8_97FF_DE05_980F,
    0xEF2F_118B_5A0A_6D1F,
    0x6D36_7ECF_27CB_09B7,
    0x4F46_3F66_9E5F_EA2D,
    0x7527_BAC7_EBE5_F17B,
    0x3D07_39F7_8A52_92EA,
    0x6BFB_5FB1_1F8D_5D08,
    0x5603_3046_FC7B_6BAB,
    0xF0CF_BC20_9AF4_361D,
];

/// π/2 as a double-double.
const PIO2_HI: f64 = f64::from_bits(0x3FF9_21FB_5444_2D18);
const PIO2_LO: f64 = f64::from_bits(0x3C91_A626_3314_5C07);

/// Payne–Hanek reduction for 2²⁰·π/2 ≤ |x| < ∞.
///
/// x = m·2ᵉ with m a 53-bit integer. Bits bₖ of 2/π = Σ bₖ 2⁻ᵏ with k ≤ e − 2 contribute
/// multiples of 4 to x·2/π and drop out; the 192-bit window C = bits e−1 … e+190 gives
/// x·2/π ≡ m·C·2⁻¹⁹⁰ (mod 4) with an error below m·2⁻¹⁹⁰ < 2⁻¹³⁷. The top 2 bits of m·C mod 2¹⁹²
/// are n mod 4, the next 128 bits the fraction f (rounded to nearest: |f| ≤ 1/2), and
/// y = f·π/2 in double-double. The smallest |y| any double reaches is about 2⁻⁶¹, so 128
/// fraction bits leave at least 66 significant bits.
#[cold]
#[inline(never)]
fn large(x: f64) -> (u32, f64, f64) {
    let bits = x.to_bits();
    let negative = bits >> 63 == 1;
    let biased = ((bits >> 52) & 0x7FF) as i32;
    let m = (bits & ((1 << 52) - 1)) | (1 << 52); // x is normal here (|x| > 10⁶)
    let e = biased - 1075;
    // window start (bit k₀ = e − 1 after the point) as an index into TWO_OVER_PI_BITS
    let start = (e - 1 + 63) as usize;
    let (word, shift) = (start / 64, (start % 64) as u32);
    let take = |i: usize| -> u64 {
        let hi = TWO_OVER_PI_BITS[word + i] << shift;
        if shift == 0 {
            hi
        } else {
            hi | (TWO_OVER_PI_BITS[word + i + 1] >> (64 - shift))
        }
    };
    let (c0, c1, c2) = (take(0), take(1), take(2));
    // P = m·C mod 2¹⁹² as words p0 (most significant), p1, p2
    let m = u128::from(m);
    let lo = m * u128::from(c2);
    let mid = m * u128::from(c1);
    let hi = m * u128::from(c0);
    let p2 = lo as u64;
    let t = (lo >> 64) + u128::from(mid as u64);
    let p1 = t as u64;
    let p0 = ((mid >> 64) + u128::from(hi as u64) + (t >> 64)) as u64;
    // n mod 4 and the 128-bit fraction, rounded to nearest (top bit set = fraction ≥ 1/2)
    let mut n = (p0 >> 62) as u32;
    let fraction = (u128::from(p0) << 66) | (u128::from(p1) << 2) | u128::from(p2 >> 62);
    let f = fraction as i128; // in [−2¹²⁷, 2¹²⁷): f − 1 when the fraction is ≥ 1/2
    if f < 0 {
        n = n.wrapping_add(1);
    }
    // f·2⁻¹²⁸ as a double-double a + b (hi is an integer, so f − hi is exact in i128)
    let scale = f64::from_bits((1023 - 128) << 52);
    let f_hi = f as f64;
    let f_lo = (f - f_hi as i128) as f64;
    let (a, b) = (f_hi * scale, f_lo * scale);
    // y = (a + b)(π/2): a·PIO2_HI exactly (Dekker), the rest in double
    let (p, p_err) = two_product(a, PIO2_HI);
    let t = p_err + (a * PIO2_LO + b * PIO2_HI);
    let y0 = p + t;
    let y1 = t - (y0 - p);
    if negative {
        (n.wrapping_neg() & 3, -y0, -y1)
    } else {
        (n & 3, y0, y1)
    }
}

/// a·b = p + e exactly (Dekker 1971, Veltkamp splitting; no fused multiply-add).
/// Requires |a|, |b| < 2⁹⁹⁶ or so (no overflow in the split).
pub(crate) fn two_product(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    let (a_hi, a_lo) = split(a);
    let (b_hi, b_lo) = split(b);
    let e = ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo;
    (p, e)
}

/// Veltkamp split: a = hi + lo with hi holding the top 26 bits (exactly).
#[inline]
pub(crate) fn split(a: f64) -> (f64, f64) {
    const SPLITTER: f64 = 134_217_729.0; // 2²⁷ + 1
    let c = SPLITTER * a;
    let hi = c - (c - a);
    (hi, a - hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn val_analytic_two_product_is_exact_on_products_of_small_integers() {
        // (2²⁶ + 1)² = 2⁵² + 2²⁷ + 1 needs 53 bits: exact in p; (2²⁷ + 1)² needs 55: e holds the rest
        let a = 134_217_729.0;
        let (p, e) = two_product(a, a);
        assert_eq!(p, 18_014_398_777_917_440.0);
        assert_eq!(e, 1.0);
    }

    #[test]
    fn val_analytic_reduction_of_multiples_of_pi_over_2_rounded_to_double() {
        // x = fl(k·π/2) for k = 1..4: n = k mod 4 and y = x − k·π/2, tiny and known:
        // fl(π/2) − π/2 = 6.123233995736766e-17 below π/2 (the double is below)
        let (n, y0, _) = rem_pio2(PIO2_HI);
        assert_eq!(n, 1);
        assert!((y0 + 6.123_233_995_736_766e-17).abs() < 1e-31, "{y0:e}");
        let (n, y0, _) = rem_pio2(2.0 * PIO2_HI);
        assert_eq!(n, 2);
        assert!((y0 + 1.224_646_799_147_353_2e-16).abs() < 1e-31, "{y0:e}");
    }

    #[test]
    fn regress_medium_and_large_agree_at_the_boundary() {
        // just below and just above the switch, both paths must give the same reduction
        let x = f64::from_bits(u64::from(MEDIUM_LIMIT_HIGH_WORD) << 32);
        for k in [-3_i64, -1, 1, 3] {
            let v = f64::from_bits((x.to_bits() as i64 + k) as u64);
            let high = (v.to_bits() >> 32) as u32 & 0x7FFF_FFFF;
            let (n1, a0, a1) = medium(v, high);
            let (n2, b0, b1) = large(v);
            assert_eq!(n1, n2);
            assert!(((a0 - b0) + (a1 - b1)).abs() < 1e-30, "{a0} {b0}");
        }
    }
}
