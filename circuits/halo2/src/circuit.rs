//! The model circuit (`specs/circuit-halo2.md`): `B ≥ 1` inferences of one architecture.
//!
//! One instance column: row 0 the Pallas commitment, then the input integers of every
//! inference, then their output integers (inference `k` after `k − 1`), the Groth16
//! Poseidon scheme's order. Private: weights, salt, every activation.
//!
//! Proven: every committed value has its declared width and the commitment opens to
//! them; every input is a signed integer of the input's width; every layer is the
//! reference evaluator's, bit for bit (the chips' identities are exact over the
//! integers); the last layer's values are the public outputs. The layout depends only on
//! the architecture and `B`, so the keys made without a witness serve every weight set.

use ff::Field;
use halo2_proofs::circuit::{Layouter, SimpleFloorPlanner, Value};
use halo2_proofs::plonk::{Circuit, Column, ConstraintSystem, Error, Instance};
use zkseal_circuits::commitment::{value_widths, values, Salt};
use zkseal_circuits::model::kernels::{conv2d_taps, pool_windows};
use zkseal_circuits::model::op::{Op, UnweightedOp, WeightedOp};
use zkseal_circuits::model::shape::{broadcast_map, transpose_map};
use zkseal_circuits::quant::arch::{Architecture, LayerStep, Weights};

use crate::chips::commit::{CommitChip, CommitConfig, CommitInstructions};
use crate::chips::divide::{DivSpec, DivideChip, DivideConfig, DivideInstructions};
use crate::chips::dot::{DotChip, DotConfig, DotInstructions};
use crate::chips::max::{MaxChip, MaxConfig, MaxInstructions};
use crate::chips::range::{RangeChip, RangeConfig, RangeInstructions, Width};
use crate::chips::{ArithColumns, Cell};
use crate::commitment::PublicHeader;
use crate::{fe, Fp};

/// What the prover knows beyond the instance (the inputs are read from it).
#[derive(Clone, Debug)]
pub struct Witness<'a> {
    pub weights: &'a Weights,
    pub salt: &'a Salt,
}

/// The circuit of `arch` proving `inferences` inferences; no witness for key generation.
#[derive(Clone, Debug)]
pub struct ModelCircuit<'a> {
    pub arch: &'a Architecture,
    pub arch_digest: [u8; 32],
    pub inferences: usize,
    pub witness: Option<Witness<'a>>,
}

/// The public instance column: `[commitment, input…, output…]`.
pub fn instance(commitment: Fp, inputs: &[Vec<i64>], outputs: &[Vec<i64>]) -> Vec<Fp> {
    let ints = inputs.iter().chain(outputs).flatten().map(|&v| fe(v as i128));
    std::iter::once(commitment).chain(ints).collect()
}

#[derive(Clone, Debug)]
pub struct ModelConfig {
    pub instance: Column<Instance>,
    pub range: RangeConfig,
    pub arith: ArithColumns,
    pub dot: DotConfig,
    pub divide: DivideConfig,
    pub max: MaxConfig,
    pub commit: CommitConfig,
}

impl ModelConfig {
    /// Every column and gate of the circuit (also the chips' test harness's).
    pub fn configure(meta: &mut ConstraintSystem<Fp>) -> Self {
        let instance = meta.instance_column();
        meta.enable_equality(instance);
        let constants = meta.fixed_column();
        meta.enable_constant(constants);
        let range = RangeChip::configure(meta);
        let arith = ArithColumns::configure(meta);
        let dot = DotChip::configure(meta, arith);
        let divide = DivideChip::configure(meta, arith, range.clone());
        let max = MaxChip::configure(meta, arith, range.clone());
        let commit = CommitChip::configure(meta, constants);
        ModelConfig { instance, range, arith, dot, divide, max, commit }
    }
}

/// The chips of one synthesis, and the constant cells they share.
struct Chips {
    arith: ArithColumns,
    range: RangeChip,
    dot: DotChip,
    divide: DivideChip,
    max: MaxChip,
    zero: Cell,
    one: Cell,
}

