"""Helpers shared by make_fixtures.py (torch, skl2onnx) and make_tf_fixtures.py
(TensorFlow): they run in different virtual environments, so this module imports only
what both have (numpy, onnx, onnxruntime, scikit-learn)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


def write_json(path: Path, obj) -> None:
    with open(path, "w") as f:
        json.dump(obj, f)
        f.write("\n")


def ort_session(model: onnx.ModelProto | str | Path, *, optimize: bool = False) -> ort.InferenceSession:
    """CPU session, single-threaded.

    By default graph rewrites are disabled so the reference numbers come from the graph
    exactly as written (no Conv+BN fusion etc.); `optimize=True` is only used to check
    that onnxruntime agrees with itself.
    """
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.graph_optimization_level = (
        ort.GraphOptimizationLevel.ORT_ENABLE_ALL if optimize else ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    )
    src = model.SerializeToString() if isinstance(model, onnx.ModelProto) else str(model)
    return ort.InferenceSession(src, sess_options=so, providers=["CPUExecutionProvider"])


def op_list(model: onnx.ModelProto) -> list[str]:
    return [n.op_type for n in model.graph.node]


def load_data():
    """sklearn's digits, pixels / 16 as float32, the stratified 25% test split."""
    d = load_digits()
    X = (d.data / 16.0).astype(np.float32)
    y = d.target
    return train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
