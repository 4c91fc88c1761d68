//! The quantized model: its architecture (everything the circuit's shape depends on)
//! and its weights (the integers a commitment hides), kept apart so that setup can
//! read the first without the second.

use bincode::{Decode, Encode};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::rounding::{fits, signed_bits, MAX_SCALE, MIN_SCALE};
use crate::model::op::{Op, OpClass, UnweightedOp, WeightedOp};
use crate::model::shape::{check_size, numel, ShapeError};

/// Widest activation or weight the model file accepts. Accumulators stay below 2^62
/// so the reference evaluator computes in `i64` and circuits never wrap the field.
pub const MAX_VALUE_BITS: u32 = 32;
pub const MAX_ACC_BITS: u32 = 62;
/// Most multiply-accumulates (and window reads) one evaluation may take, so a decoded
/// file cannot make the evaluator or the circuit builder run for hours.
pub const MAX_WORK: u64 = 1 << 33;
/// Most layers a model may have.
pub const MAX_LAYERS: usize = 4096;

/// Shape and fixed-point format of a tensor: element `q` stands for `q / 2^scale`,
/// and `q` is a signed `bits`-bit integer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Encode, Decode)]
pub struct TensorSpec {
    pub shape: Vec<u32>,
    pub scale: i32,
    pub bits: u32,
}

impl TensorSpec {
    pub fn dims(&self) -> Vec<usize> {
        self.shape.iter().map(|&d| d as usize).collect()
    }
    pub fn len(&self) -> usize {
        numel(&self.dims())
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// How a layer with parameters turns its accumulator into its output.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Encode, Decode)]
pub struct Rescale {
    /// Scale of the weights (Affine: of the multiplier).
    pub weight_scale: i32,
    /// Signed width of every weight.
    pub weight_bits: u32,
    /// Signed width of every bias; biases are at scale `input.scale + weight_scale`.
    pub bias_bits: u32,
    /// Signed width that bounds every accumulator `Σ x·w + b`.
    pub acc_bits: u32,
    /// Right shift `k = input.scale + weight_scale − output.scale` (round half up).
    pub shift: u32,
}

/// One quantized layer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Encode, Decode)]
pub struct QLayer {
    pub name: String,
    pub op: Op,
    pub output: TensorSpec,
    /// Present exactly for the ops with parameters.
    pub rescale: Option<Rescale>,
}

/// A layer as the circuits and the estimate take it: an op with parameters and its
/// rescale, or an op without either.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayerStep<'a> {
    Weighted(WeightedOp<'a>, &'a Rescale),
    Unweighted(UnweightedOp<'a>),
}

impl QLayer {
    /// The layer's step; `None` when its rescale is present for an op without
    /// parameters or missing for one with them (`Architecture::validate` refuses both).
    pub fn step(&self) -> Option<LayerStep<'_>> {
        match (self.op.class(), &self.rescale) {
            (OpClass::Weighted(op), Some(r)) => Some(LayerStep::Weighted(op, r)),
            (OpClass::Unweighted(op), None) => Some(LayerStep::Unweighted(op)),
            (OpClass::Weighted(_), None) | (OpClass::Unweighted(_), Some(_)) => None,
        }
    }
}

/// The weight-free description of a quantized model.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Encode, Decode)]
pub struct Architecture {
    pub input: TensorSpec,
    pub layers: Vec<QLayer>,
}

/// Integer parameters of one layer (in `Architecture::layers` order, only for layers
/// with parameters). Layouts: Dense `W[out][in]`, Conv2d `W[out][in][kh][kw]`,
/// Affine `m` and `c` of `param_shape`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Encode, Decode)]
pub struct LayerWeights {
    pub weight: Vec<i64>,
    pub bias: Vec<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Encode, Decode)]
