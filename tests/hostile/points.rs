//! Curve points: off the curve, outside the prime-order subgroup, non-canonical, or the
//! identity, in the proof, the commitment point and the verifying key.

use ark_bn254::{g2, Fq, Fq2, G1Affine, G2Affine};
use ark_ec::short_weierstrass::SWCurveConfig;
use ark_ec::AffineRepr;
use ark_ff::{BigInteger, Field, PrimeField};
use ark_serialize::CanonicalSerialize;
use zkseal_core::format::hex;
use zkseal_verifier::{decode_vk_file, unhex, verify, CommitmentScheme, VerifyError};

use crate::{tiny, SCHEMES};

/// A compressed G1 encoding whose x has no point: x³ + 3 is not a square.
fn g1_off_curve() -> [u8; 32] {
    let x = (1u64..).map(Fq::from).find(|x| (x.square() * x + Fq::from(3u64)).sqrt().is_none()).expect("some x");
    let mut out = [0u8; 32];
    x.serialize_compressed(&mut out[..]).expect("32 bytes");
    out
}

/// The field modulus itself as an x coordinate: non-canonical, never reduced to 0.
fn g1_non_canonical() -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(&Fq::MODULUS.to_bytes_le());
    out
}

/// A point on BN254's G2 curve outside its prime-order subgroup (G2's cofactor is
/// large, so almost every curve point is one), compressed.
fn g2_off_subgroup() -> [u8; 64] {
    let point = (1u64..)
        .find_map(|i| {
            let x = Fq2::new(Fq::from(i), Fq::from(1u64));
            let y = (x.square() * x + g2::Config::COEFF_B).sqrt()?;
            let p = G2Affine::new_unchecked(x, y);
            (p.is_on_curve() && !p.is_in_correct_subgroup_assuming_on_curve()).then_some(p)
        })
        .expect("some point");
    let mut out = [0u8; 64];
    point.serialize_compressed(&mut out[..]).expect("64 bytes");
    out
}

fn g1_identity() -> [u8; 32] {
    let mut out = [0u8; 32];
    G1Affine::zero().serialize_compressed(&mut out[..]).expect("32 bytes");
    out
}

/// The identity's flag (bit 6 of the last byte) over stray x bits: arkworks reads it
/// as the identity; zkseal refuses it, so that a file has one encoding.
fn g1_identity_with_stray_bits() -> [u8; 32] {
    let mut out = g1_off_curve();
    out[31] |= 0x40;
    out
}

#[test]
fn proofs_with_bad_points_are_refused() {
    for scheme in SCHEMES {
        let p = tiny(scheme);
        let proof = unhex(&p.bundle.proof).expect("hex");
        // A at [0, 32), B at [32, 96), C at [96, 128).
        let cases: [(&str, usize, &[u8]); 6] = [
            ("A the identity, with stray bits", 0, &g1_identity_with_stray_bits()),
            ("A off the curve", 0, &g1_off_curve()),
            ("C off the curve", 96, &g1_off_curve()),
            ("A non-canonical", 0, &g1_non_canonical()),
            ("B outside the subgroup", 32, &g2_off_subgroup()),
            ("C the identity", 96, &g1_identity()),
        ];
        for (what, at, bytes) in cases {
            let mut forged = proof.clone();
            forged[at..at + bytes.len()].copy_from_slice(bytes);
            let mut b = p.bundle.clone();
            b.proof = hex(&forged);
            let e = verify(&p.vk, &p.record, &b).expect_err(what);
            let expected =
                if what == "C the identity" { VerifyError::PairingCheckFailed } else { VerifyError::Point("proof") };
            assert_eq!(e, expected, "{scheme:?}: {what}");
        }
    }
}

#[test]
fn commitment_points_off_the_curve_or_the_identity_are_refused() {
    let p = tiny(CommitmentScheme::Lego);
    for (what, bytes) in
        [("off the curve", g1_off_curve()), ("non-canonical", g1_non_canonical()), ("identity", g1_identity())]
    {
        let mut record = p.record.clone();
        record.commitment_point = Some(hex(&bytes));
        let e = verify(&p.vk, &record, &p.bundle).expect_err(what);
        assert_eq!(e, VerifyError::Point("commitment record"), "record: {what}");
        let mut bundle = p.bundle.clone();
        bundle.commitment_point = Some(hex(&bytes));
        let e = verify(&p.vk, &p.record, &bundle).expect_err(what);
        assert_eq!(e, VerifyError::Point("proof bundle"), "bundle: {what}");
    }
}

#[test]
fn verifying_keys_with_bad_points_are_refused() {
    for scheme in SCHEMES {
        let vk = &tiny(scheme).vk;
        // After magic, version and header (68 bytes): α (G1), β, γ, δ (G2), IC.
        let (g2, g1, nc, stray) =
            (g2_off_subgroup(), g1_off_curve(), g1_non_canonical(), g1_identity_with_stray_bits());
        let mut at: Vec<(&str, usize, &[u8])> =
            vec![("β", 100, &g2), ("δ", 228, &g2), ("IC₀", 300, &g1), ("α", 68, &nc), ("IC₁", 332, &stray)];
        if scheme == CommitmentScheme::Lego {
            at.push(("γ'", vk.len() - 64, &g2));
        }
        for (what, offset, bytes) in at {
            let mut forged = vk.clone();
            forged[offset..offset + bytes.len()].copy_from_slice(bytes);
            assert_eq!(
                decode_vk_file(&forged).map(|_| ()),
                Err(VerifyError::Point("verifying key")),
                "{scheme:?}: {what}"
            );
        }
    }
}
