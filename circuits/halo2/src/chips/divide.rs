//! Rounded division by a constant, with the output's signed range, its sign and an
//! optional ReLU: one row plus two or three range checks. It serves three ops:
//!
//! - rescale by `s` bits: `⌊(acc + 2^(s−1)) / 2^s⌋` (`mul = 1`, `half = 2^(s−1)`,
//!   `div = 2^s`; `half = 0` when `s = 0`);
//! - average of `n` values: `⌊(2·Σ + n) / 2n⌋` (`mul = 2`, `half = n`, `div = 2n`);
//! - a ReLU on its own: `mul = div = 1`, `half = 0`, ReLU on.
//!
//! Row `acc, q, r, r2, σ, y, z` with fixed `mul, half, div, rmax, relu`:
//!
//! - `mul·acc + half = q·div + r` and `r2 = rmax − r`, with `r` (and, when `div` is
//!   not a power of two, `r2`) an unsigned `m`-bit integer, `2^m ≥ div`, `rmax = div − 1`:
//!   so `0 ≤ r < div`;
//! - `σ ∈ {0, 1}` and `z = (2σ − 1)·q + σ − 1`, `z` an unsigned `(B−1)`-bit integer: for
//!   `σ = 1` that is `0 ≤ q < 2^(B−1)`, for `σ = 0` it is `−2^(B−1) ≤ q ≤ −1`, so one check
//!   gives both `q`'s signed `B`-bit range and its sign bit;
//! - `y = q + relu·(σ·q − q)`: `max(q, 0)` under ReLU, `q` otherwise.
//!
//! With `|acc| < 2^62`, `div ≤ 2^62` and `q`, `r` range-checked, both sides of the
//! division identity stay far below `p/2`, so it holds over the integers and `(q, r)`
//! is the unique floor quotient and remainder (`quant::rounding`'s rules).

use ff::Field;
use halo2_proofs::circuit::{Chip, Layouter, Value};
use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Constraints, Error, Expression, Fixed, Selector};
use halo2_proofs::poly::Rotation;

use super::range::{RangeChip, RangeConfig, RangeInstructions, Width};
use super::{ArithColumns, Cell};
use crate::{fe, int, Fp};

#[derive(Clone, Debug)]
pub struct DivideConfig {
    pub columns: ArithColumns,
    pub mul: Column<Fixed>,
    pub half: Column<Fixed>,
    pub div: Column<Fixed>,
    pub rmax: Column<Fixed>,
    pub relu: Column<Fixed>,
    pub s_divide: Selector,
    pub range: RangeConfig,
}

/// One division's constants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DivSpec {
    pub mul: i128,
    pub half: i128,
    pub div: i128,
    /// The output's signed width `B`.
    pub bits: u32,
    pub relu: bool,
}

impl DivSpec {
    /// Rescale by `shift` bits, round half up (`quant::rounding::rescale`).
    pub fn rescale(shift: u32, bits: u32, relu: bool) -> Self {
        let half = if shift == 0 { 0 } else { 1 << (shift - 1) };
        DivSpec { mul: 1, half, div: 1 << shift, bits, relu }
    }

    /// `max(x, 0)` of a signed `bits`-bit `x`.
    pub fn relu(bits: u32) -> Self {
        DivSpec { mul: 1, half: 0, div: 1, bits, relu: true }
    }

    /// Average over `n` values, round half up (`quant::rounding::div_round`).
    pub fn mean(n: usize, bits: u32) -> Self {
        DivSpec { mul: 2, half: n as i128, div: 2 * n as i128, bits, relu: false }
    }

    /// Bits `m` of the remainder's checks: the least with `2^m ≥ div`.
    pub fn remainder_bits(&self) -> u32 {
        128 - (self.div - 1).leading_zeros()
    }

    /// Whether `r < div` needs the second check (`div` not a power of two).
    pub fn checks_upper(&self) -> bool {
        self.div.count_ones() != 1
    }

    /// `(q, r)` for an accumulator, natively.
    pub fn quotient(&self, acc: i128) -> (i128, i128) {
        let n = self.mul * acc + self.half;
        (n.div_euclid(self.div), n.rem_euclid(self.div))
    }

    /// The output `y` for an accumulator, natively.
    pub fn output(&self, acc: i128) -> i128 {
        let q = self.quotient(acc).0;
        if self.relu {
            q.max(0)
        } else {
            q
        }
    }

    /// The honest witness for an accumulator.
    pub fn witness(&self, acc: Value<Fp>) -> DivWitness {
        let qr = acc.map(|a| self.quotient(int(&a).expect("accumulators are small integers")));
        DivWitness { q: qr.map(|(q, _)| fe(q)), r: qr.map(|(_, r)| fe(r)), sign: qr.map(|(q, _)| fe((q >= 0) as i128)) }
    }
}

/// The witness of one division row.
#[derive(Clone, Copy, Debug)]
pub struct DivWitness {
    pub q: Value<Fp>,
    pub r: Value<Fp>,
    pub sign: Value<Fp>,
}

