use thiserror::Error;
use zkseal_core::quant::eval::EvalError;

#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ProverError {
    #[error("malformed {what}: {reason}")]
    Malformed { what: &'static str, reason: String },
    #[error("the proving key is for architecture {key}, the model's is {model}")]
    ArchitectureMismatch { key: String, model: String },
    #[error("the salt file belongs to model {salt}, not to this model ({model})")]
    SaltMismatch { salt: String, model: String },
    #[error("the commitment record is for model {record}, not this model ({model})")]
    RecordMismatch { record: String, model: String },
    #[error("the commitment record's commitment is not what this model and salt commit to")]
    CommitmentMismatch,
    #[error("the circuit has {constraints} constraints and {reason}; refusing before running out of memory")]
    TooLarge { constraints: u64, reason: String },
    #[error("cannot read or write {what}: {reason}")]
    Io { what: &'static str, reason: String },
    #[error("the proofs file holds proofs of model {found}, not of this model ({model})")]
    ProofsFileMismatch { found: String, model: String },
    #[error("committed weight {index} has no constraint row of its own, so a commitment would not bind it")]
    Unbound { index: usize },
    #[error("the {what} uses the {found} scheme, expected {expected}")]
    SchemeMismatch { what: &'static str, found: &'static str, expected: &'static str },
    #[error("{}", inferences_message(*requested, *key))]
    Inferences { requested: usize, key: Option<u32> },
    #[error(transparent)]
    Eval(#[from] EvalError),
    #[error("the new proof does not verify ({0}); nothing was written")]
    SelfCheck(zkseal_verifier::VerifyError),
    #[error(transparent)]
    Halo2(#[from] crate::halo2::ProveError),
    #[error("constraint synthesis failed: {0}")]
    Synthesis(#[from] ark_relations::gr1cs::SynthesisError),
}

fn inferences_message(requested: usize, key: Option<u32>) -> String {
    match key {
        Some(b) => format!("the proving key proves {b} inferences per proof, {requested} inputs were given"),
        None => format!("inferences per proof must be 1 ..= {}, not {requested}", zkseal_verifier::MAX_INFERENCES),
    }
}
