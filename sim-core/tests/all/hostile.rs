//! Hostile guests. Each runs beside the well-behaved `ticker` (at a higher priority, as a
//! critical app would be): the ticker's log must be byte-identical to a run without the
//! hostile app, and the computer keeps stepping.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use sim_core::*;

use crate::common::*;

const STEPS: usize = 12;

fn ticker_config() -> AppConfig {
    AppConfig {
        priority: 200,
        ..AppConfig::new("ticker")
    }
}

/// The ticker alone.
fn baseline() -> Vec<String> {
    let hv = hv();
    let mut obc = computer(&hv);
    run_app(&mut obc, &hv, "ticker.wat", ticker_config());
    steps(&mut obc, STEPS, secs(1)).logs_of("ticker")
}

/// The ticker plus a hostile app; returns the output, the computer and the hostile app's id.
fn with_hostile(fixture_name: &str, config: AppConfig) -> (Output, OnboardComputer, AppId) {
    let hv = hv();
    let mut obc = computer(&hv);
    run_app(&mut obc, &hv, "ticker.wat", ticker_config());
    let id = run_app(&mut obc, &hv, fixture_name, config);
    let out = steps(&mut obc, STEPS, secs(1));
    assert_eq!(
        out.logs_of("ticker"),
        baseline(),
        "the neighbour's output changed beside {fixture_name}"
    );
    assert_eq!(out.logs_of("ticker").len(), STEPS, "one tick per second");
    (out, obc, id)
}

fn hostile(name: &str) -> AppConfig {
    AppConfig {
        restart: RestartPolicy::Never,
        ..AppConfig::new(name)
    }
}

#[test]
fn regress_infinite_loop_is_preempted_and_watchdogged() {
    let cfg = AppConfig {
        cpu_watchdog: secs(5),
        ..hostile("spin")
    };
    let (out, obc, id) = with_hostile("infinite_loop.wat", cfg);
    // It had the CPU the ticker left, then the CPU watchdog faulted it after 5 s of its own
    // CPU time without a host call (a little more wall time: the ticker ran meanwhile).
    let faults: Vec<_> = out
        .events_of("spin")
        .into_iter()
        .filter(|k| matches!(k, EventKind::Faulted { .. }))
        .collect();
    assert_eq!(
        faults,
        vec![EventKind::Faulted {
            reason: FaultReason::CpuWatchdog
        }]
    );
    let fault_time = out
        .events
        .iter()
        .find(|e| matches!(e.kind, EventKind::Faulted { .. }))
        .unwrap()
        .time_unix_ns;
    let start = sim_core::time::epoch_to_unix_ns(t0());
    assert!(
        fault_time > start + 5_000_000_000 && fault_time <= start + 5_010_000_000,
        "{fault_time}"
    );
    assert!(
        out.reports[2].1 > 999_000_000,
        "busy fraction while spinning: {:?}",
        out.reports[2]
    );
    assert!(matches!(
        obc.app_status(id).unwrap().state,
        AppState::Faulted { .. }
    ));
    // Instructions are counted against the 100 MIPS CPU: exactly 5 s worth (the watchdog
    // is checked at the end of each 50 000-instruction quantum).
    let spin_instr: u64 = out
        .reports
        .iter()
        .flat_map(|r| r.2.iter())
        .filter(|(a, _)| a == "spin")
        .map(|(_, n)| n)
        .sum();
    assert!(
        (500_000_000..=500_050_000).contains(&spin_instr),
        "{spin_instr}"
    );
}

#[test]
fn regress_host_call_loop_cannot_dodge_preemption() {
    let (out, _, _) = with_hostile("host_call_loop.wat", hostile("caller"));
    assert!(
        out.reports.iter().all(|r| r.1 > 999_000_000),
        "CPU saturated every step"
    );
    assert!(
        out.events_of("caller")
            .iter()
            .all(|k| !matches!(k, EventKind::Faulted { .. }))
    );
}

