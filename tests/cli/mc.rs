//! `skytwin mc`: a batch is the same bytes at any thread count, as shards merged, and after
//! SIGKILLs at random moments; reruns reproduce records; bad input exits 2, a run that cannot
//! be simulated exits 1; merge says which shard or run is missing or duplicated.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::common::{repo, run};

/// The tiny batch of `tests/data/mc-tiny.toml` (12 runs, 20 min each, seed 5).
fn tiny() -> String {
    repo("tests/data/mc-tiny.toml").display().to_string()
}

/// The files of a batch that must be byte-identical between two ways of computing it.
pub const AGGREGATE: &[&str] = &["runs.jsonl", "summary.json", "report.md", "report.html"];

fn mc(args: &[&str]) -> std::process::Output {
    let mut all = vec!["mc"];
    all.extend_from_slice(args);
    run(&all)
}

fn ok(args: &[&str]) -> String {
    let out = mc(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "skytwin mc {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Asserts that two batch directories hold the same aggregate, plots included.
pub fn same_aggregate(a: &Path, b: &Path) {
    for f in AGGREGATE {
        let (x, y) = (
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
        );
        assert!(
            x == y,
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
    let plots = |d: &Path| -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(d.join("plots"))
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(plots(a), plots(b), "plots differ");
}

fn lines(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("runs.jsonl"))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn d(t: &tempfile::TempDir, name: &str) -> PathBuf {
    t.path().join(name)
}

#[test]
fn regress_a_batch_is_the_same_at_any_thread_count_and_as_merged_shards() {
    let t = tempfile::tempdir().unwrap();
    let (one, two, shards) = (d(&t, "one"), d(&t, "two"), d(&t, "shards"));
    let out = ok(&[&tiny(), "--threads", "1", "--out", one.to_str().unwrap()]);
    assert!(out.contains("success: "), "{out}");
    ok(&[
        &tiny(),
        "--threads",
        "2",
        "--out",
        two.to_str().unwrap(),
        "--quiet",
    ]);
    same_aggregate(&one, &two);
    // shards, one through --shard and the others through the schedulers' variables
    ok(&[
        &tiny(),
        "--shard",
        "0/4",
        "--out",
        shards.to_str().unwrap(),
        "--quiet",
    ]);
    let env_run = |vars: &[(&str, &str)]| {
        let out = super::common::run_env(
            &["mc", &tiny(), "--out", shards.to_str().unwrap(), "--quiet"],
            vars,
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    env_run(&[
        ("SLURM_ARRAY_TASK_ID", "2"),
        ("SLURM_ARRAY_TASK_MIN", "1"),
        ("SLURM_ARRAY_TASK_COUNT", "4"),
    ]);
    env_run(&[
        ("AWS_BATCH_JOB_ARRAY_INDEX", "2"),
        ("AWS_BATCH_JOB_ARRAY_SIZE", "4"),
    ]);
    let out = super::common::run_env(
        &[
            "mc",
            &tiny(),
            "--out",
            shards.to_str().unwrap(),
            "--quiet",
            "--shard-count",
            "4",
        ],
        &[("JOB_COMPLETION_INDEX", "3")],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut names: Vec<String> = std::fs::read_dir(&shards)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "shard-000-of-004",
            "shard-001-of-004",
            "shard-002-of-004",
            "shard-003-of-004"
        ]
    );
    // a shard holds exactly its indices
    let s1 = lines(&shards.join("shard-001-of-004"));
    let idx: Vec<u64> = s1
        .iter()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["index"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(idx, [1, 5, 9]);
    let merged = d(&t, "merged");
    let dirs: Vec<String> = names
        .iter()
        .map(|n| shards.join(n).display().to_string())
        .collect();
    let mut args: Vec<&str> = vec!["merge"];
    args.extend(dirs.iter().map(String::as_str));
    args.extend(["--out", merged.to_str().unwrap()]);
    ok(&args);
    same_aggregate(&one, &merged);
    // the merged manifest describes the whole batch
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(merged.join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(
        (
            m["shard_index"].as_u64(),
            m["shard_count"].as_u64(),
            m["records"].as_u64()
        ),
        (Some(0), Some(1), Some(12))
    );
    assert_eq!(m["complete"], true);
}

#[test]
fn regress_records_hold_what_the_run_measured_and_reruns_reproduce_them() {
    let t = tempfile::tempdir().unwrap();
    let dir = d(&t, "b");
    ok(&[
        &tiny(),
        "--out",
        dir.to_str().unwrap(),
        "--keep",
        "2,7-8",
        "--quiet",
    ]);
    let recs: Vec<serde_json::Value> = lines(&dir)
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(recs.len(), 12);
    for (i, r) in recs.iter().enumerate() {
        assert_eq!(r["index"].as_u64(), Some(i as u64), "sorted by index");
        assert_eq!(r["status"], "ok");
        let cap = r["params"]["satellite.sat.hardware_overrides.power.battery.capacity_wh"]
            .as_f64()
            .unwrap();
        assert!((20.0..90.0).contains(&cap), "uniform[20, 90): {cap}");
        let a = r["params"]["satellite.sat.hardware_overrides.thermal.nodes.structure.surfaces.0.absorptivity"]
            .as_f64()
            .unwrap();
        assert!((0.8..=0.95).contains(&a), "truncated: {a}");
        let soc = r["assertions"]["battery stays above 0.85"]["value"]
            .as_f64()
            .unwrap();
        assert_eq!(
            r["assertions"]["battery stays above 0.85"]["passed"],
            soc >= 0.85
        );
        assert_eq!(
            r["passed"],
            soc >= 0.85 && r["assertions"]["max(temp_avionics_c) <= 60"]["passed"] == true
        );
        assert_eq!(r["envelopes"]["battery_soc"].as_array().unwrap().len(), 20);
        assert!(r["metrics"]["mean(temp_avionics_c)"].as_f64().unwrap() > -50.0);
        assert_eq!(r["outputs_sha256"].as_str().unwrap().len(), 64);
    }
    let failed: Vec<u64> = recs
        .iter()
        .filter(|r| r["passed"] == false)
        .map(|r| r["index"].as_u64().unwrap())
        .collect();
    assert!(
        !failed.is_empty() && failed.len() < 12,
        "the tiny batch has both: {failed:?}"
    );
    // kept: the --keep runs and every failed run (cap 10), each with the files of `skytwin run`
    let mut kept: Vec<u64> = std::fs::read_dir(dir.join("runs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().parse().unwrap())
        .collect();
    kept.sort_unstable();
    let mut want: Vec<u64> = [2, 7, 8]
        .into_iter()
        .chain(failed.iter().copied())
        .collect();
    want.sort_unstable();
    want.dedup();
    assert_eq!(kept, want);
    let kept_summary: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("runs/000007/summary.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(kept_summary["seed"], recs[7]["seed"]);
    assert_eq!(
        kept_summary["assertions"].as_array().unwrap().len(),
        2,
        "the metrics are not assertions"
    );
    assert_eq!(
        kept_summary["assertions"][0]["value"],
        recs[7]["assertions"]["battery stays above 0.85"]["value"],
        "the kept run measured what the record says"
    );
    // `skytwin run` of the kept run's scenario is not needed: rerun writes the same record
    std::fs::remove_dir_all(dir.join("runs/000007")).unwrap();
    let out = ok(&["rerun", dir.to_str().unwrap(), "--runs", "7,10"]);
    assert_eq!(
        out.matches("record equal to the batch's").count(),
        2,
        "{out}"
    );
    assert!(dir.join("runs/000007/telemetry.csv").exists());
    assert!(dir.join("runs/000010/events.jsonl").exists());
    let out = mc(&["rerun", dir.to_str().unwrap(), "--runs", "12"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("run 12 is not one of this batch's runs")
    );
}

#[test]
fn regress_bad_input_exits_2_and_a_run_that_cannot_be_simulated_exits_1() {
    let t = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo("tests/data/mc-tiny.toml")).unwrap();
    let write = |name: &str, s: &str| {
        let p = repo("tests/data").join(format!(".{name}-{}.toml", std::process::id()));
        std::fs::write(&p, s).unwrap();
        p
    };
    let cases = [
        (
            "path",
            text.replace("satellite.sat.mean_anomaly", "satellite.sax.mean_anomaly"),
            "(it has: sat)",
        ),
        (
            "dist",
            text.replace("\"normal\"", "\"gaussian\""),
            "unknown distribution \"gaussian\"",
        ),
        (
            "trunc",
            text.replace("min = 0.8\n", "min = 1.3\nmax2 = 0\n"),
            "unknown key `max2`",
        ),
        (
            "metric",
            text.replace("mean(temp_avionics_c)", "mean(temp_nowhere_c)"),
            "unknown telemetry quantity",
        ),
        (
            "nosection",
            text[..text.find("[monte_carlo]").unwrap()].to_string(),
            "no [monte_carlo] section",
        ),
        (
            "value",
            text.replace("min = 20.0\nmax = 90.0", "min = -90.0\nmax = -20.0"),
            "does not load",
        ),
    ];
    for (name, s, needle) in &cases {
        let p = write(name, s);
        let out = mc(&[p.to_str().unwrap(), "--out", d(&t, name).to_str().unwrap()]);
        let _ = std::fs::remove_file(&p);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(needle), "{name}: {needle:?} not in {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    // a diagnostic points at the line of the path
    let p = write("line", &cases[0].1);
    let out = mc(&[
        p.to_str().unwrap(),
        "--out",
        d(&t, "line").to_str().unwrap(),
    ]);
    let _ = std::fs::remove_file(&p);
    let line = cases[0]
        .1
        .lines()
        .position(|l| l.contains("satellite.sax"))
        .unwrap()
        + 1;
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&format!(":{line}:8")),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // some draws give an initial state of charge above 1: those runs are error runs
    let p = write(
        "errors",
        &text.replace(
            "[[monte_carlo.dispersion]]\npath = \"satellite.sat.mean_anomaly_offset_deg\"",
            "[[monte_carlo.dispersion]]\npath = \"satellite.sat.hardware_overrides.power.battery.initial_soc\"\ndistribution = \"uniform\"\nmin = 0.8\nmax = 1.1\n\n[[monte_carlo.dispersion]]\npath = \"satellite.sat.mean_anomaly_offset_deg\"",
        ),
    );
    let dir = d(&t, "errors");
    let out = mc(&[
        p.to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
        "--quiet",
    ]);
    let _ = std::fs::remove_file(&p);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("could not be simulated") && err.contains("initial_soc"),
        "{err}"
    );
    let sum: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
    let errors = sum["error_runs"].as_u64().unwrap();
    assert!(errors > 0 && errors < 12, "{errors}");
    assert_eq!(sum["completed"].as_u64().unwrap() + errors, 12);
    assert_eq!(sum["success"]["of"].as_u64(), sum["completed"].as_u64());
    // another batch into the same directory is refused
    let out = mc(&[&tiny(), "--out", dir.to_str().unwrap(), "--seed", "6"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds another batch"));
    // no --runs anywhere
    let p = write("noruns", &text.replace("runs = 12\n", ""));
    let out = mc(&[
        p.to_str().unwrap(),
        "--out",
        d(&t, "noruns").to_str().unwrap(),
    ]);
    let _ = std::fs::remove_file(&p);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--runs"));
}

#[test]
fn regress_merge_says_which_shard_or_run_is_missing_or_duplicated() {
    let t = tempfile::tempdir().unwrap();
    let base = d(&t, "s");
    for i in 0..3 {
        ok(&[
            &tiny(),
            "--shard",
            &format!("{i}/3"),
            "--out",
            base.to_str().unwrap(),
            "--quiet",
        ]);
    }
    let s = |i: u64| {
        base.join(format!("shard-{i:03}-of-003"))
            .display()
            .to_string()
    };
    let out_dir = d(&t, "m").display().to_string();
    let bad = |dirs: Vec<String>, needle: &str| {
        let mut args = vec!["merge".to_string()];
        args.extend(dirs);
        args.extend(["--out".to_string(), out_dir.clone()]);
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = mc(&a);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(needle), "{needle:?} not in {err}");
    };
    bad(vec![s(0), s(2)], "shard(s) 1 of 3 missing");
    bad(vec![s(0), s(1), s(1), s(2)], "duplicated: shard 1");
    // a shard of another batch
    let other = d(&t, "o");
    ok(&[
        &tiny(),
        "--seed",
        "9",
        "--shard",
        "1/3",
        "--out",
        other.to_str().unwrap(),
        "--quiet",
    ]);
    bad(
        vec![
            s(0),
            other.join("shard-001-of-003").display().to_string(),
            s(2),
        ],
        "not shards of the same batch (seed 9 vs 5)",
    );
    // a shard whose records were altered after it finished
    let f = base.join("shard-002-of-003/runs.jsonl");
    let text = std::fs::read_to_string(&f).unwrap();
    std::fs::write(&f, text.replacen("\"ok\"", "\"ok\" ", 1)).unwrap();
    bad(
        vec![s(0), s(1), s(2)],
        "does not match the hash in its manifest",
    );
    std::fs::write(&f, &text).unwrap();
    ok(&["merge", &s(0), &s(1), &s(2), "--out", &out_dir]);
}

/// A small deterministic generator for the kill times (xorshift64*).
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

#[test]
fn regress_a_batch_killed_at_random_moments_resumes_to_the_uninterrupted_result() {
    let t = tempfile::tempdir().unwrap();
    let (whole, killed) = (d(&t, "whole"), d(&t, "killed"));
    let args = |dir: &Path| -> Vec<String> {
        [
            "mc",
            &tiny(),
            "--runs",
            "40",
            "--threads",
            "2",
            "--quiet",
            "--out",
            dir.to_str().unwrap(),
        ]
        .iter()
        .map(|s| (*s).to_string())
        .collect()
    };
    let t0 = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_skytwin"))
        .args(&args(&whole)[..])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let full_ms = t0.elapsed().as_millis().max(50) as u64;
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
        | 1;
    eprintln!("kill times from xorshift seed {seed} (uninterrupted batch: {full_ms} ms)");
    let mut rng = XorShift(seed);
    let mut kills = 0;
    for attempt in 0..60 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_skytwin"))
            .args(&args(&killed)[..])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let wait_ms = rng.next() % (full_ms * 11 / 10);
        std::thread::sleep(Duration::from_millis(wait_ms));
        match child.try_wait().unwrap() {
            Some(status) => {
                let err = child.wait_with_output().unwrap().stderr;
                assert!(
                    status.success(),
                    "attempt {attempt}: {}",
                    String::from_utf8_lossy(&err)
                );
                if kills >= 8 {
                    break;
                }
                // finished before the kill: start over, to kill it again
                std::fs::remove_dir_all(&killed).unwrap();
            }
            None => {
                child.kill().unwrap(); // SIGKILL
                child.wait().unwrap();
                kills += 1;
                // sometimes tear the last record as a kill in the middle of a write would
                let journal = killed.join("runs.jsonl");
                if rng.next().is_multiple_of(3)
                    && let Ok(text) = std::fs::read_to_string(&journal)
                    && text.len() > 10
                {
                    let cut = text.len() - 1 - (rng.next() as usize % (text.len() / 4).max(1));
                    std::fs::write(&journal, &text[..cut]).unwrap();
                }
            }
        }
    }
    assert!(kills >= 5, "only {kills} kills landed");
    // the same command finishes it
    let out = Command::new(env!("CARGO_BIN_EXE_skytwin"))
        .args(&args(&killed)[..])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    same_aggregate(&whole, &killed);
}

#[test]
fn regress_example_eo_cubesat_mc_runs_a_small_batch() {
    let t = tempfile::tempdir().unwrap();
    let dir = d(&t, "eo");
    let out = ok(&[
        "eo-cubesat-mc",
        "--runs",
        "2",
        "--threads",
        "2",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(out.contains("eo-cubesat-mc: 2 runs of 2"), "{out}");
    let sum: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
    assert_eq!(sum["completed"], 2);
    assert_eq!(sum["assertions"].as_array().unwrap().len(), 5);
    assert_eq!(sum["metrics"].as_array().unwrap().len(), 3);
    assert_eq!(sum["parameters"].as_array().unwrap().len(), 7);
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(
        html.matches("<svg").count() >= 8 + 3,
        "histograms and envelopes inline"
    );
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "self-contained"
    );
    let recs = lines(&dir);
    let r: serde_json::Value = serde_json::from_str(&recs[1]).unwrap();
    let interval = r["params"]["app.eo-imager.args.1"].as_i64().unwrap();
    assert!([45, 60, 90].contains(&interval));
    assert!(
        r["metrics"]["total(downlinked_bytes, app=eo-imager)"]
            .as_f64()
            .unwrap()
            > 0.0
    );
}
