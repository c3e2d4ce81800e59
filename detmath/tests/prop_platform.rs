//! detmath against the platform's math library on many more arguments than the golden file:
//! both are within about 1 ulp of the truth, so they may differ by at most 2 ulp. This
//! catches gross errors (a wrong quadrant, a broken reduction range) over a wide sweep; the
//! accuracy claims themselves rest on `val_mpmath.rs`.

/// SplitMix64 (Steele, Lea & Flood 2014), for reproducible arguments.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [lo, hi).
    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * ((self.next() >> 11) as f64 / (1_u64 << 53) as f64)
    }

    /// ±10^u with u uniform in [lo, hi).
    fn log_uniform(&mut self, lo: f64, hi: f64) -> f64 {
        let v = 10_f64.powf(self.uniform(lo, hi));
        if self.next() & 1 == 1 { -v } else { v }
    }
}

/// Distance in units in the last place (as ordered bit patterns).
fn ulps(a: f64, b: f64) -> u64 {
    if a == b || (a.is_nan() && b.is_nan()) {
        return 0;
    }
    let key = |v: f64| {
        let bits = v.to_bits() as i64;
        if bits < 0 { i64::MIN - bits } else { bits }
    };
    key(a).abs_diff(key(b))
}

#[test]
fn prop_within_2_ulp_of_the_platform_libm() {
    let mut r = SplitMix64(42);
    let mut worst = [0_u64; 7];
    for i in 0..300_000 {
        let x = match i % 4 {
            0 => r.uniform(-7.0, 7.0),
            1 => r.uniform(-5e4, 5e4),
            2 => r.uniform(-2e6, 2e6),
            _ => r.log_uniform(-8.0, 300.0),
        };
        let (s, c) = detmath::sin_cos(x);
        worst[0] = worst[0].max(ulps(s, x.sin()));
        worst[1] = worst[1].max(ulps(c, x.cos()));
        let (y, z) = (r.log_uniform(-6.0, 6.0), r.log_uniform(-6.0, 6.0));
        worst[2] = worst[2].max(ulps(detmath::atan2(y, z), y.atan2(z)));
        let u = r.uniform(-1.0, 1.0);
        worst[3] = worst[3].max(ulps(detmath::asin(u), u.asin()));
        worst[4] = worst[4].max(ulps(detmath::acos(u), u.acos()));
        let w = r.log_uniform(-300.0, 300.0);
        worst[5] = worst[5].max(ulps(detmath::cbrt(w), w.cbrt()));
        worst[6] = worst[6].max(ulps(detmath::hypot(y, z), y.hypot(z)));
    }
    println!("max ulps from the platform [sin cos atan2 asin acos cbrt hypot]: {worst:?}");
    assert!(worst.iter().all(|&w| w <= 2), "{worst:?}");
}
