//! zkseal's prover side: weight commitments, key generation from the architecture
//! alone, and Groth16 proofs of inference (arkworks, BN254, parallel).
//!
//! One file per protocol step: `commit` (owner publishes a commitment), `setup`
//! (auditor makes keys from the weight-free architecture), `prove` (owner proves one
//! or several inferences per proof), `batch` (a file of inputs, in parallel). Verification lives in the `zkseal-verifier` crate.

pub mod batch;
pub mod commit;
mod error;
pub mod keys;
pub mod lego;
pub mod prove;
pub mod relation;
pub mod resources;
pub mod setup;

pub use error::ProverError;
