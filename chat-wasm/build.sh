#!/usr/bin/env bash
# Builds the browser bundle the server serves: chat-wasm for wasm32, then the wasm-bindgen
# CLI (exactly the crate's wasm-bindgen version) into chat-wasm/web/pkg/, and prints its size.
#
#   chat-wasm/build.sh            regenerate chat-wasm/web/pkg/ (commit the result)
#   chat-wasm/build.sh --check    build into a temporary directory and fail if the committed
#                                 bundle differs
#
# Installs the pinned wasm-bindgen CLI when it is missing (wasm-pack is not used: it
# downloads binaries).
set -euo pipefail
cd "$(dirname "$0")/.."

check=false
[ "${1:-}" = "--check" ] && check=true

version=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"$/\1/p' chat-wasm/Cargo.toml)
[ -n "$version" ] || { echo "no pinned wasm-bindgen version in chat-wasm/Cargo.toml" >&2; exit 1; }
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $version" ]; then
  echo "installing wasm-bindgen-cli $version" >&2
  # --locked first; a registry mirror missing one of the lock file's versions falls back to
  # the newest compatible ones.
  cargo install wasm-bindgen-cli --version "=$version" --locked ||
    cargo install wasm-bindgen-cli --version "=$version"
fi
rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || true

# Paths of this machine must not end up in the bundle (panic locations), so that the same
# sources give the same bytes anywhere.
cargo_home=${CARGO_HOME:-$HOME/.cargo}
sysroot=$(rustc --print sysroot)
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--remap-path-prefix=$PWD=/src --remap-path-prefix=$cargo_home=/cargo --remap-path-prefix=$sysroot=/rustc"
cargo build -p chat-wasm --target wasm32-unknown-unknown --release

target_dir=${CARGO_TARGET_DIR:-target}
out=chat-wasm/web/pkg
$check && out=$(mktemp -d)
wasm-bindgen --target web --remove-name-section --remove-producers-section \
  --out-dir "$out" "$target_dir/wasm32-unknown-unknown/release/chat_wasm.wasm"
rm -f "$out/.gitignore"

wasm_bytes=$(wc -c < "$out/chat_wasm_bg.wasm")
wasm_gz=$(gzip -9 < "$out/chat_wasm_bg.wasm" | wc -c)
js_gz=$(gzip -9 < "$out/chat_wasm.js" | wc -c)
echo "bundle: chat_wasm_bg.wasm $wasm_bytes bytes, $wasm_gz gzipped; chat_wasm.js $js_gz gzipped;" \
  "total $(( (wasm_gz + js_gz) / 1024 )) KiB gzipped"

if $check; then
  if diff -r "$out" chat-wasm/web/pkg >/dev/null; then
    echo "the committed bundle is up to date"
    rm -rf "$out"
  else
    diff -rq "$out" chat-wasm/web/pkg || true
    echo "chat-wasm/web/pkg is out of date: run chat-wasm/build.sh and commit the result" >&2
    rm -rf "$out"
    exit 1
  fi
fi
