#!/usr/bin/env python3
"""SGP4 on a 30 000-object catalogue: skytwin against python-sgp4, both sides in one run.

1. Runs the criterion benchmark `benches/sgp4_catalogue.rs` (`cargo bench --bench
   sgp4_catalogue`), which writes the catalogue it propagates to
   `$CARGO_TARGET_DIR/bench-data/catalogue.tle` (30 000 objects, 2 lines each) and skytwin's
   states of the first 1 000 objects at 5 of the times to `reference_states.csv`.
2. Checks python-sgp4 against those states: every state within 1 mm and 1 um/s, and every
   failure the same failure (Vallado's error code). Any disagreement, or a missing row, ends
   the script with exit code 1 after the report.
3. Times python-sgp4's vectorised `SatrecArray` on the same TLEs (`Satrec.twoline2rv`, WGS-72,
   improved mode: python-sgp4's defaults, the same model as skytwin's `Sgp4Mode::Improved`)
   and the same 1 440 one-minute times (2024-03-01T00:00Z + k min), in chunks of 1 000
   objects as the Rust side, best of `--repeat` runs, wall clock and the thread's CPU time.
   Like the Rust side it writes into result arrays allocated once and reused for every chunk
   (`SatrecArray._sgp4(jd, fr, e, r, v)`, which the public `sgp4(jd, fr)` calls after
   allocating fresh arrays); the public call is timed too, for reference.
4. Prints skytwin's criterion estimates (wall time on 1 thread and on all threads, CPU time on
   1 thread, per orbit class), python-sgp4's, and the ratios (skytwin / python-sgp4: below 1
   means skytwin is faster).

usage: python3 benches/sgp4_vs_python.py [--repeat N] [--skip-bench] [-- CRITERION ARGS]

`--skip-bench` reuses the last criterion results and bench data in the target directory (after
a bench run of its own); arguments after `--` go to criterion (e.g. `-- --quick` for a fast
smoke run whose figures mean little). The target directory is `$CARGO_TARGET_DIR`, else
`target/` at the repository root.

requires: pip install -r benches/requirements.txt   (sgp4 with its compiled extension, numpy)
"""
import argparse
import csv
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from sgp4 import __version__ as sgp4_version
from sgp4.api import Satrec, SatrecArray, accelerated, jday

REPO = Path(__file__).resolve().parents[1]
STEPS = 1440
CHUNK = 1000
CLASS_OBJECTS = 1000
CLASSES = [('leo', range(0, 14)), ('meo', range(14, 16)), ('geo', range(16, 18)),
           ('heo', range(18, 20))]
# agreement required of every reference state (the project's SGP4 contract, as for Vallado's
# verification set)
TOLERANCE_KM = 1e-6
TOLERANCE_KM_S = 1e-9


def target_dir():
    return Path(os.environ.get('CARGO_TARGET_DIR', REPO / 'target'))


def run_bench(criterion_args):
    command = ['cargo', 'bench', '--bench', 'sgp4_catalogue', '--'] + criterion_args
    print('$ ' + ' '.join(command), flush=True)
    subprocess.run(command, cwd=REPO, check=True)


def criterion_estimate(*path):
    """(mean, lower, upper) of criterion's estimate in ns per element (propagation)."""
    base = target_dir().joinpath('criterion', *path, 'new')
    estimates = json.loads((base / 'estimates.json').read_text())
    throughput = json.loads((base / 'benchmark.json').read_text())['throughput']
    elements = throughput['Elements']
    mean = estimates['mean']
    interval = mean['confidence_interval']
    return (mean['point_estimate'] / elements, interval['lower_bound'] / elements,
            interval['upper_bound'] / elements)


def load_catalogue(data):
    lines = (data / 'catalogue.tle').read_text().split('\n')
    return [Satrec.twoline2rv(lines[i], lines[i + 1]) for i in range(0, len(lines) - 1, 2)]


def the_times():
    """2024-03-01T00:00Z + k minutes as whole JD and fraction."""
    jd0, fr0 = jday(2024, 3, 1, 0, 0, 0.0)
    return np.full(STEPS, jd0), fr0 + np.arange(STEPS) / 1440.0


def cross_check(data, sats, jd, fr):
    """Compares python-sgp4 with skytwin's reference states; returns (rows, problems, worst
    position km, worst velocity km/s)."""
    by_id = {s.satnum: s for s in sats}
    problems = []
    rows = 0
    worst_r = worst_v = 0.0
    with open(data / 'reference_states.csv', newline='') as f:
        for row in csv.DictReader(f):
            rows += 1
            sat = by_id[int(row['object_id'])]
            minute = int(row['minute'])
            e, r, v = sat.sgp4(jd[minute], fr[minute])
            ours = int(row['error'])
            where = f"object {row['object_id']} minute {minute}"
            if ours != 0 or e != 0:
                # both must fail the same way (a decay, error 6, comes with python-sgp4's state)
                if ours != e:
                    problems.append(f'{where}: skytwin error {ours}, python-sgp4 error {e}')
                continue
            dr = math.dist(r, [float(row[k]) for k in ('x_km', 'y_km', 'z_km')])
            dv = math.dist(v, [float(row[k]) for k in ('vx_km_s', 'vy_km_s', 'vz_km_s')])
            worst_r, worst_v = max(worst_r, dr), max(worst_v, dv)
            if not (dr <= TOLERANCE_KM and dv <= TOLERANCE_KM_S):
                problems.append(f'{where}: |dr| {dr * 1e6:.6f} mm, |dv| {dv * 1e9:.6f} um/s')
    expected_rows = 1000 * 5
    if rows != expected_rows:
        problems.append(f'reference_states.csv holds {rows} rows, expected {expected_rows}')
    return rows, problems, worst_r, worst_v


