//! CPU accounting, priorities, shares, sleeping, timers, schedules and watchdogs.

use std::collections::BTreeSet;

use sim_core::*;

use crate::common::*;

fn instr_of(out: &Output, app: &str) -> Vec<u64> {
    out.reports
        .iter()
        .map(|r| r.2.iter().find(|(a, _)| a == app).map_or(0, |(_, n)| *n))
        .collect()
}

#[test]
fn val_analytic_fuel_counts_operators() {
    // compute.wat: 16 counted operators per iteration × 10⁶ iterations (+ a few outside the
    // loop), at 100 MIPS = 0.16 s of a 1 s step.
    let hv = hv();
    let mut obc = computer(&hv);
    run_app(&mut obc, &hv, "compute.wat", AppConfig::new("k"));
    let out = steps(&mut obc, 1, secs(1));
    let n = instr_of(&out, "k")[0];
    assert!((16_000_000..16_000_020).contains(&n), "{n}");
    let busy = out.reports[0].1 as f64 / 1e9;
    assert!((busy - n as f64 / 1e8).abs() < 1e-6, "{busy}");
    assert!(out.events_of("k").contains(&EventKind::Exited { code: 0 }));
}

#[test]
fn val_analytic_host_calls_cost_instructions() {
    // 1000 calls of time_now: 1000 × the base cost + a handful of wasm operators each.
    let hv = hv();
    let mut obc = computer(&hv);
    let img = hv
        .load_image(&wat(r#"(module
            (import "skytwin_v1" "time_now" (func $now (result i64)))
            (memory (export "memory") 1)
            (func (export "_start") (local $i i32)
              (local.set $i (i32.const 1000))
              (loop $l (drop (call $now))
                (local.set $i (i32.sub (local.get $i) (i32.const 1)))
                (br_if $l (local.get $i)))))"#))
        .unwrap();
    let id = obc.install(&img, AppConfig::new("t")).unwrap();
    obc.start(id).unwrap();
    let out = steps(&mut obc, 1, secs(1));
    let n = instr_of(&out, "t")[0];
    // Per iteration: call, local.get, i32.const, i32.sub, local.set, local.get, br_if = 7.
    let calls = 1000 * sim_core::abi_codes::COST_HOST_CALL;
    assert!((calls + 7_000..calls + 7_020).contains(&n), "{n}");
}

#[test]
fn regress_strict_priority() {
    let hv = hv();
    let mut obc = computer(&hv);
    run_app(
        &mut obc,
        &hv,
        "infinite_loop.wat",
        AppConfig {
            priority: 200,
            ..AppConfig::new("high")
        },
    );
    run_app(
        &mut obc,
        &hv,
        "infinite_loop.wat",
        AppConfig {
            priority: 100,
            ..AppConfig::new("low")
        },
    );
    let out = steps(&mut obc, 3, secs(1));
    assert!(instr_of(&out, "low").iter().all(|&n| n == 0));
    assert!(instr_of(&out, "high").iter().all(|&n| n > 99_000_000));
}

#[test]
fn prop_shares_split_cpu() {
    let hv = hv();
    let mut obc = computer(&hv);
    run_app(
        &mut obc,
        &hv,
        "infinite_loop.wat",
        AppConfig {
            share: 300,
            ..AppConfig::new("big")
        },
    );
    run_app(
        &mut obc,
        &hv,
        "infinite_loop.wat",
        AppConfig {
            share: 100,
            ..AppConfig::new("small")
        },
    );
    let out = steps(&mut obc, 4, secs(1));
    let big: u64 = instr_of(&out, "big").iter().sum();
    let small: u64 = instr_of(&out, "small").iter().sum();
    let ratio = big as f64 / small as f64;
    assert!((ratio - 3.0).abs() < 0.01, "{ratio}");
    // The CPU is saturated: 4 s at 100 MIPS, to within one quantum.
    assert!(
        (big + small).abs_diff(400_000_000) < 60_000,
        "{}",
        big + small
    );
}

#[test]
fn regress_timer_and_wait_wake_on_time() {
    // timer_set(t0 + 2.5 s); wait(ST_EV_TIMER); log; the line is stamped within the wake-up
    // cost of 2.5 s.
    let start = sim_core::time::epoch_to_unix_ns(t0());
    let src = format!(
        r#"(module
        (import "skytwin_v1" "timer_set" (func $timer (param i64) (result i32)))
        (import "skytwin_v1" "wait" (func $wait (param i32 i64) (result i32)))
        (import "skytwin_v1" "log" (func $log (param i32 i32 i32) (result i32)))
        (memory (export "memory") 1)
        (data (i32.const 0) "timer")
        (func (export "_start")
          (drop (call $timer (i64.const {})))
          (if (i32.eq (call $wait (i32.const 512) (i64.const -1)) (i32.const 512))
            (then (drop (call $log (i32.const 2) (i32.const 0) (i32.const 5)))))))"#,
        start + 2_500_000_000
    );
    let hv = hv();
    let mut obc = computer(&hv);
    let id = obc
        .install(&hv.load_image(&wat(&src)).unwrap(), AppConfig::new("t"))
        .unwrap();
    obc.start(id).unwrap();
    let out = steps(&mut obc, 4, secs(1));
    let line = &out.logs[0];
    assert_eq!(line.text, "timer");
    assert!(
        (start + 2_500_000_000..start + 2_500_010_000).contains(&line.time_unix_ns),
        "{}",
        line.time_unix_ns
    );
    // Idle while waiting: busy only for the few instructions around the calls.
    assert!(out.reports[1].1 == 0);
}

