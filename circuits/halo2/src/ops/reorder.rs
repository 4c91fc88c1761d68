//! Reshape and Transpose: no region, the cells reordered (Reshape keeps the row-major
//! order, so it is the identity).

use zkseal_core::model::shape::transpose_map;
use zkseal_core::quant::plan::LayerPlan;

use crate::chips::Cell;

pub(crate) fn transpose(layer: &LayerPlan<'_>, perm: &[u32], x: &[Cell]) -> Vec<Cell> {
    let perm: Vec<usize> = perm.iter().map(|&p| p as usize).collect();
    transpose_map(&layer.x_shape(), &perm).into_iter().map(|j| x[j].clone()).collect()
}
