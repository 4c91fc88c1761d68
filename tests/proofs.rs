//! Groth16 end to end on every bundled model under both commitment schemes: keys from
//! the weight-free architecture, a proof with the real weights, and every tampering the
//! verifier must reject. The Lego scheme's own attacks are in `tests/lego.rs`.

use ark_bn254::Bn254;
use ark_groth16::Groth16;
use ark_serialize::CanonicalSerialize;
use ark_snark::SNARK;
use rand::rngs::StdRng;
use rand::SeedableRng;
use zkseal_core::commitment::Salt;
use zkseal_core::format::hex;
use zkseal_core::quant::eval::{evaluate, quantize_input};
use zkseal_prover::commit::commitment_record;
use zkseal_prover::prove::Prover;
use zkseal_prover::ProverError;
use zkseal_r1cs::circuit::{CircuitWitness, ModelCircuit};
use zkseal_r1cs::commitment::commit;
use zkseal_r1cs::Scheme;
use zkseal_tests::{digits_test, proved, proved_many, Proved, DIGITS_MODELS};
use zkseal_verifier::{verify, CommitmentRecord, CommitmentScheme, ProofBundle, VerifyError};

fn rejected(vk: &[u8], record: &CommitmentRecord, bundle: &ProofBundle) -> VerifyError {
    verify(vk, record, bundle).expect_err("must be rejected")
}

#[test]
fn every_model_proves_and_every_tampering_is_rejected_lego() {
    every_model_proves_and_every_tampering_is_rejected(CommitmentScheme::Lego);
}

#[test]
fn every_model_proves_and_every_tampering_is_rejected_poseidon() {
    every_model_proves_and_every_tampering_is_rejected(CommitmentScheme::Poseidon);
}

fn every_model_proves_and_every_tampering_is_rejected(scheme: CommitmentScheme) {
    let all: Vec<Proved> = DIGITS_MODELS.iter().enumerate().map(|(i, n)| proved(n, i as u64 + 1, scheme)).collect();
    for (i, p) in all.iter().enumerate() {
        let name = DIGITS_MODELS[i];
        assert_eq!(p.bundle.scheme, scheme.name());
        let ok = verify(&p.vk, &p.record, &p.bundle).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(ok.output, p.bundle.output);
        assert_eq!(p.bundle.proof.len(), 256, "{name}: 128-byte compressed proof");

        // One output value changed (with its float, so only the pairing can tell).
        let mut b = p.bundle.clone();
        b.output[0] += 1;
        b.output_float[0] = b.output[0] as f64 * 2f64.powi(-b.output_scale);
        assert_eq!(rejected(&p.vk, &p.record, &b), VerifyError::PairingCheckFailed, "{name}: output");
        let mut b = p.bundle.clone();
        b.output_float[1] += 0.5;
        assert_eq!(rejected(&p.vk, &p.record, &b), VerifyError::OutputFloatMismatch, "{name}: output_float");

        // One input value changed.
        let mut b = p.bundle.clone();
        b.input[10] -= 1;
        assert_eq!(rejected(&p.vk, &p.record, &b), VerifyError::PairingCheckFailed, "{name}: input");

        // Another model's commitment: refused as a record mismatch, and refused by the
        // pairing when the record and bundle are rewritten to claim it (under Lego the
        // point is what the proof opens; the other model's point is from other keys,
        // so the record names them: that too is rewritten).
        let other = &all[(i + 1) % all.len()];
        // (Refused first as the key's architecture not being the record's.)
        let e = rejected(&p.vk, &other.record, &p.bundle);
        assert!(matches!(e, VerifyError::ArchitectureMismatch { .. }), "{name}: {e}");
        let mut same_arch = other.record.clone();
        same_arch.architecture_digest = p.record.architecture_digest.clone();
        same_arch.vk_digest = p.record.vk_digest.clone();
        let e = rejected(&p.vk, &same_arch, &p.bundle);
        assert!(matches!(e, VerifyError::ModelMismatch { .. }), "{name}: {e}");
        let mut forged_record = p.record.clone();
        let mut b = p.bundle.clone();
        match scheme {
            CommitmentScheme::Poseidon => forged_record.commitment = other.record.commitment.clone(),
            _ => forged_record.commitment_point = other.record.commitment_point.clone(),
        }
        b.commitment = forged_record.commitment.clone();
        b.commitment_point = forged_record.commitment_point.clone();
        assert_eq!(rejected(&p.vk, &forged_record, &b), VerifyError::PairingCheckFailed, "{name}: commitment");
        // A bundle naming a commitment other than the record's.
        assert_eq!(rejected(&p.vk, &p.record, &b), VerifyError::CommitmentMismatch, "{name}");

        // Another model's verifying key.
        let e = rejected(&other.vk, &p.record, &p.bundle);
        assert!(matches!(e, VerifyError::ArchitectureMismatch { .. }), "{name}: {e}");

        // Every single bit of the proof flipped.
        let proof = zkseal_verifier::unhex(&p.bundle.proof).unwrap();
        for bit in 0..proof.len() * 8 {
            let mut flipped = proof.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            let mut b = p.bundle.clone();
            b.proof = hex(&flipped);
            let e = rejected(&p.vk, &p.record, &b);
            assert!(matches!(e, VerifyError::Point(_) | VerifyError::PairingCheckFailed), "{name} bit {bit}: {e}");
        }
    }
}

