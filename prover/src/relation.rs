//! The model circuit's constraint matrices, built once per prover.
//!
//! The system's shape depends only on the architecture, scheme and inferences per
//! proof (`specs/circuit.md`), so a prover synthesizes it once in setup mode, as key
//! generation did, and each proof then only computes its assignment: synthesis without
//! matrices, then arkworks' QAP witness map and MSMs over the cached matrices.

use ark_bn254::{Bn254, Fr};
use ark_ff::UniformRand;
use ark_groth16::{Groth16, Proof, ProvingKey};
use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystem, OptimizationGoal, SynthesisError, SynthesisMode, R1CS_PREDICATE_LABEL,
};
use ark_relations::utils::matrix::Matrix;
use rand::{CryptoRng, RngCore};

use crate::ProverError;

/// The R1CS matrices `(A, B, C)` of a circuit and its variable counts.
pub struct Relation {
    matrices: Vec<Matrix<Fr>>,
    /// Instance variables, the constant one included.
    num_instance: usize,
    num_witness: usize,
    num_constraints: usize,
}

impl Relation {
    /// Synthesizes `circuit` (without witness) with the settings of arkworks' generator,
    /// so these are the matrices the keys were made from.
    pub fn new<C: ConstraintSynthesizer<Fr>>(circuit: C) -> Result<Self, ProverError> {
        let cs = ConstraintSystem::<Fr>::new_ref();
        cs.set_optimization_goal(OptimizationGoal::Constraints);
        cs.set_mode(SynthesisMode::Setup);
        circuit.generate_constraints(cs.clone())?;
        cs.finalize();
        let matrices = cs.to_matrices()?.remove(R1CS_PREDICATE_LABEL).ok_or(SynthesisError::Unsatisfiable)?;
        Ok(Relation {
            matrices,
            num_instance: cs.num_instance_variables(),
            num_witness: cs.num_witness_variables(),
            num_constraints: cs.num_constraints(),
        })
    }

    /// The full assignment `(1, instance…, witness…)` of `circuit`, synthesized without
    /// matrices; refused unless its variable counts are this relation's.
    pub fn assignment<C: ConstraintSynthesizer<Fr>>(&self, circuit: C) -> Result<Vec<Fr>, ProverError> {
        let cs = ConstraintSystem::<Fr>::new_ref();
        cs.set_optimization_goal(OptimizationGoal::Constraints);
        cs.set_mode(SynthesisMode::Prove { construct_matrices: false, generate_lc_assignments: false });
        circuit.generate_constraints(cs.clone())?;
        let cs = cs.borrow().ok_or(SynthesisError::MissingCS)?;
        let (instance, witness) = (cs.instance_assignment()?, cs.witness_assignment()?);
        if (instance.len(), witness.len()) != (self.num_instance, self.num_witness) {
            return Err(SynthesisError::Unsatisfiable.into());
        }
        Ok([instance, witness].concat())
    }

    /// A Groth16 proof (fresh `r`, `s` from `rng`) for `assignment` under `pk`.
    ///
    /// Soundness does not rest on this: a wrong assignment gives a proof that fails
    /// verification (the prover self-checks every proof before returning it).
    pub fn prove<R: RngCore + CryptoRng>(
        &self,
        pk: &ProvingKey<Bn254>,
        assignment: &[Fr],
        rng: &mut R,
    ) -> Result<Proof<Bn254>, ProverError> {
        let (r, s) = (Fr::rand(rng), Fr::rand(rng));
        Ok(Groth16::<Bn254>::create_proof_with_reduction_and_matrices(
            pk,
            r,
            s,
            &self.matrices,
            self.num_instance,
            self.num_constraints,
            assignment,
        )?)
    }

    pub fn num_constraints(&self) -> usize {
        self.num_constraints
    }

    /// Instance variables, the constant one included.
    pub fn num_instance(&self) -> usize {
        self.num_instance
    }

    /// `[A, B, C]`, row by row.
    pub fn matrices(&self) -> &[Matrix<Fr>] {
        &self.matrices
    }
}