pub trait DivideInstructions: Chip<Fp> {
    /// Divides `acc` per `spec`, returning the output cell `y`.
    fn divide(&self, layouter: &mut impl Layouter<Fp>, acc: &Cell, spec: DivSpec) -> Result<Cell, Error>;
}

pub struct DivideChip {
    config: DivideConfig,
    range: RangeChip,
}

impl Chip<Fp> for DivideChip {
    type Config = DivideConfig;
    type Loaded = ();
    fn config(&self) -> &DivideConfig {
        &self.config
    }
    fn loaded(&self) -> &() {
        &()
    }
}

impl DivideChip {
    pub fn construct(config: DivideConfig) -> Self {
        let range = RangeChip::construct(config.range.clone());
        DivideChip { config, range }
    }

    pub fn configure(meta: &mut ConstraintSystem<Fp>, columns: ArithColumns, range: RangeConfig) -> DivideConfig {
        let [mul, half, div, rmax, relu] = std::array::from_fn(|_| meta.fixed_column());
        let s_divide = meta.selector();
        let [acc, q, r, r2, sign, y, z, ..] = columns.advice;
        meta.create_gate("divide", |meta| {
            let s = meta.query_selector(s_divide);
            let mut cur = |c: Column<Advice>| meta.query_advice(c, Rotation::cur());
            let (acc, q, r, r2, sign, y, z) = (cur(acc), cur(q), cur(r), cur(r2), cur(sign), cur(y), cur(z));
            let mut fixed = |c: Column<Fixed>| meta.query_fixed(c);
            let (mul, half, div, rmax, relu) = (fixed(mul), fixed(half), fixed(div), fixed(rmax), fixed(relu));
            let one = Expression::Constant(Fp::ONE);
            Constraints::with_selector(
                s,
                [
                    ("division", mul * acc + half - q.clone() * div - r.clone()),
                    ("remainder complement", r2 - (rmax - r)),
                    ("sign is a bit", sign.clone() * (one.clone() - sign.clone())),
                    (
                        "signed magnitude",
                        z - ((sign.clone() * Fp::from(2) - one.clone()) * q.clone() + sign.clone() - one),
                    ),
                    ("output", y - q.clone() - relu * (sign * q.clone() - q)),
                ],
            )
        });
        DivideConfig { columns, mul, half, div, rmax, relu, s_divide, range }
    }

    /// Lays out one division with a given witness (the honest one from
    /// `DivSpec::witness`, or a tampered one in tests) and its range checks.
    pub fn assign(
        &self,
        layouter: &mut impl Layouter<Fp>,
        acc: &Cell,
        spec: DivSpec,
        wit: DivWitness,
    ) -> Result<Cell, Error> {
        let c = &self.config;
        let [acc_col, q_col, r_col, r2_col, sign_col, y_col, z_col, ..] = c.columns.advice;
        let (r, r2, z, y) = layouter.assign_region(
            || "divide",
            |mut region| {
                c.s_divide.enable(&mut region, 0)?;
                for (col, v) in [(c.mul, spec.mul), (c.half, spec.half), (c.div, spec.div), (c.rmax, spec.div - 1)] {
                    region.assign_fixed(|| "constant", col, 0, || Value::known(fe(v)))?;
                }
                region.assign_fixed(|| "relu", c.relu, 0, || Value::known(Fp::from(spec.relu as u64)))?;
                acc.copy_advice(|| "acc", &mut region, acc_col, 0)?;
                region.assign_advice(|| "q", q_col, 0, || wit.q)?;
                let r = region.assign_advice(|| "r", r_col, 0, || wit.r)?;
                let r2 = region.assign_advice(|| "r2", r2_col, 0, || wit.r.map(|r| fe(spec.div - 1) - r))?;
                region.assign_advice(|| "sign", sign_col, 0, || wit.sign)?;
                let zv = wit.q.zip(wit.sign).map(|(q, s)| (s + s - Fp::ONE) * q + s - Fp::ONE);
                let z = region.assign_advice(|| "z", z_col, 0, || zv)?;
                let yv = wit.q.zip(wit.sign).map(|(q, s)| if spec.relu { s * q } else { q });
                let y = region.assign_advice(|| "y", y_col, 0, || yv)?;
                Ok((r, r2, z, y))
            },
        )?;
        let m = Width::unsigned(spec.remainder_bits());
        self.range.range_check(layouter, &r, m)?;
        if spec.checks_upper() {
            self.range.range_check(layouter, &r2, m)?;
        }
        self.range.range_check(layouter, &z, Width::unsigned(spec.bits - 1))?;
        Ok(y)
    }
}

impl DivideInstructions for DivideChip {
    fn divide(&self, layouter: &mut impl Layouter<Fp>, acc: &Cell, spec: DivSpec) -> Result<Cell, Error> {
        self.assign(layouter, acc, spec, spec.witness(acc.value().copied()))
    }
}
