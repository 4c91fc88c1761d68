//! The weight commitment over Pallas's base field (`specs/commitment.md`, "Pallas"),
//! native side: what `zkseal commit` writes as the record's `commitment_pallas` and what
//! the halo2 circuit opens.
//!
//! The same values, canonical order, packing and header as the BN254 commitment
//! (`zkseal_core::commitment`), hashed with Poseidon `P128Pow5T3` (width 3, rate 2,
//! the Orchard parameters) instead of circomlib's: a chain `h₀ = 0`,
//! `hᵢ₊₁ = Poseidon_ConstantLength<12>(hᵢ, cᵢ,₁, …, cᵢ,₁₁)` over chunks of 11, the last
//! zero-padded. halo2_gadgets' native hash only takes constant lengths (its sponge is
//! crate-private), so a chain of fixed-size calls is what both sides can compute with
//! the public API.

use ff::{Field, PrimeField};
use halo2_gadgets::poseidon::primitives::{self as poseidon, ConstantLength, P128Pow5T3};
use zkseal_core::commitment::{header_integers, packing_plan, slot_value, value_widths, values, Salt};
use zkseal_core::quant::arch::{Architecture, Weights};

use crate::{pow2, Fp};

/// Inputs per Poseidon call.
pub const CALL_INPUTS: usize = 12;
/// New elements absorbed per call (one input carries the chain).
pub const CHUNK: usize = CALL_INPUTS - 1;

/// A big-endian byte string of at most 16 bytes as a field element.
fn be_field(b: &[u8]) -> Fp {
    assert!(b.len() <= 16);
    Fp::from_u128(b.iter().fold(0u128, |acc, &x| acc << 8 | x as u128))
}

/// A 32-byte string (a digest, the salt) as two field elements (big-endian halves:
/// high, low).
pub fn bytes32_fields(b: &[u8; 32]) -> [Fp; 2] {
    [be_field(&b[..16]), be_field(&b[16..])]
}

/// The packed field elements: `Σ (v_j + 2^(w_j−1))·2^off_j` per element, the BN254
/// path's plan and slot values (`zkseal_core::commitment`) in this field.
pub fn pack(values: &[i64], widths: &[u32]) -> Vec<Fp> {
    packing_plan(widths)
        .iter()
        .map(|slots| {
            slots
                .iter()
                .fold(Fp::ZERO, |acc, &(i, off)| acc + Fp::from_u128(slot_value(values[i], widths[i])) * pow2(off))
        })
        .collect()
}

/// The header's public part, fixed by the architecture: `tag, version, arch_hi, arch_lo`
/// come before the salt's two elements, `count` after them.
pub struct PublicHeader {
    pub tag: Fp,
    pub version: Fp,
    pub arch: [Fp; 2],
    pub count: Fp,
}

impl PublicHeader {
    /// The header's elements but the salt (`zkseal_core::commitment::header_integers`).
    pub fn new(arch_digest: &[u8; 32], packed: usize) -> Self {
        let [tag, version, arch_hi, arch_lo, _, _, count] =
            header_integers(arch_digest, &[0; 32], packed).map(Fp::from_u128);
        PublicHeader { tag, version, arch: [arch_hi, arch_lo], count }
    }

    pub fn before_salt(&self) -> [Fp; 4] {
        [self.tag, self.version, self.arch[0], self.arch[1]]
    }
}

/// One chained call.
fn call(inputs: [Fp; CALL_INPUTS]) -> Fp {
    poseidon::Hash::<_, P128Pow5T3, ConstantLength<CALL_INPUTS>, 3, 2>::init().hash(inputs)
}

/// The chained hash of `fields`.
pub fn chain_hash(fields: &[Fp]) -> Fp {
    fields.chunks(CHUNK).fold(Fp::ZERO, |h, chunk| {
        let mut inputs = [Fp::ZERO; CALL_INPUTS];
        inputs[0] = h;
        inputs[1..=chunk.len()].copy_from_slice(chunk);
        call(inputs)
    })
}

/// The commitment to `weights` of `arch` (digest `arch_digest`) under `salt`.
pub fn commit(arch: &Architecture, arch_digest: &[u8; 32], weights: &Weights, salt: &Salt) -> Fp {
    let packed = pack(&values(weights), &value_widths(arch));
    let mut fields: Vec<Fp> = header_integers(arch_digest, &salt.0, packed.len()).map(Fp::from_u128).to_vec();
    fields.extend(packed);
    chain_hash(&fields)
}
