#!/usr/bin/env python3
"""A plain Python baseline for `skytwin mc`: one day of the eo-cubesat orbit and power model
at 1 s steps, written as a mission engineer would in Python (python-sgp4 + NumPy), one run
after another. It is the part of a skytwin run that a quick Python study would model: SGP4
(NOAA 19's elements, as eo-cubesat), the Sun, a conical Earth shadow, the cubesat-6u solar
panels (area x packing x efficiency x cos(incidence) x illumination, nadir pointing: the
panels face zenith) and the battery (charge/discharge efficiency, charge-rate limit, floor),
with the always-on loads. No thermal network, attitude dynamics, apps, link budgets or
events: skytwin's runs do all of that as well.

    python3 benches/mc_python_baseline.py --runs 3          # prints seconds per run (CPU)

Used by benches/mc_runs_per_hour.py, which times `skytwin mc` in the same session.
"""
import argparse
import json
import math
import pathlib
import time

import numpy as np
from sgp4.api import Satrec, jday

ROOT = pathlib.Path(__file__).resolve().parent.parent
AU_KM = 149_597_870.7
R_EARTH_KM = 6378.137
R_SUN_KM = 696_000.0
SOLAR_CONSTANT_W_M2 = 1361.0

# cubesat-6u (hardware-models/src/template/mod.rs)
PANELS_M2 = [0.0827 * 0.70, 0.034 * 0.62, 0.034 * 0.62]   # area x packing
CELL_EFFICIENCY = 0.295
REGULATOR_EFFICIENCY = 0.92
CAPACITY_WH = 77.0
CHARGE_EFF, DISCHARGE_EFF = 0.95, 0.95
MAX_CHARGE_W = 38.5
MIN_SOC = 0.2
ALWAYS_ON_LOAD_W = 0.3 + 1.2 + 0.6 + 0.4   # eps, obc, adcs, uhf rx


def noaa19():
    lines = (ROOT / "assets/elements/sample.tle").read_text().splitlines()
    for i, line in enumerate(lines):
        if line.startswith("1 33591"):
            return Satrec.twoline2rv(lines[i], lines[i + 1])
    raise SystemExit("NOAA 19 not in sample.tle")


def sun_teme_km(jd):
    """Low-precision Sun (Astronomical Almanac, ~0.01 deg), mean equator of date."""
    n = jd - 2451545.0
    L = math.radians((280.460 + 0.9856474 * n) % 360.0)
    g = math.radians((357.528 + 0.9856003 * n) % 360.0)
    lam = L + math.radians(1.915) * math.sin(g) + math.radians(0.020) * math.sin(2 * g)
    eps = math.radians(23.439 - 0.0000004 * n)
    r = (1.00014 - 0.01671 * math.cos(g) - 0.00014 * math.cos(2 * g)) * AU_KM
    return np.array([r * math.cos(lam), r * math.cos(eps) * math.sin(lam), r * math.sin(eps) * math.sin(lam)])


def illumination(r_sat, r_sun):
    """Conical shadow: the fraction of the solar disc seen past the Earth's disc."""
    to_sun = r_sun - r_sat
    d_sun = np.linalg.norm(to_sun)
    d_earth = np.linalg.norm(r_sat)
    a = math.asin(min(1.0, R_SUN_KM / d_sun))       # apparent radius of the Sun
    b = math.asin(min(1.0, R_EARTH_KM / d_earth))   # of the Earth
    c = math.acos(np.clip(np.dot(-r_sat, to_sun) / (d_earth * d_sun), -1.0, 1.0))
    if c >= a + b:
        return 1.0
    if c <= b - a:
        return 0.0
    if c <= a - b:
        return 1.0 - (b * b) / (a * a)
    x = (c * c + a * a - b * b) / (2 * c)
    y = math.sqrt(max(a * a - x * x, 0.0))
    overlap = a * a * math.acos(x / a) + b * b * math.acos((c - x) / b) - c * y
    return 1.0 - overlap / (math.pi * a * a)


def one_day(sat, start_jd, start_fr, steps=86_400, dt_s=1.0):
    soc = 0.9
    min_soc = soc
    for k in range(steps):
        fr = start_fr + k * dt_s / 86_400.0
        err, r, _v = sat.sgp4(start_jd, fr)
        if err:
            raise SystemExit(f"sgp4 error {err}")
        r = np.array(r)
        r_sun = sun_teme_km(start_jd + fr)
        lit = illumination(r, r_sun)
        zenith = r / np.linalg.norm(r)
        s_hat = (r_sun - r) / np.linalg.norm(r_sun - r)
        cos_inc = max(0.0, float(np.dot(zenith, s_hat)))
        array_w = SOLAR_CONSTANT_W_M2 * sum(PANELS_M2) * CELL_EFFICIENCY * cos_inc * lit
        net_w = array_w * REGULATOR_EFFICIENCY - ALWAYS_ON_LOAD_W
        if net_w > 0:
            energy_wh = min(net_w, MAX_CHARGE_W) * CHARGE_EFF * dt_s / 3600.0
        else:
            energy_wh = net_w / DISCHARGE_EFF * dt_s / 3600.0
        soc = min(1.0, max(MIN_SOC, soc + energy_wh / CAPACITY_WH))
        min_soc = min(min_soc, soc)
    return min_soc, soc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    sat = noaa19()
    jd, fr = jday(2018, 1, 20, 6, 0, 0.0)
    times = []
    for _ in range(args.runs):
        t0 = time.thread_time()
        one_day(sat, jd, fr)
        times.append(time.thread_time() - t0)
    print(json.dumps({"cpu_s_per_run": times, "best_cpu_s": min(times),
                      "numpy": np.__version__}))


if __name__ == "__main__":
    main()
