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
pub const PINNED: [(u32, &str); 7] = [
    (10, "2de4cf220fdf8f6ae21aee51685c11c9d211dd474f7ae15595a8084f854d0603"),
    (11, "46d2cc8da807c681ba7301f789a7a388bf9f2ea74e37f1bd1defbb6b82c4d25e"),
    (12, "657e0b22474bfe35b547cbaa17f19afad7bbaf3461bb214cd4739bfc1e42ff15"),
    (13, "2c7eb351c10632d63279fb2342ac3a547bc93a9b4835a8027f5cb7ca5d09b890"),
    (14, "f81c051458c5751ffed06b3d9295f62b1254db75632574b242265ab0c0f84869"),
    (15, "4011c4b95d21a0a3dbe2492b667f496a12bfd6e288fc733e712287abd977ba8d"),
    (16, "c5710a9cf4a80cbdd8369a6e63844ecda8d62d70dc7234ee5fd3be73cdc2f6a4"),
];

/// The parameters for `2^k` rows, made once per process (from the file cache when it
/// holds the pinned bytes).
pub fn params(k: u32) -> Arc<Params<EqAffine>> {
    assert!((MIN_K..=MAX_K).contains(&k), "k = {k} outside {MIN_K}..={MAX_K}");
    // One slot per k, filled once: two threads asking for the same k wait for one
    // derivation, for different k they do not wait for each other.
    type Slot = Arc<OnceLock<Arc<Params<EqAffine>>>>;
    static CACHE: OnceLock<Mutex<HashMap<u32, Slot>>> = OnceLock::new();
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

/// Writes the cache file whole (`atomic`), best effort.
fn write_atomic(path: &Path, bytes: &[u8]) {
    if path.parent().is_some_and(|dir| std::fs::create_dir_all(dir).is_ok()) {
        let _ = zkseal_core::atomic::write_atomic(path, bytes, 0o644);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinned_digests_are_params_new() {
        for k in [10, 11] {
            assert_eq!(blake3::hash(&to_bytes(&Params::new(k))).to_hex().as_str(), pinned(k).unwrap(), "k = {k}");
        }
    }

    #[test]
    fn the_file_cache_is_used_only_with_the_pinned_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("halo2-ipa-vesta-k10.params");
        let fresh = to_bytes(&load_or_make(10, Some(dir.path())));
        assert_eq!(std::fs::read(&file).unwrap(), fresh, "written on first use");
        assert_eq!(to_bytes(&load_or_make(10, Some(dir.path()))), fresh, "read back");
        // A planted file (another valid encoding: the k = 10 bytes with one generator
        // swapped) is not trusted: made again and rewritten.
        let mut planted = fresh.clone();
        let (a, b) = (4 + 32, 4 + 64);
        let first: Vec<u8> = planted[a..b].to_vec();
        planted.copy_within(b..b + 32, a);
        planted[b..b + 32].copy_from_slice(&first);
        std::fs::write(&file, &planted).unwrap();
        assert_eq!(to_bytes(&load_or_make(10, Some(dir.path()))), fresh);
        assert_eq!(std::fs::read(&file).unwrap(), fresh);
        // A truncated one too; and an unpinned k writes nothing.
        std::fs::write(&file, &fresh[..100]).unwrap();
        assert_eq!(to_bytes(&load_or_make(10, Some(dir.path()))), fresh);
        assert!(!dir.path().join("halo2-ipa-vesta-k17.params").exists());
    }

    /// Prints the digests to pin: `cargo test -p zkseal-halo2 --release print_params_digests -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn print_params_digests() {
        for k in MIN_K..=16 {
            println!("({k}, \"{}\"),", blake3::hash(&to_bytes(&Params::new(k))).to_hex());
        }
    }
}
