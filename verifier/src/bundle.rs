//! The proof bundle: a proof and the public values it binds (`specs/proof-bundle.md`).

use crate::prelude::*;
use serde::{Deserialize, Serialize};

/// Version 2 added `scheme` and `commitment_point`; 3 added `inferences`.
pub const BUNDLE_VERSION: u32 = 3;
/// The bundle `backend` of Groth16 proofs over BN254, the one this crate verifies.
pub const BACKEND_GROTH16: &str = "groth16-bn254";

/// A proof and the public values it binds, as the bundle JSON (`specs/proof-bundle.md` §5).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProofBundle {
    /// `BUNDLE_VERSION`; a bundle of another version is refused.
    pub version: u32,
    /// The proof system and its encoding: `BACKEND_GROTH16`.
    pub backend: String,
    /// `CommitmentScheme::name`: which commitment the proof opens.
    pub scheme: String,
    /// blake3 of the model file, hex.
    pub model_id: String,
    /// blake3 of the architecture file, hex.
    pub architecture_digest: String,
    /// The record's Poseidon commitment, decimal (what the proof opens under the
    /// Poseidon scheme).
    pub commitment: String,
    /// Lego only: the record's commitment point, which the proof opens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commitment_point: Option<String>,
    /// blake3 of the verifying-key file the proof is for, hex.
    pub vk_digest: String,
    /// `B`, the inferences this proof carries (the key's). `input`, `output` and
    /// `output_float` are the concatenations of the `B` inferences' values, inference
    /// `k` at `[k·len, (k+1)·len)`.
    pub inferences: u32,
    /// The quantized input integers, flattened row-major.
    pub input: Vec<i64>,
    /// The input's fixed-point scale: `input[i]` stands for `input[i] / 2^input_scale`.
    pub input_scale: i32,
    /// The quantized output integers, flattened row-major.
    pub output: Vec<i64>,
    /// The output's fixed-point scale: `output_float = output / 2^output_scale`.
    pub output_scale: i32,
    /// `output` dequantized, `output[i]·2^−output_scale`: checked, not proven.
    pub output_float: Vec<f64>,
    /// arkworks' compressed Groth16 proof (128 bytes), hex.
    pub proof: String,
}
