//! Clip to `[lo, hi]` as two ReLUs of shifted values (native twin: `model::kernels::clip`).
//!
//! `y = hi − max(hi − lo − max(x − lo, 0), 0)`, which is `min(max(x, lo), hi)` when
//! `lo ≤ hi`. For `x`, `lo` and `hi` signed `B`-bit integers, `x − lo` and
//! `hi − lo − max(x − lo, 0)` lie in `(−2^B, 2^B)`, so a `(B + 1)`-bit range check of
//! each is complete: every honest value passes, and the check fixes the ReLU's sign
//! bit, so no other output satisfies the constraints. `2·(B + 3)` constraints.

use super::rescale::relu;
use super::{Result, Synth, Wire};

/// `min(max(x, lo), hi)` of a signed `bits`-bit `x`; `lo ≤ hi` both signed `bits`-bit.
pub fn clip(s: &Synth, x: &Wire, lo: i64, hi: i64, bits: u32) -> Result<Wire> {
    let (lo, hi) = (lo as i128, hi as i128);
    let above_lo = relu(s, &x.add_scaled(-lo, &Wire::constant(1)), bits + 1)?;
    let room = Wire::constant(hi - lo).add_scaled(-1, &above_lo);
    let over_hi = relu(s, &room, bits + 1)?;
    Ok(Wire::constant(hi).add_scaled(-1, &over_hi))
}

/// Constraints of `clip` on a `bits`-bit input.
pub fn cost(bits: u32) -> usize {
    2 * (super::range::cost(bits + 1) + 1)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{satisfied, synth, wires};
    use super::*;
    use zkseal_core::model::kernels;

    #[test]
    fn honest_clip_matches_native_on_every_input() {
        let bits = 5;
        for (lo, hi) in [(-3i64, 4i64), (0, 0), (-16, 15), (2, 9), (-16, -16), (15, 15)] {
            for x in -16i64..16 {
                let s = synth();
                let a = &wires(&s, &[x])[0];
                let y = clip(&s, a, lo, hi, bits).unwrap();
                assert!(satisfied(&s), "x {x} in [{lo}, {hi}]");
                assert_eq!(y.value, Some(kernels::clip(&[x], lo, hi)[0] as i128), "x {x} in [{lo}, {hi}]");
            }
        }
    }

    #[test]
    fn a_wrong_output_is_refused() {
        for (x, wrong) in [(-9i64, -9i128), (-9, 0), (2, 3), (20, 20), (20, 9)] {
            let s = synth();
            let a = &wires(&s, &[x])[0];
            let y = clip(&s, a, -3, 8, 6).unwrap();
            assert!(satisfied(&s));
            let forged = s.witness(Some(wrong)).unwrap();
            s.enforce_equal(&y, &forged).unwrap();
            assert!(!satisfied(&s), "clip({x}) = {wrong} must not verify");
        }
    }

    #[test]
    fn constraint_cost_formula() {
        let s = synth();
        let a = &wires(&s, &[100])[0];
        s.take_count();
        clip(&s, a, -50, 60, 12).unwrap();
        assert_eq!(s.take_count(), cost(12));
    }
}
