pub mod arch;
pub mod audit;
pub mod commit;
pub mod evaluate;
pub mod export;
pub mod import;
pub mod infer;
pub mod inspect;
pub mod prove;
pub mod setup;
pub mod verify;

use std::path::Path;

use anyhow::{Context, Result};
use zkseal_core::format::{architecture_from_bytes, ARCH_MAGIC, MAX_FILE_BYTES};
use zkseal_core::{Architecture, Model};
use zkseal_prover::keys::ProvingKeyFile;
use zkseal_prover::resources::check_machine;
use zkseal_prover::setup::circuit_scheme;
use zkseal_verifier::{CommitmentScheme, KeyHeader};

use crate::files::{read_limited, read_prefix};
use zkseal_prover::backend::Backend;

/// Largest proving key read.
const MAX_KEY_BYTES: usize = 16 << 30;

/// `--scheme`: how proofs bind the weights (`specs/commitment.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemeArg {
    /// Commit-carrying Groth16: a commitment point the proof opens; no constraint per weight.
    Lego,
    /// Poseidon hash of the weights inside the circuit.
    Poseidon,
}

impl SchemeArg {
    pub fn scheme(self) -> CommitmentScheme {
        match self {
            SchemeArg::Lego => CommitmentScheme::Lego,
            SchemeArg::Poseidon => CommitmentScheme::Poseidon,
        }
    }
}

/// `--backend`: which proof system.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum BackendArg {
    /// Groth16 over BN254 (arkworks): 128-byte proofs, ~1 ms to verify; keys from a setup
    /// whose randomness must be destroyed.
    Groth16,
    /// PLONK with IPA over the Pasta curves (halo2_proofs): no trusted setup, keys
    /// derived from the architecture; ~6.5 KB proofs.
    Halo2,
}

impl BackendArg {
    pub fn backend(self) -> Backend {
        match self {
            BackendArg::Groth16 => Backend::Groth16,
            BackendArg::Halo2 => Backend::Halo2,
        }
    }
}

/// The backend of the key file at `path`, from its first bytes only (`Backend::of_key`:
/// the key decides).
pub fn key_backend(path: &Path) -> Result<Backend> {
    Ok(Backend::of_key(&read_prefix(path, Backend::KEY_PREFIX)?))
}

/// Reads and decodes the Groth16 proving key for `arch`, after `check_proving_key`.
pub fn load_proving_key(path: &Path, arch: &Architecture, expected: Option<SchemeArg>) -> Result<ProvingKeyFile> {
    check_proving_key(path, arch, expected)?;
    read_proving_key(path)
}

/// Checks a Groth16 proving key's header (its first bytes), before a key of gigabytes is
/// read: with `expected`, a key of another scheme is refused, and so is a circuit the
/// machine cannot hold.
pub fn check_proving_key(path: &Path, arch: &Architecture, expected: Option<SchemeArg>) -> Result<()> {
    let header = peek_proving_key(path)?;
    if let Some(want) = expected.map(SchemeArg::scheme) {
        if header.scheme != want {
            anyhow::bail!(
                "{}: the key is for the {} scheme, not {}",
                path.display(),
                header.scheme.name(),
                want.name()
            );
        }
    }
    check_machine(arch, circuit_scheme(header.scheme), header.inferences as usize)?;
    Ok(())
}

/// The header of the proving key at `path`, from its first bytes only.
pub fn peek_proving_key(path: &Path) -> Result<KeyHeader> {
    ProvingKeyFile::peek_header(&read_prefix(path, ProvingKeyFile::PREFIX_LEN)?)
        .with_context(|| format!("{}", path.display()))
}

/// The whole proving key at `path`, decoded (at most `MAX_KEY_BYTES` read).
pub fn read_proving_key(path: &Path) -> Result<ProvingKeyFile> {
    ProvingKeyFile::from_bytes(&read_limited(path, MAX_KEY_BYTES)?).with_context(|| format!("{}", path.display()))
}

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

/// What a file given on the command line holds, told from its magic bytes or its JSON
/// keys, so that a command given the wrong file names what it was given instead of
/// failing on its format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    VerifyingKey,
    ProvingKey,
    Halo2Key,
    Model,
    Architecture,
    Record,
    Bundle,
    /// One `prove --batch` line per proof (or a JSONL file of bundles).
    Proofs,
    Salt,
    /// `{"input": …}` objects, one or one per line.
    Input,
    Unknown,
}

impl FileKind {
    pub fn of(bytes: &[u8]) -> Self {
        for (magic, kind) in [
            (&zkseal_verifier::VK_MAGIC[..], FileKind::VerifyingKey),
            (&zkseal_prover::keys::PK_MAGIC[..], FileKind::ProvingKey),
            (&zkseal_halo2::keys::MAGIC[..], FileKind::Halo2Key),
            (&zkseal_core::format::MODEL_MAGIC[..], FileKind::Model),
            (&ARCH_MAGIC[..], FileKind::Architecture),
        ] {
            if bytes.starts_with(magic) {
                return kind;
            }
        }
        let Ok(text) = std::str::from_utf8(bytes) else { return FileKind::Unknown };
        let object = |t: &str| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(t).ok();
        let kind_of = |o: &serde_json::Map<String, serde_json::Value>| {
            let has = |k: &str| o.contains_key(k);
            if has("format_version") && has("commitment") {
                FileKind::Record
            } else if has("proof") && has("backend") {
                FileKind::Bundle
            } else if has("bundle") || (has("line") && has("error")) {
                FileKind::Proofs
            } else if has("salt") && has("model_id") {
                FileKind::Salt
            } else if has("input") || has("input_data") {
                FileKind::Input
            } else {
                FileKind::Unknown
            }
        };
        if let Some(o) = object(text) {
            return kind_of(&o);
        }
        // Not one JSON object: a JSONL file is known by its first line.
        let first = text.lines().find(|l| !l.trim().is_empty()).and_then(object);
        match first.as_ref().map(kind_of) {
            Some(FileKind::Bundle | FileKind::Proofs) => FileKind::Proofs,
            Some(FileKind::Input) => FileKind::Input,
            _ => FileKind::Unknown,
        }
    }

    /// The kind, for a message: "a proof bundle".
    pub fn describe(self) -> &'static str {
        match self {
            FileKind::VerifyingKey => "a Groth16 verifying key",
            FileKind::ProvingKey => "a Groth16 proving key",
            FileKind::Halo2Key => "a halo2 key",
            FileKind::Model => "a model file (.zkq)",
            FileKind::Architecture => "an architecture file (.zka)",
            FileKind::Record => "a commitment record",
            FileKind::Bundle => "a proof bundle",
            FileKind::Proofs => "a file of proofs, one per line (what `prove --batch` writes)",
            FileKind::Salt => "a salt file (secret: keep it private)",
            FileKind::Input => "an input file",
            FileKind::Unknown => "not a file zkseal recognises",
        }
    }
}
