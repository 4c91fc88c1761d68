//! The Lego scheme's soundness: a proof opens the published commitment point and
//! nothing else (`specs/commitment.md`).
//!
//! Each attack is built the way a cheating owner would: the real proving key, the real
//! blinding, arkworks' prover, and the same opening step `Prover::prove` uses. The
//! honest run of the same construction verifies, so each rejection is the attack's.

use ark_bn254::{Bn254, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::UniformRand;
use ark_groth16::{Groth16, Proof};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use ark_snark::SNARK;
use rand::rngs::StdRng;
use rand::SeedableRng;
use zkseal_core::format::hex;
use zkseal_core::quant::eval::{evaluate, quantize_input};
use zkseal_core::Model;
use zkseal_prover::commit::commitment_record;
use zkseal_prover::lego;
use zkseal_r1cs::circuit::{CircuitWitness, ModelCircuit};
use zkseal_r1cs::commitment::commit as poseidon_commit;
use zkseal_r1cs::Scheme;
use zkseal_tests::{digits_test, proved, Proved};
use zkseal_verifier::{decode_vk_file, unhex, verify, vk_digest, CommitmentScheme, ProofBundle, VerifyError};

/// A bundle for `p`'s record whose proof is computed with `weights`' values.
fn proof_with_weights(p: &Proved, weights: &Model, input: &[f64], seed: u64) -> ProofBundle {
    let trace = evaluate(&weights.arch, &weights.weights, &quantize_input(&weights.arch, input).unwrap()).unwrap();
    let commitment = poseidon_commit(&p.model.arch, &p.model.architecture_digest(), &p.model.weights, &p.salt);
    let witness =
        CircuitWitness { weights: &weights.weights, salt: &p.salt, commitment, traces: std::slice::from_ref(&trace) };
    let circuit = ModelCircuit {
        arch: &p.model.arch,
        arch_digest: p.model.architecture_digest(),
        scheme: Scheme::Lego,
        inferences: 1,
        witness: Some(witness),
    };
    let mut proof = Groth16::<Bn254>::prove(&p.key.pk, circuit, &mut StdRng::seed_from_u64(seed)).unwrap();
    lego::open(&mut proof, p.key.commitment_key.as_ref().unwrap(), lego::blinding(&p.salt));
    let mut b = p.bundle.clone();
    b.input = trace.input.clone();
    b.output = trace.output().to_vec();
    b.output_float = b.output.iter().map(|&q| q as f64 * 2f64.powi(-b.output_scale)).collect();
    b.proof = encode(&proof);
    b
}

fn encode(proof: &Proof<Bn254>) -> String {
    let mut bytes = Vec::new();
    proof.serialize_compressed(&mut bytes).unwrap();
    hex(&bytes)
}

fn decode(b: &ProofBundle) -> Proof<Bn254> {
    Proof::deserialize_compressed(unhex(&b.proof).unwrap().as_slice()).unwrap()
}

fn point_hex(p: G1Affine) -> String {
    let mut bytes = Vec::new();
    p.serialize_compressed(&mut bytes).unwrap();
    hex(&bytes)
}

#[test]
fn weights_differing_in_one_value_cannot_open_the_commitment() {
    let (inputs, _) = digits_test();
    for (name, seed) in [("torch_mlp", 3), ("torch_cnn", 4)] {
        let p = proved(name, seed, CommitmentScheme::Lego);
        let honest = proof_with_weights(&p, &p.model, &inputs[0], 1);
        verify(&p.vk, &p.record, &honest).unwrap_or_else(|e| panic!("{name}: the honest construction: {e}"));

        let layers = p.model.weights.layers.len();
        let mut changes: Vec<(&str, Model)> = Vec::new();
        for (what, layer, bias, index, delta) in [
            ("first weight +1", 0, false, 0, 1),
            ("a weight −1", 1, false, 7, -1),
            ("last bias +1", layers - 1, true, 0, 1),
        ] {
            let mut m = p.model.clone();
            let values = if bias { &mut m.weights.layers[layer].bias } else { &mut m.weights.layers[layer].weight };
            values[index] += delta;
            changes.push((what, m));
        }
        let mut swapped = p.model.clone();
        swapped.weights.layers[0].weight.swap(0, 1);
        assert_ne!(swapped.weights, p.model.weights, "{name}: the swapped weights differ");
        changes.push(("two weights swapped", swapped));
        for (what, other) in &changes {
            let b = proof_with_weights(&p, other, &inputs[0], 2);
            assert_eq!(verify(&p.vk, &p.record, &b).unwrap_err(), VerifyError::PairingCheckFailed, "{name}: {what}");
        }
    }
}

#[test]
fn a_changed_commitment_point_is_rejected() {
    let p = proved("torch_mlp", 5, CommitmentScheme::Lego);
    let d = lego_point(&p);
    let g = G1Affine::generator();
    for (what, forged) in [("D + G", (d + g).into_affine()), ("2·D", (d + d).into_affine()), ("G", g)] {
        let mut record = p.record.clone();
        record.commitment_point = Some(point_hex(forged));
        let mut b = p.bundle.clone();
        b.commitment_point = record.commitment_point.clone();
        assert_eq!(verify(&p.vk, &record, &b).unwrap_err(), VerifyError::PairingCheckFailed, "{what}");
        assert_eq!(verify(&p.vk, &p.record, &b).unwrap_err(), VerifyError::CommitmentMismatch, "{what}");
    }
}

fn lego_point(p: &Proved) -> G1Affine {
    let bytes = unhex(p.record.commitment_point.as_ref().unwrap()).unwrap();
    G1Affine::deserialize_compressed(bytes.as_slice()).unwrap()
}

#[test]
fn a_commitment_from_another_setup_is_rejected() {
    let a = proved("torch_mlp", 6, CommitmentScheme::Lego);
    let b = proved("torch_mlp", 7, CommitmentScheme::Lego);
    // The same weights and salt committed under the other setup's commitment key.
    let record_b = commitment_record(&a.model, &a.salt, Some(&b.key)).unwrap();
    assert_ne!(record_b.commitment_point, a.record.commitment_point);
    let e = verify(&a.vk, &record_b, &a.bundle).unwrap_err();
    assert!(matches!(e, VerifyError::RecordKeyMismatch { .. }), "{e}");
    // Relabelled as made with these keys: the pairing refuses it.
    let mut forged = record_b.clone();
    forged.vk_digest = Some(vk_digest(&a.vk));
    let mut bundle = a.bundle.clone();
    bundle.commitment_point = forged.commitment_point.clone();
    assert_eq!(verify(&a.vk, &forged, &bundle).unwrap_err(), VerifyError::PairingCheckFailed);
}

#[test]
fn a_changed_proof_element_is_rejected() {
    let p = proved("torch_cnn", 8, CommitmentScheme::Lego);
    let proof = decode(&p.bundle);
    let mut rng = StdRng::seed_from_u64(9);
    let (g1, g2) = (G1Projective::rand(&mut rng), G2Projective::rand(&mut rng));
    let forged = [
        ("A", Proof { a: (proof.a + g1).into_affine(), ..proof.clone() }),
        ("B", Proof { b: (proof.b + g2).into_affine(), ..proof.clone() }),
        ("C", Proof { c: (proof.c + g1).into_affine(), ..proof.clone() }),
        ("A, C swapped", Proof { a: proof.c, c: proof.a, ..proof.clone() }),
        ("the blinding not cancelled", {
            let ck = p.key.commitment_key.as_ref().unwrap();
            Proof { c: (proof.c + ck.blinding_delta * lego::blinding(&p.salt)).into_affine(), ..proof.clone() }
        }),
    ];
    for (what, f) in forged {
        let mut b = p.bundle.clone();
        b.proof = encode(&f);
        assert_eq!(verify(&p.vk, &p.record, &b).unwrap_err(), VerifyError::PairingCheckFailed, "{what}");
    }
}

#[test]
fn a_point_off_the_curve_or_outside_the_subgroup_is_rejected() {
    let p = proved("torch_mlp", 10, CommitmentScheme::Lego);
    // G1 of BN254 has cofactor 1: every point on the curve is in the subgroup, so the
    // decoder's curve check is the subgroup check.
    assert_eq!(<ark_bn254::g1::Config as ark_ec::CurveConfig>::COFACTOR, &[1]);
    let off_curve =
        (1u64..).map(ark_bn254::Fq::from).find(|x| G1Affine::get_point_from_x_unchecked(*x, false).is_none()).unwrap();
    let mut off = Vec::new();
    off_curve.serialize_compressed(&mut off).unwrap();
    let mut infinity = Vec::new();
    G1Affine::identity().serialize_compressed(&mut infinity).unwrap();
    for (what, text) in [
        ("off the curve", hex(&off)),
        ("the identity", hex(&infinity)),
        ("too short", "abcd".into()),
        ("not hex", "zz".repeat(32)),
    ] {
        let mut record = p.record.clone();
        record.commitment_point = Some(text.clone());
        let e = verify(&p.vk, &record, &p.bundle).unwrap_err();
        assert!(e.is_malformed(), "record, {what}: {e}");
        let mut b = p.bundle.clone();
        b.commitment_point = Some(text);
        let e = verify(&p.vk, &p.record, &b).unwrap_err();
        assert!(e.is_malformed(), "bundle, {what}: {e}");
    }

    // [γ']₂ in the verifying key replaced by a point of G2's curve outside the
    // prime-order subgroup (G2's cofactor is large, so almost every point is).
    let mut rng = StdRng::seed_from_u64(11);
    let outside = loop {
        let x = ark_bn254::Fq2::rand(&mut rng);
        if let Some(q) = G2Affine::get_point_from_x_unchecked(x, false) {
            if !q.is_in_correct_subgroup_assuming_on_curve() {
                break q;
            }
        }
    };
    let mut tail = Vec::new();
    outside.serialize_compressed(&mut tail).unwrap();
    let mut vk = p.vk.clone();
    let n = vk.len();
    vk[n - 64..].copy_from_slice(&tail);
    assert_eq!(decode_vk_file(&vk).unwrap_err(), VerifyError::Point("verifying key"));
    assert!(decode_vk_file(&p.vk).unwrap().commitment_g2.is_some());
    // [γ']₂ equal to the key's own [γ]₂ (bytes 160..224: after the 64-byte header, α
    // and β), or the identity: refused.
    let mut same_gamma = p.vk.clone();
    same_gamma.copy_within(160..224, n - 64);
    assert!(decode_vk_file(&same_gamma).unwrap_err().is_malformed());
    let mut identity = p.vk.clone();
    let mut o = Vec::new();
    G2Affine::identity().serialize_compressed(&mut o).unwrap();
    identity[n - 64..].copy_from_slice(&o);
    assert!(decode_vk_file(&identity).unwrap_err().is_malformed());

    // A Lego record without its point, a bundle naming an unknown scheme.
    let mut record = p.record.clone();
    record.commitment_point = None;
    assert!(verify(&p.vk, &record, &p.bundle).unwrap_err().is_malformed());
    let mut b = p.bundle.clone();
    b.scheme = "lego-groth16-bn254-v9".into();
    assert!(verify(&p.vk, &p.record, &b).unwrap_err().is_malformed());
}

#[test]
fn no_constraint_per_weight() {
    use zkseal_r1cs::estimate::costs;
    for name in zkseal_tests::DIGITS_MODELS {
        let (_, model) = zkseal_tests::digits_model(name);
        let lego = costs(&model.arch, Scheme::Lego, 1);
        let poseidon = costs(&model.arch, Scheme::Poseidon, 1);
        assert_eq!(lego.commitment, 0, "{name}");
        assert_eq!((lego.linear, lego.nonlinear), (poseidon.linear, poseidon.nonlinear), "{name}");
        eprintln!("{name}: lego {} constraints, poseidon {}", lego.total(), poseidon.total());
    }
}

/// A 3×3 convolution over a 1×1 input padded by 1: only the centre tap ever meets
/// the input, so eight of every nine weights appear in no product. They still get a
/// row of their own, and changing one (which changes no output) breaks the opening.
#[test]
fn a_convolution_tap_that_only_meets_padding_is_still_bound() {
    use zkseal_core::format::Metadata;
    use zkseal_core::model::op::{Op, Window2d};
    use zkseal_core::quant::arch::{Architecture, LayerWeights, QLayer, Rescale, TensorSpec, Weights};
    use zkseal_r1cs::estimate::costs;

    let window = Window2d { kernel: [3, 3], stride: [1, 1], pads: [1, 1, 1, 1], ceil_mode: false };
    let arch = Architecture {
        input: TensorSpec { shape: vec![1, 2, 1, 1], scale: 0, bits: 8 },
        layers: vec![QLayer {
            name: "conv".into(),
            op: Op::Conv2d { in_channels: 2, out_channels: 3, window },
            output: TensorSpec { shape: vec![1, 3, 1, 1], scale: 0, bits: 20 },
            rescale: Some(Rescale { weight_scale: 0, weight_bits: 8, bias_bits: 16, acc_bits: 20, shift: 0 }),
        }],
    };
    let weights = Weights {
        layers: vec![LayerWeights { weight: (0..54).map(|i| (i * 7 % 23) - 11).collect(), bias: vec![5, -3, 9] }],
    };
    let model = Model::new(arch, weights, Metadata::default()).expect("a valid model");
    assert_eq!(costs(&model.arch, Scheme::Lego, 1).commitment, 3 * 2 * 8, "one row per dead tap");

    let mut rng = StdRng::seed_from_u64(12);
    let key = zkseal_prover::setup::setup(&model.arch, CommitmentScheme::Lego, 1, &mut rng).unwrap();
    let salt = zkseal_core::commitment::Salt([12; 32]);
    let record = commitment_record(&model, &salt, Some(&key)).unwrap();
    let input = [3.0, -2.0];
    let bundle = zkseal_prover::prove::prove(&model, &key, &salt, &input, &mut rng).unwrap();
    let vk = key.verifying_key_file();
    let p = Proved { model: model.clone(), key, vk, record, bundle, salt };
    verify(&p.vk, &p.record, &p.bundle).unwrap();

    let mut other = model.clone();
    other.weights.layers[0].weight[0] += 1; // tap (0, 0): padding only
    let b = proof_with_weights(&p, &other, &input, 3);
    assert_eq!(b.output, p.bundle.output, "the dead weight changes no output");
    assert_eq!(verify(&p.vk, &p.record, &b).unwrap_err(), VerifyError::PairingCheckFailed);
}
