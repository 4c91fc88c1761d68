//! Per-op integer semantics, checked against hand-computed values.

use super::arch::{accumulator_bits, Architecture, LayerWeights, QLayer, Rescale, TensorSpec, Weights};
use super::eval::{evaluate, EvalError};
use crate::model::op::{Op, Window2d};

fn spec(shape: &[u32], scale: i32, bits: u32) -> TensorSpec {
    TensorSpec { shape: shape.to_vec(), scale, bits }
}

/// A one-layer model; a weighted op gets 8-bit weights at `weight_scale`.
fn one_layer(input: TensorSpec, op: Op, out: TensorSpec, weight_scale: i32) -> Architecture {
    let rescale = op.param_sizes().map(|_| {
        let bias_bits = 16;
        Rescale {
            weight_scale,
            weight_bits: 8,
            bias_bits,
            acc_bits: accumulator_bits(op.fan_in(), input.bits, 8, bias_bits),
            shift: (input.scale + weight_scale - out.scale) as u32,
        }
    });
    let arch = Architecture { input, layers: vec![QLayer { name: "l".into(), op, output: out, rescale }] };
    arch.validate().expect("hand-built architecture is valid");
    arch
}

fn run(arch: &Architecture, weights: Vec<LayerWeights>, x: &[i64]) -> Result<Vec<i64>, EvalError> {
    let weights = Weights { layers: weights };
    arch.check_weights(&weights).expect("weights fit");
    evaluate(arch, &weights, x).map(|t| t.output().to_vec())
}

fn window(k: u32, s: u32, p: u32) -> Window2d {
    Window2d { kernel: [k, k], stride: [s, s], pads: [p; 4], ceil_mode: false }
}

#[test]
fn dense_rescales_half_up() {
    let op = Op::Dense { in_features: 2, out_features: 2 };
    let arch = one_layer(spec(&[1, 2], 2, 8), op, spec(&[1, 2], 1, 8), 1);
    // acc0 = 3·2 + (−5)·1 + 4 = 5 → ⌊(5 + 2)/4⌋ = 1
    // acc1 = 3·(−1) + (−5)·3 − 2 = −20 → ⌊(−20 + 2)/4⌋ = ⌊−4.5⌋ = −5
    let w = LayerWeights { weight: vec![2, 1, -1, 3], bias: vec![4, -2] };
    assert_eq!(run(&arch, vec![w], &[3, -5]).unwrap(), vec![1, -5]);
}

#[test]
fn conv_reads_zero_padding_and_strides() {
    let op = Op::Conv2d {
        in_channels: 1,
        out_channels: 1,
        window: Window2d { kernel: [2, 2], stride: [2, 2], pads: [1, 1, 0, 0], ceil_mode: false },
    };
    let arch = one_layer(spec(&[1, 1, 3, 3], 0, 8), op, spec(&[1, 1, 2, 2], 0, 8), 0);
    // Padded input (top row and left column zero):
    //   0 0 0 0 / 0 1 2 3 / 0 4 5 6 / 0 7 8 9, kernel [[1, 2], [3, 4]], bias 1.
    let w = LayerWeights { weight: vec![1, 2, 3, 4], bias: vec![1] };
    let x = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    // (0,0): 4·1 + 1 = 5; (0,1): 3·2 + 4·3 + 1 = 19; (1,0): 2·4 + 4·7 + 1 = 37;
    // (1,1): 1·5 + 2·6 + 3·8 + 4·9 + 1 = 78
    assert_eq!(run(&arch, vec![w], &x).unwrap(), vec![5, 19, 37, 78]);
}

#[test]
fn average_pool_divisors_and_rounding() {
    let x = [1, 2, 3, 4];
    let neg = [-1, -2, -3, -4];
    for (include, pos, negs) in [(false, 3, -2), (true, 1, -1)] {
        let op = Op::AvgPool { window: window(3, 1, 1), count_include_pad: include };
        let arch = one_layer(spec(&[1, 1, 2, 2], 0, 8), op, spec(&[1, 1, 2, 2], 0, 8), 0);
        // Every window holds all four values, sum ±10: 10/4 = 2.5 → 3, −2.5 → −2;
        // with padding counted 10/9 → 1, −10/9 → −1.
        assert_eq!(run(&arch, vec![], &x).unwrap(), vec![pos; 4]);
        assert_eq!(run(&arch, vec![], &neg).unwrap(), vec![negs; 4]);
    }
    let arch = one_layer(spec(&[1, 1, 2, 3], 0, 8), Op::GlobalAvgPool, spec(&[1, 1, 1, 1], 0, 8), 0);
    assert_eq!(run(&arch, vec![], &[1, 2, 3, 4, 5, 6]).unwrap(), vec![4]); // 3.5 → 4
}

