#!/bin/sh
# Rebuilds kernels.wasm, the guest side of the `compute` benchmark, with Debian's rustc 1.63
# (apt: rustc, libstd-rust-dev-wasm32) for wasm32-wasi, SIMD enabled (the hypervisor accepts
# wasm SIMD; the native side is auto-vectorised too), paths remapped, symbols stripped.
set -eu
cd "$(dirname "$0")"
/usr/bin/rustc --edition 2021 --target wasm32-wasi -C opt-level=3 -C target-feature=+simd128 \
  -C strip=symbols --remap-path-prefix="$PWD=/kernels" -o kernels.wasm main.rs
