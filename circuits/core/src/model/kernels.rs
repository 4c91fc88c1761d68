//! The loops of every op, generic over the number type.
//!
//! The float evaluator (calibration, quantization error) instantiates them with `f64`,
//! the integer reference evaluator with `i64`: one indexing scheme for both, so the two
//! cannot disagree about which input feeds which output. Rounding and range checks are
//! not here: they belong to the integer semantics (`quant::rounding`).

use std::ops::{Add, Mul};

use super::op::Window2d;
use super::shape::{broadcast_map, numel, transpose_map};

/// Numbers the kernels compute with.
pub trait Scalar: Copy + PartialOrd + Add<Output = Self> + Mul<Output = Self> {
    const ZERO: Self;
    fn from_i64(v: i64) -> Self;
}

impl Scalar for f64 {
    const ZERO: Self = 0.0;
    fn from_i64(v: i64) -> Self {
        v as f64
    }
}

impl Scalar for i64 {
    const ZERO: Self = 0;
    fn from_i64(v: i64) -> Self {
        v
    }
}

/// `y[r][o] = Σ_i x[r][i]·w[o][i] + b[o]` for every row `r` of `x`.
pub fn dense<T: Scalar>(x: &[T], w: &[T], b: &[T], in_features: usize) -> Vec<T> {
    let out_features = b.len();
    let mut y = Vec::with_capacity(x.len() / in_features * out_features);
    for row in x.chunks_exact(in_features) {
        for (wo, &bo) in w.chunks_exact(in_features).zip(b) {
            y.push(row.iter().zip(wo).fold(bo, |acc, (&xi, &wi)| acc + xi * wi));
        }
    }
    y
}

/// Every tap of a convolution: `f(output, input, weight)` for each product
/// `x[input]·w[weight]` summed into `y[output]`, for `x` of `[C, H, W]` and `w` of
/// `[O][C][kh][kw]` (out-of-range inputs, the zero padding, have no tap).
pub fn conv2d_taps(
    chw: [usize; 3],
    out_channels: usize,
    window: &Window2d,
    out_hw: [usize; 2],
    mut f: impl FnMut(usize, usize, usize),
) {
    let [c, h, wd] = chw;
    let [kh, kw] = [window.kernel[0] as usize, window.kernel[1] as usize];
    let [oh, ow] = out_hw;
    for o in 0..out_channels {
        for oy in 0..oh {
            for ox in 0..ow {
                let out = (o * oh + oy) * ow + ox;
                let win = window.window(oy, ox, h, wd);
                // Kernel offset (dy, dx) reads input row `oy·sh − pt + dy`.
                let top = (oy * window.stride[0] as usize) as i64 - window.pads[0] as i64;
                let left = (ox * window.stride[1] as usize) as i64 - window.pads[1] as i64;
                for ci in 0..c {
                    for r in win.rows.clone() {
                        let dy = (r as i64 - top) as usize;
                        for col in win.cols.clone() {
                            let dx = (col as i64 - left) as usize;
                            f(out, (ci * h + r) * wd + col, ((o * c + ci) * kh + dy) * kw + dx);
                        }
                    }
                }
            }
        }
    }
}

/// Convolution of `x` (`[1, C, H, W]`, given as `[C, H, W]`) with `w`
/// (`[O][C][kh][kw]`) plus bias `b` (`[O]`); output `[O, oh, ow]`.
pub fn conv2d<T: Scalar>(x: &[T], chw: [usize; 3], w: &[T], b: &[T], window: &Window2d, out_hw: [usize; 2]) -> Vec<T> {
    let plane = out_hw[0] * out_hw[1];
    let mut y: Vec<T> = b.iter().flat_map(|&bo| std::iter::repeat_n(bo, plane)).collect();
    conv2d_taps(chw, b.len(), window, out_hw, |o, i, k| y[o] = y[o] + x[i] * w[k]);
    y
}

/// Every pooling window: `f(output, inputs, count)` with the in-bounds input indices
/// of each output of a `[C, H, W]` input.
pub fn pool_windows(
    chw: [usize; 3],
    window: &Window2d,
    out_hw: [usize; 2],
    mut f: impl FnMut(usize, &mut dyn Iterator<Item = usize>, PoolCount),
) {
    let [c, h, w] = chw;
    let [oh, ow] = out_hw;
    for ci in 0..c {
        for oy in 0..oh {
            for ox in 0..ow {
                let win = window.window(oy, ox, h, w);
                let count = PoolCount { real: win.area(), padded: win.padded_area };
                let base = ci * h * w;
                let mut inputs = win.rows.clone().flat_map(|r| win.cols.clone().map(move |col| base + r * w + col));
                f((ci * oh + oy) * ow + ox, &mut inputs, count);
            }
        }
    }
}

