#!/usr/bin/env python3
"""Runs per hour of `skytwin mc` on the one-day eo-cubesat (the bundled eo-cubesat-mc batch)
with 1 and 2 threads, and the plain Python baseline of the same orbit + power model
(benches/mc_python_baseline.py) in the same session. Results for docs/BENCHMARKS.md.

    cargo build --release --bin skytwin
    python3 benches/mc_runs_per_hour.py --runs-1 6 --runs-2 12 --python-runs 3

Each skytwin batch goes to a fresh temporary directory; wall time is measured around the
whole command (loading, compiling the app images once, all runs, the aggregate and report),
CPU time from the child's rusage. The Python baseline's time is the thread CPU time of one
run, best of --python-runs.
"""
import argparse
import json
import os
import pathlib
import platform
import resource
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def skytwin_binary():
    target = os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target"))
    path = pathlib.Path(target) / "release" / "skytwin"
    if not path.exists():
        raise SystemExit(f"{path} missing: cargo build --release --bin skytwin")
    return path


def batch(binary, runs, threads):
    with tempfile.TemporaryDirectory() as d:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        out = subprocess.run(
            [str(binary), "mc", "eo-cubesat-mc", "--runs", str(runs), "--threads", str(threads),
             "--seed", "1", "--out", d, "--quiet"],
            capture_output=True, text=True)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if out.returncode != 0:
            raise SystemExit(f"skytwin mc failed ({out.returncode}): {out.stderr}")
        summary = json.loads((pathlib.Path(d) / "summary.json").read_text())
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return {"runs": runs, "threads": threads, "wall_s": wall, "cpu_s": cpu,
                "runs_per_hour": runs * 3600.0 / wall,
                "completed": summary["completed"], "success": summary["success"]["probability"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs-1", type=int, default=6)
    ap.add_argument("--runs-2", type=int, default=12)
    ap.add_argument("--python-runs", type=int, default=3)
    args = ap.parse_args()
    binary = skytwin_binary()
    load = os.getloadavg()
    one = batch(binary, args.runs_1, 1)
    two = batch(binary, args.runs_2, 2)
    py = subprocess.run([sys.executable, str(ROOT / "benches/mc_python_baseline.py"),
                         "--runs", str(args.python_runs)], capture_output=True, text=True, check=True)
    py = json.loads(py.stdout)
    py_per_hour = 3600.0 / py["best_cpu_s"]
    result = {
        "machine": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "load_average_before": load,
        "skytwin_1_thread": one,
        "skytwin_2_threads": two,
        "scaling_2_over_1": two["runs_per_hour"] / one["runs_per_hour"],
        "python_baseline": {"best_cpu_s_per_run": py["best_cpu_s"], "runs_per_hour_per_core": py_per_hour,
                            "numpy": py["numpy"]},
        "skytwin_per_core_over_python": one["runs_per_hour"] / py_per_hour,
    }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
