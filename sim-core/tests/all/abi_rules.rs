//! docs/abi.md's rules, one test each: the order in which arguments and state are checked, a
//! failed call changing nothing (and costing only the base cost), what each call costs, and
//! how the log and the downlink throttle an app. Guests report their results by queueing them
//! on the downlink; the test drains the queue.

use sim_core::abi_codes::{
    COST_BYTES_PER_INSTRUCTION, COST_HOST_CALL, COST_PER_PIXEL_SAMPLE, COST_WRITE, ST_EINVAL,
    ST_ERATE, ST_EUNAVAIL, ST_EWOULDBLOCK,
};
use sim_core::*;

use crate::common::*;

/// Installs and starts `wasm` as app `name` on `obc`.
fn start(obc: &mut OnboardComputer, hv: &Hypervisor, wasm: &[u8], config: AppConfig) -> AppId {
    let id = obc
        .install(&hv.load_image(wasm).expect("image"), config)
        .expect("install");
    obc.start(id).expect("start");
    id
}

/// Every message the apps queued on the downlink, in queue order.
fn downlinked(obc: &OnboardComputer) -> Vec<Vec<u8>> {
    obc.drain_downlink(u64::MAX)
        .completed
        .into_iter()
        .map(|m| m.data)
        .collect()
}

