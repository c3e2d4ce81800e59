#!/usr/bin/env python3
"""Generate the Skyfield golden data that skytwin's orbit tests compare against.

Run from anywhere (paths are relative to the repository root):

    python3 -m pip install -r tools/skyfield/requirements.txt
    python3 tools/skyfield/generate.py

Reads  assets/elements/sample.tle and assets/stations.csv.
Writes orbit/tests/data/skyfield/: objects.tle, stations.csv, finals2000A.subset, window.txt,
       teme.csv, itrs.csv, geodetic.csv, passes.csv, sunlit.csv, sun.csv.

Everything is computed offline from the data bundled in the `skyfield-data` package
(de421.bsp, finals2000A.all), with UT1 and polar motion both taken from finals2000A.all.
The output is deterministic: a rerun with the same package versions writes the same bytes.
"""

import csv
import shutil
import sys
import warnings
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import numpy as np
import sgp4
import skyfield
import skyfield_data
from sgp4.api import jday
from skyfield.api import EarthSatellite, wgs84
from skyfield.constants import T0
from skyfield.data import iers
from skyfield.framelib import itrs
from skyfield.functions import mxm, mxv, rot_x, rot_y, rot_z
from skyfield.iokit import Loader
from skyfield.searchlib import find_discrete
from skyfield.sgp4lib import TEME, theta_GMST1982

REPO = Path(__file__).resolve().parents[2]
ELEMENTS = REPO / "assets" / "elements" / "sample.tle"
STATIONS = REPO / "assets" / "stations.csv"
OUT = REPO / "orbit" / "tests" / "data" / "skyfield"

UTC = timezone.utc
# The golden window: inside the measured ("I") part of finals2000A.all and within about a day
# of every element set's epoch (epochs: 2018-01-19T21:04Z .. 2018-01-20T22:04Z).
WINDOW_START = datetime(2018, 1, 20, 6, 0, 0, tzinfo=UTC)
WINDOW_END = datetime(2018, 1, 21, 18, 0, 0, tzinfo=UTC)
GRID_STEP = timedelta(minutes=10)
# Extra rows per object at its own epoch (rounded to the millisecond) plus these offsets.
EPOCH_OFFSETS_MIN = (-360, -90, 0, 90, 360)
MASKS_DEG = (0.0, 10.0)
# Objects slower than this (GEO) get no passes: they never rise or set.
PASS_MIN_MEAN_MOTION_REV_DAY = 1.5
SUNLIT_STEP_S = 30.0  # coarse step of find_discrete; shadow intervals last minutes
FINALS_MARGIN_DAYS = 5
# The Sun: from 1972 (UTC with whole leap seconds) to the end of 2049 (the low-precision series
# holds from 1950 to 2050), every 28 d 7 h 13 min so that the instants walk through the times
# of day and the seasons.
SUN_START = datetime(1972, 1, 1, 0, 0, 0, tzinfo=UTC)
SUN_END = datetime(2050, 1, 1, 0, 0, 0, tzinfo=UTC)
SUN_STEP = timedelta(days=28, hours=7, minutes=13)

DAY_S = 86400.0
ASEC_RAD = np.pi / 180.0 / 3600.0


def fmt_time(dt):
    """RFC 3339 UTC with milliseconds; `dt` must already be a whole number of milliseconds."""
    if dt.microsecond % 1000:
        raise ValueError(f"{dt} is not a whole millisecond")
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def round_ms(dt):
    """Round a datetime to the nearest millisecond (half up)."""
    micro = dt.microsecond
    base = dt.replace(microsecond=0)
    return base + timedelta(milliseconds=(micro + 500) // 1000)


def skyfield_time_to_ms(t):
    """Skyfield Time (scalar) -> datetime rounded to the nearest millisecond."""
    dt, leap = t.utc_datetime_and_leap_second()
    if leap:
        raise ValueError("a leap second inside the golden window is not handled")
    return round_ms(dt)


def read_3le(path):
    lines = [line.rstrip("\r\n") for line in path.read_text(encoding="ascii").splitlines()]
    lines = [line for line in lines if line.strip()]
    if len(lines) % 3:
        raise ValueError(f"{path}: expected name/line1/line2 triples")
    return [(lines[i].strip(), lines[i + 1], lines[i + 2]) for i in range(0, len(lines), 3)]


def read_stations(path):
    with open(path, newline="", encoding="ascii") as f:
        return [(row["name"], float(row["lat_deg"]), float(row["lon_deg"]), float(row["alt_m"]))
                for row in csv.DictReader(f)]


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="ascii") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def tle_epoch(line1):
    """TLE epoch (YYDDD.DDDDDDDD) as an exact UTC datetime (1e-8 day = 864 us)."""
    yy = int(line1[18:20])
    year = 2000 + yy if yy < 57 else 1900 + yy
    day = Decimal(line1[20:32])
    whole = int(day)
    micro = (day - whole) * 86_400_000_000
    return datetime(year, 1, 1, tzinfo=UTC) + timedelta(days=whole - 1, microseconds=int(micro))


