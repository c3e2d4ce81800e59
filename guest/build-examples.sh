#!/usr/bin/env bash
# Builds every example app of guest/examples/ into assets/apps/<name>.wasm (or into the
# directory given as the first argument), reproducibly: pinned flags, source paths remapped
# to /skytwin, symbols stripped. Records the toolchain versions in <out>/TOOLCHAIN.
#
#   guest/build-examples.sh              # rebuild the committed images
#   guest/build-examples.sh /tmp/apps    # build elsewhere (the reproducibility test does)
#
# Toolchains (see docs/guest-sdk.md):
#   SKYTWIN_GUEST_RUSTC   Rust compiler (default /usr/bin/rustc: Debian's 1.63 with the
#                         wasm32-wasi std from apt libstd-rust-dev-wasm32)
#   SKYTWIN_GUEST_TARGET  Rust target (default wasm32-wasi; wasm32-wasip1 for rustup >= 1.78)
#   SKYTWIN_GUEST_ZIG     command that runs zig (default: python3 -m ziglang, PyPI ziglang)
# The committed images were built with the defaults; other toolchains give working but
# different bytes.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$ROOT/assets/apps}"
RUSTC="${SKYTWIN_GUEST_RUSTC:-/usr/bin/rustc}"
TARGET="${SKYTWIN_GUEST_TARGET:-wasm32-wasi}"
read -r -a ZIG <<<"${SKYTWIN_GUEST_ZIG:-python3 -m ziglang}"

mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
cd "$ROOT"

RUST_FLAGS=(
  --edition 2021 --target "$TARGET"
  -C opt-level=s -C codegen-units=1 -C panic=abort -C debuginfo=0 -C strip=symbols
  --remap-path-prefix="$ROOT=/skytwin" --remap-path-prefix="$TMP=/build"
)
C_FLAGS=(
  --target=wasm32-wasi -O2 -s -std=c11 -Wall -Wextra
  -ffile-prefix-map="$ROOT=/skytwin" -I guest/include
)

echo "building the guest crate with $("$RUSTC" --version) for $TARGET"
"$RUSTC" "${RUST_FLAGS[@]}" --crate-type rlib --crate-name skytwin_guest \
  guest/src/lib.rs -o "$TMP/libskytwin_guest.rlib"

# name:crate-type (bin = command app with _start, cdylib = reactor with skytwin_on_event)
for spec in beacon:bin eo-imager:bin relay:bin cloud-screen:cdylib hello:bin; do
  name="${spec%%:*}"
  kind="${spec##*:}"
  extern=(--extern "skytwin_guest=$TMP/libskytwin_guest.rlib")
  [ "$name" = hello ] && extern=()  # plain WASI: std only
  "$RUSTC" "${RUST_FLAGS[@]}" -C lto=fat --crate-type "$kind" --crate-name "${name//-/_}" \
    "${extern[@]}" "guest/examples/$name/main.rs" -o "$TMP/$name.wasm"
  cp "$TMP/$name.wasm" "$OUT/$name.wasm"
done

"${ZIG[@]}" cc "${C_FLAGS[@]}" -mexec-model=reactor \
  guest/examples/housekeeping/housekeeping.c -o "$OUT/housekeeping.wasm"

{
  echo "# Toolchains that built these images (guest/build-examples.sh)"
  echo "rustc: $("$RUSTC" --version)"
  echo "rust-target: $TARGET"
  echo "rust-flags: ${RUST_FLAGS[*]:4} (apps: -C lto=fat)" | sed -e "s|$ROOT|<root>|g" -e "s|$TMP|<tmp>|g"
  echo "zig: $("${ZIG[@]}" version)"
  echo "c-flags: ${C_FLAGS[*]} -mexec-model=reactor" | sed -e "s|$ROOT|<root>|g"
} >"$OUT/TOOLCHAIN"

for f in "$OUT"/*.wasm; do
  printf '%8d  %s\n' "$(wc -c <"$f")" "${f#"$ROOT"/}"
done
