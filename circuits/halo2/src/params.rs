//! The IPA parameters: `2^k` generators over Vesta that `Params::new(k)` derives by
//! hashing to the curve (`"Halo2-Parameters"`), so there is no secret and no ceremony:
//! every prover and verifier computes the same ones. Deriving them costs seconds
//! (about 3 s at `k = 12` here), so a process keeps each `k` it has made.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use halo2_proofs::poly::commitment::Params;
use pasta_curves::EqAffine;

/// Smallest `k`: the range table's 511 rows and halo2's blinding rows need 2^10.
pub const MIN_K: u32 = 10;
/// Largest `k` accepted (a million rows; `Params::new(20)` alone takes many minutes).
pub const MAX_K: u32 = 20;

/// The parameters for `2^k` rows, made once per process.
pub fn params(k: u32) -> Arc<Params<EqAffine>> {
    assert!((MIN_K..=MAX_K).contains(&k), "k = {k} outside {MIN_K}..={MAX_K}");
    static CACHE: OnceLock<Mutex<HashMap<u32, Arc<OnceLock<Arc<Params<EqAffine>>>>>>> = OnceLock::new();
    let slot = CACHE.get_or_init(Default::default).lock().expect("not poisoned").entry(k).or_default().clone();
    slot.get_or_init(|| Arc::new(Params::new(k))).clone()
}
