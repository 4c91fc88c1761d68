#!/usr/bin/env python3
"""Regenerate every test fixture under tests/data/.

Run from the repository root:

    python tests/data/make_fixtures.py

Everything is written next to this script (tests/data/...). The Rust test-suite only
*reads* these files; it never needs Python. This script exists so the fixtures can be
audited and rebuilt, not so they are rebuilt on every test run.

What gets produced (see tests/data/README.md, also written by this script):

* digits/          calibration + test samples from scikit-learn's bundled digits data
* models/          five small trained classifiers (torch legacy exporter, skl2onnx) and,
                   for each, onnxruntime's float logits on the 300 test samples
* ops/             one tiny hand-built ONNX graph per operator/attribute variant the
                   compiler has to handle, with onnxruntime outputs on 3 random inputs,
                   plus bad_*.onnx graphs the compiler must *reject*
* versions.json    the package versions that produced all of the above

Determinism: all randomness is seeded (numpy default_rng, torch.manual_seed, sklearn
random_state) and torch runs single-threaded with deterministic algorithms. Re-running
with the same package versions on the same kind of CPU reproduces the files; a different
torch / BLAS build can change trained weights in the last bits, but every reference JSON
is always consistent with the .onnx file written next to it, because the reference
outputs are computed by onnxruntime from that exact file.
"""

from __future__ import annotations

import copy
import json
import platform
import sys
import warnings
import zlib
from pathlib import Path

import numpy as np

# Keep thread pools single-threaded *before* importing torch/onnxruntime so reductions
# happen in a fixed order (reproducible training and reference outputs).
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import onnx  # noqa: E402
import onnxruntime as ort  # noqa: E402
import sklearn  # noqa: E402
import skl2onnx  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402
from skl2onnx import convert_sklearn  # noqa: E402
from skl2onnx.common.data_types import FloatTensorType  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from fixture_common import load_data, op_list, ort_session, write_json  # noqa: E402

DIGITS_DIR = HERE / "digits"
MODELS_DIR = HERE / "models"
OPS_DIR = HERE / "ops"

N_CALIBRATION = 200
N_TEST = 300
N_OP_SAMPLES = 3


# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------


def floats(a: np.ndarray) -> list[float]:
    """Flatten row-major and convert float32 -> Python float.

    float(np.float32) is exact, so a Rust reader that parses the decimal as f64 and then
    casts to f32 recovers the identical f32 bit pattern.
    """
    return [float(v) for v in np.asarray(a, dtype=np.float32).reshape(-1)]


def seed_of(key: str) -> int:
    """Stable per-fixture seed (Python's hash() is salted per process, crc32 is not)."""
    return zlib.crc32(key.encode())


# --------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------


def write_digits(X_train, X_test, y_test) -> None:
    DIGITS_DIR.mkdir(parents=True, exist_ok=True)
    with open(DIGITS_DIR / "calibration.jsonl", "w") as f:
        for x in X_train[:N_CALIBRATION]:
            f.write(json.dumps({"input": floats(x)}) + "\n")
    with open(DIGITS_DIR / "test.jsonl", "w") as f:
        for x, label in zip(X_test[:N_TEST], y_test[:N_TEST]):
            f.write(json.dumps({"input": floats(x), "label": int(label)}) + "\n")


# --------------------------------------------------------------------------------------
# Digits models
# --------------------------------------------------------------------------------------


