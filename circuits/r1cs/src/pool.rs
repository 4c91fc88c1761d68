//! Max and average pooling.
//!
//! `max`: `y − eⱼ ∈ [0, 2^B)` for every window element and `Π (y − eⱼ) = 0` —
//! `n·(B + 1) + n − 1` constraints for a window of `n`, plus one for `y`.
//! `mean` (round half up, `quant::rounding::div_round`): `2·Σ + n − r = 2n·q`,
//! `0 ≤ r < 2n`, `q` a signed `B`-bit integer.

use super::range::{signed, unsigned};
use super::{Result, Synth, Wire};
use zkseal_core::model::kernels::pool_windows;
use zkseal_core::model::op::Window2d;
use zkseal_core::quant::rounding::div_round;

/// `max` of a window; `hint` is the claimed maximum.
pub fn max_with(s: &Synth, window: &[Wire], bits: u32, hint: Option<i128>) -> Result<Wire> {
    let y = s.witness(hint)?;
    let mut product: Option<Wire> = None;
    for e in window {
        let gap = y.add_scaled(-1, e);
        unsigned(s, &gap, bits)?;
        product = Some(match product {
            None => gap,
            Some(p) => s.mul(&p, &gap)?,
        });
    }
    let product = product.expect("pooling windows are never empty");
    s.enforce_equal(&product, &Wire::zero())?;
    Ok(y)
}

pub fn max(s: &Synth, window: &[Wire], bits: u32) -> Result<Wire> {
    let hint = window.iter().map(|e| e.value).collect::<Option<Vec<_>>>().and_then(|v| v.into_iter().max());
    max_with(s, window, bits, hint.filter(|_| s.proving))
}

/// Witness of a mean: quotient and remainder.
pub fn mean_hint(sum: i128, n: usize) -> (i128, i128) {
    let q = div_round(sum as i64, n as u64) as i128;
    (q, 2 * sum + n as i128 - 2 * n as i128 * q)
}

/// `⌊(2·Σ + n) / 2n⌋` of a window with divisor `n`; `hint` is `(q, r)`.
pub fn mean_with(s: &Synth, window: &[Wire], n: usize, bits: u32, hint: Option<(i128, i128)>) -> Result<Wire> {
    let sum = window.iter().fold(Wire::zero(), |mut acc, e| {
        acc.accumulate(1, e);
        acc
    });
    let q = s.witness(hint.map(|h| h.0))?;
    signed(s, &q, bits)?;
    let r = s.witness(hint.map(|h| h.1))?;
    let two_n = 2 * n as i128;
    if two_n.count_ones() == 1 {
        unsigned(s, &r, two_n.trailing_zeros())?;
    } else {
        // r ∈ [0, 2^m) and 2n − 1 − r ∈ [0, 2^m) with 2^m > 2n − 1: together r < 2n.
        let m = 128 - (two_n - 1).leading_zeros();
        unsigned(s, &r, m)?;
        unsigned(s, &Wire::constant(two_n - 1).add_scaled(-1, &r), m)?;
    }
    let lhs = Wire::zero().add_scaled(2, &sum).add_scaled(n as i128, &Wire::constant(1)).add_scaled(-1, &r);
    s.enforce_equal(&lhs, &Wire::zero().add_scaled(two_n, &q))?;
    Ok(q)
}

pub fn mean(s: &Synth, window: &[Wire], n: usize, bits: u32) -> Result<Wire> {
    let sum = window.iter().map(|e| e.value).sum::<Option<i128>>();
    mean_with(s, window, n, bits, sum.filter(|_| s.proving).map(|v| mean_hint(v, n)))
}

