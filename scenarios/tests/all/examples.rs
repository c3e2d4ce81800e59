//! The bundled example scenarios: each runs, and its assertions come out as designed;
//! runs are byte-identical at any thread count.

use std::collections::BTreeMap;
use std::path::Path;

use scenarios::outputs::OutputWriter;
use scenarios::{Run, RunOptions, RunResult, Scenario};

use crate::common::{cache, hv};

/// Runs `s` into `dir` and returns the result.
pub fn run_into(s: &Scenario, dir: &Path, opts: &RunOptions) -> RunResult {
    let mut run = Run::new(s, hv(), opts).expect("simulation");
    let mut w = OutputWriter::create(dir, s).expect("outputs");
    run.run_to_end(&mut w).expect("run");
    let r = run.finish(&mut w).expect("finish");
    w.finish(s, &r).expect("files");
    r
}

fn example(name: &str) -> Scenario {
    scenarios::load_example(name, hv(), cache()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A bundled example with its duration replaced (to keep a test short).
pub fn shortened(name: &str, duration: &str) -> Scenario {
    let (_, path) = scenarios::files::EXAMPLES
        .iter()
        .find(|e| e.0 == name)
        .expect("example");
    let text =
        String::from_utf8(std::fs::read(crate::common::root().join(path)).expect("example file"))
            .expect("utf-8");
    let line = text
        .lines()
        .find(|l| l.starts_with("duration"))
        .expect("duration line");
    let text = text.replacen(line, &format!("duration = \"{duration}\""), 1);
    let base = crate::common::root().join("scenarios/examples");
    scenarios::load_text(path, text, &base, &scenarios::files::Disk, hv(), cache())
        .unwrap_or_else(|e| panic!("{e}"))
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| {
            let e = e.expect("entry");
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("file"),
            )
        })
        .collect()
}

fn assert_passes(name: &str) {
    let s = example(name);
    let dir = tempfile::tempdir().expect("tempdir");
    let r = run_into(&s, dir.path(), &RunOptions::default());
    let report: Vec<String> = r
        .outcomes
        .iter()
        .map(scenarios::outputs::outcome_text)
        .collect();
    assert!(r.passed(), "{name}:\n{}", report.join("\n"));
    let written = files(dir.path());
    for f in [
        "telemetry.csv",
        "events.jsonl",
        "summary.json",
        "junit.xml",
        "ephemeris.oem",
        "scene.czml",
    ] {
        assert!(
            written.get(f).is_some_and(|b| !b.is_empty()),
            "{name}: {f} missing or empty"
        );
    }
}

#[test]
fn regress_example_eo_cubesat_meets_its_assertions() {
    assert_passes("eo-cubesat");
}

#[test]
fn regress_example_walker_relay_meets_its_assertions() {
    assert_passes("walker-relay");
}

#[test]
fn regress_example_faults_recovers() {
    assert_passes("faults");
}

#[test]
fn regress_example_brownout_fails_as_designed() {
    let s = example("brownout");
    let dir = tempfile::tempdir().expect("tempdir");
    let r = run_into(&s, dir.path(), &RunOptions::default());
    assert!(!r.passed());
    let failed: Vec<&str> = r
        .outcomes
        .iter()
        .filter(|o| !o.passed)
        .map(|o| o.name.as_str())
        .collect();
    assert!(failed.contains(&"battery stays above 50 %"), "{failed:?}");
    assert!(failed.contains(&"never in safe mode"), "{failed:?}");
    assert!(r.totals[0].safe_mode_entries >= 1);
    let junit = std::fs::read_to_string(dir.path().join("junit.xml")).expect("junit");
    assert!(junit.contains("failures=\"2\""), "{junit}");
    assert!(
        junit.contains("<failure message=\"count(safe_mode_entry) = "),
        "{junit}"
    );
}