#[test]
fn regress_deep_recursion_faults_with_stack_overflow_and_backs_off() {
    let cfg = AppConfig {
        restart: RestartPolicy::Backoff {
            initial: secs(1),
            max: secs(4),
        },
        ..AppConfig::new("recurse")
    };
    let (out, _, _) = with_hostile("deep_recursion.wat", cfg);
    let ev = out.events_of("recurse");
    assert!(
        ev.contains(&EventKind::Faulted {
            reason: FaultReason::StackOverflow
        }),
        "{ev:?}"
    );
    // Back-off doubles: 1 s, 2 s, 4 s, then stays at the 4 s maximum.
    let delays: Vec<i64> = out
        .events
        .windows(2)
        .filter_map(|w| match (&w[0].kind, &w[1].kind) {
            (EventKind::Faulted { .. }, EventKind::RestartScheduled { at_unix_ns, .. }) => {
                Some(at_unix_ns - w[1].time_unix_ns)
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        &delays[..4],
        &[1_000_000_000, 2_000_000_000, 4_000_000_000, 4_000_000_000],
        "{delays:?}"
    );
}

#[test]
fn regress_memory_grow_past_cap_is_refused_not_fatal() {
    let cfg = AppConfig {
        limits: AppLimits {
            memory_bytes: 4 << 20,
            ..AppLimits::default()
        },
        ..hostile("grower")
    };
    let (out, obc, id) = with_hostile("memory_grow.wat", cfg);
    assert_eq!(out.texts_of("grower"), vec!["refused"]);
    assert!(
        out.events_of("grower")
            .contains(&EventKind::Exited { code: 0 })
    );
    let st = obc.app_status(id).unwrap();
    assert_eq!(st.refused_memory_grows, 101);
    assert_eq!(
        obc.ram_used_bytes(),
        64 << 10,
        "only the ticker's page is left after the exit"
    );
}

#[test]
fn regress_huge_initial_memory_faults_at_start() {
    let hv = hv();
    let insp = hv.inspect(&fixture("huge_memory.wat")).unwrap();
    assert!(insp.problems.contains(&Problem::InitialMemoryTooLarge {
        bytes: 1 << 32,
        cap_bytes: 64 << 20
    }));
    let (out, _, _) = with_hostile("huge_memory.wat", hostile("huge"));
    let ev = out.events_of("huge");
    assert!(
        ev.iter().any(|k| matches!(k, EventKind::Faulted { reason: FaultReason::Limit { message } } if message.contains("cap"))),
        "{ev:?}"
    );
}

#[test]
fn regress_log_flood_is_rate_limited_with_one_squelch_event() {
    let (out, _, _) = with_hostile("log_flood.wat", hostile("flood"));
    let lines = out.texts_of("flood").len();
    // Burst 200 + 50 lines/s over the 12 s run.
    assert!(
        (200 + 50 * 11..=200 + 50 * 12 + 1).contains(&lines),
        "{lines}"
    );
    let squelched = out
        .events_of("flood")
        .iter()
        .filter(|k| **k == EventKind::LogSquelched)
        .count();
    assert_eq!(squelched, 1);
}

#[test]
fn regress_downlink_flood_is_bounded_by_quota_and_rate() {
    let (out, obc, id) = with_hostile("downlink_flood.wat", hostile("dl"));
    let st = obc.app_status(id).unwrap();
    assert!(st.downlink_queued_bytes <= 64 << 20);
    // Burst 64 MB holds 61 messages of 1 MiB; the 10 MB/s refill adds 9.5 per second until
    // the 64 MiB queue quota is reached.
    assert_eq!(st.downlink_queued_bytes, 64 << 20);
    let squelched = out
        .events_of("dl")
        .iter()
        .filter(|k| **k == EventKind::DownlinkSquelched)
        .count();
    assert_eq!(squelched, 1);
    // Deliver 10 MiB: ten messages complete, accounting follows.
    let progress = obc.drain_downlink(10 << 20);
    assert_eq!(progress.bytes_sent, 10 << 20);
    assert_eq!(progress.completed.len(), 10);
    assert_eq!(
        obc.app_status(id).unwrap().downlink_delivered_bytes,
        10 << 20
    );
}

#[test]
fn regress_invalid_utf8_and_escapes_are_sanitised() {
    let (out, _, _) = with_hostile("bad_log.wat", hostile("bad"));
    let texts = out.texts_of("bad");
    assert_eq!(texts[0], "bad \u{fffd}\u{fffd} utf8");
    assert_eq!(texts[1], "red title");
    assert_eq!(texts[2], "bell cr nul del end");
    assert_eq!(texts[3].len(), 1024 + '…'.len_utf8());
    assert!(
        texts
            .iter()
            .all(|t| !t.chars().any(|c| c.is_control() && c != '\t'))
    );
}

#[test]
fn regress_oversized_file_hits_storage_quota() {
    let (out, obc, id) = with_hostile("big_file.wat", hostile("big"));
    // ENOSPC = 51 as the exit code; 15 whole MiB fit in the 16 MiB quota with the entry.
    assert!(
        out.events_of("big")
            .contains(&EventKind::Exited { code: 51 }),
        "{:?}",
        out.events_of("big")
    );
    let files = obc.app_files(id);
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].1.len(), 15 << 20);
    assert_eq!(
        obc.app_status(id).unwrap().storage_used_bytes,
        (15 << 20) + 64
    );
    assert_eq!(obc.storage_used_bytes(), (15 << 20) + 64);
}