def times_for(epoch):
    """The grid over the window plus the epoch-relative rows, sorted, as ms-exact datetimes."""
    times = set()
    t = WINDOW_START
    while t <= WINDOW_END:
        times.add(t)
        t += GRID_STEP
    base = round_ms(epoch)
    for minutes in EPOCH_OFFSETS_MIN:
        times.add(base + timedelta(minutes=minutes))
    return sorted(times)


def finals_subset(finals_path, first_mjd, last_mjd):
    """Lines of finals2000A.all with first_mjd <= MJD <= last_mjd, unmodified (with newlines)."""
    out = []
    with open(finals_path, "rb") as f:
        for raw in f:
            text = raw.decode("ascii")
            try:
                mjd = float(text[7:15])
            except ValueError:
                continue
            if first_mjd <= mjd <= last_mjd:
                if text[16] != "I" or text[57] != "I":
                    raise ValueError(f"finals line for MJD {mjd} is not measured (flag 'I')")
                out.append(raw)
    return b"".join(out)


def mjd_of(dt):
    return (dt - datetime(1858, 11, 17, tzinfo=UTC)) / timedelta(days=1)


def main():
    with warnings.catch_warnings():
        # skyfield-data warns that finals2000A.all has "expired" (its predictions end in 2026);
        # the golden window is in 2018, and finals_subset() checks those lines are measured.
        warnings.filterwarnings("ignore", message="The file .* has expired", category=RuntimeWarning)
        data_dir = skyfield_data.get_skyfield_data_path()
    load = Loader(data_dir, verbose=False)
    ts = load.timescale(builtin=False)  # UT1 from skyfield-data's finals2000A.all
    with load.open("finals2000A.all") as f:
        finals = iers.parse_x_y_dut1_from_finals_all(f)
    iers.install_polar_motion_table(ts, finals)
    eph = load("de421.bsp")

    OUT.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ELEMENTS, OUT / "objects.tle")
    shutil.copyfile(STATIONS, OUT / "stations.csv")

    elements = read_3le(ELEMENTS)
    stations = read_stations(STATIONS)
    sats = []
    for name, line1, line2 in elements:
        sat = EarthSatellite(line1, line2, name, ts)
        sats.append((str(sat.model.satnum), sat, tle_epoch(line1)))

    # Window and the finals2000A.subset covering every time used (window and epoch rows).
    all_times = [t for _oid, _sat, epoch in sats for t in times_for(epoch)]
    first = min(all_times + [WINDOW_START])
    last = max(all_times + [WINDOW_END])
    first_mjd = int(np.floor(mjd_of(first))) - FINALS_MARGIN_DAYS
    last_mjd = int(np.ceil(mjd_of(last))) + FINALS_MARGIN_DAYS
    subset = finals_subset(Path(data_dir) / "finals2000A.all", first_mjd, last_mjd)
    (OUT / "finals2000A.subset").write_bytes(subset)
    (OUT / "window.txt").write_text(f"{fmt_time(WINDOW_START)}\n{fmt_time(WINDOW_END)}\n")

    teme_rows, itrs_rows, geo_rows = [], [], []
    checks = {"pm_effect_m": 0.0, "vs_teme_to_itrf_m": 0.0, "teme_vs_raw_sgp4_m": 0.0,
              "vs_teme_to_itrf_mm_s": 0.0}
    for oid, sat, epoch in sats:
        dts = times_for(epoch)
        t = ts.from_datetimes(dts)
        pos = sat.at(t)
        r_itrs, v_itrs = pos.frame_xyz_and_velocity(itrs)
        r_teme, v_teme = pos.frame_xyz_and_velocity(TEME)
        geo = wgs84.geographic_position_of(pos)
        _sprime, xp, yp = t.polar_motion_angles()
        dut1 = t.dut1
        r_i, v_i = r_itrs.km, v_itrs.km_per_s
        r_t, v_t = r_teme.km, v_teme.km_per_s
        for k, dt in enumerate(dts):
            ts_text = fmt_time(dt)
            teme_rows.append([oid, ts_text] + [f"{x:.9f}" for x in r_t[:, k]]
                             + [f"{x:.12f}" for x in v_t[:, k]])
            itrs_rows.append([oid, ts_text, f"{dut1[k]:.10f}", f"{xp[k]:.9f}", f"{yp[k]:.9f}"]
                             + [f"{x:.9f}" for x in r_i[:, k]] + [f"{x:.12f}" for x in v_i[:, k]])
            geo_rows.append([oid, ts_text, f"{geo.latitude.degrees[k]:.10f}",
                             f"{geo.longitude.degrees[k]:.10f}", f"{geo.elevation.km[k]:.9f}"])

        # Guards (printed, and they stop the script if Skyfield's behaviour ever changes):
        # 1. polar motion really is applied to ITRS;
        ts.polar_motion_table, table = None, ts.polar_motion_table
        t_plain = ts.from_datetimes(dts)
        r_plain = sat.at(t_plain).frame_xyz(itrs).km
        ts.polar_motion_table = table
        checks["pm_effect_m"] = max(checks["pm_effect_m"],
                                    np.max(np.linalg.norm(r_i - r_plain, axis=0)) * 1e3)
        # 2. Skyfield's TEME -> ITRS equals R3(-GMST82(UT1)) followed by polar motion W
        #    (position; its velocity applies omega about the ITRS z axis, see the README);
        jd_fr = [jday(d.year, d.month, d.day, d.hour, d.minute,
                      d.second + d.microsecond / 1e6) for d in dts]
        raw_err, raw_r, _raw_v = sat.model.sgp4_array(
            np.array([j for j, _ in jd_fr]), np.array([fr for _, fr in jd_fr]))
        if np.any(raw_err):
            sys.exit(f"{oid}: SGP4 error inside the golden times")
        raw_r = raw_r.T
        theta, theta_dot = theta_GMST1982(t.whole, t.ut1_fraction)
        sprime = -47.0e-6 * (t.tdb - T0) / 36525.0  # arcsec, as in Skyfield's timelib
        for k in range(len(dts)):
            w = mxm(mxm(rot_x(yp[k] * ASEC_RAD), rot_y(xp[k] * ASEC_RAD)),
                    rot_z(-sprime[k] * ASEC_RAD))
            r_pef = mxv(rot_z(-theta[k]), r_t[:, k])
            omega = np.array([0.0, 0.0, theta_dot[k] / DAY_S])
            v_pef = mxv(rot_z(-theta[k]), v_t[:, k]) - np.cross(omega, r_pef)
            r_ref, v_ref = mxv(w, r_pef), mxv(w, v_pef)
            checks["vs_teme_to_itrf_m"] = max(checks["vs_teme_to_itrf_m"],
                                              np.linalg.norm(r_ref - r_i[:, k]) * 1e3)
            checks["vs_teme_to_itrf_mm_s"] = max(checks["vs_teme_to_itrf_mm_s"],
                                                 np.linalg.norm(v_ref - v_i[:, k]) * 1e6)
        # 3. the TEME written is python-sgp4's own output at the same UTC instants.
        checks["teme_vs_raw_sgp4_m"] = max(checks["teme_vs_raw_sgp4_m"],
                                           np.max(np.abs(raw_r - r_t)) * 1e3)

    # Stop before writing the state files if a guard fails.
    print(f"check: polar motion moves ITRS by up to {checks['pm_effect_m']:.3f} m")
    print("check: Skyfield ITRS vs W(xp, yp, s') R3(-GMST82(UT1)) TEME: "
          f"{checks['vs_teme_to_itrf_m'] * 1e6:.3f} um in position, "
          f"{checks['vs_teme_to_itrf_mm_s']:.3f} mm/s in velocity (Skyfield's omega x r_ITRS)")
    print(f"check: Skyfield TEME vs python-sgp4 called directly: "
          f"{checks['teme_vs_raw_sgp4_m'] * 1e6:.3f} um")
    if checks["pm_effect_m"] < 1.0:
        sys.exit("polar motion does not seem to be applied to ITRS")
    if checks["vs_teme_to_itrf_m"] > 1e-3 or checks["teme_vs_raw_sgp4_m"] > 1e-3:
        sys.exit("Skyfield's frames disagree with the documented transformation")

    header_state = ["x_km", "y_km", "z_km", "vx_km_s", "vy_km_s", "vz_km_s"]
    write_csv(OUT / "teme.csv", ["object_id", "time_utc"] + header_state, teme_rows)
    write_csv(OUT / "itrs.csv", ["object_id", "time_utc", "ut1_minus_utc_s", "xp_arcsec",
                                 "yp_arcsec"] + header_state, itrs_rows)
    write_csv(OUT / "geodetic.csv", ["object_id", "time_utc", "lat_deg", "lon_deg", "alt_km"],
              geo_rows)

    t0 = ts.from_datetime(WINDOW_START)
    t1 = ts.from_datetime(WINDOW_END)

    # Passes: complete ones only (rise, culmination(s), set all inside the window); a pass with
    # several culminations keeps the highest.
    pass_rows = []
    skipped = 0
    for oid, sat, _epoch in sats:
        if sat.model.no_kozai * 1440.0 / (2 * np.pi) < PASS_MIN_MEAN_MOTION_REV_DAY:
            continue
        for name, lat, lon, alt in stations:
            topos = wgs84.latlon(lat, lon, elevation_m=alt)
            for mask in MASKS_DEG:
                times, events = sat.find_events(topos, t0, t1, altitude_degrees=mask)
                rise, culms = None, []
                for ti, ev in zip(times, events):
                    if ev == 0:
                        rise, culms = ti, []
                    elif ev == 1:
                        if rise is not None:
                            culms.append(ti)
                    elif ev == 2:
                        if rise is not None and culms:
                            alts = [(sat - topos).at(c).altaz()[0].degrees for c in culms]
                            best = int(np.argmax(alts))
                            pass_rows.append([
                                oid, name, f"{mask:.1f}",
                                fmt_time(skyfield_time_to_ms(rise)),
                                fmt_time(skyfield_time_to_ms(culms[best])),
                                fmt_time(skyfield_time_to_ms(ti)),
                                f"{alts[best]:.6f}"])
                        elif rise is not None:
                            skipped += 1
                        rise, culms = None, []
    write_csv(OUT / "passes.csv", ["object_id", "station", "min_elevation_deg", "aos_utc",
                                   "tca_utc", "los_utc", "max_elevation_deg"], pass_rows)

    # Sunlit transitions: where Skyfield's is_sunlit changes, found by find_discrete (1 ms).
    sunlit_rows = []
    for oid, sat, _epoch in sats:
        def sunlit_at(t, sat=sat):
            return sat.at(t).is_sunlit(eph)
        sunlit_at.step_days = SUNLIT_STEP_S / DAY_S
        times, values = find_discrete(t0, t1, sunlit_at)
        for ti, sunlit in zip(times, values):
            sunlit_rows.append([oid, fmt_time(skyfield_time_to_ms(ti)),
                                "exit_shadow" if sunlit else "enter_shadow"])
    write_csv(OUT / "sunlit.csv", ["object_id", "time_utc", "transition"], sunlit_rows)

    # The Sun: apparent geocentric position (light time, aberration, deflection) from de421,
    # in Skyfield's TEME frame (AIAA 2006-6753 App. C: GMST 1982 from the true equator of date).
    sun_times = []
    t = SUN_START
    while t < SUN_END:
        sun_times.append(t)
        t += SUN_STEP
    ts_sun = ts.from_datetimes(sun_times)
    sun_km = eph["earth"].at(ts_sun).observe(eph["sun"]).apparent().frame_xyz(TEME).km
    write_csv(OUT / "sun.csv", ["time_utc", "x_km", "y_km", "z_km"],
              [[fmt_time(dt)] + [f"{x:.6f}" for x in sun_km[:, k]]
               for k, dt in enumerate(sun_times)])

    print(f"skyfield {skyfield.__version__}, skyfield-data {skyfield_data_version()},"
          f" sgp4 {sgp4.__version__}, numpy {np.__version__}")
    print(f"rows: {len(itrs_rows)} states, {len(pass_rows)} passes"
          f" ({skipped} rise/set pairs without culmination skipped),"
          f" {len(sunlit_rows)} shadow transitions, {len(sun_times)} Sun positions")
    print(f"finals2000A.subset: MJD {first_mjd}..{last_mjd}, {len(subset.splitlines())} lines")


def skyfield_data_version():
    from importlib.metadata import version
    return version("skyfield-data")


if __name__ == "__main__":
    main()
