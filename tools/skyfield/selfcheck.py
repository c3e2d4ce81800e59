#!/usr/bin/env python3
"""Plausibility checks of the Skyfield golden data, independent of Skyfield (numpy only).

    python3 tools/skyfield/selfcheck.py

Reads orbit/tests/data/skyfield/ and checks, printing the numbers it measures:
  * itrs.csv is reproduced from teme.csv by R3(-GMST82(UT1)) and polar motion W(xp, yp),
    using only the UT1-UTC, xp, yp columns of the file (what the Rust tests will do);
  * those UT1-UTC, xp, yp columns are the linear interpolation of finals2000A.subset;
  * geodetic.csv matches an exact (iterated to convergence) WGS-84 inversion of itrs.csv;
  * passes: AOS < TCA < LOS, durations plausible, mask-10 passes lie inside mask-0 passes;
  * shadow transitions alternate and LEO umbra lasts about 35 minutes per orbit.
Exits non-zero if a check fails.
"""

import csv
import sys
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[2] / "orbit" / "tests" / "data" / "skyfield"
ASEC = np.pi / 180.0 / 3600.0
FAILURES = []


def check(ok, message):
    print(("ok    " if ok else "FAIL  ") + message)
    if not ok:
        FAILURES.append(message)


def parse_time(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


def rows(name):
    with open(DATA / name, newline="") as f:
        return list(csv.DictReader(f))


def jd_utc(dt):
    """Julian date of a UTC instant as (whole days at midnight, fraction of day): two doubles,
    because one double near JD 2.46e6 only resolves ~40 us (0.1 m of Earth rotation at GEO)."""
    days = (dt - datetime(2000, 1, 1, tzinfo=timezone.utc)).total_seconds() / 86400.0
    whole = np.floor(days)
    return 2451544.5 + whole, days - whole


def gmst82(jd_whole, fraction):
    """GMST 1982 in radians of the UT1 date jd_whole + fraction (Vallado, Fundamentals of
    Astrodynamics, eq. 3-45, with 876600 h T written as whole days plus the day fraction):
    theta = 67310.54841 s + (876600 h + 8640184.812866 s) T + 0.093104 s T^2 - 6.2e-6 s T^3,
    T = (JD_UT1 - 2451545.0) / 36525."""
    t = (jd_whole - 2451545.0 + fraction) / 36525.0
    g = 67310.54841 + (8640184.812866 + (0.093104 - 6.2e-6 * t) * t) * t
    return ((jd_whole % 1.0 + fraction + g / 86400.0 % 1.0) % 1.0) * 2.0 * np.pi


def rot(axis, angle):
    """Frame rotation (Vallado's ROT1/ROT2/ROT3) by `angle` radians about `axis`."""
    c, s = np.cos(angle), np.sin(angle)
    if axis == 1:
        return np.array([[1, 0, 0], [0, c, s], [0, -s, c]])
    if axis == 2:
        return np.array([[c, 0, -s], [0, 1, 0], [s, 0, c]])
    return np.array([[c, s, 0], [-s, c, 0], [0, 0, 1]])


def check_frames():
    teme = {(r["object_id"], r["time_utc"]): r for r in rows("teme.csv")}
    worst_r, worst_v = defaultdict(float), defaultdict(float)
    for r in rows("itrs.csv"):
        key = (r["object_id"], r["time_utc"])
        t = teme[key]
        r_teme = np.array([float(t[k]) for k in ("x_km", "y_km", "z_km")])
        v_teme = np.array([float(t[k]) for k in ("vx_km_s", "vy_km_s", "vz_km_s")])
        jd_whole, fraction = jd_utc(parse_time(r["time_utc"]))
        theta = gmst82(jd_whole, fraction + float(r["ut1_minus_utc_s"]) / 86400.0)
        omega = np.array([0.0, 0.0, 7.292115146706979e-5])
        r_pef = rot(3, theta) @ r_teme
        v_pef = rot(3, theta) @ v_teme - np.cross(omega, r_pef)
        w = rot(1, -float(r["yp_arcsec"]) * ASEC) @ rot(2, -float(r["xp_arcsec"]) * ASEC)
        r_itrs = np.array([float(r[k]) for k in ("x_km", "y_km", "z_km")])
        v_itrs = np.array([float(r[k]) for k in ("vx_km_s", "vy_km_s", "vz_km_s")])
        oid = r["object_id"]
        worst_r[oid] = max(worst_r[oid], np.linalg.norm(w @ r_pef - r_itrs) * 1e3)
        worst_v[oid] = max(worst_v[oid], np.linalg.norm(w @ v_pef - v_itrs) * 1e6)
    for oid in worst_r:
        check(worst_r[oid] < 0.01,
              f"{oid}: ITRS from TEME via GMST82(UT1) + polar motion: max |dr| = "
              f"{worst_r[oid] * 1e3:.3f} mm, max |dv| = {worst_v[oid]:.3f} mm/s")


def check_eop():
    finals = []
    for line in (DATA / "finals2000A.subset").read_text().splitlines():
        finals.append((float(line[7:15]), float(line[18:27]), float(line[37:46]),
                       float(line[58:68])))
    finals = np.array(finals)
    worst = np.zeros(3)
    for r in rows("itrs.csv"):
        jd_whole, fraction = jd_utc(parse_time(r["time_utc"]))
        mjd = jd_whole - 2400000.5 + fraction
        for i, col in enumerate(("xp_arcsec", "yp_arcsec", "ut1_minus_utc_s")):
            expected = np.interp(mjd, finals[:, 0], finals[:, i + 1])
            worst[i] = max(worst[i], abs(expected - float(r[col])))
    check(worst[0] < 1e-8 and worst[1] < 1e-8 and worst[2] < 1e-7,
          f"EOP columns = linear interpolation of finals2000A.subset (Bulletin A): max error "
          f"xp {worst[0]:.1e}\", yp {worst[1]:.1e}\", UT1-UTC {worst[2]:.1e} s")


def geodetic_exact(r_km):
    """WGS-84 geodetic from ECEF, fixed-point iteration to convergence (Vallado alg. 12)."""
    a, f = 6378.137, 1.0 / 298.257223563
    e2 = f * (2 - f)
    x, y, z = r_km
    p = np.hypot(x, y)
    lat = np.arctan2(z, p)
    for _ in range(50):
        n = a / np.sqrt(1 - e2 * np.sin(lat) ** 2)
        lat = np.arctan2(z + n * e2 * np.sin(lat), p)
    n = a / np.sqrt(1 - e2 * np.sin(lat) ** 2)
    alt = p / np.cos(lat) - n if abs(lat) < 1.0 else z / np.sin(lat) - n * (1 - e2)
    return np.degrees(lat), np.degrees(np.arctan2(y, x)), alt


def check_geodetic():
    itrs = {(r["object_id"], r["time_utc"]): r for r in rows("itrs.csv")}
    worst_ang, worst_alt = 0.0, 0.0
    alts = defaultdict(list)
    for g in rows("geodetic.csv"):
        r = itrs[(g["object_id"], g["time_utc"])]
        lat, lon, alt = geodetic_exact(np.array([float(r[k]) for k in ("x_km", "y_km", "z_km")]))
        worst_ang = max(worst_ang, abs(lat - float(g["lat_deg"])),
                        abs((lon - float(g["lon_deg"]) + 180) % 360 - 180))
        worst_alt = max(worst_alt, abs(alt - float(g["alt_km"])))
        alts[g["object_id"]].append(float(g["alt_km"]))
    # Skyfield stops its latitude iteration after 3 rounds: ~2e-8 deg (~2 mm) left in LEO.
    check(worst_ang < 5e-8 and worst_alt < 1e-6,
          f"geodetic.csv vs exact WGS-84 inversion: max {worst_ang:.1e} deg, "
          f"{worst_alt * 1e6:.3f} mm in altitude")
    for oid, a in alts.items():
        print(f"      {oid}: altitude {min(a):.1f} .. {max(a):.1f} km")


def check_passes():
    passes = rows("passes.csv")
    durations = defaultdict(list)
    by_key = defaultdict(list)
    ok = True
    for p in passes:
        aos, tca, los = (parse_time(p[k]) for k in ("aos_utc", "tca_utc", "los_utc"))
        mask = float(p["min_elevation_deg"])
        ok &= aos < tca < los and float(p["max_elevation_deg"]) >= mask
        durations[p["object_id"]].append((los - aos).total_seconds() / 60.0)
        by_key[(p["object_id"], p["station"], mask)].append((aos, tca, los))
    check(ok, f"{len(passes)} passes: AOS < TCA < LOS and max elevation >= mask")
    for oid, d in durations.items():
        print(f"      {oid}: {len(d)} passes, {min(d):.1f} .. {max(d):.1f} min")
    nested = True
    for (oid, station, mask), ps in by_key.items():
        if mask != 10.0:
            continue
        outer = by_key.get((oid, station, 0.0), [])
        for aos, tca, los in ps:
            # A mask-10 pass lies inside a mask-0 pass (unless that one is cut by the window).
            inside = [o for o in outer if o[0] <= aos and los <= o[2]]
            if inside and abs((inside[0][1] - tca).total_seconds()) > 2.0:
                nested = False
    check(nested, "mask-10 passes lie inside mask-0 passes with the same TCA (+-2 s)")
    leo = [d for oid in ("25544", "33591") for d in durations[oid]]
    check(max(leo) < 20.0, f"LEO passes last at most {max(leo):.1f} min (< 20)")


def sun_unit(jd_whole, fraction):
    """Low-precision Sun direction, mean equator and equinox of date (Astronomical Almanac
    low-precision formulae; Vallado alg. 29): lambda_M = 280.460 + 36000.771 T,
    M = 357.5291092 + 35999.05034 T, lambda = lambda_M + 1.914666471 sin M + 0.019994643 sin 2M,
    eps = 23.439291 - 0.0130042 T; u = (cos lambda, cos eps sin lambda, sin eps sin lambda)."""
    t = (jd_whole - 2451545.0 + fraction) / 36525.0
    m = np.radians(357.5291092 + 35999.05034 * t)
    lam = np.radians(280.460 + 36000.771 * t + 1.914666471 * np.sin(m)
                     + 0.019994643 * np.sin(2 * m))
    eps = np.radians(23.439291 - 0.0130042 * t)
    return np.array([np.cos(lam), np.cos(eps) * np.sin(lam), np.sin(eps) * np.sin(lam)])


def expected_shadow_min(oid, when, teme, mean_motion):
    """Shadow duration of a circular orbit behind a cylinder of radius R (Skyfield's test uses
    the Sun's centre and R = 6378.1366 km): cos(pi f) = sqrt(h^2 + 2 R h) / ((R + h) cos beta),
    beta = angle between the orbit plane and the Sun direction; duration = f * period."""
    near = min((abs((parse_time(t) - when).total_seconds()), r) for (o, t), r in teme.items()
               if o == oid)[1]
    r = np.array([float(near[k]) for k in ("x_km", "y_km", "z_km")])
    v = np.array([float(near[k]) for k in ("vx_km_s", "vy_km_s", "vz_km_s")])
    normal = np.cross(r, v) / np.linalg.norm(np.cross(r, v))
    beta = np.arcsin(np.dot(normal, sun_unit(*jd_utc(when))))
    radius, rho = 6378.1366, np.linalg.norm(r)
    h = rho - radius
    f = np.arccos(np.sqrt(h * h + 2 * radius * h) / (rho * np.cos(beta))) / np.pi
    return f * 1440.0 / mean_motion, np.degrees(beta)


def check_shadows():
    teme = {(r["object_id"], r["time_utc"]): r for r in rows("teme.csv")}
    lines = (DATA / "objects.tle").read_text().splitlines()
    mean_motion = {str(int(lines[i + 2][2:7])): float(lines[i + 2][52:63])
                   for i in range(0, len(lines), 3)}
    events = defaultdict(list)
    for r in rows("sunlit.csv"):
        events[r["object_id"]].append((parse_time(r["time_utc"]), r["transition"]))
    alternate = all(a[1] != b[1] for ev in events.values() for a, b in zip(ev, ev[1:]))
    check(alternate, "shadow transitions alternate enter/exit for every object")
    for oid, ev in events.items():
        shadows = [(a[0], (b[0] - a[0]).total_seconds() / 60.0) for a, b in zip(ev, ev[1:])
                   if a[1] == "enter_shadow"]
        durations = [d for _t, d in shadows]
        print(f"      {oid}: {len(ev)} transitions, shadow {min(durations):.2f} .. "
              f"{max(durations):.2f} min")
        if oid in ("25544", "33591"):
            worst, betas = 0.0, []
            for start, minutes in shadows:
                expected, beta = expected_shadow_min(oid, start, teme, mean_motion[oid])
                worst = max(worst, abs(expected - minutes))
                betas.append(beta)
            check(worst < 1.0,
                  f"{oid}: shadow durations match the cylinder formula at beta "
                  f"{min(betas):.1f} .. {max(betas):.1f} deg within {worst * 60:.0f} s")
    check("41866" not in events,
          "41866 (GEO): no shadow in January (GEO eclipse seasons are near the equinoxes)")


def main():
    check_frames()
    check_eop()
    check_geodetic()
    check_passes()
    check_shadows()
    if FAILURES:
        sys.exit(f"{len(FAILURES)} check(s) failed")
    print("all checks passed")


if __name__ == "__main__":
    main()
