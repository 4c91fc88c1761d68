//! The owner's commitment: a fresh secret salt, the Poseidon commitment, the public
//! record and the private salt file.

use ark_bn254::Fr;
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use zkseal_circuits::commitment::{commit as poseidon_commit, Salt};
use zkseal_circuits::format::hex;
use zkseal_circuits::Model;
use zkseal_verifier::{field_to_decimal, unhex, CommitmentRecord, COMMITMENT_SCHEME_POSEIDON, RECORD_VERSION};

use crate::ProverError;

pub const SALT_FILE_VERSION: u32 = 1;

/// The private salt file (written with mode 0600; never printed).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaltFile {
    pub version: u32,
    /// The model the salt was drawn for.
    pub model_id: String,
    /// 32 bytes, hex.
    pub salt: String,
}

impl SaltFile {
    pub fn new(model: &Model, salt: &Salt) -> Self {
        SaltFile { version: SALT_FILE_VERSION, model_id: hex(&model.model_id()), salt: hex(&salt.0) }
    }

    /// The salt, checking the file belongs to `model`.
    pub fn salt_for(&self, model: &Model) -> Result<Salt, ProverError> {
        let bad = |reason: &str| ProverError::Malformed { what: "salt file", reason: reason.into() };
        if self.version != SALT_FILE_VERSION {
            return Err(bad("unsupported version"));
        }
        let model_id = hex(&model.model_id());
        if self.model_id != model_id {
            return Err(ProverError::SaltMismatch { salt: self.model_id.clone(), model: model_id });
        }
        let bytes: [u8; 32] =
            unhex(&self.salt).and_then(|b| b.try_into().ok()).ok_or_else(|| bad("salt must be 32 bytes of hex"))?;
        Ok(Salt(bytes))
    }
}

/// A fresh salt from `rng` (callers outside tests pass `rand::rngs::OsRng`).
pub fn fresh_salt<R: RngCore + CryptoRng>(rng: &mut R) -> Salt {
    let mut s = [0u8; 32];
    rng.fill_bytes(&mut s);
    Salt(s)
}

/// The public record of `model`'s commitment under `salt`.
pub fn commitment_record(model: &Model, salt: &Salt) -> CommitmentRecord {
    let digest = model.architecture_digest();
    let c = poseidon_commit(&model.arch, &digest, &model.weights, salt);
    record(hex(&model.model_id()), hex(&digest), &c)
}

/// The record naming `model_id` (hex), `architecture_digest` (hex) and commitment `c`.
pub fn record(model_id: String, architecture_digest: String, c: &Fr) -> CommitmentRecord {
    CommitmentRecord {
        format_version: RECORD_VERSION,
        scheme: COMMITMENT_SCHEME_POSEIDON.to_string(),
        model_id,
        architecture_digest,
        commitment: field_to_decimal(c),
    }
}
