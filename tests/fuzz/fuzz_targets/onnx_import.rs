//! ONNX import of arbitrary bytes, then, for models small enough to run many times a
//! second, the rest of `zkseal import`: calibration, quantization, the model file and
//! the integer evaluator. An error or a model, never a panic, a hang or an allocation
//! the file's size does not justify.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zkseal_core::model::shape::numel;
use zkseal_core::quant::eval::{evaluate, quantize_input};
use zkseal_core::quant::quantize::{calibrate, quantize, synthetic_samples};
use zkseal_core::{Model, QuantConfig};
use zkseal_onnx::import_onnx;

/// Above this many values in any tensor, evaluation is skipped: import alone is what
/// must stay fast for every file; running a big (valid) network is not a parser bug.
const EVALUATE_UP_TO: usize = 1 << 14;

fuzz_target!(|data: &[u8]| {
    let Ok(imported) = import_onnx(data, "fuzz.onnx") else { return };
    let float = &imported.model;
    let small = numel(&float.input_shape) <= EVALUATE_UP_TO
        && float.layers.iter().all(|l| {
            numel(&l.output_shape) <= EVALUATE_UP_TO
                && l.params.as_ref().is_none_or(|(w, b)| w.len() + b.len() <= EVALUATE_UP_TO)
        });
    if !small {
        return;
    }
    let samples = synthetic_samples(2, numel(&float.input_shape));
    let Ok(cal) = calibrate(float, &samples) else { return };
    let Ok((arch, weights)) = quantize(float, &cal, &QuantConfig::default()) else { return };
    let model = Model::new(arch, weights, imported.meta).expect("quantize returns a valid model");
    let bytes = model.to_bytes();
    let back = Model::from_bytes(&bytes).expect("a written model file reads back");
    assert_eq!(back.to_bytes(), bytes, "the model file is canonical");
    // An overflow on a hostile model's activations is a typed error, as for any input.
    if let Ok(x) = quantize_input(&model.arch, &samples[0]) {
        let _ = evaluate(&model.arch, &model.weights, &x);
    }
});
