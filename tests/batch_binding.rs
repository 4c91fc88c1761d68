//! Batch verification binds the record's commitment point: the attack of an owner who
//! publishes `D* = Σ rᵢ·Dᵢ / Σ rᵢ` after proving under several weight sets, mounted on
//! a real Lego key, is refused; and for random mixes of honest proofs, tampered proofs
//! and adversarial records, every batch verdict is the one-by-one verdict.
//!
//! The attack is also committed as files (`tests/data/attacks/batch_forged_point`: the
//! verifying key, the forged record, the two proofs as a `verify --batch` file) for the
//! CLI's test and for other verifiers; `ZKSEAL_BLESS=1 cargo test -p zkseal-tests --test
//! batch_binding` rewrites them.

use std::sync::OnceLock;

use ark_bn254::{g1::Config as G1Config, Bn254, Fr, G1Affine, G1Projective};
use ark_ec::pairing::Pairing;
use ark_ec::scalar_mul::glv::GLVConfig;
use ark_ec::{CurveGroup, PrimeGroup};
use ark_ff::{Field, PrimeField};
use ark_serialize::CanonicalSerialize;
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::SeedableRng;
use zkseal_core::commitment::Salt;
use zkseal_core::Model;
use zkseal_prover::commit::commitment_record;
use zkseal_prover::keys::ProvingKeyFile;
use zkseal_prover::prove::Prover;
use zkseal_prover::setup::setup;
use zkseal_tests::{data, digits_model, digits_test};
use zkseal_verifier::{hex, parse_point, CommitmentRecord, CommitmentScheme, ProofBundle, Verifier, VerifyError};

/// One Lego key, two weight sets of its architecture with their honest records, and
/// proofs of the same test inputs under each.
struct World {
    vk: Vec<u8>,
    honest: [CommitmentRecord; 2],
    /// `proofs[s][i]`: test input `i` proved under weight set `s`.
    proofs: [Vec<ProofBundle>; 2],
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let (_, first) = digits_model("torch_mlp");
        let second = other_weights(&first);
        let mut rng = StdRng::seed_from_u64(41);
        let key =
            ProvingKeyFile::from_bytes(&setup(&first.arch, CommitmentScheme::Lego, 1, &mut rng).unwrap().to_bytes())
                .unwrap();
        let (inputs, _) = digits_test();
        let mut honest = Vec::new();
        let mut proofs = Vec::new();
        for (s, model) in [&first, &second].into_iter().enumerate() {
            let salt = Salt([7 + s as u8; 32]);
            honest.push(commitment_record(model, &salt, Some(&key)).unwrap());
            let prover = Prover::new(model, &key, &salt, None).unwrap();
            proofs.push(inputs[..3].iter().map(|x| prover.prove(x, &mut rng).unwrap()).collect::<Vec<_>>());
        }
        assert_ne!(proofs[0][0].output, proofs[1][0].output, "the two weight sets answer input 0 differently");
        World { vk: key.verifying_key_file(), honest: honest.try_into().unwrap(), proofs: proofs.try_into().unwrap() }
    })
}

/// The same architecture with the last layer's biases shifted: other answers.
fn other_weights(model: &Model) -> Model {
    let mut other = model.clone();
    let last = other.weights.layers.last_mut().unwrap();
    let n = last.bias.len();
    for (i, b) in last.bias.iter_mut().enumerate() {
        *b += if i < n / 2 { 1 << 14 } else { -(1 << 14) };
    }
    Model::new(other.arch, other.weights, other.meta).expect("still a valid model")
}

/// `bundle` relabelled for `record`: the fields outside the proof that the verifier
/// compares with the record, which whoever hands out the bundle can write.
fn relabel(bundle: &ProofBundle, record: &CommitmentRecord) -> ProofBundle {
    let mut b = bundle.clone();
    b.model_id = record.model_id.clone();
    b.commitment = record.commitment.clone();
    b.commitment_point = record.commitment_point.clone();
    b
}

/// The weights the verifier drew before it bound the record (domain tag v1): a hash of
/// the proofs and their public inputs only, which an owner computes before choosing `D`.
fn unbound_weights(verifier: &Verifier, bundles: &[ProofBundle]) -> Vec<Fr> {
    let mut h = blake3::Hasher::new_derive_key("zkseal 2026-11 batch verification v1");
    for b in bundles {
        let c = verifier.check(b).expect("passes every check but the pairing");
        let mut bytes = Vec::new();
        c.proof.serialize_compressed(&mut bytes).unwrap();
        c.public.serialize_compressed(&mut bytes).unwrap();
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(&bytes);
    }
    let mut xof = h.finalize_xof();
    bundles
        .iter()
        .map(|_| {
            let mut w = [0u8; 16];
            xof.fill(&mut w);
            let half = |i: usize| u64::from_le_bytes(w[i..i + 8].try_into().unwrap());
            Fr::from(half(0) | 1) + G1Config::LAMBDA * Fr::from(half(8))
        })
        .collect()
}

