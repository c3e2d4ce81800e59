//! Truncated and mutated modules: every prefix of a real module and thousands of seeded
//! mutations give an error or a runnable image — never a panic — and the images that load
//! run for a step without hurting the host.

use hifitime::Unit;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sim_core::*;

use crate::common::*;

/// Loads `bytes`; when it loads, runs it briefly on a slow computer.
fn load_and_maybe_run(hv: &Hypervisor, bytes: &[u8]) -> bool {
    match hv.load_image(bytes) {
        Ok(img) => {
            let spec = ComputerSpec {
                instruction_rate_ips: 1_000_000,
                ..ComputerSpec::default()
            };
            let mut obc = OnboardComputer::new(hv, spec, "SAT-1", 1, t0());
            let id = obc.install(&img, AppConfig::new("m")).expect("install");
            obc.start(id).expect("start");
            let r = obc.step(
                t0(),
                Unit::Second * 1,
                &StateSnapshot::default(),
                &Conditions::default(),
            );
            assert!(
                r.instructions
                    <= 1_000_000 + 2 * HypervisorConfig::default().quantum_instructions * 201
            );
            true
        }
        Err(e) => {
            // The error renders to a message.
            assert!(!e.to_string().is_empty());
            false
        }
    }
}

#[test]
fn regress_every_prefix_is_an_error_or_runs() {
    let hv = hv();
    let module = fixture("c_hello.wasm");
    let mut loaded = 0;
    for n in 0..module.len() {
        if load_and_maybe_run(&hv, &module[..n]) {
            loaded += 1;
        }
    }
    assert!(load_and_maybe_run(&hv, &module));
    // Only cuts at the end of the code and data sections (before trailing custom sections)
    // could load; most prefixes are invalid.
    assert!(loaded < 10, "{loaded}");
}

#[test]
fn regress_seeded_mutations_never_panic() {
    let hv = hv();
    let base = fixture("c_hello.wasm");
    let mut rng = ChaCha8Rng::seed_from_u64(0x5eed);
    let mut loaded = 0;
    for i in 0..3000 {
        let mut m = base.clone();
        let edits = rng.random_range(1..=4);
        for _ in 0..edits {
            let at = rng.random_range(0..m.len());
            match rng.random_range(0..5) {
                0 => m[at] ^= 1 << rng.random_range(0..8),
                1 => m[at] = rng.random(),
                2 => m.insert(at, rng.random()),
                3 => {
                    m.remove(at);
                }
                _ => {
                    // Overwrite a LEB128-ish length with a huge value.
                    m[at] = 0xff;
                    if at + 4 < m.len() {
                        m[at + 1..at + 5].copy_from_slice(&[0xff, 0xff, 0xff, 0x0f]);
                    }
                }
            }
        }
        if load_and_maybe_run(&hv, &m) {
            loaded += 1;
        }
        if i % 500 == 0 {
            hv.clear_cache();
        }
    }
    // Some mutants stay valid (data bytes, immediates) and ran; most did not load.
    assert!((20..3000).contains(&loaded), "{loaded}");
}
