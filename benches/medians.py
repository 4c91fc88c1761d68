#!/usr/bin/env python3
"""Prints the medians of the last `cargo bench -p zkseal-benches` run as a Markdown table.

Criterion's console line `time: [low estimate high]` is the confidence interval of the
mean-time (slope) estimate; the median of the samples, with its 95% interval, is in
target/criterion/<group>/<model>/new/estimates.json, which is what this reads.
"""
import json
import pathlib
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent / "target" / "criterion")
# One table per bench target: the model core, then Groth16.
tables = [
    ["import", "quantize", "infer", "model_file"],
    ["witness", "prove", "verify", "verify_pairing"],
]
models = ["torch_mlp", "torch_cnn", "torch_cnn_s2", "sklearn_mlp", "sklearn_mlp2", "tf_mlp", "tf_cnn"]


def fmt(ns):
    for unit, div in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= div:
            return f"{ns / div:.3g} {unit}"
    return f"{ns:.3g} ns"


for groups in tables:
    if not any((root / g).exists() for g in groups):
        continue
    print("| model | " + " | ".join(groups) + " |")
    print("|---|" + "---|" * len(groups))
    for m in models:
        if not any((root / g / m).exists() for g in groups):
            continue
        cells = []
        for g in groups:
            path = root / g / m / "new" / "estimates.json"
            if not path.exists():
                cells.append("—")
                continue
            med = json.loads(path.read_text())["median"]
            ci = med["confidence_interval"]
            cells.append(f"{fmt(med['point_estimate'])} ({fmt(ci['lower_bound'])}–{fmt(ci['upper_bound'])})")
        print(f"| {m} | " + " | ".join(cells) + " |")
    print()
