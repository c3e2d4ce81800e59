//! The satellite services of `skytwin_v1`: state, identity, attitude, camera, downlink,
//! commands and inter-satellite messages. Each guest stores its results in memory, writes
//! the first 4 KiB to `/data/out` and exits; the test reads the file.

use std::fmt::Write;

use sim_core::abi_codes::{ST_E2BIG, ST_EAGAIN, ST_EINVAL, ST_ENOTFOUND, ST_EUNAVAIL};
use sim_core::hypervisor::abi::SKYTWIN_V1;
use sim_core::state::{VALID_GNSS, VALID_POWER, VALID_THERMAL};
use sim_core::*;

use crate::common::*;

/// A module importing every `skytwin_v1` function as `$name`, with `$dump` (results to
/// `/data/out`) and `$exit`, running `body` as `_start`.
fn guest(body: &str, data: &str) -> Vec<u8> {
    let mut imports = String::new();
    for (name, params, results) in SKYTWIN_V1 {
        let ps: Vec<&str> = params.iter().map(|p| p.name()).collect();
        let rs: Vec<&str> = results.iter().map(|r| r.name()).collect();
        writeln!(
            imports,
            "(import \"skytwin_v1\" \"{name}\" (func ${name} (param {}) (result {})))",
            ps.join(" "),
            rs.join(" ")
        )
        .unwrap();
    }
    wat(&format!(
        r#"(module
          {imports}
          (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
          (memory (export "memory") 2)
          (data (i32.const 8000) "out")
          {data}
          (func $dump
            (drop (call $open (i32.const 3) (i32.const 0) (i32.const 8000) (i32.const 3) (i32.const 9)
                   (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 8008)))
            (i32.store (i32.const 8016) (i32.const 0))
            (i32.store (i32.const 8020) (i32.const 4096))
            (drop (call $write (i32.load (i32.const 8008)) (i32.const 8016) (i32.const 1) (i32.const 8024))))
          (func (export "_start") {body} (call $dump) (call $exit (i32.const 0))))"#
    ))
}

/// Runs `wasm` as app `svc` for `n` steps (calling `between` before each step) and returns
/// its `/data/out`, the computer and the output.
fn run(
    wasm: &[u8],
    obc: &mut OnboardComputer,
    hv: &Hypervisor,
    n: usize,
    mut between: impl FnMut(usize, &mut OnboardComputer),
) -> (Vec<u8>, Output) {
    let id = obc
        .install(&hv.load_image(wasm).unwrap(), AppConfig::new("svc"))
        .unwrap();
    obc.start(id).unwrap();
    let mut out = Output::default();
    for k in 0..n {
        between(k, obc);
        let o = steps(obc, 1, secs(1));
        out.logs.extend(o.logs);
        out.events.extend(o.events);
    }
    assert!(
        out.events_of("svc")
            .contains(&EventKind::Exited { code: 0 }),
        "{:?}",
        out.events_of("svc")
    );
    let files = obc.app_files(id);
    let data = files
        .into_iter()
        .find(|(p, _)| p == "out")
        .map(|(_, d)| d)
        .expect("out written");
    (data, out)
}

fn i32_at(b: &[u8], off: usize) -> i32 {
    i32::from_le_bytes(b[off..off + 4].try_into().unwrap())
}
fn i64_at(b: &[u8], off: usize) -> i64 {
    i64::from_le_bytes(b[off..off + 8].try_into().unwrap())
}

fn snapshot() -> StateSnapshot {
    StateSnapshot {
        valid: VALID_GNSS | VALID_POWER | VALID_THERMAL,
        flags: sim_core::state::FLAG_SUNLIT,
        pos_eci_km: [6778.0, 1.0, 2.0],
        vel_eci_km_s: [0.0, 7.67, 0.1],
        lat_deg: 12.5,
        lon_deg: -45.25,
        alt_km: 400.0,
        q_body_from_eci: [1.0, 0.0, 0.0, 0.0],
        battery_soc: 0.75,
        battery_energy_wh: 60.0,
        temperatures_c: vec![("obc".into(), 21.5), ("battery".into(), 9.0)],
        ..Default::default()
    }
}

