//! `zkseal setup MODEL.zkq|ARCH.zka -o KEYS_DIR [--backend groth16|halo2]
//! [--scheme lego|poseidon] [--inferences B]`: keys from the architecture alone.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
use zkseal_core::format::hex;
use zkseal_prover::backend::{Backend, SetupOptions};
use zkseal_verifier::{CommitmentScheme, MAX_INFERENCES};

use super::{BackendArg, ModelOrArch, SchemeArg};
use crate::files::write_atomic;

#[derive(Args)]
pub struct Setup {
    /// The model (.zkq; only its architecture is read) or its architecture file (.zka).
    model: PathBuf,
    /// Directory for proving.key and verifying.key.
    #[arg(short, long)]
    output: PathBuf,
    /// The proof system. halo2 needs no trusted setup: its keys are a deterministic
    /// function of the architecture, which anyone can recompute and compare.
    #[arg(long, value_enum, default_value = "groth16")]
    backend: BackendArg,
    /// How proofs bind the weights (Groth16: default lego; halo2: poseidon only).
    #[arg(long, value_enum)]
    scheme: Option<SchemeArg>,
    /// Inferences per proof: each proof then carries B inputs and outputs of the model,
    /// the weights' commitment opened once for all of them.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=MAX_INFERENCES as i64))]
    inferences: u32,
}

impl Setup {
    pub fn run(self) -> Result<()> {
        let file = ModelOrArch::load(&self.model)?;
        let backend = self.backend.backend();
        let options = SetupOptions { scheme: self.scheme.map(SchemeArg::scheme), inferences: self.inferences };
        if backend == Backend::Halo2 && options.scheme == Some(CommitmentScheme::Lego) {
            anyhow::bail!("the halo2 backend binds the weights with the Poseidon commitment only (--scheme poseidon)");
        }
        let start = Instant::now();
        let keys = backend.system().setup(file.arch(), &options)?;
        let elapsed = start.elapsed().as_secs_f64();
        std::fs::create_dir_all(&self.output).with_context(|| format!("cannot create {}", self.output.display()))?;
        write_atomic(&self.output.join("proving.key"), &keys.proving)?;
        write_atomic(&self.output.join("verifying.key"), &keys.verifying)?;
        let (dir, arch, b) = (self.output.display(), hex(&keys.architecture_digest), keys.inferences);
        match keys.rows_log2 {
            Some(k) => println!(
                "wrote {dir}/proving.key and verifying.key ({} bytes each), halo2 backend (no trusted setup), 2^{k} rows, {b} inference(s) per proof, for architecture {arch} in {elapsed:.1} s",
                keys.proving.len(),
            ),
            None => println!(
                "wrote {dir}/proving.key ({} bytes) and verifying.key ({} bytes), {} scheme, {b} inference(s) per proof, for architecture {arch} in {elapsed:.1} s",
                keys.proving.len(),
                keys.verifying.len(),
                keys.scheme.name(),
            ),
        }
        Ok(())
    }
}