#[test]
fn regress_schedule_suspends_and_resumes() {
    let hv = hv();
    let mut obc = computer(&hv);
    run_app(
        &mut obc,
        &hv,
        "ticker.wat",
        AppConfig {
            schedule: Schedule::Sunlit,
            ..AppConfig::new("ticker")
        },
    );
    let lit = Conditions {
        sunlit: true,
        ..Default::default()
    };
    let dark = Conditions::default();
    let a = steps_with(&mut obc, 3, secs(1), &StateSnapshot::default(), &lit);
    let b = steps_with(&mut obc, 3, secs(1), &StateSnapshot::default(), &dark);
    let c = steps_with(&mut obc, 2, secs(1), &StateSnapshot::default(), &lit);
    assert_eq!(a.texts_of("ticker"), vec!["tick 0", "tick 1", "tick 2"]);
    assert!(b.texts_of("ticker").is_empty(), "suspended in eclipse");
    assert_eq!(b.events_of("ticker"), vec![EventKind::Suspended]);
    // Its state was kept: on resume its pending sleep (until t0 + 3 s) is long past, and its
    // own logic catches up the seconds it missed (3..=6 at once), then ticks each second.
    assert_eq!(
        c.texts_of("ticker"),
        vec!["tick 3", "tick 4", "tick 5", "tick 6", "tick 7"]
    );
    let resumed = sim_core::time::epoch_to_unix_ns(t0()) + 6_000_000_000;
    assert!(
        c.logs[..4]
            .iter()
            .all(|l| l.time_unix_ns < resumed + 1_000_000)
    );
    assert_eq!(c.events_of("ticker"), vec![EventKind::Resumed]);
}

#[test]
fn regress_event_edges_wake_waiters() {
    // wait(ST_EV_CONTACT_START | ST_EV_AOI_ENTER) returns the bits that happened.
    let src = r#"(module
        (import "skytwin_v1" "wait" (func $wait (param i32 i64) (result i32)))
        (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
        (memory (export "memory") 1)
        (func (export "_start") (call $exit (call $wait (i32.const 68) (i64.const -1)))))"#;
    let hv = hv();
    let mut obc = computer(&hv);
    let id = obc
        .install(&hv.load_image(&wat(src)).unwrap(), AppConfig::new("w"))
        .unwrap();
    obc.start(id).unwrap();
    steps(&mut obc, 1, secs(1));
    let over = Conditions {
        in_contact: true,
        areas: BTreeSet::from(["alps".to_string()]),
        ..Default::default()
    };
    let out = steps_with(&mut obc, 1, secs(1), &StateSnapshot::default(), &over);
    assert!(
        out.events_of("w").contains(&EventKind::Exited { code: 68 }),
        "{:?}",
        out.events_of("w")
    );
}

