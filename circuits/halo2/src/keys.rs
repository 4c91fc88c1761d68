//! Keys of the halo2 backend, derived from the architecture alone.
//!
//! halo2_proofs 0.4 cannot serialise its keys, and needs not: `keygen_vk` is a
//! deterministic function of the public parameters and the circuit, and the circuit of
//! the architecture and `B`. So the key *file* holds what derives the key, and the
//! derived key's identity to compare with:
//!
//! `"ZKSH2KEY" ‖ version u32 ‖ k u32 ‖ B u32 ‖ vk_repr [32] ‖ arch_len u32 ‖ arch (.zka
//! bytes) ‖ blake3(everything before) [32]`, integers little-endian, `vk_repr` the
//! key's transcript representative (what every proof's transcript starts with) in
//! little-endian. Setup writes the same file as `proving.key` and `verifying.key`; run
//! twice, it writes the same bytes, so anyone can recompute a published key and compare.

use halo2_proofs::plonk::{keygen_pk, keygen_vk, ProvingKey, VerifyingKey};
use halo2_proofs::transcript::{Challenge255, EncodedChallenge, Transcript};
use pasta_curves::EqAffine;
use thiserror::Error;
use zkseal_core::format::{architecture_digest, architecture_from_bytes, architecture_to_bytes, FormatError};
use zkseal_core::quant::arch::Architecture;

use crate::circuit::ModelCircuit;
use crate::params::{params, MAX_K, MIN_K};
use crate::rows::count_rows;
use crate::Fp;

/// The first bytes of every key file.
pub const MAGIC: &[u8; 8] = b"ZKSH2KEY";
/// Version of the key file, bumped on any change of its layout or of the circuit.
pub const KEY_VERSION: u32 = 1;
const FIXED_LEN: usize = 8 + 4 + 4 + 4 + 32 + 4;
/// Most inferences one proof may carry (as the Groth16 path).
pub const MAX_INFERENCES: u32 = 1 << 16;
/// Rows halo2 reserves at the bottom of the circuit (blinding factors and one more),
/// with a margin: `used_rows` counts used rows only.
const RESERVED_ROWS: usize = 10;

/// Why a halo2 key file cannot be read, or its keys not made.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The file does not start with `MAGIC`.
    #[error("malformed halo2 key file: not a zkseal halo2 key (wrong magic)")]
    Magic,
    /// Shorter than a header and checksum.
    #[error("malformed halo2 key file: truncated")]
    Truncated,
    /// The length is not the header's, the architecture's and the checksum's.
    #[error("malformed halo2 key file: its length disagrees with the architecture's length field (truncated?)")]
    Length,
    /// `k` outside what this build accepts.
    #[error("malformed halo2 key file: k = {k} outside {MIN_K}..={MAX_K}")]
    K { k: u32 },
    /// The file's `k` is not the one its architecture needs (a hostile file asking for
    /// larger parameters than the circuit needs).
    #[error("malformed halo2 key file: k = {k} but the architecture needs k = {needed}")]
    WrongK { k: u32, needed: u32 },
    /// Inferences per proof outside `1..=MAX_INFERENCES`.
    #[error("malformed halo2 key file: {0} inferences per proof (1..={MAX_INFERENCES})")]
    Inferences(u32),
    /// The architecture does not decode or is not valid.
    #[error("malformed halo2 key file: architecture: {0}")]
    Architecture(#[from] FormatError),
    #[error("halo2 key file version {0} is not supported (this build reads {KEY_VERSION})")]
    Version(u32),
    #[error("the halo2 key file's checksum does not match its content (truncated or damaged)")]
    Checksum,
    #[error("the circuit needs 2^{needed} rows, above the 2^{MAX_K} this build accepts")]
    TooLarge { needed: u32 },
    #[error(
        "the verifying key derived from the file's architecture differs from the one it names ({0}): a damaged file, or another halo2_proofs release"
    )]
    Derivation(&'static str),
    /// halo2's own key generation refused the circuit (its error, as text: halo2's
    /// error type is neither `Clone` nor stable across releases).
    #[error("halo2 key generation failed: {0}")]
    Keygen(String),
    /// The floor planner failed to lay the circuit out to count its rows (`used_rows`;
    /// halo2's error, as text).
    #[error("halo2 key generation failed: the floor planner cannot lay the circuit out: {0}")]
    RowCount(String),
}

