#!/usr/bin/env python3
"""Generate the land/sea mask that skytwin's georeferenced camera test compares images with.

The land comes from Natural Earth's 1:50m land polygons as packaged by the npm package
`world-atlas` 2.0.2 (file land-50m.json, TopoJSON; sha256 of the tarball
032e7765f2ce00edaeafec23ff22bc3b77e42987c257da944cc585b452c05b97). It is vector data drawn
independently of the NASA Blue Marble texture the camera samples.

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz     # gives package/land-50m.json
    python3 -m pip install -r tools/natural_earth/requirements.txt
    python3 tools/natural_earth/generate.py package/land-50m.json

Writes hardware-models/tests/data/natural_earth/land_mask_eastern_mediterranean.txt: a grid of
cell centres over the region below, one text row per latitude (north first), '1' where the
cell centre is on land (inside an odd number of land rings, matplotlib's point-in-polygon),
'0' on water. The output is deterministic.
"""

import json
import sys
from pathlib import Path

import numpy as np
from matplotlib.path import Path as PolygonPath

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "hardware-models" / "tests" / "data" / "natural_earth"

# The Nile delta, Sinai, the Gulfs of Suez and Aqaba, the Levant coast and Cyprus.
LAT_MIN, LAT_MAX, LON_MIN, LON_MAX, STEP = 24.0, 36.0, 26.0, 40.0, 0.05


def rings(topo):
    """Every ring of the `land` object as an (n, 2) array of (lon, lat) degrees."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:  # quantised, delta-encoded positions
        q = np.cumsum(np.array(arc, dtype=np.int64), axis=0)
        arcs.append(np.c_[q[:, 0] * sx + tx, q[:, 1] * sy + ty])
    out = []
    for geometry in topo["objects"]["land"]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        for polygon in polygons:
            for ring in polygon:
                parts = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in ring]
                out.append(np.vstack([parts[0]] + [p[1:] for p in parts[1:]]))
    return out


def main():
    topo = json.load(open(sys.argv[1]))
    lats = LAT_MAX - STEP * (np.arange(round((LAT_MAX - LAT_MIN) / STEP)) + 0.5)
    lons = LON_MIN + STEP * (np.arange(round((LON_MAX - LON_MIN) / STEP)) + 0.5)
    lon_grid, lat_grid = np.meshgrid(lons, lats)
    points = np.c_[lon_grid.ravel(), lat_grid.ravel()]
    land = np.zeros(len(points), dtype=bool)
    for ring in rings(topo):
        if (ring[:, 0].max() < LON_MIN or ring[:, 0].min() > LON_MAX
                or ring[:, 1].max() < LAT_MIN or ring[:, 1].min() > LAT_MAX):
            continue
        land ^= PolygonPath(ring).contains_points(points)
    land = land.reshape(lat_grid.shape)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "land_mask_eastern_mediterranean.txt"
    with path.open("w") as f:
        f.write("# Natural Earth 1:50m land (npm world-atlas 2.0.2, land-50m.json), "
                "written by tools/natural_earth/generate.py\n")
        f.write(f"# lat_max_deg={LAT_MAX} lat_min_deg={LAT_MIN} lon_min_deg={LON_MIN} "
                f"lon_max_deg={LON_MAX} step_deg={STEP}\n")
        f.write("# one row per latitude, north first; one character per cell, west first; "
                "1 = land, 0 = water (value at the cell centre)\n")
        for row in land:
            f.write("".join("1" if v else "0" for v in row) + "\n")
    print(f"wrote {path.relative_to(ROOT)}: {land.shape[0]} x {land.shape[1]}, "
          f"{land.mean():.3f} land", file=sys.stderr)


if __name__ == "__main__":
    main()
