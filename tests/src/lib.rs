//! Fixture loading shared by the integration tests.

use std::path::PathBuf;

use rand::rngs::StdRng;
use rand::SeedableRng;
use serde::Deserialize;
use zkseal_core::commitment::Salt;
use zkseal_core::format::{architecture_from_bytes, architecture_to_bytes};
use zkseal_core::input::parse_samples;
use zkseal_core::quant::quantize::{calibrate, quantize};
use zkseal_core::{Model, QuantConfig};
use zkseal_onnx::{import_onnx, Imported};
use zkseal_prover::commit::commitment_record;
use zkseal_prover::keys::ProvingKeyFile;
use zkseal_prover::prove::Prover;
use zkseal_prover::setup::setup;
use zkseal_verifier::{CommitmentRecord, CommitmentScheme, ProofBundle};

/// `tests/data/...`
pub fn data(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data").join(rel)
}

pub fn read(rel: &str) -> Vec<u8> {
    std::fs::read(data(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

pub fn import(rel: &str) -> Imported {
    import_onnx(&read(rel), rel).unwrap_or_else(|e| panic!("{e}"))
}

/// A single-op fixture: three inputs and onnxruntime's outputs.
#[derive(Deserialize)]
pub struct OpFixture {
    pub input_shape: Vec<usize>,
    pub output_shape: Vec<usize>,
    pub inputs: Vec<Vec<f64>>,
    pub outputs: Vec<Vec<f64>>,
}

pub fn op_fixture(name: &str) -> OpFixture {
    serde_json::from_slice(&read(&format!("ops/{name}.json"))).expect("fixture json")
}

/// Every single-op fixture name (those with a `.json`).
pub fn op_fixture_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(data("ops"))
        .expect("ops dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|f| f.strip_suffix(".json").map(str::to_string))
        .collect();
    names.sort();
    names
}

/// A digits model's onnxruntime reference logits on `digits/test.jsonl`.
#[derive(Deserialize)]
pub struct Reference {
    pub input_shape: Vec<usize>,
    pub float_test_accuracy: f64,
    pub outputs: Vec<Vec<f64>>,
}

pub const DIGITS_MODELS: [&str; 7] =
    ["torch_mlp", "torch_cnn", "torch_cnn_s2", "sklearn_mlp", "sklearn_mlp2", "tf_mlp", "tf_cnn"];

pub fn reference(model: &str) -> Reference {
    serde_json::from_slice(&read(&format!("models/{model}.reference.json"))).expect("reference json")
}

#[derive(Deserialize)]
struct Labelled {
    input: Vec<f64>,
    label: usize,
}

/// The digits test samples and labels.
pub fn digits_test() -> (Vec<Vec<f64>>, Vec<usize>) {
    let text = String::from_utf8(read("digits/test.jsonl")).expect("utf8");
    text.lines().map(|l| serde_json::from_str::<Labelled>(l).expect("test line")).map(|s| (s.input, s.label)).unzip()
}

pub fn digits_calibration() -> Vec<Vec<f64>> {
    parse_samples(&String::from_utf8(read("digits/calibration.jsonl")).expect("utf8"), 64).expect("calibration")
}

/// Imports `rel` and quantizes it with the default configuration, calibrated on
/// `samples`.
fn quantized(rel: &str, samples: &[Vec<f64>]) -> (Imported, Model) {
    let imported = import(rel);
    let cal = calibrate(&imported.model, samples).expect("calibrate");
    let (arch, weights) = quantize(&imported.model, &cal, &QuantConfig::default()).expect("quantize");
    let model = Model::new(arch, weights, imported.meta.clone()).expect("valid model");
    (imported, model)
}

/// Imports and quantizes a bundled digits model with the default configuration.
pub fn digits_model(name: &str) -> (Imported, Model) {
    quantized(&format!("models/{name}.onnx"), &digits_calibration())
}

/// A model proved once: keys, record and bundle (see `proved`).
pub struct Proved {
    pub model: Model,
    pub key: ProvingKeyFile,
    pub vk: Vec<u8>,
    pub record: CommitmentRecord,
    pub bundle: ProofBundle,
    pub salt: Salt,
}

/// Setup from the architecture file alone, commit, and prove test input `seed`
/// (deterministic randomness: tests only).
pub fn proved(name: &str, seed: u64, scheme: CommitmentScheme) -> Proved {
    proved_many(name, seed, scheme, 1)
}

/// As `proved`, with a key for `inferences` inferences per proof, proving test inputs
/// `seed, seed + 1, …` in one proof.
pub fn proved_many(name: &str, seed: u64, scheme: CommitmentScheme, inferences: u32) -> Proved {
    let (_, model) = digits_model(name);
    let (inputs, _) = digits_test();
    let first = seed as usize;
    prove_model(model, &inputs[first..first + inferences as usize], seed, scheme)
}

/// A single-op fixture's model, quantized with its own inputs as calibration.
pub fn op_model(name: &str) -> Model {
    quantized(&format!("ops/{name}.onnx"), &op_fixture(name).inputs).1
}

/// Setup from `model`'s architecture file alone (a key for `inputs.len()` inferences
/// per proof), commit, and prove `inputs` in one proof (randomness from `seed`: tests
/// only).
pub fn prove_model(model: Model, inputs: &[Vec<f64>], seed: u64, scheme: CommitmentScheme) -> Proved {
    let arch = architecture_from_bytes(&architecture_to_bytes(&model.arch)).expect("architecture round trip");
    let mut rng = StdRng::seed_from_u64(seed);
    let key = setup(&arch, scheme, inputs.len() as u32, &mut rng).expect("setup");
    let key = ProvingKeyFile::from_bytes(&key.to_bytes()).expect("key");
    let vk = key.verifying_key_file();
    let salt = Salt([seed as u8; 32]);
    let record = commitment_record(&model, &salt, Some(&key)).expect("record");
    let batch: Vec<&[f64]> = inputs.iter().map(|v| v.as_slice()).collect();
    let prover = Prover::new(&model, &key, &salt, None).expect("prover");
    let bundle = prover.prove_all(&batch, &mut rng).expect("prove");
    Proved { model, key, vk, record, bundle, salt }
}
