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
