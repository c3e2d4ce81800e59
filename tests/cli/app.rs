//! `skytwin app run` and `skytwin app inspect`, end to end.

use super::common::{ok, repo, run, sample_tle, temp_dir};

fn app(name: &str) -> String {
    repo(&format!("assets/apps/{name}")).display().to_string()
}

/// A module from WAT text written into `dir`.
fn wasm_file(dir: &std::path::Path, name: &str, wat_text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, wat::parse_str(wat_text).unwrap()).unwrap();
    path.display().to_string()
}

#[test]
fn regress_app_run_prints_logs_events_and_summary() {
    let out = ok(&[
        "app",
        "run",
        &app("beacon.wasm"),
        &app("hello.wasm"),
        "--for",
        "30m",
    ]);
    // The bundled defaults: NOAA 19 from the first whole second after its epoch, cubesat-6u.
    assert!(
        out.contains("2018-01-20T22:04:13.000000000Z [beacon started]"),
        "{out}"
    );
    assert!(out.contains("Z hello info: SKYTWIN_SATELLITE=NOAA-19\n"));
    assert!(out.contains("Z [hello exited code=0]\n"));
    assert!(out.contains("[contact with Fairbanks begins]"));
    // Every line before the summary starts with a simulated UTC time.
    let (body, summary) = out.split_once("\nsummary: ").expect("summary");
    assert!(
        body.lines().all(|l| l.starts_with("2018-01-20T2")),
        "{body}"
    );
    assert!(summary.starts_with("NOAA-19 with cubesat-6u from 2018-01-20T22:04:13.000Z for 1800 s (1800 steps of 1 s), seed 0"), "{summary}");
    let beacon = summary
        .lines()
        .find(|l| l.trim_start().starts_with("beacon"))
        .expect("beacon row");
    assert!(beacon.contains("waiting"), "{beacon}");
    assert!(
        summary.contains("hello                exited(0)"),
        "{summary}"
    );
    assert!(
        summary.contains("energy: onboard computer 0.600 Wh"),
        "{summary}"
    );
    assert!(
        summary.contains("downlink: 2146 B delivered in 2 contacts (Fairbanks, Svalbard)"),
        "{summary}"
    );
}

#[test]
fn regress_app_run_is_deterministic_and_seeded() {
    let args = [
        "app",
        "run",
        &app("hello.wasm"),
        &app("beacon.wasm"),
        "--for",
        "10m",
        "--seed",
        "7",
    ];
    let a = ok(&args);
    assert_eq!(a, ok(&args));
    // Sensor noise depends on the seed: the beacon's first packet reads other numbers.
    let other = ok(&[
        "app",
        "run",
        &app("hello.wasm"),
        &app("beacon.wasm"),
        "--for",
        "10m",
        "--seed",
        "8",
    ]);
    assert_ne!(a, other);
}

#[test]
fn regress_app_fault_is_reported_not_a_failure() {
    let dir = temp_dir();
    let crash = wasm_file(
        dir.path(),
        "crash.wasm",
        r#"(module (memory (export "memory") 1)
             (func $down (param i64) (result i64) (i64.add (call $down (local.get 0)) (i64.const 1)))
             (func (export "_start") (drop (call $down (i64.const 0)))))"#,
    );
    let out = ok(&["app", "run", &crash, "--for", "5s"]);
    assert!(out.contains("[crash faulted stack-overflow]"), "{out}");
    assert!(out.contains("[crash restart-scheduled at="), "{out}");
    assert!(out.contains("faulted(stack-overflow)"), "{out}");
}

#[test]
fn regress_app_run_elements_object_and_hardware() {
    let tle = sample_tle();
    let out = ok(&[
        "app",
        "run",
        &app("hello.wasm"),
        "--elements",
        &tle,
        "--object",
        "25544",
        "--hardware",
        "smallsat-100kg",
        "--for",
        "10s",
        "--start",
        "2018-01-21T00:00:00Z",
    ]);
    assert!(
        out.contains("hello info: SKYTWIN_SATELLITE=ISS-(ZARYA)"),
        "{out}"
    );
    assert!(
        out.contains("summary: ISS-(ZARYA) with smallsat-100kg from 2018-01-21T00:00:00.000Z"),
        "{out}"
    );
    // 4e9 instructions/s on the smallsat's computer.
    assert!(out.contains("of 4.000e9 instructions/s"), "{out}");
}

