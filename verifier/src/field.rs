//! Public values as field elements.

use crate::prelude::*;
use ark_bn254::Fr;
use ark_ff::{BigInteger, PrimeField};

/// A signed integer of the model's tensors as a field element (`p − |v|` if negative).
pub fn int_to_field(v: i64) -> Fr {
    if v >= 0 {
        Fr::from(v as u64)
    } else {
        -Fr::from(v.unsigned_abs())
    }
}

/// Decimal text of a field element (as snarkjs and circomlibjs print it).
pub fn field_to_decimal(x: &Fr) -> String {
    let bytes = x.into_bigint().to_bytes_be();
    // Long division by 10 over the big-endian bytes.
    let mut digits = Vec::new();
    let mut n = bytes;
    while n.iter().any(|&b| b != 0) {
        let mut rem = 0u32;
        for b in n.iter_mut() {
            let cur = (rem << 8) | *b as u32;
            *b = (cur / 10) as u8;
            rem = cur % 10;
        }
        digits.push(b'0' + rem as u8);
    }
    if digits.is_empty() {
        digits.push(b'0');
    }
    digits.reverse();
    String::from_utf8(digits).expect("ascii digits")
}

/// Parses canonical decimal text of a field element: digits only, no leading zeros,
/// below the modulus (never reduced).
pub fn parse_field(s: &str) -> Option<Fr> {
    if s.is_empty() || s.len() > 78 || !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0')) {
        return None;
    }
    // Multiply-add into 32 big-endian bytes, refusing overflow of 256 bits.
    let mut n = [0u8; 32];
    for d in s.bytes() {
        let mut carry = (d - b'0') as u32;
        for b in n.iter_mut().rev() {
            let cur = *b as u32 * 10 + carry;
            *b = cur as u8;
            carry = cur >> 8;
        }
        if carry != 0 {
            return None;
        }
    }
    let x = Fr::from_be_bytes_mod_order(&n);
    (x.into_bigint().to_bytes_be() == n).then_some(x)
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
    }
}
