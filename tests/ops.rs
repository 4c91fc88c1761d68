//! Every single-op fixture: the float path matches onnxruntime, the quantized path
//! matches the float path within its quantization step, and the bad models are
//! refused with an error naming the problem.

use zkseal_core::quant::eval::{dequantize, evaluate, quantize_input};
use zkseal_core::quant::quantize::{calibrate, quantize, synthetic_samples};
use zkseal_core::QuantConfig;
use zkseal_onnx::{import_onnx, AttributeValue, GraphKind, ImportErrorKind, UnsupportedKind};
use zkseal_tests::{import, op_fixture, op_fixture_names, read};

#[test]
fn float_path_matches_onnxruntime() {
    let names = op_fixture_names();
    assert!(names.len() >= 30, "fixtures missing: {names:?}");
    for name in names {
        let fx = op_fixture(&name);
        let imported = import(&format!("ops/{name}.onnx"));
        let m = &imported.model;
        assert_eq!(m.input_shape, fx.input_shape, "{name}");
        assert_eq!(
            m.layers.last().unwrap().output_shape.iter().product::<usize>(),
            fx.output_shape.iter().product::<usize>(),
            "{name}"
        );
        for (x, want) in fx.inputs.iter().zip(&fx.outputs) {
            let got = m.evaluate(x);
            assert_eq!(got.len(), want.len(), "{name}");
            for (g, w) in got.iter().zip(want) {
                assert!((g - w).abs() <= 1e-4 * (1.0 + w.abs()), "{name}: float {g} vs onnxruntime {w}");
            }
        }
    }
}

#[test]
fn quantized_path_tracks_float_path() {
    for name in op_fixture_names() {
        let fx = op_fixture(&name);
        let m = import(&format!("ops/{name}.onnx")).model;
        let mut samples = synthetic_samples(64, fx.inputs[0].len());
        samples.extend(fx.inputs.iter().cloned());
        let cal = calibrate(&m, &samples).unwrap();
        let (arch, weights) = quantize(&m, &cal, &QuantConfig::default()).unwrap();
        let out_max = cal.layer_max.last().copied().unwrap_or(1.0).max(1e-3);
        for x in &fx.inputs {
            let q = quantize_input(&arch, x).unwrap();
            let y = evaluate(&arch, &weights, &q).unwrap();
            let deq = dequantize(arch.output(), y.output());
            let float = m.evaluate(x);
            for (d, f) in deq.iter().zip(&float) {
                // 16-bit activations, 12-bit weights: a few parts in a thousand of the range.
                assert!((d - f).abs() <= 5e-3 * out_max, "{name}: quantized {d} vs float {f} (range {out_max})");
            }
        }
    }
}

fn import_error(name: &str) -> (String, ImportErrorKind) {
    let file = format!("ops/{name}.onnx");
    let err = import_onnx(&read(&file), &file).expect_err(name);
    (err.to_string(), err.kind)
}

#[test]
fn bad_models_are_refused_with_a_reason() {
    let (msg, kind) = import_error("bad_unsupported_op");
    assert_eq!(kind, ImportErrorKind::UnsupportedOp);
    assert!(msg.contains("(Tanh)") && msg.contains("bad_unsupported_op.onnx"), "{msg}");
    let (msg, kind) = import_error("bad_dynamic_shape");
    assert!(matches!(kind, ImportErrorKind::DynamicShape(_)), "{msg}");
    let (msg, kind) = import_error("bad_residual_add");
    assert_eq!(kind, ImportErrorKind::Unsupported(UnsupportedKind::TwoActivations), "{msg}");
    assert!(msg.contains("(Add)"), "{msg}");
    let (msg, kind) = import_error("bad_conv_group");
    let group = ImportErrorKind::UnsupportedAttribute { name: "group", value: AttributeValue::Int(2) };
    assert_eq!(kind, group, "{msg}");
    assert!(msg.ends_with("(Conv): unsupported attribute group=2"), "{msg}");
    let (msg, kind) = import_error("bad_conv_dilation");
    assert!(matches!(kind, ImportErrorKind::UnsupportedAttribute { name: "dilations", .. }), "{msg}");
    let (msg, kind) = import_error("bad_two_inputs");
    assert!(matches!(kind, ImportErrorKind::Graph(GraphKind::Inputs { .. })), "{msg}");
}

#[test]
fn garbage_and_truncated_onnx_are_refused() {
    let bytes = read("models/torch_cnn.onnx");
    for len in (0..bytes.len()).step_by(97) {
        // Truncations either fail to parse or describe a different, refused graph;
        // none may panic.
        let _ = import_onnx(&bytes[..len], "truncated.onnx");
    }
    let mut state = 7u64;
    for _ in 0..200 {
        let junk: Vec<u8> = (0..512)
            .map(|_| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                (state >> 56) as u8
            })
            .collect();
        assert!(import_onnx(&junk, "junk.onnx").is_err());
    }
    let err = import_onnx(&[], "empty.onnx").unwrap_err().to_string();
    assert!(err.starts_with("empty.onnx: "), "{err}");
}
