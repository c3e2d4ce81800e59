// The native side of the guest-kernel comparison: times each kernel as the best of N runs,
// in the thread's CPU time and in wall time (the statistics benches/guest_kernels.rs gives the
// wasm side), and prints `LABEL KERNEL CPU_MS WALL_MS` lines. Built by compare.sh with the guest's compiler (Debian rustc 1.63, which built
// kernels.wasm) and with the workspace's, both for the host CPU (`-C target-cpu=native`).
// Usage: native_timing LABEL [RUNS]
mod kernels;

#[repr(C)]
struct Timespec {
    sec: i64,
    nsec: i64,
}

extern "C" {
    fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
}

/// CPU time of this thread (Linux `CLOCK_THREAD_CPUTIME_ID`), in seconds: what a run costs
/// on a machine shared with other work, where wall time also counts the time it waited.
fn thread_cpu_s() -> f64 {
    let mut ts = Timespec { sec: 0, nsec: 0 };
    unsafe { clock_gettime(3, &mut ts) };
    ts.sec as f64 + ts.nsec as f64 * 1e-9
}

fn main() {
    let mut args = std::env::args().skip(1);
    let label = args.next().unwrap_or_else(|| "native".to_string());
    let runs: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(30);
    for name in ["crc32", "blur", "logistic"] {
        let (mut best, mut best_wall) = (f64::MAX, f64::MAX);
        for _ in 0..runs {
            let t = std::time::Instant::now();
            let cpu = thread_cpu_s();
            // read_volatile keeps the input opaque and the result used (no black_box in 1.63).
            let r = kernels::run(unsafe { std::ptr::read_volatile(&name) });
            unsafe { std::ptr::read_volatile(&r) };
            best = best.min(thread_cpu_s() - cpu);
            best_wall = best_wall.min(t.elapsed().as_secs_f64());
        }
        println!("{} {} {:.3} {:.3}", label, name, best * 1e3, best_wall * 1e3);
    }
}
