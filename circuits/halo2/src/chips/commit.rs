//! The salted weight commitment in the circuit: halo2_gadgets' Poseidon chip
//! (`Pow5Chip`, `P128Pow5T3`) chained over the header and the packed values, as
//! `commitment::chain_hash` computes natively.

use ff::Field;
use halo2_gadgets::poseidon::primitives::{ConstantLength, P128Pow5T3};
use halo2_gadgets::poseidon::{Hash, Pow5Chip, Pow5Config};
use halo2_proofs::circuit::{Chip, Layouter, Region, Value};
use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Error, Fixed};

use super::Cell;
use crate::commitment::{bytes32_fields, PublicHeader, CALL_INPUTS, CHUNK};
use crate::Fp;

#[derive(Clone, Debug)]
pub struct CommitConfig {
    pub poseidon: Pow5Config<Fp, 3, 2>,
    /// Where the header's cells are loaded (equality-enabled).
    pub load: Column<Advice>,
}

pub trait CommitInstructions: Chip<Fp> {
    /// The chained hash of `fields` (cells from any equality-enabled column).
    fn chain_hash(&self, layouter: &mut impl Layouter<Fp>, fields: &[Cell]) -> Result<Cell, Error>;

    /// The salted commitment of `packed` under the architecture's public header.
    fn commit(
        &self,
        layouter: &mut impl Layouter<Fp>,
        header: &PublicHeader,
        salt: Value<[u8; 32]>,
        packed: &[Cell],
    ) -> Result<Cell, Error>;
}

pub struct CommitChip {
    config: CommitConfig,
}

impl Chip<Fp> for CommitChip {
    type Config = CommitConfig;
    type Loaded = ();
    fn config(&self) -> &CommitConfig {
        &self.config
    }
    fn loaded(&self) -> &() {
        &()
    }
}

impl CommitChip {
    pub fn construct(config: CommitConfig) -> Self {
        CommitChip { config }
    }

    /// `constants` (constant-enabled) doubles as Pow5's `rc_b[0]`: the gadget needs a
    /// constant column for its padding and initial capacity word.
    pub fn configure(meta: &mut ConstraintSystem<Fp>, constants: Column<Fixed>) -> CommitConfig {
        let state = std::array::from_fn(|_| meta.advice_column());
        let partial_sbox = meta.advice_column();
        let rc_a = std::array::from_fn(|_| meta.fixed_column());
        let rc_b = [constants, meta.fixed_column(), meta.fixed_column()];
        let poseidon = Pow5Chip::configure::<P128Pow5T3>(meta, state, partial_sbox, rc_a, rc_b);
        // The partial S-box column is free outside permutations: it holds the header.
        meta.enable_equality(partial_sbox);
        CommitConfig { poseidon, load: partial_sbox }
    }
}

impl CommitInstructions for CommitChip {
    fn chain_hash(&self, layouter: &mut impl Layouter<Fp>, fields: &[Cell]) -> Result<Cell, Error> {
        let zero = layouter.assign_region(
            || "zero",
            |mut region| region.assign_advice_from_constant(|| "0", self.config.load, 0, Fp::ZERO),
        )?;
        let mut h = zero.clone();
        for (i, chunk) in fields.chunks(CHUNK).enumerate() {
            let inputs: Vec<Cell> = std::iter::once(h.clone())
                .chain(chunk.iter().cloned())
                .chain(std::iter::repeat(zero.clone()))
                .take(CALL_INPUTS)
                .collect();
            let chip = Pow5Chip::construct(self.config.poseidon.clone());
            let hasher = Hash::<_, _, P128Pow5T3, ConstantLength<CALL_INPUTS>, 3, 2>::init(
                chip,
                layouter.namespace(|| format!("init {i}")),
            )?;
            let inputs: [Cell; CALL_INPUTS] = inputs.try_into().expect("CALL_INPUTS cells");
            h = hasher.hash(layouter.namespace(|| format!("call {i}")), inputs)?;
        }
        Ok(h)
    }

    fn commit(
        &self,
        layouter: &mut impl Layouter<Fp>,
        header: &PublicHeader,
        salt: Value<[u8; 32]>,
        packed: &[Cell],
    ) -> Result<Cell, Error> {
        let col = self.config.load;
        let head = layouter.assign_region(
            || "commitment header",
            |mut region: Region<'_, Fp>| {
                let salt = salt.map(|s| bytes32_fields(&s));
                let mut cells = Vec::with_capacity(7);
                for (row, v) in header.before_salt().into_iter().enumerate() {
                    cells.push(region.assign_advice_from_constant(|| "header", col, row, v)?);
                }
                cells.push(region.assign_advice(|| "salt hi", col, 4, || salt.map(|s| s[0]))?);
                cells.push(region.assign_advice(|| "salt lo", col, 5, || salt.map(|s| s[1]))?);
                cells.push(region.assign_advice_from_constant(|| "count", col, 6, header.count)?);
                Ok(cells)
            },
        )?;
        let fields: Vec<Cell> = head.into_iter().chain(packed.iter().cloned()).collect();
        self.chain_hash(layouter, &fields)
    }
}