/// The content of a key file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyFile {
    pub k: u32,
    pub inferences: u32,
    pub vk_repr: [u8; 32],
    pub arch: Architecture,
    pub arch_digest: [u8; 32],
}

impl KeyFile {
    pub fn to_bytes(&self) -> Vec<u8> {
        let arch = architecture_to_bytes(&self.arch);
        let mut out = Vec::with_capacity(FIXED_LEN + arch.len() + 32);
        out.extend_from_slice(MAGIC);
        for v in [KEY_VERSION, self.k, self.inferences] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&self.vk_repr);
        out.extend_from_slice(&(arch.len() as u32).to_le_bytes());
        out.extend_from_slice(&arch);
        let sum = blake3::hash(&out);
        out.extend_from_slice(sum.as_bytes());
        out
    }

    /// Decodes a key file; everything is checked before anything is derived.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        if bytes.len() < 8 || &bytes[..8] != MAGIC {
            return Err(KeyError::Magic);
        }
        if bytes.len() < FIXED_LEN + 32 {
            return Err(KeyError::Truncated);
        }
        let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
        let version = u32_at(8);
        if version != KEY_VERSION {
            return Err(KeyError::Version(version));
        }
        let arch_len = u32_at(FIXED_LEN - 4) as usize;
        if bytes.len() != FIXED_LEN + arch_len + 32 {
            return Err(KeyError::Length);
        }
        let (body, sum) = bytes.split_at(bytes.len() - 32);
        if blake3::hash(body).as_bytes() != sum {
            return Err(KeyError::Checksum);
        }
        let (k, inferences) = (u32_at(12), u32_at(16));
        if !(MIN_K..=MAX_K).contains(&k) {
            return Err(KeyError::K { k });
        }
        if !(1..=MAX_INFERENCES).contains(&inferences) {
            return Err(KeyError::Inferences(inferences));
        }
        let arch = architecture_from_bytes(&body[FIXED_LEN..])?;
        let vk_repr = bytes[20..52].try_into().expect("32 bytes");
        Ok(KeyFile { k, inferences, vk_repr, arch_digest: architecture_digest(&arch), arch })
    }

    /// The circuit these keys are for.
    pub fn circuit(&self) -> ModelCircuit<'_> {
        ModelCircuit {
            arch: &self.arch,
            arch_digest: self.arch_digest,
            inferences: self.inferences as usize,
            witness: None,
        }
    }

    /// Derives the verifying key and checks it is the one the file names. The file's `k`
    /// must be the architecture's (a hostile file cannot ask for larger parameters than
    /// the circuit needs).
    pub fn verifying_key(&self) -> Result<VerifyingKey<EqAffine>, KeyError> {
        let needed = min_k(&self.circuit())?;
        if needed != self.k {
            return Err(KeyError::WrongK { k: self.k, needed });
        }
        let vk = keygen_vk(&params(self.k), &self.circuit()).map_err(|e| KeyError::Keygen(e.to_string()))?;
        if vk_repr(&vk) != self.vk_repr {
            return Err(KeyError::Derivation("transcript representative"));
        }
        Ok(vk)
    }

    /// Derives the proving key (after checking the verifying key).
    pub fn proving_key(&self) -> Result<ProvingKey<EqAffine>, KeyError> {
        let vk = self.verifying_key()?;
        keygen_pk(&params(self.k), vk, &self.circuit()).map_err(|e| KeyError::Keygen(e.to_string()))
    }
}

