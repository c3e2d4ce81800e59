//! docs/abi.md's rules, one test each: the order in which arguments and state are checked,
//! and a failed call changing nothing (and costing only the base cost). Guests report their
//! results by queueing them on the downlink; the test drains the queue.

use sim_core::abi_codes::{
    COST_BYTES_PER_INSTRUCTION, COST_PER_PIXEL_SAMPLE, ST_EINVAL, ST_EUNAVAIL, ST_EWOULDBLOCK,
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
