//! Clip (`import --input-range`): `y = hi − max(hi − lo − max(x − lo, 0), 0)`, two ReLUs
//! of shifted values per element (the R1CS circuit's rule, `specs/circuit-halo2.md`).

use halo2_proofs::circuit::Layouter;
use halo2_proofs::plonk::Error;
use zkseal_core::quant::plan::LayerPlan;

use crate::chips::divide::{DivSpec, DivideInstructions};
use crate::chips::dot::DotInstructions;
use crate::chips::Cell;
use crate::circuit::Chips;
use crate::{fe, Fp};

pub(crate) fn layout(
    chips: &Chips,
    layouter: &mut impl Layouter<Fp>,
    layer: &LayerPlan<'_>,
    lo: i64,
    hi: i64,
    x: &[Cell],
) -> Result<Vec<Cell>, Error> {
    let c = ClipConstants::assign(layouter, chips, lo, hi)?;
    x.iter().map(|x| clip(chips, layouter, x, &c, layer.input.bits)).collect()
}

/// The constant cells one clip layer's elements share: `−1`, `−lo`, `hi − lo`, `hi`.
struct ClipConstants {
    minus_one: Cell,
    minus_lo: Cell,
    room: Cell,
    hi: Cell,
}

impl ClipConstants {
    fn assign(layouter: &mut impl Layouter<Fp>, chips: &Chips, lo: i64, hi: i64) -> Result<Self, Error> {
        let (lo, hi) = (lo as i128, hi as i128);
        layouter.assign_region(
            || "clip constants",
            |mut region| {
                let a = chips.arith.advice[0];
                let mut constant =
                    |row: usize, v: i128| region.assign_advice_from_constant(|| "clip bound", a, row, fe(v));
                Ok(ClipConstants {
                    minus_one: constant(0, -1)?,
                    minus_lo: constant(1, -lo)?,
                    room: constant(2, hi - lo)?,
                    hi: constant(3, hi)?,
                })
            },
        )
    }
}

/// `min(max(x, lo), hi)` of a signed `bits`-bit `x` as two ReLUs of shifted values
/// (`specs/circuit-halo2.md`, the R1CS circuit's rule): `y = hi − max(hi − lo −
/// max(x − lo, 0), 0)`, each ReLU's operand a signed `(bits + 1)`-bit integer.
fn clip(
    chips: &Chips,
    layouter: &mut impl Layouter<Fp>,
    x: &Cell,
    c: &ClipConstants,
    bits: u32,
) -> Result<Cell, Error> {
    let relu = DivSpec::relu(bits + 1);
    let shifted = chips.dot.dot(layouter, std::slice::from_ref(x), std::slice::from_ref(&chips.one), &c.minus_lo)?;
    let above_lo = chips.divide.divide(layouter, &shifted, relu)?;
    let neg = std::slice::from_ref(&c.minus_one);
    let room = chips.dot.dot(layouter, std::slice::from_ref(&above_lo), neg, &c.room)?;
    let over_hi = chips.divide.divide(layouter, &room, relu)?;
    chips.dot.dot(layouter, std::slice::from_ref(&over_hi), neg, &c.hi)
}
