//! The satellite simulation: orbit, hardware models and apps together.

use std::path::PathBuf;

use hardware_models::template::HardwareTemplate;
use hifitime::{Duration, Epoch, Unit};
use orbit::{ElementSet, Geodetic, Station};
use sim_core::*;

use crate::common::*;
use crate::guest_apps::app_image;

pub fn elements(name: &str) -> ElementSet {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../assets/elements/sample.tle");
    orbit::load_elements(&p)
        .unwrap()
        .into_iter()
        .find(|e| e.name.as_deref() == Some(name))
        .unwrap()
}

pub fn stations() -> Vec<Station> {
    [
        ("Svalbard", 78.2297722, 15.4077861, 0.5),
        ("Kiruna", 67.8571278, 20.964325, 0.4022),
        ("Fairbanks", 64.97800207, -147.49923767, 0.319),
        ("Wallops", 37.940194, -75.466389, 0.01),
        ("Hartebeesthoek", -25.88975199, 27.68539261, 1.415),
    ]
    .into_iter()
    .map(|(n, lat, lon, alt)| Station {
        name: n.into(),
        location: Geodetic::from_degrees(lat, lon, alt),
        min_elevation_rad: 10f64.to_radians(),
    })
    .collect()
}

pub fn start() -> Epoch {
    orbit::parse_utc("2018-01-21T00:00:00Z").unwrap()
}

fn sim(hv: &Hypervisor, seed: u64) -> Simulation {
    let mut cfg = SimulationConfig::new(start());
    cfg.seed = seed;
    let mut sim = Simulation::new(hv, cfg).unwrap();
    for s in stations() {
        sim.add_station(s);
    }
    sim
}

/// A simulation (seed `seed`, the test stations) of one cubesat-6u "SAT" on NOAA 19's orbit
/// running the app image `image` (its bytes) as `name`.
fn six_u_with_app(hv: &Hypervisor, seed: u64, image: &[u8], name: &str) -> Simulation {
    let mut sim = sim(hv, seed);
    sim.add_satellite(
        "SAT",
        &elements("NOAA 19"),
        HardwareTemplate::builtin("cubesat-6u").unwrap(),
    )
    .unwrap();
    sim.install_app("SAT", &hv.load_image(image).unwrap(), AppConfig::new(name))
        .unwrap();
    sim
}

/// All events of a run, as text, and the computer events of `app`.
fn events(reports: &[StepReport]) -> Vec<&SimEvent> {
    reports.iter().flat_map(|r| r.events.iter()).collect()
}

#[test]
fn val_analytic_cpu_load_draws_busy_power() {
    // cubesat-6u computer: 1.2 W idle, 3.0 W busy (linear in the busy fraction). A spinning
    // app keeps the CPU busy; the next step's computer power is the busy power.
    let hv = hv();
    let mut sim = sim(&hv, 1);
    sim.add_satellite(
        "SAT",
        &elements("NOAA 19"),
        HardwareTemplate::builtin("cubesat-6u").unwrap(),
    )
    .unwrap();
    let idle = sim.run_until(start() + Unit::Second * 5);
    assert!(
        idle.iter()
            .all(|r| (r.telemetry[0].computer_power_w - 1.2).abs() < 1e-9)
    );
    let spin = hv.load_image(&fixture("infinite_loop.wat")).unwrap();
    sim.install_app("SAT", &spin, AppConfig::new("spin"))
        .unwrap();
    let busy = sim.run_until(start() + Unit::Second * 10);
    assert!(busy.iter().all(|r| r.telemetry[0].busy_fraction > 0.999));
    // The busy fraction of one step is the next step's power (zero-order hold).
    assert!(
        busy.iter()
            .skip(1)
            .all(|r| (r.telemetry[0].computer_power_w - 3.0).abs() < 0.01),
        "{:?}",
        busy.iter()
            .map(|r| r.telemetry[0].computer_power_w)
            .collect::<Vec<_>>()
    );
    // 8e8 instructions per second on this computer.
    assert!(
        busy.iter()
            .skip(1)
            .all(|r| r.telemetry[0].instructions.abs_diff(800_000_000) < 200_000)
    );
}

