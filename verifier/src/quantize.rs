//! The model's input rule, for a client checking that a proof answers its own input: a
//! real `v` at scale `s` is the integer `⌊v·2^s + ½⌋` (`specs/quantization.md` §2.1).

use crate::error::VerifyError;
use crate::verdict::Verified;

/// `2^e` exactly, for `e` in the normal range `−1022..=1023` (every scale a key or model
/// carries is far inside it): built from its exponent bits, since `f64::powi` needs std.
/// The one definition: the prover's quantization uses it too.
pub fn pow2(e: i32) -> f64 {
    debug_assert!((-1022..=1023).contains(&e), "scale exponent out of range");
    f64::from_bits(((1023 + e) as u64) << 52)
}

/// `⌊v·2^scale + ½⌋`, exactly as the prover quantizes its input; `None` when `v` is not
/// finite, the result is not below 2⁶² in magnitude (no input integer is), or `scale` is
/// outside the keys' `[−64, 64]`.
///
/// Core has no `floor` on stable, and adding ½ in binary64 would itself round
/// (0.49999999999999994 + ½ is 1), so every step is exact instead: `x = v·2^scale` (a
/// power of two; an underflow loses bits only below 2⁻¹⁰²², which round to 0 either way),
/// `t = x` truncated toward zero, and `x − t`, a multiple of `x`'s ulp below 1 in
/// magnitude, so at most 53 bits. `⌊x + ½⌋` is then `t + 1` when `x − t ≥ ½`, `t − 1`
/// when `x − t < −½`, and `t` otherwise.
pub fn quantize_value(v: f64, scale: i32) -> Option<i64> {
    const LIMIT: f64 = 4_611_686_018_427_387_904.0; // 2^62
    if !(-64..=64).contains(&scale) {
        return None;
    }
    let x = v * pow2(scale);
    // Also false for NaN and ±∞.
    if !(-LIMIT < x && x < LIMIT) {
        return None;
    }
    let t = x as i64;
    let frac = x - t as f64;
    Some(if frac >= 0.5 {
        t + 1
    } else if frac < -0.5 {
        t - 1
    } else {
        t
    })
}

impl Verified {
    /// Whether this proof answers the client's own query: `values` (the real input of every
    /// inference, one after another, in the bundle's order) quantized by the model's rule
    /// must be the proven `input` integers. The first value that differs is named.
    pub fn check_input(&self, values: &[f64]) -> Result<(), VerifyError> {
        let (given, expected) = (values.len(), self.input.len());
        let same = |(&v, &q): (&f64, &i64)| quantize_value(v, self.input_scale) == Some(q);
        // A count that differs differs at the first value missing or left over.
        let index = values.iter().zip(&self.input).position(|p| !same(p));
        match index.or((given != expected).then(|| given.min(expected))) {
            Some(index) => Err(VerifyError::InputMismatch { index, given, expected }),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_half_up_exactly() {
        for (v, s, q) in [
            (0.5, 0, Some(1)),
            (-0.5, 0, Some(0)),
            (-0.625, 2, Some(-2)), // −2.5 → −2
            (-0.6, 0, Some(-1)),
            (2.5, 0, Some(3)),
            (-2.5, 0, Some(-2)),
            (-2.6, 0, Some(-3)),
            (0.49999999999999994, 0, Some(0)), // + ½ in binary64 would give 1
            (-0.5000000000000001, 0, Some(-1)),
            (0.4375, 14, Some(7168)),
            (1.0, 14, Some(16384)),
            (3.0, -1, Some(2)),   // 1.5 → 2
            (-3.0, -1, Some(-1)), // −1.5 → −1
            (1e-320, 64, Some(0)),
            (-1e-320, 0, Some(0)),
            (4503599627370497.0, 0, Some(4503599627370497)), // 2^52 + 1: already an integer
            (-4503599627370497.0, 0, Some(-4503599627370497)),
            (0.0, -64, Some(0)),
            (-0.0, 64, Some(0)),
        ] {
            assert_eq!(quantize_value(v, s), q, "{v} at scale {s}");
        }
    }

    #[test]
    fn refuses_what_no_input_integer_is() {
        for (v, s) in [
            (f64::NAN, 0),
            (f64::INFINITY, 0),
            (f64::NEG_INFINITY, 3),
            (4611686018427387904.0, 0), // 2^62
            (-4611686018427387904.0, 0),
            (1.0, 62),
            (1e300, 64),
            (1.0, 65),
            (1.0, -65),
            (1.0, i32::MAX),
            (1.0, i32::MIN),
        ] {
            assert_eq!(quantize_value(v, s), None, "{v} at scale {s}");
        }
        // The largest binary64 below 2^62 is 2^62 − 512.
        assert_eq!(quantize_value(4611686018427387392.0, 0), Some(4611686018427387392));
    }

    #[test]
    fn check_input_names_the_first_value_that_differs() {
        use crate::verdict::Opened;
        use alloc::vec;
        let v = Verified {
            model_id: "m".into(),
            opened: Opened::Commitment("1".into()),
            inferences: 2,
            input: vec![7168, -3, 0, 16384],
            input_scale: 14,
            output: vec![1, 2],
            output_float: vec![0.5, 1.0],
        };
        let third = -3.0 / 16384.0;
        assert_eq!(v.check_input(&[0.4375, third, 1e-9, 1.0]), Ok(()));
        let mismatch = |index, given| VerifyError::InputMismatch { index, given, expected: 4 };
        // −2.5 at the scale rounds half up to −2, not −3.
        let e = v.check_input(&[0.4375, -2.5 / 16384.0, 0.0, 1.0]).unwrap_err();
        assert_eq!(e, mismatch(1, 4));
        assert!(!e.is_malformed());
        assert_eq!(v.check_input(&[0.4375, third, f64::NAN, 1.0]), Err(mismatch(2, 4)));
        // A value missing or left over differs where the shorter list ends.
        assert_eq!(v.check_input(&[0.4375, third, 0.0]), Err(mismatch(3, 3)));
        assert_eq!(v.check_input(&[0.4375, third, 0.0, 1.0, 0.0]), Err(mismatch(4, 5)));
        assert_eq!(v.check_input(&[]), Err(mismatch(0, 0)));
        // The first difference wins over the count.
        assert_eq!(v.check_input(&[0.0]), Err(mismatch(0, 1)));
    }
}