#[test]
fn regress_state_identity_and_clock() {
    let wasm = guest(
        r#"(i32.store (i32.const 0) (call $state_read (i32.const 512) (i32.const 280)))
           (i32.store (i32.const 4) (call $state_read (i32.const 512) (i32.const 100)))
           (i32.store (i32.const 8) (call $identity (i32.const 1024) (i32.const 128)))
           (i32.store (i32.const 12) (call $identity (i32.const 1024) (i32.const 3)))
           (i32.store (i32.const 16) (call $temperature_name (i32.const 1) (i32.const 1200) (i32.const 64)))
           (i32.store (i32.const 20) (call $temperature_name (i32.const 2) (i32.const 1200) (i32.const 64)))
           (i32.store (i32.const 24) (call $abi_version))
           (i64.store (i32.const 32) (call $time_now))"#,
        "",
    );
    let hv = hv();
    let mut obc = computer(&hv);
    let st = snapshot();
    let id = obc
        .install(&hv.load_image(&wasm).unwrap(), AppConfig::new("svc"))
        .unwrap();
    obc.start(id).unwrap();
    steps_with(&mut obc, 1, secs(1), &st, &Conditions::default());
    let out = obc
        .app_files(id)
        .into_iter()
        .find(|(p, _)| p == "out")
        .unwrap()
        .1;
    assert_eq!(i32_at(&out, 0), 280);
    assert_eq!(i32_at(&out, 4), ST_E2BIG);
    let t0_ns = sim_core::time::epoch_to_unix_ns(t0());
    let expected = StateSnapshot {
        time_unix_ns: t0_ns,
        ..st
    }
    .encode_v1();
    assert_eq!(&out[512..792], &expected[..]);
    // Attitude fields are zero: the attitude sensor is not valid in this snapshot.
    assert_eq!(&out[512 + 88..512 + 120], &[0u8; 32]);
    assert_eq!(
        f64::from_le_bytes(out[512 + 176..512 + 184].try_into().unwrap()),
        0.75
    );
    assert_eq!(i32_at(&out, 8), 9);
    assert_eq!(&out[1024..1033], b"SAT-1/svc");
    assert_eq!(i32_at(&out, 12), ST_E2BIG);
    assert_eq!(i32_at(&out, 16), 7);
    assert_eq!(&out[1200..1207], b"battery");
    assert_eq!(i32_at(&out, 20), ST_ENOTFOUND);
    assert_eq!(i32_at(&out, 24), 1);
    // time_now after 7 host calls and its own (the base cost each, 500 instructions, plus
    // the bytes copied and the operators) at 100 MIPS: 8 × 5 µs and a little more.
    let t = i64_at(&out, 32);
    assert!(
        (t0_ns + 40_000..t0_ns + 41_000).contains(&t),
        "{}",
        t - t0_ns
    );
}

