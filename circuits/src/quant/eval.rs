//! The integer reference evaluator: the semantics every circuit must match bit for bit.

use thiserror::Error;

use super::arch::{Architecture, TensorSpec, Weights};
use super::rounding::{div_round, fits, pow2, quantize_value, rescale};
use crate::model::apply::apply;

#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum EvalError {
    #[error("wrong input length: the model takes {expected} values (shape {shape:?}), got {got}")]
    InputLength { expected: usize, shape: Vec<u32>, got: usize },
    #[error("input value {index} is not a finite number")]
    NotFinite { index: usize },
    #[error("input value {index} ({value}) is outside the model's input range (±{limit})")]
    InputRange { index: usize, value: String, limit: f64 },
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
pub fn quantize_input(arch: &Architecture, values: &[f64]) -> Result<Vec<i64>, EvalError> {
    let spec = &arch.input;
    if values.len() != spec.len() {
        return Err(EvalError::InputLength { expected: spec.len(), shape: spec.shape.clone(), got: values.len() });
    }
    values
        .iter()
        .enumerate()
        .map(|(index, &v)| {
            if !v.is_finite() {
                return Err(EvalError::NotFinite { index });
            }
            quantize_value(v, spec.scale).filter(|&q| fits(q, spec.bits)).ok_or(EvalError::InputRange {
                index,
                value: v.to_string(),
                limit: pow2(spec.bits as i32 - 1 - spec.scale),
            })
        })
        .collect()
}

/// Real values of the integers `q` of tensor `spec`: `q / 2^scale`.
pub fn dequantize(spec: &TensorSpec, q: &[i64]) -> Vec<f64> {
    let unit = pow2(-spec.scale);
    q.iter().map(|&v| v as f64 * unit).collect()
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