fn i32s(bytes: &[u8]) -> Vec<i32> {
    bytes
        .chunks_exact(4)
        .map(|c| i32::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

/// Instructions app `app` executed over `out`.
fn instructions_of(out: &Output, app: &str) -> u64 {
    out.reports
        .iter()
        .flat_map(|r| r.2.iter())
        .filter(|(a, _)| a == app)
        .map(|(_, n)| n)
        .sum()
}

/// Rule: "Checks run in a fixed order: ... then the arguments (`ST_EINVAL`), then the state"
/// — a reactor's `wait` with a timeout below −1 is `ST_EINVAL`, not `ST_EWOULDBLOCK`.
#[test]
fn regress_wait_checks_its_timeout_before_the_app_style() {
    let reactor = wat(r#"(module
      (import "skytwin_v1" "wait" (func $wait (param i32 i64) (result i32)))
      (import "skytwin_v1" "downlink_queue" (func $dl (param i32 i32 i32) (result i64)))
      (memory (export "memory") 1)
      (func (export "skytwin_on_event") (param $e i32) (result i32)
        (i32.store (i32.const 0) (call $wait (i32.const 1) (i64.const -5)))
        (i32.store (i32.const 4) (call $wait (i32.const 1) (i64.const -1)))
        (i32.store (i32.const 8) (call $wait (i32.const 1) (i64.const 0)))
        (drop (call $dl (i32.const 0) (i32.const 12) (i32.const 0)))
        (i32.const 0)))"#);
    let hv = hv();
    let mut obc = computer(&hv);
    start(&mut obc, &hv, &reactor, AppConfig::new("r"));
    steps(&mut obc, 1, secs(1));
    assert_eq!(
        i32s(&downlinked(&obc)[0]),
        vec![ST_EINVAL, ST_EWOULDBLOCK, ST_EWOULDBLOCK]
    );
}

/// Rule: `attitude_request` returns `ST_EINVAL` for a non-finite parameter — in every mode,
/// whether the mode uses the parameter or not — and the request does not stand.
#[test]
fn regress_attitude_request_rejects_non_finite_parameters_in_every_mode() {
    let mut body = String::new();
    let mut k = 0;
    for mode in 0..4 {
        for position in 0..4 {
            for bad in ["nan", "inf", "-inf", "nan:0x4"] {
                let params: Vec<String> = (0..4)
                    .map(|p| {
                        let v = if p == position { bad } else { "0.5" };
                        format!("(f64.const {v})")
                    })
                    .collect();
                body.push_str(&format!(
                    "(i32.store (i32.const {}) (call $att (i32.const {mode}) {}))\n",
                    4 * k,
                    params.join(" ")
                ));
                k += 1;
            }
        }
    }
    let wasm = wat(&format!(
        r#"(module
          (import "skytwin_v1" "attitude_request" (func $att (param i32 f64 f64 f64 f64) (result i32)))
          (import "skytwin_v1" "downlink_queue" (func $dl (param i32 i32 i32) (result i64)))
          (memory (export "memory") 1)
          (func (export "_start")
            {body}
            (drop (call $dl (i32.const 0) (i32.const {}) (i32.const 0)))))"#,
        4 * k
    ));
    let hv = hv();
    let mut obc = computer(&hv);
    start(&mut obc, &hv, &wasm, AppConfig::new("att"));
    steps(&mut obc, 1, secs(1));
    let codes = i32s(&downlinked(&obc)[0]);
    assert_eq!(codes.len(), 64);
    assert!(codes.iter().all(|&c| c == ST_EINVAL), "{codes:?}");
    assert_eq!(obc.attitude_request(), None, "no rejected request stands");
}

/// A camera that is switched off: every capture fails, writing nothing.
struct DarkCamera;

impl CameraService for DarkCamera {
    fn info(&self) -> CameraInfo {
        CameraInfo {
            width_px: 64,
            height_px: 32,
            channels: 3,
            bits_per_sample: 8,
            fov_rad: 0.1,
        }
    }
    fn capture(&mut self, _t: i64, _pixels: &mut [u8]) -> Result<ImageMeta, CameraError> {
        Err(CameraError::Unavailable)
    }
}

/// A camera that always captures a grey image.
struct GreyCamera;

impl CameraService for GreyCamera {
    fn info(&self) -> CameraInfo {
        DarkCamera.info()
    }
    fn capture(&mut self, t: i64, pixels: &mut [u8]) -> Result<ImageMeta, CameraError> {
        pixels.fill(128);
        Ok(ImageMeta {
            time_unix_ns: t,
            center_lat_rad: 0.0,
            center_lon_rad: 0.0,
            gsd_m: 10.0,
            off_nadir_rad: 0.0,
            sun_elevation_rad: 0.5,
        })
    }
}

/// Rule: "A call that fails changes nothing" — a refused `camera_capture` costs the base cost
/// alone (not the readout), and leaves the buffer as it was; a capture that succeeds costs
/// base + 4 per sample + 1 per 8 bytes.
#[test]
fn val_analytic_refused_capture_costs_only_the_base() {
    let wasm = wat(r#"(module
      (import "skytwin_v1" "camera_capture" (func $cap (param i32 i32 i32 i32) (result i32)))
      (import "skytwin_v1" "downlink_queue" (func $dl (param i32 i32 i32) (result i64)))
      (memory (export "memory") 1)
      (func (export "_start")
        (i32.store (i32.const 0) (call $cap (i32.const 16) (i32.const 6144) (i32.const 0) (i32.const 0)))
        (drop (call $dl (i32.const 0) (i32.const 32) (i32.const 0)))))"#);
    let run = |camera: Box<dyn CameraService>| {
        let hv = hv();
        let mut obc = computer(&hv);
        obc.set_camera(camera);
        start(&mut obc, &hv, &wasm, AppConfig::new("cam"));
        let out = steps(&mut obc, 1, secs(1));
        (downlinked(&obc)[0].clone(), instructions_of(&out, "cam"))
    };
    let (dark, dark_instr) = run(Box::new(DarkCamera));
    let (grey, grey_instr) = run(Box::new(GreyCamera));
    assert_eq!(i32s(&dark[..4]), vec![ST_EUNAVAIL]);
    assert_eq!(&dark[16..32], &[0u8; 16], "the buffer is untouched");
    let n: u64 = 64 * 32 * 3;
    assert_eq!(i32s(&grey[..4]), vec![n as i32]);
    assert_eq!(&grey[16..32], &[128u8; 16]);
    // The two runs differ only in the capture's readout.
    assert_eq!(
        grey_instr - dark_instr,
        COST_PER_PIXEL_SAMPLE * n + n.div_ceil(COST_BYTES_PER_INSTRUCTION)
    );
}

/// Rule ("CPU time and cost"): every call costs the base cost; a call that writes out of the
/// app costs the write cost on top, plus its bytes; the same call failing costs the base
/// alone.
#[test]
fn val_analytic_host_calls_cost_the_documented_instructions() {
    // Each app makes one call after the same three operators; the difference between two
    // apps is the difference between their calls.
    let app = |call: &str| {
        wat(&format!(
            r#"(module
              (import "skytwin_v1" "time_now" (func $now (result i64)))
              (import "skytwin_v1" "log" (func $log (param i32 i32 i32) (result i32)))
              (import "skytwin_v1" "downlink_queue" (func $dl (param i32 i32 i32) (result i64)))
              (memory (export "memory") 1)
              (data (i32.const 0) "0123456789abcdefghijklmnopqrstuvwxyz")
              (func (export "_start") {call}))"#
        ))
    };
    let cost = |call: &str| {
        let hv = hv();
        let mut obc = computer(&hv);
        start(&mut obc, &hv, &app(call), AppConfig::new("c"));
        instructions_of(&steps(&mut obc, 1, secs(1)), "c")
    };
    // What running `_start` costs without a call, subtracted from each.
    let empty = cost("(nop)");
    let cost = |call: &str| cost(call) - empty;
    let now = cost("(drop (call $now))");
    let log = cost("(drop (call $log (i32.const 2) (i32.const 0) (i32.const 36)))");
    let bad_log = cost("(drop (call $log (i32.const 9) (i32.const 0) (i32.const 36)))");
    let dl = cost("(drop (call $dl (i32.const 0) (i32.const 36) (i32.const 1)))");
    let bad_dl = cost("(drop (call $dl (i32.const 0) (i32.const 36) (i32.const 9)))");
    // The operators around each call: 3 × i32.const + call = 4 fuel (`drop` is free); time_now
    // has no arguments: 1.
    let ops = 4;
    assert_eq!(now, COST_HOST_CALL + 1);
    assert_eq!(log, COST_HOST_CALL + COST_WRITE + 36u64.div_ceil(8) + ops);
    assert_eq!(dl, COST_HOST_CALL + COST_WRITE + 36u64.div_ceil(8) + ops);
    assert_eq!(
        bad_log,
        COST_HOST_CALL + ops,
        "an invalid level costs the base only"
    );
    assert_eq!(
        bad_dl,
        COST_HOST_CALL + ops,
        "an invalid priority costs the base only"
    );
}

