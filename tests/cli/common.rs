//! Running the binary and reading its CSV output.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Path of a file in the repository.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The bundled 3LE file (ISS, NOAA 19, MOLNIYA 1-63, GOES 16; January 2018).
pub fn sample_tle() -> String {
    repo("assets/elements/sample.tle").display().to_string()
}

/// The Skyfield golden window.
pub const START: &str = "2018-01-20T06:00:00Z";
pub const END: &str = "2018-01-21T18:00:00Z";

/// Runs `skytwin` with arguments (and a fixed SOURCE_DATE_EPOCH).
pub fn run(args: &[&str]) -> Output {
    run_env(args, &[])
}

/// Runs `skytwin` with arguments and extra environment variables.
pub fn run_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_skytwin"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .envs(env.iter().copied())
        .output()
        .expect("run skytwin")
}

/// Asserts bad input: exit code 2, nothing on stdout, no panic, and every needle in the
/// message; returns stderr.
pub fn expect_bad(args: &[&str], needles: &[&str]) -> String {
    let out = run(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.stdout.is_empty(), "{args:?} wrote output");
    for n in needles {
        assert!(stderr.contains(n), "{args:?}: {n:?} not in {stderr}");
    }
    stderr
}

/// Runs and expects success; returns stdout.
pub fn ok(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "skytwin {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    String::from_utf8(out.stdout).unwrap()
}

/// Header and rows of CSV text (no quoting in our outputs).
pub fn csv(text: &str) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .expect("header")
        .split(',')
        .map(str::to_owned)
        .collect();
    let rows = lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(str::to_owned))
                .collect()
        })
        .collect();
    (header, rows)
}

/// A temporary directory.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}
