//! The integer reference evaluator: the semantics every circuit must match bit for bit.

use thiserror::Error;

use super::arch::{Architecture, TensorSpec, Weights};
use super::rounding::{div_round, fits, pow2, quantize_value, rescale};
use crate::model::apply::apply;
use crate::model::op::Op;

#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum EvalError {
    #[error("wrong input length: the model takes {expected} values (shape {shape:?}), got {got}")]
    InputLength { expected: usize, shape: Vec<u32>, got: usize },
    #[error("input value {index} is not a finite number")]
    NotFinite { index: usize },
    #[error(
        "input value {index} ({value}) is outside the model's input range (±{limit}, from its calibration); \
         re-import the model with --input-range LO:HI to clip inputs to a range you choose, or with \
         --calibration data that covers such values"
    )]
    InputRange { index: usize, value: String, limit: f64 },
    #[error(
        "input value {index} ({value}) is beyond ±{limit}, the most the model's input format holds \
         (values between that and its declared input range [{lo}, {hi}] are clipped to the range)"
    )]
    BeyondInputFormat { index: usize, value: String, limit: f64, lo: f64, hi: f64 },
    #[error("layer {index} ({name}): value {value} overflows the declared {bits}-bit width; the input is outside the calibrated range")]
    Overflow { index: usize, name: String, value: i64, bits: u32 },
}

/// All intermediate integers of one evaluation: the quantized input and every
/// layer's output (after rescale), in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace {
    pub input: Vec<i64>,
    pub layers: Vec<Vec<i64>>,
}

impl Trace {
    /// The model's output integers.
    pub fn output(&self) -> &[i64] {
        self.layers.last().unwrap_or(&self.input)
    }
}

/// Quantizes a float input: `q = ⌊v·2^s + ½⌋`, which must fit the input's width.
/// A model with a declared input range clips `q` in its first layer, so its input's
/// width is wider than the range and only values beyond that width are refused.
pub fn quantize_input(arch: &Architecture, values: &[f64]) -> Result<Vec<i64>, EvalError> {
    let spec = &arch.input;
    if values.len() != spec.len() {
        return Err(EvalError::InputLength { expected: spec.len(), shape: spec.shape.clone(), got: values.len() });
    }
    let limit = pow2(spec.bits as i32 - 1 - spec.scale);
    let refusal = |index: usize, v: f64| match declared_input_range(arch) {
        Some((lo, hi)) => EvalError::BeyondInputFormat { index, value: v.to_string(), limit, lo, hi },
        None => EvalError::InputRange { index, value: v.to_string(), limit },
    };
    values
        .iter()
        .enumerate()
        .map(|(index, &v)| {
            if !v.is_finite() {
                return Err(EvalError::NotFinite { index });
            }
            quantize_value(v, spec.scale).filter(|&q| fits(q, spec.bits)).ok_or_else(|| refusal(index, v))
        })
        .collect()
}

/// The real input range `[lo, hi]` a model clips its input to (`import --input-range`):
/// its first layer's clip bounds at the input's scale.
pub fn declared_input_range(arch: &Architecture) -> Option<(f64, f64)> {
    match arch.layers.first()?.op {
        Op::Clip { lo, hi } => {
            let unit = pow2(-arch.input.scale);
            Some((lo as f64 * unit, hi as f64 * unit))
        }
        _ => None,
    }
}

/// The real input values a model accepts, `(lo, hi, clipped)`: its declared range when
/// it clips (values beyond it, up to what the input format holds, are clipped), else
/// the input format's range from calibration (values beyond it are refused).
pub fn accepted_input_range(arch: &Architecture) -> (f64, f64, bool) {
    match declared_input_range(arch) {
        Some((lo, hi)) => (lo, hi, true),
        None => {
            let s = &arch.input;
            (-pow2(s.bits as i32 - 1 - s.scale), (pow2(s.bits as i32 - 1) - 1.0) * pow2(-s.scale), false)
        }
    }
}

/// Real values of the integers `q` of tensor `spec`: `q / 2^scale`.
pub fn dequantize(spec: &TensorSpec, q: &[i64]) -> Vec<f64> {
    zkseal_verifier::dequantize(q, spec.scale)
}

/// Evaluates the quantized model on integer input `input`.
///
/// `arch` must have passed `validate` and `weights` `check_weights` (a decoded or
/// freshly quantized `Model` has); then every accumulator fits `i64`.
pub fn evaluate(arch: &Architecture, weights: &Weights, input: &[i64]) -> Result<Trace, EvalError> {
    if input.len() != arch.input.len() {
        return Err(EvalError::InputLength {
            expected: arch.input.len(),
            shape: arch.input.shape.clone(),
            got: input.len(),
        });
    }
    if let Some(index) = input.iter().position(|&q| !fits(q, arch.input.bits)) {
        return Err(EvalError::InputRange {
            index,
            value: input[index].to_string(),
            limit: pow2(arch.input.bits as i32 - 1 - arch.input.scale),
        });
    }
    let mut layers: Vec<Vec<i64>> = Vec::with_capacity(arch.layers.len());
    let mut params = weights.layers.iter();
    for (index, layer) in arch.layers.iter().enumerate() {
        let x = if index == 0 { input } else { &layers[index - 1] };
        let in_spec = arch.input_of(index);
        let lw = layer.rescale.as_ref().map(|_| params.next().expect("checked weights"));
        let acc = apply(
            &layer.op,
            x,
            &in_spec.dims(),
            &layer.output.dims(),
            lw.map(|w| (w.weight.as_slice(), w.bias.as_slice())),
            &|sum, n| div_round(sum, n as u64),
        );
        let y: Vec<i64> = match &layer.rescale {
            Some(r) => acc.into_iter().map(|a| rescale(a, r.shift)).collect(),
            None => acc,
        };
        if let Some(&value) = y.iter().find(|&&v| !fits(v, layer.output.bits)) {
            return Err(EvalError::Overflow { index, name: layer.name.clone(), value, bits: layer.output.bits });
        }
        layers.push(y);
    }
    Ok(Trace { input: input.to_vec(), layers })
}
