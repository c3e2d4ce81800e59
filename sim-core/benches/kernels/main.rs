// The guest side of the `compute` benchmark: `kernels NAME` runs one kernel and prints its
// checksum. Built by build.sh (Debian rustc 1.63, wasm32-wasi).
mod kernels;

fn main() {
    let name = std::env::args().nth(1).unwrap_or_default();
    println!("{} {}", name, kernels::run(&name));
}
