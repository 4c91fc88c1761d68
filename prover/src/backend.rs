//! One interface to both proof systems: what the CLI, the batch prover and the Python
//! package call, so that none of them branches on a backend.
//!
//! `Backend` identifies: a key by its magic (the key decides; a bundle is untrusted
//! input and names its backend only as a claim the verifier checks), a bundle by its
//! `backend` field. `Backend::system` gives the `ProofSystem`: `setup` (keys from the
//! architecture alone), `prover` (a `BatchProver` for one model, key and salt) and
//! `verifier` (a `BundleVerifier` for one key and record). Each backend checks the same
//! `Binding` (`zkseal_verifier::Binding`) before its proof.

use rand::rngs::OsRng;
use zkseal_core::commitment::Salt;
use zkseal_core::{Architecture, Model};
use zkseal_verifier::{
    Binding, CommitmentRecord, CommitmentScheme, ProofBundle, Verified, Verifier, VerifyError, BACKEND_GROTH16,
};
use zkseal_verifier_halo2::Halo2Verifier;

use crate::batch::BatchProver;
use crate::commit::commitment_record;
use crate::halo2::{Halo2Prover, ProveError};
use crate::keys::ProvingKeyFile;
use crate::prove::Prover;
use crate::ProverError;

/// The proof systems zkseal proves with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// Groth16 over BN254 (arkworks), Lego or Poseidon commitment scheme.
    Groth16,
    /// PLONK with IPA over the Pasta curves (halo2_proofs): no trusted setup.
    Halo2,
}

impl Backend {
    /// Every backend.
    pub const ALL: [Backend; 2] = [Backend::Groth16, Backend::Halo2];

    /// The backend of a key file (proving or verifying), by its first bytes: halo2's one
    /// key file, else Groth16 (whose decoder names any other file as malformed).
    pub fn of_key(key: &[u8]) -> Backend {
        if key.starts_with(zkseal_halo2::keys::MAGIC) {
            Backend::Halo2
        } else {
            Backend::Groth16
        }
    }

    /// Bytes `of_key` reads.
    pub const KEY_PREFIX: usize = zkseal_halo2::keys::MAGIC.len();

    /// The backend a bundle names, if any (a claim: the key's verifier checks it).
    pub fn of_bundle(bundle: &ProofBundle) -> Option<Backend> {
        Backend::ALL.into_iter().find(|b| b.bundle_name() == bundle.backend)
    }

    /// Its name on the command line and in messages.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Groth16 => "groth16",
            Backend::Halo2 => "halo2",
        }
    }

    /// The bundle's `backend` field for this backend's proofs.
    pub fn bundle_name(self) -> &'static str {
        match self {
            Backend::Groth16 => BACKEND_GROTH16,
            Backend::Halo2 => zkseal_halo2::BACKEND_HALO2,
        }
    }

    /// The commitment schemes its keys prove, the default first.
    pub fn schemes(self) -> &'static [CommitmentScheme] {
        match self {
            Backend::Groth16 => &[CommitmentScheme::Lego, CommitmentScheme::Poseidon],
            Backend::Halo2 => &[CommitmentScheme::Poseidon],
        }
    }

    /// Its proof system.
    pub fn system(self) -> &'static dyn ProofSystem {
        match self {
            Backend::Groth16 => &Groth16,
            Backend::Halo2 => &Halo2,
        }
    }
}

/// What a setup makes keys for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SetupOptions {
    /// How proofs bind the weights; `None`: the backend's default (`Backend::schemes`).
    pub scheme: Option<CommitmentScheme>,
    /// `B`, inferences per proof.
    pub inferences: u32,
}

/// The key files a setup made, and what they are for.
pub struct KeyFiles {
    /// `proving.key`'s bytes.
    pub proving: Vec<u8>,
    /// `verifying.key`'s bytes (halo2: the same file).
    pub verifying: Vec<u8>,
    /// The scheme the keys prove.
    pub scheme: CommitmentScheme,
    /// `B`, inferences per proof.
    pub inferences: u32,
    /// The architecture the keys are for.
    pub architecture_digest: [u8; 32],
    /// halo2: `k`, the circuit has `2^k` rows.
    pub rows_log2: Option<u32>,
}

/// A verifier for one key and one record: both backends' verifiers.
pub trait BundleVerifier: Sync {
    /// What every bundle for this key and record says beside its proof.
    fn binding(&self) -> &Binding;
    /// Verifies one bundle.
    fn verify(&self, bundle: &ProofBundle) -> Result<Verified, VerifyError>;
    /// Verifies many bundles, one verdict each (Groth16: one pairing product, the bad
    /// ones found by bisection; halo2: one by one, the key derived once).
    fn verify_batch(&self, bundles: &[ProofBundle]) -> Vec<Result<Verified, VerifyError>> {
        bundles.iter().map(|b| self.verify(b)).collect()
    }
}

impl BundleVerifier for Verifier {
    fn binding(&self) -> &Binding {
        Verifier::binding(self)
    }
    fn verify(&self, bundle: &ProofBundle) -> Result<Verified, VerifyError> {
        Verifier::verify(self, bundle)
    }
    fn verify_batch(&self, bundles: &[ProofBundle]) -> Vec<Result<Verified, VerifyError>> {
        Verifier::verify_batch(self, bundles)
    }
}