#[test]
fn regress_heartbeat_watchdog_trips_and_ignores_suspension() {
    // Heartbeats once, then sleeps forever.
    let src = r#"(module
        (import "skytwin_v1" "heartbeat" (func $hb (result i32)))
        (import "skytwin_v1" "wait" (func $wait (param i32 i64) (result i32)))
        (memory (export "memory") 1)
        (func (export "_start") (drop (call $hb)) (drop (call $wait (i32.const 0) (i64.const -1)))))"#;
    let hv = hv();
    let mut obc = computer(&hv);
    let cfg = AppConfig {
        heartbeat_timeout: Some(secs(3)),
        schedule: Schedule::InContact,
        restart: RestartPolicy::Never,
        ..AppConfig::new("hb")
    };
    let id = obc
        .install(&hv.load_image(&wat(src)).unwrap(), cfg)
        .unwrap();
    obc.start(id).unwrap();
    let on = Conditions {
        in_contact: true,
        ..Default::default()
    };
    let off = Conditions::default();
    // 2 s scheduled, 10 s suspended (not counted), then it trips 1 s + 1 ns into the next
    // scheduled stretch.
    let a = steps_with(&mut obc, 2, secs(1), &StateSnapshot::default(), &on);
    steps_with(&mut obc, 10, secs(1), &StateSnapshot::default(), &off);
    let c = steps_with(&mut obc, 3, secs(1), &StateSnapshot::default(), &on);
    assert!(
        a.events_of("hb")
            .iter()
            .all(|k| !matches!(k, EventKind::Faulted { .. }))
    );
    let fault = c
        .events
        .iter()
        .find(|e| matches!(e.kind, EventKind::Faulted { .. }))
        .expect("tripped");
    assert_eq!(
        fault.kind,
        EventKind::Faulted {
            reason: FaultReason::HeartbeatWatchdog
        }
    );
    let resumed_at = sim_core::time::epoch_to_unix_ns(t0()) + 12_000_000_000;
    // The beat was at start + one host call (about 2 µs); the gap is measured without the
    // 10 s of suspension.
    assert!((resumed_at + 1_000_000_001..resumed_at + 1_000_010_000).contains(&fault.time_unix_ns));
    assert!(matches!(
        obc.app_status(id).unwrap().state,
        AppState::Faulted { .. }
    ));
}

#[test]
fn regress_overrun_is_carried_not_lost() {
    // 1 ms steps with a 50k-instruction quantum (0.5 ms at 100 MIPS): busy fraction is 1 and
    // the instruction total over 100 steps is exactly what 0.1 s of CPU allows, give or take
    // one quantum.
    let hv = hv();
    let mut obc = computer(&hv);
    run_app(&mut obc, &hv, "infinite_loop.wat", AppConfig::new("spin"));
    let out = steps(&mut obc, 100, hifitime::Unit::Millisecond * 1);
    let total: u64 = out.reports.iter().map(|r| r.0).sum();
    assert!(total.abs_diff(10_000_000) <= 50_100, "{total}");
    assert!(out.reports.iter().skip(1).all(|r| r.1 == 1_000_000_000));
}

#[test]
fn regress_overrun_of_a_higher_level_is_not_carried_by_lower_ones() {
    // A higher-priority app that only calls the host runs quanta of 25 000 calls (host-call
    // costs do not end a quantum), 1.255 s each on a 10 MIPS computer: longer than a 1 s step,
    // so its level runs past the step's end. The level below skips that time; it must not
    // also carry it as its own overrun, or it would fall further behind every step. Once the
    // hog stops, the level below has the whole CPU from its second step on.
    let hv = hv();
    let spec = ComputerSpec {
        instruction_rate_ips: 10_000_000,
        ..ComputerSpec::default()
    };
    let mut obc = OnboardComputer::new(&hv, spec, "SAT-1", 7, t0());
    let hog = run_app(
        &mut obc,
        &hv,
        "host_call_loop.wat",
        AppConfig {
            priority: 200,
            ..AppConfig::new("hog")
        },
    );
    let patient = AppConfig {
        cpu_watchdog: secs(3600),
        ..AppConfig::new("spin")
    };
    run_app(&mut obc, &hv, "infinite_loop.wat", patient);
    let before = steps(&mut obc, 30, secs(1));
    assert!(instr_of(&before, "spin").iter().all(|&n| n == 0));
    obc.stop(hog).unwrap();
    let after = instr_of(&steps(&mut obc, 5, secs(1)), "spin");
    assert!(after[0] > 0, "{after:?}");
    assert_eq!(&after[1..], &[10_000_000; 4], "the whole CPU");
}
