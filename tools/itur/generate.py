#!/usr/bin/env python3
"""Generate the golden data that skytwin's link-model tests compare against, from
independent implementations of the ITU-R Recommendations:

  * the `itur` package (ITU-Rpy): P.676 Annex 1 line-by-line specific attenuation and its
    ray-traced slant path through the P.835 reference atmosphere (`mode='exact'`, P.676-12),
    P.836 surface water-vapour density, P.837 rain rate, P.839 rain height, P.618 rain
    attenuation (which uses P.838 internally);
  * the `pycraf` package: ITU-R RA.1631 (peak gain and main lobe of a circular aperture) and
    the F.699 half-power beamwidth of a dish.

Run from anywhere (paths are relative to the repository root):

    python3 -m pip install -r tools/itur/requirements.txt
    python3 tools/itur/generate.py [specific] [antennas] [rain] [slant]   (default: all)

Writes hardware-models/tests/data/itur/: specific.csv, slant.csv, rain.csv, antenna.csv.
The run takes about 10 minutes (the ray tracing evaluates 922 layers per path in Python).
The output is deterministic: a rerun with the same package versions writes the same bytes.

Conventions the Rust tests must know:
  * itur's Annex 1 ray tracing feeds P.835's *total* pressure to the line-by-line formulas
    as if it were the dry-air pressure p; P.676 Annex 1 defines p as the dry-air pressure
    (total = p + e). slant.csv therefore has two references: itur as published
    (attenuation_db) and the same ray tracing given p = P - e (attenuation_dry_pressure_db,
    function ray_traced_with_dry_pressure below). The pressure convention alone moves the
    result by up to 3 % in a humid climate at low frequency.
  * itur samples each of its 922 layers at the layer's bottom (a left Riemann sum, 0.5 %
    above the integral); skytwin integrates by quadrature.
  * itur's slant path ignores the surface P and T arguments in exact mode (it always uses the
    P.835 reference profile with the given surface water-vapour density, station at 0 km);
    the golden rows therefore all use 1013.25 hPa, 288.15 K, 0 km.
"""

import csv
import sys
import warnings
from pathlib import Path

import astropy.units as u
import numpy as np

warnings.filterwarnings("ignore")

import itur  # noqa: E402
from itur.models import itu618, itu836, itu837, itu839  # noqa: E402
from itur.models.itu676 import _ITU676_12_ as P676  # noqa: E402
from pycraf import antenna  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "hardware-models" / "tests" / "data" / "itur"
SPEED_OF_LIGHT_M_S = 299_792_458.0

# Ground stations: (name, latitude deg, longitude deg, altitude km) from the tropics to the
# high north, as a latitude grid for the climate maps (P.836, P.837, P.839).
STATIONS = [
    ("singapore", 1.35, 103.82, 0.02),
    ("hawaii", 19.82, -155.47, 0.3),
    ("madrid", 40.43, -4.25, 0.7),
    ("kiruna", 67.86, 20.96, 0.4),
]


def fmt(x):
    return repr(float(x))


def write(name, header, rows):
    path = OUT / name
    with path.open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow([fmt(v) if isinstance(v, (float, np.floating)) else v for v in r])
    print(f"wrote {path.relative_to(ROOT)} ({len(rows)} rows)", file=sys.stderr)


def specific():
    """P.676 Annex 1 specific attenuations (dB/km) over frequency and meteorology."""
    freqs = [1.0, 2.0, 5.0, 8.4, 12.0, 18.0, 22.235, 26.0, 30.0, 36.0, 40.0, 45.0, 50.0,
             54.0, 57.0, 60.0, 63.0, 70.0, 90.0, 118.75, 183.31, 325.0, 500.0, 1000.0]
    # (dry pressure hPa, water-vapour density g/m3, temperature K)
    weather = [(1013.25, 7.5, 288.15), (1003.0, 20.0, 303.0), (800.0, 3.0, 270.0),
               (300.0, 0.05, 230.0)]
    rows = []
    for p, rho, t in weather:
        for f in freqs:
            rows.append((f, p, rho, t, float(P676.gamma0_exact(f, p, rho, t)),
                         float(P676.gammaw_exact(f, p, rho, t))))
    write("specific.csv", ["f_ghz", "dry_pressure_hpa", "water_vapour_density_g_m3",
                           "temperature_k", "gamma_dry_db_km", "gamma_water_db_km"], rows)