def best_of(repeat, run):
    """Best wall and thread-CPU seconds of `repeat` calls of run()."""
    best = best_cpu = float('inf')
    for _ in range(repeat):
        t, c = time.perf_counter(), time.thread_time()
        run()
        best = min(best, time.perf_counter() - t)
        best_cpu = min(best_cpu, time.thread_time() - c)
    return best, best_cpu


def time_python(sats, jd, fr, repeat):
    """ns per propagation: {name: (wall, cpu)} for the catalogue and each class."""
    arrays = [SatrecArray(sats[i:i + CHUNK]) for i in range(0, len(sats), CHUNK)]
    # result arrays for one chunk, allocated once (as the Rust side's buffer)
    e = np.empty((CHUNK, STEPS), 'uint8')
    r = np.empty((CHUNK, STEPS, 3), 'float64')
    v = np.empty((CHUNK, STEPS, 3), 'float64')
    failed = 0

    def reused(chunks):
        nonlocal failed
        failed = 0
        for a in chunks:
            n = len(a)
            a._sgp4(jd, fr, e[:n], r[:n], v[:n])
            failed += int(np.count_nonzero(e[:n]))

    def allocating():
        for a in arrays:
            a.sgp4(jd, fr)

    out = {}
    n = len(sats) * STEPS
    wall, cpu = best_of(repeat, lambda: reused(arrays))
    out['catalogue'] = (wall / n * 1e9, cpu / n * 1e9)
    out['failed'] = failed
    wall, cpu = best_of(repeat, allocating)
    out['catalogue, public sgp4()'] = (wall / n * 1e9, cpu / n * 1e9)
    for name, classes in CLASSES:
        subset = [s for i, s in enumerate(sats) if i % 20 in classes][:CLASS_OBJECTS]
        chunk = [SatrecArray(subset)]
        m = len(subset) * STEPS
        wall, cpu = best_of(repeat, lambda chunk=chunk: reused(chunk))
        out[name] = (wall / m * 1e9, cpu / m * 1e9)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument('--skip-bench', action='store_true')
    parser.add_argument('criterion_args', nargs='*')
    args = parser.parse_args()
    if not accelerated:
        sys.exit('python-sgp4 is not using its compiled C++ code; install a wheel with it')
    if not args.skip_bench:
        run_bench(args.criterion_args)

    data = target_dir() / 'bench-data'
    sats = load_catalogue(data)
    jd, fr = the_times()
    rows, problems, worst_r, worst_v = cross_check(data, sats, jd, fr)
    print(f'\ncross-check, python-sgp4 {sgp4_version} against skytwin on {rows} reference '
          f'rows: max |dr| {worst_r * 1e6:.4f} mm, max |dv| {worst_v * 1e9:.4f} um/s, '
          f'{len(problems)} disagreements (tolerance {TOLERANCE_KM * 1e6:g} mm, '
          f'{TOLERANCE_KM_S * 1e9:g} um/s, same failures)')
    for p in problems[:20]:
        print('  ' + p)
    if problems:
        sys.exit(1)

    py = time_python(sats, jd, fr, args.repeat)
    rust_1 = criterion_estimate('sgp4_catalogue', 'threads', '1')
    threads = sorted(int(p.name) for p in
                     target_dir().joinpath('criterion', 'sgp4_catalogue', 'threads').iterdir()
                     if p.name.isdigit())
    rust_all = criterion_estimate('sgp4_catalogue', 'threads', str(threads[-1]))
    rust_cpu = criterion_estimate('sgp4_cpu', 'threads_1', 'catalogue')

    print(f'\n{len(sats)} objects x {STEPS} steps, ns per propagation '
          f'(skytwin: criterion mean [95 % interval]; python-sgp4: best of {args.repeat}, '
          f'{py["failed"]} failed propagations)')
    print(f'  skytwin, 1 thread, wall         {rust_1[0]:7.1f} [{rust_1[1]:.1f}, {rust_1[2]:.1f}]')
    print(f'  skytwin, 1 thread, CPU          {rust_cpu[0]:7.1f} [{rust_cpu[1]:.1f}, '
          f'{rust_cpu[2]:.1f}]')
    print(f'  skytwin, {threads[-1]} threads, wall        {rust_all[0]:7.1f} '
          f'[{rust_all[1]:.1f}, {rust_all[2]:.1f}]  (scaling {rust_1[0] / rust_all[0]:.2f}x)')
    wall, cpu = py['catalogue']
    print(f'  python-sgp4, reused arrays      {wall:7.1f} wall, {cpu:.1f} thread CPU')
    pub_wall, pub_cpu = py['catalogue, public sgp4()']
    print(f'  python-sgp4, public sgp4()      {pub_wall:7.1f} wall, {pub_cpu:.1f} thread CPU')
    print(f'ratio skytwin / python-sgp4, 1 thread: wall {rust_1[0] / wall:.3f}, '
          f'CPU {rust_cpu[0] / cpu:.3f}')

    print('\nby orbit class (1 000 objects each, 1 thread, CPU time, ns per propagation):')
    for name, _ in CLASSES:
        ours = criterion_estimate('sgp4_cpu', 'threads_1', name)[0]
        theirs = py[name][1]
        print(f'  {name}: skytwin {ours:6.1f}, python-sgp4 {theirs:6.1f}, '
              f'ratio {ours / theirs:.3f}')


if __name__ == '__main__':
    main()
