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
groups = ["import", "quantize", "infer", "model_file"]
models = ["torch_mlp", "torch_cnn", "torch_cnn_s2", "sklearn_mlp", "sklearn_mlp2"]


def fmt(ns):
    for unit, div in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= div:
            return f"{ns / div:.3g} {unit}"
    return f"{ns:.3g} ns"


print("| model | " + " | ".join(groups) + " |")
print("|---|" + "---|" * len(groups))
for m in models:
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
