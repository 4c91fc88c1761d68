//! The halo2 backend on every fixture: the circuit agrees with the reference evaluator
//! bit for bit (MockProver, every op fixture), every model proves and verifies, every
//! tampering is refused, and the verifying keys are the golden ones.

use halo2_proofs::dev::MockProver;
use zkseal_core::commitment::Salt;
use zkseal_core::format::architecture_digest;
use zkseal_core::quant::eval::{evaluate, quantize_input};
use zkseal_core::Model;
use zkseal_halo2::circuit::{instance, ModelCircuit, Witness};
use zkseal_halo2::keys::{min_k, setup, KeyError, KeyFile};
use zkseal_halo2::{commitment, fe, fp_hex};
use zkseal_prover::commit::commitment_record;
use zkseal_prover::halo2::Halo2Prover;
use zkseal_tests::{data, digits_model, digits_test, op_fixture, op_fixture_names, op_model};
use zkseal_verifier::{Opened, ProofBundle, VerifyError};
use zkseal_verifier_halo2::Halo2Verifier;

const MODELS: [&str; 7] = ["torch_mlp", "sklearn_mlp", "sklearn_mlp2", "tf_mlp", "torch_cnn", "torch_cnn_s2", "tf_cnn"];

/// MockProver on `model` for `input`: whether the honest circuit holds, and whether the
/// circuit refuses the output with its first value changed.
fn mock(model: &Model, input: &[f64]) -> (bool, bool) {
    let arch = &model.arch;
    let x = quantize_input(arch, input).expect("input in range");
    let y = evaluate(arch, &model.weights, &x).expect("evaluates").output().to_vec();
    let digest = architecture_digest(arch);
    let salt = Salt([3; 32]);
    let c = commitment::commit(arch, &digest, &model.weights, &salt);
    let circuit = ModelCircuit {
        arch,
        arch_digest: digest,
        inferences: 1,
        witness: Some(Witness { weights: &model.weights, salt: &salt }),
    };
    let k = min_k(&circuit).expect("fits");
    let holds = |y: &[i64]| {
        let public = instance(c, std::slice::from_ref(&x), &[y.to_vec()]);
        MockProver::run(k, &circuit, vec![public]).expect("synthesis").verify().is_ok()
    };
    let mut wrong = y.clone();
    wrong[0] += 1;
    (holds(&y), !holds(&wrong))
}

#[test]
fn every_op_fixture_matches_the_evaluator() {
    for name in op_fixture_names() {
        let model = op_model(&name);
        let fixture = op_fixture(&name);
        let (honest, tamper_refused) = mock(&model, &fixture.inputs[0]);
        assert!(honest, "{name}: the circuit refuses the evaluator's output");
        assert!(tamper_refused, "{name}: the circuit accepts a wrong output");
    }
}

#[test]
fn other_weights_or_salt_do_not_open_the_commitment() {
    let (_, model) = digits_model("torch_cnn_s2");
    let arch = &model.arch;
    let (inputs, _) = digits_test();
    let x = quantize_input(arch, &inputs[0]).unwrap();
    let digest = architecture_digest(arch);
    let salt = Salt([5; 32]);
    let c = commitment::commit(arch, &digest, &model.weights, &salt);
    let holds = |weights: &zkseal_core::quant::arch::Weights, salt: &Salt| {
        let y = evaluate(arch, weights, &x).unwrap().output().to_vec();
        let circuit =
            ModelCircuit { arch, arch_digest: digest, inferences: 1, witness: Some(Witness { weights, salt }) };
        let public = instance(c, std::slice::from_ref(&x), &[y]);
        MockProver::run(min_k(&circuit).unwrap(), &circuit, vec![public]).unwrap().verify().is_ok()
    };
    assert!(holds(&model.weights, &salt));
    // One weight of each layer changed (its output recomputed honestly): the commitment
    // no longer opens.
    for layer in 0..model.weights.layers.len() {
        let mut w = model.weights.clone();
        w.layers[layer].weight[0] += 1;
        assert!(!holds(&w, &salt), "layer {layer}'s weight changed");
        let mut w = model.weights.clone();
        w.layers[layer].bias[0] -= 1;
        assert!(!holds(&w, &salt), "layer {layer}'s bias changed");
    }
    assert!(!holds(&model.weights, &Salt([6; 32])), "another salt");
}

/// Setup, commit and prove test input `seed` of a bundled model.
fn prove(name: &str, seed: usize) -> (Model, Vec<u8>, zkseal_verifier::CommitmentRecord, ProofBundle) {
    let (_, model) = digits_model(name);
    let file = setup(&model.arch, 1).expect("setup");
    let key = file.to_bytes();
    let salt = Salt([seed as u8; 32]);
    let record = commitment_record(&model, &salt, None).expect("record");
    let (inputs, _) = digits_test();
    let bundle =
        Halo2Prover::new(&model, &key, &salt, &record).expect("prover").prove_all(&[&inputs[seed]]).expect("prove");
    (model, key, record, bundle)
}

fn golden_path() -> std::path::PathBuf {
    data("halo2_keys.json")
}

