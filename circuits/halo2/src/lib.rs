//! zkseal's transparent backend's circuit: the model relation in PLONK form on zcash's
//! `halo2_proofs` (IPA commitments over the Pasta curves), so no trusted setup at all
//! (`specs/circuit-halo2.md`). `chips` are the gadgets, `ops` one layout per op over the
//! plan of `zkseal_core::quant::plan`, `circuit` the model circuit, `commitment` the
//! Pallas commitment, `keys` the key file and the key derivation both sides run, `rows`
//! the row count that picks `k`. Proving is `zkseal_prover::halo2`, verification the
//! `zkseal-verifier-halo2` crate.
//!
//! The circuit field is `pasta_curves::Fp`, the scalar field of Vesta (`EqAffine`, the
//! curve the IPA commitments live on). Signed integers are embedded as `v` for `v ≥ 0`
//! and `p − |v|` for `v < 0`, as in the Groth16 path; every gadget keeps its integers
//! far below `p/2`, so the identities it checks hold over the integers.
//!
//! `Circuit::configure` is static in halo2_proofs 0.4 (it cannot see the architecture),
//! so every gate is architecture-independent: shifts, widths, offsets and flags live in
//! fixed columns that `synthesize` fills per row. The verifying key still depends on the
//! architecture through those fixed columns, the selectors and the copy constraints.

pub mod chips;
pub mod circuit;
pub mod commitment;
pub mod keys;
pub mod ops;
pub mod params;
pub mod rows;

use ff::{Field, PrimeField};
pub use pasta_curves::Fp;

/// The bundle's `backend` for proofs of this crate.
pub const BACKEND_HALO2: &str = "halo2-ipa-pasta";

/// The field element of a signed integer.
pub fn fe(v: i128) -> Fp {
    if v >= 0 {
        Fp::from_u128(v as u128)
    } else {
        -Fp::from_u128(v.unsigned_abs())
    }
}

/// The signed integer a field element stands for, if it is within ±2^126 (every value
/// the chips reason about as an integer is far inside that).
pub fn int(f: &Fp) -> Option<i128> {
    let small = |x: &Fp| {
        let repr = x.to_repr();
        let (lo, hi) = repr.split_at(16);
        hi.iter().all(|&b| b == 0).then(|| u128::from_le_bytes(lo.try_into().expect("16 bytes")))
    };
    if let Some(u) = small(f).filter(|&u| u <= 1 << 126) {
        return Some(u as i128);
    }
    small(&-*f).filter(|&u| u <= 1 << 126).map(|u| -(u as i128))
}

/// `2^k` in the field.
pub fn pow2(k: u32) -> Fp {
    Fp::from(2).pow_vartime([k as u64])
}

/// Big-endian hex of a field element.
pub fn fp_hex(f: &Fp) -> String {
    f.to_repr().iter().rev().map(|b| format!("{b:02x}")).collect()
}

/// The field element of 64 big-endian hex digits, if canonical.
pub fn fp_from_hex(s: &str) -> Option<Fp> {
    if s.len() != 64 || !s.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
        return None;
    }
    let mut repr = [0u8; 32];
    for (i, byte) in repr.iter_mut().rev().enumerate() {
        *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Option::from(Fp::from_repr(repr))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_round_trip_through_the_field() {
        for v in [0i128, 1, -1, 255, -256, (1 << 61) - 1, -(1 << 61), 1 << 126, -(1 << 126)] {
            assert_eq!(int(&fe(v)), Some(v), "{v}");
        }
        assert_eq!(int(&pow2(200)), None);
    }

    #[test]
    fn hex_is_canonical_big_endian() {
        let x = fe(-5);
        assert_eq!(fp_from_hex(&fp_hex(&x)), Some(x));
        assert_eq!(fp_hex(&fe(258)), format!("{}0102", "0".repeat(60)));
        // The modulus itself is not canonical; neither is a short or upper-case string.
        let modulus = Fp::MODULUS.trim_start_matches("0x");
        assert_eq!(modulus.len(), 64);
        assert_eq!(fp_from_hex(modulus), None);
        assert_eq!(fp_from_hex(&fp_hex(&x)[1..]), None);
        assert_eq!(fp_from_hex(&fp_hex(&fe(10)).to_uppercase()), None);
    }
}
