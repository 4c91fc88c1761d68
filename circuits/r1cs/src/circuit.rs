//! The model circuit (`specs/circuit.md`).
//!
//! A circuit proves `B ≥ 1` inferences of one model (`inferences`). Public inputs, in
//! order: (Poseidon scheme only) the commitment, then the input integers of every
//! inference, then the output integers of every inference (inference `k` after `k−1`).
//! Private: weights, (Poseidon) salt, every activation. The weights are allocated and
//! committed once and shared by the `B` copies of the layers. The relation holds iff
//! the weights are the committed ones and every output is the reference evaluator's
//! result on its input, bit for bit. Poseidon: the commitment
//! opens to the weights, each range-checked to its declared width. Lego: the weights
//! are witness variables `0..n`, which the proof system commits to itself. The shape
//! of the system depends only on the architecture and scheme, so keys made from the
//! weight-free architecture serve every weight set.

use ark_bn254::Fr;
use ark_r1cs_std::eq::EqGadget;
use ark_r1cs_std::fields::fp::{AllocatedFp, FpVar};
use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystem, ConstraintSystemRef, SynthesisError, SynthesisMode, Variable,
};

use zkseal_core::commitment::{value_widths, values, Salt};
use zkseal_core::quant::arch::{Architecture, Weights};
use zkseal_core::quant::eval::Trace;
use zkseal_core::quant::plan::{plan, LayerPlan};

use crate::commitment::constraints::CommitmentGadget;
use crate::ops::{self, Part, Values};
use crate::{range, Costs, Result, Scheme, Synth, Wire};

/// What the prover knows.
pub struct CircuitWitness<'a> {
    pub weights: &'a Weights,
    /// The Poseidon commitment's salt and value (unused by the Lego scheme).
    pub salt: &'a Salt,
    pub commitment: Fr,
    /// The reference evaluator's trace on each input (gives inputs and outputs), one
    /// per inference.
    pub traces: &'a [Trace],
}

/// The circuit of one architecture proving `inferences` inferences; `witness` is
/// `None` for key generation.
pub struct ModelCircuit<'a> {
    pub arch: &'a Architecture,
    pub arch_digest: [u8; 32],
    pub scheme: Scheme,
    pub inferences: usize,
    pub witness: Option<CircuitWitness<'a>>,
}

impl ConstraintSynthesizer<Fr> for ModelCircuit<'_> {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<()> {
        self.synthesize(cs).map(|_| ())
    }
}

/// The public inputs of a proof: `[commitment, input…, output…]` (Poseidon) or
/// `[input…, output…]` (Lego), `input` and `output` the concatenations over the
/// inferences.
pub fn public_inputs(scheme: Scheme, commitment: Fr, input: &[i64], output: &[i64]) -> Vec<Fr> {
    let ints = input.iter().chain(output).map(|&v| super::fr(v as i128));
    let head = (scheme == Scheme::Poseidon).then_some(commitment);
    head.into_iter().chain(ints).collect()
}

/// The constraint counts of `arch`'s circuit, by component (no witness needed).
pub fn costs(arch: &Architecture, arch_digest: [u8; 32], scheme: Scheme, inferences: usize) -> Result<Costs> {
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_mode(SynthesisMode::Setup);
    ModelCircuit { arch, arch_digest, scheme, inferences, witness: None }.synthesize(cs)
}

