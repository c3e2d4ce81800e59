//! Runaway apps for a simulated hour, each beside the well-behaved `ticker` (at a higher
//! priority, as a critical app would be): a spinner, a memory bomb that spins after its last
//! grow, and a log flooder. The CPU watchdog faults an app that runs 10 s of its own CPU time
//! without a host call, the restart back-off (1 s doubling to 5 min) bounds what a
//! crash-looping spinner costs, and a flooder waits for its log bucket; the neighbour's log
//! must be byte-identical to a run without the runaway. How long these runs take on this
//! machine is recorded by the `runaway` benchmark (docs/BENCHMARKS.md), not asserted here.
//! Also here: what the CPU watchdog counts (the app's own CPU time since its last host call)
//! and that an app raises its own limit.

use sim_core::*;

use crate::common::*;

/// One simulated hour of 1 s steps.
const HOUR_S: usize = 3600;

fn ticker_config() -> AppConfig {
    AppConfig {
        priority: 200,
        ..AppConfig::new("ticker")
    }
}

/// The ticker's log over an hour alone.
fn ticker_alone() -> Vec<String> {
    let hv = hv();
    let mut obc = computer(&hv);
    run_app(&mut obc, &hv, "ticker.wat", ticker_config());
    steps(&mut obc, HOUR_S, secs(1)).logs_of("ticker")
}

/// The ticker and `fixture` (as app `name`, default configuration) for an hour; calls
/// `after_step` after each step. Checks that the ticker's log is the one it has alone.
fn beside_ticker(
    fixture_name: &str,
    name: &str,
    mut after_step: impl FnMut(&OnboardComputer, AppId),
) -> (Output, OnboardComputer, AppId) {
    let hv = hv();
    let mut obc = computer(&hv);
    run_app(&mut obc, &hv, "ticker.wat", ticker_config());
    let id = run_app(&mut obc, &hv, fixture_name, AppConfig::new(name));
    let mut out = Output::default();
    for _ in 0..HOUR_S {
        let o = steps(&mut obc, 1, secs(1));
        after_step(&obc, id);
        out.logs.extend(o.logs);
        out.events.extend(o.events);
        out.reports.extend(o.reports);
    }
    let ticks = out.logs_of("ticker");
    assert_eq!(ticks.len(), HOUR_S, "one tick per second");
    assert!(
        ticks == ticker_alone(),
        "the neighbour's log changed beside {fixture_name}"
    );
    (out, obc, id)
}

/// The default restart policy's delays, s: 1 s doubling per consecutive fault up to 300 s
/// (the count never resets: a spinner never stays up 300 s).
fn backoff_delay_s(consecutive_faults: u32) -> i64 {
    (1i64 << consecutive_faults.min(20)).min(300)
}

/// The runs a spinner gets in `horizon_s`: it runs `watchdog_s` of CPU, faults, waits its
/// back-off delay, and runs again (its own CPU time is its wall time: the ticker above it
/// takes ~0.01 % of the CPU, which the tolerances below absorb).
fn spinner_runs(horizon_s: i64, watchdog_s: i64) -> usize {
    let (mut start, mut runs, mut faults) = (0, 0, 0);
    while start < horizon_s {
        runs += 1;
        start += watchdog_s + backoff_delay_s(faults);
        faults += 1;
    }
    runs
}

/// The app's (re)starts and its faults with their times, POSIX ns.
fn starts_and_faults(out: &Output, app: &str) -> (Vec<i64>, Vec<(i64, FaultReason)>) {
    let mine = out.events.iter().filter(|e| e.app.as_deref() == Some(app));
    let (mut starts, mut faults) = (Vec::new(), Vec::new());
    for e in mine {
        match &e.kind {
            EventKind::Started | EventKind::Restarted => starts.push(e.time_unix_ns),
            EventKind::Faulted { reason } => faults.push((e.time_unix_ns, reason.clone())),
            _ => {}
        }
    }
    (starts, faults)
}

