//! zkseal's verifier: checks a proof bundle against a verifying key and a commitment
//! record, without the weights (`specs/proof-bundle.md`).
//!
//! It depends only on what verification needs: BN254, Groth16's verifier, blake3 and
//! JSON. Every check is either a format check (`VerifyError::is_malformed`) or a
//! validity check; no input makes it panic.

#![warn(missing_docs)]
#![no_std]

extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

/// What `std`'s prelude would bring; the crate builds without it.
mod prelude {
    pub use alloc::format;
    pub use alloc::string::{String, ToString};
    pub use alloc::vec;
    pub use alloc::vec::Vec;
}

mod batch;
mod binding;
mod bundle;
mod error;
mod field;
mod keys;
mod miller;
mod proof;
mod quantize;
mod record;
mod scheme;
mod verdict;
mod verify;

pub use binding::{dequantize, Binding};
pub use bundle::{ProofBundle, BACKEND_GROTH16, BUNDLE_VERSION};
pub use error::VerifyError;
pub use field::{
    canonical_to_decimal, field_to_decimal, int_to_canonical, int_to_field, parse_canonical, parse_field, Canonical,
};
pub use keys::{
    decode_vk_file, hex, unhex, vk_digest, KeyHeader, VerifyingKeyFile, KEY_VERSION, MAX_INFERENCES, VK_MAGIC,
};
pub use proof::PROOF_BYTES;
pub use quantize::{pow2, quantize_value};
pub use record::{CommitmentRecord, OLDEST_RECORD_VERSION, RECORD_VERSION};
pub use scheme::{parse_point, CommitmentScheme};
pub use verdict::{Opened, Verified};
pub use verify::{verify, verify_bytes, Checked, Verifier};
