//! Dense, Conv2d and Affine layers: one dot product per output (inputs, weights, bias
//! from the reference evaluator's own enumerators), then its rescale's division, with a
//! directly following ReLU fused into it (`LayerPlan::relu_follows`).

use halo2_proofs::circuit::Layouter;
use halo2_proofs::plonk::Error;
use zkseal_core::model::kernels::conv2d_taps;
use zkseal_core::model::op::WeightedOp;
use zkseal_core::model::shape::broadcast_map;
use zkseal_core::quant::arch::Rescale;
use zkseal_core::quant::plan::LayerPlan;

use crate::chips::divide::{DivSpec, DivideInstructions};
use crate::chips::dot::DotInstructions;
use crate::chips::Cell;
use crate::circuit::Chips;
use crate::Fp;

#[allow(clippy::too_many_arguments)]
pub(crate) fn layout(
    chips: &Chips,
    layouter: &mut impl Layouter<Fp>,
    layer: &LayerPlan<'_>,
    op: WeightedOp<'_>,
    r: &Rescale,
    w: &[Cell],
    b: &[Cell],
    x: &[Cell],
) -> Result<Vec<Cell>, Error> {
    let spec = DivSpec::rescale(r.shift, layer.output.bits, layer.relu_follows);
    let mut out = Vec::with_capacity(layer.output.len());
    for (xs, ws, bias) in accumulators(op, x, &layer.x_shape(), w, b, || layer.out_hw()) {
        let acc = chips.dot.dot(layouter, &xs, &ws, &bias)?;
        out.push(chips.divide.divide(layouter, &acc, spec)?);
    }
    Ok(out)
}

/// Each output's `(inputs, weights, bias)` of a Dense, Conv2d or Affine layer, from the
/// same enumerators the reference evaluator uses.
fn accumulators(
    op: WeightedOp<'_>,
    x: &[Cell],
    x_shape: &[usize],
    w: &[Cell],
    b: &[Cell],
    out_hw: impl Fn() -> [usize; 2],
) -> Vec<(Vec<Cell>, Vec<Cell>, Cell)> {
    match op {
        WeightedOp::Dense { in_features, .. } => {
            let n = in_features as usize;
            x.chunks_exact(n)
                .flat_map(|row| w.chunks_exact(n).zip(b).map(move |(wo, bo)| (row.to_vec(), wo.to_vec(), bo.clone())))
                .collect()
        }
        WeightedOp::Conv2d { window, .. } => {
            let [oh, ow] = out_hw();
            let plane = oh * ow;
            let mut out: Vec<(Vec<Cell>, Vec<Cell>, Cell)> =
                (0..b.len() * plane).map(|o| (Vec::new(), Vec::new(), b[o / plane].clone())).collect();
            conv2d_taps([x_shape[1], x_shape[2], x_shape[3]], b.len(), window, [oh, ow], |o, i, k| {
                out[o].0.push(x[i].clone());
                out[o].1.push(w[k].clone());
            });
            out
        }
        WeightedOp::Affine { param_shape } => {
            let p: Vec<usize> = param_shape.iter().map(|&d| d as usize).collect();
            broadcast_map(&p, x_shape)
                .into_iter()
                .zip(x)
                .map(|(j, xi)| (vec![xi.clone()], vec![w[j].clone()], b[j].clone()))
                .collect()
        }
    }
}
