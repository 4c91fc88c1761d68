//! Batch proving: every line proved once, errors recorded, a torn last line (a killed
//! run) cut and redone on resume, another model's proofs file refused.

use std::collections::BTreeSet;

use rand::rngs::StdRng;
use rand::SeedableRng;
use zkseal_core::commitment::Salt;
use zkseal_prover::batch::{prove_batch, BatchLine};
use zkseal_prover::commit::commitment_record;
use zkseal_prover::keys::ProvingKeyFile;
use zkseal_prover::prove::Prover;
use zkseal_prover::setup::setup;
use zkseal_prover::ProverError;
use zkseal_tests::{digits_model, digits_test};
use zkseal_verifier::{verify, CommitmentScheme, Verifier, VerifyError};

fn lines(path: &std::path::Path) -> Vec<BatchLine> {
    std::fs::read_to_string(path).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn batch_proves_resumes_and_refuses_foreign_files() {
    let (_, model) = digits_model("torch_mlp");
    let key = ProvingKeyFile::from_bytes(
        &setup(&model.arch, CommitmentScheme::Lego, 1, &mut StdRng::seed_from_u64(5)).unwrap().to_bytes(),
    )
    .unwrap();
    let vk = key.verifying_key_file();
    let salt = Salt([3; 32]);
    let record = commitment_record(&model, &salt, Some(&key)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in.jsonl");
    let (xs, _) = digits_test();
    let mut text: Vec<String> = xs[..4].iter().map(|x| serde_json::json!({ "input": x }).to_string()).collect();
    text.insert(2, r#"{"input": [1, 2, 3]}"#.into());
    text.insert(1, String::new());
    std::fs::write(&inputs, text.join("\n") + "\n").unwrap();

    let out = dir.path().join("proofs.jsonl");
    let prover = Prover::new(&model, &key, &salt, None).unwrap();
    let mut seen = Vec::new();
    let s = prove_batch(&prover, &inputs, &out, &mut |d, t| seen.push((d, t)), &|| false).unwrap();
    assert_eq!((s.proved, s.failed, s.skipped), (4, 1, 0));
    assert_eq!(seen.last(), Some(&(5, 5)));
    let first = lines(&out);
    assert_eq!(first.iter().map(|l| l.line).collect::<BTreeSet<_>>(), BTreeSet::from([1, 3, 4, 5, 6]));
    for l in &first {
        match (&l.bundle, &l.error) {
            (Some(b), None) => {
                verify(&vk, &record, b).unwrap();
            }
            (None, Some(e)) => assert!(l.line == 4 && e.contains("wrong input length"), "{e}"),
            _ => panic!("a line is a bundle or an error"),
        }
    }

    // Batch verification: all valid; then two bad proofs among them are named.
    let verifier = Verifier::new(&vk, &record).unwrap();
    let mut bundles: Vec<_> = first.iter().filter_map(|l| l.bundle.clone()).collect();
    assert!(verifier.verify_batch(&bundles).iter().all(Result::is_ok));
    bundles[1].input[5] += 1;
    bundles[3].output[0] -= 1;
    bundles[3].output_float[0] = bundles[3].output[0] as f64 * 2f64.powi(-bundles[3].output_scale);
    let results = verifier.verify_batch(&bundles);
    let verdicts: Vec<bool> = results.iter().map(Result::is_ok).collect();
    assert_eq!(verdicts, [true, false, true, false]);
    assert_eq!(results[1].as_ref().unwrap_err(), &VerifyError::PairingCheckFailed);
    bundles[2].model_id = "00".repeat(32);
    assert!(matches!(verifier.verify_batch(&bundles)[2], Err(VerifyError::ModelMismatch { .. })));

    // A run killed while writing line 3 of its output: two whole lines and half a line.
    let bytes = std::fs::read(&out).unwrap();
    let ends: Vec<usize> = bytes.iter().enumerate().filter(|(_, &b)| b == b'\n').map(|(i, _)| i + 1).collect();
    std::fs::write(&out, &bytes[..ends[1] + (ends[2] - ends[1]) / 2]).unwrap();
    let s = prove_batch(&prover, &inputs, &out, &mut |_, _| {}, &|| false).unwrap();
    assert_eq!((s.skipped, s.proved + s.failed), (2, 3));
    let resumed = lines(&out);
    assert_eq!(resumed.len(), 5, "every input line once");
    assert_eq!(resumed.iter().map(|l| l.line).collect::<BTreeSet<_>>(), BTreeSet::from([1, 3, 4, 5, 6]));
    let s = prove_batch(&prover, &inputs, &out, &mut |_, _| {}, &|| false).unwrap();
    assert_eq!((s.skipped, s.proved, s.failed), (5, 0, 0), "nothing left to do");

    // Stopped (a deadline, a signal) before any chunk, then after the first: what is
    // written stays whole, and the next run does the rest.
    let out2 = dir.path().join("stopped.jsonl");
    let s = prove_batch(&prover, &inputs, &out2, &mut |_, _| {}, &|| true).unwrap();
    assert!(s.stopped && s.remaining == 5 && s.proved + s.failed == 0, "{s:?}");
    let asked = std::cell::Cell::new(0);
    let after_one_chunk = || {
        asked.set(asked.get() + 1);
        asked.get() > 1
    };
    let s = prove_batch(&prover, &inputs, &out2, &mut |_, _| {}, &after_one_chunk).unwrap();
    assert!(s.stopped && s.remaining > 0 && s.remaining + s.proved + s.failed == 5, "{s:?}");
    assert_eq!(lines(&out2).len(), s.proved + s.failed);
    let s = prove_batch(&prover, &inputs, &out2, &mut |_, _| {}, &|| false).unwrap();
    assert!(!s.stopped && s.remaining == 0);
    assert_eq!(lines(&out2).iter().map(|l| l.line).collect::<BTreeSet<_>>(), BTreeSet::from([1, 3, 4, 5, 6]));

    // A damaged line before the last is not silently dropped.
    let mut damaged = std::fs::read_to_string(&out).unwrap();
    damaged.replace_range(10..12, "##");
    std::fs::write(&out, &damaged).unwrap();
    assert!(matches!(
        prove_batch(&prover, &inputs, &out, &mut |_, _| {}, &|| false),
        Err(ProverError::Malformed { .. })
    ));

    // Another model's proofs file.
    let (_, other) = digits_model("tf_mlp");
    let other_key = setup(&other.arch, CommitmentScheme::Lego, 1, &mut StdRng::seed_from_u64(6)).unwrap();
    let other_prover = Prover::new(&other, &other_key, &salt, None).unwrap();
    let good = resumed.iter().map(|l| serde_json::to_string(l).unwrap() + "\n").collect::<String>();
    std::fs::write(&out, good).unwrap();
    assert!(matches!(
        prove_batch(&other_prover, &inputs, &out, &mut |_, _| {}, &|| false),
        Err(ProverError::ProofsFileMismatch { .. })
    ));
}