class TorchCNN(nn.Module):
    """Written as a Module (not Sequential) so that the flatten is `x.view(x.size(0), -1)`:
    traced with a dynamic batch this becomes Shape/Gather/Unsqueeze/Concat/Reshape, the
    shape-arithmetic subgraph the compiler has to constant-evaluate."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.pool2 = nn.AvgPool2d(2)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = self.pool1(torch.relu(self.bn1(self.conv1(x))))
        x = self.pool2(torch.relu(self.conv2(x)))
        x = x.view(x.size(0), -1)
        return self.fc(x)


def make_torch_mlp():
    return nn.Sequential(
        nn.Linear(64, 32), nn.ReLU(), nn.Dropout(0.1), nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 10)
    )


def make_torch_cnn_s2():
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, stride=2, padding=1),
        nn.ReLU(),
        nn.Conv2d(8, 16, 3, padding=1),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(16, 10),
    )


def train_torch(factory, X: np.ndarray, y: np.ndarray, epochs: int = 60, batch: int = 64, lr: float = 1e-3) -> nn.Module:
    # Seed right before constructing the model so initial weights do not depend on what
    # was trained before it.
    torch.manual_seed(0)
    model = factory()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y.astype(np.int64))
    gen = torch.Generator().manual_seed(0)
    model.train()
    for _ in range(epochs):
        perm = torch.randperm(len(Xt), generator=gen)
        for i in range(0, len(Xt), batch):
            idx = perm[i : i + batch]
            opt.zero_grad()
            loss_fn(model(Xt[idx]), yt[idx]).backward()
            opt.step()
    model.eval()
    return model


def export_torch(model, example, path: Path, *, opset: int, dynamic_batch: bool, fold: bool = True, keep_bn=False):
    kwargs = {}
    if dynamic_batch:
        kwargs["dynamic_axes"] = {"input": {0: "batch"}, "output": {0: "batch"}}
    if keep_bn:
        # With the default training=EVAL the legacy exporter runs its eval peephole pass,
        # which fuses Conv+BatchNorm regardless of do_constant_folding. PRESERVE (with the
        # model already in eval mode) skips that pass so BatchNormalization stays in the
        # graph as an inference-mode node.
        kwargs["training"] = torch.onnx.TrainingMode.PRESERVE
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # legacy exporter deprecation chatter
        torch.onnx.export(
            model,
            (example,),
            str(path),
            dynamo=False,
            input_names=["input"],
            output_names=["output"],
            opset_version=opset,
            do_constant_folding=fold,
            **kwargs,
        )


def reference_outputs(model_path: Path, logits_name: str, inputs: np.ndarray, shape: list[int]):
    """Run onnxruntime one sample at a time (batch 1) and fetch `logits_name`.

    If the logits are an internal tensor (sklearn: the input of Softmax) we append it as
    an extra graph output on an in-memory copy; the file on disk is left untouched.
    """
    model = onnx.load(str(model_path))
    if logits_name not in [o.name for o in model.graph.output]:
        model = copy.deepcopy(model)
        model.graph.output.append(helper.make_tensor_value_info(logits_name, TensorProto.FLOAT, [None, 10]))
    sess = ort_session(model)
    in_name = sess.get_inputs()[0].name
    outs = []
    for x in inputs:
        (logits,) = sess.run([logits_name], {in_name: x.reshape(shape).astype(np.float32)})
        assert logits.shape == (1, 10), logits.shape
        outs.append(logits[0])
    return np.stack(outs)


def write_model_reference(name: str, shape: list[int], logits_name: str, X_test, y_test) -> dict:
    path = MODELS_DIR / f"{name}.onnx"
    logits = reference_outputs(path, logits_name, X_test[:N_TEST], shape)
    acc = float((logits.argmax(1) == y_test[:N_TEST]).mean())
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
    model = onnx.load(str(path))
    opsets = {o.domain or "ai.onnx": o.version for o in model.opset_import}
    print(f"  {name}: accuracy {acc:.4f}  ir {model.ir_version}  opsets {opsets}  ops {op_list(model)}")
    return {"accuracy": acc, "ops": op_list(model)}


def softmax_input(model: onnx.ModelProto) -> str:
    soft = [n for n in model.graph.node if n.op_type == "Softmax"]
    assert len(soft) == 1, f"expected exactly one Softmax, got {len(soft)}"
    return soft[0].input[0]


def build_models(X_train, y_train, X_test, y_test) -> dict:
    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    summary = {}

    # 1. MLP, opset 13, symbolic batch dimension.
    mlp = train_torch(make_torch_mlp, X_train, y_train)
    export_torch(mlp, torch.zeros(1, 64), MODELS_DIR / "torch_mlp.onnx", opset=13, dynamic_batch=True)
    summary["torch_mlp"] = write_model_reference("torch_mlp", [1, 64], "output", X_test, y_test)

    # 2. CNN with BatchNorm + shape-op flatten, opset 17, no constant folding.
    Xc_train = X_train.reshape(-1, 1, 8, 8)
    cnn = train_torch(TorchCNN, Xc_train, y_train)
    cnn_path = MODELS_DIR / "torch_cnn.onnx"
    export_torch(cnn, torch.zeros(1, 1, 8, 8), cnn_path, opset=17, dynamic_batch=True, fold=False, keep_bn=True)
    ops = set(op_list(onnx.load(str(cnn_path))))
    for want in ("BatchNormalization", "Shape"):
        print(f"  torch_cnn contains {want}: {want in ops}")
    summary["torch_cnn"] = write_model_reference("torch_cnn", [1, 1, 8, 8], "output", X_test, y_test)

    # 3. Strided CNN with GlobalAveragePool, opset 11, static batch 1.
    # Everything funnels through 16 globally-averaged channels, which learns slowly: at
    # lr 1e-3 / 60 epochs it only reaches ~71% test accuracy, at 1e-2 ~95%. A realistic
    # accuracy matters because the quantised-vs-float accuracy tests compare against it.
    cnn2 = train_torch(make_torch_cnn_s2, Xc_train, y_train, lr=1e-2)
    export_torch(cnn2, torch.zeros(1, 1, 8, 8), MODELS_DIR / "torch_cnn_s2.onnx", opset=11, dynamic_batch=False)
    summary["torch_cnn_s2"] = write_model_reference("torch_cnn_s2", [1, 1, 8, 8], "output", X_test, y_test)

    # 4./5. scikit-learn MLPs via skl2onnx. Logits = input of the Softmax node.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning at max_iter=300 is expected/harmless
        clf1 = MLPClassifier(hidden_layer_sizes=(32,), max_iter=300, random_state=0).fit(X_train, y_train)
        clf2 = MLPClassifier(hidden_layer_sizes=(64, 32), max_iter=300, random_state=0).fit(X_train, y_train)
    # `name` pins the graph name, which skl2onnx otherwise sets to a random uuid (the
    # only thing that made the output files differ from run to run).
    sk1 = convert_sklearn(
        clf1, name="sklearn_mlp", initial_types=[("input", FloatTensorType([None, 64]))], target_opset=15
    )
    sk2 = convert_sklearn(
        clf2,
        name="sklearn_mlp2",
        initial_types=[("input", FloatTensorType([None, 64]))],
        options={id(clf2): {"zipmap": False}},
        target_opset=13,
    )
    for name, m, clf in (("sklearn_mlp", sk1, clf1), ("sklearn_mlp2", sk2, clf2)):
        onnx.save(m, str(MODELS_DIR / f"{name}.onnx"))
        summary[name] = write_model_reference(name, [1, 64], softmax_input(m), X_test, y_test)
        print(f"    (sklearn's own accuracy on the same samples: {clf.score(X_test[:N_TEST], y_test[:N_TEST]):.4f})")

    for name in summary:
        m = onnx.load(str(MODELS_DIR / f"{name}.onnx"))
        onnx.checker.check_model(m, full_check=True)
        ort_session(MODELS_DIR / f"{name}.onnx", optimize=True)  # also loads with all optimisations
    return summary


# --------------------------------------------------------------------------------------
# Single-op fixtures
# --------------------------------------------------------------------------------------


class Case:
    """Accumulates initializers for one fixture, drawing weights from a seeded rng.

    The same rng then draws the sample inputs, so every fixture is reproducible from its
    seed key alone (and the smallnet_opset* variants share weights *and* inputs).
    """

    def __init__(self, seed_key: str):
        self.rng = np.random.default_rng(seed_of(seed_key))
        self.inits: list[TensorProto] = []

    def const(self, name: str, shape, low=-1.0, high=1.0) -> str:
        arr = self.rng.uniform(low, high, size=shape).astype(np.float32)
        self.inits.append(numpy_helper.from_array(arr, name))
        return name

    def value(self, name: str, arr) -> str:
        self.inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    def bn_params(self, prefix: str, c: int) -> list[str]:
        """scale, bias, mean ~ U(-1,1); var ~ U(0.5, 2) so 1/sqrt(var+eps) is well-behaved."""
        return [
            self.const(f"{prefix}_scale", [c]),
            self.const(f"{prefix}_bias", [c]),
            self.const(f"{prefix}_mean", [c]),
            self.const(f"{prefix}_var", [c], 0.5, 2.0),
        ]


def make_model(nodes, in_shape, inits, opset: int, *, extra_inputs=(), name="fixture") -> onnx.ModelProto:
    """Single graph input "x", single output "y"; the output's declared shape comes from
    ONNX shape inference so the file is self-describing. ir_version is the minimum that
    the opset requires, which keeps the files readable by older ONNX tooling/parsers
    (onnx 1.23 would otherwise stamp a newer IR than onnxruntime may accept)."""
    graph = helper.make_graph(
        nodes,
        name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, in_shape), *extra_inputs],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        initializer=inits,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", opset)],
        producer_name="zkseal-fixtures",
        ir_version=helper.find_min_ir_version_for([helper.make_opsetid("", opset)]),
    )
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    out_type = next(v for v in inferred.graph.output if v.name == "y").type
    model.graph.output[0].type.CopyFrom(out_type)
    onnx.checker.check_model(model, full_check=True)
    return model


# Each builder returns (nodes, input_shape, Case, opset). Shapes are all batch 1.
N = helper.make_node


def gemm_case(key, a_shape, b_shape, c_shape, *, a_const=False, **attrs):
    c = Case(key)
    if a_const:
        inputs = [c.const("A", a_shape), "x"]
        in_shape = b_shape
    else:
        inputs = ["x", c.const("B", b_shape)]
        in_shape = a_shape
    if c_shape is not None:
        inputs.append(c.const("C", c_shape))
    return [N("Gemm", inputs, ["y"], **attrs)], in_shape, c, 13


def conv_case(key, in_shape, w_shape, bias=True, **attrs):
    c = Case(key)
    ins = ["x", c.const("W", w_shape)] + ([c.const("B", [w_shape[0]])] if bias else [])
    return [N("Conv", ins, ["y"], **attrs)], in_shape, c, 13


def simple_case(key, op, in_shape, opset=13, **attrs):
    return [N(op, ["x"], ["y"], **attrs)], in_shape, Case(key), opset


def affine_consts(key):
    c = Case(key)
    nodes = [
        N("Mul", ["x", c.const("m", [4, 1, 1])], ["t1"]),
        N("Add", ["t1", c.const("a", [1, 4, 1, 1])], ["t2"]),
        N("Sub", ["t2", c.const("s", [])], ["t3"]),  # rank-0 scalar
        N("Div", ["t3", c.value("d", np.array(2.0, dtype=np.float32))], ["y"]),
    ]
    return nodes, [1, 4, 3, 3], c, 13


def sub_from_const(key):
    c = Case(key)
    return [N("Sub", [c.value("half", np.array(0.5, dtype=np.float32)), "x"], ["y"])], [1, 6], c, 13


def matmul_add(key):
    c = Case(key)
    nodes = [N("MatMul", ["x", c.const("W", [6, 4])], ["t"]), N("Add", ["t", c.const("b", [4])], ["y"])]
    return nodes, [1, 6], c, 13


def matmul_left(key):
    c = Case(key)
    return [N("MatMul", [c.const("W", [4, 6]), "x"], ["y"])], [6, 1], c, 13


def reshape_zero_neg1(key):
    c = Case(key)
    return [N("Reshape", ["x", c.value("shape", np.array([0, -1], dtype=np.int64))], ["y"])], [1, 2, 3, 3], c, 13


def batchnorm_after_conv(key):
    c = Case(key)
    nodes = [
        N("Conv", ["x", c.const("W", [3, 2, 3, 3]), c.const("B", [3])], ["t"], pads=[1, 1, 1, 1]),
        N("BatchNormalization", ["t", *c.bn_params("bn", 3)], ["y"], epsilon=1e-3),
    ]
    return nodes, [1, 2, 5, 5], c, 13


def batchnorm_after_gemm(key):
    c = Case(key)
    nodes = [
        N("Gemm", ["x", c.const("B", [6, 4]), c.const("C", [4])], ["t"]),
        N("BatchNormalization", ["t", *c.bn_params("bn", 4)], ["y"], epsilon=1e-3),
    ]
    return nodes, [1, 6], c, 13


def batchnorm_standalone(key):
    c = Case(key)
    nodes = [
        N("Relu", ["x"], ["t"]),
        N("BatchNormalization", ["t", *c.bn_params("bn", 3)], ["y"], epsilon=1e-3),
    ]
    return nodes, [1, 3, 4, 4], c, 13


def noops(key):
    c = Case(key)
    nodes = [
        N("Identity", ["x"], ["t1"]),
        N("Dropout", ["t1"], ["t2"]),  # opset 13: ratio/training_mode inputs omitted -> identity
        N("Cast", ["t2"], ["t3"], to=TensorProto.FLOAT),
        N("Gemm", ["t3", c.const("B", [6, 4]), c.const("C", [4])], ["y"]),
    ]
    return nodes, [1, 6], c, 13


def transpose(key):
    c = Case(key)
    nodes = [
        N("Transpose", ["x"], ["t1"], perm=[0, 2, 3, 1]),
        N("Flatten", ["t1"], ["t2"], axis=1),
        N("Gemm", ["t2", c.const("B", [24, 5]), c.const("C", [5])], ["y"]),
    ]
    return nodes, [1, 2, 3, 4], c, 13


def squeeze_unsqueeze(key, opset):
    c = Case(key)
    if opset < 13:  # axes is an attribute up to opset 12
        nodes = [N("Unsqueeze", ["x"], ["t1"], axes=[2]), N("Squeeze", ["t1"], ["t2"], axes=[2])]
    else:  # axes is an int64 tensor input from opset 13
        axes = c.value("axes", np.array([2], dtype=np.int64))
        nodes = [N("Unsqueeze", ["x", axes], ["t1"]), N("Squeeze", ["t1", axes], ["t2"])]
    nodes.append(N("Relu", ["t2"], ["y"]))
    return nodes, [1, 6], c, opset


def smallnet(opset):
    # Same seed key for every opset -> identical weights and inputs, so the four
    # reference outputs are identical and only the opset stamp differs.
    c = Case("smallnet")
    nodes = [
        N("Conv", ["x", c.const("W", [2, 1, 3, 3]), c.const("B", [2])], ["t1"], pads=[1, 1, 1, 1]),
        N("Relu", ["t1"], ["t2"]),
        N("MaxPool", ["t2"], ["t3"], kernel_shape=[2, 2], strides=[2, 2]),
        N("Flatten", ["t3"], ["t4"], axis=1),
        N("Gemm", ["t4", c.const("G", [18, 3]), c.const("g", [3])], ["y"]),
    ]
    return nodes, [1, 1, 6, 6], c, opset


# Pool cases also carry the parameters of a NumPy reference implementation (below),
# used to cross-check onnxruntime on the padding / ceil_mode corner cases.
POOL_CASES = {
    "maxpool": ("MaxPool", [1, 2, 7, 7], dict(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])),
    "maxpool_same_upper": ("MaxPool", [1, 2, 5, 5], dict(kernel_shape=[2, 2], strides=[2, 2], auto_pad="SAME_UPPER")),
    "maxpool_ceil": ("MaxPool", [1, 1, 5, 5], dict(kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1)),
    "avgpool_include_pad": (
        "AveragePool",
        [1, 2, 6, 6],
        dict(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], count_include_pad=1),
    ),
    "avgpool_exclude_pad": (
        "AveragePool",
        [1, 2, 6, 6],
        dict(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], count_include_pad=0),
    ),
    "avgpool_plain": ("AveragePool", [1, 2, 4, 4], dict(kernel_shape=[2, 2], strides=[2, 2])),
    "avgpool_ceil": (
        "AveragePool",
        [1, 1, 6, 6],
        dict(kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1, count_include_pad=0),
    ),
}


def numpy_pool(x: np.ndarray, op: str, kernel_shape, strides, pads=(0, 0, 0, 0), auto_pad="NOTSET",
               ceil_mode=0, count_include_pad=0) -> np.ndarray:
    """Straightforward ONNX-spec 2-D pooling, independent of onnxruntime.

    ceil_mode: output size uses ceil, but a window that would *start* past the input +
    begin-padding is dropped (ONNX / PyTorch rule). Explicit padding counts towards the
    average divisor only when count_include_pad=1; positions beyond explicit padding
    (produced by ceil_mode) never do.
    """
    _, _, H, W = x.shape
    kh, kw = kernel_shape
    sh, sw = strides
    if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        pads = []
        outs = [-(-H // sh), -(-W // sw)]
        tot = [max(0, (o - 1) * s + k - i) for o, s, k, i in zip(outs, (sh, sw), (kh, kw), (H, W))]
        small = [t // 2 for t in tot]
        big = [t - t // 2 for t in tot]
        pads = (small + big) if auto_pad == "SAME_UPPER" else (big + small)
    pt, pl, pb, pr = pads

    def out_len(n, p0, p1, k, s):
        span = n + p0 + p1 - k
        o = (-(-span // s) if ceil_mode else span // s) + 1
        if ceil_mode and (o - 1) * s >= n + p0:
            o -= 1
        return o

    oh, ow = out_len(H, pt, pb, kh, sh), out_len(W, pl, pr, kw, sw)
    y = np.zeros(x.shape[:2] + (oh, ow), dtype=np.float32)
    for i in range(oh):
        for j in range(ow):
            h0, w0 = i * sh - pt, j * sw - pl
            h1, w1 = h0 + kh, w0 + kw
            win = x[:, :, max(h0, 0) : min(h1, H), max(w0, 0) : min(w1, W)]
            if op == "MaxPool":
                y[:, :, i, j] = win.max(axis=(2, 3))
            else:
                if count_include_pad:
                    # clip to the explicitly padded extent, not the ceil_mode overhang
                    div = (min(h1, H + pb) - h0) * (min(w1, W + pr) - w0)
                else:
                    div = win.shape[2] * win.shape[3]
                y[:, :, i, j] = win.sum(axis=(2, 3)) / div
    return y


def op_cases():
    """name -> builder returning (nodes, input_shape, Case, opset)."""
    cases = {
        # --- Gemm variants ---
        "gemm_plain": lambda k: gemm_case(k, [1, 6], [6, 4], [4]),
        "gemm_transb": lambda k: gemm_case(k, [1, 6], [4, 6], [4], transB=1),
        "gemm_transa": lambda k: gemm_case(k, [6, 1], [6, 4], [4], transA=1),
        "gemm_alpha_beta": lambda k: gemm_case(k, [1, 6], [6, 4], [1, 4], alpha=0.5, beta=2.0),
        # Activation on the right: y = A·x + C with a per-row bias C [4,1].
        "gemm_const_a": lambda k: gemm_case(k, [4, 6], [6, 1], [4, 1], a_const=True),
        "gemm_no_c": lambda k: gemm_case(k, [1, 6], [6, 4], None),
        # --- MatMul (+Add), the tf2onnx-style dense layer ---
        "matmul_add": matmul_add,
        "matmul_left": matmul_left,
        # --- elementwise with broadcast constants ---
        "affine_consts": affine_consts,
        "sub_from_const": sub_from_const,
        "relu": lambda k: simple_case(k, "Relu", [1, 2, 3, 3]),
        # --- Conv padding / stride / auto_pad variants ---
        "conv_pads": lambda k: conv_case(k, [1, 2, 5, 5], [3, 2, 3, 3], pads=[0, 1, 1, 0], strides=[1, 1]),
        "conv_stride2": lambda k: conv_case(k, [1, 2, 6, 6], [3, 2, 3, 3], pads=[1, 1, 1, 1], strides=[2, 2]),
        "conv_same_upper": lambda k: conv_case(
            k, [1, 2, 5, 5], [3, 2, 2, 2], auto_pad="SAME_UPPER", kernel_shape=[2, 2], strides=[1, 1]
        ),
        "conv_same_lower": lambda k: conv_case(
            k, [1, 2, 5, 5], [3, 2, 2, 2], auto_pad="SAME_LOWER", kernel_shape=[2, 2], strides=[1, 1]
        ),
        "conv_valid": lambda k: conv_case(
            k, [1, 2, 7, 7], [3, 2, 3, 3], auto_pad="VALID", kernel_shape=[3, 3], strides=[2, 2]
        ),
        "conv_nobias": lambda k: conv_case(k, [1, 2, 5, 5], [3, 2, 3, 1], bias=False, kernel_shape=[3, 1]),
        # --- global pooling / reshapes ---
        "globalavgpool": lambda k: simple_case(k, "GlobalAveragePool", [1, 3, 3, 5]),
        "flatten": lambda k: simple_case(k, "Flatten", [1, 2, 3, 3], axis=1),
        "reshape_zero_neg1": reshape_zero_neg1,
        # --- BatchNormalization in the positions the compiler folds / keeps ---
        "batchnorm_after_conv": batchnorm_after_conv,
        "batchnorm_after_gemm": batchnorm_after_gemm,
        "batchnorm_standalone": batchnorm_standalone,
        # --- ops that must be treated as identity / layout ---
        "noops": noops,
        "transpose": transpose,
        "squeeze_unsqueeze_11": lambda k: squeeze_unsqueeze(k, 11),
        "squeeze_unsqueeze_13": lambda k: squeeze_unsqueeze(k, 13),
    }
    for name, (op, shape, attrs) in POOL_CASES.items():
        cases[name] = lambda k, op=op, shape=shape, attrs=attrs: simple_case(k, op, shape, **attrs)
    for opset in (11, 13, 15, 18):
        cases[f"smallnet_opset{opset}"] = lambda k, opset=opset: smallnet(opset)
    return cases


def build_ops() -> tuple[list[str], list[str]]:
    OPS_DIR.mkdir(parents=True, exist_ok=True)
    written, omitted = [], []
    for name, build in op_cases().items():
        nodes, in_shape, case, opset = build(name)
        model = make_model(nodes, in_shape, case.inits, opset, name=name)
        inputs = [case.rng.uniform(-1, 1, size=in_shape).astype(np.float32) for _ in range(N_OP_SAMPLES)]

        sess, sess_opt = ort_session(model), ort_session(model, optimize=True)
        try:
            outputs = [sess.run(["y"], {"x": x})[0] for x in inputs]
            # "Does onnxruntime agree with itself": unoptimised vs fully optimised graph.
            for x, y in zip(inputs, outputs):
                y2 = sess_opt.run(["y"], {"x": x})[0]
                assert y.shape == y2.shape and np.allclose(y, y2, atol=1e-5), "ORT optimised != unoptimised"
            declared = [d.dim_value for d in model.graph.output[0].type.tensor_type.shape.dim]
            assert list(outputs[0].shape) == declared, f"ORT shape {outputs[0].shape} != inferred {declared}"
            if name in POOL_CASES:
                op, _, attrs = POOL_CASES[name]
                for x, y in zip(inputs, outputs):
                    ref = numpy_pool(x, op, **attrs)
                    assert ref.shape == y.shape and np.allclose(ref, y, atol=1e-6), "ORT != NumPy pool reference"
        except Exception as e:  # noqa: BLE001 - any disagreement means the fixture is untrustworthy
            print(f"  OMITTED {name}: {e}")
            omitted.append(name)
            for suffix in (".onnx", ".json"):
                (OPS_DIR / f"{name}{suffix}").unlink(missing_ok=True)
            continue

        onnx.save(model, str(OPS_DIR / f"{name}.onnx"))
        write_json(
            OPS_DIR / f"{name}.json",
            {
                "input_shape": list(in_shape),
                "output_shape": list(outputs[0].shape),
                "inputs": [floats(x) for x in inputs],
                "outputs": [floats(y) for y in outputs],
            },
        )
        written.append(name)
        print(f"  {name}: opset {opset} {op_list(model)} {in_shape} -> {list(outputs[0].shape)}")
    return written, omitted


def build_bad_ops() -> list[str]:
    """Graphs that are valid ONNX but outside what the compiler supports; the Rust side
    must reject them with a clear error rather than mis-compile."""
    bad = {}

    bad["bad_unsupported_op"] = make_model([N("Tanh", ["x"], ["y"])], [1, 4], [], 13)
    bad["bad_dynamic_shape"] = make_model([N("Relu", ["x"], ["y"])], [1, "c", 4, 4], [], 13)
    bad["bad_residual_add"] = make_model(
        [N("Relu", ["x"], ["r"]), N("Add", ["r", "x"], ["y"])], [1, 4], [], 13
    )
    c = Case("bad_conv_group")
    bad["bad_conv_group"] = make_model(
        [N("Conv", ["x", c.const("W", [2, 1, 3, 3]), c.const("B", [2])], ["y"], group=2)], [1, 2, 4, 4], c.inits, 13
    )
    c = Case("bad_conv_dilation")
    bad["bad_conv_dilation"] = make_model(
        [N("Conv", ["x", c.const("W", [3, 2, 3, 3]), c.const("B", [3])], ["y"], dilations=[2, 2])],
        [1, 2, 5, 5],
        c.inits,
        13,
    )
    bad["bad_two_inputs"] = make_model(
        [N("Add", ["x", "x2"], ["y"])],
        [1, 4],
        [],
        13,
        extra_inputs=[helper.make_tensor_value_info("x2", TensorProto.FLOAT, [1, 4])],
    )

    for name, model in bad.items():
        onnx.save(model, str(OPS_DIR / f"{name}.onnx"))
        try:
            ort_session(OPS_DIR / f"{name}.onnx")
            status = "loads in onnxruntime"
        except Exception as e:  # noqa: BLE001
            status = f"onnxruntime rejects it: {e}"
        print(f"  {name}: {op_list(model)} ({status})")
    return list(bad)


# --------------------------------------------------------------------------------------
# READMEs / versions
# --------------------------------------------------------------------------------------


def versions() -> dict:
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__,
        "onnx": onnx.__version__,
        "onnxruntime": ort.__version__,
        "scikit-learn": sklearn.__version__,
        "skl2onnx": skl2onnx.__version__,
    }


OPS_README = """\
# Single-operator ONNX fixtures

