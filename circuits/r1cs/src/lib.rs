//! zkseal's Groth16 circuit: the model relation in R1CS over BN254's scalar field
//! (`specs/circuit.md`). Gadgets (`range`, `rescale`, `linear`, `pool`, `clip`) beside
//! their native twins; `ops` one module per op (constraints and count side by side) over
//! the plan of `zkseal_core::quant::plan`; `circuit` the model circuit, `estimate` its size
//! without building it; `commitment` the Poseidon commitment over BN254.
//!
//! Integers travel as `Wire`s: a linear combination plus, when proving, its native
//! value. Every gadget computes its witness with the same native code the reference
//! evaluator uses (`quant::rounding`, `model::op::Window2d`) and constrains it; the
//! gadgets' tests feed them tampered witnesses (`Hint`s) and check they are refused.

pub mod circuit;
pub mod clip;
pub mod commitment;
pub mod estimate;
pub mod linear;
pub mod ops;
pub mod pool;
pub mod range;
pub mod rescale;

use std::cell::{Cell, RefCell};

use ark_bn254::Fr;
use ark_ff::{One, Zero};
use ark_relations::gr1cs::{ConstraintSystemRef, LinearCombination, SynthesisError, Variable};

pub type Lc = LinearCombination<Fr>;
pub type Result<T> = std::result::Result<T, SynthesisError>;

/// The field element of a signed integer.
pub fn fr(v: i128) -> Fr {
    // Bits are most of the witness; these skip the Montgomery conversion.
    if v == 0 {
        Fr::zero()
    } else if v == 1 {
        Fr::one()
    } else if v >= 0 {
        Fr::from(v as u128)
    } else {
        -Fr::from(v.unsigned_abs())
    }
}

/// The one variable among `terms` (index, coefficient) with a nonzero total
/// coefficient, if exactly one: repeated terms are summed, as the constraint matrices
/// hold them. A row of A, B or C whose segment terms give `Some(j)` isolates `j`.
pub fn sole_variable(terms: impl Iterator<Item = (usize, Fr)>) -> Option<usize> {
    let mut terms: Vec<(usize, Fr)> = terms.collect();
    terms.sort_unstable_by_key(|t| t.0);
    let mut merged: Vec<(usize, Fr)> = Vec::with_capacity(terms.len());
    for (j, c) in terms {
        match merged.last_mut() {
            Some(last) if last.0 == j => last.1 += c,
            _ => merged.push((j, c)),
        }
    }
    merged.retain(|(_, c)| !c.is_zero());
    match merged[..] {
        [(j, _)] => Some(j),
        _ => None,
    }
}

/// An integer-valued signal: `lc`, whose value is `value` (None during setup).
#[derive(Clone, Debug)]
pub struct Wire {
    pub lc: Lc,
    pub value: Option<i128>,
}

impl Wire {
    pub fn var(v: Variable, value: Option<i128>) -> Self {
        Wire { lc: LinearCombination(vec![(Fr::from(1u64), v)]), value }
    }

    pub fn zero() -> Self {
        Wire { lc: LinearCombination(vec![]), value: Some(0) }
    }

    pub fn constant(c: i128) -> Self {
        Wire { lc: LinearCombination(vec![(fr(c), Variable::One)]), value: Some(c) }
    }

    /// `self + k·other`
    pub fn add_scaled(&self, k: i128, other: &Wire) -> Wire {
        let mut sum = self.clone();
        sum.accumulate(k, other);
        sum
    }

    /// `self ← self + k·other`, in place: accumulators grow term by term, and cloning
    /// them at every step would be quadratic in the fan-in.
    pub fn accumulate(&mut self, k: i128, other: &Wire) {
        let k_fr = fr(k);
        self.lc.0.extend(other.lc.0.iter().map(|(c, v)| (*c * k_fr, *v)));
        self.value = self.value.zip(other.value).map(|(a, b)| a + k * b);
    }
}

/// How the circuit binds the weights (`specs/commitment.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// Every weight range-checked and hashed with Poseidon; the hash is a public input.
    Poseidon,
    /// The weights are the first witness variables, a segment the proof system itself
    /// commits to (commit-carrying Groth16): no constraint per weight.
    Lego,
}

/// Constraint counts by component, for `inspect` and the specs.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Costs {
    /// Poseidon: weight range checks and the hash. Lego: one row per committed value
    /// that no other row isolates (`Synth::isolate_segment`).
    pub commitment: usize,
    /// Products of dense / conv / affine layers and their rescales.
    pub linear: usize,
    /// ReLU, pooling, input range checks and output equalities.
    pub nonlinear: usize,
}

impl Costs {
    pub fn total(&self) -> usize {
        self.commitment.saturating_add(self.linear).saturating_add(self.nonlinear)
    }
}

/// The constraint system plus the bookkeeping the gadgets share.
pub struct Synth {
    pub cs: ConstraintSystemRef<Fr>,
    /// Whether witness values are being computed (false during key generation).
    pub proving: bool,
    /// Whether the system records its constraints (key generation, tests). A prover
    /// with cached matrices (`zkseal_prover::relation`) needs only the assignment: then
    /// wires carry values and empty linear combinations, and no row is built.
    records: bool,
    counted: Cell<usize>,
    /// The committed segment, witness variables `0..n`: whether each already has an
    /// isolating row (one where it is the only segment variable of A, B or C).
    isolated: RefCell<Vec<bool>>,
}

