//! `skytwin run` and `skytwin validate`: exit codes, what is written where, and that bad
//! input leaves nothing behind.

use crate::common::{repo, run};

fn example(name: &str) -> String {
    repo(&format!("scenarios/examples/{name}.toml"))
        .display()
        .to_string()
}

#[test]
fn regress_run_exit_codes_and_outputs() {
    let dir = tempfile::tempdir().unwrap();
    // brownout fails its assertions on purpose: exit 1, the failures printed with value and bound
    let out_dir = dir.path().join("brownout");
    let out = run(&[
        "run",
        &example("brownout"),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("FAIL never in safe mode: "), "{stdout}");
    assert!(stdout.contains("(expected == 0)"), "{stdout}");
    // cloud-screen computes for most of the run (55 % of it): the summary names it
    assert!(
        stdout.contains("cpu hog: cloud-screen on eo-small held the CPU for "),
        "{stdout}"
    );
    let junit = std::fs::read_to_string(out_dir.join("junit.xml")).unwrap();
    assert!(junit.contains("<failure message="), "{junit}");
    for f in [
        "telemetry.csv",
        "events.jsonl",
        "summary.json",
        "junit.xml",
        "ephemeris.oem",
        "scene.czml",
        "host.json",
    ] {
        assert!(out_dir.join(f).is_file(), "{f}");
    }
    // no temporary files left
    let names: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
}

#[test]
fn regress_run_quiet_prints_nothing_on_success() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("short.toml");
    std::fs::write(
        &scenario,
        format!(
            "start = \"2018-01-20T06:00:00Z\"\nduration = \"20m\"\n[[satellite]]\nname = \"s\"\nelements = \"{}\"\nobject = \"33591\"\n[[assert]]\ncheck = \"min(battery_soc) > 0.1\"\n",
            repo("assets/elements/sample.tle").display()
        ),
    )
    .unwrap();
    let out_dir = dir.path().join("out");
    let out = run(&[
        "run",
        scenario.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
        "--quiet",
        "--threads",
        "1",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let summary = std::fs::read_to_string(out_dir.join("summary.json")).unwrap();
    assert!(summary.contains("\"passed\": true"), "{summary}");
}

#[test]
fn regress_bad_scenario_exits_2_with_location_and_leaves_no_directory() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("bad.toml");
    std::fs::write(
        &scenario,
        "start = \"2018-01-20T06:00:00Z\"\nduration = \"1h\"\n[[satellite]]\nname = \"s\"\nelements = \"missing.tle\"\n[[station]]\nname = \"X\"\nlat_deg = 91\nlon_deg = 0\n",
    )
    .unwrap();
    let out_dir = dir.path().join("out");
    let out = run(&[
        "run",
        scenario.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("bad.toml:5:12"), "{stderr}");
    assert!(stderr.contains("bad.toml:8:11"), "{stderr}");
    assert!(stderr.contains("^^"), "{stderr}");
    assert!(stderr.contains("the scenario has 2 problems"), "{stderr}");
    assert!(!out_dir.exists());
    // validate says the same, with the same exit code
    let out = run(&["validate", scenario.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.toml:8:11"));
}

#[test]
fn regress_validate_accepts_every_example() {
    for name in ["eo-cubesat", "walker-relay", "brownout", "faults"] {
        let out = run(&["validate", &example(name)]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains("valid"), "{stdout}");
    }
    // a bundled example by name works from any directory
    let out = run(&["validate", "walker-relay"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("13 satellites"));
}