impl BundleVerifier for Halo2Verifier {
    fn binding(&self) -> &Binding {
        Halo2Verifier::binding(self)
    }
    fn verify(&self, bundle: &ProofBundle) -> Result<Verified, VerifyError> {
        Halo2Verifier::verify(self, bundle)
    }
}

/// A proof system: keys, proofs and verification, from bytes and records.
pub trait ProofSystem: Sync {
    /// Which one it is.
    fn backend(&self) -> Backend;

    /// Keys for `arch` from the architecture alone. Groth16 draws its trapdoor from the
    /// operating system (never a seed); halo2's keys are a deterministic function of the
    /// architecture.
    fn setup(&self, arch: &Architecture, options: &SetupOptions) -> Result<KeyFiles, ProverError>;

    /// A prover of `model` with the proving-key file `proving_key` and `salt`. A given
    /// `record` (the published one) must be this model's and this salt's; without one,
    /// the prover's own record is used.
    fn prover<'a>(
        &self,
        model: &'a Model,
        proving_key: &[u8],
        salt: &'a Salt,
        record: Option<&CommitmentRecord>,
    ) -> Result<Box<dyn BatchProver + 'a>, ProverError>;

    /// A verifier for the verifying-key file `verifying_key` and `record`.
    fn verifier(&self, verifying_key: &[u8], record: &CommitmentRecord)
        -> Result<Box<dyn BundleVerifier>, VerifyError>;
}

/// The scheme `options` asks for, if `backend` proves it.
fn scheme_of(backend: Backend, options: &SetupOptions) -> Result<CommitmentScheme, ProverError> {
    let schemes = backend.schemes();
    match options.scheme {
        None => Ok(schemes[0]),
        Some(s) if schemes.contains(&s) => Ok(s),
        Some(s) => Err(ProverError::SchemeMismatch { what: "setup", found: s.name(), expected: schemes[0].name() }),
    }
}

/// Groth16 over BN254.
pub struct Groth16;

impl ProofSystem for Groth16 {
    fn backend(&self) -> Backend {
        Backend::Groth16
    }

    fn setup(&self, arch: &Architecture, options: &SetupOptions) -> Result<KeyFiles, ProverError> {
        let scheme = scheme_of(Backend::Groth16, options)?;
        let key = crate::setup::setup(arch, scheme, options.inferences, &mut OsRng)?;
        Ok(KeyFiles {
            proving: key.to_bytes(),
            verifying: key.verifying_key_file(),
            scheme,
            inferences: key.header.inferences,
            architecture_digest: key.header.architecture_digest,
            rows_log2: None,
        })
    }

    fn prover<'a>(
        &self,
        model: &'a Model,
        proving_key: &[u8],
        salt: &'a Salt,
        record: Option<&CommitmentRecord>,
    ) -> Result<Box<dyn BatchProver + 'a>, ProverError> {
        let key = ProvingKeyFile::from_bytes(proving_key)?;
        Ok(Box::new(Prover::owning(model, key, salt, record)?))
    }

    fn verifier(
        &self,
        verifying_key: &[u8],
        record: &CommitmentRecord,
    ) -> Result<Box<dyn BundleVerifier>, VerifyError> {
        Ok(Box::new(Verifier::new(verifying_key, record)?))
    }
}

/// halo2 (PLONK, IPA over Pasta).
pub struct Halo2;

impl ProofSystem for Halo2 {
    fn backend(&self) -> Backend {
        Backend::Halo2
    }

    fn setup(&self, arch: &Architecture, options: &SetupOptions) -> Result<KeyFiles, ProverError> {
        let scheme = scheme_of(Backend::Halo2, options)?;
        let key = zkseal_halo2::keys::setup(arch, options.inferences).map_err(ProveError::from)?;
        let bytes = key.to_bytes();
        Ok(KeyFiles {
            verifying: bytes.clone(),
            proving: bytes,
            scheme,
            inferences: key.inferences,
            architecture_digest: key.arch_digest,
            rows_log2: Some(key.k),
        })
    }

    fn prover<'a>(
        &self,
        model: &'a Model,
        proving_key: &[u8],
        salt: &'a Salt,
        record: Option<&CommitmentRecord>,
    ) -> Result<Box<dyn BatchProver + 'a>, ProverError> {
        // The halo2 proofs open the Pallas commitment: without a published record, this
        // salt's own (which holds it).
        let own;
        let record = match record {
            Some(r) => r,
            None => {
                own = commitment_record(model, salt, None)?;
                &own
            }
        };
        Ok(Box::new(Halo2Prover::new(model, proving_key, salt, record)?))
    }

    fn verifier(
        &self,
        verifying_key: &[u8],
        record: &CommitmentRecord,
    ) -> Result<Box<dyn BundleVerifier>, VerifyError> {
        Ok(Box::new(Halo2Verifier::new(verifying_key, record)?))
    }
}
