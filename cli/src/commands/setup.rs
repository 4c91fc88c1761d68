//! `zkseal setup MODEL.zkq|ARCH.zka -o KEYS_DIR [--backend groth16|halo2]
//! [--scheme lego|poseidon] [--inferences B]`: keys from the architecture alone.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
use rand::rngs::OsRng;
use zkseal_circuits::format::hex;
use zkseal_prover::setup::setup;
use zkseal_verifier::MAX_INFERENCES;

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
        if self.backend == BackendArg::Halo2 {
            return self.run_halo2(file.arch());
        }
        let start = Instant::now();
        let scheme = self.scheme.unwrap_or(SchemeArg::Lego).scheme();
        let key = setup(file.arch(), scheme, self.inferences, &mut OsRng)?;
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

impl Setup {
    /// halo2: the same key file as `proving.key` and `verifying.key`.
    fn run_halo2(&self, arch: &zkseal_circuits::Architecture) -> Result<()> {
        if self.scheme == Some(SchemeArg::Lego) {
            anyhow::bail!("the halo2 backend binds the weights with the Poseidon commitment only (--scheme poseidon)");
        }
        let start = Instant::now();
        let key = zkseal_halo2::keys::setup(arch, self.inferences)?;
        let bytes = key.to_bytes();
        std::fs::create_dir_all(&self.output).with_context(|| format!("cannot create {}", self.output.display()))?;
        write_atomic(&self.output.join("proving.key"), &bytes)?;
        write_atomic(&self.output.join("verifying.key"), &bytes)?;
        println!(
            "wrote {}/proving.key and verifying.key ({} bytes each), halo2 backend (no trusted setup), 2^{} rows, {} inference(s) per proof, for architecture {} in {:.1} s",
            self.output.display(),
            bytes.len(),
            key.k,
            key.inferences,
            hex(&key.arch_digest),
            start.elapsed().as_secs_f64()
        );
        Ok(())
    }
}