#[test]
fn max_pool_ignores_padding() {
    let op = Op::MaxPool { window: window(3, 2, 1) };
    let arch = one_layer(spec(&[1, 1, 3, 3], 0, 8), op, spec(&[1, 1, 2, 2], 0, 8), 0);
    let x = [-9, -8, -7, -6, -5, -4, -3, -2, -10];
    // Windows: rows/cols {0,1}×{0,1} → −5; {0,1}×{1,2} → −4; {1,2}×{0,1} → −2; {1,2}×{1,2} → −2
    assert_eq!(run(&arch, vec![], &x).unwrap(), vec![-5, -4, -2, -2]);
}

#[test]
fn relu_reshape_transpose_are_exact() {
    let arch = one_layer(spec(&[1, 3], 0, 8), Op::Relu, spec(&[1, 3], 0, 8), 0);
    assert_eq!(run(&arch, vec![], &[-3, 0, 5]).unwrap(), vec![0, 0, 5]);
    let arch = one_layer(spec(&[1, 2, 3], 0, 8), Op::Transpose { perm: vec![0, 2, 1] }, spec(&[1, 3, 2], 0, 8), 0);
    assert_eq!(run(&arch, vec![], &[1, 2, 3, 4, 5, 6]).unwrap(), vec![1, 4, 2, 5, 3, 6]);
    let arch = one_layer(spec(&[1, 2, 3], 0, 8), Op::Reshape, spec(&[6], 0, 8), 0);
    assert_eq!(run(&arch, vec![], &[1, 2, 3, 4, 5, 6]).unwrap(), vec![1, 2, 3, 4, 5, 6]);
}

#[test]
fn affine_broadcasts_per_channel() {
    let op = Op::Affine { param_shape: vec![2, 1, 1] };
    let arch = one_layer(spec(&[1, 2, 1, 2], 0, 8), op, spec(&[1, 2, 1, 2], 0, 8), 1);
    // Channel 0: (x·3 + 1)/2; channel 1: (x·(−2) + 0)/2, rounded half up.
    let w = LayerWeights { weight: vec![3, -2], bias: vec![1, 0] };
    // (1·3+1)/2 = 2, (2·3+1)/2 = 3.5 → 4, (3·−2)/2 = −3, (−1·−2)/2 = 1
    assert_eq!(run(&arch, vec![w], &[1, 2, 3, -1]).unwrap(), vec![2, 4, -3, 1]);
}

#[test]
fn overflow_is_an_error_not_a_wrap() {
    let op = Op::Dense { in_features: 1, out_features: 1 };
    let arch = one_layer(spec(&[1, 1], 0, 8), op, spec(&[1, 1], 0, 8), 0);
    let w = || vec![LayerWeights { weight: vec![2], bias: vec![0] }];
    assert_eq!(run(&arch, w(), &[63]).unwrap(), vec![126]);
    assert!(matches!(run(&arch, w(), &[64]), Err(EvalError::Overflow { value: 128, bits: 8, .. })));
    assert!(matches!(run(&arch, w(), &[-65]), Err(EvalError::Overflow { value: -130, .. })));
    assert!(matches!(run(&arch, w(), &[200]), Err(EvalError::InputRange { .. })));
}

#[test]
fn clip_bounds_and_narrows() {
    let op = Op::Clip { lo: -3, hi: 5 };
    let arch = one_layer(spec(&[1, 5], 2, 12), op, spec(&[1, 5], 2, 4), 0);
    assert_eq!(run(&arch, vec![], &[-2000, -3, 0, 5, 2047]).unwrap(), vec![-3, -3, 0, 5, 5]);
    // A clip may narrow its input's width but not change its scale or widen it, and its
    // bounds must be ordered and fit the output.
    for (lo, hi, in_bits, out_bits, out_scale) in
        [(5, -3, 12, 4, 2), (-3, 5, 12, 13, 2), (-3, 5, 12, 4, 3), (-3, 9, 12, 4, 2), (-9, 5, 12, 4, 2)]
    {
        let layer = QLayer {
            name: "c".into(),
            op: Op::Clip { lo, hi },
            output: spec(&[1, 5], out_scale, out_bits),
            rescale: None,
        };
        let arch = Architecture { input: spec(&[1, 5], 2, in_bits), layers: vec![layer] };
        assert!(arch.validate().is_err(), "clip [{lo}, {hi}] {in_bits} → {out_bits} bits, scale {out_scale}");
    }
}