fn expect_bad(args: &[&str], needle: &str) {
    let out = run(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.stdout.is_empty(), "{args:?} wrote output");
    assert!(
        stderr.contains(needle),
        "{args:?}: {needle:?} not in {stderr}"
    );
}

#[test]
fn regress_app_bad_input_exits_2() {
    let dir = temp_dir();
    let garbage = dir.path().join("garbage.wasm");
    std::fs::write(&garbage, b"MZ not wasm").unwrap();
    let garbage = garbage.display().to_string();
    let truncated = dir.path().join("truncated.wasm");
    let bytes = std::fs::read(app("hello.wasm")).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let truncated = truncated.display().to_string();
    let missing = wasm_file(
        dir.path(),
        "missing.wasm",
        r#"(module (import "skytwin_v1" "teleport" (func)) (func (export "_start")))"#,
    );
    for cmd in ["run", "inspect"] {
        expect_bad(
            &["app", cmd, "/nonexistent/app.wasm"],
            "/nonexistent/app.wasm: cannot read",
        );
        expect_bad(
            &["app", cmd, &garbage],
            "garbage.wasm: not a WebAssembly module",
        );
        expect_bad(
            &["app", cmd, &truncated],
            "truncated.wasm: invalid WebAssembly at byte offset",
        );
    }
    expect_bad(
        &["app", "run", &missing],
        "missing.wasm: module cannot run: unknown import skytwin_v1.teleport",
    );
    expect_bad(
        &["app", "run", &app("hello.wasm"), "--hardware", "bus-1000"],
        "unknown template (built in: cubesat-6u, smallsat-100kg)",
    );
    expect_bad(
        &[
            "app",
            "run",
            &app("hello.wasm"),
            "--elements",
            &sample_tle(),
            "--object",
            "99999",
        ],
        "--object 99999: not in",
    );
}

#[test]
fn regress_app_inspect_reports_what_stops_an_image() {
    let out = ok(&["app", "inspect", &app("cloud-screen.wasm")]);
    assert!(out.contains("style:       reactor"), "{out}");
    assert!(out.contains("abi:         skytwin_v1"));
    assert!(out.contains("ok      skytwin_v1.camera_capture: func (i32, i32, i32, i32) -> (i32)"));
    assert!(out.contains("runnable:    yes"));
    let dir = temp_dir();
    let missing = wasm_file(
        dir.path(),
        "missing.wasm",
        r#"(module (import "skytwin_v2" "log" (func)) (memory 2000) (func (export "_start")))"#,
    );
    let out = ok(&["app", "inspect", &missing]);
    assert!(out.contains("MISSING skytwin_v2.log"), "{out}");
    assert!(out.contains("runnable:    no"));
    assert!(out.contains("imports skytwin_v2, but this host serves skytwin_v1"));
    assert!(
        out.contains("initial memory 131072000 bytes exceeds the default cap of 67108864 bytes")
    );
}

/// `--area` drives the eo-imager (it images only over an area of interest, in daylight),
/// `--command` reaches the app over the uplink at the next contact, `--arg` reaches its argv.
#[test]
fn regress_app_run_areas_commands_and_args_reach_the_app() {
    let out = ok(&[
        "app",
        "run",
        &app("eo-imager.wasm"),
        "--for",
        "9h",
        "--area",
        "Australia=-25,134,1200",
        "--command",
        "epoch+1h=eo-imager:interval 20",
        "--arg",
        "eo-imager=--max-cloud",
        "--arg",
        "eo-imager=0.9",
    ]);
    // The command is queued at epoch + 1 h and delivered at the next contact (Fairbanks).
    let queued = out
        .find("[command for eo-imager queued on the uplink: 11 bytes]")
        .expect("queued");
    let applied = out
        .find("eo-imager info: interval now 20 s")
        .expect("applied");
    assert!(queued < applied, "{out}");
    // Over Australia in daylight it images every 20 s and queues the products.
    let images: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("eo-imager info: image "))
        .collect();
    assert!(images.len() >= 5, "{out}");
    for l in &images {
        let at = l.split(" at ").nth(1).expect("centre");
        let lat: f64 = at.split(',').next().unwrap().parse().unwrap();
        assert!((-40.0..=-10.0).contains(&lat), "{l}");
    }
    // Without the area there are no images at all.
    let none = ok(&["app", "run", &app("eo-imager.wasm"), "--for", "9h"]);
    assert!(!none.contains("eo-imager info: image "), "{none}");
}

