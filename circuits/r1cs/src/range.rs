//! Range checks by bit decomposition: `x + offset ∈ [0, 2^bits)`.
//!
//! Cost: `bits` boolean constraints plus one composition constraint. Sound while
//! `2^bits` is far below the field modulus (bits ≤ 250 here), so the composition
//! cannot wrap.

use ark_ff::AdditiveGroup;

use super::{Lc, Result, Synth, Wire};

/// Largest width a range check accepts.
pub const MAX_BITS: u32 = 250;

/// Native: the low `bits` bits of `v`, least significant first.
pub fn bits_of(v: i128, bits: u32) -> Vec<bool> {
    (0..bits).map(|j| j < 127 && (v >> j) & 1 == 1).collect()
}

/// Constrains `x + offset ∈ [0, 2^bits)`; returns the bits (least significant first).
pub fn range_check(s: &Synth, x: &Wire, offset: i128, bits: u32) -> Result<Vec<Wire>> {
    let hint = x.value.filter(|_| s.proving).map(|v| bits_of(v + offset, bits));
    range_check_with(s, x, offset, bits, hint)
}

/// `x ∈ [−2^(bits−1), 2^(bits−1))`.
pub fn signed(s: &Synth, x: &Wire, bits: u32) -> Result<Vec<Wire>> {
    range_check(s, x, 1i128 << (bits - 1), bits)
}

/// `x ∈ [0, 2^bits)`.
pub fn unsigned(s: &Synth, x: &Wire, bits: u32) -> Result<Vec<Wire>> {
    range_check(s, x, 0, bits)
}

/// The range check with the bit witness given (tests pass tampered bits).
pub fn range_check_with(s: &Synth, x: &Wire, offset: i128, bits: u32, hint: Option<Vec<bool>>) -> Result<Vec<Wire>> {
    assert!((1..=MAX_BITS).contains(&bits), "range check of {bits} bits");
    let mut sum = Lc::zero();
    let mut out = Vec::with_capacity(bits as usize);
    let mut weight = super::fr(1);
    for j in 0..bits {
        let b = s.witness(hint.as_ref().map(|h| h[j as usize] as i128))?;
        s.enforce(b.lc.clone(), b.lc.clone(), b.lc.clone())?;
        sum.0.extend(b.lc.0.iter().map(|(c, v)| (*c * weight, *v)));
        weight.double_in_place();
        out.push(b);
    }
    let target = x.add_scaled(offset, &Wire::constant(1));
    s.enforce(sum, Wire::constant(1).lc, target.lc)?;
    Ok(out)
}

/// Constraints one `range_check` of `bits` adds.
pub fn cost(bits: u32) -> usize {
    bits as usize + 1
}

#[cfg(test)]
mod tests {
    use super::super::testing::{satisfied, synth, wires};
    use super::*;

    #[test]
    fn values_in_range_pass_and_others_fail() {
        for (v, ok) in [(-128, true), (127, true), (0, true), (-129, false), (128, false), (1 << 40, false)] {
            let s = synth();
            let x = &wires(&s, &[v])[0];
            signed(&s, x, 8).unwrap();
            assert_eq!(satisfied(&s), ok, "{v}");
            assert_eq!(s.cs.num_constraints(), cost(8));
        }
    }

    #[test]
    fn negative_field_elements_are_out_of_range() {
        let s = synth();
        let x = &wires(&s, &[-1])[0];
        unsigned(&s, x, 16).unwrap();
        assert!(!satisfied(&s), "p − 1 is not a 16-bit value");
    }

    #[test]
    fn tampered_bits_fail() {
        let s = synth();
        let x = &wires(&s, &[5])[0];
        let mut bits = bits_of(5, 4);
        bits[3] = true; // the top (sign) bit flipped
        range_check_with(&s, x, 0, 4, Some(bits)).unwrap();
        assert!(!satisfied(&s));
    }
}