/// Whether the batch equation holds for `bundles` under `verifier`'s record with the
/// given weights: `Π e(rᵢ·Aᵢ, Bᵢ) = (e(α, β)·e(D, γ'))^(Σ rᵢ) · e(Σ rᵢ·ICᵢ, γ) · e(Σ rᵢ·Cᵢ, δ)`.
fn batch_equation_holds(verifier: &Verifier, bundles: &[ProofBundle], r: &[Fr]) -> bool {
    let vk = verifier.key();
    let (d, gamma2) = verifier.commitment_pairing().expect("a Lego verifier");
    let (mut g1, mut g2) = (Vec::new(), Vec::new());
    let (mut ic, mut c_sum, mut sum) = (G1Projective::default(), G1Projective::default(), Fr::from(0u64));
    for (b, r) in bundles.iter().zip(r) {
        let c = verifier.check(b).unwrap();
        let mut acc = G1Projective::from(vk.gamma_abc_g1[0]);
        for (a, base) in c.public.iter().zip(&vk.gamma_abc_g1[1..]) {
            acc += *base * Fr::from_bigint(*a).unwrap();
        }
        ic += acc * r;
        c_sum += c.proof.c * r;
        sum += r;
        g1.push((c.proof.a * r).into_affine());
        g2.push(c.proof.b);
    }
    g1.extend([-ic.into_affine(), -c_sum.into_affine()]);
    g2.extend([vk.gamma_g2, vk.delta_g2]);
    let lhs = Bn254::multi_pairing(g1, g2);
    let target = Bn254::pairing(vk.alpha_g1, vk.beta_g2) + Bn254::pairing(d, gamma2);
    lhs.0 == target.0.pow(sum.into_bigint())
}

/// The owner's forged record: `D* = Σ rᵢ·Dᵢ / Σ rᵢ` over the honest records' points,
/// with `rᵢ` the weights the verifier would draw if they did not depend on `D`.
fn forged_record(w: &World, r: &[Fr]) -> CommitmentRecord {
    let points: Vec<G1Affine> =
        w.honest.iter().map(|rec| parse_point("record", rec.commitment_point.as_ref().unwrap()).unwrap()).collect();
    let sum: Fr = r.iter().sum();
    let d = (points[0] * r[0] + points[1] * r[1]) * sum.inverse().unwrap();
    let mut bytes = Vec::new();
    d.into_affine().serialize_compressed(&mut bytes).unwrap();
    let mut forged = w.honest[0].clone();
    forged.commitment_point = Some(hex(&bytes));
    forged
}

#[test]
fn a_commitment_point_chosen_after_the_proofs_is_refused() {
    let w = world();
    // Two answers to the same input, one under each weight set, labelled for the forged
    // record, whose point balances the weights the verifier drew before it bound `D`
    // (those weights hash the proofs and public inputs only, not the labels).
    let (bundles, forged) = attack(w);
    assert_eq!(bundles[0].input, bundles[1].input);
    let verifier = Verifier::new(&w.vk, &forged).unwrap();
    let r = unbound_weights(&verifier, &bundles);

    // The attack is real: with weights that ignore D, the forged point satisfies the
    // batch equation, although each proof fails on its own.
    assert!(batch_equation_holds(&verifier, &bundles, &r), "the forged D* balances the unbound batch");
    for b in &bundles {
        assert_eq!(verifier.verify(b), Err(VerifyError::PairingCheckFailed));
    }
    // Bound to D, the weights change with it, and the batch refuses both.
    let verdicts = verifier.verify_batch(&bundles);
    assert_eq!(verdicts, vec![Err(VerifyError::PairingCheckFailed), Err(VerifyError::PairingCheckFailed)]);
    // The honest proofs still pass together under their own records.
    for s in 0..2 {
        let v = Verifier::new(&w.vk, &w.honest[s]).unwrap();
        assert!(v.verify_batch(&w.proofs[s]).iter().all(Result::is_ok));
    }
}

/// The attack's two bundles and forged record, as `a_commitment_point_chosen_after_the_proofs_is_refused`
/// builds them.
fn attack(w: &World) -> ([ProofBundle; 2], CommitmentRecord) {
    let honest = Verifier::new(&w.vk, &w.honest[0]).unwrap();
    let bundles = [relabel(&w.proofs[0][0], &w.honest[0]), relabel(&w.proofs[1][0], &w.honest[0])];
    let forged = forged_record(w, &unbound_weights(&honest, &bundles));
    (bundles.map(|b| relabel(&b, &forged)), forged)
}

