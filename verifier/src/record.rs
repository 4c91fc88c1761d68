//! The public commitment record a model owner publishes.

use crate::error::VerifyError;
use crate::prelude::*;
use serde::{Deserialize, Serialize};

/// Version 2 added `commitment_point` and `vk_digest` (the Lego scheme), version 3
/// `commitment_pallas` (the halo2 backend). Version 2 records are still read. `labels`
/// and `head` came later without a new version: a record without them is byte for byte
/// what earlier releases wrote and read, and they are claims no verdict depends on
/// (`specs/commitment.md` §5).
pub const RECORD_VERSION: u32 = 3;
/// The oldest record version still read.
pub const OLDEST_RECORD_VERSION: u32 = 2;

/// The record's JSON, field by field (`specs/commitment.md` §5).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitmentRecord {
    /// `OLDEST_RECORD_VERSION ..= RECORD_VERSION` (`check_version`).
    pub format_version: u32,
    /// `CommitmentScheme::name`: which commitment proofs open.
    pub scheme: String,
    /// blake3 of the model file, hex.
    pub model_id: String,
    /// blake3 of the architecture file, hex.
    pub architecture_digest: String,
    /// The salted Poseidon commitment, a BN254 scalar in decimal: the weights' public
    /// identity, recomputable by anyone given the weights and salt. Under the Poseidon
    /// scheme proofs open it; under Lego they open `commitment_point`.
    pub commitment: String,
    /// Lego only: the commitment point (compressed G1, hex).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commitment_point: Option<String>,
    /// Lego only: blake3 of the verifying-key file of the keys whose commitment key
    /// made the point (hex); the point means nothing under other keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vk_digest: Option<String>,
    /// The same salted commitment over Pallas's base field (Poseidon `P128Pow5T3`), 64
    /// lower-case hex digits, big-endian: what halo2-backend proofs open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commitment_pallas: Option<String>,
    /// The owner's class labels, one per output value in output order (the model file's
    /// `class_labels`): what a client prints for an argmax. Not proven.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<String>,
    /// The function the model's stripped classifier head applied to the logits, as its
    /// ONNX op: `Softmax`, `LogSoftmax` or `Sigmoid` (from the model file's
    /// `stripped_head`). The proof is about the logits; a client computes the
    /// probabilities itself. Not proven.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<String>,
}

impl CommitmentRecord {
    /// Refuses a record of a version this build does not read (both backends' check).
    pub fn check_version(&self) -> Result<(), VerifyError> {
        if (OLDEST_RECORD_VERSION..=RECORD_VERSION).contains(&self.format_version) {
            Ok(())
        } else {
            Err(VerifyError::Version { what: "commitment record", found: self.format_version as u64 })
        }
    }
}
