//! WASI preview 1: real toolchain output runs unchanged, deterministically.

use sim_core::*;

use crate::common::*;

#[test]
fn val_rustc_wasi_command_runs_unchanged() {
    // tests/fixtures/wasi_hello.wasm: Rust std, built by rustc 1.63 for wasm32-wasi.
    let hv = hv();
    let mut obc = computer(&hv);
    let cfg = AppConfig {
        args: vec!["--verbose".into()],
        restart: RestartPolicy::Never,
        ..AppConfig::new("hello")
    };
    let id = run_app(&mut obc, &hv, "wasi_hello.wasm", cfg);
    let out = steps(&mut obc, 3, secs(1));
    let texts = out.texts_of("hello");
    let start_s = sim_core::time::epoch_to_unix_ns(t0()) / 1_000_000_000;
    assert_eq!(texts[0], r#"hello from wasi, args=["hello", "--verbose"]"#);
    assert_eq!(texts[1], "running on SAT-1/hello");
    assert_eq!(texts[2], format!("unix time {start_s}"));
    assert_eq!(texts[3], format!("file says: boot at {start_s}"));
    assert_eq!(texts[4], r#"dir: ["logs"]"#);
    // std::thread::sleep → poll_oneoff on the simulated clock: exactly 1.5 s (plus the few
    // instructions between the two clock reads).
    assert!(texts[5] == "slept 1500 ms", "{}", texts[5]);
    assert_eq!(
        texts[6],
        format!("sum {}", (0..100u64).map(|i| i * i * i).sum::<u64>())
    );
    assert_eq!(texts[7], "this goes to stderr with escapes");
    assert_eq!(texts.len(), 8, "no host file is visible: {texts:?}");
    let stderr_line = out
        .logs
        .iter()
        .find(|l| l.app == "hello" && l.text.contains("stderr"))
        .unwrap();
    assert_eq!(stderr_line.level, LogLevel::Warn);
    assert!(
        out.events_of("hello")
            .contains(&EventKind::Exited { code: 3 })
    );
    // The file it wrote stays in its private store.
    assert_eq!(
        obc.app_files(id),
        vec![(
            "logs/boot.txt".to_string(),
            format!("boot at {start_s}\n").into_bytes()
        )]
    );
    // The sleep started after ~1 ms of work and ended 1.5 s later, in the second step.
    let slept = out
        .logs
        .iter()
        .find(|l| l.text.starts_with("slept"))
        .unwrap();
    let start_ns = sim_core::time::epoch_to_unix_ns(t0());
    assert!(
        slept.time_unix_ns > start_ns + 1_500_000_000
            && slept.time_unix_ns < start_ns + 1_600_000_000
    );
}

#[test]
fn val_zig_c_command_runs_unchanged() {
    let hv = hv();
    let mut obc = computer(&hv);
    run_app(&mut obc, &hv, "c_hello.wasm", AppConfig::new("c"));
    let out = steps(&mut obc, 1, secs(1));
    assert_eq!(out.texts_of("c"), vec!["hello from c"]);
    assert!(out.events_of("c").contains(&EventKind::Exited { code: 0 }));
}

#[test]
fn regress_random_is_seeded_per_run_satellite_and_app() {
    // random_get bytes written as the exit code: same seed same bytes, other seed other bytes.
    let src = r#"(module
        (import "wasi_snapshot_preview1" "random_get" (func $rnd (param i32 i32) (result i32)))
        (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
        (memory (export "memory") 1)
        (func (export "_start")
          (drop (call $rnd (i32.const 0) (i32.const 4)))
          (call $exit (i32.and (i32.load (i32.const 0)) (i32.const 0x7fffffff)))))"#;
    let code = |seed: u64, sat: &str, app: &str| {
        let hv = hv();
        let img = hv.load_image(&wat(src)).unwrap();
        let mut obc = OnboardComputer::new(&hv, ComputerSpec::default(), sat, seed, t0());
        let id = obc.install(&img, AppConfig::new(app)).unwrap();
        obc.start(id).unwrap();
        let out = steps(&mut obc, 1, secs(1));
        out.events_of(app)
            .into_iter()
            .find_map(|k| {
                if let EventKind::Exited { code } = k {
                    Some(code)
                } else {
                    None
                }
            })
            .unwrap()
    };
    assert_eq!(code(1, "A", "x"), code(1, "A", "x"));
    assert_ne!(code(1, "A", "x"), code(2, "A", "x"));
    assert_ne!(code(1, "A", "x"), code(1, "B", "x"));
    assert_ne!(code(1, "A", "x"), code(1, "A", "y"));
}

#[test]
fn regress_unsupported_wasi_calls_return_enosys() {
    let src = r#"(module
        (import "wasi_snapshot_preview1" "sock_accept" (func $acc (param i32 i32 i32) (result i32)))
        (import "wasi_snapshot_preview1" "path_symlink" (func $sym (param i32 i32 i32 i32 i32) (result i32)))
        (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
        (memory (export "memory") 1)
        (func (export "_start")
          (call $exit (i32.add (i32.mul (call $acc (i32.const 3) (i32.const 0) (i32.const 0)) (i32.const 100))
                               (call $sym (i32.const 0) (i32.const 1) (i32.const 3) (i32.const 0) (i32.const 1))))))"#;
    let hv = hv();
    let mut obc = computer(&hv);
    let img = hv.load_image(&wat(src)).unwrap();
    let id = obc.install(&img, AppConfig::new("n")).unwrap();
    obc.start(id).unwrap();
    let out = steps(&mut obc, 1, secs(1));
    assert!(out.events_of("n").contains(&EventKind::Exited {
        code: 52 * 100 + 52
    }));
}

#[test]
fn regress_files_survive_restart_and_clocks_are_simulated() {
    // Appends one line per start to /data/boots, logs the monotonic and CPU clocks, then traps:
    // the restart policy restarts it and the file keeps growing.
    let src = r#"(module
        (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
        (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
        (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
        (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
        (memory (export "memory") 1)
        (data (i32.const 0) "boots")
        (data (i32.const 100) "boot\n")
        (func (export "_start")
          (drop (call $open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 5) (i32.const 1)
                 (i64.const -1) (i64.const -1) (i32.const 1) (i32.const 16)))
          (i32.store (i32.const 32) (i32.const 100))
          (i32.store (i32.const 36) (i32.const 5))
          (drop (call $write (i32.load (i32.const 16)) (i32.const 32) (i32.const 1) (i32.const 40)))
          (drop (call $clock (i32.const 1) (i64.const 0) (i32.const 200)))
          (drop (call $clock (i32.const 2) (i64.const 0) (i32.const 208)))
          (if (i64.gt_u (i64.load (i32.const 200)) (i64.const 1000000)) (then (call $exit (i32.const 90))))
          (if (i64.eqz (i64.load (i32.const 208))) (then (call $exit (i32.const 91))))
          unreachable))"#;
    let hv = hv();
    let mut obc = computer(&hv);
    let img = hv.load_image(&wat(src)).unwrap();
    let cfg = AppConfig {
        restart: RestartPolicy::Always { delay: secs(1) },
        ..AppConfig::new("boots")
    };
    let id = obc.install(&img, cfg).unwrap();
    obc.start(id).unwrap();
    let out = steps(&mut obc, 3, secs(1));
    let faults = out
        .events_of("boots")
        .iter()
        .filter(|k| matches!(k, EventKind::Faulted { .. }))
        .count();
    assert_eq!(faults, 3, "{:?}", out.events_of("boots"));
    assert_eq!(
        obc.app_files(id),
        vec![("boots".to_string(), b"boot\nboot\nboot\n".to_vec())]
    );
}
