//! Which proof system a key belongs to, decided in one place, and the verifier it calls
//! for. The key decides: a bundle is untrusted input, and each backend's verifier
//! refuses a bundle of the other (`VerifyError::Backend`).

use std::path::Path;

use anyhow::Result;
use zkseal_halo2::verify::Halo2Verifier;
use zkseal_verifier::{CommitmentRecord, ProofBundle, Verified, Verifier, VerifyError};

use crate::files::read_prefix;

/// The proof systems zkseal proves with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// Groth16 over BN254 (Lego or Poseidon commitment scheme).
    Groth16,
    /// PLONK with IPA over the Pasta curves (halo2_proofs).
    Halo2,
}

impl Backend {
    /// The backend of a key file's bytes (proving or verifying key), by its magic:
    /// halo2's one key file, else Groth16 (whose decoder names any other file).
    pub fn of_key_bytes(bytes: &[u8]) -> Self {
        if bytes.starts_with(zkseal_halo2::keys::MAGIC) {
            Backend::Halo2
        } else {
            Backend::Groth16
        }
    }

    /// The backend of the key file at `path`, from its first bytes only.
    pub fn of_key(path: &Path) -> Result<Self> {
        Ok(Self::of_key_bytes(&read_prefix(path, zkseal_halo2::keys::MAGIC.len())?))
    }
}

/// A verifying key of either backend, decoded (and for halo2, derived) once, with the
/// record its proofs must open.
pub enum AnyVerifier {
    Groth16(Box<Verifier>),
    Halo2(Box<Halo2Verifier>),
}

impl AnyVerifier {
    /// The verifier for `key` (a verifying-key file's bytes) and `record`.
    pub fn new(key: &[u8], record: &CommitmentRecord) -> Result<Self, VerifyError> {
        Ok(match Backend::of_key_bytes(key) {
            Backend::Halo2 => AnyVerifier::Halo2(Box::new(Halo2Verifier::new(key, record)?)),
            Backend::Groth16 => AnyVerifier::Groth16(Box::new(Verifier::new(key, record)?)),
        })
    }

    /// Verifies one bundle.
    pub fn verify(&self, bundle: &ProofBundle) -> Result<Verified, VerifyError> {
        match self {
            AnyVerifier::Groth16(v) => v.verify(bundle),
            AnyVerifier::Halo2(v) => v.verify(bundle),
        }
    }

    /// Verifies many bundles, one verdict each: Groth16 with one pairing product (the
    /// bad ones found by bisection); halo2 one by one with the key derived once.
    pub fn verify_batch(&self, bundles: &[ProofBundle]) -> Vec<Result<Verified, VerifyError>> {
        match self {
            AnyVerifier::Groth16(v) => v.verify_batch(bundles),
            AnyVerifier::Halo2(v) => bundles.iter().map(|b| v.verify(b)).collect(),
        }
    }
}
