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

use crate::quant::arch::{Architecture, Weights};

/// Version of the commitment scheme, hashed into every commitment.
pub const COMMITMENT_VERSION: u64 = 1;
/// Domain tag: the ASCII bytes of `zkseal/commit` as a big-endian integer.
pub const DOMAIN_TAG: &[u8] = b"zkseal/commit";
/// Poseidon inputs per call (circomlib's `Poseidon(12)`, width 13).
pub const POSEIDON_INPUTS: usize = 12;
/// New elements absorbed per call (one input carries the chain).
pub const CHUNK: usize = POSEIDON_INPUTS - 1;
/// Most bits packed into one field element (below the 254-bit modulus).
pub const PACK_BITS: u32 = 248;

/// A secret 32-byte salt that makes the commitment hiding.
#[derive(Clone, PartialEq, Eq)]
pub struct Salt(pub [u8; 32]);

impl std::fmt::Debug for Salt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Salt(<secret>)")
    }
}

/// Declared signed widths of every committed value, in canonical order: for each layer
/// with parameters, its weights (row-major) then its biases.
pub fn value_widths(arch: &Architecture) -> Vec<u32> {
    arch.layers
        .iter()
        .filter_map(|l| Some((l.op.param_sizes()?, l.rescale.as_ref()?)))
        .flat_map(|((nw, nb), r)| std::iter::repeat_n(r.weight_bits, nw).chain(std::iter::repeat_n(r.bias_bits, nb)))
        .collect()
}

/// Every committed value in canonical order.
pub fn values(weights: &Weights) -> Vec<i64> {
    weights.layers.iter().flat_map(|l| l.weight.iter().chain(&l.bias).copied()).collect()
}

/// Which values go into which packed element: for each element, `(value index, bit
/// offset)` pairs. Values are placed greedily in order; one never straddles elements.
pub fn packing_plan(widths: &[u32]) -> Vec<Vec<(usize, u32)>> {
    let mut plan: Vec<Vec<(usize, u32)>> = Vec::new();
    let mut used = PACK_BITS;
    for (i, &w) in widths.iter().enumerate() {
        if used + w > PACK_BITS {
            plan.push(Vec::new());
            used = 0;
        }
        plan.last_mut().expect("pushed").push((i, used));
        used += w;
    }
    plan
}

/// `v + 2^(w−1)`: the unsigned slot value of a signed `w`-bit integer.
pub fn slot_value(v: i64, width: u32) -> u128 {
    (v as i128 + (1i128 << (width - 1))) as u128
}

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

/// Elements of the header absorbed before the packed weights.
pub const HEADER_LEN: usize = 7;
/// Positions in the header of the salt's two halves (high, low): its only secret elements.
pub const SALT_AT: [usize; 2] = [4, 5];

/// The header, field-agnostic: `tag, version, arch_hi, arch_lo, salt_hi, salt_lo, count`,
/// each an integer below 2^128 (big-endian bytes for the tag and the 16-byte halves), so
/// the same element in every field a backend commits in. The one definition of the layout.
pub fn header_integers(arch_digest: &[u8; 32], salt: &[u8; 32], packed: usize) -> [u128; HEADER_LEN] {
    let be = |b: &[u8]| b.iter().fold(0u128, |acc, &x| acc << 8 | x as u128);
    const { assert!(DOMAIN_TAG.len() <= 16) };
    [
        be(DOMAIN_TAG),
        COMMITMENT_VERSION as u128,
        be(&arch_digest[..16]),
        be(&arch_digest[16..]),
        be(&salt[..16]),
        be(&salt[16..]),
        packed as u128,
    ]
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
    fn packing_is_greedy_and_never_straddles() {
        let widths = vec![12; 45];
        let plan = packing_plan(&widths);
        assert_eq!(plan.iter().map(Vec::len).collect::<Vec<_>>(), vec![20, 20, 5]);
        assert_eq!(plan[1][0], (20, 0));
        assert!(plan.iter().all(|s| s.last().is_none_or(|&(i, off)| off + widths[i] <= PACK_BITS)));
        let p = pack(&[-2048, 2047, 0], &[12, 12, 12]);
        assert_eq!(p, vec![Fr::from(0u64) + Fr::from(4095u64) * pow2(12) + Fr::from(2048u64) * pow2(24)]);
    }
}
