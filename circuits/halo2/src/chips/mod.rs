//! The chips, halo2_gadgets style: an *instructions* trait, a chip that implements it,
//! and the chip's config. Native twins of what each chip computes live beside it and
//! the tests run both.
//!
//! Column groups (the floor planner runs groups side by side, so `k` follows the
//! tallest): `range` (value, four limbs, packing accumulator), `arith` (nine advice
//! columns shared by the dot, divide and max chips, whose regions follow one another)
//! and the Poseidon chip's own columns.

pub mod commit;
pub mod divide;
pub mod dot;
pub mod max;
pub mod range;

use halo2_proofs::circuit::AssignedCell;
use halo2_proofs::plonk::{Advice, Column, ConstraintSystem};

use crate::Fp;

/// An assigned cell of the circuit field.
pub type Cell = AssignedCell<Fp, Fp>;

/// Advice columns in the arithmetic group: the dot chip's `4 x + 4 w + acc`.
pub const ARITH_COLUMNS: usize = 9;

/// The columns the arithmetic chips share, all equality-enabled. Their constants (zero
/// padding, the ones of a sum, a max's `p[0] = 1` and `p[n] = 0`) come from the
/// circuit's constant-enabled fixed column.
#[derive(Clone, Copy, Debug)]
pub struct ArithColumns {
    pub advice: [Column<Advice>; ARITH_COLUMNS],
}

impl ArithColumns {
    pub fn configure(meta: &mut ConstraintSystem<Fp>) -> Self {
        let advice = std::array::from_fn(|_| meta.advice_column());
        for c in advice {
            meta.enable_equality(c);
        }
        ArithColumns { advice }
    }
}
