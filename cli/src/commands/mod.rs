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
use zkseal_circuits::format::MAX_FILE_BYTES;
use zkseal_circuits::Model;

use crate::files::read_limited;

/// Reads and validates a `.zkq` model file.
pub fn load_model(path: &Path) -> Result<Model> {
    let bytes = read_limited(path, MAX_FILE_BYTES)?;
    Model::from_bytes(&bytes).with_context(|| format!("{}", path.display()))
}