/// A command app that logs 300 numbered lines as fast as it can, each `log` result kept.
fn log_burst_app() -> Vec<u8> {
    wat(r#"(module
      (import "skytwin_v1" "log" (func $log (param i32 i32 i32) (result i32)))
      (import "skytwin_v1" "downlink_queue" (func $dl (param i32 i32 i32) (result i64)))
      (memory (export "memory") 1)
      (data (i32.const 0) "line")
      (func (export "_start") (local $i i32)
        (loop $l
          (i32.store (i32.add (i32.const 64) (i32.shl (local.get $i) (i32.const 2)))
            (call $log (i32.const 2) (i32.const 0) (i32.const 4)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (i32.const 300))))
        (drop (call $dl (i32.const 64) (i32.const 1200) (i32.const 0)))))"#)
}

/// Rule ("Logs", "Rate limits"): when its log bucket is empty, a command app's `log` waits
/// until a token has refilled and then logs (returning 0): the burst of 200 lines goes out at
/// once, then one line every 1/50 s; nothing is dropped and one `log-squelched` event marks
/// the flood.
#[test]
fn val_analytic_log_waits_for_its_bucket() {
    let hv = hv();
    let mut obc = computer(&hv);
    start(&mut obc, &hv, &log_burst_app(), AppConfig::new("burst"));
    let out = steps(&mut obc, 4, secs(1));
    let codes = i32s(&downlinked(&obc)[0]);
    assert_eq!(codes, vec![0; 300], "every line was logged");
    let times: Vec<i64> = out
        .logs
        .iter()
        .filter(|l| l.app == "burst")
        .map(|l| l.time_unix_ns)
        .collect();
    assert_eq!(times.len(), 300);
    let t0_ns = sim_core::time::epoch_to_unix_ns(t0());
    // The burst takes only the time of its 200 calls; the bucket refills meanwhile.
    let per_line_ns = (COST_HOST_CALL + COST_WRITE + 1) * 10;
    assert!(times[199] - t0_ns < 201 * per_line_ns as i64 + 1_000_000);
    // Then 50 lines per second: each line waits for its token (20 ms apart, to within the
    // instructions of one call).
    for w in times[201..].windows(2) {
        let gap = w[1] - w[0];
        assert!(
            (20_000_000 - 1_000..=20_000_000 + per_line_ns as i64).contains(&gap),
            "{gap}"
        );
    }
    let squelched = out
        .events_of("burst")
        .iter()
        .filter(|k| **k == EventKind::LogSquelched)
        .count();
    assert_eq!(squelched, 1);
    assert!(
        out.events_of("burst")
            .contains(&EventKind::Exited { code: 0 })
    );
}

