//! Runaway apps, timed (docs/BENCHMARKS.md, "Guest runtime"): the runs of
//! `tests/all/runaway.rs` — a spinner, a memory bomb that spins after its last grow and a log
//! flooder, each beside the well-behaved `ticker` for one simulated hour of 1 s steps — on the
//! default 100 MIPS computer and at the 6U cubesat's 800 MIPS, with the default CPU watchdog
//! (10 s of the app's own CPU time without a host call) and restart back-off. Prints
//! `RUNAWAY MIPS WALL_S INSTRUCTIONS` for each run (wall time of the whole hour; instructions
//! the runaway executed), and the ticker alone as the baseline.
//!
//! Run: `cargo bench -p sim-core --bench runaway [-- RUNS]` (default 1 run of each).

use std::time::Instant;

use hifitime::{Epoch, Unit};
use sim_core::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    wat::parse_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One simulated hour of the ticker beside `runaway` (if any) on a computer of `mips`:
/// (wall seconds, instructions the runaway executed, ticker log lines).
fn hour(hv: &Hypervisor, runaway: Option<&str>, mips: u64) -> (f64, u64, usize) {
    let spec = ComputerSpec {
        instruction_rate_ips: mips * 1_000_000,
        ..ComputerSpec::default()
    };
    let t0 = Epoch::from_gregorian_utc_at_midnight(2026, 1, 1);
    let mut obc = OnboardComputer::new(hv, spec, "SAT-1", 7, t0);
    let install = |obc: &mut OnboardComputer, file: &str, config: AppConfig| {
        let image = hv.load_image(&fixture(file)).expect("image");
        let id = obc.install(&image, config).expect("install");
        obc.start(id).expect("start");
        id
    };
    let ticker = AppConfig {
        priority: 200,
        ..AppConfig::new("ticker")
    };
    install(&mut obc, "ticker.wat", ticker);
    let id = runaway.map(|file| install(&mut obc, file, AppConfig::new("runaway")));
    let (st, cond) = (StateSnapshot::default(), Conditions::default());
    let start = Instant::now();
    let mut ticks = 0;
    for _ in 0..3600 {
        let report = obc.step(obc.now(), Unit::Second * 1, &st, &cond);
        ticks += report.logs.iter().filter(|l| l.app == "ticker").count();
    }
    let wall = start.elapsed().as_secs_f64();
    let instructions = id
        .and_then(|id| obc.app_status(id))
        .map_or(0, |s| s.instructions);
    (wall, instructions, ticks)
}

fn main() {
    let runs: u32 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1);
    let hv = Hypervisor::new(HypervisorConfig::default()).expect("hypervisor");
    for mips in [100, 800] {
        for (name, file) in [
            ("none", None),
            ("spinner", Some("infinite_loop.wat")),
            ("memory_bomb", Some("memory_bomb.wat")),
            ("log_flooder", Some("log_flood.wat")),
        ] {
            for _ in 0..runs {
                let (wall, instructions, ticks) = hour(&hv, file, mips);
                assert_eq!(ticks, 3600, "the ticker logs once a second");
                println!("{name} {mips} {wall:.2} {instructions}");
            }
        }
    }
}
