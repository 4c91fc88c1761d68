//! Fixture loading shared by the benchmarks: the bundled models and digit samples of
//! `tests/data`, read once, outside any timed section.

use std::path::PathBuf;

use zkseal_core::input::{parse_jsonl, parse_samples};
use zkseal_core::quant::quantize::{calibrate, quantize};
use zkseal_core::{Model, QuantConfig};
use zkseal_onnx::import_onnx;

/// The bundled models, by file stem under `tests/data/models`.
pub const MODELS: [&str; 5] = ["torch_mlp", "torch_cnn", "torch_cnn_s2", "sklearn_mlp", "sklearn_mlp2"];

/// Values per digit sample (8x8 images).
pub const SAMPLE_LEN: usize = 64;

/// `tests/data`, found from this crate's manifest directory.
pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/data")
}

fn read(path: PathBuf) -> Vec<u8> {
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// The ONNX bytes of a bundled model.
pub fn model_bytes(name: &str) -> Vec<u8> {
    read(data_dir().join("models").join(format!("{name}.onnx")))
}

/// The 200 calibration samples of `digits/calibration.jsonl`.
pub fn calibration_samples() -> Vec<Vec<f64>> {
    let text = String::from_utf8(read(data_dir().join("digits/calibration.jsonl"))).expect("UTF-8");
    parse_samples(&text, SAMPLE_LEN).expect("calibration.jsonl parses")
}

/// The first `n` samples of `digits/test.jsonl`.
pub fn test_samples(n: usize) -> Vec<Vec<f64>> {
    let text = String::from_utf8(read(data_dir().join("digits/test.jsonl"))).expect("UTF-8");
    parse_jsonl(&text).take(n).map(|(_, x)| x.expect("test.jsonl parses")).collect()
}

/// The first sample of `digits/test.jsonl`.
pub fn test_sample() -> Vec<f64> {
    let text = String::from_utf8(read(data_dir().join("digits/test.jsonl"))).expect("UTF-8");
    let (_, first) = parse_jsonl(&text).next().expect("test.jsonl has a line");
    first.expect("test.jsonl line 1 parses")
}

/// A bundled model, imported and quantized with the calibration set.
pub fn quantized_model(name: &str) -> Model {
    let imported = import_onnx(&model_bytes(name), name).unwrap_or_else(|e| panic!("{name}: {e}"));
    let cal = calibrate(&imported.model, &calibration_samples()).expect("calibrate");
    let (arch, weights) = quantize(&imported.model, &cal, &QuantConfig::default()).expect("quantize");
    Model::new(arch, weights, imported.meta).expect("valid model")
}
