//! Range checks by lookup, and the packing of committed values.
//!
//! One fixed table holds `(tag, v)` for every `tag ∈ 0..=LIMB_BITS`, `v ∈ [0, 2^tag)`: a
//! tag is a bit width, and tag 0 holds only `v = 0`. A range row checks that
//! `u = value + offset` is an unsigned `bits`-bit integer (`bits ≤ 32`) by splitting it
//! into `LIMBS` limbs of `LIMB_BITS` bits; limb `i` is looked up under the tag
//! `min(LIMB_BITS, bits − LIMB_BITS·i)` (0 once the width is used up, forcing the limb
//! to 0). The lookups carry no selector: on every other row the tags are 0 and the
//! limbs, which only this chip writes, are 0, and `(0, 0)` is in the table.
//!
//! A value of 33 to 64 bits takes two rows: the first (gate `wide`) has
//! `u = Σ limbs·2^(8i) + 2^32·hi` with `hi` the next row's value, which that row checks
//! to `bits − 32` bits.
//!
//! Packing (the Groth16 path's `commitment::pack`): `e = Σ_j u_j·2^(off_j)` per
//! element by Horner over consecutive rows, `pack_j = u_j + mul_j·pack_(j+1)` with
//! `mul_j = 2^(w_j)`, and `mul = 0` on an element's last value. A committed value's width
//! check and its packing share one row when it has at most 32 bits.

use ff::{Field, PrimeField};
use halo2_proofs::circuit::{Chip, Layouter, Region, Value};
use halo2_proofs::plonk::{
    Advice, Column, ConstraintSystem, Constraints, Error, Expression, Fixed, Instance, Selector, TableColumn,
};
use halo2_proofs::poly::Rotation;
use zkseal_core::commitment::packing_plan;

use super::Cell;
use crate::{fe, int, pow2, Fp};

/// Limbs per range row.
pub const LIMBS: usize = 4;
/// Bits per limb, and the largest tag in the table.
pub const LIMB_BITS: u32 = 8;
/// The widest value one row checks.
pub const ROW_BITS: u32 = LIMBS as u32 * LIMB_BITS;
/// The widest value the chip checks (two rows).
pub const MAX_BITS: u32 = 2 * ROW_BITS;

#[derive(Clone, Debug)]
pub struct RangeConfig {
    pub value: Column<Advice>,
    pub limbs: [Column<Advice>; LIMBS],
    pub pack: Column<Advice>,
    pub tags: [Column<Fixed>; LIMBS],
    pub offset: Column<Fixed>,
    pub mul: Column<Fixed>,
    pub s_range: Selector,
    pub s_wide: Selector,
    pub s_pack: Selector,
    pub table_tag: TableColumn,
    pub table_value: TableColumn,
}

/// What a range check asks: `value + offset` is an unsigned `bits`-bit integer, with
/// `offset = 2^(bits−1)` for a signed width and 0 for an unsigned one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Width {
    pub bits: u32,
    pub signed: bool,
}

impl Width {
    pub fn signed(bits: u32) -> Self {
        Width { bits, signed: true }
    }
    pub fn unsigned(bits: u32) -> Self {
        Width { bits, signed: false }
    }
    pub fn offset(&self) -> i128 {
        if self.signed && self.bits > 0 {
            1 << (self.bits - 1)
        } else {
            0
        }
    }
    /// The tag of each limb of a row checking `bits ≤ ROW_BITS`.
    fn tags(bits: u32) -> [u32; LIMBS] {
        std::array::from_fn(|i| bits.saturating_sub(LIMB_BITS * i as u32).min(LIMB_BITS))
    }
}

/// `value + offset` as the unsigned integer a row splits, or `u128::MAX` for a value
/// that is no small integer (its limbs then fail the lookups or the gate).
fn unsigned_of(value: Fp, offset: i128) -> u128 {
    int(&value).map_or(u128::MAX, |i| (i + offset).max(0) as u128)
}

pub trait RangeInstructions: Chip<Fp> {
    /// Loads the lookup table; once per circuit.
    fn load_table(&self, layouter: &mut impl Layouter<Fp>) -> Result<(), Error>;

    /// Constrains `cell` to `width`.
    fn range_check(&self, layouter: &mut impl Layouter<Fp>, cell: &Cell, width: Width) -> Result<(), Error>;

    /// Witnesses the committed `values` (signed, of `widths`), checks each to its width
    /// and packs them; returns the value cells and the packed elements.
    fn pack(
        &self,
        layouter: &mut impl Layouter<Fp>,
        values: &[Value<Fp>],
        widths: &[u32],
    ) -> Result<(Vec<Cell>, Vec<Cell>), Error>;

