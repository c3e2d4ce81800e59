//! The output files hold what they claim, in the formats other tools read.

use std::io::Write as _;
use std::path::Path;

use orbit::Propagator;
use scenarios::RunOptions;

use crate::examples::{run_into, shortened};

/// Tools the CI machine installs; a local run without them says so (on the real stderr,
/// which the test harness does not capture) instead of failing, and CI (`SKYTWIN_CI=1`) fails.
fn tool_missing(tool: &str, package: &str) -> bool {
    let found = std::process::Command::new(tool)
        .arg("--version")
        .output()
        .is_ok();
    if found {
        return false;
    }
    assert!(
        std::env::var_os("SKYTWIN_CI").is_none(),
        "{tool} is required in CI (apt-get install {package})"
    );
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: {tool} is not installed (apt-get install {package})"
    );
    true
}

fn run_eo(dir: &Path, step: &str) -> scenarios::Scenario {
    let mut s = shortened("eo-cubesat", "8h");
    s.step = orbit::parse_duration(step).expect("step");
    s.output.telemetry_interval = Some(orbit::parse_duration("60s").expect("interval"));
    run_into(&s, dir, &RunOptions::default());
    s
}

#[test]
fn val_contact_events_are_the_geometry_at_any_step() {
    let (a, b) = (
        tempfile::tempdir().expect("a"),
        tempfile::tempdir().expect("b"),
    );
    let s = run_eo(a.path(), "1s");
    run_eo(b.path(), "60s");
    let contacts = |dir: &Path| -> Vec<String> {
        std::fs::read_to_string(dir.join("events.jsonl"))
            .expect("events")
            .lines()
            .filter(|l| {
                l.contains("\"kind\":\"contact_")
                    || l.contains("\"kind\":\"umbra_")
                    || l.contains("\"kind\":\"penumbra_")
            })
            .map(str::to_string)
            .collect()
    };
    let (ca, cb) = (contacts(a.path()), contacts(b.path()));
    assert!(ca.len() >= 8, "{ca:?}");
    assert_eq!(
        ca, cb,
        "contact and shadow events do not depend on the step"
    );
    // and they are the passes orbit's root finder gives for each station (validated against
    // Skyfield in orbit's tests), to the millisecond
    let prop = Propagator::new(&s.satellites[0].elements).expect("sgp4");
    let mut want = Vec::new();
    for st in &s.stations {
        for p in orbit::find_passes(&prop, st, s.start, s.end(), &s.eop).expect("passes") {
            want.push((orbit::format_utc(p.aos), st.name.clone(), "contact_start"));
            want.push((orbit::format_utc(p.los), st.name.clone(), "contact_end"));
        }
    }
    for (t, station, kind) in &want {
        let line = format!(
            "{{\"time_utc\":\"{t}\",\"satellite\":\"eo-1\",\"kind\":\"{kind}\",\"station\":\"{station}\""
        );
        assert!(
            ca.iter().any(|l| l.starts_with(&line)),
            "missing {line}\n{ca:#?}"
        );
    }
    assert_eq!(
        ca.iter().filter(|l| l.contains("contact_")).count(),
        want.len()
    );
}

#[test]
fn regress_files_have_the_documented_structure() {
    let dir = tempfile::tempdir().expect("dir");
    let s = run_eo(dir.path(), "1s");
    let d = dir.path();

    let csv = std::fs::read_to_string(d.join("telemetry.csv")).expect("csv");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "time_utc,satellite,lat_deg,lon_deg,alt_km,illumination,battery_soc,array_power_w,load_power_w,computer_power_w,busy_fraction,attitude_mode,attitude_error_deg,safe_mode,station,downlink_rate_bps,downlink_queued_bytes,temp_structure_c,temp_solar_wings_c,temp_battery_c,temp_avionics_c,temp_payload_c,temp_radio_c,in_contact"
        )
    );
    assert_eq!(lines.count(), 8 * 60, "one row a minute for 8 h");

    let events = std::fs::read_to_string(d.join("events.jsonl")).expect("events");
    let mut last = s.start;
    for line in events.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("a JSON object per line");
        let t = orbit::parse_utc(v["time_utc"].as_str().expect("time_utc")).expect("a UTC time");
        assert!(v["kind"].is_string());
        assert!(t >= last, "events in time order: {last} then {t}");
        last = t;
    }

    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("summary.json")).expect("summary"))
            .expect("json");
    assert_eq!(summary["scenario_hash"].as_str().map(str::len), Some(64));
    assert_eq!(
        summary["assertions"].as_array().map(Vec::len),
        Some(s.assertions.len())
    );
    assert_eq!(summary["satellites"][0]["object_id"], "33591");

    let czml: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("scene.czml")).expect("czml"))
            .expect("json");
    let packets = czml.as_array().expect("an array");
    assert_eq!(packets[0]["id"], "document");
    let sat = packets
        .iter()
        .find(|p| p["id"] == "satellite/eo-1")
        .expect("the satellite");
    assert_eq!(sat["position"]["referenceFrame"], "FIXED");
    let samples = sat["position"]["cartesian"].as_array().expect("samples");
    assert_eq!(samples.len(), 4 * 8 * 60);
    let r = (samples[1].as_f64().unwrap().powi(2)
        + samples[2].as_f64().unwrap().powi(2)
        + samples[3].as_f64().unwrap().powi(2))
    .sqrt();
    assert!(
        (7.1e6..7.3e6).contains(&r),
        "metres from the Earth's centre: {r}"
    );
    assert!(packets.iter().any(|p| {
        p["id"]
            .as_str()
            .is_some_and(|id| id.starts_with("contact/eo-1/"))
    }));
}

#[test]
fn val_ephemeris_oem_states_are_sgp4_states() {
    let dir = tempfile::tempdir().expect("dir");
    let s = run_eo(dir.path(), "1s");
    let oem = std::fs::read_to_string(dir.path().join("ephemeris.oem")).expect("oem");
    assert!(oem.starts_with("CCSDS_OEM_VERS = 3.0\n"));
    assert!(oem.contains("OBJECT_NAME = eo-1\nOBJECT_ID = 33591\nCENTER_NAME = EARTH\nREF_FRAME = TEME\nTIME_SYSTEM = UTC\n"));
    let prop = Propagator::new(&s.satellites[0].elements).expect("sgp4");
    let mut n = 0;
    for line in oem.lines().filter(|l| l.starts_with("2018-")) {
        let f: Vec<&str> = line.split(' ').collect();
        let t = orbit::parse_utc(&format!("{}Z", f[0])).expect("time");
        let x: Vec<f64> = f[1..].iter().map(|v| v.parse().expect("number")).collect();
        let st = prop.state_at(t).expect("state");
        assert!((st.pos_teme_km - nalgebra::Vector3::new(x[0], x[1], x[2])).norm() < 1e-8);
        assert!((st.vel_teme_km_s - nalgebra::Vector3::new(x[3], x[4], x[5])).norm() < 1e-11);
        n += 1;
    }
    assert_eq!(n, 8 * 60);
}

#[test]
fn val_junit_conforms_to_the_surefire_schema() {
    if tool_missing("xmllint", "libxml2-utils") {
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    let s = shortened("brownout", "3h");
    run_into(&s, dir.path(), &RunOptions::default());
    let xsd = crate::common::root().join("scenarios/tests/data/surefire-test-report-3.0.xsd");
    let out = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&xsd)
        .arg(dir.path().join("junit.xml"))
        .output()
        .expect("xmllint runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
