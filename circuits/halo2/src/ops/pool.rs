//! MaxPool, AvgPool and GlobalAvgPool over `[1, C, H, W]`: the max chip per window, or
//! a mean as a dot product with constant ones and one division.

use halo2_proofs::circuit::Layouter;
use halo2_proofs::plonk::Error;
use zkseal_core::model::kernels::pool_windows;
use zkseal_core::model::op::Window2d;
use zkseal_core::quant::plan::LayerPlan;

use crate::chips::divide::{DivSpec, DivideInstructions};
use crate::chips::dot::DotInstructions;
use crate::chips::max::MaxInstructions;
use crate::chips::Cell;
use crate::circuit::Chips;
use crate::Fp;

pub(crate) fn max_pool(
    chips: &Chips,
    layouter: &mut impl Layouter<Fp>,
    layer: &LayerPlan<'_>,
    window: &Window2d,
    x: &[Cell],
) -> Result<Vec<Cell>, Error> {
    let mut windows = Vec::new();
    pool_windows(layer.chw(), window, layer.out_hw(), |_, idx, _| windows.push(idx.map(|j| x[j].clone()).collect()));
    windows.iter().map(|w: &Vec<Cell>| chips.max.max(layouter, w, layer.output.bits)).collect()
}

pub(crate) fn avg_pool(
    chips: &Chips,
    layouter: &mut impl Layouter<Fp>,
    layer: &LayerPlan<'_>,
    window: &Window2d,
    count_include_pad: bool,
    x: &[Cell],
) -> Result<Vec<Cell>, Error> {
    let mut windows = Vec::new();
    pool_windows(layer.chw(), window, layer.out_hw(), |_, idx, n| {
        let w: Vec<Cell> = idx.map(|j| x[j].clone()).collect();
        windows.push((w, if count_include_pad { n.padded } else { n.real }));
    });
    windows.iter().map(|(w, n)| mean(chips, layouter, w, *n, layer.output.bits)).collect()
}

pub(crate) fn global_avg_pool(
    chips: &Chips,
    layouter: &mut impl Layouter<Fp>,
    layer: &LayerPlan<'_>,
    x: &[Cell],
) -> Result<Vec<Cell>, Error> {
    let [_, h, w] = layer.chw();
    x.chunks(h * w).map(|p| mean(chips, layouter, p, h * w, layer.output.bits)).collect()
}

/// `⌊(2·Σ + n) / 2n⌋` of a window: its sum as a dot product with constant ones, then
/// one division.
fn mean(chips: &Chips, layouter: &mut impl Layouter<Fp>, window: &[Cell], n: usize, bits: u32) -> Result<Cell, Error> {
    let ones = vec![chips.one.clone(); window.len()];
    let sum = chips.dot.dot(layouter, window, &ones, &chips.zero)?;
    chips.divide.divide(layouter, &sum, DivSpec::mean(n, bits))
}
