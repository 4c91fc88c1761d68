//! The maximum of a window: `y − e_j ∈ [0, 2^B)` for every element and
//! `Π_j (y − e_j) = 0`, so `y` is one of the `e_j` and at least every one of them.
//!
//! Region of `n + 1` rows, `y, e, g, p` per row: `g = y − e` and `p[r+1] = p[r]·g[r]`
//! (gate `max`), `p[0] = 1` and `p[n] = 0` fixed by constants, `y` copied down the rows,
//! and every `g` range-checked to `B` unsigned bits.

use ff::Field;
use halo2_proofs::circuit::{Chip, Layouter, Value};
use halo2_proofs::plonk::{ConstraintSystem, Constraints, Error, Selector};
use halo2_proofs::poly::Rotation;

use super::range::{RangeChip, RangeConfig, RangeInstructions, Width};
use super::{ArithColumns, Cell};
use crate::{int, Fp};

#[derive(Clone, Debug)]
pub struct MaxConfig {
    pub columns: ArithColumns,
    pub s_max: Selector,
    pub range: RangeConfig,
}

pub trait MaxInstructions: Chip<Fp> {
    /// The maximum of `window` (signed `bits`-bit values).
    fn max(&self, layouter: &mut impl Layouter<Fp>, window: &[Cell], bits: u32) -> Result<Cell, Error>;
}

pub struct MaxChip {
    config: MaxConfig,
    range: RangeChip,
}

impl Chip<Fp> for MaxChip {
    type Config = MaxConfig;
    type Loaded = ();
    fn config(&self) -> &MaxConfig {
        &self.config
    }
    fn loaded(&self) -> &() {
        &()
    }
}

impl MaxChip {
    pub fn construct(config: MaxConfig) -> Self {
        let range = RangeChip::construct(config.range.clone());
        MaxChip { config, range }
    }

    pub fn configure(meta: &mut ConstraintSystem<Fp>, columns: ArithColumns, range: RangeConfig) -> MaxConfig {
        let s_max = meta.selector();
        let [y, e, g, p, ..] = columns.advice;
        meta.create_gate("max", |meta| {
            let s = meta.query_selector(s_max);
            let q = |meta: &mut halo2_proofs::plonk::VirtualCells<'_, Fp>, c| meta.query_advice(c, Rotation::cur());
            let (yv, ev, gv, pv) = (q(meta, y), q(meta, e), q(meta, g), q(meta, p));
            let next = meta.query_advice(p, Rotation::next());
            Constraints::with_selector(s, [("gap", gv.clone() - (yv - ev)), ("product", next - pv * gv)])
        });
        MaxConfig { columns, s_max, range }
    }

    /// Lays out the window with a claimed maximum (tests claim wrong ones).
    pub fn assign(
        &self,
        layouter: &mut impl Layouter<Fp>,
        window: &[Cell],
        bits: u32,
        claim: Value<Fp>,
    ) -> Result<Cell, Error> {
        assert!(!window.is_empty(), "pooling windows are never empty");
        let c = &self.config;
        let [y_col, e_col, g_col, p_col, ..] = c.columns.advice;
        let (y, gaps) = layouter.assign_region(
            || "max",
            |mut region| {
                let y = region.assign_advice(|| "y", y_col, 0, || claim)?;
                region.assign_advice_from_constant(|| "p0", p_col, 0, Fp::ONE)?;
                let mut p = Value::known(Fp::ONE);
                let mut gaps = Vec::with_capacity(window.len());
                for (row, e) in window.iter().enumerate() {
                    c.s_max.enable(&mut region, row)?;
                    if row > 0 {
                        y.copy_advice(|| "y", &mut region, y_col, row)?;
                    }
                    e.copy_advice(|| "e", &mut region, e_col, row)?;
                    let g = claim - e.value().copied();
                    gaps.push(region.assign_advice(|| "g", g_col, row, || g)?);
                    if row > 0 {
                        region.assign_advice(|| "p", p_col, row, || p)?;
                    }
                    p = p * g;
                }
                region.assign_advice_from_constant(|| "p end", p_col, window.len(), Fp::ZERO)?;
                Ok((y, gaps))
            },
        )?;
        for g in &gaps {
            self.range.range_check(layouter, g, Width::unsigned(bits))?;
        }
        Ok(y)
    }
}

impl MaxInstructions for MaxChip {
    fn max(&self, layouter: &mut impl Layouter<Fp>, window: &[Cell], bits: u32) -> Result<Cell, Error> {
        let values: Value<Vec<Fp>> = Value::from_iter(window.iter().map(|c| c.value().copied()));
        let claim = values.map(|v| {
            v.iter().copied().max_by_key(|x| int(x).expect("window values are small integers")).expect("not empty")
        });
        self.assign(layouter, window, bits, claim)
    }
}
