//! The guest SDK's example images (assets/apps, built by guest/build-examples.sh) run on the
//! hypervisor: the ABI as implemented agrees with the ABI as the SDK uses it.

use std::collections::BTreeSet;
use std::path::PathBuf;

use hifitime::Unit;
use sim_core::*;

use crate::common::*;

pub fn app_image(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../assets/apps")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A camera producing a deterministic textured RGB scene (bright clouds in one corner).
pub struct SceneCamera {
    pub shots: u32,
}

impl CameraService for SceneCamera {
    fn info(&self) -> CameraInfo {
        CameraInfo {
            width_px: 64,
            height_px: 48,
            channels: 3,
            bits_per_sample: 8,
            fov_rad: 3f64.to_radians(),
        }
    }
    fn capture(&mut self, t: i64, pixels: &mut [u8]) -> Result<ImageMeta, CameraError> {
        self.shots += 1;
        for (i, p) in pixels.chunks_mut(3).enumerate() {
            let (x, y) = (i % 64, i / 64);
            let v = ((x * 7 + y * 13 + self.shots as usize * 3) % 97) as u8;
            p.copy_from_slice(&[40 + v, 60 + v / 2, 30 + v / 3]);
        }
        Ok(ImageMeta {
            time_unix_ns: t,
            center_lat_rad: 0.8,
            center_lon_rad: 0.15,
            gsd_m: 20.0,
            off_nadir_rad: 0.01,
            sun_elevation_rad: 0.6,
        })
    }
}

/// Runs all six example images on one satellite for 10 simulated minutes with sunlight,
/// contacts and an area of interest coming and going, commands uplinked at 30 s.
#[test]
fn val_guest_sdk_examples_run_on_the_hypervisor() {
    let hv = hv();
    let mut obc = computer(&hv);
    obc.set_camera(Box::new(SceneCamera { shots: 0 }));
    obc.set_peers(["SAT-2".to_string()]);
    let apps: [(&str, &str, &[&str]); 6] = [
        ("hello.wasm", "hello", &[]),
        ("beacon.wasm", "beacon", &[]),
        ("eo-imager.wasm", "eo-imager", &[]),
        // A shorter timer period than its default (60 s) to exercise more ticks.
        ("cloud-screen.wasm", "cloud-screen", &["--period", "20"]),
        ("relay.wasm", "relay", &["--peer", "SAT-2"]),
        ("housekeeping.wasm", "housekeeping", &[]),
    ];
    for (file, name, args) in apps {
        let img = hv
            .load_image(&app_image(file))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(
            img.inspection().problems.is_empty(),
            "{file}: {:?}",
            img.inspection().problems
        );
        let cfg = AppConfig {
            args: args.iter().map(|a| a.to_string()).collect(),
            ..AppConfig::new(name)
        };
        let id = obc.install(&img, cfg).unwrap();
        obc.start(id).unwrap();
    }
    let state = StateSnapshot {
        valid: 31,
        lat_deg: 45.0,
        lon_deg: 8.0,
        alt_km: 500.0,
        q_body_from_eci: [1.0, 0.0, 0.0, 0.0],
        battery_soc: 0.8,
        battery_energy_wh: 70.0,
        solar_power_w: 30.0,
        load_power_w: 12.0,
        illumination: 1.0,
        temperatures_c: vec![("obc".into(), 25.0), ("battery".into(), 12.0)],
        ..Default::default()
    };
    let mut out = Output::default();
    let mut delivered: Vec<DeliveredMessage> = Vec::new();
    for k in 0..600 {
        let c = Conditions {
            sunlit: (k / 100) % 3 != 2,
            in_contact: (k % 200) > 150,
            areas: if (k % 120) > 90 {
                BTreeSet::from(["alps".to_string()])
            } else {
                BTreeSet::new()
            },
            battery_soc: 0.8,
            ..Default::default()
        };
        let mut s = state.clone();
        s.illumination = if c.sunlit { 1.0 } else { 0.0 };
        s.flags = u32::from(c.sunlit)
            | (u32::from(c.in_contact) << 1)
            | (u32::from(!c.areas.is_empty()) << 3);
        if k == 30 {
            for (app, cmd) in [
                ("relay", "hello relay"),
                ("beacon", "now"),
                ("cloud-screen", "stats"),
                ("housekeeping", "report"),
            ] {
                assert!(obc.deliver_command(app, cmd.as_bytes()));
            }
        }
        if c.in_contact {
            delivered.extend(obc.drain_downlink(100_000).completed);
        }
        let o = steps_with(&mut obc, 1, Unit::Second * 1, &s, &c);
        out.logs.extend(o.logs);
        out.events.extend(o.events);
    }
    let faults: Vec<String> = out
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Faulted { .. }))
        .map(|e| e.to_string())
        .collect();
    assert!(faults.is_empty(), "{faults:?}");
    assert!(
        out.events_of("hello")
            .contains(&EventKind::Exited { code: 0 })
    );
    assert!(
        out.texts_of("hello")
            .contains(&"the clock says 2026-01-01T00:00:00Z".to_string())
    );
    let count = |app: &str| delivered.iter().filter(|m| m.app == app).count();
    assert!(count("beacon") >= 10, "beacon packets: {}", count("beacon"));
    assert!(count("eo-imager") >= 5, "images: {}", count("eo-imager"));
    assert!(count("cloud-screen") >= 5);
    assert!(count("housekeeping") >= 3);
    assert!(
        out.texts_of("relay")
            .iter()
            .any(|t| t.starts_with("forwarded message 0 (11 B) to SAT-2"))
    );
    let isl = obc.take_isl_outbox();
    assert_eq!(isl.len(), 1);
    assert_eq!(isl[0].data, b"hello relay");
}
