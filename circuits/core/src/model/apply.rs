//! One layer's computation, shared by the float and the integer evaluator.

use super::kernels::{self, Scalar};
use super::op::Op;

/// Computes `op` on `x` (shape `in_shape`) giving a tensor of shape `out_shape`.
///
/// For the ops with parameters (`params` = `(weight, bias)`) this is the exact
/// accumulator `Σ x·w + b`, before any rescaling. Averages are left to `mean(sum,
/// divisor)` because float and integer semantics divide differently.
pub fn apply<T: Scalar>(
    op: &Op,
    x: &[T],
    in_shape: &[usize],
    out_shape: &[usize],
    params: Option<(&[T], &[T])>,
    mean: &dyn Fn(T, usize) -> T,
) -> Vec<T> {
    let chw = || [in_shape[1], in_shape[2], in_shape[3]];
    let out_hw = || [out_shape[2], out_shape[3]];
    let (w, b) = params.unwrap_or((&[], &[]));
    match op {
        Op::Dense { in_features, .. } => kernels::dense(x, w, b, *in_features as usize),
        Op::Conv2d { window, .. } => kernels::conv2d(x, chw(), w, b, window, out_hw()),
        Op::Affine { param_shape } => {
            let p: Vec<usize> = param_shape.iter().map(|&d| d as usize).collect();
            kernels::affine(x, in_shape, w, b, &p)
        }
        Op::Relu => kernels::relu(x),
        Op::Clip { lo, hi } => kernels::clip(x, T::from_i64(*lo), T::from_i64(*hi)),
        Op::MaxPool { window } => kernels::pool2d(x, chw(), window, out_hw(), |v, _| kernels::max_of(v)),
        Op::AvgPool { window, count_include_pad } => kernels::pool2d(x, chw(), window, out_hw(), |v, n| {
            mean(kernels::sum_of(v), if *count_include_pad { n.padded } else { n.real })
        }),
        Op::GlobalAvgPool => {
            let plane = in_shape[2] * in_shape[3];
            kernels::plane_sums(x, plane).into_iter().map(|s| mean(s, plane)).collect()
        }
        Op::Reshape => x.to_vec(),
        Op::Transpose { perm } => {
            let perm: Vec<usize> = perm.iter().map(|&p| p as usize).collect();
            kernels::transpose(x, in_shape, &perm)
        }
    }
}