/// Checks the spinner pattern: every run ends in a CPU-watchdog fault 10 s (of CPU) after it
/// began, restarts follow the back-off, and the app got `spinner_runs` runs in the hour.
fn assert_watchdogged_and_backed_off(out: &Output, app: &str) {
    let (starts, faults) = starts_and_faults(out, app);
    let runs = spinner_runs(HOUR_S as i64, 10);
    assert_eq!(starts.len(), runs, "{starts:?}");
    assert_eq!(faults.len(), runs);
    for (k, (start, (fault, reason))) in starts.iter().zip(&faults).enumerate() {
        assert_eq!(*reason, FaultReason::CpuWatchdog, "run {k}");
        let ran_ns = fault - start;
        assert!(
            (10_000_000_000..10_010_000_000).contains(&ran_ns),
            "run {k} lasted {ran_ns} ns"
        );
        if let Some(next) = starts.get(k + 1) {
            // On time, or just after the ticker's turn if it falls on the restart.
            let late_ns = next - fault - backoff_delay_s(k as u32) * 1_000_000_000;
            assert!(
                (0..1_000_000).contains(&late_ns),
                "restart {k}: {late_ns} ns late"
            );
        }
    }
}

/// Instructions `app` executed over `out`.
fn instructions_of(out: &Output, app: &str) -> u64 {
    out.reports
        .iter()
        .flat_map(|r| r.2.iter())
        .filter(|(a, _)| a == app)
        .map(|(_, n)| n)
        .sum()
}

#[test]
fn val_analytic_spinner_is_watchdogged_and_backed_off_for_an_hour() {
    let (out, _, _) = beside_ticker("infinite_loop.wat", "spin", |_, _| {});
    assert_watchdogged_and_backed_off(&out, "spin");
    // Its share of the 100 MIPS computer: 10 s per run, to within a quantum per run.
    let runs = spinner_runs(HOUR_S as i64, 10) as u64;
    let n = instructions_of(&out, "spin");
    assert!(
        (runs * 1_000_000_000..=runs * 1_000_050_000).contains(&n),
        "{n} instructions in {runs} runs"
    );
    assert!(
        n as f64 / (1e8 * HOUR_S as f64) < 0.055,
        "a bounded share of the hour"
    );
}

#[test]
fn regress_memory_bomb_is_watchdogged_and_gives_its_ram_back() {
    let ticker_ram = 64 << 10;
    let cap = AppLimits::default().memory_bytes;
    let mut most = 0;
    let (out, obc, id) = beside_ticker("memory_bomb.wat", "bomb", |obc, id| {
        let ram = obc.ram_used_bytes();
        most = most.max(ram);
        if matches!(obc.app_status(id).unwrap().state, AppState::Faulted { .. }) {
            assert_eq!(ram, ticker_ram, "a faulted bomb holds no RAM");
        }
    });
    assert_watchdogged_and_backed_off(&out, "bomb");
    // It grew to its cap (1 + 16 k pages ≤ 1024) every run, and no further.
    assert_eq!(most, ticker_ram + (1 + 16 * 63) * 65_536);
    assert!(most <= ticker_ram + cap);
    let runs = spinner_runs(HOUR_S as i64, 10) as u32;
    assert_eq!(obc.app_status(id).unwrap().refused_memory_grows, runs);
}

#[test]
fn val_analytic_log_flooder_waits_for_its_bucket_for_an_hour() {
    let (out, obc, id) = beside_ticker("log_flood.wat", "flood", |_, _| {});
    let times: Vec<i64> = out
        .logs
        .iter()
        .filter(|l| l.app == "flood")
        .map(|l| l.time_unix_ns)
        .collect();
    // The burst of 200, then 50 lines per second for the rest of the hour.
    let expected = 200 + 50 * HOUR_S;
    assert!(
        (expected - 1..=expected).contains(&times.len()),
        "{} lines",
        times.len()
    );
    assert!(
        times[201..]
            .windows(2)
            .all(|w| (20_000_000 - 1_000..=20_100_000).contains(&(w[1] - w[0]))),
        "one line every 20 ms"
    );
    let events = out.events_of("flood");
    assert_eq!(
        events
            .iter()
            .filter(|k| **k == EventKind::LogSquelched)
            .count(),
        1
    );
    assert!(
        !events
            .iter()
            .any(|k| matches!(k, EventKind::Faulted { .. }))
    );
    // Waiting, it costs the CPU only its writes: 4 001 instructions a line.
    let n = instructions_of(&out, "flood");
    assert!(n < times.len() as u64 * 4_010, "{n}");
    assert_eq!(obc.app_status(id).unwrap().state, AppState::Blocked);
}

/// A 10 MIPS computer: the watchdog tests below execute a tenth of the instructions.
fn slow_computer(hv: &Hypervisor) -> OnboardComputer {
    let spec = ComputerSpec {
        instruction_rate_ips: 10_000_000,
        ..ComputerSpec::default()
    };
    OnboardComputer::new(hv, spec, "SAT-1", 7, t0())
}

