//! Image loading and inspection, lifecycle commands, power and fault injection.

use sim_core::*;

use crate::common::*;

#[test]
fn regress_image_errors_are_structured() {
    let hv = Hypervisor::new(HypervisorConfig {
        image_limits: ImageLimits {
            max_module_bytes: 4096,
            max_functions: 3,
            max_function_body_bytes: 64,
            ..Default::default()
        },
        ..Default::default()
    })
    .unwrap();
    assert!(matches!(
        hv.load_image(&[0u8; 5000]),
        Err(ImageError::TooLarge {
            size_bytes: 5000,
            max_bytes: 4096
        })
    ));
    assert!(matches!(
        hv.load_image(b"\0asm\x01\0\0\0\x01"),
        Err(ImageError::Invalid { .. })
    ));
    assert!(matches!(
        hv.load_image(b"not wasm"),
        Err(ImageError::NotWasm)
    ));
    // A component (layer 1) is refused as such.
    assert!(matches!(
        hv.load_image(b"\0asm\x0d\0\x01\0"),
        Err(ImageError::NotACoreModule)
    ));
    let four = wat("(module (func) (func) (func) (func))");
    assert!(matches!(
        hv.load_image(&four),
        Err(ImageError::TooManyFunctions { count: 4, max: 3 })
    ));
    let body: String = "(drop (i32.const 1))".repeat(30);
    let big = wat(&format!("(module (func (export \"_start\") {body}))"));
    assert!(matches!(
        hv.load_image(&big),
        Err(ImageError::FunctionTooLarge { index: 0, .. })
    ));
    // Relaxed SIMD and threads are not accepted.
    let relaxed = wat(
        "(module (func (result v128) (i32x4.relaxed_trunc_f32x4_s (v128.const i32x4 0 0 0 0))))",
    );
    assert!(matches!(
        hv.load_image(&relaxed),
        Err(ImageError::Invalid { .. })
    ));
    let shared = wat("(module (memory 1 1 shared))");
    assert!(matches!(
        hv.load_image(&shared),
        Err(ImageError::Invalid { .. })
    ));
}

#[test]
fn regress_wont_run_problems() {
    let hv = hv();
    let src = r#"(module
        (import "skytwin_v1" "log" (func (param i32 i32) (result i32)))
        (import "skytwin_v1" "teleport" (func))
        (import "skytwin_v2" "log" (func))
        (import "env" "memory" (memory 1))
        (global (export "__skytwin_x") i32 (i32.const 0))
        (func (export "_start") (param i32)))"#;
    let Err(ImageError::WontRun { problems }) = hv.load_image(&wat(src)) else {
        panic!()
    };
    assert_eq!(
        problems,
        vec![
            Problem::ImportSignature {
                module: "skytwin_v1".into(),
                name: "log".into(),
                expected: "func (i32, i32, i32) -> (i32)".into(),
                found: "func (i32, i32) -> (i32)".into()
            },
            Problem::UnknownImport {
                module: "skytwin_v1".into(),
                name: "teleport".into()
            },
            Problem::UnsupportedAbiVersion {
                module: "skytwin_v2".into()
            },
            Problem::NonFunctionImport {
                module: "env".into(),
                name: "memory".into(),
                kind: "memory"
            },
            Problem::ReservedExportName {
                name: "__skytwin_x".into()
            },
            Problem::EntryPointSignature {
                name: "_start".into(),
                expected: "func () -> ()",
                found: "func (i32) -> ()".into()
            },
        ]
    );
    let insp = hv.inspect(&wat(src)).unwrap();
    assert_eq!(insp.abi_versions, vec![1, 2]);
    assert!(!insp.runnable());
    let text = insp.to_string();
    assert!(text.contains("MISSING skytwin_v1.teleport"), "{text}");
    assert!(text.contains("runnable:    no"));
    assert!(
        matches!(hv.load_image(&wat("(module)")), Err(ImageError::WontRun { problems }) if problems == vec![Problem::NoEntryPoint])
    );
}