impl Circuit<Fp> for ModelCircuit<'_> {
    type Config = ModelConfig;
    type FloorPlanner = SimpleFloorPlanner;

    fn without_witnesses(&self) -> Self {
        ModelCircuit { witness: None, ..self.clone() }
    }

    fn configure(meta: &mut ConstraintSystem<Fp>) -> ModelConfig {
        ModelConfig::configure(meta)
    }

    fn synthesize(&self, config: ModelConfig, mut layouter: impl Layouter<Fp>) -> Result<(), Error> {
        let arch = self.arch;
        let range = RangeChip::construct(config.range.clone());
        range.load_table(&mut layouter)?;

        let widths = value_widths(arch);
        let committed: Vec<Value<Fp>> = match &self.witness {
            Some(w) => values(w.weights).into_iter().map(|v| Value::known(fe(v as i128))).collect(),
            None => vec![Value::unknown(); widths.len()],
        };
        let (params, packed) = range.pack(&mut layouter, &committed, &widths)?;
        let header = PublicHeader::new(&self.arch_digest, packed.len());
        let salt = self.witness.as_ref().map_or(Value::unknown(), |w| Value::known(w.salt.0));
        let c = CommitChip::construct(config.commit.clone()).commit(&mut layouter, &header, salt, &packed)?;
        layouter.constrain_instance(c.cell(), config.instance, 0)?;

        let [zero, one] = layouter.assign_region(
            || "constants",
            |mut region| {
                let a = config.arith.advice[0];
                Ok([
                    region.assign_advice_from_constant(|| "0", a, 0, Fp::ZERO)?,
                    region.assign_advice_from_constant(|| "1", a, 1, Fp::ONE)?,
                ])
            },
        )?;
        let chips = Chips {
            arith: config.arith,
            range,
            dot: DotChip::construct(config.dot.clone()),
            divide: DivideChip::construct(config.divide.clone()),
            max: MaxChip::construct(config.max.clone()),
            zero,
            one,
        };
        let (n_in, n_out, b) = (arch.input.len(), arch.output().len(), self.inferences);
        for k in 0..b {
            let rows = 1 + k * n_in..1 + (k + 1) * n_in;
            let x = chips.range.load_instance(&mut layouter, config.instance, rows, Width::signed(arch.input.bits))?;
            let y = inference(&chips, &mut layouter, arch, &params, x)?;
            for (i, cell) in y.iter().enumerate() {
                layouter.constrain_instance(cell.cell(), config.instance, 1 + b * n_in + k * n_out + i)?;
            }
        }
        Ok(())
    }
}

