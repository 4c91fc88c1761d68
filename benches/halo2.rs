//! halo2 backend benchmarks on the bundled models: key derivation (what every cold
//! process pays: `Params::new(k)` is cached per process and measured apart), prove, and
//! verify with the key derived (what a long-lived verifier, or `verify --batch`, pays per
//! proof).
//!
//! `cargo bench -p zkseal-benches --bench halo2` (figures in README.md).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use halo2_proofs::poly::commitment::Params;
use pasta_curves::EqAffine;
use rand::rngs::OsRng;
use zkseal_benches::{quantized_model, test_sample};
use zkseal_halo2::keys::setup;
use zkseal_prover::commit::{commitment_record, fresh_salt};
use zkseal_prover::halo2::Halo2Prover;
use zkseal_verifier_halo2::Halo2Verifier;

/// `torch_mlp` has mlp_small's shape (64-32-16-10); `torch_cnn` is the largest fixture.
const MODELS: [&str; 3] = ["torch_mlp", "torch_cnn_s2", "torch_cnn"];

fn bench(c: &mut Criterion) {
    let x = test_sample();
    for name in MODELS {
        let model = quantized_model(name);
        let file = setup(&model.arch, 1).expect("setup");
        let key = file.to_bytes();
        let salt = fresh_salt(&mut OsRng);
        let record = commitment_record(&model, &salt, None).expect("record");
        let prover = Halo2Prover::new(&model, &key, &salt, &record).expect("prover");
        let bundle = prover.prove_all(&[&x]).expect("prove");
        let verifier = Halo2Verifier::new(&key, &record).expect("verifier");
        let id = format!("k{}/{name}", file.k);
        c.bench_function(&format!("params_new/k{}", file.k), |b| b.iter(|| black_box(Params::<EqAffine>::new(file.k))));
        c.bench_with_input(BenchmarkId::new("derive_vk", &id), &file, |b, f| {
            b.iter(|| black_box(f.verifying_key().expect("derives")))
        });
        c.bench_with_input(BenchmarkId::new("prove", &id), &x, |b, x| {
            b.iter(|| prover.prove_all(&[x]).expect("prove"))
        });
        c.bench_with_input(BenchmarkId::new("verify", &id), &bundle, |b, bundle| {
            b.iter(|| verifier.verify(bundle).expect("valid"))
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(20));
    targets = bench
}
criterion_main!(benches);
