//! Commit-carrying Groth16 (after LegoGroth16, Campanelli–Fiore–Querol, CCS 2019):
//! the proof opens a published commitment to the weight segment of the witness,
//! so the circuit spends no constraint on the weights (`specs/commitment.md`).
//!
//! The segment is witness variables `0..n` (`Synth::segment`). Groth16 would give the
//! prover `Lⱼ = [(β·uⱼ(τ) + α·vⱼ(τ) + wⱼ(τ))/δ]₁` for them; instead the setup publishes
//! them over a fresh `γ'`, `Pⱼ = [(β·uⱼ(τ) + α·vⱼ(τ) + wⱼ(τ))/γ']₁`, with blinding bases
//! `[η/γ']₁` and `[η/δ]₁`, and withholds the `Lⱼ`. The owner commits once,
//! `D = Σ wⱼ·Pⱼ + r·[η/γ']₁`; each proof's `C` carries `−r·[η/δ]₁`, and the verifier
//! checks `e(A, B) = e(α, β)·e(D, γ')·e(IC, γ)·e(C, δ)`.

use ark_bn254::{Bn254, Fr, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::pairing::Pairing;
use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM};
use ark_ff::{Field, PrimeField, UniformRand, Zero};
use ark_groth16::{Groth16, Proof, ProvingKey};
use ark_relations::gr1cs::{ConstraintSynthesizer, SynthesisError};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use rand::{CryptoRng, RngCore};
use rayon::prelude::*;
use zkseal_core::commitment::Salt;
use zkseal_r1cs::{fr, sole_variable};

use crate::relation::Relation;
use crate::ProverError;

/// Domain of the blinding `r` derived from the owner's salt.
const BLINDING_CONTEXT: &str = "zkseal 2026-11-25 lego commitment blinding v1";

/// The commitment key: what the owner needs to commit, and the prover to cancel the
/// blinding. Part of the proving-key file.
#[derive(Clone, Debug, PartialEq, CanonicalSerialize, CanonicalDeserialize)]
pub struct CommitmentKey {
    /// `Pⱼ` for each segment variable, in canonical weight order.
    pub bases: Vec<G1Affine>,
    /// `[η/γ']₁`
    pub blinding_base: G1Affine,
    /// `[η/δ]₁`
    pub blinding_delta: G1Affine,
    /// `[γ']₂`, in the verifying key.
    pub gamma2_g2: G2Affine,
}

/// Groth16 keys for `circuit` whose first `segment` witness variables are committed.
///
/// The trapdoors are drawn here from `rng` (callers outside tests pass `OsRng`) and
/// dropped on return. Refuses a circuit in which some segment variable lacks an
/// isolating row: its commitment would not bind (`Synth::isolate_segment`).
pub fn generate<C, R>(
    circuit: impl Fn() -> C,
    segment: usize,
    rng: &mut R,
) -> Result<(ProvingKey<Bn254>, CommitmentKey), ProverError>
where
    C: ConstraintSynthesizer<Fr>,
    R: RngCore + CryptoRng,
{
    check_isolated(circuit(), segment)?;
    let [alpha, beta, gamma, delta, gamma2, eta] = [(); 6].map(|_| nonzero(rng));
    let (g1, g2) = (G1Projective::rand(rng), G2Projective::rand(rng));
    let mut pk = Groth16::<Bn254>::generate_parameters_with_qap(circuit(), alpha, beta, gamma, delta, g1, g2, rng)?;
    if pk.l_query.len() < segment {
        return Err(SynthesisError::Unsatisfiable.into());
    }
    let to_gamma2 = delta * gamma2.inverse().expect("nonzero");
    let bases: Vec<G1Projective> = pk.l_query[..segment].par_iter().map(|l| *l * to_gamma2).collect();
    pk.l_query[..segment].iter_mut().for_each(|l| *l = G1Affine::zero());
    let key = CommitmentKey {
        bases: G1Projective::normalize_batch(&bases),
        blinding_base: (g1 * (eta * gamma2.inverse().expect("nonzero"))).into_affine(),
        blinding_delta: (g1 * (eta * delta.inverse().expect("nonzero"))).into_affine(),
        gamma2_g2: (g2 * gamma2).into_affine(),
    };
    Ok((pk, key))
}

fn nonzero<R: RngCore + CryptoRng>(rng: &mut R) -> Fr {
    loop {
        let x = Fr::rand(rng);
        if !x.is_zero() {
            return x;
        }
    }
}

/// Every segment variable must be the only segment variable, after summing repeated
/// terms, of some row of A, B or C: then their QAP polynomials are independent.
fn check_isolated<C: ConstraintSynthesizer<Fr>>(circuit: C, segment: usize) -> Result<(), ProverError> {
    let relation = Relation::new(circuit)?;
    let first = relation.num_instance();
    let r1cs = relation.matrices();
    let mut isolated = vec![false; segment];
    for row in r1cs.iter().flatten() {
        let terms = row.iter().filter(|(_, i)| (first..first + segment).contains(i)).map(|&(c, i)| (i - first, c));
        if let Some(j) = sole_variable(terms) {
            isolated[j] = true;
        }
    }
    match isolated.iter().position(|done| !done) {
        None => Ok(()),
        Some(j) => Err(ProverError::Unbound { index: j }),
    }
}