#[test]
fn regress_beacon_downlinks_only_in_contact() {
    let hv = hv();
    let mut sim = six_u_with_app(&hv, 2, &app_image("beacon.wasm"), "beacon");
    let reports = sim.run_until(start() + Unit::Hour * 3);
    let mut delivered = 0;
    for r in &reports {
        if !r.delivered.is_empty() {
            assert!(
                !r.telemetry[0].station.is_empty(),
                "delivered out of contact at {:?}",
                r.time
            );
        }
        for (_, m) in &r.delivered {
            assert_eq!(m.app, "beacon");
            assert_eq!(
                m.data.len(),
                74,
                "CCSDS packet: 6 header + 8 time + 58 housekeeping + 2 CRC"
            );
            delivered += 1;
        }
    }
    // One packet a minute; all queued ones but those since the last contact went down.
    assert!((120..=181).contains(&delivered), "{delivered}");
    let contacts = events(&reports)
        .iter()
        .filter(|e| matches!(e.kind, SimEventKind::ContactStart { .. }))
        .count();
    assert!(contacts >= 4, "{contacts}");
    let faults = events(&reports).iter().filter(|e| matches!(&e.kind, SimEventKind::Computer(c) if matches!(c.kind, EventKind::Faulted { .. }))).count();
    assert_eq!(faults, 0);
}

/// A plate 50 mm in front of the 6U's nadir face stands in the ground antenna's line of sight
/// to every station: contacts happen (geometry), nothing goes down (the link is blocked).
#[test]
fn regress_blocked_antenna_carries_nothing() {
    use hardware_models::geometry::{PartParams, ShapeParams};
    use nalgebra::Vector3;
    let mut template = HardwareTemplate::builtin("cubesat-6u").unwrap();
    template.geometry.parts.push(PartParams {
        name: "plate".into(),
        shape: ShapeParams::Box {
            size_m: Vector3::new(0.366, 0.226, 0.004),
        },
        center_body_m: Vector3::new(0.0, 0.0, 0.1),
        rotation: None,
        mass_kg: Some(0.1),
        density_kg_m3: None,
        solar_panels: vec![],
        apertures: vec![],
    });
    let hv = hv();
    let mut sim = sim(&hv, 2);
    sim.add_satellite("SAT", &elements("NOAA 19"), template)
        .unwrap();
    sim.install_app(
        "SAT",
        &hv.load_image(&app_image("beacon.wasm")).unwrap(),
        AppConfig::new("beacon"),
    )
    .unwrap();
    let reports = sim.run_until(start() + Unit::Hour * 3);
    let delivered: usize = reports.iter().map(|r| r.delivered.len()).sum();
    let contacts = events(&reports)
        .iter()
        .filter(|e| matches!(e.kind, SimEventKind::ContactStart { .. }))
        .count();
    assert!(contacts >= 4, "{contacts}");
    assert_eq!(delivered, 0);
}

/// A command app whose image carries `bytes` of data (to make uploads long).
fn big_image(bytes: usize) -> Vec<u8> {
    let pages = bytes / 65536 + 2;
    wat(&format!(
        r#"(module (import "skytwin_v1" "log" (func $log (param i32 i32 i32) (result i32)))
            (memory (export "memory") {pages}) (data (i32.const 0) "{}")
            (func (export "_start") (drop (call $log (i32.const 2) (i32.const 0) (i32.const 5)))))"#,
        "hello".to_string() + &"\\00".repeat(bytes - 5)
    ))
}

