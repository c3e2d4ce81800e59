//! The wasm side of the guest-kernel comparison (docs/BENCHMARKS.md, "Guest runtime"): each
//! kernel of `kernels/kernels.wasm` run under the hypervisor as the simulation runs it (a fresh
//! computer, instantiation, WASI start-up, fuel, a yield every 50 000 instructions), timed as
//! the best of N runs in the thread's CPU time and in wall time — the statistics
//! `kernels/native_timing.rs` gives the native side. Prints `wasm:MODE KERNEL CPU_MS WALL_MS`
//! lines (MODE: the `NanCanonicalization`), checksums compared with the kernels compiled into
//! this binary.
//!
//! Run through `sim-core/benches/kernels/compare.sh`, which runs both sides and prints the
//! ratios; alone: `cargo bench -p sim-core --bench guest_kernels [-- RUNS]`.

use std::time::Instant;

use hifitime::{Epoch, Unit};
use sim_core::*;

#[path = "kernels/kernels.rs"]
mod kernels;

const KERNELS: [&str; 3] = ["crc32", "blur", "logistic"];

#[repr(C)]
struct Timespec {
    sec: i64,
    nsec: i64,
}

unsafe extern "C" {
    fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
}

/// CPU time of this thread (Linux `CLOCK_THREAD_CPUTIME_ID`; the guest runs on the calling
/// thread's fiber), in seconds.
fn thread_cpu_s() -> f64 {
    let mut ts = Timespec { sec: 0, nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec for the duration of the call.
    unsafe { clock_gettime(3, &mut ts) };
    ts.sec as f64 + ts.nsec as f64 * 1e-9
}

/// Runs kernel `name` once on a fresh computer; returns the CPU and wall time of the step that
/// runs it.
fn run_once(hv: &Hypervisor, img: &AppImage, name: &str) -> (f64, f64) {
    let spec = ComputerSpec {
        instruction_rate_ips: 1_000_000_000_000,
        ..ComputerSpec::default()
    };
    let t0 = Epoch::from_gregorian_utc_at_midnight(2026, 1, 1);
    let mut obc = OnboardComputer::new(hv, spec, "SAT-1", 1, t0);
    let cfg = AppConfig {
        args: vec![name.to_string()],
        ..AppConfig::new("k")
    };
    let id = obc.install(img, cfg).expect("install");
    obc.start(id).expect("start");
    let start = Instant::now();
    let cpu = thread_cpu_s();
    let r = obc.step(
        obc.now(),
        Unit::Second * 1,
        &StateSnapshot::default(),
        &Conditions::default(),
    );
    let elapsed = (thread_cpu_s() - cpu, start.elapsed().as_secs_f64());
    let expected = format!("{name} {}", kernels::run(name));
    assert_eq!(
        r.logs.first().map(|l| l.text.as_str()),
        Some(expected.as_str())
    );
    elapsed
}

fn main() {
    // `cargo bench` passes `--bench`; the first number among the arguments is N.
    let runs: u32 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(30);
    for (mode, nan) in [
        ("at_observation", NanCanonicalization::AtObservation),
        ("off", NanCanonicalization::Off),
        ("every_operation", NanCanonicalization::EveryOperation),
    ] {
        let hv = Hypervisor::new(HypervisorConfig {
            nan_canonicalization: nan,
            ..HypervisorConfig::default()
        })
        .expect("hypervisor");
        let img = hv
            .load_image(include_bytes!("kernels/kernels.wasm"))
            .expect("kernels.wasm");
        for name in KERNELS {
            let (cpu, wall) = (0..runs)
                .map(|_| run_once(&hv, &img, name))
                .fold((f64::MAX, f64::MAX), |(c, w), (rc, rw)| {
                    (c.min(rc), w.min(rw))
                });
            println!("wasm:{mode} {name} {:.3} {:.3}", cpu * 1e3, wall * 1e3);
        }
    }
}
