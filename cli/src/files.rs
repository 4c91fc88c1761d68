//! File access at the CLI edge: bounded reads, atomic writes.

use std::io::Read;
use std::path::Path;

use anyhow::{bail, Context, Result};

/// Reads `path`, refusing files above `limit` bytes before reading them.
pub fn read_limited(path: &Path, limit: usize) -> Result<Vec<u8>> {
    let file = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let len = file.metadata().with_context(|| format!("cannot stat {}", path.display()))?.len();
    if len > limit as u64 {
        bail!("{} is {len} bytes, above the {limit}-byte limit", path.display());
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // `take` also bounds a file that grows while it is read.
    file.take(limit as u64 + 1).read_to_end(&mut bytes).with_context(|| format!("cannot read {}", path.display()))?;
    if bytes.len() > limit {
        bail!("{} grew above the {limit}-byte limit while being read", path.display());
    }
    Ok(bytes)
}

/// The first `len` bytes of a file (fewer if it is shorter).
pub fn read_prefix(path: &Path, len: usize) -> Result<Vec<u8>> {
    let file = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut bytes = Vec::with_capacity(len);
    file.take(len as u64).read_to_end(&mut bytes).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(bytes)
}

/// Reads a UTF-8 text file of at most `limit` bytes.
pub fn read_text(path: &Path, limit: usize) -> Result<String> {
    String::from_utf8(read_limited(path, limit)?).with_context(|| format!("{} is not UTF-8 text", path.display()))
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a
/// rename, so `path` is either untouched or complete, never half written. Readable by
/// all (mode 0644): for public outputs.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_mode(path, bytes, 0o644)
}

/// `write_atomic` with the file's Unix permission bits (0600 for secrets: the temporary
/// file is created 0600, so the secret is never readable by others, even briefly).
pub fn write_atomic_mode(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    zkseal_core::atomic::write_atomic(path, bytes, mode).with_context(|| format!("cannot write {}", path.display()))
}

/// Largest input / sample file read.
pub const MAX_INPUT_BYTES: usize = 256 << 20;
