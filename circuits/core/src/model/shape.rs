//! Shape arithmetic shared by the importer, the evaluators and the file decoder.

use thiserror::Error;

/// Largest number of elements any one tensor may have. Checked before anything of
/// that size is allocated, so absurd dimensions in a hostile file are refused early.
pub const MAX_TENSOR_ELEMENTS: usize = 1 << 26;

/// Largest rank accepted for any tensor.
pub const MAX_RANK: usize = 8;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ShapeError {
    #[error("shape mismatch: expected {expected:?}, got {got:?}")]
    Mismatch { expected: Vec<usize>, got: Vec<usize> },
    #[error("window of kernel {kernel}, stride {stride} does not fit a padded extent of {padded}")]
    Window { kernel: usize, stride: usize, padded: usize },
    #[error("padding must be smaller than the kernel")]
    PadTooLarge,
    #[error("parameter of shape {param:?} does not broadcast to {x:?}")]
    Broadcast { param: Vec<usize>, x: Vec<usize> },
    #[error("invalid axis permutation")]
    Permutation,
    #[error("tensor of shape {0:?} is too large (limit {MAX_TENSOR_ELEMENTS} elements, rank {MAX_RANK})")]
    TooLarge(Vec<usize>),
    #[error("tensor shape {0:?} has a zero dimension")]
    Empty(Vec<usize>),
}

/// Element count, saturating so that absurd shapes compare as too large.
pub fn numel(shape: &[usize]) -> usize {
    shape.iter().fold(1usize, |acc, &d| acc.saturating_mul(d))
}

/// Refuses empty, over-ranked and oversized shapes.
pub fn check_size(shape: &[usize]) -> Result<(), ShapeError> {
    if shape.len() > MAX_RANK || numel(shape) > MAX_TENSOR_ELEMENTS {
        return Err(ShapeError::TooLarge(shape.to_vec()));
    }
    if shape.contains(&0) {
        return Err(ShapeError::Empty(shape.to_vec()));
    }
    Ok(())
}

/// Whether `param` broadcasts to exactly `x` (numpy rules, `param` never enlarges `x`).
pub fn broadcasts_to(param: &[usize], x: &[usize]) -> bool {
    param.len() <= x.len() && param.iter().rev().zip(x.iter().rev()).all(|(&p, &d)| p == d || p == 1)
}

/// Row-major strides of `shape`.
pub fn strides(shape: &[usize]) -> Vec<usize> {
    let mut s = vec![1; shape.len()];
    for i in (0..shape.len().saturating_sub(1)).rev() {
        s[i] = s[i + 1] * shape[i + 1];
    }
    s
}

/// For every element of a tensor of shape `x`, the index of the element of a
/// parameter of shape `param` that broadcasts onto it.
pub fn broadcast_map(param: &[usize], x: &[usize]) -> Vec<usize> {
    let offset = x.len() - param.len();
    let pstrides = strides(param);
    let xstrides = strides(x);
    (0..numel(x))
        .map(|flat| {
            let mut p = 0;
            for (axis, (&pd, &ps)) in param.iter().zip(&pstrides).enumerate() {
                let coord = flat / xstrides[axis + offset] % x[axis + offset];
                if pd != 1 {
                    p += coord * ps;
                }
            }
            p
        })
        .collect()
}

/// For every element of the transposed tensor, the index of its source element.
pub fn transpose_map(x: &[usize], perm: &[usize]) -> Vec<usize> {
    let xstrides = strides(x);
    let y: Vec<usize> = perm.iter().map(|&p| x[p]).collect();
    let ystrides = strides(&y);
    (0..numel(&y))
        .map(|flat| perm.iter().enumerate().map(|(axis, &p)| (flat / ystrides[axis] % y[axis]) * xstrides[p]).sum())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broadcast_per_channel() {
        let m = broadcast_map(&[2, 1, 1], &[1, 2, 2, 2]);
        assert_eq!(m, vec![0, 0, 0, 0, 1, 1, 1, 1]);
        assert!(broadcasts_to(&[2, 1, 1], &[1, 2, 2, 2]));
        assert!(!broadcasts_to(&[3, 1, 1], &[1, 2, 2, 2]));
        assert!(!broadcasts_to(&[1, 1, 2, 2, 2], &[1, 2, 2, 2]));
    }

    #[test]
    fn transpose_nchw_to_nhwc() {
        // x = [[0,1,2],[3,4,5]] as shape [2,3]; transposed is [[0,3],[1,4],[2,5]].
        assert_eq!(transpose_map(&[2, 3], &[1, 0]), vec![0, 3, 1, 4, 2, 5]);
    }

    #[test]
    fn absurd_shapes_refused() {
        assert!(check_size(&[usize::MAX, 2]).is_err());
        assert!(check_size(&[1, 0]).is_err());
        assert!(check_size(&[1, 64]).is_ok());
    }
}
