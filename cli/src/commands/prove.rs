//! `zkseal prove MODEL.zkq --pk KEYS_DIR/proving.key --salt SALT_FILE --input INPUT.json -o PROOF.json`

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use rand::rngs::OsRng;
use zkseal_circuits::input::parse_input;
use zkseal_prover::commit::SaltFile;
use zkseal_prover::keys::ProvingKeyFile;
use zkseal_prover::prove::{check_inputs, prove};
use zkseal_verifier::CommitmentRecord;

use super::load_model;
use crate::files::{read_limited, read_text, write_atomic, MAX_INPUT_BYTES};

/// Largest proving key read.
const MAX_KEY_BYTES: usize = 16 << 30;

#[derive(Args)]
pub struct Prove {
    /// The quantized model file.
    model: PathBuf,
    /// The proving key (from `zkseal setup`).
    #[arg(long)]
    pk: PathBuf,
    /// The secret salt file (from `zkseal commit`).
    #[arg(long)]
    salt: PathBuf,
    /// The input: {"input": [...]} or {"input_data": [[...]]}.
    #[arg(long)]
    input: PathBuf,
    /// The published commitment record, checked against the model and salt.
    #[arg(long)]
    commitment: Option<PathBuf>,
    /// Where to write the proof bundle.
    #[arg(short, long)]
    output: PathBuf,
}

impl Prove {
    pub fn run(self) -> Result<()> {
        let model = load_model(&self.model)?;
        let salt_file: SaltFile = serde_json::from_str(&read_text(&self.salt, 4096)?)
            .with_context(|| format!("{}: not a salt file", self.salt.display()))?;
        let salt = salt_file.salt_for(&model).with_context(|| format!("{}", self.salt.display()))?;
        let record: Option<CommitmentRecord> = match &self.commitment {
            Some(p) => Some(serde_json::from_str(&read_text(p, 1 << 16)?).with_context(|| format!("{}", p.display()))?),
            None => None,
        };
        let input = parse_input(&read_text(&self.input, MAX_INPUT_BYTES)?).with_context(|| format!("{}", self.input.display()))?;
        let key = ProvingKeyFile::from_bytes(&read_limited(&self.pk, MAX_KEY_BYTES)?).with_context(|| format!("{}", self.pk.display()))?;
        check_inputs(&model, &key, &salt, record.as_ref())?;
        let bundle = prove(&model, &key, &salt, &input, &mut OsRng)?;
        write_atomic(&self.output, serde_json::to_string_pretty(&bundle)?.as_bytes())?;
        println!("wrote {} (output {:?})", self.output.display(), bundle.output_float);
        Ok(())
    }
}