#[test]
fn regress_large_upload_takes_several_passes() {
    // 8 MB at the 6U's 64 kbit/s uplink is 1000 s of contact: more than one pass.
    let hv = hv();
    let mut sim = sim(&hv, 3);
    sim.add_satellite(
        "SAT",
        &elements("NOAA 19"),
        HardwareTemplate::builtin("cubesat-6u").unwrap(),
    )
    .unwrap();
    let img = hv.load_image(&big_image(8_000_000)).unwrap();
    sim.upload_app("SAT", &img, AppConfig::new("big"), false)
        .unwrap();
    let reports = sim.run_until(start() + Unit::Hour * 6);
    let ev = events(&reports);
    let done = ev
        .iter()
        .position(|e| matches!(&e.kind, SimEventKind::UploadComplete { result: Ok(()), .. }))
        .expect("uploaded");
    let contacts_before = ev[..done]
        .iter()
        .filter(|e| matches!(e.kind, SimEventKind::ContactStart { .. }))
        .count();
    assert!(contacts_before >= 2, "{contacts_before} contacts");
    // Contact seconds before completion × 8000 B/s ≥ the image.
    let contact_s = reports
        .iter()
        .take_while(|r| r.time.unwrap() < ev[done].time)
        .filter(|r| !r.telemetry[0].station.is_empty())
        .count();
    assert!(
        contact_s as u64 * 8000 >= img.size_bytes() as u64
            && contact_s as u64 * 8000 < img.size_bytes() as u64 + 8000,
        "{contact_s}"
    );
    // Then it runs.
    assert!(
        reports
            .iter()
            .flat_map(|r| &r.logs)
            .any(|(_, l)| l.app == "big" && l.text == "hello")
    );
}

fn shifted(e: &ElementSet, mean_anomaly_deg: f64) -> ElementSet {
    let mut e = e.clone();
    e.mean_anomaly_rad += mean_anomaly_deg.to_radians();
    e
}

#[test]
fn regress_relay_over_isl_and_migration() {
    let hv = hv();
    let mut sim = sim(&hv, 4);
    let noaa = elements("NOAA 19");
    sim.add_satellite("A", &noaa, HardwareTemplate::builtin("cubesat-6u").unwrap())
        .unwrap();
    sim.add_satellite(
        "B",
        &shifted(&noaa, 2.0),
        HardwareTemplate::builtin("cubesat-6u").unwrap(),
    )
    .unwrap();
    let relay = hv.load_image(&app_image("relay.wasm")).unwrap();
    sim.install_app(
        "A",
        &relay,
        AppConfig {
            args: vec!["--peer".into(), "B".into()],
            ..AppConfig::new("relay")
        },
    )
    .unwrap();
    sim.install_app(
        "B",
        &relay,
        AppConfig {
            args: vec!["--peer".into(), "A".into()],
            ..AppConfig::new("relay")
        },
    )
    .unwrap();
    let counter = hv.load_image(&fixture("reactor_counter.wat")).unwrap();
    sim.install_app("A", &counter, AppConfig::new("counter"))
        .unwrap();
    sim.uplink_command("A", "relay", b"hello over the crosslink")
        .unwrap();
    for _ in 0..3 {
        sim.uplink_command("A", "counter", b"tick").unwrap();
    }
    let first = sim.run_until(start() + Unit::Minute * 5);
    // The message went A → B over the ISL and B queued it for downlink.
    let ev = events(&first);
    let isl = ev
        .iter()
        .find(|e| matches!(e.kind, SimEventKind::IslDelivered { .. }))
        .expect("ISL delivery");
    assert_eq!(isl.satellite, "B");
    let logs: Vec<String> = first
        .iter()
        .flat_map(|r| &r.logs)
        .map(|(s, l)| format!("{s} {}", l.text))
        .collect();
    assert!(logs.iter().any(|l| l == "A count 3"), "{logs:?}");
    // Migrate the counter (a reactor at rest) from A to B: 64 KiB of memory + image at the 6U's
    // 19.2 kbit/s ISL takes about half a minute.
    sim.migrate_app("A", "counter", "B").unwrap();
    let t_mig = sim.time();
    let second = sim.run_until(t_mig + Unit::Minute * 2);
    let ev = events(&second);
    let arrived = ev
        .iter()
        .find(|e| matches!(e.kind, SimEventKind::MigrationComplete { .. }))
        .expect("migrated");
    let SimEventKind::MigrationComplete { bytes, result, .. } = &arrived.kind else {
        unreachable!()
    };
    assert_eq!(result, &Ok(()));
    let transfer_s = (arrived.time - t_mig).to_seconds();
    let expected_s = *bytes as f64 * 8.0 / 19_200.0;
    assert!(
        transfer_s >= expected_s.floor() && transfer_s <= expected_s + 2.0,
        "{transfer_s} s for {bytes} B"
    );
    sim.uplink_command("B", "counter", b"tick").unwrap();
    let third = sim.run_until(sim.time() + Unit::Minute * 30);
    let logs: Vec<String> = third
        .iter()
        .flat_map(|r| &r.logs)
        .map(|(s, l)| format!("{s} {}", l.text))
        .collect();
    assert!(
        logs.iter().any(|l| l == "B count 4"),
        "state moved with the app: {logs:?}"
    );
}

