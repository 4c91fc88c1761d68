#!/usr/bin/env bash
# The main job on a bundled model: import (calibrate + quantize) a digits CNN exported
# by torch.onnx, inspect it, and run the exact integer model on a test sample.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p zkseal-cli
zkseal=target/release/zkseal
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
model=tests/data/models/torch_cnn.onnx
head -n 1 tests/data/digits/test.jsonl > "$work/input.json"

$zkseal import "$model" -o "$work/model.zkq" --calibration tests/data/digits/calibration.jsonl
$zkseal inspect "$work/model.zkq"
$zkseal infer "$work/model.zkq" --input "$work/input.json" --json
echo "expected label: $(sed -E 's/.*"label": ?([0-9]+).*/\1/' "$work/input.json")"
