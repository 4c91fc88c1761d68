//! MaxPool, AvgPool and GlobalAvgPool over `[1, C, H, W]`: a max or an exact rounded
//! mean per output window (`crate::pool`).

use zkseal_core::model::op::{PlaneWindow, Window2d};
use zkseal_core::quant::plan::LayerPlan;

use super::Values;
use crate::{pool, Result, Synth, Wire};

pub fn max_pool(s: &Synth, layer: &LayerPlan<'_>, window: &Window2d, x: &[Wire]) -> Result<Values> {
    let bits = layer.output.bits;
    Ok(Values::plain(pool::pool2d(s, x, layer.chw(), window, layer.out_hw(), None, bits)?))
}

pub fn max_pool_cost(layer: &LayerPlan<'_>, window: &Window2d) -> u64 {
    let bits = layer.output.bits;
    windows_cost(layer, window, |w| pool::max_cost(w.area(), bits))
}

pub fn avg_pool(
    s: &Synth,
    layer: &LayerPlan<'_>,
    window: &Window2d,
    count_include_pad: bool,
    x: &[Wire],
) -> Result<Values> {
    let bits = layer.output.bits;
    Ok(Values::plain(pool::pool2d(s, x, layer.chw(), window, layer.out_hw(), Some(count_include_pad), bits)?))
}

pub fn avg_pool_cost(layer: &LayerPlan<'_>, window: &Window2d, count_include_pad: bool) -> u64 {
    let bits = layer.output.bits;
    let divisor = |w: &PlaneWindow| if count_include_pad { w.padded_area } else { w.area() };
    windows_cost(layer, window, |w| pool::mean_cost(divisor(w), bits))
}

pub fn global_avg_pool(s: &Synth, layer: &LayerPlan<'_>, x: &[Wire]) -> Result<Values> {
    let [_, h, w] = layer.chw();
    let bits = layer.output.bits;
    Ok(Values::plain(x.chunks(h * w).map(|p| pool::mean(s, p, h * w, bits)).collect::<Result<_>>()?))
}

pub fn global_avg_pool_cost(layer: &LayerPlan<'_>) -> u64 {
    let [c, h, w] = layer.chw();
    c as u64 * pool::mean_cost(h * w, layer.output.bits) as u64
}

/// `window_cost` of each output window, for every channel.
fn windows_cost(layer: &LayerPlan<'_>, window: &Window2d, window_cost: impl Fn(&PlaneWindow) -> usize) -> u64 {
    let ([c, h, w], [oh, ow]) = (layer.chw(), layer.out_hw());
    let mut sum = 0u64;
    for oy in 0..oh {
        for ox in 0..ow {
            sum += window_cost(&window.window(oy, ox, h, w)) as u64;
        }
    }
    sum * c as u64
}
