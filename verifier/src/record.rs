//! The public commitment record a model owner publishes.

use serde::{Deserialize, Serialize};

pub const RECORD_VERSION: u32 = 1;
/// circomlib Poseidon over BN254 with a salt, `specs/commitment.md`.
pub const COMMITMENT_SCHEME_POSEIDON: &str = "poseidon-bn254-circom-v1";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitmentRecord {
    pub format_version: u32,
    pub scheme: String,
    /// blake3 of the model file, hex.
    pub model_id: String,
    /// blake3 of the architecture file, hex.
    pub architecture_digest: String,
    /// The commitment, a BN254 scalar in decimal.
    pub commitment: String,
}
