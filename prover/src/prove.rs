//! One proof of `B` inferences (the key's `inferences`, usually 1): quantize each
//! input, run the reference evaluator, build the circuit's assignment from the traces,
//! and prove with arkworks' parallel Groth16 prover over the constraint matrices the
//! `Prover` built once.

use ark_bn254::Fr;
use ark_serialize::CanonicalSerialize;
use rand::{CryptoRng, RngCore};
use zkseal_core::commitment::Salt;
use zkseal_core::format::hex;
use zkseal_core::quant::eval::{evaluate, quantize_input};
use zkseal_core::Model;
use zkseal_r1cs::circuit::{CircuitWitness, ModelCircuit};
use zkseal_r1cs::estimate::domain;
use zkseal_r1cs::Scheme;
use zkseal_verifier::{parse_field, CommitmentRecord, CommitmentScheme, ProofBundle, Verifier};

use crate::commit::commitment_record;
use crate::keys::ProvingKeyFile;
use crate::relation::Relation;
use crate::setup::circuit_scheme;
use crate::{lego, ProverError};

/// Everything about one (model, key, salt) that does not change from proof to proof,
/// computed once: a batch proves thousands of inputs against it.
pub struct Prover<'a> {
    model: &'a Model,
    key: KeyHeld<'a>,
    salt: &'a Salt,
    arch_digest: [u8; 32],
    scheme: Scheme,
    inferences: usize,
    relation: Relation,
    /// The Poseidon commitment (a public input under that scheme).
    commitment: Fr,
    /// Lego: the blinding `r` of the commitment point.
    blinding: Fr,
    /// Checks every proof before it leaves (key and the prover's own record decoded
    /// once); its `Binding` is what every bundle says beside its proof.
    verifier: Verifier,
}

/// The proving key, lent by the caller or owned (a key decoded from bytes by the
/// backend interface, `crate::backend`): keys run to gigabytes, so never copied.
enum KeyHeld<'a> {
    Lent(&'a ProvingKeyFile),
    Owned(Box<ProvingKeyFile>),
}

impl std::ops::Deref for KeyHeld<'_> {
    type Target = ProvingKeyFile;
    fn deref(&self) -> &ProvingKeyFile {
        match self {
            KeyHeld::Lent(k) => k,
            KeyHeld::Owned(k) => k,
        }
    }
}

impl<'a> Prover<'a> {
    /// Refuses a key made for another architecture, a circuit the machine cannot hold,
    /// and a published `record` for another model or another commitment.
    pub fn new(
        model: &'a Model,
        key: &'a ProvingKeyFile,
        salt: &'a Salt,
        record: Option<&CommitmentRecord>,
    ) -> Result<Self, ProverError> {
        Self::holding(model, KeyHeld::Lent(key), salt, record)
    }

    /// As `new`, owning the key.
    pub fn owning(
        model: &'a Model,
        key: ProvingKeyFile,
        salt: &'a Salt,
        record: Option<&CommitmentRecord>,
    ) -> Result<Self, ProverError> {
        Self::holding(model, KeyHeld::Owned(Box::new(key)), salt, record)
    }

    fn holding(
        model: &'a Model,
        key: KeyHeld<'a>,
        salt: &'a Salt,
        record: Option<&CommitmentRecord>,
    ) -> Result<Self, ProverError> {
        let arch_digest = model.architecture_digest();
        if key.header.architecture_digest != arch_digest {
            return Err(ProverError::ArchitectureMismatch {
                key: hex(&key.header.architecture_digest),
                model: hex(&arch_digest),
            });
        }
        let scheme = circuit_scheme(key.header.scheme);
        let inferences = key.header.inferences as usize;
        crate::resources::check_machine(&model.arch, scheme, inferences)?;
        let own = commitment_record(model, salt, Some(&key))?;
        if let Some(r) = record {
            if r.model_id != own.model_id {
                return Err(ProverError::RecordMismatch { record: r.model_id.clone(), model: own.model_id });
            }
            if r.scheme != own.scheme {
                let found = CommitmentScheme::from_name(&r.scheme).map_or("unknown", |s| s.name());
                return Err(ProverError::SchemeMismatch {
                    what: "commitment record",
                    found,
                    expected: key.header.scheme.name(),
                });
            }
            // Every value the record holds, not only the one these proofs open: a record
            // is a set of claims about one weight list (`specs/trust-model.md` §4.1), and
            // the owner's own prover will not lend its proofs to a record that breaks one.
            let pallas_differs = r.commitment_pallas.is_some() && r.commitment_pallas != own.commitment_pallas;
            if (&r.commitment, &r.commitment_point, &r.vk_digest)
                != (&own.commitment, &own.commitment_point, &own.vk_digest)
                || pallas_differs
            {
                return Err(ProverError::CommitmentMismatch);
            }
        }
        let commitment = parse_field(&own.commitment).expect("a record we made");
        let verifier = Verifier::new(&key.verifying_key_file(), &own).map_err(ProverError::SelfCheck)?;
        let relation =
            Relation::new(ModelCircuit { arch: &model.arch, arch_digest, scheme, inferences, witness: None })?;
        Ok(Prover {
            model,
            key,
            salt,
            arch_digest,
            scheme,
            inferences,
            relation,
            commitment,
            blinding: lego::blinding(salt),
            verifier,
        })
    }

