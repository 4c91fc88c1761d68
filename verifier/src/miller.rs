//! The batch's Miller loop: every pair's loop with one accumulator, and the lines of
//! the proofs' `B` points computed as the loop goes.
//!
//! It computes exactly arkworks' `multi_miller_loop` (the tests compare them), with two
//! differences in cost. arkworks gives every 4 pairs their own accumulator (its unit of
//! parallel work), which squares 25 times over at N = 100; here one accumulator squares
//! once per step for the whole batch. And arkworks first stores each `B`'s ~90 line
//! coefficients (`G2Prepared`, one field inversion and a growing vector per point); here
//! a fresh point's line is made at the step that uses it. The fixed points `−γ`, `−δ`
//! keep their prepared lines. BN254's twist is a D-type and its seed positive, so each
//! line is `mul_by_034` and no final inverse is needed.

use crate::prelude::*;
use ark_bn254::{Bn254, Config, Fq, Fq12, Fq2, G1Affine, G2Affine};
use ark_ec::bn::{g2::EllCoeff, BnConfig, G2Prepared};
use ark_ec::pairing::MillerLoopOutput;
use ark_ec::short_weierstrass::SWCurveConfig;
use ark_ec::AffineRepr;
use ark_ff::{AdditiveGroup, Field, One};

use crate::proof::psi_affine;

/// The G2 side of one pair.
pub(crate) enum G2Lines<'a> {
    /// A point whose lines were prepared once (the key's).
    Prepared(&'a G2Prepared<Config>),
    /// A point whose lines are made during the loop (a proof's `B`).
    Fresh(G2Affine),
}

