//! zkseal's halo2 verifier: checks a halo2 proof bundle against a key file and a
//! commitment record, without the weights (`specs/circuit-halo2.md`).
//!
//! First the bindings a proof cannot see, the same `Binding` checks as the Groth16
//! verifier's (same model, architecture, key and commitment as the record; formats), then
//! halo2's IPA verifier on the instance `[commitment, input…, output…]` with the verifying
//! key derived from the key file's architecture (`zkseal_halo2::keys`).
//!
//! A crate of its own rather than a feature of `zkseal-verifier`: deriving the key needs
//! the circuit, which depends on the model core, which depends on `zkseal-verifier`.

use halo2_proofs::plonk::{verify_proof, SingleVerifier, VerifyingKey};
use halo2_proofs::transcript::{Blake2bRead, Challenge255};
use pasta_curves::EqAffine;
use zkseal_halo2::keys::{KeyError, KeyFile};
use zkseal_halo2::params::params;
use zkseal_halo2::{fe, fp_from_hex, fp_hex, Fp, BACKEND_HALO2};
use zkseal_verifier::{hex, unhex, vk_digest, Binding, CommitmentRecord, Opened, ProofBundle, Verified, VerifyError};

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
    binding: Binding,
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
    pub fn with_key(
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
        let (input, output) = (&key.arch.input, key.arch.output());
        let binding = Binding {
            backend: BACKEND_HALO2,
            scheme: SCHEME,
            model_id: record.model_id.clone(),
            architecture_digest: arch,
            commitment: fp_hex(&commitment),
            commitment_point: None,
            vk_digest: vk_digest(key_file),
            inferences: key.inferences,
            input_len: input.len(),
            output_len: output.len(),
            input_scale: input.scale,
            output_scale: output.scale,
        };
        Ok(Halo2Verifier { key, vk, binding, commitment })
    }

    /// What every bundle for this key and record says beside its proof.
    pub fn binding(&self) -> &Binding {
        &self.binding
    }

    /// The key file's `k` and inferences per proof.
    pub fn key(&self) -> &KeyFile {
        &self.key
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
        Ok(Verified::new(bundle, Opened::CommitmentPallas(self.binding.commitment.clone())))
    }

    /// Every check but the proof's: returns the instance column.
    fn check(&self, bundle: &ProofBundle) -> Result<Vec<Fp>, VerifyError> {
        self.binding.check_format(bundle)?;
        let commitment = fp_from_hex(&bundle.commitment).ok_or_else(|| VerifyError::Malformed {
            what: "proof bundle",
            reason: "commitment is not 64 lower-case hex digits of a canonical field element".into(),
        })?;
        self.binding.check(bundle, commitment == self.commitment && bundle.commitment_point.is_none())?;
        let ints = bundle.input.iter().chain(&bundle.output).map(|&v| fe(v as i128));
        Ok(std::iter::once(commitment).chain(ints).collect())
    }
}
