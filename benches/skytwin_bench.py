"""What the benchmark scripts share: the machine they ran on, and one timed `skytwin run`."""

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def machine():
    """CPU model (lscpu), core count and load averages (1, 5, 15 min)."""
    model = "unknown"
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    return model, os.cpu_count(), os.getloadavg()


def print_machine(when="before"):
    model, cores, load = machine()
    print(f"machine: {model}, {cores} cores; load average {when}: "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}", flush=True)


def children_cpu_s():
    """User + system CPU time of the finished children of this process."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_skytwin(binary, scenario, threads=1, ok_codes=(0,)):
    """One `skytwin run SCENARIO --threads N --quiet` into a temporary directory.

    Returns the command, steps, simulated seconds, the child's CPU time (user + sys, whole
    process), its wall time, the run loop's wall time from host.json (stepping and writing,
    without loading the scenario and compiling the apps), and summary.json.
    """
    out = Path(tempfile.mkdtemp(prefix="skytwin-bench-"))
    try:
        cmd = [str(binary), "run", str(scenario), "--out", str(out / "run"),
               "--threads", str(threads), "--quiet"]
        cpu0, wall0 = children_cpu_s(), time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.perf_counter() - wall0
        cpu = children_cpu_s() - cpu0
        if proc.returncode not in ok_codes:
            sys.exit(f"{' '.join(cmd)} exited with {proc.returncode}:\n{proc.stderr}")
        host = json.loads((out / "run" / "host.json").read_text())
        summary = json.loads((out / "run" / "summary.json").read_text())
        return {
            "command": " ".join(cmd),
            "steps": summary["steps"],
            "simulated_s": summary["steps"] * summary["step_s"],
            "cpu_s": cpu,
            "wall_s": wall,
            "loop_wall_s": host["wall_s"],
            "summary": summary,
        }
    finally:
        shutil.rmtree(out, ignore_errors=True)
