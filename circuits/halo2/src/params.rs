//! The IPA parameters: `2^k` generators over Vesta that `Params::new(k)` derives by
//! hashing to the curve (`"Halo2-Parameters"`), so there is no secret and no ceremony:
//! every prover and verifier computes the same ones.
//!
//! Deriving them costs seconds (about 1–3 s at `k = 12` here, doubling per `k`), so a
//! process keeps each `k` it has made, and a file cache keeps them across processes. A
//! cached file is used only if its blake3 is the digest pinned here for its `k` (checked
//! by the tests against `Params::new`), so a planted or damaged file is never trusted:
//! it is made again and rewritten.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use halo2_proofs::poly::commitment::Params;
use pasta_curves::EqAffine;

/// Smallest `k`: the range table's 511 rows and halo2's blinding rows need 2^10.
pub const MIN_K: u32 = 10;
/// Largest `k` accepted (a million rows; `Params::new(20)` alone takes many minutes).
pub const MAX_K: u32 = 20;

/// blake3 of `Params::new(k).write(..)` for the `k` whose files are cached.
pub const PINNED: [(u32, &str); 0] = [];

/// The parameters for `2^k` rows, made once per process (from the file cache when it
/// holds the pinned bytes).
pub fn params(k: u32) -> Arc<Params<EqAffine>> {
    assert!((MIN_K..=MAX_K).contains(&k), "k = {k} outside {MIN_K}..={MAX_K}");
    static CACHE: OnceLock<Mutex<HashMap<u32, Arc<OnceLock<Arc<Params<EqAffine>>>>>>> = OnceLock::new();
    let slot = CACHE.get_or_init(Default::default).lock().expect("not poisoned").entry(k).or_default().clone();
    slot.get_or_init(|| Arc::new(load_or_make(k, cache_dir().as_deref()))).clone()
}

/// The cache directory: `$ZKSEAL_CACHE_DIR`, else `$XDG_CACHE_HOME/zkseal`, else
/// `$HOME/.cache/zkseal`.
pub fn cache_dir() -> Option<PathBuf> {
    let var = |name| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    var("ZKSEAL_CACHE_DIR")
        .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("zkseal")))
        .or_else(|| var("HOME").map(|d| d.join(".cache").join("zkseal")))
}

/// The pinned digest for `k`, if any.
pub fn pinned(k: u32) -> Option<&'static str> {
    PINNED.iter().find(|(pk, _)| *pk == k).map(|(_, d)| *d)
}

/// The serialised parameters.
pub fn to_bytes(p: &Params<EqAffine>) -> Vec<u8> {
    let mut out = Vec::new();
    p.write(&mut out).expect("writing to a Vec cannot fail");
    out
}

/// The parameters for `k` from `dir`'s file if it holds the pinned bytes; otherwise made
/// and, when pinned, written there (best effort: a read-only cache only costs time).
pub fn load_or_make(k: u32, dir: Option<&Path>) -> Params<EqAffine> {
    let pin = pinned(k);
    let file = dir.map(|d| d.join(format!("halo2-ipa-vesta-k{k}.params")));
    if let (Some(pin), Some(file)) = (pin, &file) {
        if let Ok(bytes) = std::fs::read(file) {
            if blake3::hash(&bytes).to_hex().as_str() == pin {
                if let Ok(p) = Params::read(&mut &bytes[..]) {
                    return p;
                }
            }
        }
    }
    let p = Params::new(k);
    if let (Some(pin), Some(file)) = (pin, &file) {
        let bytes = to_bytes(&p);
        if blake3::hash(&bytes).to_hex().as_str() == pin {
            write_atomic(file, &bytes);
        }
    }
    p
}

/// Writes through a temporary file and a rename, so readers never see half a file.
fn write_atomic(path: &Path, bytes: &[u8]) {
    let Some(dir) = path.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let tmp = dir.join(format!(".{}.{}.tmp", path.file_name().and_then(|n| n.to_str()).unwrap_or("params"), std::process::id()));
    if std::fs::write(&tmp, bytes).is_ok() && std::fs::rename(&tmp, path).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Prints the digests to pin: `cargo test -p zkseal-halo2 --release print_params_digests -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn print_params_digests() {
        for k in MIN_K..=16 {
            println!("({k}, \"{}\"),", blake3::hash(&to_bytes(&Params::new(k))).to_hex());
        }
    }
}
