//! Batch verification: many proofs of one model with one multi-Miller loop and one
//! final exponentiation, and bisection to name the bad ones.
//!
//! For proofs `(Aᵢ, Bᵢ, Cᵢ)` with prepared inputs `ICᵢ` and random `rᵢ`, all hold iff
//! (except with probability at most 2⁻¹²⁷ per hash query: Q·2⁻¹²⁷ to a prover who
//! tries Q batches or records)
//! `Π e(rᵢ·Aᵢ, Bᵢ) · e(Σ rᵢ·ICᵢ, −γ) · e(Σ rᵢ·Cᵢ, −δ) = T^(Σ rᵢ)`, with `T` the
//! factor every proof shares (`e(α, β)`, times `e(D, γ')` under the Lego scheme).
//! The `rᵢ` (`Weight`) are hashed (blake3) from everything the equation depends on and
//! anyone but the verifier chose: the verifying key (by its digest), the record's
//! commitment point `D` and commitment, the number of proofs, and every proof with its
//! public inputs. `D` is in `T`: weights drawn without it would let an owner publish
//! `D* = Σ rᵢ·Dᵢ / Σ rᵢ` after proving under several weight sets `Dᵢ`, and the batch
//! would accept what one-by-one verification refuses (the class of gnark's
//! CVE-2024-45039: a challenge not bound to a value the prover picks).

use crate::prelude::*;
use ark_bn254::{g1::Config as G1Config, Bn254, Fr, G1Affine, G1Projective};
use ark_ec::pairing::Pairing;
use ark_ec::scalar_mul::glv::GLVConfig;
use ark_ec::{AdditiveGroup, CurveGroup, VariableBaseMSM};
use ark_ff::{CyclotomicMultSubgroup, PrimeField, Zero};
use ark_serialize::CanonicalSerialize;

use crate::bundle::ProofBundle;
use crate::error::VerifyError;
use crate::keys::unhex;
use crate::miller::{miller_loop, G2Lines};
use crate::verdict::Verified;
use crate::verify::{Checked, Verifier};

const DOMAIN: &str = "zkseal 2026-12 batch verification v2";

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
                    results.push(Ok(self.verified(b)));
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
        let weights = self.challenges(items);
        // Σ rᵢ·ICᵢ = (Σ rᵢ)·IC₀ + Σⱼ (Σᵢ rᵢ·aᵢⱼ)·ICⱼ₊₁: field arithmetic, then one MSM.
        let mut folded = vec![Fr::from(0u64); items[0].1.public.len()];
        for ((_, item), w) in items.iter().zip(&weights) {
            for (f, a) in folded.iter_mut().zip(&item.public) {
                *f += w.r * Fr::from_bigint(*a).expect("check keeps values below the modulus");
            }
        }
        let a_table = combinations(items.iter().map(|(_, item)| &item.proof.a));
        let scaled: Vec<G1Projective> = weights.iter().zip(a_table.chunks_exact(3)).map(|(w, t)| w.times(t)).collect();
        let scaled = G1Projective::normalize_batch(&scaled);
        let c = weighted_sum(&weights, &combinations(items.iter().map(|(_, item)| &item.proof.c)));
        let sum: Fr = weights.iter().map(|w| w.r).sum();
        let ic_bases = &self.pvk.vk.gamma_abc_g1;
        let ic = ic_bases[0] * sum + G1Projective::msm_unchecked(&ic_bases[1..], &folded);
        let mut pairs: Vec<(G1Affine, G2Lines<'_>)> =
            scaled.into_iter().zip(items).map(|(a, (_, item))| (a, G2Lines::Fresh(item.proof.b))).collect();
        pairs.push((ic.into_affine(), G2Lines::Prepared(&self.pvk.gamma_g2_neg_pc)));
        pairs.push((c.into_affine(), G2Lines::Prepared(&self.pvk.delta_g2_neg_pc)));
        match Bn254::final_exponentiation(miller_loop(&pairs)) {
            // T is a pairing value, so in the cyclotomic subgroup, where powers are cheaper.
            Some(lhs) => lhs.0 == self.target.0.cyclotomic_exp(sum.into_bigint()),
            None => false,
        }
    }
}