/// The key file for `arch` proving `inferences` inferences per proof: the smallest `k`
/// that holds the circuit, and the verifying key's identity. Deterministic. The proving
/// key is not made here: every prover derives it from the file (`proving_key`).
pub fn setup(arch: &Architecture, inferences: u32) -> Result<KeyFile, KeyError> {
    if !(1..=MAX_INFERENCES).contains(&inferences) {
        return Err(KeyError::Inferences(inferences));
    }
    arch.validate().map_err(FormatError::from)?;
    let arch_digest = architecture_digest(arch);
    let circuit = ModelCircuit { arch, arch_digest, inferences: inferences as usize, witness: None };
    let k = min_k(&circuit)?;
    let vk = keygen_vk(&params(k), &circuit).map_err(|e| KeyError::Keygen(e.to_string()))?;
    Ok(KeyFile { k, inferences, vk_repr: vk_repr(&vk), arch: arch.clone(), arch_digest })
}

/// Rows the circuit's layout uses (its tallest column, the lookup table included):
/// `dev::CircuitCost`'s `max_rows`, counted by running the floor planner without a
/// witness (`rows::count_rows`). The layout is a pure function of the architecture.
pub fn used_rows(circuit: &ModelCircuit<'_>) -> Result<usize, KeyError> {
    count_rows(circuit).map_err(|e| KeyError::RowCount(e.to_string()))
}

/// A lower bound on the rows of the circuit of `arch` with `inferences` inferences,
/// computed without laying it out: the instance column, one range row per input and
/// committed value, a quarter row per multiply-accumulate or window read.
pub fn rows_lower_bound(arch: &Architecture, inferences: u32) -> u128 {
    let b = inferences as u128;
    let instance = 1 + b * (arch.input.len() + arch.output().len()) as u128;
    let range = arch.parameter_count() as u128 + b * arch.input.len() as u128;
    let arith = b * arch.work() as u128 / 4;
    instance.max(range).max(arith)
}

/// The smallest `k` whose `2^k` rows hold the circuit. A circuit whose lower bound
/// already passes `2^MAX_K` rows is refused before it is laid out.
pub fn min_k(circuit: &ModelCircuit<'_>) -> Result<u32, KeyError> {
    let bound = rows_lower_bound(circuit.arch, circuit.inferences as u32);
    if bound + RESERVED_ROWS as u128 > 1 << MAX_K {
        let needed = (bound + RESERVED_ROWS as u128).next_power_of_two().trailing_zeros();
        return Err(KeyError::TooLarge { needed });
    }
    let rows = used_rows(circuit)? + RESERVED_ROWS;
    let k = rows.next_power_of_two().trailing_zeros().max(MIN_K);
    if k > MAX_K {
        return Err(KeyError::TooLarge { needed: k });
    }
    Ok(k)
}

/// Catches the one scalar `VerifyingKey::hash_into` writes: the key's transcript
/// representative (the field itself is private in halo2_proofs 0.4).
struct Recorder(Option<Fp>);

impl Transcript<EqAffine, Challenge255<EqAffine>> for Recorder {
    fn squeeze_challenge(&mut self) -> Challenge255<EqAffine> {
        Challenge255::new(&[0; 64])
    }
    fn common_point(&mut self, _: EqAffine) -> std::io::Result<()> {
        Ok(())
    }
    fn common_scalar(&mut self, scalar: Fp) -> std::io::Result<()> {
        self.0 = Some(scalar);
        Ok(())
    }
}

/// The verifying key's transcript representative: Blake2b-512 (personal
/// `Halo2-Verify-Key`) of the `Debug` text of `vk.pinned()` (domain, constraint system,
/// fixed and permutation commitments), reduced into Fp; little-endian bytes.
pub fn vk_repr(vk: &VerifyingKey<EqAffine>) -> [u8; 32] {
    use ff::PrimeField;
    let mut r = Recorder(None);
    vk.hash_into(&mut r).expect("recording cannot fail");
    r.0.expect("hash_into writes one scalar").to_repr()
}
