//! The proof bundle: a proof and the public values it binds (`specs/proof-bundle.md`).

use serde::{Deserialize, Serialize};

pub const BUNDLE_VERSION: u32 = 1;
pub const BACKEND_GROTH16: &str = "groth16-bn254";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProofBundle {
    pub version: u32,
    pub backend: String,
    /// blake3 of the model file, hex.
    pub model_id: String,
    pub architecture_digest: String,
    /// The weight commitment the proof opens, decimal.
    pub commitment: String,
    /// blake3 of the verifying-key file the proof is for, hex.
    pub vk_digest: String,
    /// The quantized input integers, flattened row-major.
    pub input: Vec<i64>,
    /// The input's fixed-point scale: `input[i]` stands for `input[i] / 2^input_scale`.
    pub input_scale: i32,
    /// The quantized output integers, flattened row-major.
    pub output: Vec<i64>,
    /// The output's fixed-point scale: `output_float = output / 2^output_scale`.
    pub output_scale: i32,
    pub output_float: Vec<f64>,
    /// arkworks' compressed Groth16 proof (128 bytes), hex.
    pub proof: String,
}
