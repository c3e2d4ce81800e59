#!/usr/bin/env python3
"""Satellite-steps per second of `skytwin run` for 1, 10, 100 and 1,000 satellites, on 1 and
2 threads, and the 100-satellite constellation flown for a whole day on 2 threads.

Builds nothing: give it a release `skytwin` binary.

    cargo build --release --locked
    python3 benches/scaling.py --skytwin target/release/skytwin

Each scenario is generated here (written to a temporary directory, printed with --print):
a Walker-delta constellation at 550 km and 53° (T/P/1, planes of up to 50 satellites; T/1/0 for one satellite), every
satellite a `cubesat-6u` with all its models and the `beacon` app, the five stations of
assets/stations.csv with a 5° mask, telemetry every 60 s, 1 s steps. The simulated time
shrinks as the constellation grows (a 1,000-satellite run flies 10 minutes), so that each run
has 0.2-0.6 million satellite-steps.

A satellite-step is one satellite advanced by one 1 s step. The rate is given on the run
loop's wall time (host.json: stepping, events and files, without loading the scenario and
compiling the app), and per thread-second of CPU time: the process's user + sys time less
that of the same scenario flown for one step (loading, compiling, instantiating and writing
the outputs once).
"""

import argparse
import tempfile
from pathlib import Path

from skytwin_bench import ROOT, print_machine, run_skytwin

ASSETS = ROOT / "assets"
# (satellites, planes, simulated duration)
RUNS = [(1, 1, "2d"), (10, 2, "6h"), (100, 10, "1h"), (1000, 20, "10m")]
DAY_RUN = (100, 10, "1d")
STATIONS = [  # assets/stations.csv
    ("Svalbard", 78.2297722, 15.4077861, 500.0),
    ("Kiruna", 67.8571278, 20.964325, 402.2),
    ("Fairbanks", 64.97800207, -147.49923767, 319.0),
    ("Wallops", 37.940194, -75.466389, 10.0),
    ("Hartebeesthoek", -25.88975199, 27.68539261, 1415.0),
]


def walker_scenario(total, planes, duration):
    """A Walker-delta constellation of `total` 6U cubesats, each with the beacon app."""
    lines = [
        f'name = "walker-{total}"',
        f'description = "Walker 53°: {total}/{planes}/{1 if planes > 1 else 0} at 550 km, beacon on every satellite"',
        'start = "2018-01-20T06:00:00Z"',
        f'duration = "{duration}"',
        'step = "1s"',
        "seed = 1",
        "",
        "[[walker]]",
        'name = "w"',
        "inclination_deg = 53.0",
        "altitude_km = 550.0",
        f"total = {total}",
        f"planes = {planes}",
        f"phasing = {1 if planes > 1 else 0}",  # F < P
        'hardware = "cubesat-6u"',
    ]
    for name, lat, lon, alt in STATIONS:
        lines += ["", "[[station]]", f'name = "{name}"', f"lat_deg = {lat}", f"lon_deg = {lon}",
                  f"alt_m = {alt}", "min_elevation_deg = 5"]
    lines += ["", "[[app]]", f'image = "{ASSETS / "apps" / "beacon.wasm"}"',
              "", "[output]", 'telemetry_interval = "60s"', ""]
    return "\n".join(lines)


def write_scenario(directory, total, planes, duration):
    path = Path(directory) / f"walker-{total}-{duration}.toml"
    path.write_text(walker_scenario(total, planes, duration))
    return path


def measure(binary, directory, total, planes, duration, threads):
    """One run, and the one-step run that measures its fixed costs."""
    run = run_skytwin(binary, write_scenario(directory, total, planes, duration), threads)
    fixed = run_skytwin(binary, write_scenario(directory, total, planes, "1s"), threads)
    sat_steps = total * run["steps"]
    stepping_cpu_s = max(run["cpu_s"] - fixed["cpu_s"], 1e-9)
    return {
        "satellites": total,
        "threads": threads,
        "duration": duration,
        "steps": run["steps"],
        "wall_s": run["wall_s"],
        "loop_wall_s": run["loop_wall_s"],
        "cpu_s": run["cpu_s"],
        "fixed_cpu_s": fixed["cpu_s"],
        "per_s_wall": sat_steps / run["loop_wall_s"],
        "per_cpu_s": sat_steps / stepping_cpu_s,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--skytwin", required=True, type=Path, help="a release skytwin binary")
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--satellites", type=int, nargs="+", default=[n for n, _, _ in RUNS])
    ap.add_argument("--skip-day", action="store_true", help="leave out the 100-satellite day")
    ap.add_argument("--print", action="store_true", help="print the generated scenarios")
    args = ap.parse_args()

    print_machine("before")
    with tempfile.TemporaryDirectory(prefix="skytwin-scaling-") as tmp:
        if args.print:
            for total, planes, duration in RUNS + [DAY_RUN]:
                print(f"--- {total} satellites, {duration}\n{walker_scenario(total, planes, duration)}")
        print("| satellites | simulated | threads | run loop wall | process CPU (one-step run) "
              "| satellite-steps/s (wall) | satellite-steps per CPU-s |")
        print("|---|---|---|---|---|---|---|")
        for total, planes, duration in RUNS:
            if total not in args.satellites:
                continue
            for threads in args.threads:
                r = measure(args.skytwin, tmp, total, planes, duration, threads)
                print(f"| {total} | {duration} ({r['steps']} steps) | {threads} "
                      f"| {r['loop_wall_s']:.2f} s | {r['cpu_s']:.2f} s ({r['fixed_cpu_s']:.2f} s) "
                      f"| {r['per_s_wall']:,.0f} | {r['per_cpu_s']:,.0f} |", flush=True)
        if not args.skip_day:
            total, planes, duration = DAY_RUN
            r = run_skytwin(args.skytwin, write_scenario(tmp, total, planes, duration), 2)
            print(f"{total} satellites with apps, one day, 2 threads: {r['command']}")
            print(f"  wall {r['wall_s']:.1f} s (run loop {r['loop_wall_s']:.1f} s; target < 30 s), "
                  f"CPU {r['cpu_s']:.1f} s, "
                  f"{total * r['steps'] / r['loop_wall_s']:,.0f} satellite-steps/s", flush=True)
    print_machine("after")


if __name__ == "__main__":
    main()
