//! The integer rounding rules of zkseal's fixed-point semantics (`specs/quantization.md`).
//!
//! Every rule rounds half up (towards +∞). A real `v` at scale `s` is the integer
//! `q = ⌊v·2^s + ½⌋`; a rescale by `k` bits is `⌊(a + 2^(k−1)) / 2^k⌋`; an average over
//! `n` values is `⌊(2·Σ + n) / 2n⌋`. Each has a remainder identity the circuits check.

/// Smallest and largest power-of-two scale exponent a tensor may have.
pub const MIN_SCALE: i32 = -24;
pub const MAX_SCALE: i32 = 40;

pub use zkseal_verifier::pow2;

/// `⌊v·2^s + ½⌋`, or `None` when `v` is not finite or the result does not fit 62 bits.
///
/// `v·2^s` is exact in binary64 and so are `floor` and the fraction `x − ⌊x⌋`, so the
/// rounding is exact (adding ½ in floating point would not be: 0.49999999999999994 + ½
/// rounds to 1).
pub fn quantize_value(v: f64, s: i32) -> Option<i64> {
    if !v.is_finite() {
        return None;
    }
    let scaled = v * pow2(s);
    let floor = scaled.floor();
    let q = if scaled - floor >= 0.5 { floor + 1.0 } else { floor };
    (q.abs() < 4_611_686_018_427_387_904.0).then_some(q as i64)
}

/// Rescale by `k` bits with round-half-up: `⌊(a + 2^(k−1)) / 2^k⌋` (`a` for `k = 0`).
///
/// In-circuit identity: `a + 2^(k−1) = q·2^k + r` with `0 ≤ r < 2^k`.
pub fn rescale(a: i64, k: u32) -> i64 {
    if k == 0 {
        return a;
    }
    // i128: `a + 2^(k−1)` must not wrap for any i64 accumulator.
    ((a as i128 + (1i128 << (k - 1))) >> k) as i64
}

/// Remainder `r` of the rescale identity above.
pub fn rescale_remainder(a: i64, k: u32) -> i64 {
    if k == 0 {
        return 0;
    }
    ((a as i128 + (1i128 << (k - 1))) & ((1i128 << k) - 1)) as i64
}

/// Average of `n` values summing to `sum`, rounded half up: `⌊(2·sum + n) / 2n⌋`.
///
/// In-circuit identity: `2·sum + n = q·2n + r` with `0 ≤ r < 2n`.
pub fn div_round(sum: i64, n: u64) -> i64 {
    assert!(n > 0, "average over an empty window");
    let n = n as i128;
    (2 * sum as i128 + n).div_euclid(2 * n) as i64
}

/// Whether `v` is a signed `bits`-bit integer: `−2^(bits−1) ≤ v < 2^(bits−1)`.
pub fn fits(v: i64, bits: u32) -> bool {
    if bits >= 64 {
        return true;
    }
    let half = 1i64 << (bits - 1);
    (-half..half).contains(&v)
}

/// The largest scale `s` in `[MIN_SCALE, MAX_SCALE]` with `max_abs·2^s ≤ limit`
/// (`MAX_SCALE` for an all-zero tensor). Exact: only powers of two are multiplied.
pub fn scale_for(max_abs: f64, limit: f64) -> i32 {
    (MIN_SCALE..=MAX_SCALE).rev().find(|&s| max_abs * pow2(s) <= limit).unwrap_or(MIN_SCALE)
}

/// Bits needed to hold `v` as a signed integer.
pub fn signed_bits(v: u128) -> u32 {
    128 - v.leading_zeros() + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn half_rounds_up() {
        assert_eq!(rescale(2, 2), 1); // 0.5 -> 1
        assert_eq!(rescale(-2, 2), 0); // -0.5 -> 0
        assert_eq!(rescale(-3, 2), -1); // -0.75 -> -1
        assert_eq!(rescale(6, 2), 2); // 1.5 -> 2
        assert_eq!(div_round(3, 2), 2); // 1.5 -> 2
        assert_eq!(div_round(-3, 2), -1); // -1.5 -> -1
        assert_eq!(div_round(-4, 3), -1); // -1.33 -> -1
        assert_eq!(quantize_value(0.5, 0), Some(1));
        assert_eq!(quantize_value(-0.5, 0), Some(0));
        assert_eq!(quantize_value(-0.625, 2), Some(-2)); // -2.5 -> -2
        assert_eq!(quantize_value(f64::NAN, 0), None);
        assert_eq!(quantize_value(f64::INFINITY, 0), None);
        assert_eq!(quantize_value(1e30, 0), None);
        assert_eq!(quantize_value(0.49999999999999994, 0), Some(0));
        assert_eq!(quantize_value(-0.5000000000000001, 0), Some(-1));
    }

    #[test]
    fn scale_choice_is_the_largest_that_fits() {
        assert_eq!(scale_for(1.0, 8192.0), 13);
        assert_eq!(scale_for(1.01, 8192.0), 12);
        assert_eq!(scale_for(0.0, 1.0), MAX_SCALE);
        assert_eq!(scale_for(1e300, 1.0), MIN_SCALE);
        assert_eq!(pow2(-3), 0.125);
    }

    #[test]
    fn fits_is_a_signed_range() {
        assert!(fits(32767, 16) && fits(-32768, 16));
        assert!(!fits(32768, 16) && !fits(-32769, 16));
        assert_eq!(signed_bits(32767), 16);
        assert_eq!(signed_bits(32768), 17);
    }

    proptest! {
        #[test]
        fn rescale_is_round_half_up(a in -(1i64 << 60)..(1i64 << 60), k in 0u32..40) {
            let q = rescale(a, k);
            // |a/2^k − q| ≤ ½, with ties going up: 2a − 2^(k+1)·q ∈ [−2^k, 2^k).
            let twice_err = 2 * a as i128 - ((q as i128) << (k + 1));
            prop_assert!(twice_err >= -(1i128 << k) && twice_err < (1i128 << k));
            let r = rescale_remainder(a, k);
            prop_assert!(r >= 0 && (r as i128) < (1i128 << k));
            let half = if k == 0 { 0 } else { 1i128 << (k - 1) };
            prop_assert_eq!(a as i128 + half, ((q as i128) << k) + r as i128);
        }

        #[test]
        fn div_round_is_round_half_up(sum in -(1i64 << 50)..(1i64 << 50), n in 1u64..1000) {
            let q = div_round(sum, n) as i128;
            let (s, n) = (sum as i128, n as i128);
            // q − ½ ≤ sum/n < q + ½
            prop_assert!(2 * s >= (2 * q - 1) * n && 2 * s < (2 * q + 1) * n);
        }

        #[test]
        fn quantize_value_is_round_half_up(v in -1.0e6f64..1.0e6, s in -8i32..16) {
            let q = quantize_value(v, s).unwrap() as f64;
            let x = v * pow2(s);
            prop_assert!(q - 0.5 <= x && x < q + 0.5);
        }
    }
}
