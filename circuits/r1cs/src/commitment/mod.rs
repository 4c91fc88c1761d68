//! The Poseidon weight commitment (`specs/commitment.md`), native side.
//!
//! Every weight and bias, in canonical order, is offset to an unsigned integer of its
//! declared width and packed into field elements of at most `PACK_BITS` bits. The field
//! elements, after a header (domain tag, version, architecture digest, salt, count), are
//! hashed by chaining circomlib's 12-input Poseidon: `h₀ = 0`,
//! `hᵢ₊₁ = Poseidon(hᵢ, cᵢ,₁, …, cᵢ,₁₁)` over chunks of 11 (the last zero-padded). The
//! commitment is the last `h`. circomlibjs users recompute it with `poseidon([...])`.

pub mod constraints;

use ark_bn254::Fr;
use ark_ff::{Field, PrimeField};
use light_poseidon::{Poseidon, PoseidonHasher};
use zkseal_core::commitment::{
    header_integers, packing_plan, slot_value, value_widths, values, Salt, CHUNK, POSEIDON_INPUTS,
};
use zkseal_core::quant::arch::{Architecture, Weights};

/// The packed field elements: `Σ (vⱼ + 2^(wⱼ−1))·2^offsetⱼ` per element.
pub fn pack(values: &[i64], widths: &[u32]) -> Vec<Fr> {
    packing_plan(widths)
        .iter()
        .map(|slots| {
            slots
                .iter()
                .fold(Fr::from(0u64), |acc, &(i, off)| acc + Fr::from(slot_value(values[i], widths[i])) * pow2(off))
        })
        .collect()
}

/// `2^k` in the field.
pub fn pow2(k: u32) -> Fr {
    Fr::from(2u64).pow([k as u64])
}

/// A 32-byte string as two field elements (big-endian halves: high, low).
pub fn bytes32_fields(b: &[u8; 32]) -> [Fr; 2] {
    [Fr::from_be_bytes_mod_order(&b[..16]), Fr::from_be_bytes_mod_order(&b[16..])]
}

/// The header absorbed before the packed weights, in BN254.
pub fn header(arch_digest: &[u8; 32], salt: &Salt, packed: usize) -> Vec<Fr> {
    header_integers(arch_digest, &salt.0, packed).map(Fr::from).to_vec()
}

/// The chained Poseidon hash of `fields` (see the module docs).
pub fn chain_hash(fields: &[Fr]) -> Fr {
    let mut poseidon = Poseidon::<Fr>::new_circom(POSEIDON_INPUTS).expect("circomlib supports 12 inputs");
    fields.chunks(CHUNK).fold(Fr::from(0u64), |h, chunk| {
        let mut inputs = vec![h];
        inputs.extend_from_slice(chunk);
        inputs.resize(POSEIDON_INPUTS, Fr::from(0u64));
        poseidon.hash(&inputs).expect("12 inputs")
    })
}

/// The commitment to `weights` of architecture `arch` (digest `arch_digest`) under `salt`.
pub fn commit(arch: &Architecture, arch_digest: &[u8; 32], weights: &Weights, salt: &Salt) -> Fr {
    let packed = pack(&values(weights), &value_widths(arch));
    let mut fields = header(arch_digest, salt, packed.len());
    fields.extend(packed);
    chain_hash(&fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn poseidon(inputs: &[u64]) -> String {
        let mut h = Poseidon::<Fr>::new_circom(inputs.len()).unwrap();
        let v: Vec<Fr> = inputs.iter().map(|&x| Fr::from(x)).collect();
        h.hash(&v).unwrap().into_bigint().to_string()
    }

    /// circomlibjs's published vectors (test/poseidon.js).
    #[test]
    fn circomlib_test_vectors() {
        assert_eq!(poseidon(&[1, 2]), "7853200120776062878684798364095072458815029376092732009249414926327459813530");
        assert_eq!(
            poseidon(&[1, 2, 3, 4]),
            "18821383157269793795438455681495246036402687001665670618754263018637548127333"
        );
    }

    #[test]
    fn pack_places_each_slot_at_its_offset() {
        let p = pack(&[-2048, 2047, 0], &[12, 12, 12]);
        assert_eq!(p, vec![Fr::from(0u64) + Fr::from(4095u64) * pow2(12) + Fr::from(2048u64) * pow2(24)]);
    }
}
