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

use super::rescale::{relu, relu_signed, rescale, Signed};
use super::{clip, linear, pool, range, Costs, Result, Scheme, Synth, Wire};
use crate::commitment::constraints::CommitmentGadget;
use crate::commitment::{value_widths, values, Salt};
use crate::model::op::{UnweightedOp, WeightedOp};
use crate::model::shape::transpose_map;
use crate::quant::arch::{Architecture, LayerStep, Weights};
use crate::quant::eval::Trace;

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

        for (k, (input, output)) in inputs.into_iter().zip(&outputs).enumerate() {
            let cur = inference(&s, arch, &value_wires, input, &mut costs)?;
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
    params: &[Wire],
    input: Vec<Wire>,
    costs: &mut Costs,
) -> Result<Vec<Wire>> {
    // The input is public but must still be within its declared width.
    for x in &input {
        range::signed(s, x, arch.input.bits)?;
    }
    costs.nonlinear += s.take_count();

    let mut params = params.iter().cloned();
    let mut cur = input;
    let mut signs: Option<Vec<Wire>> = None;
    for (i, layer) in arch.layers.iter().enumerate() {
        let x_shape = arch.input_of(i).dims();
        let y_shape = layer.output.dims();
        let bits = layer.output.bits;
        let chw = || [x_shape[1], x_shape[2], x_shape[3]];
        let out_hw = || [y_shape[2], y_shape[3]];
        let mut next_signs = None;
        // A validated architecture has a step for every layer.
        let step = layer.step().ok_or(SynthesisError::Unsatisfiable)?;
        cur = match step {
            LayerStep::Weighted(op, r) => {
                let (nw, nb) = op.param_sizes();
                let wts: Vec<Wire> = params.by_ref().take(nw).collect();
                let bias: Vec<Wire> = params.by_ref().take(nb).collect();
                let acc = match op {
                    WeightedOp::Dense { in_features, .. } => linear::dense(s, &cur, &wts, &bias, in_features as usize)?,
                    WeightedOp::Conv2d { window, .. } => linear::conv2d(s, &cur, chw(), &wts, &bias, window, out_hw())?,
                    WeightedOp::Affine { param_shape } => {
                        let p: Vec<usize> = param_shape.iter().map(|&d| d as usize).collect();
                        linear::affine(s, &cur, &x_shape, &wts, &bias, &p)?
                    }
                };
                let out: Vec<Signed> = acc.iter().map(|a| rescale(s, a, r.shift, bits)).collect::<Result<_>>()?;
                costs.linear += s.take_count();
                next_signs = Some(out.iter().map(|o| o.nonneg.clone()).collect());
                out.into_iter().map(|o| o.value).collect()
            }
            LayerStep::Unweighted(UnweightedOp::Relu) => {
                let y = match &signs {
                    // `rescale_relu`: the sign bit of the preceding rescale, one constraint each.
                    Some(sg) => cur
                        .iter()
                        .zip(sg)
                        .map(|(x, n)| relu_signed(s, &Signed { value: x.clone(), nonneg: n.clone() }))
                        .collect::<Result<Vec<_>>>()?,
                    None => cur.iter().map(|x| relu(s, x, bits)).collect::<Result<Vec<_>>>()?,
                };
                costs.nonlinear += s.take_count();
                y
            }
            LayerStep::Unweighted(UnweightedOp::Clip { lo, hi }) => {
                let in_bits = arch.input_of(i).bits;
                let y = cur.iter().map(|x| clip::clip(s, x, lo, hi, in_bits)).collect::<Result<Vec<_>>>()?;
                costs.nonlinear += s.take_count();
                y
            }
            LayerStep::Unweighted(UnweightedOp::MaxPool { window }) => {
                let y = pool::pool2d(s, &cur, chw(), window, out_hw(), None, bits)?;
                costs.nonlinear += s.take_count();
                y
            }
            LayerStep::Unweighted(UnweightedOp::AvgPool { window, count_include_pad }) => {
                let y = pool::pool2d(s, &cur, chw(), window, out_hw(), Some(count_include_pad), bits)?;
                costs.nonlinear += s.take_count();
                y
            }
            LayerStep::Unweighted(UnweightedOp::GlobalAvgPool) => {
                let plane = x_shape[2] * x_shape[3];
                let y = cur.chunks(plane).map(|p| pool::mean(s, p, plane, bits)).collect::<Result<Vec<_>>>()?;
                costs.nonlinear += s.take_count();
                y
            }
            LayerStep::Unweighted(UnweightedOp::Reshape) => {
                next_signs = signs.take();
                cur
            }
            LayerStep::Unweighted(UnweightedOp::Transpose { perm }) => {
                let perm: Vec<usize> = perm.iter().map(|&p| p as usize).collect();
                let map = transpose_map(&x_shape, &perm);
                next_signs = signs.take().map(|sg| map.iter().map(|&j| sg[j].clone()).collect());
                map.iter().map(|&j| cur[j].clone()).collect()
            }
        };
        signs = next_signs;
    }
    Ok(cur)
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
