//! Rescale with round-half-up, and ReLU on its result.
//!
//! `rescale`: `acc + 2^(k−1) = q·2^k + r`, `0 ≤ r < 2^k`, `q` a signed `B`-bit
//! integer — `B + k + 3` constraints. The decomposition of `q + 2^(B−1)` exposes its top
//! bit, which is 1 exactly when `q ≥ 0`, so a following ReLU costs one constraint:
//! `y = q·top` (`rescale_relu`). Native twins: `quant::rounding::{rescale, rescale_remainder}`.

use super::range::{signed, unsigned};
use super::{Result, Synth, Wire};
use zkseal_core::quant::rounding;

/// The witness of one rescale.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RescaleHint {
    pub q: i128,
    pub r: i128,
}

/// Native: quotient and remainder of rescaling `acc` by `k` bits.
pub fn rescale_hint(acc: i128, k: u32) -> RescaleHint {
    let a = acc as i64;
    RescaleHint { q: rounding::rescale(a, k) as i128, r: rounding::rescale_remainder(a, k) as i128 }
}

/// A range-checked signed value and its non-negativity bit.
#[derive(Clone, Debug)]
pub struct Signed {
    pub value: Wire,
    /// 1 iff `value ≥ 0`.
    pub nonneg: Wire,
}

pub fn rescale(s: &Synth, acc: &Wire, k: u32, out_bits: u32) -> Result<Signed> {
    let hint = acc.value.filter(|_| s.proving).map(|a| rescale_hint(a, k));
    rescale_with(s, acc, k, out_bits, hint)
}

/// `rescale` with its witness given (tests pass tampered ones).
pub fn rescale_with(s: &Synth, acc: &Wire, k: u32, out_bits: u32, hint: Option<RescaleHint>) -> Result<Signed> {
    let q = s.witness(hint.map(|h| h.q))?;
    let bits = signed(s, &q, out_bits)?;
    if k > 0 {
        let r = s.witness(hint.map(|h| h.r))?;
        unsigned(s, &r, k)?;
        // acc + 2^(k−1) − r = 2^k·q
        let lhs = acc.add_scaled(1i128 << (k - 1), &Wire::constant(1)).add_scaled(-1, &r);
        s.enforce_equal(&lhs, &Wire::zero().add_scaled(1i128 << k, &q))?;
    } else {
        s.enforce_equal(acc, &q)?;
    }
    Ok(Signed { value: q, nonneg: bits.last().expect("out_bits ≥ 1").clone() })
}

/// `max(x, 0)` given `x`'s non-negativity bit: one constraint.
pub fn relu_signed(s: &Synth, x: &Signed) -> Result<Wire> {
    s.mul(&x.value, &x.nonneg)
}

/// A standalone ReLU on a `bits`-bit signed wire: range check + one product.
pub fn relu(s: &Synth, x: &Wire, bits: u32) -> Result<Wire> {
    let b = signed(s, x, bits)?;
    relu_signed(s, &Signed { value: x.clone(), nonneg: b.last().expect("bits ≥ 1").clone() })
}

/// Constraints of `rescale` by `k` bits to `out_bits`.
pub fn cost(k: u32, out_bits: u32) -> usize {
    let remainder = if k > 0 { k as usize + 1 } else { 0 };
    out_bits as usize + 1 + remainder + 1
}

#[cfg(test)]
mod tests {
    use super::super::testing::{satisfied, synth, wires};
    use super::*;

    fn run(acc: i64, k: u32, hint: Option<RescaleHint>) -> (bool, Option<i128>) {
        let s = synth();
        let a = &wires(&s, &[acc])[0];
        let out = match hint {
            Some(h) => rescale_with(&s, a, k, 8, Some(h)).unwrap(),
            None => rescale(&s, a, k, 8).unwrap(),
        };
        (satisfied(&s), out.value.value)
    }

    #[test]
    fn honest_rescale_matches_native() {
        for acc in [-1000i64, -513, -512, -511, -3, -2, -1, 0, 1, 2, 511, 512, 1000] {
            for k in [0, 1, 3] {
                let (ok, q) = run(acc, k, None);
                let expect = rounding::rescale(acc, k);
                assert_eq!(ok, rounding::fits(expect, 8), "acc {acc} k {k}");
                assert_eq!(q, Some(expect as i128));
            }
        }
    }

    #[test]
    fn tampered_rescale_witnesses_fail() {
        let h = rescale_hint(37, 3); // (37 + 4) = 5·8 + 1
        assert_eq!(h, RescaleHint { q: 5, r: 1 });
        assert!(run(37, 3, Some(h)).0);
        assert!(!run(37, 3, Some(RescaleHint { q: 6, r: 1 })).0, "wrong output");
        assert!(!run(37, 3, Some(RescaleHint { q: 4, r: 9 })).0, "remainder out of range");
        assert!(!run(37, 3, Some(RescaleHint { q: 6, r: -7 })).0, "negative remainder");
        assert!(!run(37, 3, Some(RescaleHint { q: 5 + 256, r: 1 - 2048 })).0, "output out of range");
    }

    #[test]
    fn relu_uses_the_sign_bit() {
        for (x, y) in [(-5i64, 0i128), (0, 0), (7, 7), (-128, 0), (127, 127)] {
            let s = synth();
            let a = &wires(&s, &[x])[0];
            let r = rescale(&s, a, 0, 8).unwrap();
            let out = relu_signed(&s, &r).unwrap();
            assert!(satisfied(&s));
            assert_eq!(out.value, Some(y));
        }
        // A ReLU output forced to the wrong branch is refused.
        let s = synth();
        let a = &wires(&s, &[-5])[0];
        let r = rescale(&s, a, 0, 8).unwrap();
        let forged = s.witness(Some(-5)).unwrap();
        s.enforce(r.value.lc.clone(), r.nonneg.lc.clone(), forged.lc).unwrap();
        assert!(!satisfied(&s), "relu(−5) = −5 must not verify");
    }

    #[test]
    fn constraint_cost_formula() {
        let s = synth();
        let a = &wires(&s, &[100])[0];
        s.take_count();
        rescale(&s, a, 5, 16).unwrap();
        assert_eq!(s.take_count(), cost(5, 16));
    }
}
