//! NaN canonicalisation (`NanCanonicalization`): a NaN's bits never become observable, so
//! runs give the same bytes on every CPU architecture.
//!
//! Another machine's arithmetic gives NaNs other bits (x86-64's default NaN is negative,
//! aarch64's positive; payloads propagate). The tests stand in for that machine by feeding
//! NaNs of arbitrary bits into a program that sends floats through every way their bits can
//! show (stores, reinterpretation, copysign, a float global, vector lanes): with the default
//! `AtObservation` pass the output is the same whatever the bits, and what it gives agrees
//! with Cranelift's own canonicalisation after every operation (`EveryOperation`), an
//! implementation the pass shares no code with.

use proptest::prelude::*;
use sim_core::hypervisor::nan_canon::{
    CANONICAL_NAN_F32, CANONICAL_NAN_F64, OPERATORS_PER_CANONICALISATION,
};
use sim_core::*;

use crate::common::*;

/// Bytes of the output region the probe downlinks.
const OUT_BYTES: usize = 256;

/// The probe: reads an f64 `a` (bits at 0) and an f32 `c` (bits at 8) from memory, or makes
/// `a` = 0/0 and `c` = sqrt(−1) when `from_arithmetic`, and writes at 1024… what every
/// observation point shows of them, then downlinks the 256 bytes and exits.
fn probe(a_bits: u64, c_bits: u32, from_arithmetic: bool) -> Vec<u8> {
    let data: String = a_bits
        .to_le_bytes()
        .iter()
        .chain(c_bits.to_le_bytes().iter())
        .map(|b| format!("\\{b:02x}"))
        .collect();
    let (a, c) = if from_arithmetic {
        (
            "(f64.div (f64.load (i32.const 16)) (f64.load (i32.const 16)))",
            "(f32.sqrt (f32.neg (f32.load (i32.const 24))))",
        )
    } else {
        ("(f64.load (i32.const 0))", "(f32.load (i32.const 8))")
    };
    let src = format!(
        r#"(module
      (import "skytwin_v1" "downlink_queue" (func $dl (param i32 i32 i32) (result i64)))
      (memory (export "memory") 1)
      (global $g (mut f64) (f64.const 0))
      (data (i32.const 0) "{data}")
      (data (i32.const 24) "\00\00\80\3f")
      (func $a (result f64) {a})
      (func $c (result f32) {c})
      (func (export "_start")
        ;; f64.store of arithmetic results
        (f64.store (i32.const 1024) (f64.add (call $a) (f64.const 1.5)))
        (f64.store (i32.const 1032) (f64.min (call $a) (f64.const 1.5)))
        (f64.store (i32.const 1040) (f64.sqrt (call $a)))
        ;; the value itself, its negation and absolute value
        (f64.store (i32.const 1048) (call $a))
        (f64.store (i32.const 1056) (f64.neg (call $a)))
        (i64.store (i32.const 1064) (i64.reinterpret_f64 (f64.abs (call $a))))
        ;; reinterpretation
        (i64.store (i32.const 1072) (i64.reinterpret_f64 (f64.mul (call $a) (f64.const 3))))
        ;; copysign's sign operand: a number with the NaN's sign
        (f64.store (i32.const 1080) (f64.copysign (f64.const 1) (call $a)))
        (f64.store (i32.const 1088) (f64.copysign (f64.const 1) (f64.neg (call $a))))
        ;; a float global, read back as bits
        (global.set $g (f64.sub (call $a) (f64.const 2)))
        (i64.store (i32.const 1096) (i64.reinterpret_f64 (global.get $g)))
        ;; f32: demotion, arithmetic, store and reinterpretation
        (f32.store (i32.const 1104) (f32.demote_f64 (call $a)))
        (i32.store (i32.const 1108) (i32.reinterpret_f32 (f32.add (call $c) (f32.const 1))))
        (f32.store (i32.const 1112) (call $c))
        (f32.store (i32.const 1116) (f32.copysign (f32.const 1) (call $c)))
        ;; vectors: a scalar splatted, vector arithmetic, an integer view of the lanes
        (v128.store (i32.const 1120) (f64x2.splat (call $a)))
        (v128.store (i32.const 1136) (f64x2.add (f64x2.splat (call $a)) (f64x2.splat (f64.const 1))))
        (v128.store (i32.const 1152) (f32x4.mul (f32x4.splat (call $c)) (f32x4.splat (f32.const 2))))
        (i32.store (i32.const 1168)
          (i32x4.extract_lane 1 (f32x4.replace_lane 1 (f32x4.splat (f32.const 0)) (call $c))))
        (v128.store (i32.const 1184) (f64x2.promote_low_f32x4 (f32x4.splat (call $c))))
        (v128.store (i32.const 1200) (f32x4.demote_f64x2_zero (f64x2.splat (call $a))))
        (v128.store (i32.const 1216) (f64x2.sqrt (v128.load64_splat (i32.const 0))))
        (drop (call $dl (i32.const 1024) (i32.const {OUT_BYTES}) (i32.const 0)))))"#
    );
    wat(&src)
}

/// What the probe writes under `mode`.
fn run_probe(mode: NanCanonicalization, wasm: &[u8]) -> Vec<u8> {
    let hv = Hypervisor::new(HypervisorConfig {
        nan_canonicalization: mode,
        ..HypervisorConfig::default()
    })
    .expect("hypervisor");
    let mut obc = computer(&hv);
    let id = obc
        .install(
            &hv.load_image(wasm).expect("image"),
            AppConfig::new("probe"),
        )
        .expect("install");
    obc.start(id).expect("start");
    steps(&mut obc, 1, secs(1));
    obc.drain_downlink(u64::MAX)
        .completed
        .pop()
        .expect("the probe's output")
        .data
}

