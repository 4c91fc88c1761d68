//! Helpers the CLI test binaries share: run `zkseal`, find the fixtures.

// Each test binary compiles this module and uses a different part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn data(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/data").join(rel)
}

pub fn zkseal(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zkseal")).args(args).output().expect("run zkseal")
}

pub fn p(path: &Path) -> &str {
    path.to_str().expect("utf8 path")
}

/// Runs a command that must succeed; its stdout.
pub fn ok(args: &[&str]) -> String {
    let out = zkseal(args);
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf8")
}

/// Exit code and stderr.
pub fn code(args: &[&str]) -> (i32, String) {
    let out = zkseal(args);
    (out.status.code().expect("an exit code"), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// A tiny ONNX model, encoded by hand (the CLI tests have no protobuf library):
/// `x[1, K] → Gemm(W[N][K], b[N]) → y[1, N]`, then `head` (e.g. `Sigmoid`) if given.
pub fn onnx_dense(w: &[Vec<f32>], b: &[f32], head: Option<&str>) -> Vec<u8> {
    let (n, k) = (w.len() as u64, w[0].len() as u64);
    let floats = |v: &[f32]| v.iter().flat_map(|f| f.to_le_bytes()).collect::<Vec<u8>>();
    let tensor = |name: &str, dims: &[u64], v: &[f32]| {
        let mut t: Vec<u8> = dims.iter().flat_map(|&d| varint_field(1, d)).collect();
        t.extend(varint_field(2, 1)); // FLOAT
        t.extend(bytes_field(4, &floats(v)));
        t.extend(bytes_field(8, name.as_bytes()));
        t
    };
    let value_info = |name: &str, dims: &[u64]| {
        let shape: Vec<u8> = dims.iter().flat_map(|&d| bytes_field(1, &varint_field(1, d))).collect();
        let tensor_type = [varint_field(1, 1), bytes_field(2, &shape)].concat();
        [bytes_field(1, name.as_bytes()), bytes_field(2, &bytes_field(1, &tensor_type))].concat()
    };
    let node = |op: &str, inputs: &[&str], output: &str, attrs: Vec<u8>| {
        let mut v: Vec<u8> = inputs.iter().flat_map(|i| bytes_field(1, i.as_bytes())).collect();
        v.extend(bytes_field(2, output.as_bytes()));
        v.extend(bytes_field(3, format!("{op}_0").as_bytes()));
        v.extend(bytes_field(4, op.as_bytes()));
        v.extend(attrs);
        v
    };
    let trans_b = bytes_field(5, &[bytes_field(1, b"transB"), varint_field(3, 1), varint_field(20, 2)].concat());
    let mut graph = bytes_field(1, &node("Gemm", &["x", "W", "b"], "y", trans_b));
    let out = match head {
        Some(op) => {
            graph.extend(bytes_field(1, &node(op, &["y"], "p", Vec::new())));
            "p"
        }
        None => "y",
    };
    graph.extend(bytes_field(2, b"g"));
    graph.extend(bytes_field(5, &tensor("W", &[n, k], &w.concat())));
    graph.extend(bytes_field(5, &tensor("b", &[n], b)));
    graph.extend(bytes_field(11, &value_info("x", &[1, k])));
    graph.extend(bytes_field(12, &value_info(out, &[1, n])));
    let opset = [bytes_field(1, b""), varint_field(2, 13)].concat();
    [varint_field(1, 8), bytes_field(2, b"tests"), bytes_field(7, &graph), bytes_field(8, &opset)].concat()
}

fn varint(mut v: u64) -> Vec<u8> {
    let mut out = Vec::new();
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
    out
}

fn varint_field(field: u64, v: u64) -> Vec<u8> {
    [varint(field << 3), varint(v)].concat()
}

fn bytes_field(field: u64, v: &[u8]) -> Vec<u8> {
    [varint((field << 3) | 2), varint(v.len() as u64), v.to_vec()].concat()
}