/// A camera whose capture panics (a host-side bug) must fault only the calling app.
struct PanickingCamera(Arc<AtomicBool>);

impl CameraService for PanickingCamera {
    fn info(&self) -> CameraInfo {
        CameraInfo {
            width_px: 4,
            height_px: 4,
            channels: 1,
            bits_per_sample: 8,
            fov_rad: 0.1,
        }
    }
    fn capture(&mut self, _t: i64, _pixels: &mut [u8]) -> Result<ImageMeta, CameraError> {
        self.0.store(true, Ordering::SeqCst);
        panic!("camera driver bug");
    }
}

#[test]
fn regress_host_panic_faults_only_the_app() {
    let hv = hv();
    let mut obc = computer(&hv);
    let called = Arc::new(AtomicBool::new(false));
    obc.set_camera(Box::new(PanickingCamera(called.clone())));
    run_app(&mut obc, &hv, "ticker.wat", ticker_config());
    let img = hv
        .load_image(&wat(r#"(module
            (import "skytwin_v1" "camera_capture" (func $cap (param i32 i32 i32 i32) (result i32)))
            (memory (export "memory") 1)
            (func (export "_start") (drop (call $cap (i32.const 0) (i32.const 16) (i32.const 0) (i32.const 0)))))"#))
        .unwrap();
    let id = obc.install(&img, hostile("shooter")).unwrap();
    obc.start(id).unwrap();
    let out = steps(&mut obc, STEPS, secs(1));
    assert!(called.load(Ordering::SeqCst));
    assert_eq!(out.logs_of("ticker"), baseline());
    assert!(out.events_of("shooter").iter().any(
        |k| matches!(k, EventKind::Faulted { reason: FaultReason::HostPanic { message } } if message == "camera driver bug")
    ));
}

#[test]
fn prop_equal_priority_neighbour_keeps_its_schedule() {
    // At equal priority the spinner shares the CPU: the ticker still ticks every second,
    // with the same texts, at most one quantum (0.5 ms at 100 MIPS) late.
    let hv = hv();
    let mut obc = computer(&hv);
    run_app(&mut obc, &hv, "ticker.wat", AppConfig::new("ticker"));
    run_app(&mut obc, &hv, "infinite_loop.wat", AppConfig::new("spin"));
    let out = steps(&mut obc, STEPS, secs(1));
    let base = baseline();
    let texts = out.texts_of("ticker");
    assert_eq!(texts.len(), STEPS);
    let start = sim_core::time::epoch_to_unix_ns(t0());
    for (k, l) in out.logs.iter().filter(|l| l.app == "ticker").enumerate() {
        assert_eq!(l.text, format!("tick {k}"));
        let late = l.time_unix_ns - (start + k as i64 * 1_000_000_000);
        assert!((0..=600_000).contains(&late), "tick {k} late by {late} ns");
    }
    assert_eq!(base.len(), STEPS);
}

/// A grow the limiter allowed but the engine could not carry out (here: a pooling slot of
/// 1 MiB, below the app's 64 MiB cap) gives its RAM back at once: the computer's RAM in use
/// is the memory the app has, however many grows failed.
#[test]
fn regress_failed_grow_gives_its_ram_back() {
    let hv = Hypervisor::new(HypervisorConfig {
        allocation: Allocation::Pooling {
            max_instances: 4,
            max_memory_bytes: 1 << 20,
        },
        ..HypervisorConfig::default()
    })
    .expect("hypervisor");
    let mut obc = computer(&hv);
    let id = run_app(&mut obc, &hv, "grow_past_slot.wat", hostile("grower"));
    let out = steps(&mut obc, 2, secs(1));
    assert_eq!(out.texts_of("grower"), vec!["pages=16"]);
    let st = obc.app_status(id).unwrap();
    assert_eq!(st.state, AppState::Blocked, "alive, holding its memory");
    // The first refusal, ten single pages and one of 100 pages.
    assert_eq!(st.refused_memory_grows, 12);
    assert_eq!(obc.ram_used_bytes(), 1 << 20);
}
