//! The simulation thread driven through its channels, as the viewer drives it: the bundled
//! eo-cubesat scenario (one satellite, three apps, three stations), seeks forwards and
//! backwards, selection, jumps to the next pass and eclipse (checked against `orbit`'s own
//! pass and eclipse search), app lifecycle commands, and a broken scenario reported with its
//! file, line and column.

use std::time::{Duration as Wall, Instant};

use hifitime::{Duration, Epoch};
use visualizer::protocol::{AppAction, Command, NextKind, SimMessage, Snapshot};
use visualizer::sim_thread::{SimLink, SimOptions, TimeArg, spawn};

const WAIT: Wall = Wall::from_secs(120);

fn start() -> Epoch {
    orbit::parse_utc("2018-01-20T06:00:00Z").unwrap()
}

/// The next snapshot satisfying `ok` (panics after [`WAIT`]).
fn until(link: &SimLink, what: &str, ok: impl Fn(&Snapshot) -> bool) -> Snapshot {
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline {
        match link.messages.recv_timeout(Wall::from_millis(200)) {
            Ok(SimMessage::Snapshot(s)) if ok(&s) => return *s,
            Ok(SimMessage::Failed(f)) => panic!("load failed: {f:?}"),
            _ => {}
        }
    }
    panic!("no snapshot with {what} within {WAIT:?}");
}

fn paused_at(at: &str, select: Option<&str>) -> SimLink {
    spawn(SimOptions {
        scenario: None,
        paused: true,
        seek_to: Some(TimeArg::parse(at).unwrap()),
        select: select.map(str::to_string),
        ..SimOptions::default()
    })
    .unwrap()
}

#[test]
fn regress_seeks_forwards_and_backwards_and_reports_the_selected_satellite() {
    let link = paused_at("+10m", Some("eo-1"));
    let loaded = match link.messages.recv_timeout(WAIT).unwrap() {
        SimMessage::Loaded(s) => s,
        other => panic!("{other:?}"),
    };
    assert_eq!(loaded.satellites, vec!["eo-1".to_string()]);
    assert_eq!(loaded.stations.len(), 3);
    assert_eq!(loaded.areas.len(), 2);
    let t10 = start() + Duration::from_seconds(600.0);
    let s = until(&link, "time +10m", |s| {
        s.time == t10 && s.clock.seeking.is_none()
    });
    assert!(s.clock.paused);
    // the position is the element set's own SGP4 state at that instant
    let elements = orbit::load_elements(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../assets/elements/sample.tle"
    )))
    .unwrap();
    let noaa19 = elements.iter().find(|e| e.object_id == "33591").unwrap();
    let want = orbit::Propagator::new(noaa19)
        .unwrap()
        .state_at(t10)
        .unwrap();
    let p = s.positions_teme_km[0];
    let err = ((p[0] - want.pos_teme_km.x).powi(2)
        + (p[1] - want.pos_teme_km.y).powi(2)
        + (p[2] - want.pos_teme_km.z).powi(2))
    .sqrt();
    assert!(err < 1e-6, "position off by {err} km");
    // ten minutes of telemetry for the selected satellite and its three apps
    let detail = s.selected.as_ref().expect("selected detail");
    assert_eq!(detail.satellite, 0);
    let apps: Vec<&str> = detail.apps.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(apps, ["eo-imager", "cloud-screen", "beacon"]);
    assert!(
        detail.apps.iter().any(|a| a.memory_bytes > 0),
        "{:?}",
        detail.apps
    );
    assert!(detail.track.orbit_teme_km.len() > 100);
    assert!(detail.track.ground_itrf_km.len() > 100);
    let tl = detail.timeline.as_ref().expect("timeline");
    assert!(tl.start <= t10 && tl.end > t10);

    // backwards: the run starts again and stands at +5m
    let t5 = start() + Duration::from_seconds(300.0);
    link.commands.send(Command::JumpTo(t5)).unwrap();
    let s = until(&link, "time +5m", |s| s.time == t5);
    assert!(
        s.events
            .iter()
            .any(|e| e.kind == "viewer" && e.text.contains("starts again"))
    );
    // one step while paused moves by the scenario's step (1 s)
    link.commands.send(Command::Step).unwrap();
    until(&link, "one step", |s| {
        s.time == t5 + Duration::from_seconds(1.0)
    });
}