/// For each output of a pooling window: the in-bounds inputs' values and the divisor
/// (`padded_area` or the real area), handed to `reduce`.
pub fn pool2d<T: Scalar, R>(
    x: &[T],
    chw: [usize; 3],
    window: &Window2d,
    out_hw: [usize; 2],
    mut reduce: impl FnMut(&mut dyn Iterator<Item = T>, PoolCount) -> R,
) -> Vec<R> {
    let mut y = Vec::with_capacity(chw[0] * out_hw[0] * out_hw[1]);
    pool_windows(chw, window, out_hw, |_, inputs, count| y.push(reduce(&mut inputs.map(|i| x[i]), count)));
    y
}

/// How many positions a pooling window covers.
#[derive(Clone, Copy, Debug)]
pub struct PoolCount {
    /// Positions inside the input.
    pub real: usize,
    /// Positions inside the padded input (ONNX `count_include_pad = 1` divisor).
    pub padded: usize,
}

/// Maximum of a window (the importer guarantees windows are never empty).
pub fn max_of<T: Scalar>(values: &mut dyn Iterator<Item = T>) -> T {
    let first = values.next().expect("pooling windows are never empty");
    values.fold(first, |m, v| if v > m { v } else { m })
}

/// Sum of a window.
pub fn sum_of<T: Scalar>(values: &mut dyn Iterator<Item = T>) -> T {
    values.fold(T::ZERO, |a, v| a + v)
}

/// Per channel plane sums of `[C, H·W]`.
pub fn plane_sums<T: Scalar>(x: &[T], plane: usize) -> Vec<T> {
    x.chunks_exact(plane).map(|p| sum_of(&mut p.iter().copied())).collect()
}

/// `x ⊙ m + c` with `m`, `c` of `param_shape` broadcast to `x_shape`.
pub fn affine<T: Scalar>(x: &[T], x_shape: &[usize], m: &[T], c: &[T], param_shape: &[usize]) -> Vec<T> {
    broadcast_map(param_shape, x_shape).into_iter().zip(x).map(|(p, &xi)| xi * m[p] + c[p]).collect()
}

/// Elements of `x` (shape `x_shape`) permuted by `perm`.
pub fn transpose<T: Scalar>(x: &[T], x_shape: &[usize], perm: &[usize]) -> Vec<T> {
    debug_assert_eq!(x.len(), numel(x_shape));
    transpose_map(x_shape, perm).into_iter().map(|i| x[i]).collect()
}

/// `max(x, 0)` elementwise.
pub fn relu<T: Scalar>(x: &[T]) -> Vec<T> {
    x.iter().map(|&v| if v > T::ZERO { v } else { T::ZERO }).collect()
}

/// `min(max(x, lo), hi)` elementwise (`lo ≤ hi`).
pub fn clip<T: Scalar>(x: &[T], lo: T, hi: T) -> Vec<T> {
    x.iter()
        .map(|&v| {
            if v < lo {
                lo
            } else if v > hi {
                hi
            } else {
                v
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn win(k: u32, s: u32, p: u32) -> Window2d {
        Window2d { kernel: [k, k], stride: [s, s], pads: [p; 4], ceil_mode: false }
    }

    #[test]
    fn dense_matches_hand_computation() {
        // x = [1, 2], W = [[3, 4], [5, 6]], b = [10, 20]
        let y = dense::<i64>(&[1, 2], &[3, 4, 5, 6], &[10, 20], 2);
        assert_eq!(y, vec![3 + 2 * 4 + 10, 5 + 2 * 6 + 20]);
    }

    #[test]
    fn conv_with_padding_reads_zero_outside() {
        // 1 channel 2x2 input, 3x3 all-ones kernel, pad 1: each output sums its neighbourhood.
        let x = [1i64, 2, 3, 4];
        let y = conv2d(&x, [1, 2, 2], &[1; 9], &[0], &win(3, 1, 1), [2, 2]);
        assert_eq!(y, vec![10, 10, 10, 10]);
        // Kernel with distinct taps: centre weight 1, right neighbour 10.
        let mut k = [0i64; 9];
        k[4] = 1;
        k[5] = 10;
        let y = conv2d(&x, [1, 2, 2], &k, &[0], &win(3, 1, 1), [2, 2]);
        assert_eq!(y, vec![1 + 20, 2, 3 + 40, 4]);
    }

    #[test]
    fn pool_divisors_follow_padding_rule() {
        let x = [1i64, 2, 3, 4];
        let w = win(3, 1, 1);
        let counts = pool2d(&x, [1, 2, 2], &w, [2, 2], |v, n| (sum_of(v), n.real, n.padded));
        assert_eq!(counts, vec![(10, 4, 9); 4]);
        let maxes = pool2d(&x, [1, 2, 2], &win(2, 2, 0), [1, 1], |v, _| max_of(v));
        assert_eq!(maxes, vec![4]);
    }

    #[test]
    fn affine_broadcasts_per_channel() {
        let y = affine::<i64>(&[1, 1, 1, 1], &[1, 2, 1, 2], &[2, 3], &[0, 100], &[2, 1, 1]);
        assert_eq!(y, vec![2, 2, 103, 103]);
    }
}