    /// The model this prover proves.
    pub fn model_id(&self) -> &str {
        &self.verifier.binding().model_id
    }

    /// `B`: inferences per proof (the key's).
    pub fn inferences(&self) -> usize {
        self.inferences
    }

    /// The Groth16 evaluation domain (what a proof's working memory scales with).
    pub fn domain(&self) -> u64 {
        domain(self.relation.num_constraints() as u64, self.relation.num_instance() as u64)
    }

    /// Whether `bundle` names this prover's scheme, key and commitment.
    pub fn made(&self, bundle: &ProofBundle) -> bool {
        self.verifier.binding().names(bundle)
    }

    /// Proves `model(input)` with a key of one inference per proof.
    pub fn prove<R: RngCore + CryptoRng>(&self, input: &[f64], rng: &mut R) -> Result<ProofBundle, ProverError> {
        self.prove_all(&[input], rng)
    }

    /// Proves `model(inputs[k])` for every `k` in one proof (as many inputs as the key's
    /// inferences per proof), and checks the proof verifies before returning it.
    pub fn prove_all<R: RngCore + CryptoRng>(
        &self,
        inputs: &[&[f64]],
        rng: &mut R,
    ) -> Result<ProofBundle, ProverError> {
        if inputs.len() != self.inferences {
            return Err(ProverError::Inferences { requested: inputs.len(), key: Some(self.inferences as u32) });
        }
        let arch = &self.model.arch;
        let traces = inputs
            .iter()
            .map(|input| Ok(evaluate(arch, &self.model.weights, &quantize_input(arch, input)?)?))
            .collect::<Result<Vec<_>, ProverError>>()?;
        let witness = CircuitWitness {
            weights: &self.model.weights,
            salt: self.salt,
            traces: &traces,
            commitment: self.commitment,
        };
        let circuit = ModelCircuit {
            arch,
            arch_digest: self.arch_digest,
            scheme: self.scheme,
            inferences: self.inferences,
            witness: Some(witness),
        };
        let assignment = self.relation.assignment(circuit)?;
        let mut proof = self.relation.prove(&self.key.pk, &assignment, rng)?;
        drop(assignment);
        if let Some(ck) = &self.key.commitment_key {
            lego::open(&mut proof, ck, self.blinding);
        }
        let mut proof_bytes = Vec::with_capacity(128);
        proof.serialize_compressed(&mut proof_bytes).expect("writing to a Vec cannot fail");
        let bundle = self.verifier.binding().bundle(
            traces.iter().flat_map(|t| t.input.iter().copied()).collect(),
            traces.iter().flat_map(|t| t.output().iter().copied()).collect(),
            &proof_bytes,
        );
        // A proof that would not verify (a wrong key, a bug) is refused here, not
        // published: the check costs a few milliseconds.
        self.verifier.verify(&bundle).map_err(ProverError::SelfCheck)?;
        Ok(bundle)
    }
}

/// Proves one input: `Prover::new` (without a record to check) then `Prover::prove`.
pub fn prove<R: RngCore + CryptoRng>(
    model: &Model,
    key: &ProvingKeyFile,
    salt: &Salt,
    input: &[f64],
    rng: &mut R,
) -> Result<ProofBundle, ProverError> {
    Prover::new(model, key, salt, None)?.prove(input, rng)
}