fn f64_at(b: &[u8], off: usize) -> u64 {
    u64::from_le_bytes(b[off..off + 8].try_into().unwrap())
}

fn f32_at(b: &[u8], off: usize) -> u32 {
    u32::from_le_bytes(b[off..off + 4].try_into().unwrap())
}

/// An f64 NaN with the given sign and payload (never zero: that would be infinity).
fn nan64(negative: bool, payload: u64) -> u64 {
    let p = (payload & 0x000f_ffff_ffff_ffff).max(1);
    (u64::from(negative) << 63) | 0x7ff0_0000_0000_0000 | p
}

fn nan32(negative: bool, payload: u32) -> u32 {
    let p = (payload & 0x007f_ffff).max(1);
    (u32::from(negative) << 31) | 0x7f80_0000 | p
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Whatever the bits of the NaNs going in, the default pass gives the same bytes out.
    #[test]
    fn prop_nan_bits_never_observable(
        s1 in any::<bool>(), p1 in any::<u64>(), q1 in any::<u32>(),
        s2 in any::<bool>(), p2 in any::<u64>(), q2 in any::<u32>(),
    ) {
        let one = run_probe(
            NanCanonicalization::AtObservation,
            &probe(nan64(s1, p1), nan32(s1, q1), false),
        );
        let two = run_probe(
            NanCanonicalization::AtObservation,
            &probe(nan64(s2, p2), nan32(s2, q2), false),
        );
        prop_assert_eq!(one, two);
    }
}

/// The observation points show canonical NaNs and positive signs; without the pass the same
/// probe shows the bits that went in (so the probe would notice a missed point).
#[test]
fn regress_observation_points_show_canonical_nans() {
    let quiet_negative = probe(nan64(true, 0x1234), nan32(true, 0x4321), false);
    let out = run_probe(NanCanonicalization::AtObservation, &quiet_negative);
    for off in [
        0, 8, 16, 24, 32, 40, 48, 72, 96, 104, 112, 120, 160, 168, 192, 200,
    ] {
        assert_eq!(f64_at(&out, off), CANONICAL_NAN_F64, "offset {off}");
    }
    assert_eq!(
        f64_at(&out, 56),
        1f64.to_bits(),
        "copysign takes a positive sign"
    );
    assert_eq!(f64_at(&out, 64), 1f64.to_bits());
    for off in [80, 84, 88, 128, 132, 136, 140, 144, 176, 180] {
        assert_eq!(f32_at(&out, off), CANONICAL_NAN_F32, "offset {off}");
    }
    assert_eq!(f32_at(&out, 92), 1f32.to_bits());
    assert_eq!(&out[184..192], &[0; 8], "demote_f64x2_zero's zero lanes");
    let off = run_probe(NanCanonicalization::Off, &quiet_negative);
    assert_ne!(out, off);
    assert_eq!(
        f64_at(&off, 24),
        nan64(true, 0x1234),
        "a stored NaN keeps its bits without the pass"
    );
    assert_eq!(
        f64_at(&off, 56),
        (-1f64).to_bits(),
        "and copysign shows its sign"
    );
}

/// NaNs made by arithmetic (0/0, sqrt(−1)): the pass shows what Cranelift's canonicalisation
/// after every float operation shows.
#[test]
fn val_cranelift_canonicalisation_agrees_on_arithmetic_nans() {
    let made = probe(0, 0, true);
    let ours = run_probe(NanCanonicalization::AtObservation, &made);
    let cranelift = run_probe(NanCanonicalization::EveryOperation, &made);
    // Cranelift leaves neg, abs and copysign alone (bit operations): where the probe negates
    // a NaN before it shows (offsets 32 and 64), only the pass makes the sign positive.
    let comparable: Vec<usize> = (0..OUT_BYTES)
        .filter(|o| !(32..40).contains(o) && !(64..72).contains(o))
        .collect();
    for &o in &comparable {
        assert_eq!(ours[o], cranelift[o], "byte {o}");
    }
    #[cfg(target_arch = "x86_64")]
    {
        // x86-64's default NaN is negative: without canonicalisation copysign shows it.
        let off = run_probe(NanCanonicalization::Off, &made);
        assert_eq!(f64_at(&off, 56), (-1f64).to_bits());
        assert_eq!(f64_at(&ours, 56), 1f64.to_bits());
    }
}

/// Each observation point costs the app six more operators, counted like its own.
#[test]
fn val_analytic_each_observation_point_costs_six_operators() {
    let stores = 25;
    let body: String = (0..stores)
        .map(|k| format!("(f64.store (i32.const {}) (local.get $x))\n", 8 * k))
        .collect();
    let wasm = wat(&format!(
        r#"(module (memory (export "memory") 1)
             (func (export "_start") (local $x f64) (local.set $x (f64.const 2.5)) {body}))"#
    ));
    let instructions = |mode| {
        let hv = Hypervisor::new(HypervisorConfig {
            nan_canonicalization: mode,
            ..HypervisorConfig::default()
        })
        .unwrap();
        let mut obc = computer(&hv);
        let id = obc
            .install(&hv.load_image(&wasm).unwrap(), AppConfig::new("s"))
            .unwrap();
        obc.start(id).unwrap();
        steps(&mut obc, 1, secs(1));
        obc.app_status(id).unwrap().instructions
    };
    let off = instructions(NanCanonicalization::Off);
    assert_eq!(
        instructions(NanCanonicalization::AtObservation) - off,
        stores * OPERATORS_PER_CANONICALISATION
    );
    assert_eq!(instructions(NanCanonicalization::EveryOperation), off);
}
