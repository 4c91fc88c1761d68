//! One module per op (or family of ops sharing chips): each layer's layout on the
//! chips. The dispatch below is exhaustive over the plan's steps, so a new op that
//! lacks its halo2 layout does not compile. Fusions follow the plan
//! (`zkseal_core::quant::plan`): a ReLU directly after a rescale is laid out inside the
//! rescale's division (`LayerPlan::relu_follows`), and is then no region of its own.

pub mod clip;
pub mod linear;
pub mod pool;
pub mod relu;
pub mod reorder;

use halo2_proofs::circuit::Layouter;
use halo2_proofs::plonk::Error;
use zkseal_core::model::op::UnweightedOp;
use zkseal_core::quant::arch::LayerStep;
use zkseal_core::quant::plan::LayerPlan;

use crate::chips::Cell;
use crate::circuit::Chips;
use crate::Fp;

/// The layer's regions on `x`; `params` are every committed value's cells.
pub(crate) fn layout(
    chips: &Chips,
    layouter: &mut impl Layouter<Fp>,
    layer: &LayerPlan<'_>,
    params: &[Cell],
    x: Vec<Cell>,
) -> Result<Vec<Cell>, Error> {
    match layer.step {
        LayerStep::Weighted(op, rescale) => {
            let (w, b) = (&params[layer.weights.clone()], &params[layer.biases.clone()]);
            linear::layout(chips, layouter, layer, op, rescale, w, b, &x)
        }
        LayerStep::Unweighted(op) => match op {
            UnweightedOp::Relu => relu::layout(chips, layouter, layer, x),
            UnweightedOp::Clip { lo, hi } => clip::layout(chips, layouter, layer, lo, hi, &x),
            UnweightedOp::MaxPool { window } => pool::max_pool(chips, layouter, layer, window, &x),
            UnweightedOp::AvgPool { window, count_include_pad } => {
                pool::avg_pool(chips, layouter, layer, window, count_include_pad, &x)
            }
            UnweightedOp::GlobalAvgPool => pool::global_avg_pool(chips, layouter, layer, &x),
            UnweightedOp::Reshape => Ok(x),
            UnweightedOp::Transpose { perm } => Ok(reorder::transpose(layer, perm, &x)),
        },
    }
}
