//! A model with a declared input range (`import --input-range`): its first layer clips
//! every input value to the range, and both circuits prove that clip bit for bit, for
//! inputs inside the range, beyond it (clipped) and at the edge of the input's format.

use ark_bn254::Fr;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem};
use halo2_proofs::dev::MockProver;
use zkseal_core::commitment::Salt;
use zkseal_core::model::op::Op;
use zkseal_core::quant::eval::{
    accepted_input_range, declared_input_range, dequantize, evaluate, quantize_input, EvalError, Trace,
};
use zkseal_core::quant::quantize::{calibrate, quantize, QuantError, INPUT_RANGE_LAYER};
use zkseal_core::{Model, QuantConfig};
use zkseal_halo2::circuit::{instance, ModelCircuit as Halo2Circuit, Witness};
use zkseal_halo2::keys::min_k;
use zkseal_r1cs::circuit::{costs, CircuitWitness, ModelCircuit};
use zkseal_r1cs::commitment::commit;
use zkseal_r1cs::{estimate, Scheme};
use zkseal_tests::{digits_calibration, digits_test, import, prove_model};
use zkseal_verifier::{verify, CommitmentScheme};

const RANGE: (f64, f64) = (0.0, 0.75);

/// torch_mlp, clipping its inputs to `RANGE`.
fn clipped_model() -> Model {
    let mut imported = import("models/torch_mlp.onnx");
    imported.model.input_range = Some(RANGE);
    let cal = calibrate(&imported.model, &digits_calibration()).unwrap();
    let (arch, weights) = quantize(&imported.model, &cal, &QuantConfig::default()).unwrap();
    Model::new(arch, weights, imported.meta).unwrap()
}

/// Test inputs inside the range, beyond it on both sides, and far beyond it.
fn inputs() -> Vec<Vec<f64>> {
    let (test, _) = digits_test();
    vec![
        test[0].clone(),
        test[1].iter().map(|v| 3.0 * v - 1.0).collect(),
        test[2].iter().map(|v| 200.0 * v - 100.0).collect(),
    ]
}

fn trace(model: &Model, x: &[f64]) -> Trace {
    evaluate(&model.arch, &model.weights, &quantize_input(&model.arch, x).unwrap()).unwrap()
}

#[test]
fn the_first_layer_clips_to_the_declared_range() {
    let model = clipped_model();
    let arch = &model.arch;
    let first = &arch.layers[0];
    assert_eq!(first.name, INPUT_RANGE_LAYER);
    assert!(matches!(first.op, Op::Clip { .. }));
    assert_eq!(declared_input_range(arch), Some(RANGE));
    assert_eq!(accepted_input_range(arch), (RANGE.0, RANGE.1, true));
    // The clip's output has the activations' width; the input is 8 bits wider.
    assert_eq!(first.output.bits, 16);
    assert_eq!(arch.input.bits, 24);
    for x in inputs() {
        let t = trace(&model, &x);
        let clipped: Vec<f64> = x.iter().map(|v| v.clamp(RANGE.0, RANGE.1)).collect();
        // Clipping the float input first gives the same integers all the way down.
        assert_eq!(t, Trace { input: t.input.clone(), ..trace(&model, &clipped) });
        for (q, v) in dequantize(&first.output, &t.layers[0]).iter().zip(&clipped) {
            assert!((q - v).abs() <= 0.5 / 32768.0, "clip layer value {q} for {v}");
        }
    }
}

#[test]
fn inputs_beyond_the_format_and_bad_ranges_are_refused() {
    let model = clipped_model();
    let mut x = inputs()[0].clone();
    x[5] = 1e6;
    let err = quantize_input(&model.arch, &x).unwrap_err();
    assert!(matches!(err, EvalError::BeyondInputFormat { index: 5, .. }), "{err}");
    assert!(err.to_string().contains("[0, 0.75]"), "{err}");

    let mut imported = import("models/torch_mlp.onnx");
    let cal = calibrate(&imported.model, &digits_calibration()).unwrap();
    for range in [(1.0, 1.0), (2.0, -2.0), (f64::NAN, 1.0), (0.0, f64::INFINITY), (0.0, 1e-30)] {
        imported.model.input_range = Some(range);
        let err = quantize(&imported.model, &cal, &QuantConfig::default()).unwrap_err();
        assert!(matches!(err, QuantError::InputRange { .. }), "{range:?}: {err}");
    }
    // Without a declared range, an input beyond calibration is refused and the message
    // says how to accept it.
    imported.model.input_range = None;
    let (arch, _) = quantize(&imported.model, &cal, &QuantConfig::default()).unwrap();
    let err = quantize_input(&arch, &x).unwrap_err();
    assert!(err.to_string().contains("--input-range"), "{err}");
}

