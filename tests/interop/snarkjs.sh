#!/usr/bin/env bash
# snarkjs (npm, pinned in package-lock.json) verifies zkseal's committed real Poseidon-
# scheme proof after `zkseal export snarkjs`, and rejects it with one public input
# changed; a tampered bundle and a Lego proof are refused by the exporter.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --silent
cargo build --release --locked -p zkseal-cli
zkseal=../../target/release/zkseal
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

d=../data/proofs/poseidon
$zkseal export snarkjs --vk $d/verifying.key --commitment $d/commitment.json $d/proof.json -o "$work"
npx snarkjs groth16 verify "$work/verification_key.json" "$work/public.json" "$work/proof.json"

# The second public input is the first input integer: add one to it.
node -e '
  const fs = require("fs");
  const p = JSON.parse(fs.readFileSync(process.argv[1]));
  p[1] = (BigInt(p[1]) + 1n).toString();
  fs.writeFileSync(process.argv[2], JSON.stringify(p));
' "$work/public.json" "$work/tampered.json"
if npx snarkjs groth16 verify "$work/verification_key.json" "$work/tampered.json" "$work/proof.json"; then
  echo "snarkjs accepted a changed public input"; exit 1
fi

# A bundle zkseal refuses is not exported.
perl -0pe 's/("input":\s*\[\s*)(-?\d+)/$1.($2+1)/e' $d/proof.json > "$work/bad.json"
if $zkseal export snarkjs --vk $d/verifying.key --commitment $d/commitment.json "$work/bad.json" -o "$work/bad" 2> "$work/err"; then
  echo "a tampered bundle was exported"; exit 1
fi
grep -q "nothing exported" "$work/err" && [ ! -e "$work/bad" ]

l=../data/proofs/lego
if $zkseal export snarkjs --vk $l/verifying.key --commitment $l/commitment.json $l/proof.json -o "$work/lego" 2> "$work/err"; then
  echo "a Lego proof was exported for snarkjs"; exit 1
fi
grep -q "snarkjs cannot verify" "$work/err"
echo "snarkjs: honest proof accepted, tampered public input rejected, Lego refused with its reason"
