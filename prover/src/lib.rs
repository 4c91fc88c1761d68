//! zkseal's prover side: weight commitments, key generation from the architecture
//! alone, and proofs of inference under both backends.
//!
//! One file per protocol step: `commit` (owner publishes a commitment), `setup`
//! (auditor makes Groth16 keys from the weight-free architecture), `prove` (owner proves
//! one or several inferences per proof with Groth16: arkworks, BN254, parallel), `halo2`
//! (the same with halo2), `batch` (a file of inputs, in parallel). `backend` puts both
//! behind one interface (`Backend`, `ProofSystem`) for the CLI, the batch prover and the
//! Python package. Verification lives in `zkseal-verifier` and `zkseal-verifier-halo2`.

pub mod backend;
pub mod batch;
pub mod commit;
mod error;
pub mod halo2;
pub mod keys;
pub mod lego;
pub mod prove;
pub mod relation;
pub mod resources;
pub mod setup;

pub use error::ProverError;