#[test]
fn regress_hardware_reboot_and_brownout_restart_apps() {
    let hv = hv();
    let mut sim = six_u_with_app(&hv, 5, &fixture("ticker.wat"), "ticker");
    sim.run_until(start() + Unit::Second * 10);
    sim.satellite_mut("SAT").unwrap().request_reboot();
    let boot_s = HardwareTemplate::builtin("cubesat-6u")
        .unwrap()
        .computer
        .boot_time_s;
    let r = sim.run_until(start() + Unit::Second * 60);
    let ticks: Vec<_> = r
        .iter()
        .flat_map(|r| &r.logs)
        .filter(|(_, l)| l.text == "tick 0")
        .collect();
    assert_eq!(ticks.len(), 1, "restarted once after the reboot");
    let expected = start() + Unit::Second * 10 + Duration::from_seconds(boot_s);
    assert!(
        (ticks[0].1.time() - expected).abs() < Unit::Millisecond * 1,
        "{:?}",
        ticks[0].1.time()
    );
    let until = sim.time() + Unit::Second * 20;
    sim.satellite_mut("SAT").unwrap().brown_out_until(until);
    let r = sim.run_until(until + Unit::Second * 60);
    let hw: Vec<hardware_models::computer::ComputerEvent> = events(&r)
        .iter()
        .filter_map(|e| match &e.kind {
            SimEventKind::ComputerPower(c) => Some(*c),
            _ => None,
        })
        .collect();
    assert_eq!(hw[0], hardware_models::computer::ComputerEvent::PoweredOff);
    assert_eq!(hw[1], hardware_models::computer::ComputerEvent::PoweredOn);
    // While the power is off the computer draws nothing and runs nothing.
    let off: Vec<&TelemetryRow> = r
        .iter()
        .map(|r| &r.telemetry[0])
        .filter(|t| t.time < until)
        .collect();
    assert_eq!(off.len(), 20);
    assert!(
        off.iter()
            .all(|t| t.computer_power_w == 0.0 && t.instructions == 0)
    );
    let restarts = r
        .iter()
        .flat_map(|r| &r.logs)
        .filter(|(_, l)| l.text == "tick 0")
        .count();
    assert_eq!(restarts, 1);
}

