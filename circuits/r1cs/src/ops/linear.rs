//! Dense, Conv2d and Affine layers: the accumulators (`crate::linear`), then one
//! rescale per output (`crate::rescale`), whose sign bits a following ReLU reuses.

use zkseal_core::model::op::{WeightedOp, Window2d};
use zkseal_core::quant::arch::Rescale;
use zkseal_core::quant::plan::LayerPlan;

use super::Values;
use crate::rescale::{self, Signed};
use crate::{Result, Synth, Wire};

pub fn synthesize(
    s: &Synth,
    layer: &LayerPlan<'_>,
    op: WeightedOp<'_>,
    r: &Rescale,
    w: &[Wire],
    b: &[Wire],
    x: &[Wire],
) -> Result<Values> {
    let acc = match op {
        WeightedOp::Dense { in_features, .. } => crate::linear::dense(s, x, w, b, in_features as usize)?,
        WeightedOp::Conv2d { window, .. } => crate::linear::conv2d(s, x, layer.chw(), w, b, window, layer.out_hw())?,
        WeightedOp::Affine { param_shape } => {
            let p: Vec<usize> = param_shape.iter().map(|&d| d as usize).collect();
            crate::linear::affine(s, x, &layer.x_shape(), w, b, &p)?
        }
    };
    let bits = layer.output.bits;
    let out: Vec<Signed> = acc.iter().map(|a| rescale::rescale(s, a, r.shift, bits)).collect::<Result<_>>()?;
    let signs = Some(out.iter().map(|o| o.nonneg.clone()).collect());
    Ok(Values { wires: out.into_iter().map(|o| o.value).collect(), signs })
}

/// One constraint per multiply-accumulate, then the rescales.
pub fn cost(layer: &LayerPlan<'_>, op: WeightedOp<'_>, r: &Rescale) -> u64 {
    let (x, outputs) = (layer.x_shape(), layer.output.len() as u64);
    let macs = match op {
        WeightedOp::Dense { in_features, out_features } => {
            (x.iter().product::<usize>() / in_features as usize) as u64 * in_features as u64 * out_features as u64
        }
        WeightedOp::Conv2d { in_channels, out_channels, window } => {
            let (rows, cols) = tap_extents(window, [x[2], x[3]], layer.out_hw());
            out_channels as u64 * in_channels as u64 * rows * cols
        }
        WeightedOp::Affine { .. } => outputs,
    };
    macs + outputs * rescale::cost(r.shift, layer.output.bits) as u64
}

/// `(Σ_oy rows(oy), Σ_ox cols(ox))`: in-bounds window extents over all outputs, whose
/// product is the number of taps per (output channel, input channel) pair.
fn tap_extents(window: &Window2d, hw: [usize; 2], out_hw: [usize; 2]) -> (u64, u64) {
    let rows = (0..out_hw[0]).map(|oy| window.window(oy, 0, hw[0], hw[1]).rows.len() as u64).sum();
    let cols = (0..out_hw[1]).map(|ox| window.window(0, ox, hw[0], hw[1]).cols.len() as u64).sum();
    (rows, cols)
}
