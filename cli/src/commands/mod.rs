pub mod arch;
pub mod commit;
pub mod import;
pub mod infer;
pub mod inspect;
pub mod prove;
pub mod setup;
pub mod verify;

use std::path::Path;

use anyhow::{Context, Result};
use zkseal_circuits::format::{architecture_from_bytes, ARCH_MAGIC, MAX_FILE_BYTES};
use zkseal_circuits::{Architecture, Model};

use crate::files::read_limited;

/// Reads and validates a `.zkq` model file.
pub fn load_model(path: &Path) -> Result<Model> {
    let bytes = read_limited(path, MAX_FILE_BYTES)?;
    Model::from_bytes(&bytes).with_context(|| format!("{}", path.display()))
}

/// A `.zkq` model file or a weight-free `.zka` architecture file (told apart by magic).
pub enum ModelOrArch {
    Model(Model),
    Arch(Architecture),
}

impl ModelOrArch {
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = read_limited(path, MAX_FILE_BYTES)?;
        let at = || format!("{}", path.display());
        Ok(if bytes.starts_with(&ARCH_MAGIC) {
            ModelOrArch::Arch(architecture_from_bytes(&bytes).with_context(at)?)
        } else {
            ModelOrArch::Model(Model::from_bytes(&bytes).with_context(at)?)
        })
    }

    pub fn arch(&self) -> &Architecture {
        match self {
            ModelOrArch::Model(m) => &m.arch,
            ModelOrArch::Arch(a) => a,
        }
    }
}