#[test]
fn a_key_from_another_setup_of_the_same_architecture_is_rejected() {
    let a = proved("torch_mlp", 7, CommitmentScheme::Poseidon);
    let b = proved("torch_mlp", 8, CommitmentScheme::Poseidon);
    assert_eq!(a.record.architecture_digest, b.record.architecture_digest);
    // Same architecture, same model file: only the key differs.
    let e = rejected(&b.vk, &a.record, &a.bundle);
    assert!(matches!(e, VerifyError::WrongKey { .. }), "{e}");
    let mut bundle = a.bundle.clone();
    bundle.vk_digest = zkseal_verifier::vk_digest(&b.vk);
    assert_eq!(rejected(&b.vk, &a.record, &bundle), VerifyError::PairingCheckFailed);
    // A key of the other scheme for the same architecture.
    let lego = proved("torch_mlp", 7, CommitmentScheme::Lego);
    let e = rejected(&lego.vk, &a.record, &a.bundle);
    assert!(matches!(e, VerifyError::SchemeMismatch { .. }), "{e}");
    let e = rejected(&a.vk, &lego.record, &lego.bundle);
    assert!(matches!(e, VerifyError::SchemeMismatch { .. }), "{e}");
}

#[test]
fn weights_other_than_the_committed_ones_cannot_prove_poseidon() {
    let p = proved("torch_cnn", 9, CommitmentScheme::Poseidon);
    let mut other = p.model.clone();
    other.weights.layers[1].weight[0] += 1;
    let (inputs, _) = digits_test();
    let trace = evaluate(&other.arch, &other.weights, &quantize_input(&other.arch, &inputs[0]).unwrap()).unwrap();
    // The prover claims the published commitment but computes with other weights.
    let committed = commit(&p.model.arch, &p.model.architecture_digest(), &p.model.weights, &p.salt);
    let witness = CircuitWitness {
        weights: &other.weights,
        salt: &p.salt,
        traces: std::slice::from_ref(&trace),
        commitment: committed,
    };
    let circuit = ModelCircuit {
        arch: &other.arch,
        arch_digest: other.architecture_digest(),
        scheme: Scheme::Poseidon,
        inferences: 1,
        witness: Some(witness),
    };
    let proof = Groth16::<Bn254>::prove(&p.key.pk, circuit, &mut StdRng::seed_from_u64(1)).unwrap();
    let mut bytes = Vec::new();
    proof.serialize_compressed(&mut bytes).unwrap();
    let mut b = p.bundle.clone();
    b.input = trace.input.clone();
    b.output = trace.output().to_vec();
    b.output_float = b.output.iter().map(|&q| q as f64 * 2f64.powi(-b.output_scale)).collect();
    b.proof = hex(&bytes);
    assert_eq!(rejected(&p.vk, &p.record, &b), VerifyError::PairingCheckFailed);
}

