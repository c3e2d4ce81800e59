#!/usr/bin/env python3
"""Times python-sgp4's vectorised SatrecArray on the same catalogue as the Rust benchmark.

The Rust benchmark `benches/sgp4_catalogue.rs` writes the catalogue it propagates to
`target/bench-data/catalogue.tle` (30 000 objects, 2 lines each) and reference states to
`target/bench-data/reference_states.csv`; run it first (any invocation of the bench binary
writes them, e.g. `cargo bench --bench sgp4_catalogue`).

This script loads the same TLEs with `Satrec.twoline2rv` (WGS-72, improved mode: python-sgp4's
defaults, the same model as skytwin's `Sgp4Mode::Improved`), propagates every object to the
same 1 440 one-minute times (2024-03-01T00:00Z + k min) with `SatrecArray.sgp4(jd, fr)` in
chunks of 1 000 objects (as the Rust side does, to bound memory), and reports the best of
`--repeat` runs in ns per propagation (wall clock, and the thread's CPU time, which other
jobs on a shared machine disturb less), then the same per orbit class (the first 1 000 objects
of each class, as the bench's `sgp4_class` group). It also checks its states against the Rust
reference states and prints the largest difference.

usage: python3 benches/compare_python_sgp4.py [--repeat N] [--target-dir DIR]
requires: pip install sgp4 numpy   (measured with sgp4 2.27, numpy 2.4)
"""
import argparse
import os
import sys
import time

import numpy as np
from sgp4 import __version__ as sgp4_version
from sgp4.api import Satrec, SatrecArray, accelerated, jday

STEPS = 1440
CHUNK = 1000
CLASS_OBJECTS = 1000
CLASSES = [('leo', range(0, 14)), ('meo', range(14, 16)), ('geo', range(16, 18)), ('heo', range(18, 20))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument('--target-dir', default=os.environ.get(
        'CARGO_TARGET_DIR', os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'target')))
    args = parser.parse_args()
    data = os.path.join(args.target_dir, 'bench-data')
    lines = open(os.path.join(data, 'catalogue.tle')).read().split('\n')
    sats = [Satrec.twoline2rv(lines[i], lines[i + 1]) for i in range(0, len(lines) - 1, 2)]
    if not accelerated:
        sys.exit('python-sgp4 is not using its compiled C++ code; install a wheel with the extension')

    # times: 2024-03-01T00:00Z + k minutes, as a whole JD and a fraction
    jd0, fr0 = jday(2024, 3, 1, 0, 0, 0.0)
    jd = np.full(STEPS, jd0)
    fr = fr0 + np.arange(STEPS) / 1440.0
    arrays = [SatrecArray(sats[i:i + CHUNK]) for i in range(0, len(sats), CHUNK)]

    best = best_cpu = float('inf')
    failed = 0
    for _ in range(args.repeat):
        t, c = time.perf_counter(), time.thread_time()
        failed = 0
        for a in arrays:
            e, r, v = a.sgp4(jd, fr)
            failed += int(np.count_nonzero(e))
        best = min(best, time.perf_counter() - t)
        best_cpu = min(best_cpu, time.thread_time() - c)
    n = len(sats) * STEPS
    print(f'python-sgp4 {sgp4_version} SatrecArray: {len(sats)} objects x {STEPS} steps, '
          f'best of {args.repeat}: {best:.2f} s = {best / n * 1e9:.1f} ns/propagation '
          f'(thread CPU time {best_cpu / n * 1e9:.1f} ns; {failed} failed propagations)')

    # per orbit class: the first CLASS_OBJECTS objects of each class (by i mod 20, as the
    # Rust bench's `sgp4_class` group selects them), one SatrecArray each
    for name, classes in CLASSES:
        subset = [s for i, s in enumerate(sats) if i % 20 in classes][:CLASS_OBJECTS]
        a = SatrecArray(subset)
        best_c = best_c_cpu = float('inf')
        for _ in range(args.repeat):
            t, c = time.perf_counter(), time.thread_time()
            a.sgp4(jd, fr)
            best_c = min(best_c, time.perf_counter() - t)
            best_c_cpu = min(best_c_cpu, time.thread_time() - c)
        m = len(subset) * STEPS
        print(f'  class {name}: {len(subset)} objects, best of {args.repeat}: '
              f'{best_c / m * 1e9:.1f} ns/propagation (thread CPU time {best_c_cpu / m * 1e9:.1f} ns)')

    # cross-check with the Rust reference states
    ref = os.path.join(data, 'reference_states.csv')
    worst_r = worst_v = 0.0
    rows = 0
    by_id = {s.satnum: s for s in sats}
    for line in open(ref).read().splitlines()[1:]:
        f = line.split(',')
        sat = by_id[int(f[0])]
        minute = int(f[1])
        e, r, v = sat.sgp4(jd[minute], fr[minute])
        if e:
            continue
        rr = np.array([float(x) for x in f[2:5]])
        vv = np.array([float(x) for x in f[5:8]])
        worst_r = max(worst_r, float(np.linalg.norm(np.array(r) - rr)))
        worst_v = max(worst_v, float(np.linalg.norm(np.array(v) - vv)))
        rows += 1
    print(f'cross-check with skytwin on {rows} states: max |dr| {worst_r * 1e6:.3f} mm, '
          f'max |dv| {worst_v * 1e9:.3f} um/s')


if __name__ == '__main__':
    main()
