#!/usr/bin/env bash
# The Solidity verifier in an EVM: for the committed real proofs of both schemes,
# `zkseal export solidity` writes the contract, solcjs (npm, pinned in package-lock.json)
# compiles it, and zkseal-evm (revm) deploys it and checks that it accepts the honest
# proof and refuses every tampered one; the gas figures go to $GAS_REPORT_DIR if set.
# A bundle zkseal refuses gets no calldata.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --silent
cargo build --release --locked
(cd ../.. && cargo build --release --locked -p zkseal-cli)
zkseal=../../target/release/zkseal
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for scheme in lego poseidon; do
  d=../data/proofs/$scheme
  out=$work/$scheme
  mkdir -p "$out"
  $zkseal export solidity --vk $d/verifying.key --commitment $d/commitment.json -o "$out/Verifier.sol"
  $zkseal export calldata --vk $d/verifying.key --commitment $d/commitment.json $d/proof.json -o "$out/calldata.json"
  npx solcjs --bin --optimize -o "$out" "$out/Verifier.sol" >/dev/null
  echo "== $scheme"
  report=${GAS_REPORT_DIR:+$GAS_REPORT_DIR/gas_$scheme.json}
  target/release/zkseal-evm "$out/"*ZksealVerifier.bin "$out/calldata.json" ${report:+--gas-report "$report"}

  perl -0pe 's/("output":\s*\[\s*)(-?\d+)/$1.($2+1)/e' $d/proof.json > "$out/bad.json"
  if $zkseal export calldata --vk $d/verifying.key --commitment $d/commitment.json "$out/bad.json" \
      -o "$out/bad_calldata.json" 2> "$out/err"; then
    echo "calldata was written for a tampered bundle"; exit 1
  fi
  grep -q "nothing exported" "$out/err" && [ ! -e "$out/bad_calldata.json" ]
done
echo "EVM: both schemes' contracts accept the honest proof and refuse every tampered one"
