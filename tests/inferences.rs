//! Several inferences in one proof (`setup --inferences B`): the weights are committed
//! once and shared by the B copies of the layers; every inference's input and output
//! is public and bound, in order.

use rand::rngs::StdRng;
use rand::SeedableRng;
use zkseal_core::quant::eval::{evaluate, quantize_input};
use zkseal_prover::prove::Prover;
use zkseal_prover::setup::setup;
use zkseal_prover::ProverError;
use zkseal_r1cs::circuit::{costs, CircuitWitness, ModelCircuit};
use zkseal_r1cs::commitment::commit;
use zkseal_r1cs::estimate;
use zkseal_r1cs::Scheme;
use zkseal_tests::{digits_model, digits_test, proved, proved_many, Proved};
use zkseal_verifier::{verify, CommitmentScheme, ProofBundle, VerifyError};

fn rejected(p: &Proved, b: &ProofBundle) -> VerifyError {
    verify(&p.vk, &p.record, b).expect_err("must be rejected")
}

/// Sets `output_float` from `output`, so only the pairing can tell a changed integer.
fn refloat(b: &mut ProofBundle) {
    b.output_float = b.output.iter().map(|&q| q as f64 * 2f64.powi(-b.output_scale)).collect();
}

#[test]
fn four_inferences_prove_exactly_and_each_is_bound() {
    for scheme in [CommitmentScheme::Lego, CommitmentScheme::Poseidon] {
        let b = 4usize;
        let p = proved_many("torch_mlp", 3, scheme, b as u32);
        let (n_in, n_out) = (p.model.arch.input.len(), p.model.arch.output().len());
        assert_eq!((p.bundle.inferences, p.bundle.input.len(), p.bundle.output.len()), (4, b * n_in, b * n_out));
        let ok = verify(&p.vk, &p.record, &p.bundle).unwrap();
        assert_eq!(ok.inferences, 4);
        // Inference k is the reference evaluator's result on test input 3 + k, bit for bit.
        let (inputs, _) = digits_test();
        for k in 0..b {
            let arch = &p.model.arch;
            let trace = evaluate(arch, &p.model.weights, &quantize_input(arch, &inputs[3 + k]).unwrap()).unwrap();
            assert_eq!(p.bundle.input[k * n_in..(k + 1) * n_in], trace.input[..], "{scheme:?} input {k}");
            assert_eq!(p.bundle.output[k * n_out..(k + 1) * n_out], trace.output()[..], "{scheme:?} output {k}");
        }

        // An output of the last inference changed.
        let mut t = p.bundle.clone();
        t.output[3 * n_out + 2] += 1;
        refloat(&mut t);
        assert_eq!(rejected(&p, &t), VerifyError::PairingCheckFailed, "{scheme:?}");
        // An input of the second inference changed.
        let mut t = p.bundle.clone();
        t.input[n_in + 20] += 1;
        assert_eq!(rejected(&p, &t), VerifyError::PairingCheckFailed, "{scheme:?}");
        // Two inferences' inputs swapped (outputs left): each output must follow from
        // its own input.
        let mut t = p.bundle.clone();
        let (first, second) = t.input.split_at_mut(n_in);
        first.swap_with_slice(&mut second[..n_in]);
        assert_ne!(t.input, p.bundle.input, "test inputs 3 and 4 differ");
        assert_eq!(rejected(&p, &t), VerifyError::PairingCheckFailed, "{scheme:?}");
        // Two whole inferences swapped, inputs with their outputs: a true statement, but
        // not the one proved (the order is public).
        let mut t = p.bundle.clone();
        let (first, second) = t.input.split_at_mut(n_in);
        first.swap_with_slice(&mut second[..n_in]);
        let (first, second) = t.output.split_at_mut(n_out);
        first.swap_with_slice(&mut second[..n_out]);
        refloat(&mut t);
        assert_eq!(rejected(&p, &t), VerifyError::PairingCheckFailed, "{scheme:?}");
        // Claiming fewer inferences, or dropping one's values.
        let mut t = p.bundle.clone();
        t.inferences = 1;
        assert_eq!(rejected(&p, &t), VerifyError::InferenceCount { key: 4, bundle: 1 });
        let mut t = p.bundle.clone();
        t.input.truncate(3 * n_in);
        t.output.truncate(3 * n_out);
        refloat(&mut t);
        assert!(matches!(rejected(&p, &t), VerifyError::PublicInputCount { .. }), "{scheme:?}");
    }
}

