#!/bin/sh
# Guest kernels, wasm under the hypervisor against native code, in one go and with one
# statistic (best of RUNS on both sides, in the thread's CPU time, which a shared machine
# disturbs less than wall time; docs/BENCHMARKS.md, "Guest runtime"):
#   - native, built by the guest's compiler (Debian rustc 1.63, which built kernels.wasm)
#     for the host CPU (-C target-cpu=native);
#   - native, built by the workspace's compiler ($RUSTC, default rustc) for the host CPU;
#   - wasm (kernels.wasm) under the hypervisor in each NaN canonicalisation mode
#     (benches/guest_kernels.rs, release profile).
# Prints every time in ms (CPU, wall), then each wasm CPU time divided by each native one.
# Usage: sim-core/benches/kernels/compare.sh [RUNS]   (default 30)
set -eu
cd "$(dirname "$0")"
runs="${1:-30}"
out="${TMPDIR:-/tmp}/skytwin-kernels"
mkdir -p "$out"
rustc_new="${RUSTC:-rustc}"
new_version="$("$rustc_new" --version | cut -d' ' -f2)"
/usr/bin/rustc --edition 2021 -C opt-level=3 -C target-cpu=native \
  -o "$out/native163" native_timing.rs
"$rustc_new" --edition 2021 -C opt-level=3 -C target-cpu=native \
  -o "$out/native-new" native_timing.rs
cargo bench -q -p sim-core --bench guest_kernels --no-run
{
  "$out/native163" "native:rustc-1.63" "$runs"
  "$out/native-new" "native:rustc-$new_version" "$runs"
  cargo bench -q -p sim-core --bench guest_kernels -- "$runs"
} > "$out/times.txt"
echo "best of $runs: side kernel cpu_ms wall_ms (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
cat "$out/times.txt"
echo "ratios, wasm / native:"
awk '
  { t[$1, $2] = $3; if (!($1 in seen)) { seen[$1] = 1; side[n++] = $1 } }
  END {
    split("crc32 blur logistic", k, " ")
    for (i = 0; i < n; i++) {
      if (side[i] !~ /^wasm:/) continue
      for (j = 0; j < n; j++) {
        if (side[j] !~ /^native:/) continue
        line = sprintf("  %-22s / %-18s", side[i], side[j])
        for (x = 1; x <= 3; x++) line = line sprintf("  %s %.2f", k[x], t[side[i], k[x]] / t[side[j], k[x]])
        print line
      }
    }
  }' "$out/times.txt"
