// Times the kernels natively when built by the same compiler as kernels.wasm (Debian rustc
// 1.63), for a like-for-like comparison in docs/BENCHMARKS.md. Run with native163.sh.
// (Criterion's `compute/native/*` uses the workspace toolchain, whose newer LLVM vectorises
// differently.)
mod kernels;

fn main() {
    for name in ["crc32", "blur", "logistic"] {
        let mut best = f64::MAX;
        for _ in 0..30 {
            let t = std::time::Instant::now();
            // read_volatile keeps the input opaque and the result used (no black_box in 1.63).
            let r = kernels::run(unsafe { std::ptr::read_volatile(&name) });
            unsafe { std::ptr::read_volatile(&r) };
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!("{} {:.3} ms (best of 30)", name, best * 1e3);
    }
}
