//! The bundled digits models: float path = onnxruntime, quantized path agrees with
//! the float path on ≥ 99% of argmaxes and keeps top-1 accuracy within one point.

use zkseal_core::quant::eval::{dequantize, evaluate, quantize_input};
use zkseal_core::quant::quantize::{argmax, compare};
use zkseal_tests::{digits_model, digits_test, reference, DIGITS_MODELS};

#[test]
fn float_path_matches_onnxruntime_logits() {
    let (inputs, _) = digits_test();
    for name in DIGITS_MODELS {
        let (imported, _) = digits_model(name);
        let refs = reference(name);
        assert_eq!(imported.model.input_shape, refs.input_shape, "{name}");
        for (x, want) in inputs.iter().zip(&refs.outputs) {
            let got = imported.model.evaluate(x);
            for (g, w) in got.iter().zip(want) {
                assert!((g - w).abs() <= 1e-4 * (1.0 + w.abs()), "{name}: {g} vs {w}");
            }
        }
    }
}

#[test]
fn quantized_models_meet_the_accuracy_bars() {
    let (inputs, labels) = digits_test();
    for name in DIGITS_MODELS {
        let (imported, model) = digits_model(name);
        let refs = reference(name);
        let report = compare(&imported.model, &model.arch, &model.weights, &inputs);
        assert_eq!(report.overflows, 0, "{name}");
        let agreement = report.argmax_agree as f64 / inputs.len() as f64;
        let mut correct = 0;
        for (x, &label) in inputs.iter().zip(&labels) {
            let q = quantize_input(&model.arch, x).unwrap();
            let y = evaluate(&model.arch, &model.weights, &q).unwrap();
            correct += usize::from(argmax(&dequantize(model.arch.output(), y.output())) == label);
        }
        let accuracy = correct as f64 / inputs.len() as f64;
        eprintln!(
            "{name}: argmax agreement {agreement:.4}, quantized accuracy {accuracy:.4} (float {:.4}), max |logit error| {:.5}",
            refs.float_test_accuracy, report.max_abs_error
        );
        assert!(agreement >= 0.99, "{name}: argmax agreement {agreement}");
        assert!((accuracy - refs.float_test_accuracy).abs() <= 0.01, "{name}: accuracy {accuracy}");
    }
}

#[test]
fn classifier_heads_are_stripped_and_reported() {
    for name in ["sklearn_mlp", "sklearn_mlp2"] {
        let (_, model) = digits_model(name);
        let head = &model.meta.stripped_head;
        for op in ["Softmax", "ArgMax", "ArrayFeatureExtractor"] {
            assert!(head.iter().any(|h| h == op), "{name}: {head:?}");
        }
        let labels: Vec<String> = (0..10).map(|i| i.to_string()).collect();
        assert_eq!(model.meta.class_labels, labels, "{name}");
        assert_eq!(model.arch.output().len(), 10);
    }
    let (_, model) = digits_model("torch_mlp");
    assert!(model.meta.stripped_head.is_empty());
}

#[test]
fn batch_norm_and_constant_ops_are_folded_away() {
    let (imported, _) = digits_model("torch_cnn");
    let kinds: Vec<&str> = imported.model.layers.iter().map(|l| l.op.kind()).collect();
    assert_eq!(
        kinds,
        ["conv2d", "relu", "max_pool", "conv2d", "relu", "avg_pool", "reshape", "dense"],
        "BatchNormalization folds into the first Conv, the Shape arithmetic into one reshape"
    );
}
