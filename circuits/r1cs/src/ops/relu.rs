//! ReLU: after a rescale (`ReluInput::Rescaled`, or moved since), one product with the
//! rescale's sign bit each (`rescale_relu`); otherwise a range check and the product.

use ark_relations::gr1cs::SynthesisError;
use zkseal_core::quant::plan::{LayerPlan, ReluInput};

use super::Values;
use crate::rescale::{relu, relu_signed, Signed};
use crate::{range, Result, Synth};

pub fn synthesize(s: &Synth, layer: &LayerPlan<'_>, x: Values) -> Result<Values> {
    let y = match layer.relu_input {
        ReluInput::Rescaled | ReluInput::RescaledThenMoved => {
            let signs = x.signs.ok_or(SynthesisError::Unsatisfiable)?;
            x.wires
                .into_iter()
                .zip(signs)
                .map(|(value, nonneg)| relu_signed(s, &Signed { value, nonneg }))
                .collect::<Result<_>>()?
        }
        ReluInput::Other => x.wires.iter().map(|w| relu(s, w, layer.output.bits)).collect::<Result<_>>()?,
    };
    Ok(Values::plain(y))
}

pub fn cost(layer: &LayerPlan<'_>) -> u64 {
    let per = match layer.relu_input {
        ReluInput::Rescaled | ReluInput::RescaledThenMoved => 1,
        ReluInput::Other => range::cost(layer.output.bits) as u64 + 1,
    };
    layer.output.len() as u64 * per
}
