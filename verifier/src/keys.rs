//! The verifying-key file: a header naming the architecture and commitment scheme,
//! arkworks' compressed Groth16 verifying key, and (Lego) the commitment's `[γ']₂`
//! (`specs/proof-bundle.md`).

use crate::prelude::*;
use ark_bn254::{Bn254, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_groth16::VerifyingKey;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};

use crate::error::VerifyError;
use crate::scheme::CommitmentScheme;

/// The first 8 bytes of a verifying-key file.
pub const VK_MAGIC: [u8; 8] = *b"ZKSEALVK";
/// Version of the key files; bumped on any change to their layout (2: the scheme;
/// 3: inferences per proof).
pub const KEY_VERSION: u32 = 3;
/// Most inferences one proof may carry (a header claiming more is refused before its
/// public-input count is computed).
pub const MAX_INFERENCES: u32 = 1 << 16;

/// `magic ‖ version u32 ‖ KeyHeader`.
const HEADER_LEN: usize = 8 + 4 + KeyHeader::LEN;
/// Compressed sizes: α (G1), β, γ, δ (G2), the IC length (u64), then IC points (G1).
const VK_FIXED: usize = 32 + 3 * 64 + 8;
const G1: usize = 32;
const G2: usize = 64;
/// Output scales beyond this are refused (models use −24 ..= 40).
const MAX_SCALE_ABS: i32 = 64;

/// What the key file says about the circuit it verifies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyHeader {
    /// blake3 of the architecture file the circuit was built from.
    pub architecture_digest: [u8; 32],
    /// The output's scale: `output[i]` stands for `output[i]·2^−output_scale`.
    pub output_scale: i32,
    /// `n_in`: input integers per inference.
    pub input_len: u32,
    /// `n_out`: output integers per inference.
    pub output_len: u32,
    /// The input's scale: a client quantizes its real input with it
    /// (`⌊v·2^input_scale + ½⌋`) to check a bundle's `input`.
    pub input_scale: i32,
    /// How proofs under this key bind the weights.
    pub scheme: CommitmentScheme,
    /// `B`: inferences per proof, each with its own input and output (`input_len` and
    /// `output_len` integers); the weights are shared.
    pub inferences: u32,
}

impl KeyHeader {
    /// Encoded size: `architecture digest [32] ‖ output scale i32 ‖ input len u32 ‖
    /// output len u32 ‖ input scale i32 ‖ scheme code u32 ‖ inferences u32`,
    /// little-endian. Both key files carry it.
    pub const LEN: usize = 32 + 6 * 4;

    /// Appends the `LEN` encoded bytes to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.architecture_digest);
        out.extend_from_slice(&self.output_scale.to_le_bytes());
        out.extend_from_slice(&self.input_len.to_le_bytes());
        out.extend_from_slice(&self.output_len.to_le_bytes());
        out.extend_from_slice(&self.input_scale.to_le_bytes());
        out.extend_from_slice(&self.scheme.code().to_le_bytes());
        out.extend_from_slice(&self.inferences.to_le_bytes());
    }

    /// Decodes the first `LEN` bytes of `b`; refuses, with the reason, fewer bytes, an
    /// unknown scheme code or an inference count outside `1..=MAX_INFERENCES` (both key
    /// files read their header through here).
    pub fn decode(b: &[u8]) -> Result<Self, &'static str> {
        if b.len() < Self::LEN {
            return Err("key header is truncated");
        }
        let u32_at = |i: usize| u32::from_le_bytes(b[i..i + 4].try_into().expect("4 bytes"));
        let scheme = CommitmentScheme::from_code(u32_at(48)).ok_or("unknown commitment scheme")?;
        let inferences = u32_at(52);
        if !(1..=MAX_INFERENCES).contains(&inferences) {
            return Err("inferences per proof must be 1 ..= 65536");
        }
        Ok(KeyHeader {
            architecture_digest: b[..32].try_into().expect("32 bytes"),
            output_scale: u32_at(32) as i32,
            input_len: u32_at(36),
            output_len: u32_at(40),
            input_scale: u32_at(44) as i32,
            scheme,
            inferences,
        })
    }

    /// Public inputs besides the constant one: (Poseidon) the commitment, then every
    /// inference's input and output integers.
    pub fn public_input_count(&self) -> u64 {
        let per_inference = self.input_len as u64 + self.output_len as u64;
        u64::from(self.scheme == CommitmentScheme::Poseidon) + per_inference * self.inferences as u64
    }
}

/// A decoded verifying-key file.
#[derive(Clone, Debug)]
pub struct VerifyingKeyFile {
    /// The circuit the key verifies.
    pub header: KeyHeader,
    /// The Groth16 verifying key, every point validated.
    pub vk: VerifyingKey<Bn254>,
    /// Lego: `[γ']₂`, against which the commitment point is paired.
    pub commitment_g2: Option<G2Affine>,
}

/// Lowercase hex of `bytes`, two digits a byte.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes.iter().flat_map(|&b| [DIGITS[usize::from(b >> 4)] as char, DIGITS[usize::from(b & 15)] as char]).collect()
}

/// Bytes of lowercase or uppercase hex; `None` for odd length or a non-hex digit.
pub fn unhex(s: &str) -> Option<Vec<u8>> {
    // `from_str_radix` alone would also take a sign ("+1").
    if !s.len().is_multiple_of(2) || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..s.len() / 2).map(|i| u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()).collect()
}

impl VerifyingKeyFile {
    /// The file's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER_LEN + self.vk.compressed_size() + G2);
        out.extend_from_slice(&VK_MAGIC);
        out.extend_from_slice(&KEY_VERSION.to_le_bytes());
        self.header.encode(&mut out);
        self.vk.serialize_compressed(&mut out).expect("writing to a Vec cannot fail");
        if let Some(g) = &self.commitment_g2 {
            g.serialize_compressed(&mut out).expect("writing to a Vec cannot fail");
        }
        out
    }
}