#[test]
fn regress_same_scenario_and_seed_give_identical_files_at_any_thread_count() {
    let s = shortened("walker-relay", "40m");
    let (a, b) = (
        tempfile::tempdir().expect("a"),
        tempfile::tempdir().expect("b"),
    );
    run_into(
        &s,
        a.path(),
        &RunOptions {
            seed: None,
            threads: Some(1),
        },
    );
    run_into(
        &s,
        b.path(),
        &RunOptions {
            seed: None,
            threads: Some(2),
        },
    );
    let (fa, fb) = (files(a.path()), files(b.path()));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (name, bytes) in &fa {
        assert!(bytes == &fb[name], "{name} differs between 1 and 2 threads");
    }
}

/// Runs `s` into `dir` one step at a time ([`Run::step`]: commands, faults, one simulation
/// step, its records), never in blocks.
fn run_step_by_step(s: &Scenario, dir: &Path, opts: &RunOptions) -> RunResult {
    let mut run = Run::new(s, hv(), opts).expect("simulation");
    let mut w = OutputWriter::create(dir, s).expect("outputs");
    while !run.done() {
        run.step(&mut w).expect("step");
    }
    let r = run.finish(&mut w).expect("finish");
    w.finish(s, &r).expect("files");
    r
}

/// `run_to_end` takes blocks of steps with the satellites running apart between the commands
/// and faults; its files must be those of stepping one step at a time. The faults example has
/// commands, timed and random faults and an outage inside the span, so blocks end early at
/// each; eo-cubesat adds captures and image processing. (sim-core's tests cover one thread.)
#[test]
fn regress_blocks_of_steps_write_what_single_steps_write() {
    for (name, duration) in [("faults", "7h"), ("eo-cubesat", "2h")] {
        let s = shortened(name, duration);
        for threads in [2] {
            let opts = RunOptions {
                seed: None,
                threads: Some(threads),
            };
            let (a, b) = (
                tempfile::tempdir().expect("a"),
                tempfile::tempdir().expect("b"),
            );
            run_step_by_step(&s, a.path(), &opts);
            run_into(&s, b.path(), &opts);
            let (fa, fb) = (files(a.path()), files(b.path()));
            assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
            for (file, bytes) in &fa {
                assert!(
                    bytes == &fb[file],
                    "{name}, {threads} threads: {file} differs between steps and blocks"
                );
            }
        }
    }
}

/// A command a second after every minute while a 6U downlinks its beacon through six
/// stations: blocks end at each command, and during contacts a downlink completes at that
/// instant. The
/// command's event must come after the downlink's, as it does step by step.
#[test]
fn regress_blocks_keep_the_order_of_events_at_the_same_instant() {
    let stations = [
        ("Svalbard", 78.23, 15.41),
        ("Kiruna", 67.86, 20.96),
        ("Fairbanks", 64.98, -147.50),
        ("Wallops", 37.94, -75.47),
        ("Hartebeesthoek", -25.89, 27.69),
        ("Santiago", -33.15, -70.67),
    ];
    let mut text = String::from(
        "start = \"2018-01-20T06:00:00Z\"\nduration = \"3h\"\nstep = \"1s\"\n\n\
         [[satellite]]\nname = \"sat\"\nelements = \"../../assets/elements/sample.tle\"\n\
         object = \"33591\"\nhardware = \"cubesat-6u\"\n\n\
         [[app]]\nimage = \"../../assets/apps/beacon.wasm\"\n\n",
    );
    for (name, lat, lon) in stations {
        text.push_str(&format!(
            "[[station]]\nname = \"{name}\"\nlat_deg = {lat}\nlon_deg = {lon}\n\n"
        ));
    }
    // the beacon queues a packet at each whole minute, delivered at the end of that step
    for minute in 1..180 {
        let at_s = 60 * minute + 1;
        text.push_str(&format!(
            "[[command]]\nat = \"+{at_s}s\"\nsatellite = \"sat\"\naction = \"app_command\"\n\
             app = \"beacon\"\ntext = \"ping\"\n\n"
        ));
    }
    let s = crate::common::load(&text).unwrap_or_else(|e| panic!("{e}"));
    let opts = RunOptions {
        seed: None,
        threads: Some(2),
    };
    let (a, b) = (
        tempfile::tempdir().expect("a"),
        tempfile::tempdir().expect("b"),
    );
    run_step_by_step(&s, a.path(), &opts);
    run_into(&s, b.path(), &opts);
    let events = |dir: &Path| std::fs::read_to_string(dir.join("events.jsonl")).expect("events");
    let (ea, eb) = (events(a.path()), events(b.path()));
    // the case the test is for: a command at the instant a downlink completes
    let lines: Vec<&str> = ea.lines().collect();
    let time = |l: &str| {
        l.split("\"time_utc\":\"")
            .nth(1)
            .map(|r| r[..20].to_string())
    };
    assert!(
        lines
            .windows(2)
            .any(|w| w[0].contains("\"kind\":\"downlinked\"")
                && w[1].contains("\"kind\":\"command_queued\"")
                && time(w[0]) == time(w[1])),
        "no command at the instant of a downlink: the scenario does not test the order"
    );
    assert!(ea == eb, "events.jsonl differs between steps and blocks");
}

