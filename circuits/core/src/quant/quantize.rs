//! Calibration and quantization: float model + sample inputs → architecture + weights.
//!
//! Every scale is a power of two chosen from the range a tensor takes on the calibration
//! samples (`calibration`: their maximum, outliers left out), leaving one bit of headroom
//! for unseen inputs; `report` measures the result against the float model. The rules
//! are written out in `specs/quantization.md`; everything here is deterministic.

use thiserror::Error;

mod calibration;
mod report;

pub use calibration::{calibrate, Calibration, CALIBRATION_RULE, OUTLIER_FACTOR};
pub use report::{
    argmax, assess, compare, OutputKind, Problem, QuantReport, MAX_ERROR_PERCENT, MIN_AGREEMENT_PERCENT,
    MIN_CALIBRATION_SAMPLES, WORST,
};

use super::arch::{
    accumulator_bits, ArchError, Architecture, LayerWeights, QLayer, Rescale, TensorSpec, Weights, MAX_ACC_BITS,
    MAX_VALUE_BITS,
};
use super::rounding::{pow2, quantize_value, scale_for, signed_bits};
use crate::model::float::FloatModel;
use crate::model::op::Op;

/// Bit widths of the quantized model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuantConfig {
    /// Signed width of the input and of every activation.
    pub activation_bits: u32,
    /// Signed width of every weight (and Affine multiplier).
    pub weight_bits: u32,
}

impl Default for QuantConfig {
    fn default() -> Self {
        QuantConfig { activation_bits: 16, weight_bits: 12 }
    }
}

#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum QuantError {
    #[error("no calibration samples")]
    NoSamples,
    #[error("calibration sample {sample}: expected {expected} values, got {got}")]
    SampleLength { sample: usize, expected: usize, got: usize },
    #[error("calibration sample {sample}: value {index} is not finite")]
    NotFinite { sample: usize, index: usize },
    #[error("layer {index} ({name}): the float model produced a non-finite value on calibration sample {sample}")]
    NonFiniteActivation { index: usize, name: String, sample: usize },
    #[error("layer {index} ({name}): a parameter is not finite or too large to quantize")]
    BadParameter { index: usize, name: String },
    #[error("layer {index} ({name}): accumulator needs {bits} bits (limit {MAX_ACC_BITS}); lower --weight-bits or --activation-bits")]
    AccumulatorTooWide { index: usize, name: String, bits: u32 },
    #[error("invalid input range {lo}:{hi}: the bounds must be finite numbers with LO < HI, distinct at the input's precision")]
    InputRange { lo: f64, hi: f64 },
    #[error("invalid bit widths: activations {activation_bits}, weights {weight_bits} (each must be 2..=24)")]
    Config { activation_bits: u32, weight_bits: u32 },
    #[error(transparent)]
    Arch(#[from] ArchError),
}

/// Quantizes `model` with the scales implied by `cal`.
pub fn quantize(
    model: &FloatModel,
    cal: &Calibration,
    config: &QuantConfig,
) -> Result<(Architecture, Weights), QuantError> {
    let (ab, wb) = (config.activation_bits, config.weight_bits);
    if !(2..=24).contains(&ab) || !(2..=24).contains(&wb) {
        return Err(QuantError::Config { activation_bits: ab, weight_bits: wb });
    }
    // One bit of headroom over the calibrated maximum; weights use their full width.
    let act_limit = pow2(ab as i32 - 2);
    let weight_limit = pow2(wb as i32 - 1) - 1.0;
    let spec =
        |shape: &[usize], scale: i32| TensorSpec { shape: shape.iter().map(|&d| d as u32).collect(), scale, bits: ab };

    // An all-zero tensor is scaled as if its magnitude were 1, not at the extreme scale.
    let magnitude = |m: f64| if m > 0.0 { m } else { 1.0 };
    let mut layers: Vec<QLayer> = Vec::with_capacity(model.layers.len() + 1);
    let input = match model.input_range {
        None => spec(&model.input_shape, scale_for(magnitude(cal.input_max), act_limit)),
        Some(range) => {
            let clip = input_clip(&model.input_shape, range, ab)?;
            let input = TensorSpec { bits: (ab + INPUT_RANGE_EXTRA_BITS).min(MAX_VALUE_BITS), ..clip.output.clone() };
            layers.push(clip);
            input
        }
    };
    let mut weights = Vec::new();
    for (index, layer) in model.layers.iter().enumerate() {
        let in_spec = layers.last().map_or(&input, |l: &QLayer| &l.output).clone();
        let Some((w, b)) = &layer.params else {
            layers.push(QLayer {
                name: layer.name.clone(),
                op: layer.op.clone(),
                output: TensorSpec { shape: spec(&layer.output_shape, 0).shape, ..in_spec },
                rescale: None,
            });
            continue;
        };
        let bad = || QuantError::BadParameter { index, name: layer.name.clone() };
        let w_max = w.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        if !w_max.is_finite() || b.iter().any(|v| !v.is_finite()) {
            return Err(bad());
        }
        let weight_scale = scale_for(magnitude(w_max), weight_limit).min(pow_cap(in_spec.scale));
        let acc_scale = in_spec.scale + weight_scale;
        let out_scale = scale_for(magnitude(cal.layer_max[index]), act_limit).min(acc_scale);
        let quantize_all = |v: &[f64], s: i32| {
            v.iter().map(|&x| quantize_value(x, s).ok_or_else(bad)).collect::<Result<Vec<i64>, _>>()
        };
        let wq = quantize_all(w, weight_scale)?;
        let bq = quantize_all(b, acc_scale)?;
        let fan_in = layer.op.fan_in();
        let products_bits = accumulator_bits(fan_in, in_spec.bits, wb, 1) - 1;
        let bias_max = bq.iter().map(|v| v.unsigned_abs() as u128).max().unwrap_or(0);
        let bias_bits = products_bits.max(signed_bits(bias_max));
        let acc_bits = accumulator_bits(fan_in, in_spec.bits, wb, bias_bits);
        if acc_bits > MAX_ACC_BITS {
            return Err(QuantError::AccumulatorTooWide { index, name: layer.name.clone(), bits: acc_bits });
        }
        layers.push(QLayer {
            name: layer.name.clone(),
            op: layer.op.clone(),
            output: spec(&layer.output_shape, out_scale),
            rescale: Some(Rescale {
                weight_scale,
                weight_bits: wb,
                bias_bits,
                acc_bits,
                shift: (acc_scale - out_scale) as u32,
            }),
        });
        weights.push(LayerWeights { weight: wq, bias: bq });
    }
    let arch = Architecture { input, layers };
    let weights = Weights { layers: weights };
    arch.validate()?;
    arch.check_weights(&weights)?;
    Ok((arch, weights))
}