Each `<name>.onnx` here is a tiny graph (one input `x`, one output `y`, batch 1) built
directly with `onnx.helper` by `../make_fixtures.py`, exercising one operator or one
attribute variant (Gemm transposes/alpha/beta, Conv/pool padding and `auto_pad`,
`ceil_mode`, BatchNormalization placement, opset-dependent encodings such as
Squeeze/Unsqueeze axes, ...). Constant weights are drawn from `np.random.default_rng`
seeded with the CRC32 of the fixture name, roughly U(-1, 1) (BatchNormalization variance
U(0.5, 2)). `<name>.json` holds `input_shape`, `output_shape` and three U(-1, 1) input
samples with onnxruntime's outputs (graph optimisations off), flattened row-major; each
graph passes `onnx.checker` (full check), onnxruntime's optimised and unoptimised runs
agree, and pooling cases are cross-checked against a NumPy reference. `bad_*.onnx` (no
JSON) are valid ONNX graphs the compiler is expected to reject: an unsupported op (Tanh),
a symbolic channel dimension, a residual Add of two activations, grouped and dilated Conv,
and a graph with two inputs.
"""


def write_readmes(v: dict, model_summary: dict, ops_written: list[str], ops_omitted: list[str], bad: list[str]):
    (OPS_DIR / "README.md").write_text(OPS_README)
    write_json(HERE / "versions.json", v)
    model_lines = "\n".join(
        f"| `{n}` | {s['accuracy']:.4f} | {' '.join(dict.fromkeys(s['ops']))} |" for n, s in model_summary.items()
    )
    omitted = ", ".join(ops_omitted) if ops_omitted else "none"
    text = f"""\
