#!/usr/bin/env python3
"""Regenerate the TensorFlow/Keras model fixtures under tests/data/models/.

Run from the repository root, in an environment with a tf2onnx-compatible TensorFlow
(see "TensorFlow fixtures" in tests/data/README.md for the exact versions used):

    python tests/data/make_tf_fixtures.py

Writes, next to the other model fixtures:

* models/tf_mlp.onnx, models/tf_mlp.reference.json
    Keras Sequential Dense(32, relu) -> Dense(16, relu) -> Dense(10) (logits), input (64,),
    exported with tf2onnx at opset 15 with a symbolic batch dimension.
* models/tf_cnn.onnx, models/tf_cnn.reference.json
    Keras NHWC (8, 8, 1) input: Conv2D(8, 3, same, relu) -> MaxPooling2D(2) ->
    Conv2D(16, 3, same, relu) -> AveragePooling2D(2) -> Flatten -> Dense(10) (logits),
    exported with tf2onnx at opset 13 with a symbolic batch dimension. The ONNX input is
    NHWC [N, 8, 8, 1]: the 64 test.jsonl pixels reshape row-major to (8, 8, 1).

This is a separate script from make_fixtures.py (which needs torch/skl2onnx and a recent
numpy) because tf2onnx only supports older TensorFlow releases, which in turn pin
numpy < 2; the two toolchains do not fit in one environment. It follows the same
conventions: same digits split (checked against digits/test.jsonl, which it does NOT
rewrite), same reference JSON layout, reference logits computed by onnxruntime from the
exact .onnx file written (CPU, single-threaded, graph optimisations off, batch 1).

Determinism: tf.keras.utils.set_random_seed(0) right before each model is built,
op determinism enabled, TF and onnxruntime single-threaded, layer names pinned so the
tensor names in the exported graphs do not depend on what was built earlier.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import sys
from pathlib import Path

# Single-threaded thread pools before TF / onnxruntime are imported.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_DETERMINISTIC_OPS", "1")

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnxruntime as ort  # noqa: E402
import sklearn  # noqa: E402
import tensorflow as tf  # noqa: E402
import tf2onnx  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from fixture_common import load_data, op_list, ort_session, write_json  # noqa: E402

DIGITS_DIR = HERE / "digits"
MODELS_DIR = HERE / "models"

N_TEST = 300
EPOCHS = 60
BATCH = 64
LR = 1e-3


# --------------------------------------------------------------------------------------
# Helpers (same conventions as make_fixtures.py)
# --------------------------------------------------------------------------------------


def floats(a: np.ndarray) -> list[float]:
    """Flatten row-major, float32 -> Python float (exact, so Rust recovers the same f32)."""
    return [float(v) for v in np.asarray(a, dtype=np.float32).reshape(-1)]


def check_against_test_jsonl(X_test: np.ndarray, y_test: np.ndarray) -> None:
    """The fixtures are only meaningful if our split is the one in digits/test.jsonl."""
    with open(DIGITS_DIR / "test.jsonl") as f:
        rows = [json.loads(line) for line in f]
    assert len(rows) == N_TEST, len(rows)
    X_file = np.array([r["input"] for r in rows], dtype=np.float32)
    y_file = np.array([r["label"] for r in rows])
    assert np.array_equal(X_file.view(np.uint32), X_test[:N_TEST].view(np.uint32)), "test.jsonl inputs differ"
    assert np.array_equal(y_file, y_test[:N_TEST]), "test.jsonl labels differ"
    print(f"  digits/test.jsonl matches the first {N_TEST} test samples bit for bit")


# --------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------

L = tf.keras.layers


def make_tf_mlp() -> tf.keras.Model:
    return tf.keras.Sequential(
        [
            L.Input(shape=(64,), name="input"),
            L.Dense(32, activation="relu", name="dense1"),
            L.Dense(16, activation="relu", name="dense2"),
            L.Dense(10, name="logits"),  # no softmax: the model outputs logits
        ],
        name="tf_mlp",
    )


def make_tf_cnn() -> tf.keras.Model:
    return tf.keras.Sequential(
        [
            L.Input(shape=(8, 8, 1), name="input"),
            L.Conv2D(8, 3, padding="same", activation="relu", name="conv1"),
            L.MaxPooling2D(2, name="pool1"),
            L.Conv2D(16, 3, padding="same", activation="relu", name="conv2"),
            L.AveragePooling2D(2, name="pool2"),
            L.Flatten(name="flatten"),
            L.Dense(10, name="logits"),
        ],
        name="tf_cnn",
    )


def train_keras(factory, X: np.ndarray, y: np.ndarray) -> tf.keras.Model:
    # Seed right before building so initial weights and the shuffle order do not depend on
    # what was trained before.
    tf.keras.utils.set_random_seed(0)
    model = factory()
    model.compile(
        optimizer=tf.keras.optimizers.Adam(learning_rate=LR),
        loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    model.fit(X, y.astype(np.int64), epochs=EPOCHS, batch_size=BATCH, shuffle=True, verbose=0)
    return model


def export_tf(model: tf.keras.Model, in_shape: list, path: Path, *, opset: int) -> onnx.ModelProto:
    spec = [tf.TensorSpec(in_shape, tf.float32, name="input")]
    proto, _ = tf2onnx.convert.from_keras(model, input_signature=spec, opset=opset)
    onnx.save(proto, str(path))
    return proto


def write_model_reference(name: str, shape: list[int], X_test, y_test, keras_model) -> dict:
    path = MODELS_DIR / f"{name}.onnx"
    model = onnx.load(str(path))
    assert len(model.graph.output) == 1, [o.name for o in model.graph.output]
    logits_name = model.graph.output[0].name
    sess = ort_session(path)
    in_name = sess.get_inputs()[0].name
    outs = []
    for x in X_test[:N_TEST]:
        (logits,) = sess.run([logits_name], {in_name: x.reshape(shape).astype(np.float32)})
        assert logits.shape == (1, 10), logits.shape
        outs.append(logits[0])
    logits = np.stack(outs)
    acc = float((logits.argmax(1) == y_test[:N_TEST]).mean())

    # Sanity: the exported graph computes what Keras computes.
    keras_logits = keras_model.predict(X_test[:N_TEST].reshape([-1] + shape[1:]), verbose=0)
    max_diff = float(np.abs(keras_logits - logits).max())
    assert max_diff < 1e-4, f"{name}: onnxruntime vs keras max |diff| {max_diff}"

    write_json(
        MODELS_DIR / f"{name}.reference.json",
        {
            "model": name,
            "input_shape": shape,
            "logits_tensor": logits_name,
            "float_test_accuracy": acc,
            "outputs": [floats(r) for r in logits],
        },
    )
    opsets = {o.domain or "ai.onnx": o.version for o in model.opset_import}
    in_dims = [d.dim_param or d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
    out_dims = [d.dim_param or d.dim_value for d in model.graph.output[0].type.tensor_type.shape.dim]
    print(
        f"  {name}: accuracy {acc:.4f}  ir {model.ir_version}  opsets {opsets}\n"
        f"    input {model.graph.input[0].name} {in_dims}  output {logits_name} {out_dims}  "
        f"(onnxruntime vs keras max |diff| {max_diff:.2e})\n"
        f"    ops {op_list(model)}"
    )
    return {"accuracy": acc, "ops": op_list(model)}


def _dist_version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def versions() -> dict:
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "tensorflow": tf.__version__,
        "keras": _dist_version("keras"),
        "tf2onnx": tf2onnx.__version__,
        "onnx": onnx.__version__,
        "onnxruntime": ort.__version__,
        "scikit-learn": sklearn.__version__,
        "protobuf": _dist_version("protobuf"),
    }


def main() -> None:
    np.random.seed(0)  # nothing should use the global numpy rng, but pin it anyway
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.config.experimental.enable_op_determinism()
    print("versions:", versions())

    X_train, X_test, y_train, y_test = load_data()
    print(f"digits: {len(X_train)} train / {len(X_test)} test")
    check_against_test_jsonl(X_test, y_test)

    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    summary = {}

    print("models:")
    # 1. MLP, opset 15, symbolic batch.
    mlp = train_keras(make_tf_mlp, X_train, y_train)
    export_tf(mlp, [None, 64], MODELS_DIR / "tf_mlp.onnx", opset=15)
    summary["tf_mlp"] = write_model_reference("tf_mlp", [1, 64], X_test, y_test, mlp)

    # 2. NHWC CNN, opset 13, symbolic batch.
    cnn = train_keras(make_tf_cnn, X_train.reshape(-1, 8, 8, 1), y_train)
    export_tf(cnn, [None, 8, 8, 1], MODELS_DIR / "tf_cnn.onnx", opset=13)
    summary["tf_cnn"] = write_model_reference("tf_cnn", [1, 8, 8, 1], X_test, y_test, cnn)

    for name in summary:
        m = onnx.load(str(MODELS_DIR / f"{name}.onnx"))
        onnx.checker.check_model(m, full_check=True)
        ort_session(MODELS_DIR / f"{name}.onnx", optimize=True)  # also loads with all optimisations
        print(f"  {name}: onnx.checker (full_check) OK, loads with ORT_ENABLE_ALL")

    print("summary (ops in graph order, deduplicated):")
    for name, s in summary.items():
        print(f"  | `{name}` | {s['accuracy']:.4f} | {' '.join(dict.fromkeys(s['ops']))} |")


if __name__ == "__main__":
    sys.exit(main())
