//! Guest runtime benchmarks (numbers in docs/BENCHMARKS.md, "Guest runtime"):
//!
//! - `host_call/*`: cost of one guest→host call (a reactor handler making 10 000 calls);
//! - `tick/{1,10,100}_apps`: stepping one computer for 1 s with N apps that each wake once,
//!   heartbeat and sleep again (the scheduler's per-tick overhead);
//! - `compute/*`: the same kernel as native Rust and as wasm under the hypervisor (fuel,
//!   pre-emption every quantum, instantiation and WASI start-up included);
//! - `instantiate/*`: starting a reactor (store, instantiation, first handler call).
//!
//! Run: `cargo bench -p sim-core --bench guest_runtime`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use hifitime::{Epoch, Unit};
use sim_core::*;

#[path = "kernels/kernels.rs"]
mod kernels;

fn t0() -> Epoch {
    Epoch::from_gregorian_utc_at_midnight(2026, 1, 1)
}

fn group<'a>(
    c: &'a mut Criterion,
    name: &str,
) -> criterion::BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut g = c.benchmark_group(name);
    g.sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    g
}

const CALLS: u32 = 10_000;

/// A reactor whose handler calls `import` CALLS times with `args`.
fn caller_reactor(import: &str, sig: &str, args: &str) -> Vec<u8> {
    wat::parse_str(format!(
        r#"(module
          (import "skytwin_v1" "subscribe" (func $sub (param i32) (result i32)))
          (import "skytwin_v1" "command_recv" (func $recv (param i32 i32) (result i32)))
          (import {import} (func $f {sig}))
          (memory (export "memory") 1)
          (func (export "skytwin_on_event") (param $e i32) (result i32) (local $i i32)
            (drop (call $sub (i32.const 1)))
            (drop (call $recv (i32.const 0) (i32.const 64)))
            (local.set $i (i32.const {CALLS}))
            (loop $l
              (drop (call $f {args}))
              (local.set $i (i32.sub (local.get $i) (i32.const 1)))
              (br_if $l (local.get $i)))
            (i32.const 0)))"#
    ))
    .unwrap()
}

fn bench_host_calls(c: &mut Criterion) {
    let mut g = group(c, "host_call");
    let hv = Hypervisor::new(HypervisorConfig::default()).unwrap();
    let cases = [
        ("time_now", r#""skytwin_v1" "time_now""#, "(result i64)", ""),
        (
            "state_read_280B",
            r#""skytwin_v1" "state_read""#,
            "(param i32 i32) (result i32)",
            "(i32.const 1024) (i32.const 280)",
        ),
        (
            "wasi_clock_time_get",
            r#""wasi_snapshot_preview1" "clock_time_get""#,
            "(param i32 i64 i32) (result i32)",
            "(i32.const 0) (i64.const 0) (i32.const 2048)",
        ),
    ];
    for (name, import, sig, args) in cases {
        let img = hv.load_image(&caller_reactor(import, sig, args)).unwrap();
        let spec = ComputerSpec {
            instruction_rate_ips: 1_000_000_000_000,
            ..ComputerSpec::default()
        };
        let mut obc = OnboardComputer::new(&hv, spec, "SAT-1", 1, t0());
        let id = obc.install(&img, AppConfig::new("r")).unwrap();
        obc.start(id).unwrap();
        let (st, cond) = (StateSnapshot::default(), Conditions::default());
        obc.step(obc.now(), Unit::Second * 1, &st, &cond);
        // Per iteration: one handler call with CALLS host calls; reported per host call.
        g.throughput(criterion::Throughput::Elements(u64::from(CALLS)));
        g.bench_function(name, |b| {
            b.iter(|| {
                obc.deliver_command("r", b"go");
                black_box(obc.step(obc.now(), Unit::Second * 1, &st, &cond));
            })
        });
    }
    g.finish();
}

const IDLE_APP: &str = r#"(module
  (import "skytwin_v1" "time_now" (func $now (result i64)))
  (import "skytwin_v1" "heartbeat" (func $hb (result i32)))
  (import "skytwin_v1" "sleep_until" (func $sleep (param i64) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start") (local $next i64)
    (local.set $next (call $now))
    (loop $l
      (drop (call $hb))
      (local.set $next (i64.add (local.get $next) (i64.const 1000000000)))
      (drop (call $sleep (local.get $next)))
      (br $l))))"#;

fn bench_tick(c: &mut Criterion) {
    let mut g = group(c, "tick");
    let hv = Hypervisor::new(HypervisorConfig::default()).unwrap();
    let img = hv.load_image(&wat::parse_str(IDLE_APP).unwrap()).unwrap();
    for n in [1usize, 10, 100] {
        let mut obc = OnboardComputer::new(&hv, ComputerSpec::default(), "SAT-1", 1, t0());
        for k in 0..n {
            let id = obc
                .install(&img, AppConfig::new(&format!("app{k}")))
                .unwrap();
            obc.start(id).unwrap();
        }
        let (st, cond) = (StateSnapshot::default(), Conditions::default());
        obc.step(obc.now(), Unit::Second * 1, &st, &cond);
        g.bench_with_input(BenchmarkId::new("apps", n), &n, |b, _| {
            b.iter(|| black_box(obc.step(obc.now(), Unit::Second * 1, &st, &cond)))
        });
    }
    g.finish();
}

fn bench_compute(c: &mut Criterion) {
    let mut g = group(c, "compute");
    for name in ["crc32", "blur", "logistic"] {
        g.bench_function(BenchmarkId::new("native", name), |b| {
            b.iter(|| black_box(kernels::run(black_box(name))))
        });
    }
    for (variant, nan) in [("wasm", true), ("wasm_no_nan_canon", false)] {
        let hv = Hypervisor::new(HypervisorConfig {
            nan_canonicalization: nan,
            ..HypervisorConfig::default()
        })
        .unwrap();
        let img = hv
            .load_image(include_bytes!("kernels/kernels.wasm"))
            .unwrap();
        compute_wasm(&mut g, &hv, &img, variant);
    }
    g.finish();
}

fn compute_wasm(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    hv: &Hypervisor,
    img: &AppImage,
    variant: &str,
) {
    for name in ["crc32", "blur", "logistic"] {
        // Fresh computer per run: instantiate, run `main` to exit under fuel with a 50 000
        // instruction quantum, at a rate high enough to finish in one step.
        g.bench_function(BenchmarkId::new(variant, name), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let spec = ComputerSpec {
                        instruction_rate_ips: 1_000_000_000_000,
                        ..ComputerSpec::default()
                    };
                    let mut obc = OnboardComputer::new(hv, spec, "SAT-1", 1, t0());
                    let cfg = AppConfig {
                        args: vec![name.to_string()],
                        ..AppConfig::new("k")
                    };
                    let id = obc.install(img, cfg).unwrap();
                    obc.start(id).unwrap();
                    let start = Instant::now();
                    let r = obc.step(
                        obc.now(),
                        Unit::Second * 1,
                        &StateSnapshot::default(),
                        &Conditions::default(),
                    );
                    total += start.elapsed();
                    assert_eq!(r.logs[0].text, format!("{name} {}", kernels::run(name)));
                }
                total
            })
        });
    }
}

