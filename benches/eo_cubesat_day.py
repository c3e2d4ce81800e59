#!/usr/bin/env python3
"""The bundled `eo-cubesat` example (one 6U imager, one day at 1 s steps) through `skytwin run`,
with and without its imaging apps, to separate the cost of the captures from the rest.

Builds nothing: give it a release `skytwin` binary.

    cargo build --release --locked
    python3 benches/eo_cubesat_day.py --skytwin target/release/skytwin

The full run is `skytwin run eo-cubesat --threads 1 --quiet`. The second run is the same file
(scenarios/examples/eo-cubesat.toml, written to a temporary directory with its paths made
absolute) without the two apps that capture and process images (`eo-imager`, `cloud-screen`)
and without the assertion about their downlinks: `beacon` and every model still run, so the
difference between the two is the captures (camera rendering from the Earth texture) plus
the apps' own work on the images (screening, compression, downlink).
"""

import argparse
import re
import tempfile
from pathlib import Path

from skytwin_bench import ROOT, print_machine, run_skytwin

EXAMPLE = ROOT / "scenarios" / "examples" / "eo-cubesat.toml"
IMAGING_APPS = ("eo-imager", "cloud-screen")


def without_imaging(text, base):
    """The scenario text without the imaging apps and the assertions that name them; paths
    made absolute against `base`."""
    blocks = re.split(r"(?m)^(?=\[)", text)
    kept = [b for b in blocks
            if not (b.startswith("[[app]]") and any(a in b for a in IMAGING_APPS))
            and not (b.startswith("[[assert]]") and any(a in b for a in IMAGING_APPS))]
    out = "".join(kept)
    out = re.sub(r'"(\.\./[^"]+)"', lambda m: f'"{(base / m.group(1)).resolve()}"', out)
    return out.replace('name = "eo-cubesat"', 'name = "eo-cubesat-no-imaging"', 1)


def describe(label, r):
    totals = r["summary"]["satellites"][0]
    print(f"{label}: {r['command']}")
    print(f"  wall {r['wall_s']:.2f} s (run loop {r['loop_wall_s']:.2f} s), CPU {r['cpu_s']:.2f} s; "
          f"{r['steps']} steps, {r['cpu_s'] / r['steps'] * 1e6:.2f} us CPU per step; "
          f"{totals['images_captured']} images captured, "
          f"{totals['instructions']:,} guest instructions", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--skytwin", required=True, type=Path, help="a release skytwin binary")
    ap.add_argument("--repeat", type=int, default=1,
                    help="runs of each; the lowest CPU time of each is reported")
    args = ap.parse_args()

    print_machine("before")
    full = min((run_skytwin(args.skytwin, "eo-cubesat") for _ in range(args.repeat)),
               key=lambda r: r["cpu_s"])
    describe("eo-cubesat", full)
    with tempfile.TemporaryDirectory(prefix="skytwin-eo-") as tmp:
        path = Path(tmp) / "eo-cubesat-no-imaging.toml"
        path.write_text(without_imaging(EXAMPLE.read_text(), EXAMPLE.parent))
        bare = min((run_skytwin(args.skytwin, path) for _ in range(args.repeat)),
                   key=lambda r: r["cpu_s"])
    describe("without eo-imager and cloud-screen", bare)
    images = full["summary"]["satellites"][0].get("images_captured", 0)
    extra_cpu = full["cpu_s"] - bare["cpu_s"]
    print(f"the imaging apps: {extra_cpu:.2f} s of CPU, {full['wall_s'] - bare['wall_s']:.2f} s of wall"
          + (f"; {extra_cpu / images * 1e3:.1f} ms per image captured" if images else ""))
    print_machine("after")


if __name__ == "__main__":
    main()
