//! Reactor apps: event handlers, state at rest, migration with memory and globals.

use sim_core::*;

use crate::common::*;

fn counter(obc: &mut OnboardComputer, hv: &Hypervisor) -> AppId {
    run_app(
        obc,
        hv,
        "reactor_counter.wat",
        AppConfig {
            restart: RestartPolicy::Never,
            ..AppConfig::new("counter")
        },
    )
}

#[test]
fn regress_reactor_handles_events_and_cannot_block() {
    let hv = hv();
    let mut obc = computer(&hv);
    let id = counter(&mut obc, &hv);
    let out = steps(&mut obc, 1, secs(1));
    // START handled; `wait` inside the handler returned ST_EWOULDBLOCK (the handler returns
    // that + 9 = 0, so no handler-error event).
    assert_eq!(
        out.events_of("counter"),
        vec![EventKind::Installed, EventKind::Started]
    );
    assert_eq!(obc.app_status(id).unwrap().state, AppState::Blocked);
    for _ in 0..3 {
        assert!(obc.deliver_command("counter", b"ping"));
    }
    let out = steps(&mut obc, 1, secs(1));
    assert_eq!(out.texts_of("counter"), vec!["count 3"]);
    obc.deliver_command("counter", b"x");
    let out = steps(&mut obc, 1, secs(1));
    assert_eq!(out.texts_of("counter"), vec!["count 4"]);
    assert!(!obc.deliver_command("nobody", b"x"));
}

#[test]
fn regress_reactor_migrates_with_memory_and_globals() {
    let hv = hv();
    let mut a = computer(&hv);
    let mut b = OnboardComputer::new(&hv, ComputerSpec::default(), "SAT-2", 7, t0());
    let id = counter(&mut a, &hv);
    steps(&mut a, 1, secs(1));
    for _ in 0..3 {
        a.deliver_command("counter", b"ping");
    }
    steps(&mut a, 1, secs(1));
    let pkg = a.migrate_out(id).unwrap();
    assert!(a.app_ids().is_empty());
    let state = pkg
        .state
        .clone()
        .expect("a reactor at rest moves with its state");
    assert_eq!(
        &state.memory[300..308],
        &3i64.to_le_bytes(),
        "linear memory"
    );
    assert_eq!(
        state.globals,
        vec![(0, GlobalValue::I64(3))],
        "the non-exported mutable global"
    );
    assert!(pkg.transfer_bytes() >= 65_536 + pkg.image.size_bytes() as u64);

    let id_b = b.migrate_in(pkg).unwrap();
    steps(&mut b, 1, secs(1));
    b.deliver_command("counter", b"ping");
    b.deliver_command("counter", b"ping");
    let out = steps(&mut b, 1, secs(1));
    // Continues from 3 (no new START: its subscription moved with it).
    assert_eq!(out.texts_of("counter"), vec!["count 5"]);
    assert_eq!(b.app_status(id_b).unwrap().faults, 0);
}

use sim_core::computer::GlobalValue;

#[test]
fn regress_reactor_in_handler_is_not_at_rest() {
    let hv = hv();
    let mut obc = computer(&hv);
    let img = hv
        .load_image(&wat(r#"(module (memory (export "memory") 1)
            (func (export "skytwin_on_event") (param i32) (result i32) (loop $l (br $l)) (i32.const 0)))"#))
        .unwrap();
    let id = obc.install(&img, AppConfig::new("busy")).unwrap();
    obc.start(id).unwrap();
    steps(&mut obc, 1, secs(1));
    assert!(matches!(
        obc.migrate_out(id),
        Err(ComputerError::NotAtRest { .. })
    ));
}

#[test]
fn regress_command_app_migrates_with_files_and_restarts() {
    let hv = hv();
    let mut a = computer(&hv);
    let mut b = OnboardComputer::new(&hv, ComputerSpec::default(), "SAT-2", 7, t0());
    let id = run_app(&mut a, &hv, "wasi_hello.wasm", AppConfig::new("hello"));
    steps(&mut a, 1, secs(1));
    let pkg = a.migrate_out(id).unwrap();
    assert!(pkg.state.is_none());
    assert_eq!(pkg.files.files().count(), 1);
    let id_b = b.migrate_in(pkg).unwrap();
    let out = steps(&mut b, 3, secs(1));
    assert_eq!(out.texts_of("hello")[1], "running on SAT-2/hello");
    assert!(
        out.events_of("hello")
            .contains(&EventKind::MigratedIn { with_state: false })
    );
    assert_eq!(b.app_files(id_b).len(), 1);
}

#[test]
fn regress_reactor_stop_delivers_stop_event() {
    // A reactor that logs "stop" when it gets ST_EV_STOP (4096).
    let hv = hv();
    let mut obc = computer(&hv);
    let img = hv
        .load_image(&wat(r#"(module
            (import "skytwin_v1" "log" (func $log (param i32 i32 i32) (result i32)))
            (memory (export "memory") 1)
            (data (i32.const 0) "stop")
            (func (export "skytwin_on_event") (param $e i32) (result i32)
              (if (i32.and (local.get $e) (i32.const 4096))
                (then (drop (call $log (i32.const 2) (i32.const 0) (i32.const 4)))))
              (i32.const 0)))"#))
        .unwrap();
    let id = obc.install(&img, AppConfig::new("r")).unwrap();
    obc.start(id).unwrap();
    steps(&mut obc, 1, secs(1));
    obc.stop(id).unwrap();
    let out = steps(&mut obc, 1, secs(1));
    assert_eq!(out.texts_of("r"), vec!["stop"]);
    assert!(out.events_of("r").contains(&EventKind::Stopped));
    assert_eq!(obc.app_status(id).unwrap().state, AppState::Stopped);
}

#[test]
fn regress_handler_error_is_reported() {
    let hv = hv();
    let mut obc = computer(&hv);
    let img = hv
        .load_image(&wat(r#"(module (memory (export "memory") 1)
            (func (export "skytwin_on_event") (param i32) (result i32) (i32.const 7)))"#))
        .unwrap();
    let id = obc.install(&img, AppConfig::new("r")).unwrap();
    obc.start(id).unwrap();
    let out = steps(&mut obc, 1, secs(1));
    assert!(
        out.events_of("r")
            .contains(&EventKind::HandlerError { code: 7 })
    );
}