#[test]
fn regress_attitude_requests_are_validated() {
    let wasm = guest(
        r#"(i32.store (i32.const 0) (call $attitude_request (i32.const 9) (f64.const 0) (f64.const 0) (f64.const 0) (f64.const 0)))
           (i32.store (i32.const 4) (call $attitude_request (i32.const 2) (f64.const 0) (f64.const 0) (f64.const 0) (f64.const 0)))
           (i32.store (i32.const 8) (call $attitude_request (i32.const 3) (f64.const nan) (f64.const 0) (f64.const 0) (f64.const 0)))
           (i32.store (i32.const 12) (call $attitude_request (i32.const 3) (f64.const 91) (f64.const 0) (f64.const 0) (f64.const 0)))
           (i32.store (i32.const 16) (call $attitude_request (i32.const 3) (f64.const 46.5) (f64.const 368) (f64.const 1200) (f64.const 0)))"#,
        "",
    );
    let hv = hv();
    let mut obc = computer(&hv);
    let (out, _) = run(&wasm, &mut obc, &hv, 1, |_, _| {});
    assert_eq!(
        [
            i32_at(&out, 0),
            i32_at(&out, 4),
            i32_at(&out, 8),
            i32_at(&out, 12)
        ],
        [ST_EINVAL; 4]
    );
    assert_eq!(i32_at(&out, 16), 0);
    let req = obc.attitude_request().unwrap();
    assert_eq!(req.app, "svc");
    let AttitudeMode::Target {
        lat_rad,
        lon_rad,
        alt_m,
    } = req.mode
    else {
        panic!("{req:?}")
    };
    assert!((lat_rad - 46.5f64.to_radians()).abs() < 1e-12);
    assert!(
        (lon_rad - 8f64.to_radians()).abs() < 1e-12,
        "longitude wrapped into ±180°"
    );
    assert_eq!(alt_m, 1200.0);

    // In safe mode the request is refused.
    let wasm = guest(
        r#"(i32.store (i32.const 0) (call $attitude_request (i32.const 1) (f64.const 0) (f64.const 0) (f64.const 0) (f64.const 0)))"#,
        "",
    );
    let mut obc = computer(&hv);
    let id = obc
        .install(&hv.load_image(&wasm).unwrap(), AppConfig::new("svc"))
        .unwrap();
    obc.start(id).unwrap();
    steps_with(
        &mut obc,
        1,
        secs(1),
        &StateSnapshot::default(),
        &Conditions {
            safe_mode: true,
            ..Default::default()
        },
    );
    let out = obc.app_files(id).into_iter().next().unwrap().1;
    assert_eq!(i32_at(&out, 0), ST_EUNAVAIL);
}

/// A 4×3 grey camera whose pixels are `row * 16 + column` plus the capture count.
struct PatternCamera(u8);

impl CameraService for PatternCamera {
    fn info(&self) -> CameraInfo {
        CameraInfo {
            width_px: 4,
            height_px: 3,
            channels: 1,
            bits_per_sample: 8,
            fov_rad: 2f64.to_radians(),
        }
    }
    fn capture(&mut self, t: i64, pixels: &mut [u8]) -> Result<ImageMeta, CameraError> {
        for (i, p) in pixels.iter_mut().enumerate() {
            *p = ((i / 4) * 16 + i % 4) as u8 + self.0;
        }
        self.0 += 1;
        Ok(ImageMeta {
            time_unix_ns: t,
            center_lat_rad: 0.5,
            center_lon_rad: -0.25,
            gsd_m: 30.0,
            off_nadir_rad: 0.0,
            sun_elevation_rad: 0.75,
        })
    }
}

#[test]
fn regress_camera_info_and_capture() {
    let wasm = guest(
        r#"(i32.store (i32.const 0) (call $camera_info (i32.const 100) (i32.const 24)))
           (i32.store (i32.const 4) (call $camera_capture (i32.const 200) (i32.const 11) (i32.const 0) (i32.const 0)))
           (i32.store (i32.const 8) (call $camera_capture (i32.const 200) (i32.const 64) (i32.const 300) (i32.const 10)))
           (i32.store (i32.const 12) (call $camera_capture (i32.const 200) (i32.const 64) (i32.const 300) (i32.const 48)))"#,
        "",
    );
    let hv = hv();
    let mut obc = computer(&hv);
    obc.set_camera(Box::new(PatternCamera(0)));
    let (out, _) = run(&wasm, &mut obc, &hv, 1, |_, _| {});
    assert_eq!(i32_at(&out, 0), 24);
    assert_eq!(
        &out[100..116],
        &[4, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 8, 0, 0, 0]
    );
    assert!((f64::from_le_bytes(out[116..124].try_into().unwrap()) - 2.0).abs() < 1e-12);
    assert_eq!(i32_at(&out, 4), ST_E2BIG);
    assert_eq!(i32_at(&out, 8), ST_E2BIG, "meta buffer of 10 bytes");
    assert_eq!(i32_at(&out, 12), 12);
    assert_eq!(
        &out[200..212],
        &[0, 1, 2, 3, 16, 17, 18, 19, 32, 33, 34, 35]
    );
    assert!(
        (f64::from_le_bytes(out[308..316].try_into().unwrap()) - 0.5f64.to_degrees()).abs() < 1e-9
    );
    assert!(
        (f64::from_le_bytes(out[340..348].try_into().unwrap()) - 0.75f64.to_degrees()).abs() < 1e-9
    );
}

