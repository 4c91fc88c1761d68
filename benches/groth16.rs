//! Groth16 benchmarks on the bundled models: witness generation (the assignment, as the
//! prover synthesizes it), prove, and verify (a whole bundle against a decoded key and
//! record). Every fixture under the Lego scheme (the default), `torch_mlp` and
//! `torch_cnn` under the Poseidon scheme too.
//!
//! `cargo bench -p zkseal-benches --bench groth16` (figures in README.md).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use rand::rngs::OsRng;
use zkseal_benches::{quantized_model, test_sample, MODELS};
use zkseal_core::commitment::Salt;
use zkseal_core::quant::eval::{evaluate, quantize_input};
use zkseal_prover::commit::{commitment_record, fresh_salt};
use zkseal_prover::prove::Prover;
use zkseal_prover::relation::Relation;
use zkseal_prover::setup::{circuit_scheme, setup};
use zkseal_r1cs::circuit::{CircuitWitness, ModelCircuit};
use zkseal_r1cs::commitment::commit;
use zkseal_verifier::{CommitmentScheme, Verifier};

/// The Poseidon scheme's models (its circuits are 5–10× larger; two suffice to compare).
const POSEIDON_MODELS: [&str; 2] = ["torch_mlp", "torch_cnn"];

fn bench(c: &mut Criterion) {
    let x = test_sample();
    for scheme in CommitmentScheme::ALL {
        let tag = match scheme {
            CommitmentScheme::Lego => "lego",
            CommitmentScheme::Poseidon => "poseidon",
        };
        let models: &[&str] = match scheme {
            CommitmentScheme::Lego => &MODELS,
            CommitmentScheme::Poseidon => &POSEIDON_MODELS,
        };
        for &name in models {
            let id = format!("{tag}/{name}");
            let model = quantized_model(name);
            let key = setup(&model.arch, scheme, 1, &mut OsRng).expect("setup");
            let salt: Salt = fresh_salt(&mut OsRng);
            let record = commitment_record(&model, &salt, Some(&key)).expect("record");
            let prover = Prover::new(&model, &key, &salt, Some(&record)).expect("prover");
            let bundle = prover.prove(&x, &mut OsRng).expect("prove");

            let trace = evaluate(&model.arch, &model.weights, &quantize_input(&model.arch, &x).unwrap()).unwrap();
            let commitment = commit(&model.arch, &model.architecture_digest(), &model.weights, &salt);
            let circuit_scheme = circuit_scheme(scheme);
            let relation = Relation::new(ModelCircuit {
                arch: &model.arch,
                arch_digest: model.architecture_digest(),
                scheme: circuit_scheme,
                inferences: 1,
                witness: None,
            })
            .expect("relation");
            c.bench_with_input(BenchmarkId::new("witness", &id), &model, |b, m| {
                b.iter(|| {
                    let witness = CircuitWitness {
                        weights: &m.weights,
                        salt: &salt,
                        traces: std::slice::from_ref(&trace),
                        commitment,
                    };
                    let circuit = ModelCircuit {
                        arch: &m.arch,
                        arch_digest: m.architecture_digest(),
                        scheme: circuit_scheme,
                        inferences: 1,
                        witness: Some(witness),
                    };
                    black_box(relation.assignment(circuit).unwrap())
                })
            });

            let mut group = c.benchmark_group("prove");
            group.sample_size(10).measurement_time(Duration::from_secs(20));
            group
                .bench_function(BenchmarkId::from_parameter(&id), |b| b.iter(|| prover.prove(&x, &mut OsRng).unwrap()));
            group.finish();

            // Verification as a client does it, key and record decoded once.
            let verifier = Verifier::new(&key.verifying_key_file(), &record).expect("verifier");
            c.bench_with_input(BenchmarkId::new("verify", &id), &bundle, |b, bundle| {
                b.iter(|| verifier.verify(black_box(bundle)).unwrap())
            });
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
