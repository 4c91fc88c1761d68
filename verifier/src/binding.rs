//! The bindings a proof cannot see: what every bundle made with one key for one record
//! must say beside its proof (`specs/proof-bundle.md` §6). One list, for both backends:
//! each verifier derives a `Binding` from its key and record and checks bundles against
//! it; each prover takes its verifier's `Binding` and stamps it into the bundles it makes,
//! so a field cannot be written one way and checked another.

use crate::bundle::{ProofBundle, BUNDLE_VERSION};
use crate::error::VerifyError;
use crate::keys::hex;
use crate::prelude::*;
use crate::quantize::pow2;

/// What one key and one record fix for every bundle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    /// The proof system (`BACKEND_GROTH16`, or the halo2 backend's name).
    pub backend: &'static str,
    /// The commitment scheme the key proves (`CommitmentScheme::name`, or `poseidon`
    /// under halo2).
    pub scheme: &'static str,
    /// The record's `model_id`.
    pub model_id: String,
    /// The record's architecture digest (checked against the key's).
    pub architecture_digest: String,
    /// The commitment the proof opens, as bundles write it (decimal over BN254, hex over
    /// Pallas).
    pub commitment: String,
    /// Lego only: the record's commitment point.
    pub commitment_point: Option<String>,
    /// blake3 of the verifying-key file.
    pub vk_digest: String,
    /// `B`, inferences per proof.
    pub inferences: u32,
    /// Input integers per inference.
    pub input_len: usize,
    /// Output integers per inference.
    pub output_len: usize,
    /// The input's fixed-point scale.
    pub input_scale: i32,
    /// The output's fixed-point scale.
    pub output_scale: i32,
}

/// `q·2^−scale`, exactly (a power of two times an integer below 2⁵³ in magnitude, as every
/// output is): the one dequantization of the bundle's `output_float`, written by the
/// provers and checked by the verifiers.
pub fn dequantize(q: &[i64], scale: i32) -> Vec<f64> {
    let unit = pow2(-scale);
    q.iter().map(|&v| v as f64 * unit).collect()
}

impl Binding {
    /// The bundle of a proof of `input → output` (`B` inferences, concatenated).
    pub fn bundle(&self, input: Vec<i64>, output: Vec<i64>, proof: &[u8]) -> ProofBundle {
        ProofBundle {
            version: BUNDLE_VERSION,
            backend: self.backend.to_string(),
            scheme: self.scheme.to_string(),
            model_id: self.model_id.clone(),
            architecture_digest: self.architecture_digest.clone(),
            commitment: self.commitment.clone(),
            commitment_point: self.commitment_point.clone(),
            vk_digest: self.vk_digest.clone(),
            inferences: self.inferences,
            input,
            input_scale: self.input_scale,
            output_float: dequantize(&output, self.output_scale),
            output,
            output_scale: self.output_scale,
            proof: hex(proof),
        }
    }

    /// Whether `bundle` names this binding's backend, scheme, key and commitment (a
    /// batch prover's test that an entry is its own, before any proof is checked).
    pub fn names(&self, bundle: &ProofBundle) -> bool {
        bundle.backend == self.backend
            && bundle.scheme == self.scheme
            && bundle.vk_digest == self.vk_digest
            && bundle.commitment == self.commitment
            && bundle.commitment_point == self.commitment_point
    }

    /// The format checks every backend runs first: the bundle's version and backend.
    pub fn check_format(&self, bundle: &ProofBundle) -> Result<(), VerifyError> {
        if bundle.version != BUNDLE_VERSION {
            return Err(VerifyError::Version { what: "proof bundle", found: bundle.version as u64 });
        }
        if bundle.backend != self.backend {
            return Err(VerifyError::Backend(bundle.backend.clone()));
        }
        Ok(())
    }

    /// Every binding, after the backend has parsed the bundle's own formats:
    /// `commitment_opened` is the backend's comparison of the bundle's commitment (and
    /// point) with the record's, as values, not text.
    pub fn check(&self, bundle: &ProofBundle, commitment_opened: bool) -> Result<(), VerifyError> {
        if bundle.model_id != self.model_id {
            return Err(VerifyError::ModelMismatch { bundle: bundle.model_id.clone(), record: self.model_id.clone() });
        }
        if bundle.scheme != self.scheme {
            return Err(VerifyError::SchemeMismatch {
                key: self.scheme,
                what: "proof bundle",
                named: bundle.scheme.clone(),
            });
        }
        if !commitment_opened {
            return Err(VerifyError::CommitmentMismatch);
        }
        if bundle.architecture_digest != self.architecture_digest {
            return Err(VerifyError::ArchitectureMismatch {
                key: self.architecture_digest.clone(),
                what: "proof bundle",
                named: bundle.architecture_digest.clone(),
            });
        }
        if bundle.vk_digest != self.vk_digest {
            return Err(VerifyError::WrongKey { bundle: bundle.vk_digest.clone(), key: self.vk_digest.clone() });
        }
        if bundle.inferences != self.inferences {
            return Err(VerifyError::InferenceCount { key: self.inferences, bundle: bundle.inferences });
        }
        let b = self.inferences as usize;
        let (n_in, n_out) = (self.input_len * b, self.output_len * b);
        if bundle.input.len() != n_in || bundle.output.len() != n_out {
            return Err(VerifyError::PublicInputCount {
                expected: n_in + n_out,
                got: bundle.input.len() + bundle.output.len(),
            });
        }
        let unit = pow2(-self.output_scale);
        let floats_agree = bundle.output_scale == self.output_scale
            && bundle.input_scale == self.input_scale
            && bundle.output_float.len() == n_out
            && bundle.output.iter().zip(&bundle.output_float).all(|(&q, &f)| q as f64 * unit == f);
        if !floats_agree {
            return Err(VerifyError::OutputFloatMismatch);
        }
        Ok(())
    }
}