/// The hardware watchdog is kicked by the hypervisor: over a quiet hour it never fires; a
/// hung hypervisor stops kicking it, and after the template's watchdog timeout the watchdog
/// resets the computer, which boots and restarts the apps (files kept).
#[test]
fn regress_hung_computer_is_reset_by_the_hardware_watchdog() {
    let hv = hv();
    let mut sim = six_u_with_app(&hv, 5, &fixture("ticker.wat"), "ticker");
    let computer_events = |r: &[StepReport]| -> Vec<(Epoch, String)> {
        events(r)
            .iter()
            .filter_map(|e| match &e.kind {
                SimEventKind::ComputerPower(c) => Some((e.time, format!("computer {c:?}"))),
                _ => None,
            })
            .collect()
    };
    let quiet = sim.run_until(start() + Unit::Hour * 1);
    assert!(computer_events(&quiet).is_empty(), "kicked all along");
    let hung_at = sim.time();
    sim.satellite_mut("SAT").unwrap().hang_computer();
    let r = sim.run_until(hung_at + Unit::Minute * 2);
    let hw = computer_events(&r);
    let template = HardwareTemplate::builtin("cubesat-6u").unwrap().computer;
    assert_eq!(hw[0].1, "computer WatchdogReset");
    // The model counts whole 1 s steps without a kick, from the step that begins at the
    // hang; the reset happens in (and is stamped with the start of) the step whose end
    // reaches the timeout.
    let timeout = Duration::from_seconds(template.watchdog_timeout_s);
    assert_eq!(hw[0].0, hung_at + timeout - Unit::Second * 1);
    let ticks: Vec<Epoch> = r
        .iter()
        .flat_map(|r| &r.logs)
        .filter(|(_, l)| l.text.starts_with("tick"))
        .map(|(_, l)| l.time())
        .collect();
    // Nothing ran while hung; the ticker started again from "tick 0" after the boot.
    assert!(ticks.iter().all(|&t| t > hw[0].0), "{ticks:?}");
    let first = r
        .iter()
        .flat_map(|r| &r.logs)
        .find(|(_, l)| l.text.starts_with("tick"))
        .unwrap();
    assert_eq!(first.1.text, "tick 0");
    let booted = hw[0].0 + Duration::from_seconds(template.boot_time_s);
    assert!((first.1.time() - booted).abs() < Unit::Millisecond * 1);
    let hung_events: Vec<&SimEvent> = events(&r)
        .into_iter()
        .filter(|e| matches!(&e.kind, SimEventKind::Computer(c) if c.kind == EventKind::Hung))
        .collect();
    assert_eq!(hung_events.len(), 1);
    // Telemetry while hung: a spinning CPU, no instructions for any app.
    let hung_rows: Vec<&TelemetryRow> = r
        .iter()
        .map(|r| &r.telemetry[0])
        .filter(|t| t.time > hung_at && t.time < hw[0].0)
        .collect();
    assert!(
        hung_rows
            .iter()
            .all(|t| t.instructions == 0 && t.busy_fraction == 1.0)
    );
}

