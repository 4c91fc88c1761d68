//! Proving under the halo2 backend: quantize each input, run the reference evaluator
//! (the outputs are its result), and prove `zkseal_halo2`'s circuit with halo2's IPA
//! prover on a Blake2b transcript.

use halo2_proofs::plonk::{create_proof, ProvingKey};
use halo2_proofs::transcript::{Blake2bWrite, Challenge255};
use pasta_curves::EqAffine;
use thiserror::Error;
use zkseal_core::commitment::Salt;
use zkseal_core::format::hex;
use zkseal_core::quant::eval::{evaluate, quantize_input, EvalError};
use zkseal_core::Model;
use zkseal_halo2::circuit::{instance, ModelCircuit, Witness};
use zkseal_halo2::keys::{KeyError, KeyFile};
use zkseal_halo2::params::params;
use zkseal_halo2::{commitment, fp_hex, Fp};
use zkseal_verifier::{field_to_decimal, CommitmentRecord, ProofBundle};
use zkseal_verifier_halo2::Halo2Verifier;

#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ProveError {
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("the key is for architecture {key}, the model's is {model}")]
    ArchitectureMismatch { key: String, model: String },
    #[error("the key proves {key} inference(s) per proof, {given} input(s) given")]
    Inferences { key: u32, given: usize },
    #[error(transparent)]
    Eval(#[from] EvalError),
    #[error("the commitment record is for another model, salt or commitment: {0}")]
    Record(&'static str),
    #[error("halo2 proving failed: {0}")]
    Proving(String),
    #[error("the new proof does not verify (a bug; nothing written): {0}")]
    SelfCheck(zkseal_verifier::VerifyError),
}

/// A model, its key and salt, ready to prove any number of inputs.
pub struct Halo2Prover<'a> {
    model: &'a Model,
    salt: &'a Salt,
    key: KeyFile,
    pk: ProvingKey<EqAffine>,
    /// The Pallas commitment to the model's weights under the salt (instance row 0).
    commitment: Fp,
    verifier: Halo2Verifier,
}

impl<'a> Halo2Prover<'a> {
    /// Derives the proving key from `key_file` and checks that it is for `model`, and
    /// that `record` (the published one, when given: the owner's self-check) names this
    /// model and this salt's commitment.
    pub fn new(
        model: &'a Model,
        key_file: &[u8],
        salt: &'a Salt,
        record: &CommitmentRecord,
    ) -> Result<Self, ProveError> {
        let key = KeyFile::from_bytes(key_file)?;
        let arch_digest = model.architecture_digest();
        if key.arch_digest != arch_digest {
            return Err(ProveError::ArchitectureMismatch { key: hex(&key.arch_digest), model: hex(&arch_digest) });
        }
        let commitment = commitment::commit(&model.arch, &arch_digest, &model.weights, salt);
        if record.model_id != hex(&model.model_id()) {
            return Err(ProveError::Record("model_id"));
        }
        if record.commitment_pallas.as_deref() != Some(fp_hex(&commitment).as_str()) {
            return Err(ProveError::Record("commitment_pallas"));
        }
        // The record's BN254 commitment too (the Lego point needs the Groth16 keys): its
        // values are claims about one weight list (`specs/trust-model.md` §4.1).
        let bn254 = zkseal_r1cs::commitment::commit(&model.arch, &arch_digest, &model.weights, salt);
        if record.commitment != field_to_decimal(&bn254) {
            return Err(ProveError::Record("commitment"));
        }
        let pk = key.proving_key()?;
        let verifier = Halo2Verifier::with_key(key.clone(), key_file, record, pk.get_vk().clone())
            .map_err(ProveError::SelfCheck)?;
        Ok(Halo2Prover { model, salt, key, pk, commitment, verifier })
    }

    /// `B`: inferences per proof (the key's).
    pub fn inferences(&self) -> usize {
        self.key.inferences as usize
    }

    /// The model this prover proves.
    pub fn model_id(&self) -> &str {
        &self.verifier.binding().model_id
    }

    /// Whether `bundle` names this prover's backend, key and commitment.
    pub fn made(&self, bundle: &ProofBundle) -> bool {
        self.verifier.binding().names(bundle)
    }

    /// Bytes one proof in flight needs beyond the shared key: its advice, lookup and
    /// quotient polynomials over the `8·2^k` extended domain. About 32 KiB per row
    /// (mlp_small, k = 12: a 190 MiB process with the key; cnn_small, k = 13: 372 MiB).
    pub fn proof_bytes(&self) -> u64 {
        (1u64 << self.key.k) * (32 << 10)
    }

    /// Proves `model(inputs[k])` for every `k` in one proof, and checks it verifies.
    pub fn prove_all(&self, inputs: &[&[f64]]) -> Result<ProofBundle, ProveError> {
        if inputs.len() != self.inferences() {
            return Err(ProveError::Inferences { key: self.key.inferences, given: inputs.len() });
        }
        let arch = &self.model.arch;
        let quantized = inputs.iter().map(|x| quantize_input(arch, x)).collect::<Result<Vec<_>, _>>()?;
        let outputs = quantized
            .iter()
            .map(|x| Ok(evaluate(arch, &self.model.weights, x)?.output().to_vec()))
            .collect::<Result<Vec<_>, ProveError>>()?;
        let public = instance(self.commitment, &quantized, &outputs);
        let circuit = ModelCircuit {
            arch,
            arch_digest: self.key.arch_digest,
            inferences: self.inferences(),
            witness: Some(Witness { weights: &self.model.weights, salt: self.salt }),
        };
        let mut transcript = Blake2bWrite::<_, EqAffine, Challenge255<_>>::init(vec![]);
        create_proof(&params(self.key.k), &self.pk, &[circuit], &[&[&public]], rand010::rng(), &mut transcript)
            .map_err(|e| ProveError::Proving(e.to_string()))?;
        let bundle = self.verifier.binding().bundle(
            quantized.into_iter().flatten().collect(),
            outputs.into_iter().flatten().collect(),
            &transcript.finalize(),
        );
        self.verifier.verify(&bundle).map_err(ProveError::SelfCheck)?;
        Ok(bundle)
    }
}
