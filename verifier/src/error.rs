use crate::prelude::*;
use thiserror::Error;

/// Why a proof was not accepted. `is_malformed` tells unreadable input (CLI exit 2)
/// from a well-formed proof that is invalid (exit 1).
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// An input could not be read: bad JSON, hex or length, or an unknown name.
    #[error("malformed {what}: {reason}")]
    Malformed {
        /// What was malformed: the proof bundle, the commitment record or the verifying key.
        what: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A bundle, record or key of a version this build does not read.
    #[error("unsupported {what} version {found}")]
    Version {
        /// Which input.
        what: &'static str,
        /// The version it carries.
        found: u64,
    },
    /// A bundle whose `backend` this verifier does not verify (the name given).
    #[error("unsupported backend '{0}'")]
    Backend(String),
    /// A point that does not decode to a valid curve point, in the input named.
    #[error("bad point encoding in the {0} (not on the curve, not in the subgroup, or not canonical)")]
    Point(&'static str),
    /// The bundle's `model_id` is not the record's.
    #[error("the proof is for model {bundle}, the commitment record for model {record}")]
    ModelMismatch {
        /// The bundle's `model_id`.
        bundle: String,
        /// The record's `model_id`.
        record: String,
    },
    /// The bundle's commitment (or, under Lego, its point) is not the record's.
    #[error("the proof's commitment differs from the commitment record's")]
    CommitmentMismatch,
    /// The record or the bundle names another architecture than the key's.
    #[error("the verifying key is for architecture {key}, the {what} names {named}")]
    ArchitectureMismatch {
        /// The key's architecture digest, hex.
        key: String,
        /// Which input names another: the commitment record or the proof bundle.
        what: &'static str,
        /// The architecture digest it names, hex.
        named: String,
    },
    /// The record or the bundle names another commitment scheme than the key's.
    #[error("the verifying key is for the {key} scheme, the {what} names '{named}'")]
    SchemeMismatch {
        /// The key's scheme name.
        key: &'static str,
        /// Which input names another: the commitment record or the proof bundle.
        what: &'static str,
        /// The scheme name it gives.
        named: String,
    },
    /// A Lego record whose commitment point was made under another verifying key.
    #[error("the commitment point was made with the keys of verifying key {record}, not this one ({key})")]
    RecordKeyMismatch {
        /// The record's `vk_digest`.
        record: String,
        /// The digest of the verifying key given.
        key: String,
    },
    /// The bundle names another verifying key than the one given.
    #[error("the proof was made for another verifying key (vk_digest {bundle}, this key {key})")]
    WrongKey {
        /// The bundle's `vk_digest`.
        bundle: String,
        /// The digest of the verifying key given.
        key: String,
    },
    /// The bundle's inference count is not the key's.
    #[error("the key proves {key} inferences per proof, the bundle claims {bundle}")]
    InferenceCount {
        /// Inferences per proof, from the key header.
        key: u32,
        /// The bundle's `inferences`.
        bundle: u32,
    },
    /// The bundle's `input` and `output` lengths are not the key's.
    #[error("the key takes {expected} input and output values, the proof gives {got}")]
    PublicInputCount {
        /// Input and output values the key takes, over all inferences.
        expected: usize,
        /// Input and output values the bundle gives.
        got: usize,
    },
    /// `output_float`, `output_scale` or `input_scale` disagrees with the proven integers
    /// and the key's scales.
    #[error("output_float, output_scale or input_scale disagrees with the proven integers and the key's scales")]
    OutputFloatMismatch,
    /// The Groth16 pairing equation does not hold: the proof is invalid.
    #[error("the pairing check failed: the proof does not hold for these public values")]
    PairingCheckFailed,
    /// The halo2 verifier refused the proof: it is invalid.
    #[error("the proof check failed: the proof does not hold for these public values")]
    ProofCheckFailed,
    /// The client's input, quantized, is not the proven `input` (`Verified::check_input`).
    #[error("the proof answers another input: value {index} differs ({given} values given, {expected} proven, each quantized as ⌊v·2^input_scale + ½⌋); ask for a proof of this input")]
    InputMismatch {
        /// The first value that differs (or is missing or left over).
        index: usize,
        /// Values the client gave.
        given: usize,
        /// Values the proof carries.
        expected: usize,
    },
}

impl VerifyError {
    /// Whether the input could not be read at all (as opposed to being invalid).
    pub fn is_malformed(&self) -> bool {
        matches!(
            self,
            VerifyError::Malformed { .. }
                | VerifyError::Version { .. }
                | VerifyError::Backend(_)
                | VerifyError::Point(_)
        )
    }

    pub(crate) fn malformed(what: &'static str, reason: impl ToString) -> Self {
        VerifyError::Malformed { what, reason: reason.to_string() }
    }
}
