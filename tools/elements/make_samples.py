#!/usr/bin/env python3
"""Build skytwin's bundled element sets (assets/elements/) from a real historical source.

The source is Debian's `gpredict` package (version 2.3-72-gc596101-3, Debian 12 "bookworm",
section hamradio), whose file /usr/share/gpredict/data/satdata/satellites.dat holds a snapshot
of NORAD element sets from January 2018 (as published by CelesTrak at the time). Get it with:

    apt-get download gpredict=2.3-72-gc596101-3
    dpkg-deb -x gpredict_2.3-72-gc596101-3_amd64.deb gpredict
    python3 tools/elements/make_samples.py \
        --satdata gpredict/usr/share/gpredict/data/satdata/satellites.dat

Writes, with identical content:
  assets/elements/sample.tle       3LE (name line + the two lines, copied byte for byte)
  assets/elements/sample.omm.json  CelesTrak OMM JSON (array of objects)
  assets/elements/sample.omm.csv   CelesTrak OMM CSV (header row of the same field names)

The OMM values are converted from the TLE columns as exact decimals (no float round trip), then
checked: every OMM record, read back from the written JSON and CSV files and initialised with
python-sgp4's `sgp4.omm.initialize`, must give the same SGP4 positions as `Satrec.twoline2rv`
on the TLE lines (the largest difference is printed; the script fails above 1 mm).
"""

import argparse
import csv
import io
import json
import re
import sys
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sgp4 import omm
from sgp4.api import Satrec
from sgp4.io import verify_checksum

# The objects bundled, in file order: catalogue number -> why it is here.
OBJECTS = [
    (25544, "LEO, 51.6 deg: the International Space Station"),
    (33591, "LEO, sun-synchronous polar (98.7 deg): NOAA 19"),
    (15429, "Molniya (12 h, e = 0.69, i = 64.1 deg, shadowed in this window): MOLNIYA 1-63"),
    (41866, "GEO: GOES 16 (GOES-East from late 2017)"),
]

# CelesTrak OMM field names, in CelesTrak's CSV column order.
FIELDS = [
    "OBJECT_NAME", "OBJECT_ID", "EPOCH", "MEAN_MOTION", "ECCENTRICITY", "INCLINATION",
    "RA_OF_ASC_NODE", "ARG_OF_PERICENTER", "MEAN_ANOMALY", "EPHEMERIS_TYPE",
    "CLASSIFICATION_TYPE", "NORAD_CAT_ID", "ELEMENT_SET_NO", "REV_AT_EPOCH", "BSTAR",
    "MEAN_MOTION_DOT", "MEAN_MOTION_DDOT",
]
STRING_FIELDS = {"OBJECT_NAME", "OBJECT_ID", "EPOCH", "CLASSIFICATION_TYPE"}

REPO = Path(__file__).resolve().parents[2]
OUT_DIR = REPO / "assets" / "elements"


def read_satdata(path):
    """Return {catalogue number: (name, line1, line2)} from a gpredict satellites.dat."""
    text = Path(path).read_text(encoding="ascii")
    pattern = re.compile(
        r"^\[(\d+)\]\nVERSION=.*\nNAME=(.*)\nNICKNAME=.*\nTLE1=(.*)\nTLE2=(.*)$", re.M)
    return {int(m.group(1)): (m.group(2), m.group(3), m.group(4)) for m in pattern.finditer(text)}


def plain(d):
    """A Decimal as plain decimal text (no exponent, no trailing zeros): 0.00003855, 15.5419008, 0."""
    d = d.normalize()
    if d == 0:
        return "0"
    text = format(d, "f")
    return text


def implied_decimal(field):
    """TLE 'implied decimal point' field, e.g. ' 38550-4' -> 0.38550e-4, '-11606-4' -> -0.11606e-4."""
    field = field.strip()
    sign = "-" if field.startswith("-") else ""
    body = field.lstrip("+-")
    mantissa, exponent = body[:-2], body[-2:]
    return Decimal(f"{sign}0.{mantissa}e{exponent}")


def epoch_iso(line1):
    """TLE epoch (YYDDD.DDDDDDDD) -> ISO 8601 with microseconds, exactly (1e-8 day = 864 us)."""
    yy = int(line1[18:20])
    year = 2000 + yy if yy < 57 else 1900 + yy
    day = Decimal(line1[20:32])
    whole = int(day)
    micro = (day - whole) * 86_400_000_000
    if micro != micro.to_integral_value():
        raise ValueError(f"epoch {line1[18:32]} is not a whole number of microseconds")
    t = datetime(year, 1, 1) + timedelta(days=whole - 1, microseconds=int(micro))
    return t.strftime("%Y-%m-%dT%H:%M:%S.%f")


