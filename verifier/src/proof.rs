//! Decoding a Groth16 proof: three compressed points, each on its curve and in its
//! prime-order group, in the one canonical encoding.
//!
//! G1 of BN254 has cofactor 1, so a point on the curve is in the group. G2 sits in the
//! twist `E'(Fq2)`, whose cofactor is not 1, so `B` needs a membership test; it is
//! most of a proof's decoding cost, and decoding is most of what batch verification
//! spends per proof, hence the faster test below instead of arkworks' `[6x²]P = ψ(P)`.

use crate::prelude::*;
use ark_bn254::{Bn254, Config, Fq2, G1Affine, G2Affine, G2Projective};
use ark_ec::bn::BnConfig;
use ark_ec::{AdditiveGroup, AffineRepr};
use ark_ff::Field;
use ark_groth16::Proof;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};

/// Size of a compressed Groth16 proof over BN254: A (G1), B (G2), C (G1).
pub const PROOF_BYTES: usize = 32 + 64 + 32;

/// Decodes `bytes` as a proof, or `None` if they are not exactly the canonical
/// encoding of three valid points.
pub(crate) fn decode_proof(bytes: &[u8]) -> Option<Proof<Bn254>> {
    if bytes.len() != PROOF_BYTES {
        return None;
    }
    let g1 = |b: &[u8]| G1Affine::deserialize_compressed(b).ok();
    let (a, c) = (g1(&bytes[..32])?, g1(&bytes[96..])?);
    // Decompression finds y on the curve or fails; membership is tested below.
    let b = G2Affine::deserialize_with_mode(&bytes[32..96], Compress::Yes, Validate::No).ok()?;
    if !b.is_on_curve() || !in_g2(&b) {
        return None;
    }
    let proof = Proof { a, b, c };
    // arkworks reads the identity's flag with any x bits: one proof, one encoding.
    let mut canonical = Vec::with_capacity(PROOF_BYTES);
    proof.serialize_compressed(&mut canonical).ok()?;
    (canonical == bytes).then_some(proof)
}

/// Whether a point of the twist `E'(Fq2)` lies in G2, the subgroup of prime order `r`:
/// `[x+1]P + ψ([x]P) + ψ²([x]P) = ψ³([2x]P)` with `x` the BN seed (Dai, Lin, Zhao,
/// Zhou, "Fast subgroup membership testing for G1, G2 and GT on pairing-friendly
/// curves", eprint 2022/348, §5). One multiplication by the 63-bit seed, where
/// arkworks multiplies by the 127-bit `6x²`.
pub(crate) fn in_g2(p: &G2Affine) -> bool {
    let xp: G2Projective = p.mul_bigint(Config::X);
    let psi_xp = psi(&xp);
    let lhs = xp + p + psi_xp + psi(&psi_xp);
    let rhs = psi(&psi(&psi(&xp.double())));
    lhs == rhs
}

/// The untwist–Frobenius–twist endomorphism `ψ(x, y) = (x^p·ξ^((p−1)/3),
/// y^p·ξ^((p−1)/2))`, on Jacobian coordinates (Frobenius is a field automorphism, so it
/// maps `Z` to `Z^p` and the affine point along with it).
fn psi(p: &G2Projective) -> G2Projective {
    let mut q = *p;
    psi_xy(&mut q.x, &mut q.y);
    q.z.frobenius_map_in_place(1);
    q
}

/// `ψ` on an affine point (arkworks' `mul_by_char`, which the Miller loop uses).
pub(crate) fn psi_affine(p: &G2Affine) -> G2Affine {
    let mut q = *p;
    psi_xy(&mut q.x, &mut q.y);
    q
}

fn psi_xy(x: &mut Fq2, y: &mut Fq2) {
    x.frobenius_map_in_place(1);
    y.frobenius_map_in_place(1);
    *x *= Config::TWIST_MUL_BY_Q_X;
    *y *= Config::TWIST_MUL_BY_Q_Y;
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::Fr;
    use ark_ec::short_weierstrass::SWCurveConfig;
    use ark_ec::{CurveGroup, PrimeGroup};
    use ark_ff::{PrimeField, UniformRand, Zero};
    use ark_std::test_rng;

    /// A point of the twist, almost surely outside G2 (random x until one is on it).
    fn twist_point(rng: &mut impl ark_std::rand::Rng) -> G2Affine {
        loop {
            if let Some(p) = G2Affine::get_point_from_x_unchecked(Fq2::rand(rng), rng.gen()) {
                return p;
            }
        }
    }

    fn arkworks(p: &G2Affine) -> bool {
        <ark_bn254::g2::Config as SWCurveConfig>::is_in_correct_subgroup_assuming_on_curve(p)
    }

    #[test]
    fn members_pass() {
        let rng = &mut test_rng();
        assert!(in_g2(&G2Affine::zero()));
        assert!(in_g2(&G2Affine::generator()));
        for _ in 0..50 {
            let p = (G2Projective::generator() * Fr::rand(rng)).into_affine();
            assert!(in_g2(&p) && arkworks(&p));
        }
    }

    /// Random twist points, torsion points of the cofactor part (`[r]Q`), and G2
    /// points shifted by such torsion are all refused, as arkworks' test refuses them.
    #[test]
    fn non_members_fail() {
        let rng = &mut test_rng();
        let r = Fr::MODULUS;
        for _ in 0..50 {
            let q = twist_point(rng);
            assert!(!in_g2(&q) && !arkworks(&q));
            let torsion = q.mul_bigint(r);
            assert!(!torsion.is_zero());
            let t = torsion.into_affine();
            assert!(!in_g2(&t) && !arkworks(&t));
            let shifted = (G2Projective::generator() * Fr::rand(rng) + torsion).into_affine();
            assert!(!in_g2(&shifted) && !arkworks(&shifted));
        }
    }

    /// For each prime `q` dividing the twist's cofactor, a point of order exactly `q`,
    /// alone and added to a member: the test must see every small component.
    #[test]
    fn every_cofactor_prime_is_seen() {
        // h / q for h = 10069 · 5864401 · 1875725156269 · q₄, the cofactor of G2 in E'(Fq2).
        const COFACTOR_OVER_Q: [[u64; 4]; 4] = [
            [7799340877429544537, 2337723311936173128, 11396566623341412826, 346310285708905],
            [15241971063797648893, 15312006089304587893, 7468648674104766609, 594604336709],
            [6288529253148738145, 2482760577144432438, 8033493735880980795, 1859013],
            [4793712206937298497, 6004, 0, 0],
        ];
        let rng = &mut test_rng();
        for limbs in COFACTOR_OVER_Q {
            let t = loop {
                let t = twist_point(rng).mul_bigint(Fr::MODULUS).into_affine().mul_bigint(limbs);
                if !t.is_zero() {
                    break t.into_affine();
                }
            };
            assert!(!in_g2(&t) && !arkworks(&t));
            let shifted = (G2Projective::generator() * Fr::rand(rng) + t).into_affine();
            assert!(!in_g2(&shifted) && !arkworks(&shifted));
        }
    }
}