#[test]
fn the_prover_refuses_a_record_whose_pallas_commitment_is_of_other_weights() {
    // Every value of the record is a claim about one weight list (`specs/trust-model.md`
    // §4.1): the owner's Groth16 prover refuses a record whose `commitment_pallas` it
    // would not have written, though its proofs never open that value.
    let p = proved("sklearn_mlp", 1, CommitmentScheme::Lego);
    let other = commitment_record(&p.model, &Salt([9; 32]), Some(&p.key)).unwrap();
    let mut mixed = p.record.clone();
    mixed.commitment_pallas = other.commitment_pallas.clone();
    assert_ne!(mixed, p.record);
    assert!(matches!(Prover::new(&p.model, &p.key, &p.salt, Some(&mixed)), Err(ProverError::CommitmentMismatch)));
    // A version 2 record, which has no Pallas value, is still proved against.
    let mut old = p.record.clone();
    old.commitment_pallas = None;
    assert!(Prover::new(&p.model, &p.key, &p.salt, Some(&old)).is_ok());
}

#[test]
fn a_client_checks_the_proof_answers_its_own_input() {
    // The verdict is about the bundle's quantized integers; `check_input` ties it to the
    // client's real input, quantized as the prover quantized it.
    let p = proved_many("sklearn_mlp", 1, CommitmentScheme::Lego, 2);
    let v = verify(&p.vk, &p.record, &p.bundle).unwrap();
    let (inputs, _) = digits_test();
    let asked: Vec<f64> = inputs[1..3].concat();
    assert_eq!(v.check_input(&asked), Ok(()));
    let swapped: Vec<f64> = [&inputs[2][..], &inputs[1][..]].concat();
    let e = v.check_input(&swapped).unwrap_err();
    assert!(matches!(e, VerifyError::InputMismatch { given: 128, expected: 128, .. }) && !e.is_malformed(), "{e}");
    let e = v.check_input(&inputs[1]).unwrap_err();
    assert_eq!(e, VerifyError::InputMismatch { index: 64, given: 64, expected: 128 });
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 20_000, failure_persistence: None, ..Default::default() })]

    /// The verifier's input rule (exact, by hand: core has no `floor`) is the prover's,
    /// on any binary64 (ties, huge values, subnormals, NaN and infinities included) and
    /// every scale a key can carry.
    #[test]
    fn the_verifiers_quantization_is_the_provers(bits in proptest::prelude::any::<u64>(), near in -1e6f64..1e6, scale in -64i32..=64) {
        use zkseal_core::quant::rounding::quantize_value as prover;
        use zkseal_verifier::quantize_value as verifier;
        let tie = (near * 2f64.powi(scale)).round() / 2f64.powi(scale) + 0.5 / 2f64.powi(scale);
        for v in [f64::from_bits(bits), near, tie, -tie] {
            proptest::prop_assert_eq!(verifier(v, scale), prover(v, scale), "{} at scale {}", v, scale);
        }
    }
}

/// Every single-op fixture proves and verifies (the schemes alternate: the layers'
/// constraints are the same under both), and its proof does not hold for an output one
/// off (with its float, so only the pairing can tell).
#[test]
fn every_op_fixture_proves_and_refuses_another_output() {
    for (i, name) in zkseal_tests::op_fixture_names().iter().enumerate() {
        let x = zkseal_tests::op_fixture(name).inputs[0].clone();
        let scheme = [CommitmentScheme::Lego, CommitmentScheme::Poseidon][i % 2];
        let p = zkseal_tests::prove_model(zkseal_tests::op_model(name), std::slice::from_ref(&x), i as u64, scheme);
        verify(&p.vk, &p.record, &p.bundle).unwrap_or_else(|e| panic!("{name} {scheme:?}: {e}"));
        let mut b = p.bundle.clone();
        let last = b.output.len() - 1;
        b.output[last] += 1;
        b.output_float[last] = b.output[last] as f64 * 2f64.powi(-b.output_scale);
        assert_eq!(rejected(&p.vk, &p.record, &b), VerifyError::PairingCheckFailed, "{name} {scheme:?}");
    }
}