def tle_to_omm(name, line1, line2):
    """Convert one TLE to CelesTrak OMM fields (numbers as exact decimal text)."""
    intl = line1[9:17].strip()
    yy = int(intl[:2])
    object_id = f"{2000 + yy if yy < 57 else 1900 + yy}-{intl[2:]}"
    return {
        "OBJECT_NAME": name,
        "OBJECT_ID": object_id,
        "EPOCH": epoch_iso(line1),
        "MEAN_MOTION": plain(Decimal(line2[52:63])),
        "ECCENTRICITY": plain(Decimal("0." + line2[26:33])),
        "INCLINATION": plain(Decimal(line2[8:16])),
        "RA_OF_ASC_NODE": plain(Decimal(line2[17:25])),
        "ARG_OF_PERICENTER": plain(Decimal(line2[34:42])),
        "MEAN_ANOMALY": plain(Decimal(line2[43:51])),
        "EPHEMERIS_TYPE": str(int(line1[62])),
        "CLASSIFICATION_TYPE": line1[7],
        "NORAD_CAT_ID": str(int(line1[2:7])),
        "ELEMENT_SET_NO": str(int(line1[64:68])),
        "REV_AT_EPOCH": str(int(line2[63:68])),
        "BSTAR": plain(implied_decimal(line1[53:61])),
        "MEAN_MOTION_DOT": plain(Decimal(line1[33:43].replace(" ", ""))),
        "MEAN_MOTION_DDOT": plain(implied_decimal(line1[44:52])),
    }


def omm_json(records):
    """CelesTrak-style JSON array; numbers written as the exact decimal text."""
    out = ["["]
    for i, rec in enumerate(records):
        out.append("  {")
        items = []
        for key in FIELDS:
            value = rec[key]
            items.append(f'    "{key}": ' + (json.dumps(value) if key in STRING_FIELDS else value))
        out.append(",\n".join(items))
        out.append("  }" + ("," if i + 1 < len(records) else ""))
    out.append("]")
    return "\n".join(out) + "\n"


def omm_csv(records):
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for rec in records:
        writer.writerow(rec)
    return buf.getvalue()


def max_difference_km(line1, line2, fields):
    """Largest SGP4 position difference (km) between the TLE and the OMM fields over +-2 days."""
    tle_sat = Satrec.twoline2rv(line1, line2)
    omm_sat = Satrec()
    omm.initialize(omm_sat, fields)
    worst = 0.0
    for k in range(-2880, 2881, 10):  # minutes since epoch
        e1, r1, _ = tle_sat.sgp4_tsince(float(k))
        e2, r2, _ = omm_sat.sgp4_tsince(float(k))
        if e1 or e2:
            raise RuntimeError(f"SGP4 error {e1}/{e2} at {k} min for {line1[2:7]}")
        worst = max(worst, max(abs(a - b) for a, b in zip(r1, r2)))
    epoch_tle = tle_sat.jdsatepoch + tle_sat.jdsatepochF
    epoch_omm = omm_sat.jdsatepoch + omm_sat.jdsatepochF
    return worst, (epoch_omm - epoch_tle) * 86400.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--satdata", required=True, help="gpredict satellites.dat")
    args = parser.parse_args()

    sets = read_satdata(args.satdata)
    tle_lines, records = [], []
    for catnr, _why in OBJECTS:
        name, line1, line2 = sets[catnr]
        verify_checksum(line1)
        verify_checksum(line2)
        tle_lines += [name, line1, line2]
        records.append(tle_to_omm(name, line1, line2))

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUT_DIR / "sample.tle").write_text("\n".join(tle_lines) + "\n", encoding="ascii")
    (OUT_DIR / "sample.omm.json").write_text(omm_json(records), encoding="ascii")
    (OUT_DIR / "sample.omm.csv").write_text(omm_csv(records), encoding="ascii")

    # Round trip: read both written OMM files back and compare with the TLE propagation.
    from_json = json.loads((OUT_DIR / "sample.omm.json").read_text())
    with open(OUT_DIR / "sample.omm.csv", newline="") as f:
        from_csv = list(omm.parse_csv(f))
    for i, (catnr, _why) in enumerate(OBJECTS):
        _name, line1, line2 = sets[catnr]
        for label, fields in (("json", from_json[i]), ("csv", from_csv[i])):
            worst_km, epoch_diff_s = max_difference_km(line1, line2, fields)
            print(f"{catnr} {label}: max |dr| over +-2 d = {worst_km * 1e6:.3f} mm,"
                  f" epoch difference {epoch_diff_s * 1e6:.3f} us")
            if worst_km > 1e-6:
                sys.exit(f"{catnr} {label}: OMM and TLE propagate differently")
    print(f"wrote {len(records)} element sets to {OUT_DIR}")


if __name__ == "__main__":
    main()
