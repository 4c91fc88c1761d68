//! Proving: quantize each input, run the reference evaluator (the outputs are its
//! result), and prove the circuit with halo2's IPA prover on a Blake2b transcript.

use halo2_proofs::plonk::{create_proof, ProvingKey};
use halo2_proofs::transcript::{Blake2bWrite, Challenge255};
use pasta_curves::EqAffine;
use thiserror::Error;
use zkseal_circuits::commitment::Salt;
use zkseal_circuits::format::hex;
use zkseal_circuits::quant::eval::{dequantize, evaluate, quantize_input, EvalError};
use zkseal_circuits::Model;
use zkseal_verifier::{field_to_decimal, vk_digest, CommitmentRecord, ProofBundle, BUNDLE_VERSION};

use crate::circuit::{instance, ModelCircuit, Witness};
use crate::keys::{KeyError, KeyFile};
use crate::params::params;
use crate::verify::{self, Halo2Verifier};
use crate::{commitment, fp_hex, Fp, BACKEND_HALO2};

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
    record: CommitmentRecord,
    vk_digest: String,
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
        let bn254 = zkseal_circuits::commitment::commit(&model.arch, &arch_digest, &model.weights, salt);
        if record.commitment != field_to_decimal(&bn254) {
            return Err(ProveError::Record("commitment"));
        }
        let pk = key.proving_key()?;
        let verifier = Halo2Verifier::with_key(key.clone(), key_file, record, pk.get_vk().clone())
            .map_err(ProveError::SelfCheck)?;
        Ok(Halo2Prover {
            model,
            salt,
            key,
            pk,
            commitment,
            record: record.clone(),
            vk_digest: vk_digest(key_file),
            verifier,
        })
    }

    /// `B`: inferences per proof (the key's).
    pub fn inferences(&self) -> usize {
        self.key.inferences as usize
    }

    /// The model this prover proves.
    pub fn model_id(&self) -> &str {
        &self.record.model_id
    }

    /// Whether `bundle` names this prover's backend, key and commitment.
    pub fn made(&self, bundle: &ProofBundle) -> bool {
        bundle.backend == BACKEND_HALO2
            && bundle.vk_digest == self.vk_digest
            && Some(&bundle.commitment) == self.record.commitment_pallas.as_ref()
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
        let proof = transcript.finalize();
        let spec = arch.output();
        let output: Vec<i64> = outputs.into_iter().flatten().collect();
        let bundle = ProofBundle {
            version: BUNDLE_VERSION,
            backend: BACKEND_HALO2.to_string(),
            scheme: verify::SCHEME.to_string(),
            model_id: self.record.model_id.clone(),
            architecture_digest: hex(&self.key.arch_digest),
            commitment: fp_hex(&self.commitment),
            commitment_point: None,
            vk_digest: self.vk_digest.clone(),
            inferences: self.key.inferences,
            input: quantized.into_iter().flatten().collect(),
            input_scale: arch.input.scale,
            output_float: dequantize(spec, &output),
            output,
            output_scale: spec.scale,
            proof: hex(&proof),
        };
        self.verifier.verify(&bundle).map_err(ProveError::SelfCheck)?;
        Ok(bundle)
    }
}
