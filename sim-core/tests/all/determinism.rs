//! Determinism: the same apps and inputs give byte-identical logs, events and CPU reports,
//! run after run and whatever the number of threads stepping the computers.

use rayon::prelude::*;
use sim_core::*;

use crate::common::*;

const SATELLITES: usize = 4;
const STEPS: usize = 15;

fn fleet(hv: &Hypervisor) -> Vec<OnboardComputer> {
    (0..SATELLITES)
        .map(|k| {
            let mut obc =
                OnboardComputer::new(hv, ComputerSpec::default(), &format!("SAT-{k}"), 99, t0());
            obc.set_peers((0..SATELLITES).map(|j| format!("SAT-{j}")));
            run_app(
                &mut obc,
                hv,
                "ticker.wat",
                AppConfig {
                    priority: 200,
                    ..AppConfig::new("ticker")
                },
            );
            run_app(&mut obc, hv, "wasi_hello.wasm", AppConfig::new("hello"));
            run_app(
                &mut obc,
                hv,
                "reactor_counter.wat",
                AppConfig::new("counter"),
            );
            run_app(
                &mut obc,
                hv,
                "log_flood.wat",
                AppConfig {
                    priority: 50,
                    ..AppConfig::new("flood")
                },
            );
            run_app(
                &mut obc,
                hv,
                "compute.wat",
                AppConfig {
                    share: 50,
                    ..AppConfig::new("kernel")
                },
            );
            run_app(
                &mut obc,
                hv,
                "deep_recursion.wat",
                AppConfig::new("recurse"),
            );
            run_app(
                &mut obc,
                hv,
                "downlink_flood.wat",
                AppConfig {
                    priority: 10,
                    ..AppConfig::new("dl")
                },
            );
            obc
        })
        .collect()
}

/// Steps one computer: commands in, downlink out, then the step; returns its text.
fn step_one(k: usize, step: usize, obc: &mut OnboardComputer) -> String {
    let start = obc.now();
    if step.is_multiple_of(3) {
        obc.deliver_command("counter", format!("cmd {step}").as_bytes());
    }
    let c = Conditions {
        sunlit: step % 5 < 3,
        in_contact: step.is_multiple_of(4),
        ..Default::default()
    };
    let delivered = if c.in_contact {
        obc.drain_downlink(3_000_000 + k as u64)
    } else {
        DownlinkProgress::default()
    };
    let r = obc.step(start, secs(1), &StateSnapshot::default(), &c);
    let mut s = format!(
        "{k} {} {} {} {}\n",
        r.instructions,
        r.busy_fraction,
        delivered.bytes_sent,
        delivered.completed.len()
    );
    for a in &r.apps {
        s.push_str(&format!("  {} {}\n", a.app, a.instructions));
    }
    for l in &r.logs {
        s.push_str(&format!("{l}\n"));
    }
    for e in &r.events {
        s.push_str(&format!("{e}\n"));
    }
    s
}

fn run(threads: usize) -> String {
    let hv = hv();
    let mut fleet = fleet(&hv);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .stack_size(8 << 20)
        .build()
        .unwrap();
    let mut text = String::new();
    for step in 0..STEPS {
        let parts: Vec<String> = pool.install(|| {
            fleet
                .par_iter_mut()
                .enumerate()
                .map(|(k, obc)| step_one(k, step, obc))
                .collect()
        });
        for p in parts {
            text.push_str(&p);
        }
        // ISL between steps, in a fixed order.
        for k in 0..SATELLITES {
            for msg in fleet[k].take_isl_outbox() {
                let to = msg
                    .to_satellite
                    .trim_start_matches("SAT-")
                    .parse::<usize>()
                    .unwrap();
                fleet[to].deliver_isl(msg);
            }
        }
    }
    text
}

#[test]
fn regress_identical_bytes_across_runs_and_thread_counts() {
    let one = run(1);
    assert!(
        one.lines().count() > 1000,
        "a busy run: {} lines",
        one.lines().count()
    );
    assert!(one.contains("faulted stack-overflow"));
    assert!(one.contains("hello info: sum"));
    assert_eq!(one, run(1), "same thread count");
    assert_eq!(one, run(4), "four threads");
}
