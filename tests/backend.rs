//! The backend interface (`zkseal_prover::backend`): each backend's setup, prover and
//! verifier reached through `Backend::system` alone, the key and the bundle identified,
//! the binding both sides share, and tampered bundles refused.

use zkseal_core::commitment::Salt;
use zkseal_prover::backend::{Backend, SetupOptions};
use zkseal_prover::commit::commitment_record;
use zkseal_prover::keys::ProvingKeyFile;
use zkseal_prover::ProverError;
use zkseal_tests::{op_fixture, op_model};
use zkseal_verifier::{dequantize, CommitmentScheme, VerifyError};

const FIXTURE: &str = "affine_consts";

fn round_trip(backend: Backend, scheme: Option<CommitmentScheme>) {
    let model = op_model(FIXTURE);
    let inputs = op_fixture(FIXTURE).inputs;
    let system = backend.system();
    assert_eq!(system.backend(), backend);
    let keys = system.setup(&model.arch, &SetupOptions { scheme, inferences: 1 }).expect("setup");
    assert_eq!(keys.scheme, scheme.unwrap_or(backend.schemes()[0]));
    assert_eq!(keys.architecture_digest, model.architecture_digest());
    assert_eq!((Backend::of_key(&keys.proving), Backend::of_key(&keys.verifying)), (backend, backend));

    let salt = Salt([7; 32]);
    let groth16_key =
        (backend == Backend::Groth16).then(|| ProvingKeyFile::from_bytes(&keys.proving).expect("proving key"));
    let record = commitment_record(&model, &salt, groth16_key.as_ref()).expect("record");
    let prover = system.prover(&model, &keys.proving, &salt, Some(&record)).expect("prover");
    assert_eq!(prover.model_id(), record.model_id);
    let bundle = prover.prove_inputs(&[&inputs[0]]).expect("proof");
    assert_eq!(Backend::of_bundle(&bundle), Some(backend));
    assert_eq!(bundle.backend, backend.bundle_name());
    assert!(prover.made(&bundle));

    let verifier = system.verifier(&keys.verifying, &record).expect("verifier");
    assert!(verifier.binding().names(&bundle));
    assert_eq!(
        verifier.binding().bundle(bundle.input.clone(), bundle.output.clone(), &[]).output_float,
        bundle.output_float
    );
    let verified = verifier.verify(&bundle).expect("the honest bundle verifies");
    assert_eq!(verified.output, bundle.output);

    // Another output, with its floats made consistent: only the proof can refuse it.
    let mut forged = bundle.clone();
    forged.output[0] += 1;
    forged.output_float = dequantize(&forged.output, forged.output_scale);
    let refused = verifier.verify(&forged).expect_err("a forged output is refused");
    assert!(!refused.is_malformed(), "{refused}");
    // Floats that disagree with the integers are refused before any proof check.
    let mut floats = bundle.clone();
    floats.output_float[0] += 1.0;
    assert!(matches!(verifier.verify(&floats), Err(VerifyError::OutputFloatMismatch)));

    let verdicts = verifier.verify_batch(&[bundle.clone(), forged, bundle.clone()]);
    assert_eq!(verdicts.iter().map(Result::is_ok).collect::<Vec<_>>(), [true, false, true]);

    // A key of this backend refuses a bundle naming the other.
    let mut other = bundle;
    other.backend = Backend::ALL.into_iter().find(|b| *b != backend).expect("two backends").bundle_name().into();
    assert!(matches!(verifier.verify(&other), Err(VerifyError::Backend(_))));
}

#[test]
fn groth16_lego_through_the_interface() {
    round_trip(Backend::Groth16, None);
}

#[test]
fn groth16_poseidon_through_the_interface() {
    round_trip(Backend::Groth16, Some(CommitmentScheme::Poseidon));
}

#[test]
fn halo2_through_the_interface() {
    round_trip(Backend::Halo2, None);
}

#[test]
fn a_scheme_the_backend_does_not_prove_is_refused() {
    let model = op_model(FIXTURE);
    let options = SetupOptions { scheme: Some(CommitmentScheme::Lego), inferences: 1 };
    assert!(matches!(
        Backend::Halo2.system().setup(&model.arch, &options),
        Err(ProverError::SchemeMismatch { what: "setup", .. })
    ));
}

#[test]
fn a_key_is_identified_by_its_magic_and_anything_else_is_read_as_groth16() {
    assert_eq!(Backend::of_key(zkseal_halo2::keys::MAGIC), Backend::Halo2);
    assert_eq!(Backend::of_key(b"ZKSH2KE"), Backend::Groth16);
    assert_eq!(Backend::of_key(b""), Backend::Groth16);
    for b in Backend::ALL {
        assert!(Backend::ALL.iter().filter(|o| o.bundle_name() == b.bundle_name()).count() == 1);
    }
}