# Test data

Generated by `make_fixtures.py`; regenerate from the repository root with

    python tests/data/make_fixtures.py

(needs numpy, torch, onnx, onnxruntime, scikit-learn, skl2onnx; the versions used are in
`versions.json` and listed below). The Rust tests only read these files.

## `digits/`

scikit-learn's bundled 8x8 digits, pixels scaled to [0, 1] (`data / 16`) as float32,
split with `train_test_split(test_size=0.25, random_state=0, stratify=y)`.

* `calibration.jsonl`: first {N_CALIBRATION} training samples, `{{"input": [64 floats]}}` per line.
* `test.jsonl`: first {N_TEST} test samples, `{{"input": [64 floats], "label": int}}` per line.

## `models/`

Classifiers trained on the training split (torch: Adam lr 1e-3 (1e-2 for
`torch_cnn_s2`), 60 epochs, minibatch 64, seed 0, exported with the legacy TorchScript
exporter `dynamo=False`; sklearn: `MLPClassifier(random_state=0, max_iter=300)`
converted with skl2onnx).
`<name>.reference.json` holds `input_shape` (batch 1), `logits_tensor` (the ONNX tensor
holding pre-softmax scores: the graph output for torch models, the input of the Softmax
node for sklearn models), `float_test_accuracy` and `outputs`: onnxruntime's logits for
each of the {N_TEST} `test.jsonl` samples, in order, run one sample at a time.

