//! Clip (`import --input-range`): two ReLUs of shifted values per element
//! (`crate::clip`), each operand one bit wider than the input.

use zkseal_core::quant::plan::LayerPlan;

use super::Values;
use crate::{Result, Synth, Wire};

pub fn synthesize(s: &Synth, layer: &LayerPlan<'_>, lo: i64, hi: i64, x: &[Wire]) -> Result<Values> {
    let bits = layer.input.bits;
    Ok(Values::plain(x.iter().map(|w| crate::clip::clip(s, w, lo, hi, bits)).collect::<Result<_>>()?))
}

pub fn cost(layer: &LayerPlan<'_>) -> u64 {
    layer.output.len() as u64 * crate::clip::cost(layer.input.bits) as u64
}
