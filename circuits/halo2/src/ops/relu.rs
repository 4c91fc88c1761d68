//! ReLU: one division region per element (`DivSpec::relu`), except directly after a
//! rescale, whose division already applied it (`LayerPlan::relu_follows`).

use halo2_proofs::circuit::Layouter;
use halo2_proofs::plonk::Error;
use zkseal_core::quant::plan::{LayerPlan, ReluInput};

use crate::chips::divide::{DivSpec, DivideInstructions};
use crate::chips::Cell;
use crate::circuit::Chips;
use crate::Fp;

pub(crate) fn layout(
    chips: &Chips,
    layouter: &mut impl Layouter<Fp>,
    layer: &LayerPlan<'_>,
    x: Vec<Cell>,
) -> Result<Vec<Cell>, Error> {
    match layer.relu_input {
        ReluInput::Rescaled => Ok(x),
        ReluInput::RescaledThenMoved | ReluInput::Other => {
            let spec = DivSpec::relu(layer.output.bits);
            x.iter().map(|c| chips.divide.divide(layouter, c, spec)).collect()
        }
    }
}