fn r1cs_satisfied(model: &Model, scheme: Scheme, t: &Trace) -> Option<(bool, usize)> {
    let salt = Salt([9; 32]);
    let c = commit(&model.arch, &model.architecture_digest(), &model.weights, &salt);
    let cs = ConstraintSystem::<Fr>::new_ref();
    let witness =
        CircuitWitness { weights: &model.weights, salt: &salt, traces: std::slice::from_ref(t), commitment: c };
    let circuit = ModelCircuit {
        arch: &model.arch,
        arch_digest: model.architecture_digest(),
        scheme,
        inferences: 1,
        witness: Some(witness),
    };
    circuit.generate_constraints(cs.clone()).ok()?;
    Some((cs.is_satisfied().unwrap(), cs.num_constraints()))
}

#[test]
fn the_r1cs_circuit_proves_the_clip_bit_for_bit() {
    let model = clipped_model();
    for scheme in [Scheme::Lego, Scheme::Poseidon] {
        let size = costs(&model.arch, model.architecture_digest(), scheme, 1).unwrap();
        assert_eq!(estimate::costs(&model.arch, scheme, 1), size, "{scheme:?}: the estimate is exact");
        for x in inputs() {
            let t = trace(&model, &x);
            assert_eq!(r1cs_satisfied(&model, scheme, &t), Some((true, size.total())), "{scheme:?}");
            // The clip layer's output forged to the unclipped input: the prover refuses
            // a trace that is not the evaluator's, and the output no longer follows.
            let mut forged = t.clone();
            forged.layers[0] = t.input.clone();
            let out = forged.layers.len() - 1;
            forged.layers[out][0] += 1;
            assert_eq!(r1cs_satisfied(&model, scheme, &forged), None, "{scheme:?}: forged trace");
        }
    }
}

#[test]
fn the_halo2_circuit_proves_the_clip_bit_for_bit() {
    let model = clipped_model();
    let arch = &model.arch;
    let digest = model.architecture_digest();
    let salt = Salt([3; 32]);
    let c = zkseal_halo2::commitment::commit(arch, &digest, &model.weights, &salt);
    let circuit = Halo2Circuit {
        arch,
        arch_digest: digest,
        inferences: 1,
        witness: Some(Witness { weights: &model.weights, salt: &salt }),
    };
    let k = min_k(&circuit).unwrap();
    let holds = |x: &[i64], y: &[i64]| {
        let public = instance(c, &[x.to_vec()], &[y.to_vec()]);
        MockProver::run(k, &circuit, vec![public]).unwrap().verify().is_ok()
    };
    // The same weights without the clip (its bounds opened to the whole input format).
    let mut unclipped = arch.clone();
    unclipped.layers[0].op = Op::Clip { lo: -(1 << 23), hi: (1 << 23) - 1 };
    unclipped.layers[0].output.bits = 24;
    let mut skips_refused = 0;
    for x in inputs() {
        let t = trace(&model, &x);
        let y = t.output().to_vec();
        assert!(holds(&t.input, &y), "honest");
        let mut wrong = y.clone();
        wrong[3] -= 1;
        assert!(!holds(&t.input, &wrong), "a wrong output");
        if let Ok(skipped) = evaluate(&unclipped, &model.weights, &t.input) {
            if skipped.output() != y {
                assert!(!holds(&t.input, skipped.output()), "the clip skipped");
                skips_refused += 1;
            }
        }
    }
    assert!(skips_refused > 0, "some input's unclipped output differs");
    // An input beyond the input's width is refused by the range check.
    let mut x = trace(&model, &inputs()[0]).input;
    x[0] = 1 << 23;
    assert!(!holds(&x, trace(&model, &inputs()[0]).output()));
}

#[test]
fn groth16_proofs_of_clipped_inputs_verify() {
    let model = clipped_model();
    let x = inputs();
    let expect = trace(&model, &x[2]).output().to_vec();
    let p = prove_model(model, &x[2..3], 11, CommitmentScheme::Lego);
    assert_eq!(p.bundle.output, expect);
    verify(&p.vk, &p.record, &p.bundle).expect("valid");
    let mut bad = p.bundle.clone();
    bad.input[0] = bad.input[0].clamp(0, 24576) + 1;
    assert!(verify(&p.vk, &p.record, &bad).is_err(), "another input");
}