fn cpu_watchdog_faults(out: &Output, app: &str) -> usize {
    out.events_of(app)
        .iter()
        .filter(|k| {
            **k == EventKind::Faulted {
                reason: FaultReason::CpuWatchdog,
            }
        })
        .count()
}

/// Time waiting for the CPU is not the app's CPU time: a spinner below an app that takes the
/// whole CPU (calling the host all the time, which is legitimate) is never faulted; once the
/// CPU is free it is, 10 s of its own CPU time later.
#[test]
fn regress_cpu_watchdog_counts_only_the_apps_own_cpu_time() {
    let hv = hv();
    let mut obc = slow_computer(&hv);
    let hog = run_app(
        &mut obc,
        &hv,
        "host_call_loop.wat",
        AppConfig {
            priority: 200,
            ..AppConfig::new("hog")
        },
    );
    let spin = AppConfig {
        restart: RestartPolicy::Never,
        ..AppConfig::new("spin")
    };
    run_app(&mut obc, &hv, "infinite_loop.wat", spin);
    let out = steps(&mut obc, 60, secs(1));
    assert_eq!(cpu_watchdog_faults(&out, "hog"), 0, "host calls kick it");
    assert_eq!(cpu_watchdog_faults(&out, "spin"), 0, "it never ran");
    assert_eq!(instructions_of(&out, "spin"), 0);
    obc.stop(hog).unwrap();
    // The hog's last quantum (25 000 calls: host-call costs do not end a quantum) still
    // holds the CPU for a while; then the spinner runs, and faults after exactly 10 s of its
    // own CPU time (10⁸ instructions at 10 MIPS; the watchdog is checked per quantum).
    let out = steps(&mut obc, 15, secs(1));
    let (_, faults) = starts_and_faults(&out, "spin");
    assert_eq!(faults.len(), 1);
    assert_eq!(instructions_of(&out, "spin"), 100_000_000);
}

/// Any host call kicks the CPU watchdog: an app that computes 8 s (of its CPU time) between
/// calls of `time_now`, for a minute without blocking, is never faulted; the same app with a
/// 5 s watchdog is; and one that raises its limit to 30 s spins for 30 s before its fault.
#[test]
fn regress_host_calls_kick_the_cpu_watchdog_and_apps_raise_their_limit() {
    // 8 s at 10 MIPS = 8·10⁷ instructions: 1.6·10⁷ iterations of 5 operators (local.get,
    // i32.const, i32.sub, local.tee, br_if).
    let cruncher = wat(r#"(module
      (import "skytwin_v1" "time_now" (func $now (result i64)))
      (memory (export "memory") 1)
      (func (export "_start") (local $k i32)
        (loop $forever
          (drop (call $now))
          (local.set $k (i32.const 16000000))
          (loop $work
            (br_if $work (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))
          (br $forever))))"#);
    let hv = hv();
    let img = hv.load_image(&cruncher).unwrap();
    let run = |config: AppConfig, n: usize| {
        let mut obc = slow_computer(&hv);
        let id = obc.install(&img, config).unwrap();
        obc.start(id).unwrap();
        steps(&mut obc, n, secs(1))
    };
    let out = run(AppConfig::new("c"), 60);
    assert_eq!(cpu_watchdog_faults(&out, "c"), 0);
    assert!(
        out.reports.iter().all(|r| r.1 > 999_000_000),
        "busy all along"
    );
    let strict = AppConfig {
        cpu_watchdog: secs(5),
        restart: RestartPolicy::Never,
        ..AppConfig::new("c")
    };
    assert_eq!(cpu_watchdog_faults(&run(strict, 10), "c"), 1);

    let patient = AppConfig {
        cpu_watchdog: secs(30),
        restart: RestartPolicy::Never,
        ..AppConfig::new("spin")
    };
    let mut obc = slow_computer(&hv);
    run_app(&mut obc, &hv, "infinite_loop.wat", patient);
    let out = steps(&mut obc, 40, secs(1));
    let (starts, faults) = starts_and_faults(&out, "spin");
    assert_eq!(faults.len(), 1);
    let ran = faults[0].0 - starts[0];
    assert!((30_000_000_000..=30_005_000_000).contains(&ran), "{ran}");
}
