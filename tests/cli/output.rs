//! `--out`: a regular file (or none yet) is replaced atomically, through symbolic links and
//! keeping its permissions, owner and hard links; FIFOs, devices and descriptor aliases are
//! written through. Opening fails: exit code 2; writing fails: exit code 1; both name
//! `--out PATH`.
#![cfg(unix)]

use super::common::{START, expect_bad, ok, run, sample_tle, temp_dir};
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

/// Arguments of a small run, writing to `out` (or stdout).
fn args(out: Option<&str>) -> Vec<String> {
    let mut a: Vec<String> = [
        "propagate",
        "--elements",
        &sample_tle(),
        "--start",
        START,
        "--end",
        "2018-01-20T06:10:00Z",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if let Some(out) = out {
        a.extend(["--out".to_owned(), out.to_owned()]);
    }
    a
}

fn to_stdout() -> String {
    let a = args(None);
    ok(&a.iter().map(String::as_str).collect::<Vec<_>>())
}

fn run_out(out: &Path) -> std::process::Output {
    let a = args(Some(&out.display().to_string()));
    run(&a.iter().map(String::as_str).collect::<Vec<_>>())
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    n.sort();
    n
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo");
    assert!(status.success());
}

fn is_fifo(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata(path)
        .map(|m| m.file_type().is_fifo())
        .unwrap_or(false)
}

#[test]
fn regress_out_through_a_symlink_replaces_the_target_and_keeps_the_link() {
    let expected = to_stdout();
    let dir = temp_dir();
    let real = dir.path().join("real.csv");
    std::fs::write(&real, "old\n").unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join("link.csv");
    symlink("real.csv", &link).unwrap();
    let out = run_out(&link);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta = std::fs::symlink_metadata(&link).unwrap();
    assert!(
        meta.file_type().is_symlink(),
        "the link was replaced by a file"
    );
    assert_eq!(std::fs::read_link(&link).unwrap(), Path::new("real.csv"));
    assert_eq!(std::fs::read_to_string(&real).unwrap(), expected);
    assert_eq!(mode(&real), 0o640, "permissions of the target kept");
    assert_eq!(
        names(dir.path()),
        ["link.csv", "real.csv"],
        "no temporary file left"
    );
    // a dangling link: its target is created, the link stays
    let dangling = dir.path().join("later.csv");
    symlink("new.csv", &dangling).unwrap();
    assert!(run_out(&dangling).status.success());
    assert!(
        std::fs::symlink_metadata(&dangling)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("new.csv")).unwrap(),
        expected
    );
}

#[test]
fn regress_out_keeps_permissions_owner_and_hard_links() {
    let expected = to_stdout();
    let dir = temp_dir();
    // two names for one file: written in place, both names see the result
    let a = dir.path().join("a.csv");
    let b = dir.path().join("b.csv");
    std::fs::write(
        &a,
        "old contents, longer than nothing at all\n".repeat(10_000),
    )
    .unwrap();
    std::fs::set_permissions(&a, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::hard_link(&a, &b).unwrap();
    let inode = std::fs::metadata(&a).unwrap().ino();
    assert!(run_out(&a).status.success());
    assert_eq!(std::fs::read_to_string(&a).unwrap(), expected);
    assert_eq!(std::fs::read_to_string(&b).unwrap(), expected);
    let meta = std::fs::metadata(&a).unwrap();
    assert_eq!((meta.ino(), meta.nlink()), (inode, 2));
    assert_eq!(mode(&a), 0o600);
    // one name: replaced atomically, permissions kept
    let c = dir.path().join("c.csv");
    std::fs::write(&c, "old\n").unwrap();
    std::fs::set_permissions(&c, std::fs::Permissions::from_mode(0o604)).unwrap();
    assert!(run_out(&c).status.success());
    assert_eq!(std::fs::read_to_string(&c).unwrap(), expected);
    assert_eq!(mode(&c), 0o604);
    // another owner (only when this test may give files away, i.e. as root): kept
    if std::os::unix::fs::chown(&c, Some(4242), Some(4243)).is_ok() {
        assert!(run_out(&c).status.success());
        let meta = std::fs::metadata(&c).unwrap();
        assert_eq!((meta.uid(), meta.gid()), (4242, 4243));
        assert_eq!(std::fs::read_to_string(&c).unwrap(), expected);
    }
    assert_eq!(names(dir.path()), ["a.csv", "b.csv", "c.csv"]);
}

#[test]
fn regress_out_to_a_fifo_writes_through() {
    let expected = to_stdout();
    let dir = temp_dir();
    let fifo = dir.path().join("pipe");
    mkfifo(&fifo);
    let (tx, rx) = mpsc::channel();
    let reader = fifo.clone();
    std::thread::spawn(move || {
        let _ = tx.send(std::fs::read_to_string(&reader));
    });
    let out = run_out(&fifo);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(is_fifo(&fifo), "the FIFO was replaced");
    // (a guard against hanging, not a timing assertion)
    let read = rx
        .recv_timeout(Duration::from_secs(120))
        .expect("the reader got nothing");
    assert_eq!(read.unwrap(), expected);
}

#[test]
fn regress_out_descriptor_alias_writes_to_that_descriptor() {
    let expected = to_stdout();
    let a = args(Some("/dev/fd/1"));
    assert_eq!(
        ok(&a.iter().map(String::as_str).collect::<Vec<_>>()),
        expected
    );
}

#[test]
fn regress_out_write_error_is_exit_1_naming_out() {
    let dir = temp_dir();
    let fifo = dir.path().join("pipe");
    mkfifo(&fifo);
    // a reader that goes away at once: writing fails with EPIPE
    let reader = fifo.clone();
    std::thread::spawn(move || drop(std::fs::File::open(&reader)));
    let f = fifo.display().to_string();
    let out = run(&["propagate", "--elements", &sample_tle(), "--out", &f]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("--out {f}: cannot write")),
        "{stderr}"
    );
    assert!(stderr.contains("os error"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(is_fifo(&fifo));
}

#[test]
fn regress_out_that_cannot_be_created_is_bad_input_naming_out() {
    let tle = sample_tle();
    let dir = temp_dir();
    let missing = dir.path().join("no/such/dir/out.csv");
    let m = missing.display().to_string();
    expect_bad(
        &["propagate", "--elements", &tle, "--out", &m],
        &[&format!("--out {m}: directory"), "does not exist"],
    );
    let d = dir.path().display().to_string();
    expect_bad(
        &["propagate", "--elements", &tle, "--out", &d],
        &[&format!("--out {d}: is a directory")],
    );
    let mut unwritable = 0;
    // sysfs refuses new files to everyone, root included
    if Path::new("/sys/kernel").is_dir() {
        expect_bad(
            &[
                "propagate",
                "--elements",
                &tle,
                "--out",
                "/sys/skytwin-out.csv",
            ],
            &["--out /sys/skytwin-out.csv: cannot create a file in /sys: "],
        );
        unwritable += 1;
    }
    // a read-only directory (root may write there anyway: then this case says nothing)
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    if std::fs::File::create(ro.join("probe")).is_err() {
        let o = ro.join("out.csv").display().to_string();
        expect_bad(
            &["propagate", "--elements", &tle, "--out", &o],
            &[
                &format!("--out {o}: cannot create a file in"),
                "ermission denied",
            ],
        );
        unwritable += 1;
    }
    assert!(unwritable > 0, "no unwritable directory to test with");
}