#[test]
fn every_model_proves_verifies_and_has_its_golden_key() {
    let mut keys = serde_json::Map::new();
    for (i, name) in MODELS.iter().enumerate() {
        let (model, key, record, bundle) = prove(name, i);
        let verifier = Halo2Verifier::new(&key, &record).expect("key derives");
        verifier.verify(&bundle).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut wrong = bundle.clone();
        wrong.output[0] += 1;
        wrong.output_float = zkseal_core::quant::eval::dequantize(model.arch.output(), &wrong.output);
        assert_eq!(verifier.verify(&wrong), Err(VerifyError::ProofCheckFailed), "{name}: changed output");
        let file = KeyFile::from_bytes(&key).unwrap();
        keys.insert(
            name.to_string(),
            serde_json::json!({ "k": file.k, "vk_repr": hex32(&file.vk_repr), "key_file_blake3": blake3::hash(&key).to_hex().to_string() }),
        );
    }
    let now = serde_json::Value::Object(keys);
    if std::env::var_os("ZKSEAL_BLESS").is_some() {
        std::fs::write(golden_path(), serde_json::to_string_pretty(&now).unwrap() + "\n").unwrap();
    }
    let golden: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(golden_path()).expect("tests/data/halo2_keys.json")).unwrap();
    assert_eq!(now, golden, "halo2 keys changed: bump KEY_VERSION if intended, then ZKSEAL_BLESS=1");
}

