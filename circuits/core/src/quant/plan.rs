//! The per-layer plan both circuits and their size estimates walk: each layer's step,
//! its input and output tensors, where its parameters sit among the committed values,
//! and what the layer before it leaves behind to fuse with. Computed once from the
//! architecture, so the two circuits cannot read a layer two ways.

use core::ops::Range;

use super::arch::{Architecture, LayerStep, TensorSpec};
use crate::model::op::UnweightedOp;

/// Where a ReLU's input comes from, which decides what each circuit can reuse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReluInput {
    /// Directly a rescale's output: its sign bit is already constrained. The halo2
    /// circuit fuses such a ReLU into the rescale's division; R1CS reuses the sign.
    Rescaled,
    /// A rescale's output moved by Reshape/Transpose only: R1CS reuses the (moved) sign
    /// bits; the halo2 circuit proves the ReLU on its own.
    RescaledThenMoved,
    /// Anything else: the ReLU range-checks its input itself.
    Other,
}

/// One layer, as the circuits take it.
#[derive(Clone, Debug)]
pub struct LayerPlan<'a> {
    /// Its index in `Architecture::layers`.
    pub index: usize,
    /// The op with its rescale, or the op without parameters.
    pub step: LayerStep<'a>,
    /// The layer's input tensor (the previous layer's output, or the model's input).
    pub input: &'a TensorSpec,
    /// The layer's output tensor.
    pub output: &'a TensorSpec,
    /// Its weights' positions among the committed values (empty without parameters).
    pub weights: Range<usize>,
    /// Its biases' positions among the committed values.
    pub biases: Range<usize>,
    /// For a ReLU, where its input comes from; `Other` for every other op.
    pub relu_input: ReluInput,
    /// The next layer is a ReLU of this (weighted) layer's rescaled output.
    pub relu_follows: bool,
}

impl LayerPlan<'_> {
    /// The input's dims (`[1, C, H, W]` for the spatial ops).
    pub fn x_shape(&self) -> Vec<usize> {
        self.input.dims()
    }

    /// The output's dims.
    pub fn y_shape(&self) -> Vec<usize> {
        self.output.dims()
    }

    /// `[C, H, W]` of the input of a spatial op.
    pub fn chw(&self) -> [usize; 3] {
        let x = self.x_shape();
        [x[1], x[2], x[3]]
    }

    /// `[H, W]` of the output of a spatial op.
    pub fn out_hw(&self) -> [usize; 2] {
        let y = self.y_shape();
        [y[2], y[3]]
    }
}

/// The architecture has a layer without a step (a rescale where none belongs, or none
/// where one must be); `Architecture::validate` refuses it first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoStep(pub usize);

/// The plan of `arch`, layer by layer.
pub fn plan(arch: &Architecture) -> Result<Vec<LayerPlan<'_>>, NoStep> {
    let mut layers = Vec::with_capacity(arch.layers.len());
    let mut at = 0usize;
    // What the values flowing into the next layer are: a rescale's output, possibly moved.
    let mut flowing = ReluInput::Other;
    for (index, layer) in arch.layers.iter().enumerate() {
        let step = layer.step().ok_or(NoStep(index))?;
        let (nw, nb) = match step {
            LayerStep::Weighted(op, _) => op.param_sizes(),
            LayerStep::Unweighted(_) => (0, 0),
        };
        let weights = at..at + nw;
        let biases = at + nw..at + nw + nb;
        at += nw + nb;
        let relu_input = match step {
            LayerStep::Unweighted(UnweightedOp::Relu) => flowing,
            _ => ReluInput::Other,
        };
        flowing = match step {
            LayerStep::Weighted(..) => ReluInput::Rescaled,
            LayerStep::Unweighted(UnweightedOp::Reshape | UnweightedOp::Transpose { .. }) => match flowing {
                ReluInput::Rescaled | ReluInput::RescaledThenMoved => ReluInput::RescaledThenMoved,
                ReluInput::Other => ReluInput::Other,
            },
            LayerStep::Unweighted(
                UnweightedOp::Relu
                | UnweightedOp::Clip { .. }
                | UnweightedOp::MaxPool { .. }
                | UnweightedOp::AvgPool { .. }
                | UnweightedOp::GlobalAvgPool,
            ) => ReluInput::Other,
        };
        layers.push(LayerPlan {
            index,
            step,
            input: arch.input_of(index),
            output: &layer.output,
            weights,
            biases,
            relu_input,
            relu_follows: false,
        });
    }
    for i in 1..layers.len() {
        if layers[i].relu_input == ReluInput::Rescaled {
            layers[i - 1].relu_follows = true;
        }
    }
    Ok(layers)
}