    /// Copies instance rows `rows` into range rows, each checked to `width`.
    fn load_instance(
        &self,
        layouter: &mut impl Layouter<Fp>,
        instance: Column<Instance>,
        rows: std::ops::Range<usize>,
        width: Width,
    ) -> Result<Vec<Cell>, Error>;
}

pub struct RangeChip {
    config: RangeConfig,
}

impl Chip<Fp> for RangeChip {
    type Config = RangeConfig;
    type Loaded = ();
    fn config(&self) -> &RangeConfig {
        &self.config
    }
    fn loaded(&self) -> &() {
        &()
    }
}

impl RangeChip {
    pub fn construct(config: RangeConfig) -> Self {
        RangeChip { config }
    }

    pub fn configure(meta: &mut ConstraintSystem<Fp>) -> RangeConfig {
        let value = meta.advice_column();
        let limbs = std::array::from_fn(|_| meta.advice_column());
        let pack = meta.advice_column();
        let tags = std::array::from_fn(|_| meta.fixed_column());
        let offset = meta.fixed_column();
        let mul = meta.fixed_column();
        let (s_range, s_wide, s_pack) = (meta.selector(), meta.selector(), meta.selector());
        let table_tag = meta.lookup_table_column();
        let table_value = meta.lookup_table_column();
        meta.enable_equality(value);
        meta.enable_equality(pack);

        let limb_sum = |meta: &mut halo2_proofs::plonk::VirtualCells<'_, Fp>| {
            limbs.iter().enumerate().fold(Expression::Constant(Fp::ZERO), |acc, (i, &l)| {
                acc + meta.query_advice(l, Rotation::cur()) * pow2(LIMB_BITS * i as u32)
            })
        };
        meta.create_gate("decompose", |meta| {
            let s = meta.query_selector(s_range);
            let u = meta.query_advice(value, Rotation::cur()) + meta.query_fixed(offset);
            Constraints::with_selector(s, [u - limb_sum(meta)])
        });
        meta.create_gate("decompose wide", |meta| {
            let s = meta.query_selector(s_wide);
            let u = meta.query_advice(value, Rotation::cur()) + meta.query_fixed(offset);
            let hi = meta.query_advice(value, Rotation::next());
            Constraints::with_selector(s, [u - limb_sum(meta) - hi * pow2(ROW_BITS)])
        });
        meta.create_gate("pack", |meta| {
            let s = meta.query_selector(s_pack);
            let u = meta.query_advice(value, Rotation::cur()) + meta.query_fixed(offset);
            let cur = meta.query_advice(pack, Rotation::cur());
            let next = meta.query_advice(pack, Rotation::next());
            Constraints::with_selector(s, [cur - u - meta.query_fixed(mul) * next])
        });
        for (&tag, &limb) in tags.iter().zip(&limbs) {
            meta.lookup(|meta| {
                vec![(meta.query_fixed(tag), table_tag), (meta.query_advice(limb, Rotation::cur()), table_value)]
            });
        }
        RangeConfig { value, limbs, pack, tags, offset, mul, s_range, s_wide, s_pack, table_tag, table_value }
    }

    /// Fills the limbs and tags of a row checking that `u` (given) has `bits ≤ ROW_BITS`.
    fn assign_limbs(&self, region: &mut Region<'_, Fp>, row: usize, u: Value<u128>, bits: u32) -> Result<(), Error> {
        let c = &self.config;
        for (i, tag) in Width::tags(bits).into_iter().enumerate() {
            region.assign_fixed(|| "tag", c.tags[i], row, || Value::known(Fp::from(tag as u64)))?;
            // An out-of-range value still gets limbs (its low bits): the gate refuses them.
            let l = u.map(|u| Fp::from_u128((u >> (LIMB_BITS * i as u32)) & ((1 << tag) - 1)));
            region.assign_advice(|| "limb", c.limbs[i], row, || l)?;
        }
        Ok(())
    }

    /// Range-checks the value already at `row` (and, for a wide width, writes `hi` at
    /// `row + 1`). Returns the rows used.
    fn assign_check(
        &self,
        region: &mut Region<'_, Fp>,
        row: usize,
        value: Value<Fp>,
        width: Width,
    ) -> Result<usize, Error> {
        let c = &self.config;
        assert!(width.bits <= MAX_BITS, "range checks take at most {MAX_BITS} bits, asked {}", width.bits);
        region.assign_fixed(|| "offset", c.offset, row, || Value::known(fe(width.offset())))?;
        let u = value.map(|v| unsigned_of(v, width.offset()));
        if width.bits <= ROW_BITS {
            c.s_range.enable(region, row)?;
            self.assign_limbs(region, row, u, width.bits)?;
            return Ok(1);
        }
        c.s_wide.enable(region, row)?;
        self.assign_limbs(region, row, u, ROW_BITS)?;
        let hi = u.map(|u| (u >> ROW_BITS).min(u64::MAX as u128));
        region.assign_advice(|| "hi", c.value, row + 1, || hi.map(Fp::from_u128))?;
        c.s_range.enable(region, row + 1)?;
        region.assign_fixed(|| "offset", c.offset, row + 1, || Value::known(Fp::ZERO))?;
        self.assign_limbs(region, row + 1, hi, width.bits - ROW_BITS)?;
        Ok(2)
    }
}

