//! Dot products, `MACS` multiply-accumulates per row.
//!
//! `b + Σ_{i<n} x_i·w_i` is a region of `⌈n/MACS⌉ + 1` rows. Row 0's accumulator is a
//! copy of the bias; each row `r < ⌈n/MACS⌉` adds its `MACS` products:
//!
//! `acc[r+1] = acc[r] + Σ_j x[r][j]·w[r][j]`  (gate `mac`, degree 3 with its selector)
//!
//! Every `x`, `w` and `b` is a copy of a cell made elsewhere (layer inputs, the committed
//! values' packing rows), so a convolution reuses each weight at no row cost. A last
//! row that is not full gets `x = 0` from a constant, so its spare `w` add nothing.

use ff::Field;
use halo2_proofs::circuit::{Chip, Layouter, Value};
use halo2_proofs::plonk::{Column, ConstraintSystem, Constraints, Error, Selector};
use halo2_proofs::poly::Rotation;

use super::{ArithColumns, Cell};
use crate::Fp;

/// Multiply-accumulates per row.
pub const MACS: usize = 4;

#[derive(Clone, Debug)]
pub struct DotConfig {
    pub columns: ArithColumns,
    pub s_mac: Selector,
}

impl DotConfig {
    fn x(&self, j: usize) -> Column<halo2_proofs::plonk::Advice> {
        self.columns.advice[j]
    }
    fn w(&self, j: usize) -> Column<halo2_proofs::plonk::Advice> {
        self.columns.advice[MACS + j]
    }
    fn acc(&self) -> Column<halo2_proofs::plonk::Advice> {
        self.columns.advice[2 * MACS]
    }
}

pub trait DotInstructions: Chip<Fp> {
    /// `b + Σ_i xs[i]·ws[i]`.
    fn dot(&self, layouter: &mut impl Layouter<Fp>, xs: &[Cell], ws: &[Cell], b: &Cell) -> Result<Cell, Error>;
}

pub struct DotChip {
    config: DotConfig,
}

impl Chip<Fp> for DotChip {
    type Config = DotConfig;
    type Loaded = ();
    fn config(&self) -> &DotConfig {
        &self.config
    }
    fn loaded(&self) -> &() {
        &()
    }
}

impl DotChip {
    pub fn construct(config: DotConfig) -> Self {
        DotChip { config }
    }

    pub fn configure(meta: &mut ConstraintSystem<Fp>, columns: ArithColumns) -> DotConfig {
        let s_mac = meta.selector();
        let config = DotConfig { columns, s_mac };
        meta.create_gate("mac", |meta| {
            let s = meta.query_selector(s_mac);
            let cur = meta.query_advice(config.acc(), Rotation::cur());
            let next = meta.query_advice(config.acc(), Rotation::next());
            let sum = (0..MACS).fold(cur, |sum, j| {
                sum + meta.query_advice(config.x(j), Rotation::cur()) * meta.query_advice(config.w(j), Rotation::cur())
            });
            Constraints::with_selector(s, [next - sum])
        });
        config
    }

    /// Lays out a dot product with the running accumulators given (`accs[r]` is row
    /// `r + 1`'s): the honest `dot` computes them, tests hand in wrong ones.
    pub fn assign(
        &self,
        layouter: &mut impl Layouter<Fp>,
        xs: &[Cell],
        ws: &[Cell],
        b: &Cell,
        accs: &[Value<Fp>],
    ) -> Result<Cell, Error> {
        assert_eq!(xs.len(), ws.len());
        let rows = xs.len().div_ceil(MACS);
        assert_eq!(accs.len(), rows);
        let c = &self.config;
        layouter.assign_region(
            || "dot",
            |mut region| {
                let mut acc = b.copy_advice(|| "bias", &mut region, c.acc(), 0)?;
                for (row, next_acc) in accs.iter().enumerate() {
                    c.s_mac.enable(&mut region, row)?;
                    for j in 0..MACS {
                        match (xs.get(row * MACS + j), ws.get(row * MACS + j)) {
                            (Some(x), Some(w)) => {
                                x.copy_advice(|| "x", &mut region, c.x(j), row)?;
                                w.copy_advice(|| "w", &mut region, c.w(j), row)?;
                            }
                            _ => {
                                region.assign_advice_from_constant(|| "x pad", c.x(j), row, Fp::ZERO)?;
                                region.assign_advice(|| "w pad", c.w(j), row, || Value::known(Fp::ZERO))?;
                            }
                        }
                    }
                    acc = region.assign_advice(|| "acc", c.acc(), row + 1, || *next_acc)?;
                }
                Ok(acc)
            },
        )
    }
}

impl DotInstructions for DotChip {
    fn dot(&self, layouter: &mut impl Layouter<Fp>, xs: &[Cell], ws: &[Cell], b: &Cell) -> Result<Cell, Error> {
        let mut acc = b.value().copied();
        let accs: Vec<Value<Fp>> = xs
            .chunks(MACS)
            .zip(ws.chunks(MACS))
            .map(|(xr, wr)| {
                acc = xr.iter().zip(wr).fold(acc, |a, (x, w)| a + x.value().copied() * w.value().copied());
                acc
            })
            .collect();
        self.assign(layouter, xs, ws, b, &accs)
    }
}

/// `b + Σ x·w`, natively.
pub fn dot_native(xs: &[i64], ws: &[i64], b: i64) -> i128 {
    xs.iter().zip(ws).fold(b as i128, |a, (&x, &w)| a + x as i128 * w as i128)
}
