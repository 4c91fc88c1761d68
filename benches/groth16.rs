//! Groth16 benchmarks on the bundled models: witness generation (constraint synthesis
//! with values), prove, and verify (whole bundle check, and the pairing alone).
//!
//! `cargo bench -p zkseal-benches --bench groth16` (figures in README.md).

use std::hint::black_box;
use std::time::Duration;

use ark_bn254::{Bn254, Fr};
use ark_groth16::{prepare_verifying_key, Groth16, Proof};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem};
use ark_serialize::CanonicalDeserialize;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use rand::rngs::OsRng;
use zkseal_benches::{quantized_model, test_sample};
use zkseal_circuits::commitment::{commit, Salt};
use zkseal_circuits::quant::eval::{evaluate, quantize_input};
use zkseal_circuits::r1cs::circuit::{public_inputs, CircuitWitness, ModelCircuit};
use zkseal_prover::commit::{commitment_record, fresh_salt};
use zkseal_prover::prove::prove;
use zkseal_prover::setup::setup;
use zkseal_verifier::{int_to_field, parse_field, verify};

const PROOF_MODELS: [&str; 2] = ["torch_mlp", "torch_cnn"];

fn bench(c: &mut Criterion) {
    let x = test_sample();
    for name in PROOF_MODELS {
        let model = quantized_model(name);
        let key = setup(&model.arch, &mut OsRng).expect("setup");
        let vk = key.verifying_key_file();
        let salt: Salt = fresh_salt(&mut OsRng);
        let record = commitment_record(&model, &salt);
        let bundle = prove(&model, &key, &salt, &x, &mut OsRng).expect("prove");

        let trace = evaluate(&model.arch, &model.weights, &quantize_input(&model.arch, &x).unwrap()).unwrap();
        let commitment = commit(&model.arch, &model.architecture_digest(), &model.weights, &salt);
        c.bench_with_input(BenchmarkId::new("witness", name), &model, |b, m| {
            b.iter(|| {
                let cs = ConstraintSystem::<Fr>::new_ref();
                let witness = CircuitWitness { weights: &m.weights, salt: &salt, trace: &trace, commitment };
                let circuit =
                    ModelCircuit { arch: &m.arch, arch_digest: m.architecture_digest(), witness: Some(witness) };
                circuit.generate_constraints(cs.clone()).unwrap();
                black_box(cs.num_constraints())
            })
        });

        let mut group = c.benchmark_group("prove");
        group.sample_size(10).measurement_time(Duration::from_secs(30));
        group.bench_with_input(BenchmarkId::from_parameter(name), &model, |b, m| {
            b.iter(|| prove(m, &key, &salt, &x, &mut OsRng).unwrap())
        });
        group.finish();

        c.bench_with_input(BenchmarkId::new("verify", name), &bundle, |b, bundle| {
            b.iter(|| verify(&vk, &record, black_box(bundle)).unwrap())
        });

        let pvk = prepare_verifying_key(&key.pk.vk);
        let proof_bytes: Vec<u8> = (0..bundle.proof.len() / 2)
            .map(|i| u8::from_str_radix(&bundle.proof[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        let proof = Proof::<Bn254>::deserialize_compressed(proof_bytes.as_slice()).unwrap();
        let inputs = public_inputs(parse_field(&bundle.commitment).unwrap(), &bundle.input, &bundle.output);
        assert_eq!(inputs[1], int_to_field(bundle.input[0]));
        c.bench_with_input(BenchmarkId::new("verify_pairing", name), &inputs, |b, inputs| {
            b.iter(|| assert!(Groth16::<Bn254>::verify_proof(&pvk, &proof, inputs).unwrap()))
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