/// One proof's random weight `r = a + λ·b`, with `a` odd and `a`, `b` below 2⁶⁴, and
/// λ the eigenvalue of G1's endomorphism `φ(x, y) = (βx, y)`, so `r·P = a·P + b·φ(P)`:
/// 64 doublings where a 128-bit weight takes 128. No nonzero vector of the lattice
/// `{(a, b) : a + λb ≡ 0 mod r}` has both coordinates below 2¹²⁶, so distinct pairs give
/// distinct weights, and r still takes 2¹²⁷ values, none zero (a zero weight would drop
/// a proof from the check).
struct Weight {
    a: u64,
    b: u64,
    r: Fr,
}

impl Weight {
    fn new(a: u64, b: u64) -> Self {
        let a = a | 1;
        Weight { a, b, r: Fr::from(a) + <G1Config as GLVConfig>::LAMBDA * Fr::from(b) }
    }

    /// What bit `i` of `a` and `b` adds, from a point's `combinations`: `P`, `φ(P)`,
    /// `P + φ(P)` or nothing.
    fn pick<'t>(&self, i: u32, table: &'t [G1Affine]) -> Option<&'t G1Affine> {
        let digit = ((self.a >> i) & 1) | (((self.b >> i) & 1) << 1);
        digit.checked_sub(1).map(|d| &table[d as usize])
    }

    /// `r·P` from `P`'s `combinations`, by double-and-add over the bits of `a` and `b`
    /// at once.
    fn times(&self, table: &[G1Affine]) -> G1Projective {
        let mut acc = G1Projective::zero();
        for i in (0..64).rev() {
            acc.double_in_place();
            if let Some(t) = self.pick(i, table) {
                acc += t;
            }
        }
        acc
    }
}

/// `P`, `φ(P)`, `P + φ(P)` for each point, affine (one inversion for all), so that
/// every addition of `times` and `weighted_sum` is a mixed one.
fn combinations<'p>(points: impl Iterator<Item = &'p G1Affine>) -> Vec<G1Affine> {
    let table: Vec<G1Projective> = points
        .flat_map(|p| {
            let phi = <G1Config as GLVConfig>::endomorphism_affine(p);
            [G1Projective::from(*p), phi.into(), G1Projective::from(*p) + phi]
        })
        .collect();
    G1Projective::normalize_batch(&table)
}

/// `Σ rᵢ·Pᵢ` from the points' `combinations`, with one doubling chain for all of them
/// (Straus): 64 doublings in all, where `Σ wᵢ.times(Pᵢ)` would double 64 times per point.
fn weighted_sum(weights: &[Weight], table: &[G1Affine]) -> G1Projective {
    let mut acc = G1Projective::zero();
    for i in (0..64).rev() {
        acc.double_in_place();
        for (w, t) in weights.iter().zip(table.chunks_exact(3)) {
            if let Some(t) = w.pick(i, t) {
                acc += t;
            }
        }
    }
    acc
}

