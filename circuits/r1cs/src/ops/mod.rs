//! One module per op (or family of ops sharing a gadget): each layer's constraints and
//! their count side by side, so that the estimate cannot drift from the synthesis. The
//! two dispatches below are exhaustive over the plan's steps: a new op that lacks its
//! R1CS does not compile. The gadgets the layers are built from (`crate::linear`,
//! `rescale`, `range`, `pool`, `clip`) live beside their native twins.

pub mod clip;
pub mod linear;
pub mod pool;
pub mod relu;
pub mod reorder;

use zkseal_core::model::op::UnweightedOp;
use zkseal_core::quant::arch::LayerStep;
use zkseal_core::quant::plan::LayerPlan;

use crate::{Result, Synth, Wire};

/// The values between two layers: the wires, and, while they are a rescale's outputs
/// (possibly moved by Reshape/Transpose), their non-negativity bits.
pub struct Values {
    pub wires: Vec<Wire>,
    pub signs: Option<Vec<Wire>>,
}

impl Values {
    /// Values without sign bits.
    pub fn plain(wires: Vec<Wire>) -> Self {
        Values { wires, signs: None }
    }
}

/// Which part of `Costs` a layer's constraints count in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// Products of the weighted ops and their rescales.
    Linear,
    /// Everything else.
    Nonlinear,
}

/// The layer's constraints on `x`; `params` are every committed value's wires.
pub fn synthesize(s: &Synth, layer: &LayerPlan<'_>, params: &[Wire], x: Values) -> Result<Values> {
    match layer.step {
        LayerStep::Weighted(op, rescale) => {
            let (w, b) = (&params[layer.weights.clone()], &params[layer.biases.clone()]);
            linear::synthesize(s, layer, op, rescale, w, b, &x.wires)
        }
        LayerStep::Unweighted(op) => match op {
            UnweightedOp::Relu => relu::synthesize(s, layer, x),
            UnweightedOp::Clip { lo, hi } => clip::synthesize(s, layer, lo, hi, &x.wires),
            UnweightedOp::MaxPool { window } => pool::max_pool(s, layer, window, &x.wires),
            UnweightedOp::AvgPool { window, count_include_pad } => {
                pool::avg_pool(s, layer, window, count_include_pad, &x.wires)
            }
            UnweightedOp::GlobalAvgPool => pool::global_avg_pool(s, layer, &x.wires),
            UnweightedOp::Reshape => Ok(x),
            UnweightedOp::Transpose { perm } => Ok(reorder::transpose(layer, perm, x)),
        },
    }
}

/// The layer's constraint count: what `synthesize` adds.
pub fn cost(layer: &LayerPlan<'_>) -> u64 {
    match layer.step {
        LayerStep::Weighted(op, rescale) => linear::cost(layer, op, rescale),
        LayerStep::Unweighted(op) => match op {
            UnweightedOp::Relu => relu::cost(layer),
            UnweightedOp::Clip { .. } => clip::cost(layer),
            UnweightedOp::MaxPool { window } => pool::max_pool_cost(layer, window),
            UnweightedOp::AvgPool { window, count_include_pad } => {
                pool::avg_pool_cost(layer, window, count_include_pad)
            }
            UnweightedOp::GlobalAvgPool => pool::global_avg_pool_cost(layer),
            UnweightedOp::Reshape | UnweightedOp::Transpose { .. } => 0,
        },
    }
}

/// Where the layer's constraints count in `Costs`.
pub fn part(layer: &LayerPlan<'_>) -> Part {
    match layer.step {
        LayerStep::Weighted(..) => Part::Linear,
        LayerStep::Unweighted(_) => Part::Nonlinear,
    }
}
