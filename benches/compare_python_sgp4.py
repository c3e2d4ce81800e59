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
`--repeat` runs in ns per propagation. It also checks its states against the Rust reference
states and prints the largest difference.

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

    best = float('inf')
    failed = 0
    for _ in range(args.repeat):
        t = time.perf_counter()
        failed = 0
        for a in arrays:
            e, r, v = a.sgp4(jd, fr)
            failed += int(np.count_nonzero(e))
        best = min(best, time.perf_counter() - t)
    n = len(sats) * STEPS
    print(f'python-sgp4 {sgp4_version} SatrecArray: {len(sats)} objects x {STEPS} steps, '
          f'best of {args.repeat}: {best:.2f} s = {best / n * 1e9:.1f} ns/propagation '
          f'({failed} failed propagations)')

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
