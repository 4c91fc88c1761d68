#!/usr/bin/env bash
# Checks that the verifier builds without std (wasm32v1-none), then builds the JS
# package (wasm32-unknown-unknown, wasm-bindgen-cli, then binaryen's wasm-opt -Oz), fails
# if its .wasm is above the 150 KB budget, and runs the verifier on the committed real
# proofs in Node and in headless Chromium. Installs what is missing: the wasm targets
# (rustup), wasm-bindgen-cli (crates.io), binaryen (npm, pinned in package-lock.json)
# and Chromium (Debian's package).
set -euo pipefail
cd "$(dirname "$0")"
budget=150000
rustup target add wasm32-unknown-unknown wasm32v1-none >/dev/null
# The core first, for a target that has no std at all: any use of std fails to build.
(cd ../.. && cargo build --locked -p zkseal-verifier --no-default-features --target wasm32v1-none)
version=$(sed -n 's/^wasm-bindgen = .*version = "=\([^"]*\)".*/\1/p' Cargo.toml)
if [ "$(wasm-bindgen --version 2>/dev/null | cut -d' ' -f2)" != "$version" ]; then
  cargo install wasm-bindgen-cli --version "$version"
fi
cargo build --release --target wasm32-unknown-unknown
wasm=target/wasm32-unknown-unknown/release/zkseal_verifier_js.wasm
work=$(mktemp -d)
server=
trap '[ -z "$server" ] || kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
wasm-bindgen --target nodejs --out-dir "$work/node" "$wasm"
wasm-bindgen --target web --out-dir "$work/web/pkg" "$wasm"
npm ci --no-audit --no-fund --silent
for out in "$work/web/pkg" "$work/node"; do
  node_modules/.bin/wasm-opt -Oz --converge --strip-debug --strip-producers --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
    --enable-nontrapping-float-to-int --enable-multivalue --enable-reference-types \
    "$out/zkseal_verifier_js_bg.wasm" -o "$out/zkseal_verifier_js_bg.wasm"
done
size=$(stat -c %s "$work/web/pkg/zkseal_verifier_js_bg.wasm")
echo "wasm: $size bytes (budget $budget)"
[ "$size" -le "$budget" ] || { echo "the .wasm is above its budget"; exit 1; }

node tests/node.js "$work/node" ../../tests/data/proofs

command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
cp tests/page.html "$work/web/index.html"
cp -r ../../tests/data/proofs "$work/web/proofs"
port=$((20000 + RANDOM % 20000))
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/web" >/dev/null 2>&1 &
server=$!
sleep 1
dom=$(timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --user-data-dir="$work/profile" \
  --virtual-time-budget=20000 --dump-dom "http://127.0.0.1:$port/index.html" 2>/dev/null)
result=$(printf '%s' "$dom" | sed -n 's/.*<pre id="result">\([^<]*\)<.*/\1/p')
echo "chromium: $result"
case "$result" in
  "lego: honest=true tampered=false ("*pairing*") input=true other=false; poseidon: honest=true tampered=false ("*pairing*") input=true other=false")
    echo "JS package: all checks passed" ;;
  *) echo "chromium: unexpected result"; exit 1 ;;
esac