#[test]
fn regress_attitude_request_reaches_the_controller() {
    // An app asks for sun pointing; the controller slews (mode 1 in telemetry, error shrinking).
    let hv = hv();
    let mut sim = sim(&hv, 6);
    sim.add_satellite(
        "SAT",
        &elements("NOAA 19"),
        HardwareTemplate::builtin("cubesat-6u").unwrap(),
    )
    .unwrap();
    let img = hv
        .load_image(&wat(r#"(module
            (import "skytwin_v1" "attitude_request" (func $att (param i32 f64 f64 f64 f64) (result i32)))
            (memory (export "memory") 1)
            (func (export "_start") (drop (call $att (i32.const 1) (f64.const 0) (f64.const 0) (f64.const 0) (f64.const 0)))))"#))
        .unwrap();
    sim.install_app("SAT", &img, AppConfig::new("sun")).unwrap();
    let r = sim.run_until(start() + Unit::Minute * 5);
    let rows: Vec<&TelemetryRow> = r.iter().map(|r| &r.telemetry[0]).collect();
    // Requested during the first step; the controller takes it from the next one.
    assert_eq!((rows[0].attitude_mode, rows[1].attitude_mode), (0, 1));
    assert!(
        rows[0].attitude_error_deg < 0.1,
        "starts nadir-pointing: {}",
        rows[0].attitude_error_deg
    );
    let peak = rows
        .iter()
        .map(|r| r.attitude_error_deg)
        .fold(0.0, f64::max);
    assert!(peak > 10.0, "a real slew: {peak}");
    assert!(
        rows.last().unwrap().attitude_error_deg < 1.0,
        "converged: {}",
        rows.last().unwrap().attitude_error_deg
    );
}

/// Three 6U satellites "A", "B", "C" 1° apart on NOAA 19's orbit (seed `seed`, the test
/// stations), each running beacon, hello and the compute kernel at `kernel_priority`: apps
/// that never use the ISL.
fn three_6us(hv: &Hypervisor, seed: u64, threads: usize, kernel_priority: u8) -> Simulation {
    let mut cfg = SimulationConfig::new(start());
    cfg.seed = seed;
    cfg.threads = Some(threads);
    let mut sim = Simulation::new(hv, cfg).unwrap();
    for s in stations() {
        sim.add_station(s);
    }
    let noaa = elements("NOAA 19");
    for (k, name) in ["A", "B", "C"].iter().enumerate() {
        // 1° apart (~127 km): the ISL closes even into the rear-facing -10 dBi floor of the
        // receiver's forward-looking patch up to about 250 km.
        sim.add_satellite(
            name,
            &shifted(&noaa, k as f64),
            HardwareTemplate::builtin("cubesat-6u").unwrap(),
        )
        .unwrap();
        for (image, config) in [
            (app_image("beacon.wasm"), AppConfig::new("beacon")),
            (app_image("hello.wasm"), AppConfig::new("hello")),
            (
                fixture("compute.wat"),
                AppConfig {
                    priority: kernel_priority,
                    ..AppConfig::new("kernel")
                },
            ),
        ] {
            sim.install_app(name, &hv.load_image(&image).unwrap(), config)
                .unwrap();
        }
    }
    sim
}

fn fleet_run(threads: usize) -> String {
    let hv = hv();
    let mut sim = three_6us(&hv, 99, threads, 1);
    let relay = hv.load_image(&app_image("relay.wasm")).unwrap();
    sim.install_app(
        "A",
        &relay,
        AppConfig {
            args: vec!["--peer".into(), "C".into()],
            ..AppConfig::new("relay")
        },
    )
    .unwrap();
    sim.install_app("C", &relay, AppConfig::new("relay"))
        .unwrap();
    sim.uplink_command("A", "relay", b"relay me").unwrap();
    let mut text = String::new();
    for r in sim.run_until(start() + Unit::Minute * 20) {
        for t in &r.telemetry {
            text.push_str(&format!("{t:?}"));
            text.push('\n');
        }
        for e in &r.events {
            text.push_str(&format!("{e}\n"));
        }
        for (s, l) in &r.logs {
            text.push_str(&format!("{s} {l}\n"));
        }
    }
    text
}

#[test]
fn regress_simulation_is_identical_on_1_and_3_threads() {
    let one = fleet_run(1);
    assert!(one.contains("IslDelivered"));
    assert_eq!(one, fleet_run(3));
}

/// [`three_6us`] with the kernel at the default priority.
fn isolated_fleet(hv: &Hypervisor, threads: usize) -> Simulation {
    three_6us(hv, 5, threads, AppConfig::new("kernel").priority)
}

#[test]
fn regress_steps_apart_equal_steps_one_by_one() {
    let hv = hv();
    for threads in [1, 2] {
        let (mut one, mut apart) = (isolated_fleet(&hv, threads), isolated_fleet(&hv, threads));
        assert!(apart.can_step_apart());
        let singles: Vec<StepReport> = (0..1200).map(|_| one.step()).collect();
        let blocks: Vec<StepReport> = (0..30).flat_map(|_| apart.step_apart(40)).collect();
        assert_eq!(blocks.len(), 1200);
        assert!(
            events(&singles)
                .iter()
                .any(|e| e.to_string().contains("Downlinked"))
        );
        assert_eq!(format!("{singles:?}"), format!("{blocks:?}"));
        assert_eq!(one.time(), apart.time());
        // the state after the blocks is the state after the single steps
        assert_eq!(format!("{:?}", one.step()), format!("{:?}", apart.step()));
    }
}

#[test]
fn regress_an_app_that_can_use_the_isl_keeps_the_steps_together() {
    let hv = hv();
    let relay = hv.load_image(&app_image("relay.wasm")).unwrap();
    // installed
    let mut sim = isolated_fleet(&hv, 2);
    sim.install_app("B", &relay, AppConfig::new("relay"))
        .unwrap();
    assert!(!sim.can_step_apart());
    // on its way up
    let mut sim = isolated_fleet(&hv, 2);
    sim.upload_app("C", &relay, AppConfig::new("relay"), false)
        .unwrap();
    assert!(!sim.can_step_apart());
    // an app migrating over the ISL
    let mut sim = isolated_fleet(&hv, 2);
    sim.migrate_app("A", "hello", "B").unwrap();
    assert!(!sim.can_step_apart());
    // then the steps are taken one by one, as `step` takes them
    let mut single = isolated_fleet(&hv, 2);
    single.migrate_app("A", "hello", "B").unwrap();
    let together = sim.step_apart(30);
    let singles: Vec<StepReport> = (0..30).map(|_| single.step()).collect();
    assert_eq!(format!("{together:?}"), format!("{singles:?}"));
}

/// The first time within 6 h after `from` when the Sun stands more than 20° above the horizon
/// at NOAA 19's sub-satellite point: (time, latitude, longitude) of that point.
fn daylight_point(from: Epoch) -> (Epoch, f64, f64) {
    let prop = orbit::Propagator::new(&elements("NOAA 19")).unwrap();
    let eop = orbit::EarthOrientation::default();
    let mut t = from;
    while t < from + Unit::Hour * 6 {
        let s = prop.state_at(t).unwrap();
        let (itrf, _) = orbit::teme_to_itrf(&s.pos_teme_km, &s.vel_teme_km_s, t, &eop);
        let g = orbit::itrf_to_geodetic(&itrf);
        let (sun, _) = orbit::teme_to_itrf(
            &orbit::sun_position_teme_km(t),
            &nalgebra::Vector3::zeros(),
            t,
            &eop,
        );
        let sun_elevation = itrf.normalize().dot(&sun.normalize()).asin();
        if sun_elevation > 20f64.to_radians() {
            return (t, g.lat_rad, g.lon_rad);
        }
        t += Unit::Second * 30;
    }
    panic!("no daylight pass within 6 h");
}

#[test]
fn val_camera_images_the_lit_earth_below() {
    let hv = hv();
    let (t_area, lat, lon) = daylight_point(start());
    let mut cfg = SimulationConfig::new(start());
    cfg.seed = 7;
    let texture =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../assets/earth/blue_marble_4096x2048.jpg");
    cfg.texture = Some(hardware_models::texture::EarthTexture::load(&texture).unwrap());
    let mut sim = Simulation::new(&hv, cfg).unwrap();
    for s in stations() {
        sim.add_station(s);
    }
    sim.add_area(Area {
        name: "target".into(),
        shape: AreaShape::Circle {
            lat_rad: lat,
            lon_rad: lon,
            radius_km: 400.0,
        },
    });
    sim.add_satellite(
        "SAT",
        &elements("NOAA 19"),
        HardwareTemplate::builtin("cubesat-6u").unwrap(),
    )
    .unwrap();
    let img = hv.load_image(&app_image("eo-imager.wasm")).unwrap();
    sim.install_app(
        "SAT",
        &img,
        AppConfig {
            args: vec![
                "--max-cloud".into(),
                "1.0".into(),
                "--min-sun-deg".into(),
                "5".into(),
            ],
            ..AppConfig::new("eo")
        },
    )
    .unwrap();
    let reports = sim.run_until(t_area + Unit::Minute * 5);
    let images: Vec<(Epoch, f64, f64)> = reports
        .iter()
        .flat_map(|r| &r.logs)
        .filter_map(|(_, l)| {
            let rest = l.text.strip_prefix("image ")?;
            let at = rest.split(" at ").nth(1)?.split(':').next()?;
            let (la, lo) = at.split_once(',')?;
            Some((l.time(), la.parse().ok()?, lo.parse().ok()?))
        })
        .collect();
    assert!(
        !images.is_empty(),
        "{:?}",
        reports
            .iter()
            .flat_map(|r| &r.logs)
            .map(|(_, l)| l.text.clone())
            .collect::<Vec<_>>()
    );
    for (t, la, lo) in &images {
        // Nadir pointing: the image centre is the sub-satellite point of that second.
        let row = reports
            .iter()
            .find(|r| r.time.unwrap() <= *t && *t < r.time.unwrap() + Unit::Second * 1)
            .unwrap();
        let tel = &row.telemetry[0];
        assert!(
            (la - tel.lat_deg).abs() < 0.3 && (lo - tel.lon_deg).abs() < 0.6,
            "{la},{lo} vs {},{}",
            tel.lat_deg,
            tel.lon_deg
        );
        let d = ((la - lat.to_degrees()).powi(2) + ((lo - lon.to_degrees()) * lat.cos()).powi(2))
            .sqrt()
            * 111.2;
        assert!(d < 450.0, "over the area: {d} km");
    }
}