#[test]
fn regress_app_run_rejects_bad_areas_commands_and_unknown_apps() {
    use super::common::expect_bad;
    let eo = app("eo-imager.wasm");
    expect_bad(
        &["app", "run", &eo, "--area", "Nowhere=95,0,100"],
        &["--area", "latitude must be between -90 and 90"],
    );
    expect_bad(
        &["app", "run", &eo, "--area", "Sahara=23,13"],
        &["NAME=LAT_DEG,LON_DEG,RADIUS_KM"],
    );
    expect_bad(
        &["app", "run", &eo, "--command", "epoch+1h=eo-imager"],
        &["T=APP:TEXT"],
    );
    expect_bad(
        &["app", "run", &eo, "--command", "epoch+1h=beacon:hi"],
        &["beacon: no such app", "eo-imager"],
    );
    expect_bad(
        &["app", "run", &eo, "--arg", "relay=--peer"],
        &["relay: no such app"],
    );
}

/// Each line is handed on as the run goes, not when it ends: the first lines of a 30-day run
/// can be read while it is still running.
#[test]
fn regress_app_run_hands_each_line_on_at_once() {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_skytwin"))
        .args(["app", "run", &app("hello.wasm"), &app("beacon.wasm")])
        .args(["--for", "30d"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("run skytwin");
    let stdout = child.stdout.take().expect("stdout");
    let first = BufReader::new(stdout)
        .lines()
        .next()
        .expect("a line")
        .expect("text");
    let still_running = child.try_wait().expect("status").is_none();
    let _ = child.kill();
    let _ = child.wait();
    assert!(first.contains("[hello started]"), "{first}");
    assert!(
        still_running,
        "the first line came only when the run was over"
    );
}

/// The CPU watchdog faults an app that spins without a host call, after the default 10 s or
/// the time `--cpu-watchdog` gives it; an app that holds the CPU for most of the run (calling
/// the host all along, which the watchdog allows) is named in the summary.
#[test]
fn regress_app_run_watchdog_and_cpu_hog() {
    let dir = temp_dir();
    let spin = wasm_file(
        dir.path(),
        "spin.wasm",
        r#"(module (memory (export "memory") 1) (func (export "_start") (loop $l (br $l))))"#,
    );
    let out = ok(&[
        "app",
        "run",
        &spin,
        "--for",
        "4s",
        "--cpu-watchdog",
        "spin=1500ms",
    ]);
    assert!(
        out.contains("2018-01-20T22:04:14.500000000Z [spin faulted cpu-watchdog]"),
        "{out}"
    );
    assert!(out.contains("faulted(cpu-watchdog)"), "{out}");
    let poller = wasm_file(
        dir.path(),
        "poller.wasm",
        r#"(module
             (import "skytwin_v1" "command_next_len" (func $next (result i32)))
             (memory (export "memory") 1)
             (func (export "_start") (loop $l (drop (call $next)) (br $l))))"#,
    );
    let out = ok(&["app", "run", &poller, &app("hello.wasm"), "--for", "3s"]);
    assert!(!out.contains("faulted"), "{out}");
    let hog = out
        .lines()
        .find(|l| l.starts_with("  cpu hog: poller on NOAA-19 held the CPU for"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(hog.contains("% of the run"), "{hog}");
}

/// The camera's Earth texture is compiled into the binary: a run that images needs no file
/// from the source tree (`SKYTWIN_EARTH_TEXTURE` still overrides it).
#[test]
fn regress_app_run_camera_needs_no_texture_file() {
    let binary = std::fs::read(env!("CARGO_BIN_EXE_skytwin")).expect("binary");
    let source_path = repo("assets/earth/blue_marble_4096x2048.jpg");
    let needle = source_path.display().to_string();
    assert!(
        !binary.windows(needle.len()).any(|w| w == needle.as_bytes()),
        "the binary refers to {needle}"
    );
    let imager = app("eo-imager.wasm");
    let args = |d| {
        [
            "app",
            "run",
            &imager,
            "--for",
            d,
            "--area",
            "Australia=-25,134,1200",
        ]
    };
    let out = run(&args("9h"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && !stderr.contains("warning"),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("eo-imager info: image "), "{stdout}");
    let out = super::common::run_env(
        &args("1s"),
        &[("SKYTWIN_EARTH_TEXTURE", "/nonexistent.jpg")],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: Earth texture /nonexistent.jpg: cannot read file"),
        "{stderr}"
    );
}
