#!/bin/sh
# Builds native_timing.rs with Debian's rustc 1.63 (the compiler of kernels.wasm) and runs it.
set -eu
cd "$(dirname "$0")"
out="${TMPDIR:-/tmp}/skytwin-native163"
/usr/bin/rustc --edition 2021 -C opt-level=3 -o "$out" native_timing.rs
"$out"