/// The telemetry rows of a run: time, satellite and the named columns.
fn telemetry_column(dir: &Path, column: &str) -> Vec<(String, f64)> {
    let text = std::fs::read_to_string(dir.join("telemetry.csv")).expect("telemetry");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let k = header.iter().position(|h| *h == column).expect("column");
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[k].parse().unwrap_or(f64::NAN))
        })
        .collect()
}

#[test]
fn regress_component_failures_take_effect() {
    // every solar panel loses all its output at +1h; a reaction wheel fails at +1h
    let text = crate::common::with_header(
        r#"[[fault]]
kind = "solar_string"
satellite = "sat"
panel = "body_minus_z"
fraction = 1.0
at = "+1h"

[[fault]]
kind = "solar_string"
satellite = "sat"
panel = "wing_plus_y"
fraction = 1.0
at = "+1h"

[[fault]]
kind = "solar_string"
satellite = "sat"
panel = "wing_minus_y"
fraction = 1.0
at = "+1h"

[[fault]]
kind = "wheel_failure"
satellite = "sat"
wheel = "rw_x"
at = "+1h"

[output]
telemetry_interval = "60s"
"#,
    )
    .replace("duration = \"10m\"", "duration = \"4h\"");
    let s = crate::common::load(&text).unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().expect("dir");
    run_into(&s, dir.path(), &RunOptions::default());
    let power = telemetry_column(dir.path(), "array_power_w");
    let (before, after): (Vec<_>, Vec<_>) = power
        .iter()
        .partition(|(t, _)| t.as_str() < "2018-01-20T07:00:01");
    assert!(
        before.iter().any(|(_, p)| *p > 1.0),
        "the arrays deliver power before the fault"
    );
    assert!(
        after.iter().all(|(_, p)| *p == 0.0),
        "no array power after every string failed"
    );
    let error = telemetry_column(dir.path(), "attitude_error_deg");
    let worst_before = error
        .iter()
        .filter(|(t, _)| t.as_str() < "2018-01-20T07:00:00")
        .map(|x| x.1)
        .fold(0.0, f64::max);
    let worst_after = error
        .iter()
        .filter(|(t, _)| t.as_str() > "2018-01-20T07:00:00")
        .map(|x| x.1)
        .fold(0.0, f64::max);
    assert!(
        worst_before < 1.0,
        "nadir pointing holds with three wheels: {worst_before}"
    );
    assert!(
        worst_after > 5.0 * worst_before.max(0.1),
        "one axis lost with the x wheel: {worst_after}"
    );
    let events = std::fs::read_to_string(dir.path().join("events.jsonl")).expect("events");
    assert_eq!(events.matches("\"kind\":\"fault_injected\"").count(), 4);
    assert!(
        events.contains("\"what\":\"wheel_failure\",\"wheel\":\"rw_x\"")
            || events.contains("\"wheel\":\"rw_x\"")
    );
}