#[test]
fn regress_next_pass_and_eclipse_agree_with_orbit_searches() {
    let link = paused_at("+0s", Some("eo-1"));
    until(&link, "the start", |s| {
        s.time == start() && s.selected.is_some()
    });
    let elements = orbit::load_elements(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../assets/elements/sample.tle"
    )))
    .unwrap();
    let prop =
        orbit::Propagator::new(elements.iter().find(|e| e.object_id == "33591").unwrap()).unwrap();
    let end = start() + Duration::from_seconds(86_400.0);
    let stations: Vec<orbit::Station> = [
        ("Svalbard", 78.2298, 15.4078, 0.5, 5.0),
        ("Fairbanks", 64.978, -147.4992, 0.319, 5.0),
        ("Hartebeesthoek", -25.8898, 27.6854, 1.415, 10.0),
    ]
    .iter()
    .map(|&(name, lat, lon, alt, mask)| orbit::Station {
        name: name.into(),
        location: orbit::Geodetic::from_degrees(lat, lon, alt),
        min_elevation_rad: f64::to_radians(mask),
    })
    .collect();
    let first_aos = stations
        .iter()
        .flat_map(|st| {
            orbit::find_passes(&prop, st, start(), end, &orbit::EarthOrientation::default())
                .unwrap()
        })
        .map(|p| p.aos)
        .filter(|&a| a > start() + Duration::from_seconds(1.0))
        .min()
        .unwrap();
    link.commands
        .send(Command::JumpToNext(NextKind::Pass))
        .unwrap();
    let s = until(&link, "the next pass", |s| {
        s.time > start() && s.clock.seeking.is_none()
    });
    assert_eq!(s.time, first_aos);
    let first_shadow = orbit::find_eclipses(&prop, s.time + Duration::from_seconds(1.0), end)
        .unwrap()
        .into_iter()
        .filter(|iv| iv.kind == orbit::ShadowState::Penumbra)
        .map(|iv| iv.start)
        .find(|&t| t > s.time + Duration::from_seconds(1.0))
        .unwrap();
    link.commands
        .send(Command::JumpToNext(NextKind::Eclipse))
        .unwrap();
    let s = until(&link, "the next eclipse", |x| {
        x.time > first_aos && x.clock.seeking.is_none()
    });
    assert_eq!(s.time, first_shadow);
}

#[test]
fn regress_app_commands_stop_and_start_an_app() {
    let link = paused_at("+1m", Some("eo-1"));
    let t1 = start() + Duration::from_seconds(60.0);
    until(&link, "+1m", |s| s.time == t1);
    let cmd = |action| Command::App {
        satellite: 0,
        app: "beacon".into(),
        action,
    };
    link.commands.send(cmd(AppAction::Stop)).unwrap();
    link.commands.send(Command::Step).unwrap();
    let s = until(&link, "beacon stopped", |s| {
        s.selected.as_ref().is_some_and(|d| {
            d.apps
                .iter()
                .any(|a| a.name == "beacon" && a.state == "stopped")
        })
    });
    assert!(
        s.events
            .iter()
            .any(|e| e.kind == "viewer" && e.text.contains("stop beacon: done"))
    );
    link.commands.send(cmd(AppAction::Start)).unwrap();
    link.commands.send(Command::Step).unwrap();
    until(&link, "beacon running again", |s| {
        s.selected.as_ref().is_some_and(|d| {
            d.apps
                .iter()
                .any(|a| a.name == "beacon" && a.state != "stopped")
        })
    });
    // a name that is not there is an error in the event log, not a crash
    link.commands
        .send(Command::App {
            satellite: 0,
            app: "nope".into(),
            action: AppAction::Start,
        })
        .unwrap();
    link.commands.send(Command::Step).unwrap();
    until(&link, "the error", |s| {
        s.events
            .iter()
            .any(|e| e.kind == "viewer" && e.text.contains("no app \"nope\""))
    });
}

#[test]
fn a_broken_scenario_is_reported_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.toml");
    std::fs::write(
        &path,
        "name = \"broken\"\nstart = \"2018-01-20T06:00:00Z\"\nduration = \"1h\"\nstep = \"fast\"\n",
    )
    .unwrap();
    let link = spawn(SimOptions {
        scenario: Some(path.clone()),
        ..SimOptions::default()
    })
    .unwrap();
    match link.messages.recv_timeout(WAIT).unwrap() {
        SimMessage::Failed(f) => {
            let p = f
                .problems
                .iter()
                .find(|p| p.message.contains("step") || p.rendered.contains("fast"))
                .unwrap_or_else(|| panic!("{f:?}"));
            assert!(
                p.location.starts_with(&format!("{}:4:", path.display())),
                "{}",
                p.location
            );
        }
        other => panic!("{other:?}"),
    }
}
