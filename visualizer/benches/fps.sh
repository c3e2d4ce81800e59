#!/usr/bin/env bash
# Frames per second of skytwin-view under Xvfb with Mesa's lavapipe (software Vulkan), for 1
# (eo-cubesat), 1,000 and 30,000 satellites (visualizer/benches/scenarios), at 1280x800 with
# the panels shown and the simulation running at 1,000x. Each run counts the frames drawn
# over SECONDS (default 20) once the scenario shows, and prints one line per scenario.
# Needs xvfb-run, libvulkan1 and mesa-vulkan-drivers.
#
#   cargo build --release -p visualizer
#   visualizer/benches/fps.sh [SECONDS]      (VIEWER_BIN=path/to/skytwin-view to time another build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=${1:-20}
bin="${VIEWER_BIN:-${CARGO_TARGET_DIR:-$root/target}/release/skytwin-view}"
[ -x "$bin" ] || { echo "build it first: cargo build --release -p visualizer" >&2; exit 2; }
icd=$(ls /usr/share/vulkan/icd.d/lvp_icd*.json | head -n 1)
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(date -u +%FT%TZ)"
for s in eo-cubesat "$here/scenarios/walker-1000.toml" "$here/scenarios/walker-30000.toml"; do
  printf '%s: ' "$(basename "$s" .toml)"
  VK_ICD_FILENAMES="$icd" xvfb-run -a -s "-screen 0 1344x864x24" \
    "$bin" "$s" --size 1280x800 --warp 1000 --fps "$seconds" 2>/dev/null | tail -n 1
done
