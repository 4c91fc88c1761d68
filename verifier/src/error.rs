use crate::prelude::*;
use thiserror::Error;

/// Why a proof was not accepted. `is_malformed` tells unreadable input (CLI exit 2)
/// from a well-formed proof that is invalid (exit 1).
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    #[error("malformed {what}: {reason}")]
    Malformed { what: &'static str, reason: String },
    #[error("unsupported {what} version {found}")]
    Version { what: &'static str, found: u64 },
    #[error("unsupported backend '{0}'")]
    Backend(String),
    #[error("bad point encoding in the {0} (not on the curve, not in the subgroup, or not canonical)")]
    Point(&'static str),
    #[error("the proof is for model {bundle}, the commitment record for model {record}")]
    ModelMismatch { bundle: String, record: String },
    #[error("the proof's commitment differs from the commitment record's")]
    CommitmentMismatch,
    #[error("the verifying key is for architecture {key}, the {what} names {named}")]
    ArchitectureMismatch { key: String, what: &'static str, named: String },
    #[error("the verifying key is for the {key} scheme, the {what} names '{named}'")]
    SchemeMismatch { key: &'static str, what: &'static str, named: String },
    #[error("the commitment point was made with the keys of verifying key {record}, not this one ({key})")]
    RecordKeyMismatch { record: String, key: String },
    #[error("the proof was made for another verifying key (vk_digest {bundle}, this key {key})")]
    WrongKey { bundle: String, key: String },
    #[error("the key proves {key} inferences per proof, the bundle claims {bundle}")]
    InferenceCount { key: u32, bundle: u32 },
    #[error("the key takes {expected} input and output values, the proof gives {got}")]
    PublicInputCount { expected: usize, got: usize },
    #[error("output_float, output_scale or input_scale disagrees with the proven integers and the key's scales")]
    OutputFloatMismatch,
    #[error("the pairing check failed: the proof does not hold for these public values")]
    PairingCheckFailed,
    #[error("the proof check failed: the proof does not hold for these public values")]
    ProofCheckFailed,
    #[error("the proof answers another input: value {index} differs ({given} values given, {expected} proven, each quantized as ⌊v·2^input_scale + ½⌋); ask for a proof of this input")]
    InputMismatch { index: usize, given: usize, expected: usize },
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