pub struct Weights {
    pub layers: Vec<LayerWeights>,
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ArchError {
    #[error("layer {index} ({name}): {source}")]
    Shape { index: usize, name: String, source: ShapeError },
    #[error("input: {0}")]
    InputShape(ShapeError),
    #[error("layer {index} ({name}): {what}")]
    Format { index: usize, name: String, what: String },
    #[error("model has {got} weighted layers' parameters, architecture needs {expected}")]
    WeightCount { expected: usize, got: usize },
    #[error("one evaluation would take {0} multiply-accumulates (limit {MAX_WORK})")]
    TooMuchWork(u64),
    #[error("layer {index} ({name}): {what}")]
    Weights { index: usize, name: String, what: String },
}

impl Architecture {
    /// Shape of layer `i`'s input.
    pub fn input_of(&self, i: usize) -> &TensorSpec {
        if i == 0 {
            &self.input
        } else {
            &self.layers[i - 1].output
        }
    }

    /// The model's output tensor.
    pub fn output(&self) -> &TensorSpec {
        self.layers.last().map_or(&self.input, |l| &l.output)
    }

    /// Number of weight and bias integers.
    pub fn parameter_count(&self) -> usize {
        self.layers.iter().filter_map(|l| l.op.param_sizes()).map(|(w, b)| w + b).sum()
    }

