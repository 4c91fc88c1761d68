//! `zkseal export snarkjs --vk VERIFYING_KEY --commitment COMMITMENT.json PROOF.json -o DIR`

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use zkseal_verifier::{CommitmentRecord, ProofBundle, Verifier, VerifyError};

use crate::export::snarkjs;
use crate::files::{read_limited, write_atomic};

/// Largest key, record or bundle read.
const MAX_BYTES: usize = 64 << 20;

#[derive(Args)]
pub struct Export {
    #[command(subcommand)]
    format: Format,
}

#[derive(Subcommand)]
enum Format {
    /// snarkjs's verification_key.json, proof.json and public.json (Poseidon scheme).
    Snarkjs(Snarkjs),
}

impl Export {
    pub fn run(self) -> Result<()> {
        match self.format {
            Format::Snarkjs(c) => c.run(),
        }
    }
}

#[derive(Args)]
struct Snarkjs {
    /// The verifying key (from `zkseal setup`).
    #[arg(long)]
    vk: PathBuf,
    /// The model's commitment record.
    #[arg(long)]
    commitment: PathBuf,
    /// The proof bundle (from `zkseal prove`); it must verify.
    proof: PathBuf,
    /// The directory to write the three files to.
    #[arg(short, long)]
    output: PathBuf,
}

impl Snarkjs {
    fn run(self) -> Result<()> {
        let record: CommitmentRecord = serde_json::from_slice(&read_limited(&self.commitment, MAX_BYTES)?)
            .with_context(|| format!("{}", self.commitment.display()))?;
        let bundle: ProofBundle = serde_json::from_slice(&read_limited(&self.proof, MAX_BYTES)?)
            .with_context(|| format!("{}", self.proof.display()))?;
        let verifier = Verifier::new(&read_limited(&self.vk, MAX_BYTES)?, &record)
            .with_context(|| format!("{}", self.vk.display()))?;
        // Only a proof zkseal accepts is exported: the other verifier should agree, not
        // be the first to look.
        let checked = verifier.check(&bundle).with_context(|| format!("{}: nothing exported", self.proof.display()))?;
        if !verifier.holds(&checked) {
            bail!("{}: {}; nothing exported", self.proof.display(), VerifyError::PairingCheckFailed);
        }
        let files = snarkjs::files(&verifier, &checked)?;
        std::fs::create_dir_all(&self.output).with_context(|| format!("cannot create {}", self.output.display()))?;
        for (name, value) in [
            ("verification_key.json", &files.verification_key),
            ("proof.json", &files.proof),
            ("public.json", &files.public),
        ] {
            write_atomic(&self.output.join(name), serde_json::to_string_pretty(value)?.as_bytes())?;
        }
        println!("wrote verification_key.json, proof.json, public.json to {}", self.output.display());
        Ok(())
    }
}
