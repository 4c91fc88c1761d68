//! `zkseal setup MODEL.zkq|ARCH.zka -o KEYS_DIR [--scheme lego|poseidon] [--inferences B]`:
//! keys from the architecture alone.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
use rand::rngs::OsRng;
use zkseal_circuits::format::hex;
use zkseal_prover::setup::setup;
use zkseal_verifier::MAX_INFERENCES;

use super::{ModelOrArch, SchemeArg};
use crate::files::write_atomic;

#[derive(Args)]
pub struct Setup {
    /// The model (.zkq; only its architecture is read) or its architecture file (.zka).
    model: PathBuf,
    /// Directory for proving.key and verifying.key.
    #[arg(short, long)]
    output: PathBuf,
    /// How proofs bind the weights.
    #[arg(long, value_enum, default_value = "lego")]
    scheme: SchemeArg,
    /// Inferences per proof: each proof then carries B inputs and outputs of the model,
    /// the weights' commitment opened once for all of them.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=MAX_INFERENCES as i64))]
    inferences: u32,
}

impl Setup {
    pub fn run(self) -> Result<()> {
        let file = ModelOrArch::load(&self.model)?;
        let start = Instant::now();
        let key = setup(file.arch(), self.scheme.scheme(), self.inferences, &mut OsRng)?;
        let elapsed = start.elapsed();
        std::fs::create_dir_all(&self.output).with_context(|| format!("cannot create {}", self.output.display()))?;
        let pk = key.to_bytes();
        let vk = key.verifying_key_file();
        write_atomic(&self.output.join("proving.key"), &pk)?;
        write_atomic(&self.output.join("verifying.key"), &vk)?;
        println!(
            "wrote {}/proving.key ({} bytes) and verifying.key ({} bytes), {} scheme, {} inference(s) per proof, for architecture {} in {:.1} s",
            self.output.display(),
            pk.len(),
            vk.len(),
            key.header.scheme.name(),
            key.header.inferences,
            hex(&key.header.architecture_digest),
            elapsed.as_secs_f64()
        );
        Ok(())
    }
}