/// Reads a verifying-key file, checking every point (on the curve, in the subgroup).
pub fn decode_vk_file(bytes: &[u8]) -> Result<VerifyingKeyFile, VerifyError> {
    let bad = |reason: &str| VerifyError::malformed("verifying key", reason);
    if bytes.len() < HEADER_LEN + VK_FIXED || bytes[..8] != VK_MAGIC {
        return Err(bad("not a zkseal verifying key (bad magic or too short)"));
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if version != KEY_VERSION {
        return Err(VerifyError::Version { what: "verifying key", found: version as u64 });
    }
    let header = KeyHeader::decode(&bytes[12..]).map_err(bad)?;
    if ![header.output_scale, header.input_scale].iter().all(|s| (-MAX_SCALE_ABS..=MAX_SCALE_ABS).contains(s)) {
        return Err(bad("output scale out of range"));
    }
    let body = &bytes[HEADER_LEN..];
    // The IC length prefix is checked against the bytes present before arkworks reads
    // it, so a hostile length cannot make it allocate.
    let ic_len = u64::from_le_bytes(body[VK_FIXED - 8..VK_FIXED].try_into().expect("8 bytes"));
    let extra = if header.scheme == CommitmentScheme::Lego { G2 } else { 0 };
    let ic_bytes = body.len().checked_sub(VK_FIXED + extra).map(|b| b as u64);
    if ic_len != 1 + header.public_input_count() || ic_bytes != Some(ic_len * G1 as u64) {
        return Err(bad("length does not match its public-input count"));
    }
    let point = |_| VerifyError::Point("verifying key");
    let g1 = |b: &[u8]| G1Affine::deserialize_compressed(b).map_err(point);
    let g2 = |b: &[u8]| G2Affine::deserialize_compressed(b).map_err(point);
    // Point by point, at the offsets checked above: what arkworks' `VerifyingKey`
    // decoding reads and validates, without its `Vec` decoding (1.8 KB of the wasm build).
    let ic_end = body.len() - extra;
    let (alpha_g1, beta_g2) = (g1(&body[..G1])?, g2(&body[G1..G1 + G2])?);
    let (gamma_g2, delta_g2) = (g2(&body[G1 + G2..G1 + 2 * G2])?, g2(&body[G1 + 2 * G2..G1 + 3 * G2])?);
    let mut gamma_abc_g1 = Vec::with_capacity(ic_len as usize);
    for p in body[VK_FIXED..ic_end].chunks_exact(G1) {
        gamma_abc_g1.push(g1(p)?);
    }
    let vk = VerifyingKey::<Bn254> { alpha_g1, beta_g2, gamma_g2, delta_g2, gamma_abc_g1 };
    let commitment_g2 = match extra {
        0 => None,
        _ => {
            let g = g2(&body[ic_end..])?;
            // [γ']₂ = O would drop the commitment from the equation; γ' = γ or δ would
            // let a commitment point absorb public-input or private terms.
            if g.is_zero() || g == vk.gamma_g2 || g == vk.delta_g2 {
                return Err(bad("the commitment's [γ']₂ is the identity or equals [γ]₂ or [δ]₂"));
            }
            Some(g)
        }
    };
    let key = VerifyingKeyFile { header, vk, commitment_g2 };
    // arkworks also reads a few non-canonical encodings (the identity's flag with stray
    // x bits); one key must have one file, or its digest would not name it.
    if key.encode() != bytes {
        return Err(VerifyError::Point("verifying key"));
    }
    Ok(key)
}

/// blake3 of the verifying-key file, hex: what a bundle names its key by.
pub fn vk_digest(vk_file: &[u8]) -> String {
    hex(blake3::hash(vk_file).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header_bytes(scale: i32, n_in: u32, n_out: u32, ic_len: u64, ic_points: usize) -> Vec<u8> {
        let mut b = VK_MAGIC.to_vec();
        b.extend_from_slice(&KEY_VERSION.to_le_bytes());
        b.extend_from_slice(&[0; 32]);
        b.extend_from_slice(&scale.to_le_bytes());
        b.extend_from_slice(&n_in.to_le_bytes());
        b.extend_from_slice(&n_out.to_le_bytes());
        b.extend_from_slice(&0i32.to_le_bytes());
        b.extend_from_slice(&CommitmentScheme::Poseidon.code().to_le_bytes());
        b.extend_from_slice(&[0; VK_FIXED - 8]);
        b.extend_from_slice(&ic_len.to_le_bytes());
        b.extend(std::iter::repeat_n(0u8, ic_points * G1));
        b
    }

    #[test]
    fn hostile_headers_are_malformed_not_panics() {
        for bytes in [
            header_bytes(i32::MIN, 1, 1, 4, 4),
            header_bytes(0, u32::MAX, u32::MAX, u64::MAX, 0),
            header_bytes(0, 1, 1, 1 << 40, 4),
            header_bytes(0, 1, 1, 4, 3),
            header_bytes(0, 1, 1, 4, 4), // right lengths, but all-zero points
            vec![],
            VK_MAGIC.to_vec(),
        ] {
            let e = decode_vk_file(&bytes).unwrap_err();
            assert!(e.is_malformed(), "{e}");
        }
    }

    #[test]
    fn hex_round_trip() {
        assert_eq!(unhex(&hex(&[0, 1, 0xab, 0xff])), Some(vec![0, 1, 0xab, 0xff]));
        assert_eq!(unhex("abc"), None);
        assert_eq!(unhex("zz"), None);
        assert_eq!(unhex("+1"), None);
    }
}
