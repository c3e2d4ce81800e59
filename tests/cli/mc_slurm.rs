//! The Slurm path of `docs/cluster.md`, on a real one-node Slurm cluster started here
//! (`tools/slurm/one-node.sh`: Debian's slurm-wlm and munge, as root): the documented array
//! script as 4 tasks and the dependent merge, checked against a one-process batch.
//!
//! Skipped only where Slurm cannot be installed (not root, or no apt-get), saying so on
//! stderr; with SKYTWIN_CI=1 (CI) it fails instead of skipping.

use std::io::Write as _;
use std::path::Path;
use std::process::Command;

use super::common::repo;
use super::mc::same_aggregate;

fn sh(cmd: &mut Command) -> (bool, String) {
    let out = cmd.output().expect("spawn");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn slurm_installable() -> Result<(), String> {
    let (root, id) = sh(Command::new("id").arg("-u"));
    if !root || id.trim() != "0" {
        return Err("not root".to_string());
    }
    let has = |b: &str| {
        sh(Command::new("sh").args(["-c", &format!("command -v {b} || test -x /usr/sbin/{b}")])).0
    };
    let installed = has("sbatch") && has("slurmctld") && has("munged");
    if !installed && !has("apt-get") {
        return Err("slurm-wlm is not installed and there is no apt-get to install it".to_string());
    }
    Ok(())
}

fn controller_up() -> bool {
    sh(Command::new("sh").args(["-c", "scontrol ping 2>/dev/null | grep -q 'is UP'"])).0
}

#[test]
fn val_slurm_job_array_and_dependent_merge_equal_a_one_process_batch() {
    // the page documents exactly the scripts that are submitted
    let doc = std::fs::read_to_string(repo("docs/cluster.md")).unwrap();
    for f in ["tools/slurm/mc-array.sbatch", "tools/slurm/mc-merge.sbatch"] {
        let script = std::fs::read_to_string(repo(f)).unwrap();
        assert!(
            doc.contains(&script),
            "docs/cluster.md does not hold {f} verbatim"
        );
    }
    if let Err(why) = slurm_installable() {
        assert!(
            std::env::var_os("SKYTWIN_CI").is_none(),
            "CI must run the Slurm test, but: {why}"
        );
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED val_slurm_job_array_and_dependent_merge_equal_a_one_process_batch: {why}"
        );
        return;
    }
    let started_here = !controller_up();
    let recipe = repo("tools/slurm/one-node.sh");
    let (ok, log) = sh(Command::new("bash").arg(&recipe));
    assert!(ok, "one-node Slurm did not start:\n{log}");
    let result = std::panic::catch_unwind(|| submit_and_check(&recipe));
    if started_here {
        let _ = sh(Command::new("bash").arg(&recipe).arg("--stop"));
    }
    if let Err(p) = result {
        std::panic::resume_unwind(p);
    }
}

fn submit_and_check(recipe: &Path) {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("results");
    let scenario = repo("tests/data/mc-tiny.toml").display().to_string();
    let bin = env!("CARGO_BIN_EXE_skytwin");
    let sbatch = |args: &[&str]| -> String {
        let (ok, text) = sh(Command::new("sbatch")
            .env("SKYTWIN", bin)
            .env(
                "PATH",
                format!(
                    "{}:/usr/sbin:/usr/bin:/sbin:/bin",
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            .arg("--parsable")
            .arg(format!("--chdir={}", t.path().display()))
            .args(args));
        assert!(ok, "sbatch {args:?}: {text}");
        text.trim().split(';').next().unwrap().to_string()
    };
    let array = repo("tools/slurm/mc-array.sbatch").display().to_string();
    let merge = repo("tools/slurm/mc-merge.sbatch").display().to_string();
    let out_s = out.display().to_string();
    let jid = sbatch(&["--array=0-3", &array, &scenario, "12", "5", &out_s]);
    let mid = sbatch(&[&format!("--dependency=afterok:{jid}"), &merge, &out_s]);
    for job in [&jid, &mid] {
        let (ok, text) = sh(Command::new("bash")
            .arg(recipe)
            .args(["--wait-job", job, "600"]));
        let logs: Vec<String> = std::fs::read_dir(t.path())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".log"))
            .map(|e| {
                format!(
                    "{}:\n{}",
                    e.path().display(),
                    std::fs::read_to_string(e.path()).unwrap_or_default()
                )
            })
            .collect();
        assert!(ok, "job {job}: {text}\n{}", logs.join("\n"));
    }
    // four array tasks, four shard directories, each of its own task's log
    let logs = std::fs::read_dir(t.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(&format!("skytwin-mc-{jid}_"))
        })
        .count();
    assert_eq!(logs, 4, "array task logs");
    for i in 0..4 {
        assert!(
            out.join(format!("shard-{i:03}-of-004/manifest.json"))
                .exists(),
            "shard {i}"
        );
    }
    // the one-process batch of the same scenario and seed
    let one = t.path().join("one");
    let o = Command::new(bin)
        .args([
            "mc", &scenario, "--runs", "12", "--seed", "5", "--quiet", "--out",
        ])
        .arg(&one)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    same_aggregate(&one, &out.join("merged"));
}