#[test]
fn regress_downlink_priorities_delivery_and_accounting() {
    let wasm = guest(
        r#"(i64.store (i32.const 0) (call $downlink_queue (i32.const 1000) (i32.const 100) (i32.const 1)))
           (i64.store (i32.const 8) (call $downlink_queue (i32.const 1000) (i32.const 50) (i32.const 5)))
           (i64.store (i32.const 16) (call $downlink_queue (i32.const 1000) (i32.const 10) (i32.const 1)))
           (i64.store (i32.const 24) (call $downlink_queue (i32.const 1000) (i32.const 10) (i32.const 8)))
           (i64.store (i32.const 32) (call $downlink_queue (i32.const 1000) (i32.const 0) (i32.const 1)))
           (i32.store (i32.const 40) (call $wait (i32.const 256) (i64.const -1)))
           (i64.store (i32.const 48) (call $downlink_status (i64.const 1)))
           (i64.store (i32.const 56) (call $downlink_status (i64.const 2)))
           (i64.store (i32.const 64) (call $downlink_status (i64.const 99)))
           (i32.store (i32.const 72) (call $downlink_stats (i32.const 80) (i32.const 24)))"#,
        r#"(data (i32.const 1000) "abcdefghijklmnopqrstuvwxyz")"#,
    );
    let hv = hv();
    let mut obc = computer(&hv);
    let mut delivered = Vec::new();
    let (out, _) = run(&wasm, &mut obc, &hv, 2, |k, obc| {
        if k == 1 {
            let p = obc.drain_downlink(60);
            assert_eq!(p.bytes_sent, 60);
            delivered = p.completed;
        }
    });
    assert_eq!(
        (i64_at(&out, 0), i64_at(&out, 8), i64_at(&out, 16)),
        (1, 2, 3)
    );
    assert_eq!(i64_at(&out, 24), i64::from(ST_EINVAL), "priority 8");
    assert_eq!(i64_at(&out, 32), i64::from(ST_EINVAL), "empty message");
    // Priority 5 first (50 bytes, complete), then 10 bytes of message 1.
    assert_eq!(delivered.len(), 1);
    assert_eq!(
        (
            delivered[0].id,
            delivered[0].priority,
            delivered[0].data.len()
        ),
        (2, 5, 50)
    );
    assert_eq!(i32_at(&out, 40), 256, "ST_EV_DOWNLINK_DONE woke it");
    assert_eq!((i64_at(&out, 48), i64_at(&out, 56)), (10, 50));
    assert_eq!(i64_at(&out, 64), i64::from(ST_ENOTFOUND));
    assert_eq!(i32_at(&out, 72), 24);
    // queued 100, delivered 60, 2 queued messages, 1 delivered
    assert_eq!((i64_at(&out, 80), i64_at(&out, 88)), (100, 60));
    assert_eq!((i32_at(&out, 96), i32_at(&out, 100)), (2, 1));
}

#[test]
fn regress_commands_fifo_and_too_small_buffers() {
    let wasm = guest(
        r#"(drop (call $wait (i32.const 1) (i64.const -1)))
           (i32.store (i32.const 0) (call $command_next_len))
           (i32.store (i32.const 4) (call $command_recv (i32.const 1000) (i32.const 3)))
           (i32.store (i32.const 8) (call $command_recv (i32.const 1000) (i32.const 64)))
           (i32.store (i32.const 12) (call $command_recv (i32.const 1100) (i32.const 64)))
           (i32.store (i32.const 16) (call $command_next_len))
           (i32.store (i32.const 20) (call $command_recv (i32.const 1100) (i32.const 400)))
           (i32.store (i32.const 24) (call $command_recv (i32.const 1100) (i32.const 400)))"#,
        "",
    );
    let hv = hv();
    let mut obc = computer(&hv);
    let (out, _) = run(&wasm, &mut obc, &hv, 2, |k, obc| {
        if k == 1 {
            obc.deliver_command("svc", b"hello");
            obc.deliver_command("svc", &[b'x'; 300]);
        }
    });
    assert_eq!(i32_at(&out, 0), 5);
    assert_eq!(i32_at(&out, 4), ST_E2BIG);
    assert_eq!(i32_at(&out, 8), 5);
    assert_eq!(&out[1000..1005], b"hello");
    assert_eq!(
        i32_at(&out, 12),
        ST_E2BIG,
        "300 bytes do not fit 64; the command stays queued"
    );
    assert_eq!(i32_at(&out, 16), 300);
    assert_eq!(i32_at(&out, 20), 300);
    assert_eq!(i32_at(&out, 24), ST_EAGAIN);
}