impl RangeInstructions for RangeChip {
    fn load_table(&self, layouter: &mut impl Layouter<Fp>) -> Result<(), Error> {
        let c = &self.config;
        layouter.assign_table(
            || "range table",
            |mut table| {
                let mut row = 0;
                for tag in 0..=LIMB_BITS {
                    for v in 0..(1u64 << tag) {
                        table.assign_cell(|| "tag", c.table_tag, row, || Value::known(Fp::from(tag as u64)))?;
                        table.assign_cell(|| "v", c.table_value, row, || Value::known(Fp::from(v)))?;
                        row += 1;
                    }
                }
                Ok(())
            },
        )
    }

    fn range_check(&self, layouter: &mut impl Layouter<Fp>, cell: &Cell, width: Width) -> Result<(), Error> {
        layouter.assign_region(
            || "range check",
            |mut region| {
                let v = cell.copy_advice(|| "v", &mut region, self.config.value, 0)?;
                self.assign_check(&mut region, 0, v.value().copied(), width).map(|_| ())
            },
        )
    }

    fn pack(
        &self,
        layouter: &mut impl Layouter<Fp>,
        values: &[Value<Fp>],
        widths: &[u32],
    ) -> Result<(Vec<Cell>, Vec<Cell>), Error> {
        assert_eq!(values.len(), widths.len());
        let plan = packing_plan(widths);
        let c = &self.config;
        let (cells, packed) = layouter.assign_region(
            || "pack",
            |mut region| {
                let mut cells = Vec::with_capacity(values.len());
                let mut packed = Vec::with_capacity(plan.len());
                let mut row = 0;
                for slots in &plan {
                    // Horner from the element's last value back to its first.
                    let mut acc = Value::known(Fp::ZERO);
                    let mut accs = vec![Value::unknown(); slots.len()];
                    for (k, &(i, _)) in slots.iter().enumerate().rev() {
                        let w = Width::signed(widths[i]);
                        acc = values[i].zip(acc).map(|(v, a)| v + fe(w.offset()) + a * pow2(w.bits));
                        accs[k] = acc;
                    }
                    for (k, &(i, _)) in slots.iter().enumerate() {
                        let w = Width::signed(widths[i]);
                        let v = region.assign_advice(|| "v", c.value, row, || values[i])?;
                        if w.bits <= ROW_BITS {
                            self.assign_check(&mut region, row, values[i], w)?;
                        } else {
                            // Packed here, checked by its own two rows below.
                            region.assign_fixed(|| "offset", c.offset, row, || Value::known(fe(w.offset())))?;
                        }
                        c.s_pack.enable(&mut region, row)?;
                        let mul = if k + 1 < slots.len() { pow2(w.bits) } else { Fp::ZERO };
                        region.assign_fixed(|| "mul", c.mul, row, || Value::known(mul))?;
                        let p = region.assign_advice(|| "pack", c.pack, row, || accs[k])?;
                        if k == 0 {
                            packed.push(p);
                        }
                        cells.push(v);
                        row += 1;
                    }
                }
                // The last row's gate reads the next pack cell (times mul = 0).
                region.assign_advice(|| "pack end", c.pack, row, || Value::known(Fp::ZERO))?;
                Ok((cells, packed))
            },
        )?;
        for (cell, &bits) in cells.iter().zip(widths) {
            if bits > ROW_BITS {
                self.range_check(layouter, cell, Width::signed(bits))?;
            }
        }
        Ok((cells, packed))
    }

    fn load_instance(
        &self,
        layouter: &mut impl Layouter<Fp>,
        instance: Column<Instance>,
        rows: std::ops::Range<usize>,
        width: Width,
    ) -> Result<Vec<Cell>, Error> {
        layouter.assign_region(
            || "load instance",
            |mut region| {
                let mut at = 0;
                rows.clone()
                    .map(|row| {
                        let v =
                            region.assign_advice_from_instance(|| "public", instance, row, self.config.value, at)?;
                        at += self.assign_check(&mut region, at, v.value().copied(), width)?;
                        Ok(v)
                    })
                    .collect()
            },
        )
    }
}

/// Checks that `PrimeField` is what the packing assumes: elements of `PACK_BITS` bits
/// are below the modulus.
const _: () = assert!(Fp::NUM_BITS > zkseal_core::commitment::PACK_BITS);