def ray_traced_with_dry_pressure(f, el, rho0):
    """itur's Annex 1 ray tracing (the same 922 layers, the same P.835 profile, P.453
    refractivity and itur's own specific attenuations), changed in one respect: the
    line-by-line formulas get the dry-air pressure p = P - e, as P.676 Annex 1 defines p,
    instead of the total pressure P. Isolates the pressure convention from the model."""
    from itur.models.itu453 import radio_refractive_index
    from itur.models.itu835 import standard_pressure, standard_temperature

    n = np.arange(0, 922)
    delta = 0.0001 * np.exp(n / 100.0)
    h = 0.0001 * (np.exp(n / 100.0) - 1.0) / (np.exp(1.0 / 100.0) - 1.0)
    t = standard_temperature(h).to(u.K).value
    p_total = standard_pressure(h).value
    rho = rho0 * np.exp(-h / 2.0)
    e = rho * t / 216.7
    refr = radio_refractive_index(p_total, e, t).value
    ratio = refr / np.pad(refr[1:], (0, 1), mode="edge")
    r = 6371.0 + h
    beta = np.pi / 2 - np.deg2rad(el)
    total = 0.0
    for k in range(len(h)):
        a = -r[k] * np.cos(beta) + 0.5 * np.sqrt(
            4 * r[k] ** 2 * np.cos(beta) ** 2 + 8 * r[k] * delta[k] + 4 * delta[k] ** 2)
        cos_arg = np.clip((-a ** 2 - 2 * r[k] * delta[k] - delta[k] ** 2)
                          / (2 * a * r[k] + 2 * a * delta[k]), -1, 1)
        alpha = np.pi - np.arccos(cos_arg)
        gamma = P676.gamma_exact(f, p_total[k] - e[k], rho[k], t[k])
        total += a * gamma
        beta = np.arcsin(np.sin(alpha) * ratio[k])
    return float(total)


def slant():
    """P.676 Annex 1 ray-traced slant-path attenuation (dB) with P.836 surface humidity:
    itur as published, and the same ray tracing with the dry-air pressure."""
    freqs = [2.0, 8.4, 12.0, 15.0, 20.0, 22.235, 24.0, 26.0, 28.0, 30.0, 32.0, 34.0, 36.0,
             38.0, 40.0, 45.0, 50.0, 70.0, 90.0, 100.0]
    elevations = [5.0, 10.0, 20.0, 30.0, 45.0, 90.0]
    rows = []
    for name, lat, lon, alt in STATIONS:
        # Surface water-vapour density exceeded 50 % of the year at the station (P.836).
        rho = float(itu836.surface_water_vapour_density(lat, lon, 50, alt).value)
        for f in freqs:
            for el in elevations:
                a = P676.gaseous_attenuation_slant_path(f, el, rho, 1013.25, 288.15,
                                                        mode="exact")
                rows.append((name, lat, rho, f, el, float(a),
                             ray_traced_with_dry_pressure(f, el, rho)))
    write("slant.csv", ["station", "latitude_deg", "water_vapour_density_g_m3", "f_ghz",
                        "elevation_deg", "attenuation_db", "attenuation_dry_pressure_db"], rows)


def rain():
    """P.618 rain attenuation (dB) with P.837 rain rate and P.839 rain height."""
    freqs = [4.0, 8.4, 12.0, 20.0, 30.0, 40.0, 50.0]
    elevations = [5.0, 10.0, 20.0, 30.0, 45.0, 60.0, 90.0]
    percents = [0.001, 0.01, 0.1, 1.0]
    taus = [0.0, 45.0, 90.0]
    rows = []
    for name, lat, lon, alt in STATIONS:
        r001 = float(itu837.rainfall_rate(lat, lon, 0.01).value)
        h_rain = float(itu839.rain_height(lat, lon).value)
        for f in freqs:
            for el in elevations:
                for p in percents:
                    for tau in taus:
                        a = itu618.rain_attenuation(lat, lon, f, el, hs=alt, p=p, R001=r001,
                                                    tau=tau)
                        rows.append((name, lat, alt, r001, h_rain, f, el, p, tau,
                                     float(a.value)))
    write("rain.csv", ["station", "latitude_deg", "station_altitude_km", "rain_rate_001_mm_h",
                       "rain_height_km", "f_ghz", "elevation_deg", "exceedance_percent",
                       "polarization_tilt_deg", "attenuation_db"], rows)


def antennas():
    """Dish patterns: RA.1631 gain (peak and main lobe) and F.699 half-power beamwidth."""
    rows = []
    for d_m, eta, f_ghz in [(0.5, 0.6, 12.0), (2.4, 0.55, 8.4), (3.7, 0.55, 2.2),
                            (13.0, 0.65, 8.4), (34.0, 0.7, 32.0)]:
        wavelength_m = SPEED_OF_LIGHT_M_S / (f_ghz * 1e9)
        hpbw_deg = float(antenna.fl_hpbw_from_size(d_m * u.m, wavelength_m * u.m)
                         .to(u.deg).value)
        # Angles inside the main lobe, up to the half-power point.
        for frac in [0.0, 0.1, 0.25, 0.4, 0.5]:
            phi_deg = frac * hpbw_deg
            g = float(antenna.ras_pattern(phi_deg * u.deg, d_m * u.m, wavelength_m * u.m,
                                          eta * 100 * u.percent).to(u.dB).value)
            rows.append((d_m, eta, f_ghz, hpbw_deg, phi_deg, g))
    write("antenna.csv", ["diameter_m", "efficiency", "f_ghz", "f699_hpbw_deg",
                          "off_boresight_deg", "ra1631_gain_dbi"], rows)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"itur {itur.__version__}", file=sys.stderr)
    which = set(sys.argv[1:]) or {"specific", "antennas", "rain", "slant"}
    for name, job in [("specific", specific), ("antennas", antennas), ("rain", rain),
                      ("slant", slant)]:
        if name in which:
            job()


if __name__ == "__main__":
    main()