#[test]
fn regress_inspect_real_image() {
    let hv = hv();
    let insp = hv.inspect(&fixture("wasi_hello.wasm")).unwrap();
    assert_eq!(insp.style, Some(AppStyle::Command));
    assert!(insp.uses_wasi);
    assert!(insp.abi_versions.is_empty());
    assert!(insp.memory_exported);
    assert!(insp.runnable(), "{insp}");
    assert!(insp.mutable_globals >= 1, "the stack pointer");
    let r = hv.inspect(&fixture("reactor_counter.wat")).unwrap();
    assert_eq!(r.style, Some(AppStyle::Reactor));
    assert_eq!(r.abi_versions, vec![1]);
}

#[test]
fn regress_images_are_compiled_once() {
    let hv = hv();
    let a = hv.load_image(&fixture("ticker.wat")).unwrap();
    let b = hv.load_image(&fixture("ticker.wat")).unwrap();
    assert!(a.same_as(&b));
    assert_eq!(hv.cached_images(), 1);
    // Another hypervisor's image is refused.
    let other = Hypervisor::new(HypervisorConfig::default()).unwrap();
    let foreign = other.load_image(&fixture("ticker.wat")).unwrap();
    let mut obc = computer(&hv);
    assert_eq!(
        obc.install(&foreign, AppConfig::new("x")),
        Err(ComputerError::ForeignImage)
    );
}

#[test]
fn regress_lifecycle_commands() {
    let hv = hv();
    let mut obc = computer(&hv);
    let ticker = hv.load_image(&fixture("ticker.wat")).unwrap();
    assert!(matches!(
        obc.install(&ticker, AppConfig::new("bad/name")),
        Err(ComputerError::InvalidName { .. })
    ));
    assert!(matches!(
        obc.install(&ticker, AppConfig::new("")),
        Err(ComputerError::InvalidName { .. })
    ));
    let id = obc.install(&ticker, AppConfig::new("t")).unwrap();
    assert!(matches!(
        obc.install(&ticker, AppConfig::new("t")),
        Err(ComputerError::NameTaken { .. })
    ));
    assert_eq!(obc.app_status(id).unwrap().state, AppState::Stopped);
    obc.start(id).unwrap();
    let out = steps(&mut obc, 2, secs(1));
    assert_eq!(out.texts_of("t"), vec!["tick 0", "tick 1"]);
    obc.stop(id).unwrap();
    let out = steps(&mut obc, 2, secs(1));
    assert!(out.texts_of("t").is_empty());
    assert_eq!(obc.app_status(id).unwrap().state, AppState::Stopped);
    obc.start(id).unwrap();
    let out = steps(&mut obc, 1, secs(1));
    assert_eq!(out.texts_of("t"), vec!["tick 0"], "a fresh start");
    // Update to another image: restarts with it, files kept.
    let hello = hv.load_image(&fixture("c_hello.wasm")).unwrap();
    obc.update(id, &hello).unwrap();
    let out = steps(&mut obc, 1, secs(1));
    assert_eq!(out.texts_of("t"), vec!["hello from c"]);
    assert_eq!(
        out.events_of("t"),
        vec![
            EventKind::Updated,
            EventKind::Started,
            EventKind::Exited { code: 0 }
        ]
    );
    obc.remove(id).unwrap();
    assert!(obc.app_ids().is_empty());
    assert_eq!(obc.ram_used_bytes(), 0);
    assert_eq!(obc.start(id), Err(ComputerError::NoSuchApp { id }));
}

#[test]
fn regress_remove_frees_storage() {
    let hv = hv();
    let mut obc = computer(&hv);
    let id = run_app(&mut obc, &hv, "big_file.wat", AppConfig::new("big"));
    steps(&mut obc, 1, secs(1));
    assert!(obc.storage_used_bytes() > 15 << 20);
    obc.remove(id).unwrap();
    assert_eq!(obc.storage_used_bytes(), 0);
}

