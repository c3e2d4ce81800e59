//! `skytwin view`: finds and runs the viewer binary, or says how to build it.

use std::process::Command;

/// A copy of `skytwin` in a directory of its own, run with an empty PATH: no viewer anywhere.
#[test]
fn view_without_the_viewer_says_how_to_build_it() {
    let dir = tempfile::tempdir().unwrap();
    let exe = dir.path().join("skytwin");
    std::fs::copy(env!("CARGO_BIN_EXE_skytwin"), &exe).unwrap();
    let out = Command::new(&exe)
        .args(["view", "eo-cubesat", "--screenshot", "x.png"])
        .env("PATH", "")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("cargo build --release -p visualizer"),
        "{stderr}"
    );
    assert!(stderr.contains("skytwin-view"), "{stderr}");
    assert!(!stderr.contains("panicked"));
}

/// A stand-in viewer on PATH (a shell script that prints its arguments and exits 3) receives
/// the arguments unchanged, `--help` included, and its exit code comes back.
#[cfg(unix)]
#[test]
fn view_passes_arguments_and_exit_code_through() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let exe = dir.path().join("skytwin");
    std::fs::copy(env!("CARGO_BIN_EXE_skytwin"), &exe).unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let viewer = bin.join("skytwin-view");
    std::fs::write(&viewer, "#!/bin/sh\nprintf '%s|' \"$@\"\nexit 3\n").unwrap();
    std::fs::set_permissions(&viewer, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = Command::new(&exe)
        .args(["view", "my scenario.toml", "--help", "--at", "+90m"])
        .env("PATH", &bin)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "my scenario.toml|--help|--at|+90m|"
    );
}
