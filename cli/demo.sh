#!/usr/bin/env bash
# The main job on a bundled model, end to end: import (calibrate + quantize) a digits
# CNN exported by torch.onnx, make keys from its architecture alone, commit to its
# weights (a commitment point the proofs open: the Lego scheme, the default), prove one
# inference, verify the proof, and show that a tampered proof fails; then the same on the
# transparent halo2 backend, and an audit of the record.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p zkseal-cli
zkseal=target/release/zkseal
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
model=tests/data/models/torch_cnn.onnx
head -n 1 tests/data/digits/test.jsonl > "$work/input.json"

echo "== import";  $zkseal import "$model" -o "$work/model.zkq" --calibration tests/data/digits/calibration.jsonl
echo "== inspect"; $zkseal inspect "$work/model.zkq"
echo "== setup (from the weight-free architecture)"
$zkseal arch "$work/model.zkq" -o "$work/model.zka"
$zkseal setup "$work/model.zka" -o "$work/keys"
echo "== commit";  $zkseal commit "$work/model.zkq" --pk "$work/keys/proving.key" \
                     -o "$work/commitment.json" --salt "$work/salt.json"
echo "== prove";   $zkseal prove "$work/model.zkq" --pk "$work/keys/proving.key" --salt "$work/salt.json" \
                     --input "$work/input.json" --commitment "$work/commitment.json" -o "$work/proof.json"
echo "== verify";  $zkseal verify --vk "$work/keys/verifying.key" --commitment "$work/commitment.json" "$work/proof.json"
echo "expected label: $(sed -E 's/.*"label": ?([0-9]+).*/\1/' "$work/input.json")"

# expect_rejected KEYS_DIR PROOF: claim PROOF is about a slightly different input (1
# added to its first integer); verify must exit 1.
expect_rejected() {
  perl -0pe 's/("input": \[\s*)(-?\d+)/$1.($2+1)/e' "$2" > "$work/tampered.json"
  set +e
  $zkseal verify --vk "$1/verifying.key" --commitment "$work/commitment.json" "$work/tampered.json"
  local code=$?
  set -e
  [ "$code" -eq 1 ] || { echo "tampered proof: expected exit 1, got $code"; exit 1; }
  echo "rejected as expected"
}

echo "== verify a tampered proof (must fail with exit 1)"
expect_rejected "$work/keys" "$work/proof.json"

echo "== the same flow on the transparent backend (halo2: no trusted setup)"
# Keys derived from the architecture alone: anyone can re-run this and compare the bytes.
$zkseal setup "$work/model.zka" --backend halo2 -o "$work/keys-halo2"
# The record written above already holds the Pallas commitment these proofs open.
$zkseal prove "$work/model.zkq" --pk "$work/keys-halo2/proving.key" --salt "$work/salt.json" \
  --input "$work/input.json" --commitment "$work/commitment.json" -o "$work/proof-halo2.json"
$zkseal verify --vk "$work/keys-halo2/verifying.key" --commitment "$work/commitment.json" "$work/proof-halo2.json"
expect_rejected "$work/keys-halo2" "$work/proof-halo2.json"

echo "== audit: every commitment of the record recomputed from the weights and the salt"
# Each proof above opened one of the record's commitments (verify names it); that they all
# commit to the same weights is what an auditor shown the weights and salt checks.
$zkseal audit "$work/model.zkq" --salt "$work/salt.json" --commitment "$work/commitment.json" \
  --pk "$work/keys/proving.key"