impl ModelCircuit<'_> {
    /// Builds the system into `cs`, returning the constraint counts by component.
    pub fn synthesize(self, cs: ConstraintSystemRef<Fr>) -> Result<Costs> {
        let arch = self.arch;
        let w = self.witness.as_ref();
        let s = Synth::new(cs, w.is_some());
        let mut costs = Costs::default();
        let int = |v: i64| Some(v as i128);

        // Public inputs first, so their order is the documented one.
        let commitment = match self.scheme {
            Scheme::Poseidon => {
                let value = w.map(|w| w.commitment);
                Some((s.cs.new_input_variable(|| value.ok_or(SynthesisError::AssignmentMissing))?, value))
            }
            Scheme::Lego => None,
        };
        let n = self.inferences;
        if n == 0 || w.is_some_and(|w| w.traces.len() != n) {
            return Err(SynthesisError::Unsatisfiable);
        }
        let trace = |k: usize| w.map(|w| &w.traces[k]);
        let inputs = (0..n)
            .map(|k| (0..arch.input.len()).map(|i| s.input(trace(k).and_then(|t| int(*t.input.get(i)?)))).collect())
            .collect::<Result<Vec<Vec<Wire>>>>()?;
        let out_len = arch.output().len();
        let outputs = (0..n)
            .map(|k| (0..out_len).map(|i| s.input(trace(k).and_then(|t| int(*t.output().get(i)?)))).collect())
            .collect::<Result<Vec<Vec<Wire>>>>()?;

        let committed: Vec<Option<i128>> = match w {
            Some(w) => values(w.weights).into_iter().map(int).collect(),
            None => vec![None; value_widths(arch).len()],
        };
        let value_wires = match commitment {
            Some(c) => poseidon_commitment(&s, arch, &self.arch_digest, w.map(|w| w.salt), &committed, c)?,
            None => s.segment(&committed)?,
        };
        costs.commitment += s.take_count();

        // A validated architecture has a step for every layer.
        let plan = plan(arch).map_err(|_| SynthesisError::Unsatisfiable)?;
        for (k, (input, output)) in inputs.into_iter().zip(&outputs).enumerate() {
            let cur = inference(&s, arch, &plan, &value_wires, input, &mut costs)?;
            // The computed output must be the public one (and, when proving, the
            // reference evaluator's: a disagreement is a bug, refused here).
            if let Some(t) = trace(k) {
                if cur.iter().map(|x| x.value).ne(t.output().iter().map(|&v| int(v))) {
                    return Err(SynthesisError::Unsatisfiable);
                }
            }
            for (y, o) in cur.iter().zip(output) {
                s.enforce_equal(y, o)?;
            }
            costs.nonlinear += s.take_count();
        }
        if commitment.is_none() {
            s.isolate_segment()?;
            costs.commitment += s.take_count();
        }
        Ok(costs)
    }
}

/// One inference's layers on `input` with the shared parameter wires, adding their
/// constraint counts to `costs`; returns the output wires.
fn inference(
    s: &Synth,
    arch: &Architecture,
    plan: &[LayerPlan<'_>],
    params: &[Wire],
    input: Vec<Wire>,
    costs: &mut Costs,
) -> Result<Vec<Wire>> {
    // The input is public but must still be within its declared width.
    for x in &input {
        range::signed(s, x, arch.input.bits)?;
    }
    costs.nonlinear += s.take_count();
    let mut cur = Values::plain(input);
    for layer in plan {
        cur = ops::synthesize(s, layer, params, cur)?;
        match ops::part(layer) {
            Part::Linear => costs.linear += s.take_count(),
            Part::Nonlinear => costs.nonlinear += s.take_count(),
        }
    }
    Ok(cur.wires)
}

/// Poseidon scheme: every committed value range-checked to its width, then hashed,
/// and the hash equal to the public `commitment` variable.
fn poseidon_commitment(
    s: &Synth,
    arch: &Architecture,
    arch_digest: &[u8; 32],
    salt: Option<&Salt>,
    committed: &[Option<i128>],
    commitment: (Variable, Option<Fr>),
) -> Result<Vec<Wire>> {
    let widths = value_widths(arch);
    let wires = committed
        .iter()
        .zip(&widths)
        .map(|(&v, &width)| {
            let wire = s.witness(v)?;
            range::signed(s, &wire, width)?;
            Ok(wire)
        })
        .collect::<Result<Vec<_>>>()?;
    let c = CommitmentGadget::commit(s, arch_digest, salt, &wires, &widths)?;
    let (var, value) = commitment;
    c.enforce_equal(&FpVar::Var(AllocatedFp::new(value, var, s.cs.clone())))?;
    Ok(wires)
}
