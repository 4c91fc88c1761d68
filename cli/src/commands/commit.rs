//! `zkseal commit MODEL.zkq -o COMMITMENT.json --salt SALT_FILE`

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Args;
use rand::rngs::OsRng;
use zkseal_prover::commit::{commitment_record, fresh_salt, SaltFile};

use super::load_model;
use crate::files::{read_text, write_atomic, write_atomic_mode};

#[derive(Args)]
pub struct Commit {
    /// The quantized model file.
    model: PathBuf,
    /// Where to write the public commitment record.
    #[arg(short, long)]
    output: PathBuf,
    /// Where to write the secret salt (mode 0600). Keep it: proving needs it.
    #[arg(long)]
    salt: PathBuf,
    /// Commit with the salt already in SALT_FILE instead of drawing a new one.
    #[arg(long)]
    reuse_salt: bool,
}

impl Commit {
    pub fn run(self) -> Result<()> {
        let model = load_model(&self.model)?;
        if self.reuse_salt && !self.salt.exists() {
            bail!("--reuse-salt: {} does not exist", self.salt.display());
        }
        let salt = if self.salt.exists() {
            if !self.reuse_salt {
                bail!("{} exists; pass --reuse-salt to commit with the salt it holds", self.salt.display());
            }
            let file: SaltFile = serde_json::from_str(&read_text(&self.salt, 4096)?)
                .with_context(|| format!("{}: not a salt file", self.salt.display()))?;
            file.salt_for(&model).with_context(|| format!("{}", self.salt.display()))?
        } else {
            let salt = fresh_salt(&mut OsRng);
            let file = serde_json::to_string_pretty(&SaltFile::new(&model, &salt))?;
            write_atomic_mode(&self.salt, file.as_bytes(), 0o600)?;
            salt
        };
        let record = commitment_record(&model, &salt);
        write_atomic(&self.output, serde_json::to_string_pretty(&record)?.as_bytes())?;
        println!("wrote {} (commitment {})", self.output.display(), record.commitment);
        println!("salt in {} (secret, mode 0600)", self.salt.display());
        Ok(())
    }
}