/// Bits the input of a model with a declared input range has beyond its activations:
/// inputs up to 2^8 times the range's magnitude are accepted (and clipped); only
/// absurd values, beyond the input's format, are refused.
pub const INPUT_RANGE_EXTRA_BITS: u32 = 8;

/// The first layer of a model with a declared input range `[lo, hi]`: a clip at the
/// largest scale that holds `max(|lo|, |hi|)` in a signed `bits`-bit integer (no
/// headroom: a clipped value never exceeds its bounds).
fn input_clip(shape: &[usize], (lo, hi): (f64, f64), bits: u32) -> Result<QLayer, QuantError> {
    let bad = || QuantError::InputRange { lo, hi };
    if !(lo.is_finite() && hi.is_finite() && lo < hi) {
        return Err(bad());
    }
    let scale = scale_for(lo.abs().max(hi.abs()), pow2(bits as i32 - 1) - 1.0);
    let (Some(lo_q), Some(hi_q)) = (quantize_value(lo, scale), quantize_value(hi, scale)) else {
        return Err(bad());
    };
    if lo_q >= hi_q {
        return Err(bad());
    }
    let output = TensorSpec { shape: shape.iter().map(|&d| d as u32).collect(), scale, bits };
    Ok(QLayer { name: INPUT_RANGE_LAYER.into(), op: Op::Clip { lo: lo_q, hi: hi_q }, output, rescale: None })
}

/// The name of the clip layer `import --input-range` adds.
pub const INPUT_RANGE_LAYER: &str = "input_range";

/// Caps a weight scale so that input scale + weight scale stays within the scale range.
fn pow_cap(input_scale: i32) -> i32 {
    super::rounding::MAX_SCALE - input_scale.max(0)
}

/// `synthetic_samples` spread from [−1, 1) over `[lo, hi]`, `lo + (v + 1)·½·(hi − lo)`:
/// without samples, a model with a declared input range is calibrated across it.
pub fn synthetic_samples_in(n: usize, len: usize, (lo, hi): (f64, f64)) -> Vec<Vec<f64>> {
    let mut samples = synthetic_samples(n, len);
    samples.iter_mut().flatten().for_each(|v| *v = lo + (*v + 1.0) * 0.5 * (hi - lo));
    samples
}

/// `n` deterministic pseudo-random samples uniform in [−1, 1) (SplitMix64), used
/// when the user gives no calibration set.
pub fn synthetic_samples(n: usize, len: usize) -> Vec<Vec<f64>> {
    let mut state: u64 = 0x5eed_2a1c_0ffe_e000;
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        (z >> 11) as f64 * pow2(-53) * 2.0 - 1.0
    };
    (0..n).map(|_| (0..len).map(|_| next()).collect()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_samples_spread_over_a_declared_range() {
        let unit = synthetic_samples(8, 5);
        let spread = synthetic_samples_in(8, 5, (-3.0, 5.0));
        for (u, s) in unit.iter().flatten().zip(spread.iter().flatten()) {
            assert_eq!(*s, -3.0 + (u + 1.0) * 4.0);
            assert!((-3.0..5.0).contains(s));
        }
    }
}