/// `Π f_{pᵢ,qᵢ}` over the pairs, skipping any with an identity.
pub(crate) fn miller_loop(pairs: &[(G1Affine, G2Lines<'_>)]) -> MillerLoopOutput<Bn254> {
    let two_inv = Fq::from(2u64).inverse().expect("2 is invertible");
    let mut states: Vec<(G1Affine, State<'_>)> = pairs
        .iter()
        .filter(|(p, _)| !p.is_zero())
        .filter_map(|(p, q)| {
            let state = match q {
                G2Lines::Prepared(q) if !q.infinity => State::Prepared(q.ell_coeffs.iter()),
                G2Lines::Fresh(q) if !q.is_zero() => State::Fresh(Fresh::new(*q)),
                _ => return None,
            };
            Some((*p, state))
        })
        .collect();
    let mut f = Fq12::one();
    let mut lines = |f: &mut Fq12, step: Step| {
        for (p, state) in states.iter_mut() {
            let (mut c0, mut c1, c2) = state.next(step, &two_inv);
            c0.mul_assign_by_fp(&p.y);
            c1.mul_assign_by_fp(&p.x);
            f.mul_by_034(&c0, &c1, &c2);
        }
    };
    let bits = Config::ATE_LOOP_COUNT;
    for i in (1..bits.len()).rev() {
        if i != bits.len() - 1 {
            f.square_in_place();
        }
        lines(&mut f, Step::Double);
        match bits[i - 1] {
            1 => lines(&mut f, Step::Add),
            -1 => lines(&mut f, Step::Subtract),
            _ => {}
        }
    }
    lines(&mut f, Step::Frobenius);
    lines(&mut f, Step::Frobenius2);
    MillerLoopOutput(f)
}

/// What a step of the loop asks of each pair's running point `R`.
#[derive(Clone, Copy)]
enum Step {
    /// `R ← 2R`.
    Double,
    /// `R ← R + Q`.
    Add,
    /// `R ← R − Q`.
    Subtract,
    /// `R ← R + ψ(Q)`, `ψ` the Frobenius on the twist (`proof::psi_affine`).
    Frobenius,
    /// `R ← R − ψ²(Q)`.
    Frobenius2,
}

// One `State` per pair, held in place for the loop: boxing `Fresh` would only add an
// allocation per proof.
#[allow(clippy::large_enum_variant)]
enum State<'a> {
    Prepared(core::slice::Iter<'a, EllCoeff<Config>>),
    Fresh(Fresh),
}

impl State<'_> {
    fn next(&mut self, step: Step, two_inv: &Fq) -> EllCoeff<Config> {
        match self {
            State::Prepared(lines) => lines.next().cloned().expect("one prepared line per step"),
            State::Fresh(fresh) => fresh.next(step, two_inv),
        }
    }
}

/// `R` in homogeneous projective coordinates, and `Q`.
struct Fresh {
    x: Fq2,
    y: Fq2,
    z: Fq2,
    q: G2Affine,
}

impl Fresh {
    fn new(q: G2Affine) -> Self {
        Fresh { x: q.x, y: q.y, z: Fq2::one(), q }
    }

    fn next(&mut self, step: Step, two_inv: &Fq) -> EllCoeff<Config> {
        match step {
            Step::Double => self.double(two_inv),
            Step::Add => self.add(&self.q.clone()),
            Step::Subtract => self.add(&-self.q),
            Step::Frobenius => self.add(&psi_affine(&self.q)),
            Step::Frobenius2 => self.add(&-psi_affine(&psi_affine(&self.q))),
        }
    }

    /// `R ← 2R` and the tangent line's coefficients (Costello, Lange, Naehrig, eprint
    /// 2009/615; arkworks' `G2HomProjective::double_in_place`, D-type twist).
    fn double(&mut self, two_inv: &Fq) -> EllCoeff<Config> {
        let mut a = self.x * self.y;
        a.mul_assign_by_fp(two_inv);
        let b = self.y.square();
        let c = self.z.square();
        let e = <ark_bn254::g2::Config as SWCurveConfig>::COEFF_B * (c.double() + c);
        let f = e.double() + e;
        let mut g = b + f;
        g.mul_assign_by_fp(two_inv);
        let h = (self.y + self.z).square() - (b + c);
        let i = e - b;
        let j = self.x.square();
        let e_square = e.square();
        self.x = a * (b - f);
        self.y = g.square() - (e_square.double() + e_square);
        self.z = b * h;
        (-h, j.double() + j, i)
    }

    /// `R ← R + Q` and the chord's coefficients (arkworks' `add_in_place`, D-type).
    fn add(&mut self, q: &G2Affine) -> EllCoeff<Config> {
        let theta = self.y - q.y * self.z;
        let lambda = self.x - q.x * self.z;
        let c = theta.square();
        let d = lambda.square();
        let e = lambda * d;
        let f = self.z * c;
        let g = self.x * d;
        let h = e + f - g.double();
        self.x = lambda * h;
        self.y = theta * (g - h) - e * self.y;
        self.z *= e;
        let j = theta * q.x - lambda * q.y;
        (lambda, -theta, j)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::{Fr, G1Projective, G2Projective};
    use ark_ec::bn::TwistType;
    use ark_ec::pairing::Pairing;
    use ark_ec::{CurveGroup, PrimeGroup};
    use ark_ff::UniformRand;
    use ark_std::test_rng;

    /// The same value as arkworks' loop, bit for bit, with fresh and prepared points
    /// and identities on either side among the pairs.
    #[test]
    fn miller_loop_is_arkworks() {
        assert!(matches!(Config::TWIST_TYPE, TwistType::D) && !Config::X_IS_NEGATIVE);
        let rng = &mut test_rng();
        for n in [1, 3, 4, 5, 9] {
            let mut p: Vec<G1Affine> =
                (0..n).map(|_| (G1Projective::generator() * Fr::rand(rng)).into_affine()).collect();
            let mut q: Vec<G2Affine> =
                (0..n).map(|_| (G2Projective::generator() * Fr::rand(rng)).into_affine()).collect();
            if n > 3 {
                p[1] = G1Affine::zero();
                q[2] = G2Affine::zero();
            }
            let prepared: Vec<G2Prepared<Config>> = q.iter().map(|&x| x.into()).collect();
            let pairs: Vec<(G1Affine, G2Lines<'_>)> = p
                .iter()
                .zip(&q)
                .zip(&prepared)
                .enumerate()
                .map(|(i, ((p, q), pq))| (*p, if i % 2 == 0 { G2Lines::Fresh(*q) } else { G2Lines::Prepared(pq) }))
                .collect();
            assert_eq!(miller_loop(&pairs), Bn254::multi_miller_loop(p, q));
        }
    }
}
