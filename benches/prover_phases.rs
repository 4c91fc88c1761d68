//! Where a Groth16 proof's time goes (Lego scheme, every bundled model and EZKL's
//! digits models when present): `synthesis` (the assignment, constraint matrices
//! cached), `witness_map` (R1CS→QAP: evaluating A·z, B·z, C·z and the seven FFTs),
//! `msm` (the five multi-scalar multiplications of the proof: H, L, A, B in G1 and
//! B in G2, as arkworks computes them), and `prove` (all of it, as `Prover` runs it).
//!
//! `cargo bench -p zkseal-benches --bench prover_phases` (figures in README.md); the
//! bar is `prove ≤ 1.5 × msm`. `PHASE_MODELS=a/m.zkq,b/m.zkq` adds quantized models
//! (their keys read from `keys/proving.key` beside each, as `benches/ezkl_compare.sh`
//! leaves them), proving an all-zero input.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use ark_bn254::{Bn254, Fr, G1Projective, G2Projective};
use ark_ec::VariableBaseMSM;
use ark_ff::PrimeField;
use ark_groth16::r1cs_to_qap::{LibsnarkReduction, R1CSToQAP};
use ark_groth16::ProvingKey;
use ark_poly::GeneralEvaluationDomain;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use rand::rngs::OsRng;
use zkseal_benches::{quantized_model, test_sample, MODELS};
use zkseal_core::commitment::Salt;
use zkseal_core::quant::eval::{evaluate, quantize_input};
use zkseal_core::Model;
use zkseal_prover::commit::fresh_salt;
use zkseal_prover::keys::ProvingKeyFile;
use zkseal_prover::relation::Relation;
use zkseal_prover::setup::setup;
use zkseal_r1cs::circuit::{CircuitWitness, ModelCircuit};
use zkseal_r1cs::Scheme;
use zkseal_verifier::CommitmentScheme;

fn bench(c: &mut Criterion) {
    let x = test_sample();
    for name in MODELS {
        let model = quantized_model(name);
        let key = setup(&model.arch, CommitmentScheme::Lego, 1, &mut OsRng).expect("setup");
        phases(c, name, &model, &key.pk, &x);
    }
    let extra = std::env::var("PHASE_MODELS").unwrap_or_default();
    for path in extra.split(',').filter(|p| !p.is_empty()).map(PathBuf::from) {
        let model = Model::from_bytes(&std::fs::read(&path).expect("read model")).expect("model");
        let key_path = path.with_file_name("keys").join("proving.key");
        let key = ProvingKeyFile::from_bytes(&std::fs::read(key_path).expect("read key")).expect("key");
        let name = path.parent().and_then(|d| d.file_name()).map_or("model".into(), |d| d.to_string_lossy());
        phases(c, &name, &model, &key.pk, &vec![0.0; model.arch.input.len()]);
    }
}

fn phases(c: &mut Criterion, name: &str, model: &Model, pk: &ProvingKey<Bn254>, x: &[f64]) {
    let (arch, digest) = (&model.arch, model.architecture_digest());
    let circuit = |witness| ModelCircuit { arch, arch_digest: digest, scheme: Scheme::Lego, inferences: 1, witness };
    let relation = Relation::new(circuit(None)).expect("relation");
    let salt: Salt = fresh_salt(&mut OsRng);
    let trace = evaluate(arch, &model.weights, &quantize_input(arch, x).unwrap()).unwrap();
    let traces = std::slice::from_ref(&trace);
    let witness = || Some(CircuitWitness { weights: &model.weights, salt: &salt, commitment: Fr::from(0u64), traces });
    let z = relation.assignment(circuit(witness())).expect("assignment");
    let (m, n_in, n_cons) = (relation.matrices(), relation.num_instance(), relation.num_constraints());
    let h = LibsnarkReduction::witness_map_from_matrices::<Fr, GeneralEvaluationDomain<Fr>>(m, n_in, n_cons, &z)
        .expect("witness map");

    let mut group = c.benchmark_group("phase");
    group.sample_size(10).measurement_time(Duration::from_secs(8));
    group.bench_function(BenchmarkId::new("synthesis", name), |b| {
        b.iter(|| relation.assignment(circuit(witness())).unwrap())
    });
    group.bench_function(BenchmarkId::new("witness_map", name), |b| {
        b.iter(|| {
            LibsnarkReduction::witness_map_from_matrices::<Fr, GeneralEvaluationDomain<Fr>>(m, n_in, n_cons, &z)
                .unwrap()
        })
    });
    group.bench_function(BenchmarkId::new("msm", name), |b| {
        b.iter(|| {
            let h: Vec<_> = h.iter().map(|s| s.into_bigint()).collect();
            let all: Vec<_> = z[1..].iter().map(|s| s.into_bigint()).collect();
            let aux = &all[n_in - 1..];
            black_box((
                G1Projective::msm_bigint(&pk.h_query, &h),
                G1Projective::msm_bigint(&pk.l_query, aux),
                G1Projective::msm_bigint(&pk.a_query[1..], &all),
                G1Projective::msm_bigint(&pk.b_g1_query[1..], &all),
                G2Projective::msm_bigint(&pk.b_g2_query[1..], &all),
            ))
        })
    });
    group.bench_function(BenchmarkId::new("prove", name), |b| {
        b.iter(|| {
            let z = relation.assignment(circuit(witness())).unwrap();
            relation.prove(pk, &z, &mut OsRng).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
