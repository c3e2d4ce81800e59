//! `skytwin propagate` streams its rows in bounded chunks of work: the bytes written do not
//! depend on the chunk size (the hidden `--chunk-rows`) nor on the number of threads.

use super::common::{repo, run_env, sample_tle, temp_dir};
use orbit::{Duration, Propagator, format_utc, load_elements};
use std::path::Path;

/// Vallado's 28872 (decays at 55 min) beside the bundled sets.
fn mixed_file(dir: &Path) -> String {
    let bundled = std::fs::read_to_string(repo("assets/elements/sample.tle")).unwrap();
    let path = dir.join("mixed.tle");
    std::fs::write(
        &path,
        format!(
            "MINOTAUR R/B\n\
             1 28872U 05037B   05333.02012661  .25992681  00000-0  24476-3 0  1534\n\
             2 28872  96.4736 157.9986 0303955 244.0492 110.6523 16.46015938 10708\n\
             {bundled}"
        ),
    )
    .unwrap();
    path.display().to_string()
}

/// stdout and stderr of a run.
fn outputs(args: &[&str], chunk_rows: &str, threads: &str) -> (Vec<u8>, String) {
    let mut all = args.to_vec();
    all.extend(["--chunk-rows", chunk_rows]);
    let out = run_env(&all, &[("RAYON_NUM_THREADS", threads)]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{all:?}: {stderr}");
    (out.stdout, stderr)
}

#[test]
fn regress_output_is_identical_at_any_chunk_size_and_thread_count() {
    let dir = temp_dir();
    let file = mixed_file(dir.path());
    let f = file.as_str();
    let cases: [&[&str]; 5] = [
        // 71 rows per object, 28872 stops at its 56th row
        &["propagate", "--elements", f, "--end", "epoch+70m"],
        // OEM: segment headers need the last good row before the rows
        &[
            "propagate",
            "--elements",
            f,
            "--format",
            "oem",
            "--end",
            "epoch+70m",
            "--step",
            "20s",
        ],
        // 28872 fails at its first row: no segment, one warning
        &[
            "propagate",
            "--elements",
            f,
            "--format",
            "oem",
            "--start",
            "epoch+55m",
            "--end",
            "epoch+70m",
            "--step",
            "10s",
        ],
        &[
            "propagate",
            "--elements",
            f,
            "--frame",
            "geodetic",
            "--end",
            "epoch+60m",
            "--step",
            "7s",
        ],
        &[
            "propagate",
            "--elements",
            f,
            "--frame",
            "itrf",
            "--format",
            "oem",
            "--start",
            "epoch+50m",
            "--end",
            "epoch+56m",
            "--step",
            "0.5s",
        ],
    ];
    for args in cases {
        // one unit holds a whole object: the computation as it was before chunking
        let (reference, warnings) = outputs(args, "1000000", "1");
        assert_eq!(warnings.lines().count(), 1, "{args:?}: {warnings}");
        assert!(warnings.contains("28872"), "{warnings}");
        assert!(reference.len() > 1000);
        for chunk_rows in ["1", "2", "7", "64"] {
            for threads in ["1", "2", "3"] {
                let (out, err) = outputs(args, chunk_rows, threads);
                assert!(
                    out == reference,
                    "{args:?}: --chunk-rows {chunk_rows}, {threads} threads: different output"
                );
                assert_eq!(
                    err, warnings,
                    "{args:?}: --chunk-rows {chunk_rows}, {threads} threads"
                );
            }
        }
    }
}

#[test]
fn regress_oem_segment_stops_at_the_last_good_row_of_a_long_object() {
    // 28872 over 70 min at 10 s: 421 rows, far more than one batch of one-row chunks, so its
    // failure is found by the pre-scan before the header is written
    let dir = temp_dir();
    let file = mixed_file(dir.path());
    let args = [
        "propagate",
        "--elements",
        &file,
        "--format",
        "oem",
        "--end",
        "epoch+70m",
        "--step",
        "10s",
    ];
    let (out, warnings) = outputs(&args, "1", "2");
    // the first row the library cannot propagate
    let set = load_elements(Path::new(&file)).unwrap().remove(0);
    let prop = Propagator::new(&set).unwrap();
    let t = |k: i64| set.epoch + Duration::from_seconds(10.0 * k as f64);
    let failing = (0..).find(|&k| prop.state_at(t(k)).is_err()).unwrap();
    assert!((300..330).contains(&failing), "{failing}");
    let oem_time = |k: i64| format_utc(t(k)).trim_end_matches('Z').to_owned();
    let text = String::from_utf8(out).unwrap();
    let segment = text.split("META_START").nth(1).unwrap();
    assert!(segment.contains("OBJECT_NAME = MINOTAUR R/B"), "{segment}");
    assert!(
        segment.contains(&format!("START_TIME = {}\n", oem_time(0))),
        "{segment}"
    );
    assert!(
        segment.contains(&format!("STOP_TIME = {}\n", oem_time(failing - 1))),
        "{segment}"
    );
    let rows: Vec<&str> = segment.lines().filter(|l| l.starts_with("2005-")).collect();
    assert_eq!(rows.len() as i64, failing);
    assert!(rows.last().unwrap().starts_with(&oem_time(failing - 1)));
    assert!(
        warnings.contains(&format!("stopped after {failing} rows")),
        "{warnings}"
    );
}

#[test]
fn regress_chunk_rows_must_be_positive() {
    let out = run_env(
        &[
            "propagate",
            "--elements",
            &sample_tle(),
            "--chunk-rows",
            "0",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("invalid value '0' for '--chunk-rows"),
        "{stderr}"
    );
}
