#!/usr/bin/env bash
# Regenerates the committed real proofs (tests/data/proofs: the verify target's
# fixtures, also used by the C, JS and snarkjs checks) and the seeds from a zkseal binary:
#   tests/fuzz/make_seeds.sh target/release/zkseal
# The fixtures are a real proof of one inference of the bundled sklearn_mlp under each
# commitment scheme. Rerun after any change to a file format (and commit the result).
set -euo pipefail
zkseal=$(realpath "$1")
cd "$(dirname "$0")"
data=../data
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

$zkseal import "$data/models/sklearn_mlp.onnx" -o "$work/model.zkq" --calibration "$data/digits/calibration.jsonl" >/dev/null
$zkseal arch "$work/model.zkq" -o "$work/model.zka" >/dev/null
head -n 1 "$data/digits/test.jsonl" > "$work/input.json"
for scheme in lego poseidon; do
  out=../data/proofs/$scheme
  mkdir -p "$out"
  $zkseal setup "$work/model.zka" -o "$work/keys-$scheme" --scheme "$scheme" >/dev/null
  $zkseal commit "$work/model.zkq" --pk "$work/keys-$scheme/proving.key" -o "$out/commitment.json" \
    --salt "$work/salt-$scheme.json" >/dev/null
  $zkseal prove "$work/model.zkq" --pk "$work/keys-$scheme/proving.key" --salt "$work/salt-$scheme.json" \
    --input "$work/input.json" --commitment "$out/commitment.json" -o "$out/proof.json" >/dev/null
  cp "$work/keys-$scheme/verifying.key" "$out/verifying.key"
  $zkseal verify --vk "$out/verifying.key" --commitment "$out/commitment.json" "$out/proof.json" >/dev/null
done

rm -rf seeds
mkdir -p seeds/{model_file,record_and_bundle,keys,verify}
cp "$work/model.zkq" "$work/model.zka" seeds/model_file/
for scheme in lego poseidon; do
  f=../data/proofs/$scheme
  cp "$f/commitment.json" "seeds/record_and_bundle/$scheme-commitment.json"
  cp "$f/proof.json" "seeds/record_and_bundle/$scheme-proof.json"
  cp "$f/verifying.key" "seeds/keys/$scheme-verifying.key"
  head -c 100 "$work/keys-$scheme/proving.key" > "seeds/keys/$scheme-proving-key-prefix"
done
$zkseal setup "$work/model.zka" --backend halo2 -o "$work/keys-halo2" >/dev/null
cp "$work/keys-halo2/verifying.key" seeds/keys/halo2.key
cp "$work/input.json" seeds/record_and_bundle/input.json
printf '0' > seeds/record_and_bundle/field-zero
printf '21888242871839275222246405745257275088548364400416034343698204186575808495616' \
  > seeds/record_and_bundle/field-max
# verify: selector byte (bit 0: scheme; (byte >> 1) % 3: bundle, record, key) + file.
selector=0
for scheme in lego poseidon; do
  f=../data/proofs/$scheme
  for file in proof.json commitment.json verifying.key; do
    case $file in proof.json) s=0 ;; commitment.json) s=2 ;; *) s=4 ;; esac
    [ "$scheme" = poseidon ] && s=$((s + 1))
    { printf "\\x$(printf %02x "$s")"; cat "$f/$file"; } > "seeds/verify/$scheme-$file"
  done
done
echo "proofs written to tests/data/proofs, seeds to $(pwd)/seeds"