impl Verifier {
    /// One weight per proof, from a hash of the key, the record's commitment, the
    /// number of proofs and every proof with its public inputs (module docs; the byte
    /// layout is `specs/proof-bundle.md`, "Batch verification").
    fn challenges(&self, items: &[&(usize, Checked)]) -> Vec<Weight> {
        let mut h = blake3::Hasher::new_derive_key(DOMAIN);
        h.update(&unhex(&self.digest).expect("the key digest is hex we wrote"));
        let mut bytes = Vec::with_capacity(128 + 32 * items.first().map_or(0, |(_, c)| c.public.len()));
        match &self.record_point {
            Some(d) => {
                h.update(&[1]);
                d.serialize_compressed(&mut bytes).expect("writing to a Vec cannot fail");
                h.update(&bytes);
            }
            None => {
                h.update(&[0]);
            }
        }
        bytes.clear();
        self.record_commitment.serialize_compressed(&mut bytes).expect("writing to a Vec cannot fail");
        h.update(&bytes);
        h.update(&(items.len() as u64).to_le_bytes());
        for (_, item) in items {
            bytes.clear();
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
                let half = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
                Weight::new(half(0), half(8))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ec::{AffineRepr, PrimeGroup};
    use ark_ff::UniformRand;
    use ark_std::rand::Rng;
    use ark_std::test_rng;

    use crate::record::CommitmentRecord;

    const VK: &[u8] = include_bytes!("../../tests/data/proofs/lego/verifying.key");
    const RECORD: &[u8] = include_bytes!("../../tests/data/proofs/lego/commitment.json");
    const BUNDLE: &[u8] = include_bytes!("../../tests/data/proofs/lego/proof.json");

    /// The first proof's weight for `items` under `v`.
    fn first_weight(v: &Verifier, items: &[(usize, Checked)]) -> Fr {
        v.challenges(&items.iter().collect::<Vec<_>>())[0].r
    }

    #[test]
    fn the_weights_bind_key_record_count_proofs_and_public_inputs() {
        let record: CommitmentRecord = serde_json::from_slice(RECORD).unwrap();
        let bundle: ProofBundle = serde_json::from_slice(BUNDLE).unwrap();
        let v = Verifier::new(VK, &record).unwrap();
        let item = || (0, v.check(&bundle).unwrap());
        let base = first_weight(&v, &[item()]);
        assert_eq!(base, first_weight(&v, &[item()]), "deterministic");

        let mut other_key = Verifier::new(VK, &record).unwrap();
        other_key.digest = "00".repeat(32);
        let mut other_point = Verifier::new(VK, &record).unwrap();
        other_point.record_point = Some((G1Projective::generator() * Fr::from(5u64)).into_affine());
        let mut no_point = Verifier::new(VK, &record).unwrap();
        no_point.record_point = None;
        let mut other_commitment = Verifier::new(VK, &record).unwrap();
        other_commitment.record_commitment.0[0] ^= 1;
        for (what, changed) in [
            ("key digest", &other_key),
            ("commitment point", &other_point),
            ("no commitment point", &no_point),
            ("commitment", &other_commitment),
        ] {
            assert_ne!(first_weight(changed, &[item()]), base, "the {what} is not bound");
        }

        assert_ne!(first_weight(&v, &[item(), item()]), base, "the number of proofs is not bound");
        let mut c = item();
        c.1.proof.c = (c.1.proof.c + G1Affine::generator()).into_affine();
        assert_ne!(first_weight(&v, &[c]), base, "the proof is not bound");
        let mut c = item();
        c.1.public[0].0[0] ^= 1;
        assert_ne!(first_weight(&v, &[c]), base, "the public inputs are not bound");
    }

    #[test]
    fn weighted_sum_is_the_sum_of_products() {
        let rng = &mut test_rng();
        let weights: Vec<Weight> = (0..7).map(|_| Weight::new(rng.gen(), rng.gen())).collect();
        let mut points: Vec<G1Affine> =
            (0..7).map(|_| (G1Projective::generator() * Fr::rand(rng)).into_affine()).collect();
        points[3] = G1Affine::zero();
        points[5] = points[4];
        let expected: G1Projective = weights.iter().zip(&points).map(|(w, p)| *p * w.r).sum();
        assert_eq!(weighted_sum(&weights, &combinations(points.iter())), expected);
    }

    #[test]
    fn endomorphism_is_multiplication_by_lambda() {
        let g = G1Affine::generator();
        assert_eq!(G1Projective::from(G1Config::endomorphism_affine(&g)), g * G1Config::LAMBDA);
    }

    #[test]
    fn weight_times_point_is_scalar_multiplication() {
        let rng = &mut test_rng();
        let edge = [(0, 0), (u64::MAX, u64::MAX), (0, u64::MAX), (u64::MAX, 0)];
        let random: Vec<(u64, u64)> = (0..20).map(|_| (rng.gen(), rng.gen())).collect();
        for (a, b) in edge.into_iter().chain(random) {
            let w = Weight::new(a, b);
            assert!(!w.r.is_zero());
            let p = (G1Projective::generator() * Fr::rand(rng)).into_affine();
            assert_eq!(w.times(&combinations([p].iter())), p * w.r);
        }
    }
}
