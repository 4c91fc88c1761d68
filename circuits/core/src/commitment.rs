//! The weight commitment's layout, the same in every field a backend commits in
//! (`specs/commitment.md`): which values are committed and in what order, their widths,
//! how they are packed into elements of at most `PACK_BITS` bits, and the 7-integer
//! header. The hashes over BN254 (`zkseal-r1cs`) and Pallas (`zkseal-halo2`) both read
//! their elements from here.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packing_is_greedy_and_never_straddles() {
        let widths = vec![12; 45];
        let plan = packing_plan(&widths);
        assert_eq!(plan.iter().map(Vec::len).collect::<Vec<_>>(), vec![20, 20, 5]);
        assert_eq!(plan[1][0], (20, 0));
        assert!(plan.iter().all(|s| s.last().is_none_or(|&(i, off)| off + widths[i] <= PACK_BITS)));
        assert_eq!(slot_value(-2048, 12), 0);
        assert_eq!(slot_value(2047, 12), 4095);
    }
}
