//! Batch verification: many proofs of one model with one multi-Miller loop and one
//! final exponentiation, and bisection to name the bad ones.
//!
//! For proofs `(Aᵢ, Bᵢ, Cᵢ)` with prepared inputs `ICᵢ` and random `rᵢ`, all hold iff
//! (except with probability ≈ 2⁻¹²⁸)
//! `Π e(rᵢ·Aᵢ, Bᵢ) · e(Σ rᵢ·ICᵢ, −γ) · e(Σ rᵢ·Cᵢ, −δ) = T^(Σ rᵢ)`, with `T` the
//! factor every proof shares (`e(α, β)`, times `e(D, γ')` under the Lego scheme).
//! The `rᵢ` are 128-bit values hashed (blake3) from every proof and public input of
//! the batch, so a prover cannot choose proofs that cancel out.

use crate::prelude::*;
use ark_bn254::{Bn254, Fr, G1Projective};
use ark_ec::pairing::Pairing;
use ark_ec::{CurveGroup, VariableBaseMSM};
use ark_ff::{Field, PrimeField};
use ark_serialize::CanonicalSerialize;

use crate::bundle::ProofBundle;
use crate::error::VerifyError;
use crate::verify::{verified, Checked, Verified, Verifier};

const DOMAIN: &str = "zkseal 2026-11 batch verification v1";

impl Verifier {
    /// Verifies every bundle; one result per bundle, in order. Bundles failing a format
    /// or binding check fail alone; the rest are checked in one pairing product, and
    /// when that fails, halves are checked until each bad proof is named.
    pub fn verify_batch(&self, bundles: &[ProofBundle]) -> Vec<Result<Verified, VerifyError>> {
        let mut results: Vec<Result<Verified, VerifyError>> = Vec::with_capacity(bundles.len());
        let mut checked: Vec<(usize, Checked)> = Vec::new();
        for (i, b) in bundles.iter().enumerate() {
            match self.check(b) {
                Ok(c) => {
                    checked.push((i, c));
                    results.push(Ok(verified(b)));
                }
                Err(e) => results.push(Err(e)),
            }
        }
        let items: Vec<&(usize, Checked)> = checked.iter().collect();
        for bad in self.bad_proofs(&items) {
            results[bad] = Err(VerifyError::PairingCheckFailed);
        }
        results
    }

    /// Indices of the proofs in `items` that fail, by bisection.
    fn bad_proofs(&self, items: &[&(usize, Checked)]) -> Vec<usize> {
        if items.is_empty() || self.batch_holds(items) {
            return Vec::new();
        }
        if items.len() == 1 {
            return vec![items[0].0];
        }
        let (left, right) = items.split_at(items.len() / 2);
        let mut bad = self.bad_proofs(left);
        bad.extend(self.bad_proofs(right));
        bad
    }

    /// The randomized pairing-product check of the module docs.
    fn batch_holds(&self, items: &[&(usize, Checked)]) -> bool {
        let r = challenges(items);
        let mut g1: Vec<<Bn254 as Pairing>::G1Prepared> = Vec::with_capacity(items.len() + 2);
        let mut g2: Vec<<Bn254 as Pairing>::G2Prepared> = Vec::with_capacity(items.len() + 2);
        // Σ rᵢ·ICᵢ = (Σ rᵢ)·IC₀ + Σⱼ (Σᵢ rᵢ·aᵢⱼ)·ICⱼ₊₁: field arithmetic, then one MSM.
        let mut folded = vec![Fr::from(0u64); items[0].1.public.len()];
        for ((_, item), ri) in items.iter().zip(&r) {
            for (f, a) in folded.iter_mut().zip(&item.public) {
                *f += *ri * a;
            }
            g1.push((item.proof.a * *ri).into_affine().into());
            g2.push(item.proof.b.into());
        }
        let sum: Fr = r.iter().sum();
        let ic = self.prepare_inputs(&folded, sum);
        let cs: Vec<_> = items.iter().map(|(_, item)| item.proof.c).collect();
        let c = G1Projective::msm_unchecked(&cs, &r);
        g1.push(ic.into_affine().into());
        g2.push(self.pvk.gamma_g2_neg_pc.clone());
        g1.push(c.into_affine().into());
        g2.push(self.pvk.delta_g2_neg_pc.clone());
        match Bn254::final_exponentiation(Bn254::multi_miller_loop(g1, g2)) {
            Some(lhs) => lhs.0 == self.target.0.pow(sum.into_bigint()),
            None => false,
        }
    }
}

/// One 128-bit challenge per proof, from a hash of the whole batch.
fn challenges(items: &[&(usize, Checked)]) -> Vec<Fr> {
    let mut h = blake3::Hasher::new_derive_key(DOMAIN);
    for (_, item) in items {
        let mut bytes = Vec::with_capacity(128 + 32 * item.public.len());
        item.proof.serialize_compressed(&mut bytes).expect("writing to a Vec cannot fail");
        item.public.serialize_compressed(&mut bytes).expect("writing to a Vec cannot fail");
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(&bytes);
    }
    let mut xof = h.finalize_xof();
    (0..items.len())
        .map(|_| {
            let mut b = [0u8; 16];
            xof.fill(&mut b);
            // Never zero: a zero weight would drop a proof from the check.
            Fr::from(u128::from_le_bytes(b) | 1)
        })
        .collect()
}
