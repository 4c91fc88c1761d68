//! Key files of arbitrary bytes: the verifying key (what every verifier loads), the
//! proving key's header (read before anything else of a key that may be gigabytes),
//! the whole proving key, and the halo2 backend's key file (decoded only, not derived).
//! Refused with a reason, or decoded consistently.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zkseal_halo2::keys::KeyFile;
use zkseal_prover::keys::ProvingKeyFile;
use zkseal_verifier::{decode_vk_file, KeyHeader, MAX_INFERENCES};

fuzz_target!(|data: &[u8]| {
    if let Ok(header) = KeyHeader::decode(data) {
        assert!((1..=MAX_INFERENCES).contains(&header.inferences));
    }
    if let Ok(key) = decode_vk_file(data) {
        assert_eq!(key.vk.gamma_abc_g1.len() as u64, key.header.public_input_count() + 1);
        assert_eq!(key.encode(), data, "a verifying key decodes only from its canonical bytes");
    }
    if let Ok(key) = KeyFile::from_bytes(data) {
        assert_eq!(key.to_bytes(), data, "a halo2 key file decodes only from its canonical bytes");
    }
    if let Ok(header) = ProvingKeyFile::peek_header(data) {
        if let Ok(pk) = ProvingKeyFile::from_bytes(data) {
            assert_eq!(pk.header, header);
        }
    }
});
