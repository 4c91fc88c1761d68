//! Batch verification against one-by-one at N = 100 (`torch_mlp`, Lego scheme).
//!
//! The 100 bundles are 4 real proofs (4 inputs) re-randomized by arkworks, so every
//! proof is distinct and valid without proving 100 times.
//! `cargo bench -p zkseal-benches --bench batch_verify`

use ark_bn254::Bn254;
use ark_groth16::{Groth16, Proof};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use criterion::{criterion_group, criterion_main, Criterion};
use rand::rngs::OsRng;
use zkseal_benches::{quantized_model, test_samples};
use zkseal_core::format::hex;
use zkseal_prover::commit::{commitment_record, fresh_salt};
use zkseal_prover::prove::prove;
use zkseal_prover::setup::setup;
use zkseal_verifier::{unhex, CommitmentScheme, ProofBundle, Verifier};

const N: usize = 100;

fn bench(c: &mut Criterion) {
    let model = quantized_model("torch_mlp");
    let key = setup(&model.arch, CommitmentScheme::Lego, 1, &mut OsRng).expect("setup");
    let salt = fresh_salt(&mut OsRng);
    let record = commitment_record(&model, &salt, Some(&key)).expect("record");
    let verifier = Verifier::new(&key.verifying_key_file(), &record).expect("key and record");
    let originals: Vec<ProofBundle> =
        test_samples(4).iter().map(|x| prove(&model, &key, &salt, x, &mut OsRng).expect("prove")).collect();
    let bundles: Vec<ProofBundle> = (0..N)
        .map(|i| {
            let mut b = originals[i % originals.len()].clone();
            let proof = Proof::<Bn254>::deserialize_compressed(unhex(&b.proof).unwrap().as_slice()).unwrap();
            let fresh = Groth16::<Bn254>::rerandomize_proof(&key.pk.vk, &proof, &mut OsRng);
            let mut bytes = Vec::new();
            fresh.serialize_compressed(&mut bytes).unwrap();
            b.proof = hex(&bytes);
            b
        })
        .collect();
    assert!(verifier.verify_batch(&bundles).iter().all(Result::is_ok));

    let mut group = c.benchmark_group("verify_100");
    group.sample_size(20);
    group.bench_function("one_by_one", |b| b.iter(|| bundles.iter().all(|x| verifier.verify(x).is_ok())));
    group.bench_function("batch", |b| b.iter(|| verifier.verify_batch(&bundles).iter().all(Result::is_ok)));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