/// Max or average pooling over `x` (`[C, H, W]`).
pub fn pool2d(
    s: &Synth,
    x: &[Wire],
    chw: [usize; 3],
    window: &Window2d,
    out_hw: [usize; 2],
    average: Option<bool>,
    bits: u32,
) -> Result<Vec<Wire>> {
    let mut windows = Vec::new();
    pool_windows(chw, window, out_hw, |_, inputs, count| windows.push((inputs.collect::<Vec<_>>(), count)));
    windows
        .into_iter()
        .map(|(idx, count)| {
            let w: Vec<Wire> = idx.iter().map(|&i| x[i].clone()).collect();
            match average {
                None => max(s, &w, bits),
                Some(include_pad) => mean(s, &w, if include_pad { count.padded } else { count.real }, bits),
            }
        })
        .collect()
}

/// Constraints of one `max` over `n` values and one `mean` with divisor `n`.
pub fn max_cost(n: usize, bits: u32) -> usize {
    n * (bits as usize + 1) + n - 1 + 1
}

pub fn mean_cost(n: usize, bits: u32) -> usize {
    let two_n = 2 * n;
    let r = if two_n.is_power_of_two() {
        two_n.trailing_zeros() as usize + 1
    } else {
        2 * ((usize::BITS - (two_n - 1).leading_zeros()) as usize + 1)
    };
    bits as usize + 1 + r + 1
}

#[cfg(test)]
mod tests {
    use super::super::testing::{satisfied, synth, wires};
    use super::*;

    #[test]
    fn max_accepts_only_the_maximum() {
        let v = [-7i64, 3, -2, 3];
        for (claim, ok) in [(3i128, true), (4, false), (-2, false), (-7, false), (100, false)] {
            let s = synth();
            let w = wires(&s, &v);
            s.take_count();
            max_with(&s, &w, 8, Some(claim)).unwrap();
            assert_eq!(satisfied(&s), ok, "claimed max {claim}");
            assert_eq!(s.take_count(), max_cost(4, 8));
        }
    }

    #[test]
    fn mean_matches_native_and_refuses_tampering() {
        for (v, n) in
            [(vec![1i64, 2, 3, 4], 4usize), (vec![-1, -2, -3, -4], 4), (vec![1, 2, 3, 4], 9), (vec![-5, 4, 7], 3)]
        {
            let s = synth();
            let w = wires(&s, &v);
            s.take_count();
            let q = mean(&s, &w, n, 8).unwrap();
            assert!(satisfied(&s));
            assert_eq!(s.take_count(), mean_cost(n, 8));
            let sum: i64 = v.iter().sum();
            assert_eq!(q.value, Some(div_round(sum, n as u64) as i128));
            let (hq, hr) = mean_hint(sum as i128, n);
            for (tq, tr) in [(hq + 1, hr - 2 * n as i128), (hq - 1, hr + 2 * n as i128), (hq, hr + 1)] {
                let s = synth();
                let w = wires(&s, &v);
                mean_with(&s, &w, n, 8, Some((tq, tr))).unwrap();
                assert!(!satisfied(&s), "{v:?}/{n}: q {tq} r {tr}");
            }
        }
    }

    #[test]
    fn pooling_matches_the_native_kernel() {
        use zkseal_core::model::kernels;
        let xv: Vec<i64> = (0..50).map(|i| (i * 37 % 23) - 11).collect();
        let win = Window2d { kernel: [3, 3], stride: [2, 2], pads: [1, 1, 1, 1], ceil_mode: true };
        let out_hw = win.output_hw(5, 5).unwrap();
        for average in [None, Some(false), Some(true)] {
            let s = synth();
            let x = wires(&s, &xv);
            let y = pool2d(&s, &x, [2, 5, 5], &win, out_hw, average, 8).unwrap();
            let native = kernels::pool2d(&xv, [2, 5, 5], &win, out_hw, |v, n| match average {
                None => kernels::max_of(v),
                Some(inc) => div_round(kernels::sum_of(v), (if inc { n.padded } else { n.real }) as u64),
            });
            assert_eq!(y.iter().map(|w| w.value.unwrap() as i64).collect::<Vec<_>>(), native);
            assert!(satisfied(&s));
        }
    }
}