/// One inference's layers on the input cells `x` with the committed value cells
/// `params` (canonical order); returns the output cells.
fn inference(
    chips: &Chips,
    layouter: &mut impl Layouter<Fp>,
    arch: &Architecture,
    params: &[Cell],
    input: Vec<Cell>,
) -> Result<Vec<Cell>, Error> {
    let mut params = params.iter();
    let mut cur = input;
    let mut layers = arch.layers.iter().enumerate().peekable();
    while let Some((i, layer)) = layers.next() {
        let x_shape = arch.input_of(i).dims();
        let y_shape = layer.output.dims();
        let bits = layer.output.bits;
        let chw = || [x_shape[1], x_shape[2], x_shape[3]];
        let out_hw = || [y_shape[2], y_shape[3]];
        // A validated architecture has a step for every layer.
        let step = layer.step().ok_or(Error::Synthesis)?;
        cur = match step {
            LayerStep::Weighted(op, r) => {
                let (nw, nb) = op.param_sizes();
                let w: Vec<Cell> = params.by_ref().take(nw).cloned().collect();
                let b: Vec<Cell> = params.by_ref().take(nb).cloned().collect();
                // A ReLU right after is fused into the rescale: same output, no extra row.
                let relu = matches!(layers.peek(), Some((_, next)) if next.op == Op::Relu);
                if relu {
                    layers.next();
                }
                let spec = DivSpec::rescale(r.shift, bits, relu);
                let mut out = Vec::with_capacity(layer.output.len());
                for (xs, ws, bias) in accumulators(op, &cur, &x_shape, &w, &b, out_hw) {
                    let acc = chips.dot.dot(layouter, &xs, &ws, &bias)?;
                    out.push(chips.divide.divide(layouter, &acc, spec)?);
                }
                out
            }
            LayerStep::Unweighted(UnweightedOp::Relu) => {
                cur.iter().map(|x| chips.divide.divide(layouter, x, DivSpec::relu(bits))).collect::<Result<_, _>>()?
            }
            LayerStep::Unweighted(UnweightedOp::Clip { lo, hi }) => {
                let in_bits = arch.input_of(i).bits;
                let c = ClipConstants::assign(layouter, chips, lo, hi)?;
                cur.iter().map(|x| clip(chips, layouter, x, &c, in_bits)).collect::<Result<_, _>>()?
            }
            LayerStep::Unweighted(UnweightedOp::MaxPool { window }) => {
                let mut windows = Vec::new();
                pool_windows(chw(), window, out_hw(), |_, idx, _| windows.push(idx.map(|j| cur[j].clone()).collect()));
                windows.iter().map(|w: &Vec<Cell>| chips.max.max(layouter, w, bits)).collect::<Result<_, _>>()?
            }
            LayerStep::Unweighted(UnweightedOp::AvgPool { window, count_include_pad }) => {
                let mut windows = Vec::new();
                pool_windows(chw(), window, out_hw(), |_, idx, n| {
                    let w: Vec<Cell> = idx.map(|j| cur[j].clone()).collect();
                    windows.push((w, if count_include_pad { n.padded } else { n.real }));
                });
                windows.iter().map(|(w, n)| mean(chips, layouter, w, *n, bits)).collect::<Result<_, _>>()?
            }
            LayerStep::Unweighted(UnweightedOp::GlobalAvgPool) => {
                let plane = x_shape[2] * x_shape[3];
                cur.chunks(plane).map(|p| mean(chips, layouter, p, plane, bits)).collect::<Result<_, _>>()?
            }
            LayerStep::Unweighted(UnweightedOp::Reshape) => cur,
            LayerStep::Unweighted(UnweightedOp::Transpose { perm }) => {
                let perm: Vec<usize> = perm.iter().map(|&p| p as usize).collect();
                transpose_map(&x_shape, &perm).into_iter().map(|j| cur[j].clone()).collect()
            }
        };
    }
    Ok(cur)
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

/// `⌊(2·Σ + n) / 2n⌋` of a window: its sum as a dot product with constant ones, then
/// one division.
fn mean(chips: &Chips, layouter: &mut impl Layouter<Fp>, window: &[Cell], n: usize, bits: u32) -> Result<Cell, Error> {
    let ones = vec![chips.one.clone(); window.len()];
    let sum = chips.dot.dot(layouter, window, &ones, &chips.zero)?;
    chips.divide.divide(layouter, &sum, DivSpec::mean(n, bits))
}

/// Each output's `(inputs, weights, bias)` of a Dense, Conv2d or Affine layer, from the
/// same enumerators the reference evaluator uses.
fn accumulators(
    op: WeightedOp<'_>,
    x: &[Cell],
    x_shape: &[usize],
    w: &[Cell],
    b: &[Cell],
    out_hw: impl Fn() -> [usize; 2],
) -> Vec<(Vec<Cell>, Vec<Cell>, Cell)> {
    match op {
        WeightedOp::Dense { in_features, .. } => {
            let n = in_features as usize;
            x.chunks_exact(n)
                .flat_map(|row| w.chunks_exact(n).zip(b).map(move |(wo, bo)| (row.to_vec(), wo.to_vec(), bo.clone())))
                .collect()
        }
        WeightedOp::Conv2d { window, .. } => {
            let [oh, ow] = out_hw();
            let plane = oh * ow;
            let mut out: Vec<(Vec<Cell>, Vec<Cell>, Cell)> =
                (0..b.len() * plane).map(|o| (Vec::new(), Vec::new(), b[o / plane].clone())).collect();
            conv2d_taps([x_shape[1], x_shape[2], x_shape[3]], b.len(), window, [oh, ow], |o, i, k| {
                out[o].0.push(x[i].clone());
                out[o].1.push(w[k].clone());
            });
            out
        }
        WeightedOp::Affine { param_shape } => {
            let p: Vec<usize> = param_shape.iter().map(|&d| d as usize).collect();
            broadcast_map(&p, x_shape)
                .into_iter()
                .zip(x)
                .map(|(j, xi)| (vec![xi.clone()], vec![w[j].clone()], b[j].clone()))
                .collect()
        }
    }
}
