//! Accumulators of the layers with parameters: `Σ x·w + b` as wires.
//!
//! One product constraint per multiply-accumulate; the sums are linear combinations
//! and cost nothing. The taps come from the same enumerators the evaluators use
//! (`model::kernels::conv2d_taps`, `model::shape::broadcast_map`), so the circuit
//! cannot wire an input to a different weight than the reference semantics.

use super::{Result, Synth, Wire};
use zkseal_core::model::kernels::conv2d_taps;
use zkseal_core::model::op::Window2d;
use zkseal_core::model::shape::broadcast_map;

/// `acc += x·w`
fn mac(s: &Synth, acc: &mut Wire, x: &Wire, w: &Wire) -> Result<()> {
    let p = s.mul(x, w)?;
    acc.accumulate(1, &p);
    Ok(())
}

/// `y[r][o] = Σ_i x[r][i]·w[o][i] + b[o]`.
pub fn dense(s: &Synth, x: &[Wire], w: &[Wire], b: &[Wire], in_features: usize) -> Result<Vec<Wire>> {
    let mut y = Vec::with_capacity(x.len() / in_features * b.len());
    for row in x.chunks_exact(in_features) {
        for (wo, bo) in w.chunks_exact(in_features).zip(b) {
            let mut acc = bo.clone();
            for (xi, wi) in row.iter().zip(wo) {
                mac(s, &mut acc, xi, wi)?;
            }
            y.push(acc);
        }
    }
    Ok(y)
}

/// Convolution accumulators (`kernels::conv2d` with wires).
pub fn conv2d(
    s: &Synth,
    x: &[Wire],
    chw: [usize; 3],
    w: &[Wire],
    b: &[Wire],
    window: &Window2d,
    out_hw: [usize; 2],
) -> Result<Vec<Wire>> {
    let plane = out_hw[0] * out_hw[1];
    let mut y: Vec<Wire> = b.iter().flat_map(|bo| std::iter::repeat_n(bo.clone(), plane)).collect();
    let mut taps = Vec::new();
    conv2d_taps(chw, b.len(), window, out_hw, |o, i, k| taps.push((o, i, k)));
    for (o, i, k) in taps {
        mac(s, &mut y[o], &x[i], &w[k])?;
    }
    Ok(y)
}

/// `x ⊙ m + c` with `m`, `c` broadcast from `param_shape`.
pub fn affine(
    s: &Synth,
    x: &[Wire],
    x_shape: &[usize],
    m: &[Wire],
    c: &[Wire],
    param_shape: &[usize],
) -> Result<Vec<Wire>> {
    broadcast_map(param_shape, x_shape)
        .into_iter()
        .zip(x)
        .map(|(p, xi)| {
            let mut acc = c[p].clone();
            mac(s, &mut acc, xi, &m[p])?;
            Ok(acc)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::testing::{satisfied, synth, wires};
    use super::*;
    use zkseal_core::model::kernels;

    fn values(w: &[Wire]) -> Vec<i64> {
        w.iter().map(|x| x.value.unwrap() as i64).collect()
    }

    #[test]
    fn dense_and_conv_match_the_native_kernels() {
        let s = synth();
        let xv: Vec<i64> = (0..18).map(|i| (i * 7 % 11) - 5).collect();
        let wv: Vec<i64> = (0..36).map(|i| (i * 5 % 13) - 6).collect();
        let bv = vec![3, -4];
        let (x, w, b) = (wires(&s, &xv), wires(&s, &wv), wires(&s, &bv));
        let win = Window2d { kernel: [3, 3], stride: [2, 1], pads: [1, 0, 1, 2], ceil_mode: false };
        let out = conv2d(&s, &x, [2, 3, 3], &w, &b, &win, [2, 3]).unwrap();
        assert_eq!(values(&out), kernels::conv2d(&xv, [2, 3, 3], &wv, &bv, &win, [2, 3]));
        let d = dense(&s, &x[..6], &w[..12], &b, 6).unwrap();
        assert_eq!(values(&d), kernels::dense(&xv[..6], &wv[..12], &bv, 6));
        let a = affine(&s, &x[..4], &[1, 2, 1, 2], &w[..2], &b, &[2, 1, 1]).unwrap();
        assert_eq!(values(&a), kernels::affine(&xv[..4], &[1, 2, 1, 2], &wv[..2], &bv, &[2, 1, 1]));
        assert!(satisfied(&s));
    }

    #[test]
    fn a_wrong_output_is_refused() {
        use super::super::rescale::{rescale_hint, rescale_with};
        for lie in [0i128, 8, -8] {
            let s = synth();
            let v = wires(&s, &[3, 4, 1, -2, 5]);
            let y = dense(&s, &v[..2], &v[2..4], &v[4..], 2).unwrap();
            assert_eq!(y[0].value, Some(3 - 8 + 5));
            // The prover claims the rescale of a different accumulator.
            let hint = rescale_hint(y[0].value.unwrap() + lie, 2);
            rescale_with(&s, &y[0], 2, 8, Some(hint)).unwrap();
            assert_eq!(satisfied(&s), lie == 0, "accumulator off by {lie}");
        }
    }
}