#[test]
fn a_proof_of_one_batch_size_does_not_verify_under_another() {
    let one = proved("torch_mlp", 3, CommitmentScheme::Lego);
    let four = proved_many("torch_mlp", 3, CommitmentScheme::Lego, 4);
    // Each record names its own keys: the B = 1 bundle against the B = 4 key and record.
    assert!(verify(&four.vk, &four.record, &one.bundle).is_err());
    // Relabelled to claim four inferences with the first inference repeated.
    let mut t = one.bundle.clone();
    t.inferences = 4;
    t.input = one.bundle.input.repeat(4);
    t.output = one.bundle.output.repeat(4);
    t.output_float = one.bundle.output_float.repeat(4);
    t.vk_digest = four.bundle.vk_digest.clone();
    t.commitment_point = four.bundle.commitment_point.clone();
    assert_eq!(verify(&four.vk, &four.record, &t).unwrap_err(), VerifyError::PairingCheckFailed);
}

#[test]
fn the_prover_refuses_the_wrong_number_of_inputs() {
    let p = proved_many("sklearn_mlp", 1, CommitmentScheme::Lego, 2);
    let prover = Prover::new(&p.model, &p.key, &p.salt, Some(&p.record)).unwrap();
    let (inputs, _) = digits_test();
    let mut rng = StdRng::seed_from_u64(1);
    for n in [1, 3] {
        let refs: Vec<&[f64]> = inputs[..n].iter().map(Vec::as_slice).collect();
        let err = prover.prove_all(&refs, &mut rng).unwrap_err();
        assert!(matches!(err, ProverError::Inferences { requested, key: Some(2) } if requested == n), "{err}");
    }
    let (_, model) = digits_model("sklearn_mlp");
    for b in [0, zkseal_verifier::MAX_INFERENCES + 1] {
        let err = setup(&model.arch, CommitmentScheme::Lego, b, &mut rng).err().expect("refused");
        assert!(matches!(err, ProverError::Inferences { key: None, .. }), "{err}");
    }
}

/// The circuit of B inferences: the commitment once, the layers B times, exactly as
/// estimated; satisfied by honest traces, refused when one trace's output is wrong.
#[test]
fn the_circuit_shares_the_commitment_and_repeats_the_layers() {
    let (_, model) = digits_model("torch_cnn_s2");
    let (arch, digest) = (&model.arch, model.architecture_digest());
    let (inputs, _) = digits_test();
    for scheme in [Scheme::Lego, Scheme::Poseidon] {
        let one = costs(arch, digest, scheme, 1).unwrap();
        let three = costs(arch, digest, scheme, 3).unwrap();
        assert_eq!(three.commitment, one.commitment, "{scheme:?}");
        assert_eq!((three.linear, three.nonlinear), (3 * one.linear, 3 * one.nonlinear), "{scheme:?}");
        assert_eq!(estimate::costs(arch, scheme, 3), three, "{scheme:?}");

        let mut traces: Vec<_> = inputs[..3]
            .iter()
            .map(|x| evaluate(arch, &model.weights, &quantize_input(arch, x).unwrap()).unwrap())
            .collect();
        let salt = zkseal_core::commitment::Salt([9; 32]);
        let commitment = commit(arch, &digest, &model.weights, &salt);
        let satisfied = |traces: &[_]| {
            let cs = ark_relations::gr1cs::ConstraintSystem::new_ref();
            let witness = CircuitWitness { weights: &model.weights, salt: &salt, commitment, traces };
            let circuit = ModelCircuit { arch, arch_digest: digest, scheme, inferences: 3, witness: Some(witness) };
            circuit.synthesize(cs.clone()).is_ok() && cs.is_satisfied().unwrap()
        };
        assert!(satisfied(&traces), "{scheme:?}: honest");
        assert!(!satisfied(&traces[..2]), "{scheme:?}: two traces for three inferences");
        traces[1].layers.last_mut().unwrap()[0] += 1;
        assert!(!satisfied(&traces), "{scheme:?}: a wrong output in the second inference");
    }
}

#[test]
fn key_files_with_an_impossible_inference_count_are_refused() {
    use zkseal_prover::keys::ProvingKeyFile;
    let p = proved_many("sklearn_mlp", 2, CommitmentScheme::Lego, 2);
    // The count is the last u32 of the key header, which follows `magic ‖ version` in the
    // verifying key and `magic ‖ version ‖ checksum` in the proving key.
    let at = |prefix: usize| prefix + zkseal_verifier::KeyHeader::LEN - 4;
    for count in [0u32, zkseal_verifier::MAX_INFERENCES + 1, u32::MAX] {
        let mut vk = p.vk.clone();
        vk[at(12)..at(12) + 4].copy_from_slice(&count.to_le_bytes());
        let err = zkseal_verifier::decode_vk_file(&vk).unwrap_err();
        assert!(err.is_malformed() && err.to_string().contains("inferences"), "{err}");

        let mut pk = p.key.to_bytes();
        pk[at(44)..at(44) + 4].copy_from_slice(&count.to_le_bytes());
        let checksum = *blake3::hash(&pk[44..]).as_bytes();
        pk[12..44].copy_from_slice(&checksum);
        let err = ProvingKeyFile::from_bytes(&pk).err().expect("refused");
        assert!(err.to_string().contains("inferences"), "{err}");
    }
}