fn hex32(b: &[u8; 32]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn every_tampering_is_refused() {
    let (model, key, record, bundle) = prove("torch_mlp", 7);
    let verifier = Halo2Verifier::new(&key, &record).expect("key derives");
    verifier.verify(&bundle).expect("honest");
    let rejects = |b: &ProofBundle, why: &str| assert!(verifier.verify(b).is_err(), "{why} accepted");
    let dq =
        |b: &mut ProofBundle| b.output_float = zkseal_core::quant::eval::dequantize(model.arch.output(), &b.output);

    let mut b = bundle.clone();
    b.input[3] += 1;
    assert_eq!(verifier.verify(&b), Err(VerifyError::ProofCheckFailed), "changed input");
    let mut b = bundle.clone();
    b.output.swap(0, 1);
    dq(&mut b);
    rejects(&b, "swapped outputs");
    let mut b = bundle.clone();
    let j = (1..b.input.len()).find(|&j| b.input[j] != b.input[0]).expect("two distinct input values");
    b.input.swap(0, j);
    rejects(&b, "swapped inputs");
    let mut b = bundle.clone();
    b.output_float[0] += 0.5;
    assert_eq!(verifier.verify(&b), Err(VerifyError::OutputFloatMismatch));
    let mut b = bundle.clone();
    b.commitment = fp_hex(&fe(12345));
    assert_eq!(verifier.verify(&b), Err(VerifyError::CommitmentMismatch));
    let mut b = bundle.clone();
    b.input.pop();
    assert!(matches!(verifier.verify(&b), Err(VerifyError::PublicInputCount { .. })));
    let mut b = bundle.clone();
    b.backend = "groth16-bn254".into();
    assert!(matches!(verifier.verify(&b), Err(VerifyError::Backend(_))));
    let mut b = bundle.clone();
    b.vk_digest = "00".repeat(32);
    assert!(matches!(verifier.verify(&b), Err(VerifyError::WrongKey { .. })));
    // Every 97th byte of the proof flipped, and truncations.
    let proof = zkseal_verifier::unhex(&bundle.proof).unwrap();
    for at in (0..proof.len()).step_by(97) {
        let mut p = proof.clone();
        p[at] ^= 0x20;
        let mut b = bundle.clone();
        b.proof = zkseal_core::format::hex(&p);
        rejects(&b, &format!("proof byte {at} flipped"));
    }
    for len in [0, 1, 32, proof.len() / 2, proof.len() - 1] {
        let mut b = bundle.clone();
        b.proof = zkseal_core::format::hex(&proof[..len]);
        rejects(&b, &format!("proof truncated to {len}"));
    }
    // One encoding per proof: any byte appended is refused, whatever its value.
    for tail in [&[0u8][..], &[0xff], &[0, 0, 0, 0], &proof[..64]] {
        let mut b = bundle.clone();
        b.proof = zkseal_core::format::hex(&[&proof[..], tail].concat());
        let refused = verifier.verify(&b).expect_err("a proof with bytes appended verified");
        assert!(refused.is_malformed() && refused.to_string().contains("after its end"), "{refused}");
    }
    let verified = verifier.verify(&bundle).unwrap();
    assert_eq!(verified.opened, Opened::CommitmentPallas(record.commitment_pallas.clone().unwrap()));

    // Another salt: another commitment, which the record does not hold.
    let salt = Salt([99; 32]);
    let other = commitment_record(&model, &salt, None).unwrap();
    assert_ne!(other.commitment_pallas, record.commitment_pallas);
    let v2 = Halo2Verifier::new(&key, &other).unwrap();
    assert_eq!(v2.verify(&bundle), Err(VerifyError::CommitmentMismatch));
    // The prover refuses a record that is not its salt's.
    assert!(Halo2Prover::new(&model, &key, &salt, &record).is_err());
    // Nor its own record with the BN254 commitment of another salt: the record's values
    // are claims about one weight list, and the owner's prover checks those it can.
    let mut mixed = record.clone();
    mixed.commitment = other.commitment.clone();
    assert!(matches!(
        Halo2Prover::new(&model, &key, &Salt([7; 32]), &mixed),
        Err(zkseal_prover::halo2::ProveError::Record("commitment"))
    ));

    // Another model's key: refused before any proof check.
    let (_, sk) = digits_model("sklearn_mlp");
    let file = setup(&sk.arch, 1).unwrap();
    assert!(matches!(Halo2Verifier::new(&file.to_bytes(), &record), Err(VerifyError::ArchitectureMismatch { .. })));
    // Record versions: 2 and 3 are read, 1 and 4 refused.
    for (version, read) in [(1, false), (2, true), (3, true), (4, false)] {
        let mut r = record.clone();
        r.format_version = version;
        let got = Halo2Verifier::new(&key, &r).map(|v| v.verify(&bundle));
        assert_eq!(got.is_ok(), read, "record version {version}");
        if !read {
            assert!(matches!(got, Err(VerifyError::Version { .. })), "record version {version}");
        }
    }
    // A record without the Pallas commitment.
    let mut old = record.clone();
    old.commitment_pallas = None;
    assert!(matches!(Halo2Verifier::new(&key, &old), Err(VerifyError::Malformed { .. })));
}

#[test]
fn several_inferences_in_one_proof() {
    let (_, model) = digits_model("sklearn_mlp");
    let file = setup(&model.arch, 3).expect("setup");
    let key = file.to_bytes();
    let salt = Salt([8; 32]);
    let record = commitment_record(&model, &salt, None).unwrap();
    let (inputs, _) = digits_test();
    let prover = Halo2Prover::new(&model, &key, &salt, &record).unwrap();
    assert!(prover.prove_all(&[&inputs[0], &inputs[1]]).is_err(), "two inputs for a key of three");
    let bundle = prover.prove_all(&[&inputs[0], &inputs[1], &inputs[2]]).expect("prove");
    assert_eq!((bundle.inferences, bundle.input.len(), bundle.output.len()), (3, 3 * 64, 3 * 10));
    let verifier = Halo2Verifier::new(&key, &record).unwrap();
    verifier.verify(&bundle).expect("valid");
    // The second and third inferences' outputs swapped.
    let mut b = bundle.clone();
    let (first, rest) = b.output.split_at_mut(20);
    first[10..].swap_with_slice(&mut rest[..10]);
    b.output_float = zkseal_core::quant::eval::dequantize(model.arch.output(), &b.output);
    assert_ne!(b.output, bundle.output);
    assert_eq!(verifier.verify(&b), Err(VerifyError::ProofCheckFailed));
}

#[test]
fn key_files_refuse_damage() {
    let (_, model) = digits_model("torch_mlp");
    let file = setup(&model.arch, 1).unwrap();
    let bytes = file.to_bytes();
    assert_eq!(KeyFile::from_bytes(&bytes).unwrap(), file);
    // Setup is deterministic: anyone recomputes the same file.
    assert_eq!(setup(&model.arch, 1).unwrap().to_bytes(), bytes);
    for len in 0..bytes.len() {
        assert!(KeyFile::from_bytes(&bytes[..len]).is_err(), "truncated to {len}");
    }
    for at in (0..bytes.len()).step_by(7) {
        let mut b = bytes.clone();
        b[at] ^= 1;
        assert!(KeyFile::from_bytes(&b).is_err(), "byte {at} flipped");
    }
    // A hostile file with a correct checksum: another transcript representative.
    let mut forged = file.clone();
    forged.vk_repr[0] ^= 1;
    let forged = KeyFile::from_bytes(&forged.to_bytes()).unwrap();
    assert!(matches!(forged.verifying_key(), Err(KeyError::Derivation(_))));
    // Another k than the architecture's, with a correct checksum: refused before any
    // parameters are made (a hostile file cannot make a verifier derive 2^20 rows).
    let mut big = file.clone();
    big.k = 20;
    let big = KeyFile::from_bytes(&big.to_bytes()).unwrap();
    assert!(matches!(big.verifying_key(), Err(KeyError::WrongK { needed: 12, .. })));
    // A B whose circuit cannot fit: refused from the lower bound, not laid out.
    let mut many = file.clone();
    many.inferences = 1 << 16;
    let many = KeyFile::from_bytes(&many.to_bytes()).unwrap();
    assert!(matches!(many.verifying_key(), Err(KeyError::TooLarge { .. })));
    assert!(matches!(setup(&model.arch, 1 << 16), Err(KeyError::TooLarge { .. })));
    // k or B out of range, with a correct checksum.
    for (k, b) in [(9, 1), (21, 1), (12, 0), (12, 1 << 20)] {
        let mut f = file.clone();
        f.k = k;
        f.inferences = b;
        assert!(KeyFile::from_bytes(&f.to_bytes()).is_err(), "k {k} B {b}");
    }
}
