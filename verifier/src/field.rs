//! Public values as field elements.

use crate::prelude::*;
use ark_bn254::Fr;
use ark_ff::{BigInt, BigInteger, PrimeField};

/// A field element as the integer below the modulus `r` that names it. Verification
/// needs only these integers (as scalars of curve points), never field arithmetic.
pub type Canonical = BigInt<4>;

/// A signed integer of the model's tensors as a field element (`r − |v|` if negative).
pub fn int_to_field(v: i64) -> Fr {
    Fr::from_bigint(int_to_canonical(v)).expect("below the modulus")
}

/// `int_to_field(v)` as its canonical integer, without field arithmetic.
pub fn int_to_canonical(v: i64) -> Canonical {
    let magnitude = BigInt::from(v.unsigned_abs());
    if v >= 0 {
        magnitude
    } else {
        let mut n = Fr::MODULUS;
        n.sub_with_borrow(&magnitude);
        n
    }
}

/// Decimal text of a field element (as snarkjs and circomlibjs print it).
pub fn field_to_decimal(x: &Fr) -> String {
    canonical_to_decimal(&x.into_bigint())
}

/// Decimal text of an integer.
pub fn canonical_to_decimal(n: &Canonical) -> String {
    let mut n = *n;
    let mut digits = Vec::new();
    loop {
        // Long division by 10 over the limbs, most significant first.
        let mut rem = 0u128;
        for limb in n.0.iter_mut().rev() {
            let cur = (rem << 64) | *limb as u128;
            *limb = (cur / 10) as u64;
            rem = cur % 10;
        }
        digits.push(b'0' + rem as u8);
        if n.is_zero() {
            break;
        }
    }
    digits.reverse();
    String::from_utf8(digits).expect("ascii digits")
}

/// Parses canonical decimal text of a field element: digits only, no leading zeros,
/// below the modulus (never reduced).
pub fn parse_field(s: &str) -> Option<Fr> {
    parse_canonical(s).and_then(Fr::from_bigint)
}

/// `parse_field`, as the canonical integer.
pub fn parse_canonical(s: &str) -> Option<Canonical> {
    if s.is_empty() || s.len() > 78 || !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0')) {
        return None;
    }
    // Multiply-add into the limbs, refusing overflow of 256 bits.
    let mut n = Canonical::zero();
    for d in s.bytes() {
        let mut carry = (d - b'0') as u128;
        for limb in n.0.iter_mut() {
            let cur = *limb as u128 * 10 + carry;
            *limb = cur as u64;
            carry = cur >> 64;
        }
        if carry != 0 {
            return None;
        }
    }
    (n < Fr::MODULUS).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_round_trip_and_modulus() {
        for v in [0u64, 1, 9, 10, 12345678901234567] {
            let x = Fr::from(v);
            assert_eq!(field_to_decimal(&x), v.to_string());
            assert_eq!(parse_field(&v.to_string()), Some(x));
        }
        let minus_one = int_to_field(-1);
        let text = field_to_decimal(&minus_one);
        assert_eq!(text, "21888242871839275222246405745257275088548364400416034343698204186575808495616");
        assert_eq!(parse_field(&text), Some(minus_one));
        // The modulus itself and anything above are refused, never reduced.
        assert_eq!(parse_field("21888242871839275222246405745257275088548364400416034343698204186575808495617"), None);
        assert_eq!(parse_field(&"9".repeat(78)), None);
        assert_eq!(parse_field("007"), None);
        assert_eq!(parse_field("-1"), None);
        assert_eq!(parse_field(""), None);
        assert_eq!(parse_canonical(&text), Some(int_to_canonical(-1)));
        assert_eq!(canonical_to_decimal(&int_to_canonical(i64::MIN)), field_to_decimal(&int_to_field(i64::MIN)));
        assert_eq!(int_to_field(i64::MIN), -Fr::from(1u64 << 63));
    }
}