#[test]
fn regress_isl_send_and_receive() {
    let sender = guest(
        r#"(i64.store (i32.const 0) (call $isl_send (i32.const 1000) (i32.const 5) (i32.const 1100) (i32.const 2)))
           (i64.store (i32.const 8) (call $isl_send (i32.const 1020) (i32.const 4) (i32.const 1100) (i32.const 2)))
           (i64.store (i32.const 16) (call $isl_send (i32.const 1040) (i32.const 5) (i32.const 1100) (i32.const 2)))
           (i64.store (i32.const 24) (call $isl_send (i32.const 1000) (i32.const 5) (i32.const 1100) (i32.const 0)))"#,
        r#"(data (i32.const 1000) "SAT-2") (data (i32.const 1020) "NOPE") (data (i32.const 1040) "a/b/c")
           (data (i32.const 1100) "hi")"#,
    );
    let receiver = guest(
        r#"(i32.store (i32.const 0) (call $wait (i32.const 2) (i64.const -1)))
           (i32.store (i32.const 4) (call $isl_next_len))
           (i32.store (i32.const 8) (call $isl_recv (i32.const 1000) (i32.const 16) (i32.const 1100) (i32.const 64)))
           (i32.store (i32.const 12) (call $isl_recv (i32.const 1000) (i32.const 16) (i32.const 1100) (i32.const 64)))"#,
        r#"(data (i32.const 1100) "XXXXXXXXXXXXXXXX")"#,
    );
    let hv = hv();
    let mut a = computer(&hv);
    let mut b = OnboardComputer::new(&hv, ComputerSpec::default(), "SAT-2", 7, t0());
    a.set_peers(["SAT-2".to_string()]);
    let id_b = b
        .install(&hv.load_image(&receiver).unwrap(), AppConfig::new("svc"))
        .unwrap();
    b.start(id_b).unwrap();
    steps(&mut b, 1, secs(1));
    let (out, _) = run(&sender, &mut a, &hv, 1, |_, _| {});
    assert_eq!(i64_at(&out, 0), 1);
    assert_eq!(i64_at(&out, 8), i64::from(ST_ENOTFOUND));
    assert_eq!(i64_at(&out, 16), i64::from(ST_EINVAL));
    assert_eq!(i64_at(&out, 24), i64::from(ST_EINVAL));
    let msgs = a.take_isl_outbox();
    assert_eq!(msgs.len(), 1);
    assert_eq!(
        (
            msgs[0].from.as_str(),
            msgs[0].to_satellite.as_str(),
            msgs[0].to_app.as_deref()
        ),
        ("SAT-1/svc", "SAT-2", None)
    );
    assert!(b.deliver_isl(msgs[0].clone()));
    steps(&mut b, 1, secs(1));
    let out = b.app_files(id_b).into_iter().next().unwrap().1;
    assert_eq!(i32_at(&out, 0), 2);
    assert_eq!(i32_at(&out, 4), 2);
    assert_eq!(i32_at(&out, 8), 2);
    assert_eq!(&out[1000..1002], b"hi");
    assert_eq!(&out[1100..1109], b"SAT-1/svc");
    assert_eq!(out[1109], 0, "the sender address ends with a zero byte");
    assert_eq!(out[1110], b'X', "and nothing more is written");
    assert_eq!(i32_at(&out, 12), ST_EAGAIN);
}
