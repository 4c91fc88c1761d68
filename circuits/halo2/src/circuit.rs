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
use halo2_proofs::plonk::{Circuit, Column, ConstraintSystem, Error, Fixed, Instance};
use zkseal_core::commitment::{value_widths, values, Salt};
use zkseal_core::quant::arch::{Architecture, Weights};
use zkseal_core::quant::plan::{plan, LayerPlan};

use crate::chips::commit::{CommitChip, CommitConfig, CommitInstructions};
use crate::chips::divide::{DivideChip, DivideConfig};
use crate::chips::dot::{DotChip, DotConfig};
use crate::chips::max::{MaxChip, MaxConfig};
use crate::chips::range::{RangeChip, RangeConfig, RangeInstructions, Width};
use crate::chips::{ArithColumns, Cell};
use crate::commitment::PublicHeader;
use crate::ops;
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
    /// The fixed column of every constant (`assign_advice_from_constant`).
    pub constants: Column<Fixed>,
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
        ModelConfig { instance, constants, range, arith, dot, divide, max, commit }
    }
}

/// The chips of one synthesis, and the constant cells they share.
pub(crate) struct Chips {
    pub(crate) arith: ArithColumns,
    pub(crate) range: RangeChip,
    pub(crate) dot: DotChip,
    pub(crate) divide: DivideChip,
    pub(crate) max: MaxChip,
    pub(crate) zero: Cell,
    pub(crate) one: Cell,
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
        // A validated architecture has a step for every layer.
        let plan = plan(arch).map_err(|_| Error::Synthesis)?;
        let (n_in, n_out, b) = (arch.input.len(), arch.output().len(), self.inferences);
        for k in 0..b {
            let rows = 1 + k * n_in..1 + (k + 1) * n_in;
            let x = chips.range.load_instance(&mut layouter, config.instance, rows, Width::signed(arch.input.bits))?;
            let y = inference(&chips, &mut layouter, &plan, &params, x)?;
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
    plan: &[LayerPlan<'_>],
    params: &[Cell],
    input: Vec<Cell>,
) -> Result<Vec<Cell>, Error> {
    plan.iter().try_fold(input, |x, layer| ops::layout(chips, layouter, layer, params, x))
}