| model | float accuracy | ops (in graph order, deduplicated) |
|---|---|---|
{model_lines}

`torch_mlp`, `torch_cnn`: symbolic batch dimension (`batch`). `torch_cnn` is exported
with `do_constant_folding=False` and `training=PRESERVE` so BatchNormalization and the
Shape/Gather/Unsqueeze/Concat/Reshape flatten stay in the graph. `torch_cnn_s2`: opset
11, static batch 1. `sklearn_mlp` keeps the ZipMap output; it was converted with
target_opset=15 but skl2onnx stamps the lowest opset its nodes need (ai.onnx 14, plus
ai.onnx.ml 1). `sklearn_mlp2` has ZipMap disabled (ai.onnx 13). Both sklearn models
declare the batch dimension as unknown (neither dim_value nor dim_param) and start with
a Cast to float.

## `ops/`

Single-operator graphs with reference outputs, and `bad_*.onnx` graphs that must be
rejected; see `ops/README.md`. Fixtures: {", ".join(ops_written)}. Rejection fixtures:
{", ".join(bad)}. Omitted because onnxruntime disagreed or errored: {omitted}.

## Versions

{chr(10).join(f"* {k} {val}" for k, val in v.items())}
"""
    # make_tf_fixtures.py documents its models in a section of its own; keep it.
    readme = HERE / "README.md"
    if readme.exists() and "\n## TensorFlow fixtures" in readme.read_text():
        text += "\n## TensorFlow fixtures" + readme.read_text().split("\n## TensorFlow fixtures", 1)[1]
    readme.write_text(text)


# --------------------------------------------------------------------------------------


def main() -> None:
    np.random.seed(0)  # nothing should use the global numpy rng, but pin it anyway
    v = versions()
    print("versions:", v)

    X_train, X_test, y_train, y_test = load_data()
    write_digits(X_train, X_test, y_test)
    print(f"digits: {len(X_train)} train / {len(X_test)} test")

    print("models:")
    model_summary = build_models(X_train, y_train, X_test, y_test)

    print("ops:")
    ops_written, ops_omitted = build_ops()
    print("bad ops:")
    bad = build_bad_ops()

    write_readmes(v, model_summary, ops_written, ops_omitted, bad)
    total = sum(p.stat().st_size for p in HERE.rglob("*") if p.is_file())
    print(f"total size of tests/data: {total / 1e6:.2f} MB")
    if ops_omitted:
        print("omitted op fixtures:", ops_omitted)


if __name__ == "__main__":
    sys.exit(main())
