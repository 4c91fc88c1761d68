//! The proving-key file: header, checksum, arkworks' uncompressed proving key and
//! (Lego scheme) the commitment key.
//!
//! `magic ‖ version u32 ‖ blake3(body) [32] ‖ body`,
//! `body = KeyHeader ‖ proving key [‖ commitment key]`. The
//! checksum catches a corrupt or truncated file before the (unchecked, fast) point
//! decoding; a proving key only affects the owner's own proofs, never what a verifier
//! accepts.

use ark_bn254::Bn254;
use ark_groth16::ProvingKey;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use zkseal_verifier::{CommitmentScheme, KeyHeader, VerifyingKeyFile, KEY_VERSION};

use crate::lego::CommitmentKey;
use crate::ProverError;

pub const PK_MAGIC: [u8; 8] = *b"ZKSEALPK";
/// `magic ‖ version u32 ‖ blake3(body) [32]`, then `body = KeyHeader ‖ proving key`.
const HEADER_LEN: usize = 8 + 4 + 32;

/// A decoded proving key and the header of its verifying key.
pub struct ProvingKeyFile {
    pub header: KeyHeader,
    pub pk: ProvingKey<Bn254>,
    /// Present exactly under the Lego scheme.
    pub commitment_key: Option<CommitmentKey>,
}

impl ProvingKeyFile {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut body = Vec::with_capacity(KeyHeader::LEN + self.pk.uncompressed_size());
        self.header.encode(&mut body);
        self.pk.serialize_uncompressed(&mut body).expect("writing to a Vec cannot fail");
        if let Some(ck) = &self.commitment_key {
            ck.serialize_uncompressed(&mut body).expect("writing to a Vec cannot fail");
        }
        let mut out = Vec::with_capacity(HEADER_LEN + body.len());
        out.extend_from_slice(&PK_MAGIC);
        out.extend_from_slice(&KEY_VERSION.to_le_bytes());
        out.extend_from_slice(blake3::hash(&body).as_bytes());
        out.extend(body);
        out
    }

    /// The header of a proving-key file from its first `PREFIX_LEN` bytes (magic,
    /// version and header checked, not the checksum): enough to size the circuit before
    /// reading a key that may be gigabytes.
    pub fn peek_header(prefix: &[u8]) -> Result<KeyHeader, ProverError> {
        let bad = |reason: &str| ProverError::Malformed { what: "proving key", reason: reason.into() };
        if prefix.len() < Self::PREFIX_LEN || prefix[..8] != PK_MAGIC {
            return Err(bad("not a zkseal proving key (bad magic or too short)"));
        }
        let version = u32::from_le_bytes(prefix[8..12].try_into().expect("4 bytes"));
        if version != KEY_VERSION {
            return Err(bad(&format!("unsupported version {version}")));
        }
        KeyHeader::decode(&prefix[HEADER_LEN..]).map_err(bad)
    }

    /// Bytes `peek_header` needs.
    pub const PREFIX_LEN: usize = HEADER_LEN + KeyHeader::LEN;

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ProverError> {
        let bad = |reason: &str| ProverError::Malformed { what: "proving key", reason: reason.into() };
        let header = Self::peek_header(bytes)?;
        let body = &bytes[HEADER_LEN..];
        if blake3::hash(body).as_bytes() != &bytes[12..44] {
            return Err(bad("checksum mismatch: the file is corrupt or truncated"));
        }
        let mut rest = &body[KeyHeader::LEN..];
        let pk = ProvingKey::<Bn254>::deserialize_uncompressed_unchecked(&mut rest)
            .map_err(|e| bad(&format!("cannot decode the key: {e}")))?;
        let commitment_key = match header.scheme {
            CommitmentScheme::Poseidon => None,
            CommitmentScheme::Lego => Some(
                CommitmentKey::deserialize_uncompressed_unchecked(&mut rest)
                    .map_err(|e| bad(&format!("cannot decode the commitment key: {e}")))?,
            ),
        };
        if !rest.is_empty() {
            return Err(bad("trailing bytes after the key"));
        }
        Ok(ProvingKeyFile { header, pk, commitment_key })
    }

    /// The verifying-key file that belongs to this proving key.
    pub fn verifying_key_file(&self) -> Vec<u8> {
        VerifyingKeyFile {
            header: self.header.clone(),
            vk: self.pk.vk.clone(),
            commitment_g2: self.commitment_key.as_ref().map(|ck| ck.gamma2_g2),
        }
        .encode()
    }
}