#[test]
fn the_committed_attack_files_are_a_real_attack_and_refused() {
    let dir = data("attacks/batch_forged_point");
    if std::env::var_os("ZKSEAL_BLESS").is_some() {
        let w = world();
        let (bundles, forged) = attack(w);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("verifying.key"), &w.vk).unwrap();
        std::fs::write(dir.join("commitment.json"), serde_json::to_string_pretty(&forged).unwrap() + "\n").unwrap();
        let lines: String = bundles.iter().map(|b| serde_json::to_string(b).unwrap() + "\n").collect();
        std::fs::write(dir.join("proofs.jsonl"), lines).unwrap();
    }
    let vk = std::fs::read(dir.join("verifying.key")).unwrap();
    let record: CommitmentRecord =
        serde_json::from_slice(&std::fs::read(dir.join("commitment.json")).unwrap()).unwrap();
    let bundles: Vec<ProofBundle> = std::fs::read_to_string(dir.join("proofs.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let verifier = Verifier::new(&vk, &record).unwrap();
    assert_eq!(bundles[0].input, bundles[1].input);
    assert_ne!(bundles[0].output, bundles[1].output, "two answers to one input");
    assert!(batch_equation_holds(&verifier, &bundles, &unbound_weights(&verifier, &bundles)), "a real attack");
    let refused = vec![Err(VerifyError::PairingCheckFailed); 2];
    assert_eq!(verifier.verify_batch(&bundles), refused);
    assert_eq!(bundles.iter().map(|b| verifier.verify(b)).collect::<Vec<_>>(), refused);
}

/// A bundle of the pool, before relabelling: how it was made.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Honest { set: usize, input: usize },
    OutputChanged { set: usize, input: usize },
    InputChanged { set: usize, input: usize },
    ProofOfAnotherInput { set: usize, input: usize },
    ProofBytesFlipped { set: usize, input: usize },
}

fn bundle(w: &World, kind: Kind) -> ProofBundle {
    match kind {
        Kind::Honest { set, input } => w.proofs[set][input].clone(),
        Kind::OutputChanged { set, input } => {
            let mut b = w.proofs[set][input].clone();
            b.output[0] += 1;
            b.output_float[0] = b.output[0] as f64 * 2f64.powi(-b.output_scale);
            b
        }
        Kind::InputChanged { set, input } => {
            let mut b = w.proofs[set][input].clone();
            b.input[0] -= 1;
            b
        }
        Kind::ProofOfAnotherInput { set, input } => {
            let mut b = w.proofs[set][input].clone();
            b.proof = w.proofs[set][(input + 1) % 3].proof.clone();
            b
        }
        Kind::ProofBytesFlipped { set, input } => {
            let mut b = w.proofs[set][input].clone();
            let i = b.proof.len() - 3;
            let flipped = if &b.proof[i..i + 1] == "0" { "1" } else { "0" };
            b.proof.replace_range(i..i + 1, flipped);
            b
        }
    }
}

fn kind() -> impl Strategy<Value = Kind> {
    (0..2usize, 0..3usize, 0..5u8).prop_map(|(set, input, k)| match k {
        0 => Kind::Honest { set, input },
        1 => Kind::OutputChanged { set, input },
        2 => Kind::InputChanged { set, input },
        3 => Kind::ProofOfAnotherInput { set, input },
        _ => Kind::ProofBytesFlipped { set, input },
    })
}

/// The records an adversary may hand out: the honest ones, a point forged over two of
/// the pool's proofs with unbound weights, a random point, and honest records with a
/// Poseidon hash or model label of the other weights.
fn records(w: &World) -> Vec<CommitmentRecord> {
    let honest = Verifier::new(&w.vk, &w.honest[0]).unwrap();
    let pair = [relabel(&w.proofs[0][1], &w.honest[0]), relabel(&w.proofs[1][2], &w.honest[0])];
    let r = unbound_weights(&honest, &pair);
    let mut random = w.honest[0].clone();
    let mut bytes = Vec::new();
    (G1Projective::generator() * Fr::from(123_456_789u64)).into_affine().serialize_compressed(&mut bytes).unwrap();
    random.commitment_point = Some(hex(&bytes));
    let mut mixed = w.honest[0].clone();
    mixed.commitment = w.honest[1].commitment.clone();
    mixed.model_id = w.honest[1].model_id.clone();
    vec![w.honest[0].clone(), w.honest[1].clone(), forged_record(w, &r), random, mixed]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn batch_verdicts_equal_one_by_one_verdicts(
        record in 0..5usize,
        picks in prop::collection::vec((kind(), prop::bool::weighted(0.85)), 1..7),
    ) {
        static RECORDS: OnceLock<Vec<CommitmentRecord>> = OnceLock::new();
        let w = world();
        let record = &RECORDS.get_or_init(|| records(w))[record];
        let verifier = Verifier::new(&w.vk, record).unwrap();
        // Most bundles are relabelled for the record (as an adversary would), some not.
        let bundles: Vec<ProofBundle> = picks
            .iter()
            .map(|&(k, relabelled)| if relabelled { relabel(&bundle(w, k), record) } else { bundle(w, k) })
            .collect();
        let one_by_one: Vec<_> = bundles.iter().map(|b| verifier.verify(b)).collect();
        prop_assert_eq!(verifier.verify_batch(&bundles), one_by_one);
    }
}
