//! The model circuit on every bundled model, under both schemes: the honest witness
//! satisfies it and reproduces the reference evaluator bit for bit; its shape does not
//! depend on the weights; weights other than the committed ones (Poseidon; under Lego
//! the proof system binds them, `tests/proofs.rs`), or a forged output, do not satisfy
//! it. Under Lego every committed value has a constraint row of its own.

use ark_bn254::Fr;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem};
use zkseal_core::commitment::Salt;
use zkseal_core::quant::eval::{evaluate, quantize_input, Trace};
use zkseal_core::Model;
use zkseal_r1cs::circuit::{costs, CircuitWitness, ModelCircuit};
use zkseal_r1cs::commitment::commit;
use zkseal_r1cs::Scheme;

const SCHEMES: [Scheme; 2] = [Scheme::Lego, Scheme::Poseidon];
use zkseal_tests::{digits_model, digits_test, DIGITS_MODELS};

fn trace(model: &Model, x: &[f64]) -> Trace {
    evaluate(&model.arch, &model.weights, &quantize_input(&model.arch, x).unwrap()).unwrap()
}

/// Synthesizes with the given witness; `None` when the prover refuses.
fn satisfied(
    scheme: Scheme,
    model: &Model,
    weights: &Model,
    trace: &Trace,
    commitment: Fr,
    salt: &Salt,
) -> Option<(bool, usize)> {
    let cs = ConstraintSystem::<Fr>::new_ref();
    let witness = CircuitWitness { weights: &weights.weights, salt, traces: std::slice::from_ref(trace), commitment };
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
fn every_model_satisfies_its_circuit_bit_for_bit() {
    let (inputs, _) = digits_test();
    let salt = Salt([42; 32]);
    for name in DIGITS_MODELS {
        let (_, model) = digits_model(name);
        let c = commit(&model.arch, &model.architecture_digest(), &model.weights, &salt);
        for scheme in SCHEMES {
            let setup_costs = costs(&model.arch, model.architecture_digest(), scheme, 1).unwrap();
            for x in &inputs[..3] {
                let t = trace(&model, x);
                // The synthesizer refuses (returns an error) if any wire disagrees with
                // the evaluator's output, so satisfaction means bit-for-bit agreement.
                let (ok, n) = satisfied(scheme, &model, &model, &t, c, &salt).expect("honest witness synthesizes");
                assert!(ok, "{name} {scheme:?}: honest witness");
                assert_eq!(n, setup_costs.total(), "{name}: the shape depends on the architecture only");
            }
            eprintln!("{name} {scheme:?}: {setup_costs:?}, total {}", setup_costs.total());
        }
    }
}

#[test]
fn other_weights_than_the_committed_ones_fail() {
    let (inputs, _) = digits_test();
    let salt = Salt([42; 32]);
    for name in ["torch_mlp", "torch_cnn"] {
        let (_, model) = digits_model(name);
        let c = commit(&model.arch, &model.architecture_digest(), &model.weights, &salt);
        let mut other = model.clone();
        other.weights.layers[0].weight[3] += 1;
        let t = trace(&other, &inputs[0]);
        let (ok, _) = satisfied(Scheme::Poseidon, &model, &other, &t, c, &salt).unwrap();
        assert!(!ok, "{name}: one weight changed");
        let (ok, _) =
            satisfied(Scheme::Poseidon, &model, &model, &trace(&model, &inputs[0]), c, &Salt([43; 32])).unwrap();
        assert!(!ok, "{name}: another salt");
    }
}

#[test]
fn a_forged_output_is_refused() {
    let (inputs, _) = digits_test();
    let salt = Salt([42; 32]);
    let (_, model) = digits_model("sklearn_mlp");
    let c = commit(&model.arch, &model.architecture_digest(), &model.weights, &salt);
    let mut t = trace(&model, &inputs[0]);
    let last = t.layers.len() - 1;
    t.layers[last][0] += 1;
    for scheme in SCHEMES {
        assert!(
            satisfied(scheme, &model, &model, &t, c, &salt).is_none(),
            "the prover refuses a trace that is not the evaluator's"
        );
    }
}

#[test]
fn the_size_estimate_is_exact() {
    use zkseal_core::quant::quantize::{calibrate, quantize, synthetic_samples};
    use zkseal_r1cs::estimate::{self, constraint_count};
    for name in DIGITS_MODELS {
        let (_, model) = digits_model(name);
        for scheme in SCHEMES {
            let c = costs(&model.arch, model.architecture_digest(), scheme, 1).unwrap();
            assert_eq!(estimate::costs(&model.arch, scheme, 1), c, "{name} {scheme:?}: by component");
            assert_eq!(constraint_count(&model.arch, scheme, 1), c.total() as u64, "{name}");
        }
    }
    // Every single-op fixture: paddings, strides, ceil mode, both average divisors.
    for name in zkseal_tests::op_fixture_names() {
        let m = zkseal_tests::import(&format!("ops/{name}.onnx")).model;
        let n = m.input_shape.iter().product();
        let cal = calibrate(&m, &synthetic_samples(16, n)).unwrap();
        let (arch, _) = quantize(&m, &cal, &zkseal_core::QuantConfig::default()).unwrap();
        let digest = zkseal_core::format::architecture_digest(&arch);
        for scheme in SCHEMES {
            assert_eq!(
                constraint_count(&arch, scheme, 1),
                costs(&arch, digest, scheme, 1).unwrap().total() as u64,
                "{name}"
            );
        }
    }
}

/// Every single-op fixture (each op, padding, stride, ceil mode, divisor) under both
/// schemes: the honest witness satisfies the circuit, whose size is the estimate's
/// (another output is refused by a proof: `tests/proofs.rs`).
#[test]
fn every_op_fixture_satisfies_its_circuit() {
    let salt = Salt([42; 32]);
    for name in zkseal_tests::op_fixture_names() {
        let model = zkseal_tests::op_model(&name);
        let x = &zkseal_tests::op_fixture(&name).inputs[0];
        let t = trace(&model, x);
        let c = commit(&model.arch, &model.architecture_digest(), &model.weights, &salt);
        for scheme in SCHEMES {
            let (ok, n) = satisfied(scheme, &model, &model, &t, c, &salt).expect("honest witness synthesizes");
            assert!(ok, "{name} {scheme:?}: honest witness");
            let estimate = zkseal_r1cs::estimate::constraint_count(&model.arch, scheme, 1);
            assert_eq!(n as u64, estimate, "{name} {scheme:?}: the estimate");
        }
    }
}