/// The blinding `r` of the owner's commitment, derived from the salt (so one secret
/// opens both the Poseidon record and the point): 64 bytes of blake3 reduced mod p.
pub fn blinding(salt: &Salt) -> Fr {
    let mut wide = [0u8; 64];
    blake3::Hasher::new_derive_key(BLINDING_CONTEXT).update(&salt.0).finalize_xof().fill(&mut wide);
    Fr::from_le_bytes_mod_order(&wide)
}

/// `D = Σ vⱼ·Pⱼ + r·[η/γ']₁` over the committed values in canonical order.
///
/// Checks first that the blinding bases are consistent, `[η/γ']₁ ≠ O` and
/// `e([η/γ']₁, [γ']₂) = e([η/δ]₁, [δ]₂)` (both are `e(g₁, g₂)^η`): otherwise `D` would
/// not hide the weights, or proofs could not cancel the blinding.
pub fn commit(key: &CommitmentKey, delta_g2: G2Affine, values: &[i64], r: Fr) -> Result<G1Affine, ProverError> {
    let consistent = !key.blinding_base.is_zero()
        && !key.gamma2_g2.is_zero()
        && Bn254::pairing(key.blinding_base, key.gamma2_g2) == Bn254::pairing(key.blinding_delta, delta_g2);
    if !consistent {
        return Err(ProverError::Malformed {
            what: "proving key",
            reason: "its commitment key's blinding bases are inconsistent".into(),
        });
    }
    if values.len() != key.bases.len() {
        return Err(ProverError::Malformed {
            what: "proving key",
            reason: format!("its commitment key has {} bases, the model {} values", key.bases.len(), values.len()),
        });
    }
    let scalars: Vec<Fr> = values.iter().map(|&v| fr(v as i128)).collect();
    Ok((G1Projective::msm_unchecked(&key.bases, &scalars) + key.blinding_base * r).into_affine())
}

/// Turns arkworks' proof, made with the segment's `Lⱼ` withheld, into one opening `D`:
/// `C ← C − r·[η/δ]₁`.
pub fn open(proof: &mut Proof<Bn254>, key: &CommitmentKey, r: Fr) {
    proof.c = (proof.c.into_group() - key.blinding_delta * r).into_affine();
}

/// The commitment point as records and bundles carry it (compressed, hex).
pub fn point_hex(d: &G1Affine) -> String {
    let mut bytes = Vec::with_capacity(32);
    d.serialize_compressed(&mut bytes).expect("writing to a Vec cannot fail");
    zkseal_verifier::hex(&bytes)
}

#[cfg(test)]
mod tests {
    use ark_relations::gr1cs::{ConstraintSystemRef, LinearCombination, Variable};
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    use super::*;

    /// A segment of `n` witnesses and, per row, `(Σ cⱼ·segment[j])·1 = fresh`.
    struct Rows {
        n: usize,
        rows: Vec<Vec<(i64, usize)>>,
    }

    impl ConstraintSynthesizer<Fr> for Rows {
        fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
            let seg: Vec<Variable> =
                (0..self.n).map(|_| cs.new_witness_variable(|| Ok(Fr::from(1u64)))).collect::<Result<_, _>>()?;
            for row in self.rows {
                let lc = LinearCombination(row.iter().map(|&(c, j)| (fr(c as i128), seg[j])).collect());
                let sum: i64 = row.iter().map(|r| r.0).sum();
                let out = cs.new_witness_variable(|| Ok(fr(sum as i128)))?;
                cs.enforce_r1cs_constraint(|| lc, || LinearCombination::from(Variable::One), || out.into())?;
            }
            Ok(())
        }
    }

    fn unbound(n: usize, rows: &[&[(i64, usize)]]) -> Option<usize> {
        let rows = Rows { n, rows: rows.iter().map(|r| r.to_vec()).collect() };
        match check_isolated(rows, n) {
            Ok(()) => None,
            Err(ProverError::Unbound { index }) => Some(index),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn the_isolation_check_finds_every_unbound_segment_variable() {
        assert_eq!(unbound(2, &[&[(1, 0)], &[(3, 1)]]), None);
        assert_eq!(unbound(2, &[&[(1, 0)]]), Some(1), "unused");
        assert_eq!(unbound(2, &[&[(1, 0), (1, 1)]]), Some(0), "only ever together");
        assert_eq!(unbound(2, &[&[(2, 0), (1, 1)], &[(1, 1)]]), Some(0));
        assert_eq!(unbound(2, &[&[(1, 0), (1, 1), (-1, 1)], &[(1, 1)]]), None, "a cancelled term is absent");
        assert_eq!(unbound(2, &[&[(1, 0), (1, 0)], &[(1, 1)]]), None, "a repeated term is one");
    }

    #[test]
    fn setup_refuses_a_segment_it_cannot_bind() {
        let make = || Rows { n: 2, rows: vec![vec![(1, 0), (1, 1)]] };
        let err = generate(make, 2, &mut StdRng::seed_from_u64(1)).unwrap_err();
        assert!(matches!(err, ProverError::Unbound { index: 0 }), "{err}");
        let fine = || Rows { n: 2, rows: vec![vec![(1, 0)], vec![(1, 1)]] };
        let (pk, ck) = generate(fine, 2, &mut StdRng::seed_from_u64(1)).unwrap();
        assert_eq!(ck.bases.len(), 2);
        assert!(pk.l_query[..2].iter().all(|l| l.is_zero()), "the segment's L-query is withheld");
    }
}
