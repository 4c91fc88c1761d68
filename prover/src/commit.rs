//! The owner's commitment: a fresh secret salt, the Poseidon commitment, (Lego) the
//! commitment point, the public record and the private salt file.

use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use zkseal_core::commitment::{values, Salt};
use zkseal_core::format::hex;
use zkseal_core::Model;
use zkseal_halo2::commitment::commit as pallas_commit;
use zkseal_halo2::fp_hex;
use zkseal_r1cs::commitment::commit as poseidon_commit;
use zkseal_verifier::{field_to_decimal, unhex, vk_digest, CommitmentRecord, CommitmentScheme, RECORD_VERSION};

use crate::keys::ProvingKeyFile;
use crate::{lego, ProverError};

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

    /// Reads a salt file's text. The error names where the JSON went wrong, never what
    /// it says: serde_json's own messages quote values, and one of them is the secret.
    pub fn parse(text: &str) -> Result<Self, ProverError> {
        serde_json::from_str(text).map_err(|e| {
            let what = match e.classify() {
                serde_json::error::Category::Io | serde_json::error::Category::Eof => "it ends early",
                serde_json::error::Category::Syntax => "it is not valid JSON",
                serde_json::error::Category::Data => "a field is missing, repeated, unknown or of the wrong type",
            };
            ProverError::Malformed {
                what: "salt file",
                reason: format!("{what} (line {}, column {})", e.line(), e.column()),
            }
        })
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

/// The op of a stripped classifier head that turned the logits into probabilities, for
/// the record's `head`: the first Softmax, LogSoftmax or Sigmoid (the other head ops,
/// ArgMax, ZipMap and the like, only pick or name a class).
fn probability_head(stripped: &[String]) -> Option<String> {
    stripped.iter().find(|op| ["Softmax", "LogSoftmax", "Sigmoid"].contains(&op.as_str())).cloned()
}

/// A fresh salt from `rng` (callers outside tests pass `rand::rngs::OsRng`).
pub fn fresh_salt<R: RngCore + CryptoRng>(rng: &mut R) -> Salt {
    let mut s = [0u8; 32];
    rng.fill_bytes(&mut s);
    Salt(s)
}

/// The public record of `model`'s commitment under `salt`, in the scheme of `key`
/// (the Lego point is made with the key's commitment key), or the Poseidon scheme
/// without a key.
pub fn commitment_record(
    model: &Model,
    salt: &Salt,
    key: Option<&ProvingKeyFile>,
) -> Result<CommitmentRecord, ProverError> {
    let digest = model.architecture_digest();
    let poseidon = poseidon_commit(&model.arch, &digest, &model.weights, salt);
    let mut record = CommitmentRecord {
        format_version: RECORD_VERSION,
        scheme: CommitmentScheme::Poseidon.name().to_string(),
        model_id: hex(&model.model_id()),
        architecture_digest: hex(&digest),
        commitment: field_to_decimal(&poseidon),
        commitment_point: None,
        vk_digest: None,
        commitment_pallas: Some(fp_hex(&pallas_commit(&model.arch, &digest, &model.weights, salt))),
        labels: model.meta.class_labels.clone(),
        head: probability_head(&model.meta.stripped_head),
    };
    let Some(key) = key else { return Ok(record) };
    if key.header.architecture_digest != digest {
        return Err(ProverError::ArchitectureMismatch {
            key: hex(&key.header.architecture_digest),
            model: hex(&digest),
        });
    }
    record.scheme = key.header.scheme.name().to_string();
    if let Some(ck) = &key.commitment_key {
        let point = lego::commit(ck, key.pk.vk.delta_g2, &values(&model.weights), lego::blinding(salt))?;
        record.commitment_point = Some(lego::point_hex(&point));
        record.vk_digest = Some(vk_digest(&key.verifying_key_file()));
    }
    Ok(record)
}