    /// Multiply-accumulates plus pooling-window reads of one evaluation.
    pub fn work(&self) -> u64 {
        self.layers
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let per_output = match l.op.class() {
                    OpClass::Weighted(op) => op.fan_in() as u64,
                    OpClass::Unweighted(UnweightedOp::MaxPool { window } | UnweightedOp::AvgPool { window, .. }) => {
                        window.kernel[0] as u64 * window.kernel[1] as u64
                    }
                    OpClass::Unweighted(UnweightedOp::GlobalAvgPool) => {
                        (self.input_of(i).len() / l.output.len().max(1)) as u64
                    }
                    OpClass::Unweighted(
                        UnweightedOp::Relu
                        | UnweightedOp::Clip { .. }
                        | UnweightedOp::Reshape
                        | UnweightedOp::Transpose { .. },
                    ) => 1,
                };
                (l.output.len() as u64).saturating_mul(per_output)
            })
            .fold(0u64, u64::saturating_add)
    }

    /// Checks every invariant the evaluator and the circuits rely on: shapes follow
    /// from the ops, formats are in range, scales and shifts agree, accumulators fit.
    pub fn validate(&self) -> Result<(), ArchError> {
        check_spec(&self.input).map_err(ArchError::InputShape)?;
        if !(1..=MAX_VALUE_BITS).contains(&self.input.bits) || !(MIN_SCALE..=MAX_SCALE).contains(&self.input.scale) {
            return Err(ArchError::Format { index: 0, name: "input".into(), what: "input format out of range".into() });
        }
        if self.layers.len() > MAX_LAYERS {
            return Err(ArchError::Format {
                index: MAX_LAYERS,
                name: String::new(),
                what: format!("more than {MAX_LAYERS} layers"),
            });
        }
        for (index, layer) in self.layers.iter().enumerate() {
            let err = |what: &str| ArchError::Format { index, name: layer.name.clone(), what: what.into() };
            let input = self.input_of(index);
            let shape = |source| ArchError::Shape { index, name: layer.name.clone(), source };
            check_spec(&layer.output).map_err(shape)?;
            let out = layer.op.output_shape(&input.dims(), &layer.output.dims()).map_err(shape)?;
            if out != layer.output.dims() {
                return Err(shape(ShapeError::Mismatch { expected: out, got: layer.output.dims() }));
            }
            let o = &layer.output;
            if !(1..=MAX_VALUE_BITS).contains(&o.bits) || !(MIN_SCALE..=MAX_SCALE).contains(&o.scale) {
                return Err(err("output format out of range"));
            }
            match layer.step().ok_or_else(|| err("rescale present iff the op has parameters"))? {
                LayerStep::Weighted(op, r) => {
                    if !(1..=MAX_VALUE_BITS).contains(&r.weight_bits)
                        || r.bias_bits == 0
                        || !(MIN_SCALE..=MAX_SCALE).contains(&r.weight_scale)
                    {
                        return Err(err("weight format out of range"));
                    }
                    let shift = input.scale as i64 + r.weight_scale as i64 - o.scale as i64;
                    if shift != r.shift as i64 {
                        return Err(err("shift does not equal input scale + weight scale - output scale"));
                    }
                    if r.acc_bits > MAX_ACC_BITS || r.bias_bits > r.acc_bits || r.shift >= r.acc_bits {
                        return Err(err("accumulator format out of range"));
                    }
                    if accumulator_bits(op.fan_in(), input.bits, r.weight_bits, r.bias_bits) > r.acc_bits {
                        return Err(err("accumulator width below the bound of its inputs"));
                    }
                }
                LayerStep::Unweighted(UnweightedOp::Clip { lo, hi }) => {
                    if o.scale != input.scale || o.bits > input.bits {
                        return Err(err("a clip keeps its input's scale and cannot widen it"));
                    }
                    if lo > hi || !fits(lo, o.bits) || !fits(hi, o.bits) {
                        return Err(err("clip bounds must satisfy lo <= hi and fit the output's width"));
                    }
                }
                LayerStep::Unweighted(
                    UnweightedOp::Relu
                    | UnweightedOp::MaxPool { .. }
                    | UnweightedOp::AvgPool { .. }
                    | UnweightedOp::GlobalAvgPool
                    | UnweightedOp::Reshape
                    | UnweightedOp::Transpose { .. },
                ) => {
                    if o.scale != input.scale || o.bits != input.bits {
                        return Err(err("an op without parameters must keep its input's format"));
                    }
                }
            }
        }
        if self.work() > MAX_WORK {
            return Err(ArchError::TooMuchWork(self.work()));
        }
        Ok(())
    }

    /// Checks that `weights` fit this architecture: one entry per layer with
    /// parameters, lengths as the ops say, every integer within its declared width.
    pub fn check_weights(&self, weights: &Weights) -> Result<(), ArchError> {
        let weighted: Vec<_> = self.layers.iter().enumerate().filter(|(_, l)| l.rescale.is_some()).collect();
        if weighted.len() != weights.layers.len() {
            return Err(ArchError::WeightCount { expected: weighted.len(), got: weights.layers.len() });
        }
        for ((index, layer), lw) in weighted.into_iter().zip(&weights.layers) {
            let err = |what: String| ArchError::Weights { index, name: layer.name.clone(), what };
            let (nw, nb) = layer.op.param_sizes().expect("weighted");
            let r = layer.rescale.as_ref().expect("weighted");
            if lw.weight.len() != nw || lw.bias.len() != nb {
                return Err(err(format!(
                    "expected {nw} weights and {nb} biases, got {} and {}",
                    lw.weight.len(),
                    lw.bias.len()
                )));
            }
            if let Some(w) = lw.weight.iter().find(|&&w| !fits(w, r.weight_bits)) {
                return Err(err(format!("weight {w} does not fit {} bits", r.weight_bits)));
            }
            if let Some(b) = lw.bias.iter().find(|&&b| !fits(b, r.bias_bits)) {
                return Err(err(format!("bias {b} does not fit {} bits", r.bias_bits)));
            }
        }
        Ok(())
    }
}

fn check_spec(spec: &TensorSpec) -> Result<(), ShapeError> {
    check_size(&spec.dims())
}

/// Signed width bounding `Σ_{fan_in} x·w + b` for `x`, `w`, `b` of the given widths:
/// `|Σ| ≤ fan_in·2^(x_bits−1)·2^(w_bits−1) + 2^(b_bits−1)`.
pub fn accumulator_bits(fan_in: usize, x_bits: u32, w_bits: u32, b_bits: u32) -> u32 {
    let products = (fan_in as u128) << (x_bits + w_bits - 2);
    let bound = products + (1u128 << (b_bits - 1));
    signed_bits(bound)
}
