//! Verification of a halo2 proof bundle: the bindings a proof cannot see (same model,
//! architecture, key and commitment as the record; formats), then halo2's IPA verifier
//! on the instance `[commitment, input…, output…]` with the verifying key derived from
//! the key file's architecture (`keys`).

use halo2_proofs::plonk::{verify_proof, SingleVerifier, VerifyingKey};
use halo2_proofs::transcript::{Blake2bRead, Challenge255};
use pasta_curves::EqAffine;
use zkseal_circuits::format::hex;
use zkseal_circuits::quant::eval::dequantize;
use zkseal_verifier::{unhex, vk_digest, CommitmentRecord, Opened, ProofBundle, Verified, VerifyError, BUNDLE_VERSION};

use crate::keys::{KeyError, KeyFile};
use crate::params::params;
use crate::{fe, fp_from_hex, fp_hex, Fp, BACKEND_HALO2};

/// The bundle's `scheme` under this backend: the weights are bound by the Poseidon
/// commitment over Pallas (the record's `commitment_pallas`).
pub const SCHEME: &str = "poseidon";
/// Largest proof accepted (a proof is about 6.5 KB; it grows with columns, not rows).
pub const MAX_PROOF_BYTES: usize = 1 << 20;

fn key_error(e: KeyError) -> VerifyError {
    VerifyError::Malformed { what: "verifying key", reason: e.to_string() }
}

/// A verifying key, derived and checked once, and a record.
pub struct Halo2Verifier {
    key: KeyFile,
    vk: VerifyingKey<EqAffine>,
    digest: String,
    record: CommitmentRecord,
    commitment: Fp,
}

impl Halo2Verifier {
    /// Decodes the key file and derives its verifying key (the costly step: about a
    /// second for a small model), and checks the record is for its architecture.
    pub fn new(key_file: &[u8], record: &CommitmentRecord) -> Result<Self, VerifyError> {
        let key = KeyFile::from_bytes(key_file).map_err(key_error)?;
        let vk = key.verifying_key().map_err(key_error)?;
        Self::with_key(key, key_file, record, vk)
    }

    /// As `new`, with the verifying key already derived (the prover's self-check).
    pub(crate) fn with_key(
        key: KeyFile,
        key_file: &[u8],
        record: &CommitmentRecord,
        vk: VerifyingKey<EqAffine>,
    ) -> Result<Self, VerifyError> {
        record.check_version()?;
        let text = record.commitment_pallas.as_deref().ok_or_else(|| VerifyError::Malformed {
            what: "commitment record",
            reason: "no commitment_pallas (the halo2 backend opens the Pallas commitment; re-run `zkseal commit`)"
                .into(),
        })?;
        let commitment = fp_from_hex(text).ok_or_else(|| VerifyError::Malformed {
            what: "commitment record",
            reason: "commitment_pallas is not 64 lower-case hex digits of a canonical field element".into(),
        })?;
        let arch = hex(&key.arch_digest);
        if record.architecture_digest != arch {
            return Err(VerifyError::ArchitectureMismatch {
                key: arch,
                what: "commitment record",
                named: record.architecture_digest.clone(),
            });
        }
        Ok(Halo2Verifier { key, vk, digest: vk_digest(key_file), record: record.clone(), commitment })
    }

    /// Verifies one bundle. A proof has exactly one encoding: any byte after the
    /// transcript's last read is refused, so a valid proof cannot be restated.
    pub fn verify(&self, bundle: &ProofBundle) -> Result<Verified, VerifyError> {
        let instance = self.check(bundle)?;
        let proof = unhex(&bundle.proof).filter(|p| p.len() <= MAX_PROOF_BYTES).ok_or_else(|| {
            VerifyError::Malformed { what: "proof bundle", reason: "proof is not hex of at most 1 MiB".into() }
        })?;
        let p = params(self.key.k);
        let mut unread: &[u8] = &proof;
        let mut transcript = Blake2bRead::<_, EqAffine, Challenge255<_>>::init(&mut unread);
        verify_proof(&p, &self.vk, SingleVerifier::new(&p), &[&[&instance]], &mut transcript)
            .map_err(|_| VerifyError::ProofCheckFailed)?;
        if !unread.is_empty() {
            return Err(VerifyError::Malformed {
                what: "proof bundle",
                reason: format!("the proof has {} bytes after its end", unread.len()),
            });
        }
        Ok(Verified::new(bundle, Opened::CommitmentPallas(fp_hex(&self.commitment))))
    }

    /// Every check but the proof's: returns the instance column.
    fn check(&self, bundle: &ProofBundle) -> Result<Vec<Fp>, VerifyError> {
        if bundle.version != BUNDLE_VERSION {
            return Err(VerifyError::Version { what: "proof bundle", found: bundle.version as u64 });
        }
        if bundle.backend != BACKEND_HALO2 {
            return Err(VerifyError::Backend(bundle.backend.clone()));
        }
        if bundle.scheme != SCHEME {
            return Err(VerifyError::SchemeMismatch {
                key: SCHEME,
                what: "proof bundle",
                named: bundle.scheme.clone(),
            });
        }
        let commitment = fp_from_hex(&bundle.commitment).ok_or_else(|| VerifyError::Malformed {
            what: "proof bundle",
            reason: "commitment is not 64 lower-case hex digits of a canonical field element".into(),
        })?;
        if bundle.model_id != self.record.model_id {
            return Err(VerifyError::ModelMismatch {
                bundle: bundle.model_id.clone(),
                record: self.record.model_id.clone(),
            });
        }
        if commitment != self.commitment || bundle.commitment_point.is_some() {
            return Err(VerifyError::CommitmentMismatch);
        }
        if bundle.architecture_digest != self.record.architecture_digest {
            return Err(VerifyError::ArchitectureMismatch {
                key: self.record.architecture_digest.clone(),
                what: "proof bundle",
                named: bundle.architecture_digest.clone(),
            });
        }
        if bundle.vk_digest != self.digest {
            return Err(VerifyError::WrongKey { bundle: bundle.vk_digest.clone(), key: self.digest.clone() });
        }
        if bundle.inferences != self.key.inferences {
            return Err(VerifyError::InferenceCount { key: self.key.inferences, bundle: bundle.inferences });
        }
        let arch = &self.key.arch;
        let b = self.key.inferences as usize;
        let (n_in, n_out) = (arch.input.len() * b, arch.output().len() * b);
        if bundle.input.len() != n_in || bundle.output.len() != n_out {
            return Err(VerifyError::PublicInputCount {
                expected: n_in + n_out,
                got: bundle.input.len() + bundle.output.len(),
            });
        }
        let spec = arch.output();
        if bundle.input_scale != arch.input.scale
            || bundle.output_scale != spec.scale
            || bundle.output_float != dequantize(spec, &bundle.output)
        {
            return Err(VerifyError::OutputFloatMismatch);
        }
        let ints = bundle.input.iter().chain(&bundle.output).map(|&v| fe(v as i128));
        Ok(std::iter::once(commitment).chain(ints).collect())
    }
}