/// Rule: a reactor cannot wait, so its `log` returns `ST_ERATE` when the bucket is empty and
/// the line is dropped.
#[test]
fn regress_reactor_log_is_refused_not_delayed() {
    let reactor = wat(r#"(module
      (import "skytwin_v1" "log" (func $log (param i32 i32 i32) (result i32)))
      (import "skytwin_v1" "downlink_queue" (func $dl (param i32 i32 i32) (result i64)))
      (memory (export "memory") 1)
      (data (i32.const 0) "line")
      (func (export "skytwin_on_event") (param $e i32) (result i32) (local $i i32)
        (loop $l
          (i32.store (i32.add (i32.const 64) (i32.shl (local.get $i) (i32.const 2)))
            (call $log (i32.const 2) (i32.const 0) (i32.const 4)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (i32.const 300))))
        (drop (call $dl (i32.const 64) (i32.const 1200) (i32.const 0)))
        (i32.const 0)))"#);
    let hv = hv();
    let mut obc = computer(&hv);
    start(&mut obc, &hv, &reactor, AppConfig::new("r"));
    let out = steps(&mut obc, 1, secs(1));
    let codes = i32s(&downlinked(&obc)[0]);
    assert_eq!(&codes[..200], &[0; 200]);
    assert!(codes[200..].iter().all(|&c| c == ST_ERATE), "{codes:?}");
    assert_eq!(out.texts_of("r").len(), 200);
}