fn bench_instantiate(c: &mut Criterion) {
    let mut g = group(c, "instantiate");
    let reactor = wat::parse_str(
        r#"(module (memory (export "memory") 1) (global (mut i32) (i32.const 0))
             (func (export "skytwin_on_event") (param i32) (result i32) (i32.const 0)))"#,
    )
    .unwrap();
    for (name, allocation) in [
        ("on_demand", Allocation::OnDemand),
        (
            "pooling",
            Allocation::Pooling {
                max_instances: 64,
                max_memory_bytes: 64 << 20,
            },
        ),
    ] {
        let hv = Hypervisor::new(HypervisorConfig {
            allocation,
            ..HypervisorConfig::default()
        })
        .unwrap();
        let img = hv.load_image(&reactor).unwrap();
        let mut obc = OnboardComputer::new(&hv, ComputerSpec::default(), "SAT-1", 1, t0());
        let id = obc.install(&img, AppConfig::new("r")).unwrap();
        let (st, cond) = (StateSnapshot::default(), Conditions::default());
        // Timed: start (store, fuel, future) and the step that instantiates it and runs its
        // START handler. Untimed: the graceful stop.
        g.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let start = Instant::now();
                    obc.start(id).unwrap();
                    black_box(obc.step(obc.now(), Unit::Millisecond * 1, &st, &cond));
                    total += start.elapsed();
                    obc.stop(id).unwrap();
                    obc.step(obc.now(), Unit::Millisecond * 1, &st, &cond);
                }
                total
            })
        });
    }
    g.finish();
}

/// One step (1 s) of a whole simulation: SGP4, contacts, link budgets, every hardware model
/// and the onboard computer with the beacon app (which wakes about once a minute), for 1 and 10
/// satellites on the global rayon pool.
fn bench_simulation(c: &mut Criterion) {
    let mut g = group(c, "sim_step");
    let hv = Hypervisor::new(HypervisorConfig::default()).unwrap();
    let tle = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../assets/elements/sample.tle"
    ))
    .unwrap();
    let noaa = orbit::parse_elements(&tle, "sample.tle")
        .unwrap()
        .into_iter()
        .find(|e| e.object_id == "33591")
        .unwrap();
    let beacon = hv
        .load_image(
            &std::fs::read(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../assets/apps/beacon.wasm"
            ))
            .unwrap(),
        )
        .unwrap();
    for n in [1usize, 10] {
        let mut sim = Simulation::new(&hv, SimulationConfig::new(noaa.epoch)).unwrap();
        sim.add_station(orbit::Station {
            name: "Svalbard".into(),
            location: orbit::Geodetic::from_degrees(78.23, 15.41, 0.5),
            min_elevation_rad: 10f64.to_radians(),
        });
        for k in 0..n {
            let mut e = noaa.clone();
            e.mean_anomaly_rad += (k as f64).to_radians();
            let name = format!("SAT-{k}");
            sim.add_satellite(
                &name,
                &e,
                hardware_models::template::HardwareTemplate::builtin("cubesat-6u").unwrap(),
            )
            .unwrap();
            sim.install_app(&name, &beacon, AppConfig::new("beacon"))
                .unwrap();
        }
        sim.step();
        g.bench_with_input(BenchmarkId::new("satellites", n), &n, |b, _| {
            b.iter(|| black_box(sim.step()))
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    bench_host_calls,
    bench_tick,
    bench_compute,
    bench_instantiate,
    bench_simulation
);
criterion_main!(benches);
