//! Reshape and Transpose: no constraint, the wires (and their sign bits) reordered.
//! Reshape keeps the row-major order, so it is the identity on wires.

use zkseal_core::model::shape::transpose_map;
use zkseal_core::quant::plan::LayerPlan;

use super::Values;

pub fn transpose(layer: &LayerPlan<'_>, perm: &[u32], x: Values) -> Values {
    let perm: Vec<usize> = perm.iter().map(|&p| p as usize).collect();
    let map = transpose_map(&layer.x_shape(), &perm);
    let pick = |v: &[crate::Wire]| map.iter().map(|&j| v[j].clone()).collect();
    Values { wires: pick(&x.wires), signs: x.signs.as_deref().map(pick) }
}