/// Rule (WASI, stdout): a command app's write to stdout stops at the first line its log
/// bucket cannot take — a short count — and a write of which nothing could go out waits for
/// the bucket; a caller that writes the rest (as C's and Rust's standard libraries do) loses
/// no line.
#[test]
fn regress_stdout_write_is_short_then_waits_for_the_bucket() {
    // 300 lines "x\n" in one buffer; write until all 600 bytes are out, keeping every count.
    let wasm = wat(r#"(module
      (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
      (import "skytwin_v1" "downlink_queue" (func $dl (param i32 i32 i32) (result i64)))
      (memory (export "memory") 1)
      (func (export "_start") (local $i i32) (local $done i32) (local $calls i32)
        (loop $fill
          (i32.store16 (i32.add (i32.const 4096) (i32.shl (local.get $i) (i32.const 1))) (i32.const 0x0a78))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $fill (i32.lt_u (local.get $i) (i32.const 300))))
        (loop $w
          (i32.store (i32.const 0) (i32.add (i32.const 4096) (local.get $done)))
          (i32.store (i32.const 4) (i32.sub (i32.const 600) (local.get $done)))
          (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
          (i32.store (i32.add (i32.const 16) (i32.shl (local.get $calls) (i32.const 2))) (i32.load (i32.const 8)))
          (local.set $calls (i32.add (local.get $calls) (i32.const 1)))
          (local.set $done (i32.add (local.get $done) (i32.load (i32.const 8))))
          (br_if $w (i32.lt_u (local.get $done) (i32.const 600))))
        (i32.store (i32.const 12) (local.get $calls))
        (drop (call $dl (i32.const 12) (i32.add (i32.const 4) (i32.shl (local.get $calls) (i32.const 2))) (i32.const 0)))))"#);
    let hv = hv();
    let mut obc = computer(&hv);
    start(&mut obc, &hv, &wasm, AppConfig::new("w"));
    let out = steps(&mut obc, 4, secs(1));
    let data = i32s(&downlinked(&obc)[0]);
    let (calls, counts) = (data[0] as usize, &data[1..]);
    assert_eq!(counts.len(), calls);
    // 200 lines (the burst), then one line per write as each token refills.
    assert_eq!(counts[0], 400);
    assert!(counts[1..].iter().all(|&c| c == 2), "{counts:?}");
    assert_eq!(calls, 101);
    assert_eq!(out.texts_of("w"), vec!["x"; 300]);
}

/// Rule ("Downlink", "Rate limits"): a command app's `downlink_queue` waits while the rate
/// limit's bucket holds fewer bytes than the message, then queues it; a message larger than
/// the burst is refused at once with `ST_ERATE`.
#[test]
fn val_analytic_downlink_queue_waits_for_its_bucket() {
    // Ten messages of 100 kB against a 250 kB burst refilling at 100 kB/s, then one of 300 kB.
    let wasm = wat(r#"(module
      (import "skytwin_v1" "time_now" (func $now (result i64)))
      (import "skytwin_v1" "downlink_queue" (func $dl (param i32 i32 i32) (result i64)))
      (memory (export "memory") 6)
      (func (export "_start") (local $i i32)
        (loop $l
          (i64.store (i32.shl (local.get $i) (i32.const 4)) (call $dl (i32.const 1024) (i32.const 100000) (i32.const 1)))
          (i64.store (i32.add (i32.const 8) (i32.shl (local.get $i) (i32.const 4))) (call $now))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (i32.const 10))))
        (i64.store (i32.const 160) (call $dl (i32.const 1024) (i32.const 300000) (i32.const 1)))
        (drop (call $dl (i32.const 0) (i32.const 168) (i32.const 7)))))"#);
    let hv = hv();
    let mut obc = computer(&hv);
    let config = AppConfig {
        limits: AppLimits {
            downlink_rate_bytes_per_s: 100_000,
            downlink_burst_bytes: 250_000,
            ..AppLimits::default()
        },
        ..AppConfig::new("dl")
    };
    start(&mut obc, &hv, &wasm, config);
    let out = steps(&mut obc, 10, secs(1));
    // The report (priority 7) comes first.
    let report = &downlinked(&obc)[0];
    let word = |k: usize| i64::from_le_bytes(report[8 * k..8 * k + 8].try_into().unwrap());
    let t0_ns = sim_core::time::epoch_to_unix_ns(t0());
    let ids: Vec<i64> = (0..10).map(|k| word(2 * k)).collect();
    assert_eq!(
        ids,
        (1..=10).collect::<Vec<i64>>(),
        "all ten queued, none refused"
    );
    // Two fit the burst; the third waits until 50 kB more have refilled (0.5 s after the
    // bucket was at 50 kB), and each later one 1 s after the one before.
    let after: Vec<i64> = (0..10).map(|k| word(2 * k + 1) - t0_ns).collect();
    assert!(after[1] < 1_000_000, "{after:?}");
    for k in 2..10 {
        let expected = 500_000_000 + (k as i64 - 2) * 1_000_000_000;
        assert!(
            (expected..expected + 1_000_000).contains(&after[k]),
            "message {k}: {after:?}"
        );
    }
    assert_eq!(word(20), i64::from(ST_ERATE), "larger than the burst");
    let squelched = out
        .events_of("dl")
        .iter()
        .filter(|k| **k == EventKind::DownlinkSquelched)
        .count();
    assert_eq!(squelched, 1);
}
