//! The specs' test vectors, read from `specs/*.md` and recomputed with the crates' code,
//! so that a spec and the code cannot drift apart.
//!
//! Each test reads a markdown file, finds a section by its heading number, extracts the
//! values the text states (by the label that precedes each, such as `e_0 =` or
//! `**Commitment:**`) and compares them with what the code computes. Extraction is strict:
//! a section, label, code block or table row that cannot be found, or is found more than
//! once where one is expected, fails the test. Rewording a vector's label therefore means
//! updating these tests, which is the point.
//!
//! Covered: `commitment.md` (Lego blinding §2.3, point encodings §2.5, circomlib's Poseidon
//! §3.1, the header's domain tag §3.3, the Poseidon commitments and their intermediate
//! values §3.6, the circomlibjs constants §3.7, the record examples and versions §5–§6, the
//! Pallas commitment's constants, permutation, calls and commitments §7, the constraint
//! table §2.12); `proof-bundle.md` (the bundle example §5 and its proof bytes §2, the
//! record version in §6 and §8, the `infer --json` example §7.2, the input-file table
//! §7.3); `model-file.md` (varint and op encodings §2–§3, the model file test vector §8);
//! `quantization.md` (the rounding examples §1–§2, the AvgPool and Affine examples §4, the
//! synthetic calibration stream §7.2, `scale_for` §7.3, the worked example §9); and
//! `circuit.md` (the mean-gadget costs of §3).

mod circuit;
mod commitment;
mod extract;
mod model_file;
mod pallas;
mod proof_bundle;
mod quantization;
mod record;

use ark_bn254::Fr;
use ark_ff::{BigInteger, PrimeField};
use serde_json::Value;
use zkseal_core::format::hex;
use zkseal_tests::data;
use zkseal_verifier::field_to_decimal;

/// Decimal digits of an unsigned hex integer.
fn hex_to_dec(h: &str) -> String {
    let mut limbs: Vec<u64> = vec![0]; // base 10^9, least significant first
    for c in h.chars() {
        let mut carry = c.to_digit(16).expect("hex digit") as u64;
        for l in limbs.iter_mut() {
            let v = *l * 16 + carry;
            *l = v % 1_000_000_000;
            carry = v / 1_000_000_000;
        }
        while carry > 0 {
            limbs.push(carry % 1_000_000_000);
            carry /= 1_000_000_000;
        }
    }
    let mut s = limbs.last().unwrap().to_string();
    for l in limbs.iter().rev().skip(1) {
        s.push_str(&format!("{l:09}"));
    }
    s
}

fn fr_dec(f: &Fr) -> String {
    field_to_decimal(f)
}

/// An `Fr` as 64 hex digits, big-endian.
fn fr_hex(f: &Fr) -> String {
    hex(&f.into_bigint().to_bytes_be())
}

/// The golden values of one bundled model (`tests/data/golden.json`).
fn golden(model: &str, key: &str) -> String {
    let g: Value = serde_json::from_str(&std::fs::read_to_string(data("golden.json")).unwrap()).unwrap();
    g["models"][model][key].as_str().unwrap_or_else(|| panic!("golden.json: models.{model}.{key}")).to_string()
}
