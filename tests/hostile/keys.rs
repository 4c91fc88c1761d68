//! Key files: every truncation, every bit flip of a verifying key, hostile headers.

use zkseal_prover::keys::ProvingKeyFile;
use zkseal_verifier::{decode_vk_file, verify, CommitmentScheme, VerifyError};

use crate::{each_in_parallel, tiny, SCHEMES};

/// The proving key's layout: magic [8] ‖ version [4] ‖ blake3(body) [32] ‖ body.
fn with_checksum(mut file: Vec<u8>) -> Vec<u8> {
    let sum = *blake3::hash(&file[44..]).as_bytes();
    file[12..44].copy_from_slice(&sum);
    file
}

#[test]
fn every_truncation_of_a_verifying_key_is_malformed() {
    for scheme in SCHEMES {
        let vk = &tiny(scheme).vk;
        for len in 0..vk.len() {
            let e = decode_vk_file(&vk[..len]).expect_err("a truncated key decoded");
            assert!(e.is_malformed(), "{scheme:?} truncated to {len}: {e}");
        }
        let mut longer = vk.clone();
        longer.push(0);
        assert!(decode_vk_file(&longer).expect_err("a longer key decoded").is_malformed());
    }
}

#[test]
fn every_truncation_of_a_proving_key_is_refused_even_with_a_valid_checksum() {
    for scheme in SCHEMES {
        let pk = tiny(scheme).key.to_bytes();
        // Each try hashes the whole prefix: every length of the Lego key (125 kB), and
        // of the Poseidon key (505 kB) the first and last 4 kB and every 61st between.
        let lengths: Vec<usize> = match scheme {
            CommitmentScheme::Lego => (0..pk.len()).collect(),
            _ => (0..pk.len()).filter(|&l| l < 4096 || l + 4096 > pk.len() || l % 61 == 0).collect(),
        };
        // Corruption (the checksum no longer matches) and a hostile file (it does).
        each_in_parallel(lengths.len(), |i| {
            let len = lengths[i];
            assert!(ProvingKeyFile::from_bytes(&pk[..len]).is_err(), "{scheme:?} truncated to {len}");
            if len > ProvingKeyFile::PREFIX_LEN {
                let forged = with_checksum(pk[..len].to_vec());
                assert!(ProvingKeyFile::from_bytes(&forged).is_err(), "{scheme:?} re-summed at {len}");
            }
        });
        let mut longer = pk.clone();
        longer.push(0);
        assert!(ProvingKeyFile::from_bytes(&with_checksum(longer)).is_err(), "trailing byte");
        assert!(ProvingKeyFile::from_bytes(&pk).is_ok());
    }
}

#[test]
fn no_single_bit_flip_of_a_verifying_key_verifies() {
    for scheme in SCHEMES {
        let p = tiny(scheme);
        each_in_parallel(p.vk.len() * 8, |bit| {
            let mut vk = p.vk.clone();
            vk[bit / 8] ^= 1 << (bit % 8);
            // The bundle names its key by digest: also re-point it, so that only the
            // key's content can refuse.
            let mut bundle = p.bundle.clone();
            bundle.vk_digest = zkseal_verifier::vk_digest(&vk);
            let mut record = p.record.clone();
            if record.vk_digest.is_some() {
                record.vk_digest = Some(bundle.vk_digest.clone());
            }
            assert!(verify(&vk, &record, &bundle).is_err(), "{scheme:?}: bit {bit} of the key still verifies");
        });
    }
}

#[test]
fn hostile_key_headers_are_refused_before_reading_the_points() {
    let p = tiny(CommitmentScheme::Lego);
    // Header fields (after magic [8] ‖ version [4]): digest [32], output scale, input
    // len, output len, input scale, scheme, inferences (u32 each).
    let field = |at: usize, v: u32| {
        let mut vk = p.vk.clone();
        vk[12 + at..12 + at + 4].copy_from_slice(&v.to_le_bytes());
        decode_vk_file(&vk).expect_err("hostile header decoded")
    };
    for (at, v) in [(36, u32::MAX), (40, u32::MAX), (32, 1 << 30), (44, 1 << 31), (48, 7), (52, 0), (52, u32::MAX)] {
        assert!(field(at, v).is_malformed(), "header field at {at} = {v}");
    }
    let mut vk = p.vk.clone();
    vk[8] = 2;
    assert!(matches!(decode_vk_file(&vk), Err(VerifyError::Version { found: 2, .. })));
    let pk = p.key.to_bytes();
    for (at, v) in [(48u32 as usize, 9u32), (52, 0), (52, 65537)] {
        let mut forged = pk.clone();
        forged[44 + at..44 + at + 4].copy_from_slice(&v.to_le_bytes());
        assert!(ProvingKeyFile::peek_header(&forged[..ProvingKeyFile::PREFIX_LEN]).is_err(), "pk field {at} = {v}");
        assert!(ProvingKeyFile::from_bytes(&with_checksum(forged)).is_err(), "pk field {at} = {v}");
    }
}