impl Synth {
    pub fn new(cs: ConstraintSystemRef<Fr>, proving: bool) -> Self {
        let records = cs.should_construct_matrices();
        Synth { cs, proving, records, counted: Cell::new(0), isolated: RefCell::new(Vec::new()) }
    }

    /// Allocates the committed segment: `values.len()` witnesses that must be the
    /// system's first, so that they are witness variables `0..n` in order.
    pub fn segment(&self, values: &[Option<i128>]) -> Result<Vec<Wire>> {
        if self.cs.num_witness_variables() != 0 {
            return Err(SynthesisError::Unsatisfiable);
        }
        *self.isolated.borrow_mut() = vec![false; values.len()];
        values.iter().map(|&v| self.witness(v)).collect()
    }

    /// Gives every segment variable without an isolating row one, `w·1 = w`.
    ///
    /// Why: the commitment binds the segment only if the QAP polynomials
    /// `(uⱼ, vⱼ, wⱼ)` of its variables are linearly independent; an isolating row puts
    /// a Lagrange basis polynomial in exactly one of them, which suffices. Products
    /// `x·w` isolate a weight and rescale rows a bias, so this adds a row only for a
    /// weight no constraint uses (a convolution tap that only ever meets padding).
    /// A system that records no rows (an assignment-only pass) needs none.
    pub fn isolate_segment(&self) -> Result<()> {
        if !self.records {
            return Ok(());
        }
        let missing: Vec<usize> =
            self.isolated.borrow().iter().enumerate().filter(|(_, &done)| !done).map(|(j, _)| j).collect();
        for j in missing {
            let w = LinearCombination(vec![(Fr::from(1u64), Variable::witness(j))]);
            self.enforce(w.clone(), Wire::constant(1).lc, w)?;
        }
        Ok(())
    }

    /// Records the segment variable `lc` isolates, if any.
    fn note_isolated(&self, lc: &Lc) {
        let mut isolated = self.isolated.borrow_mut();
        let n = isolated.len();
        let in_segment = |v: &Variable| v.is_witness() && v.index().is_some_and(|i| i < n);
        // Most rows hold no segment variable: skip them without collecting terms.
        if !lc.0.iter().any(|(_, v)| in_segment(v)) {
            return;
        }
        let terms = lc.0.iter().filter_map(|(c, v)| Some((v.index().filter(|_| in_segment(v))?, *c)));
        if let Some(j) = sole_variable(terms) {
            isolated[j] = true;
        }
    }

    /// Constraints added since the last call.
    pub fn take_count(&self) -> usize {
        let now = self.cs.num_constraints();
        now - self.counted.replace(now)
    }

    pub fn witness(&self, value: Option<i128>) -> Result<Wire> {
        let v = self.cs.new_witness_variable(|| value.map(fr).ok_or(SynthesisError::AssignmentMissing))?;
        Ok(self.wire(v, value))
    }

    pub fn input(&self, value: Option<i128>) -> Result<Wire> {
        let v = self.cs.new_input_variable(|| value.map(fr).ok_or(SynthesisError::AssignmentMissing))?;
        Ok(self.wire(v, value))
    }

    fn wire(&self, v: Variable, value: Option<i128>) -> Wire {
        if self.records {
            Wire::var(v, value)
        } else {
            Wire { lc: LinearCombination(Vec::new()), value }
        }
    }

    /// `a·b = c`
    pub fn enforce(&self, a: Lc, b: Lc, c: Lc) -> Result<()> {
        if self.records && !self.isolated.borrow().is_empty() {
            for lc in [&a, &b, &c] {
                self.note_isolated(lc);
            }
        }
        self.cs.enforce_r1cs_constraint(|| a, || b, || c)
    }

    /// `a = b`
    pub fn enforce_equal(&self, a: &Wire, b: &Wire) -> Result<()> {
        let diff = a.add_scaled(-1, b);
        self.enforce(diff.lc, Wire::constant(1).lc, LinearCombination(vec![]))
    }

    /// A new wire holding `a·b`.
    pub fn mul(&self, a: &Wire, b: &Wire) -> Result<Wire> {
        let value = if self.proving { a.value.zip(b.value).map(|(x, y)| x * y) } else { None };
        let p = self.witness(value)?;
        self.enforce(a.lc.clone(), b.lc.clone(), p.lc.clone())?;
        Ok(p)
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use ark_relations::gr1cs::ConstraintSystem;

    use super::*;

    /// A fresh proving-mode system.
    pub fn synth() -> Synth {
        Synth::new(ConstraintSystem::<Fr>::new_ref(), true)
    }

    pub fn satisfied(s: &Synth) -> bool {
        s.cs.is_satisfied().expect("all values assigned")
    }

    /// Free witnesses holding `values`.
    pub fn wires(s: &Synth, values: &[i64]) -> Vec<Wire> {
        values.iter().map(|&v| s.witness(Some(v as i128)).unwrap()).collect()
    }
}
