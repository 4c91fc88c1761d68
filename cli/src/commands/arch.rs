//! `zkseal arch MODEL.zkq -o ARCH.zka`: the weight-free part of a model, which is all
//! that key generation reads.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use zkseal_core::format::{architecture_to_bytes, hex};

use super::load_model;
use crate::files::write_atomic;

#[derive(Args)]
pub struct Arch {
    /// The quantized model file.
    model: PathBuf,
    /// Where to write the architecture file.
    #[arg(short, long)]
    output: PathBuf,
}

impl Arch {
    pub fn run(self) -> Result<()> {
        let model = load_model(&self.model)?;
        write_atomic(&self.output, &architecture_to_bytes(&model.arch))?;
        println!("wrote {} (architecture digest {})", self.output.display(), hex(&model.architecture_digest()));
        Ok(())
    }
}
