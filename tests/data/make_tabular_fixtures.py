#!/usr/bin/env python3
"""Regenerate the tabular fixtures: the models a user brings that are not image classifiers.

Run from the repository root (numpy, onnx and onnxruntime; versions in versions.json):

    python tests/data/make_tabular_fixtures.py

Writes, next to this script:

* tabular/calibration.jsonl   200 standardized feature rows, {"input": [6 floats]}
* tabular/test.jsonl          200 rows, {"input": [...], "target": float, "label": 0|1}
* models/tabular_regression.onnx   Gemm(6→16) → Relu → Gemm(16→1): one output, a value
* models/tabular_binary.onnx       the same shape trained on the label, ending in Sigmoid
                                   (a classifier head the importer strips: the logit is proven)

The features are standardized (mean 0, variance 1 on the training rows), and feature 5 is
heavy-tailed (Student t, 3 degrees of freedom), so test rows hold values several standard
deviations out: what makes a calibrated input range too narrow and `--input-range` useful.
Training is plain full-batch gradient descent in numpy with a fixed seed, so the files are
reproducible with the same numpy; the Rust tests only read them.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

HERE = Path(__file__).resolve().parent
FEATURES, HIDDEN = 6, 16


def data(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    x = rng.standard_normal((n, FEATURES))
    x[:, 5] = rng.standard_t(3, n)
    y = 1.5 * np.sin(x[:, 0]) + 0.8 * x[:, 1] * x[:, 2] - 0.5 * x[:, 3] + 0.3 * np.abs(x[:, 4]) + 0.2 * x[:, 5]
    return x, y + 0.1 * rng.standard_normal(n)


def train(x: np.ndarray, t: np.ndarray, logistic: bool, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    w1 = rng.standard_normal((HIDDEN, FEATURES)) * np.sqrt(2 / FEATURES)
    b1 = np.zeros(HIDDEN)
    w2 = rng.standard_normal((1, HIDDEN)) * np.sqrt(1 / HIDDEN)
    b2 = np.zeros(1)
    lr = 0.05
    for _ in range(3000):
        h = np.maximum(x @ w1.T + b1, 0)
        out = (h @ w2.T + b2)[:, 0]
        pred = 1 / (1 + np.exp(-out)) if logistic else out
        grad_out = (pred - t) / len(t)
        gw2 = grad_out[None, :] @ h
        gb2 = grad_out.sum(keepdims=True)
        gh = grad_out[:, None] @ w2 * (h > 0)
        gw1 = gh.T @ x
        gb1 = gh.sum(axis=0)
        w1, b1, w2, b2 = w1 - lr * gw1, b1 - lr * gb1, w2 - lr * gw2, b2 - lr * gb2
    return [w1, b1, w2, b2]


def export(params: list[np.ndarray], sigmoid: bool, path: Path) -> None:
    w1, b1, w2, b2 = (p.astype(np.float32) for p in params)
    nodes = [
        helper.make_node("Gemm", ["x", "w1", "b1"], ["h"], transB=1),
        helper.make_node("Relu", ["h"], ["r"]),
        helper.make_node("Gemm", ["r", "w2", "b2"], ["logit" if sigmoid else "y"], transB=1),
    ]
    if sigmoid:
        nodes.append(helper.make_node("Sigmoid", ["logit"], ["y"]))
    inits = [numpy_helper.from_array(a, n) for a, n in [(w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2")]]
    graph = helper.make_graph(
        nodes,
        "tabular",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, FEATURES])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1])],
        inits,
    )
    model = helper.make_model(graph, producer_name="zkseal-fixtures", opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    path.write_bytes(model.SerializeToString())


def main() -> None:
    rng = np.random.default_rng(2026)
    x_train, y_train = data(rng, 800)
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    x_cal, _ = data(rng, 200)
    x_test, y_test = data(rng, 200)
    norm = lambda x: (x - mean) / std  # noqa: E731
    label = lambda y: (y > np.median(y_train)).astype(np.float64)  # noqa: E731
    reg = train(norm(x_train), y_train, logistic=False, seed=1)
    cls = train(norm(x_train), label(y_train), logistic=True, seed=2)
    export(reg, False, HERE / "models" / "tabular_regression.onnx")
    export(cls, True, HERE / "models" / "tabular_binary.onnx")

    out = HERE / "tabular"
    out.mkdir(exist_ok=True)
    r = lambda v: [round(float(a), 6) for a in v]  # noqa: E731
    with open(out / "calibration.jsonl", "w") as f:
        for row in norm(x_cal):
            f.write(json.dumps({"input": r(row)}) + "\n")
    with open(out / "test.jsonl", "w") as f:
        for row, y in zip(norm(x_test), y_test):
            f.write(json.dumps({"input": r(row), "target": round(float(y), 6), "label": int(y > np.median(y_train))}) + "\n")

    # Sanity: what onnxruntime says the two models achieve on the rounded test rows.
    rows = np.array([json.loads(line)["input"] for line in open(out / "test.jsonl")], dtype=np.float32)
    for name in ["tabular_regression", "tabular_binary"]:
        sess = ort.InferenceSession(str(HERE / "models" / f"{name}.onnx"))
        pred = np.array([sess.run(None, {"x": row[None, :]})[0][0, 0] for row in rows])
        if name == "tabular_regression":
            print(f"{name}: test MAE {np.abs(pred - y_test).mean():.3f}")
        else:
            print(f"{name}: test accuracy {((pred > 0.5) == (y_test > np.median(y_train))).mean():.3f}")
    print(f"max |feature| on test rows: {np.abs(rows).max():.2f}, on calibration rows: {np.abs(norm(x_cal)).max():.2f}")


if __name__ == "__main__":
    main()