#[test]
fn regress_reboot_and_brown_out() {
    let hv = hv();
    let spec = ComputerSpec {
        boot_time: secs(3),
        ..ComputerSpec::default()
    };
    let mut obc = OnboardComputer::new(&hv, spec, "SAT-1", 7, t0());
    let id = run_app(&mut obc, &hv, "wasi_hello.wasm", AppConfig::new("hello"));
    let t = run_app(&mut obc, &hv, "ticker.wat", AppConfig::new("t"));
    steps(&mut obc, 2, secs(1));
    obc.reboot();
    assert!(!obc.is_powered());
    assert_eq!(obc.app_status(t).unwrap().state, AppState::Off);
    let out = steps(&mut obc, 5, secs(1));
    // Off for the 3 s boot, then both restart; the ticker counts from 0 again (RAM lost) and
    // hello finds its file from before (files survive).
    assert_eq!(out.texts_of("t"), vec!["tick 0", "tick 1"]);
    assert!(out.texts_of("hello").iter().any(|l| l == "dir: [\"logs\"]"));
    let booted = out
        .events
        .iter()
        .find(|e| e.kind == EventKind::Booted)
        .unwrap();
    assert_eq!(
        booted.time_unix_ns,
        sim_core::time::epoch_to_unix_ns(t0()) + 5_000_000_000
    );
    assert_eq!(out.reports[0].1, 0, "no CPU while booting");
    assert_eq!(obc.app_files(id).len(), 1);

    // A 2.5 s brown-out at t0 + 7 s: power returns at 9.5 s, the boot takes 3 s more.
    obc.brown_out(hifitime::Unit::Millisecond * 2500);
    let out = steps(&mut obc, 7, secs(1));
    let booted = out
        .events
        .iter()
        .find(|e| e.kind == EventKind::Booted)
        .unwrap();
    assert_eq!(
        booted.time_unix_ns,
        sim_core::time::epoch_to_unix_ns(t0()) + 12_500_000_000
    );
    assert_eq!(out.texts_of("t"), vec!["tick 0", "tick 1"]);
}

#[test]
fn regress_bit_flips_change_reactor_state() {
    // Flip bits in the counter reactor's memory at rest: its stored count (at 300) changes in
    // a seeded, repeatable way.
    let run = |seed: u64| {
        let hv = hv();
        let mut obc = computer(&hv);
        let id = run_app(
            &mut obc,
            &hv,
            "reactor_counter.wat",
            AppConfig::new("counter"),
        );
        steps(&mut obc, 1, secs(1));
        let n = obc.flip_memory_bits(id, 64, seed).unwrap();
        assert_eq!(n, 64);
        obc.migrate_out(id).unwrap().state.unwrap().memory
    };
    let a = run(1);
    assert_eq!(a, run(1));
    assert_ne!(a, run(2));
    let ones: u32 = a.iter().map(|b| b.count_ones()).sum::<u32>();
    assert!(ones > 0 && ones <= 64 + 64, "{ones}");
}

#[test]
fn regress_bit_flips_reach_running_command_at_next_host_call() {
    // The ticker's "tick " prefix lives in memory; flipping many bits eventually corrupts the
    // log text, but never the host.
    let hv = hv();
    let mut obc = computer(&hv);
    let id = run_app(&mut obc, &hv, "ticker.wat", AppConfig::new("t"));
    steps(&mut obc, 1, secs(1));
    let n = obc.flip_memory_bits(id, 20_000, 5).unwrap();
    assert_eq!(n, 20_000);
    let out = steps(&mut obc, 3, secs(1));
    assert_eq!(
        out.events_of("t")[0],
        EventKind::MemoryBitFlips { bits: 20_000 }
    );
    // Applied when it woke and called `log`: about 2.4 flips per byte corrupt its text.
    let texts = out.texts_of("t");
    assert!(!texts.is_empty() && texts[0] != "tick 1", "{texts:?}");
}
