//! A Solidity verifier contract for one model's verifying key and commitment, and the
//! calldata that submits a zkseal proof to it.
//!
//! The contract checks zkseal's equation with the EVM's BN254 precompiles (ecAdd 0x06,
//! ecMul 0x07, ecPairing 0x08), as one product that must be 1:
//! `e(−A, B)·e(α, β)·e(Σ aᵢ·ICᵢ, γ)·e(C, δ) = 1`, times `e(D, γ')` under the Lego
//! scheme, where `D`, the record's commitment point, is a constant of the contract.
//! Under the Poseidon scheme the commitment, the first public input, is a constant too,
//! so a contract accepts proofs of its own model's committed weights only. The caller
//! passes the proof and the public integers (inputs, then outputs).

use std::fmt::Write;

use anyhow::{bail, Result};
use ark_bn254::{Fq, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInteger, PrimeField};
use serde_json::{json, Value};
use zkseal_verifier::{canonical_to_decimal, hex, Checked, Verifier};

/// EIP-170's limit on deployed code; the IC table is most of a contract.
const MAX_CODE_BYTES: usize = 24_576;
/// The contract's code besides the IC table, with room to spare (measured: 2.2 KB).
const FIXED_CODE_BYTES: usize = 3_000;

/// The contract's source, or an error if its code could not be deployed.
pub fn contract(verifier: &Verifier) -> Result<String> {
    let vk = verifier.key();
    let record = verifier.record();
    let lego = verifier.commitment_pairing();
    let ic = &vk.gamma_abc_g1;
    // Under Poseidon, IC₁ belongs to the commitment, a constant here.
    let first_value = if lego.is_some() { 1 } else { 2 };
    let values = ic.len() - first_value;
    let code = FIXED_CODE_BYTES + 64 * ic.len();
    if code > MAX_CODE_BYTES {
        bail!(
            "the contract would need about {code} bytes of code for its {} public values, above the EVM's \
             {MAX_CODE_BYTES}-byte limit (EIP-170)",
            values
        );
    }
    let mut table = String::with_capacity(128 * ic.len());
    for p in ic {
        let (x, y) = coordinates(p);
        write!(table, "{}{}", word(&x), word(&y))?;
    }
    let mut constants = g1_constants("ALPHA", &vk.alpha_g1);
    for (name, p) in [("BETA", &vk.beta_g2), ("GAMMA", &vk.gamma_g2), ("DELTA", &vk.delta_g2)] {
        constants += &g2_constants(name, p);
    }
    // The pairing precompile's input, pair by pair: (−A, B), (α, β), (Σ aᵢ·ICᵢ, γ),
    // (C, δ) and, under Lego, (D, γ').
    let mut terms: Vec<String> =
        ["proof[0]", "(Q - proof[1]) % Q", "proof[2]", "proof[3]", "proof[4]", "proof[5]"].map(String::from).into();
    terms.extend(g1_names("ALPHA").into_iter().chain(g2_names("BETA")));
    terms.extend(["acc[0]".into(), "acc[1]".into()].into_iter().chain(g2_names("GAMMA")));
    terms.extend(["proof[6]".into(), "proof[7]".into()].into_iter().chain(g2_names("DELTA")));
    let head = match &lego {
        Some((d, gamma2)) => {
            constants += &g1_constants("COMMITMENT_POINT", d);
            constants += &g2_constants("COMMITMENT_GAMMA", gamma2);
            terms.extend(g1_names("COMMITMENT_POINT").into_iter().chain(g2_names("COMMITMENT_GAMMA")));
            String::new()
        }
        None => {
            writeln!(
                constants,
                "    /// The commitment to the weights (Poseidon), the first public input.\n    \
                 uint256 private constant COMMITMENT = {};",
                canonical_to_decimal(verifier.commitment())
            )?;
            "        if (!mulAdd(acc, word(ic, 2), word(ic, 3), COMMITMENT)) return false;\n".into()
        }
    };
    let mut input = String::new();
    for (i, term) in terms.iter().enumerate() {
        writeln!(input, "        input[{i}] = {term};")?;
    }
    Ok(format!(
        include_str!("Verifier.sol.in"),
        version = env!("CARGO_PKG_VERSION"),
        scheme = record.scheme,
        model_id = comment_safe(&record.model_id),
        architecture = record.architecture_digest,
        vk_digest = verifier.vk_digest(),
        opened = verifier.opened(),
        q = Fq::MODULUS,
        r = ark_bn254::Fr::MODULUS,
        values = values,
        first_value = first_value,
        constants = constants,
        table = table,
        head = head,
        words = terms.len(),
        bytes = 32 * terms.len(),
        input = input,
    ))
}

/// The arguments of `verify(uint256[8] proof, int64[] values)` for a bundle that
/// `checked` came from: the proof's coordinates (in the precompiles' order) and its
/// public integers.
pub fn calldata(checked: &Checked, values: &[i64]) -> Value {
    let p = &checked.proof;
    let (ax, ay) = coordinates(&p.a);
    let (cx, cy) = coordinates(&p.c);
    let b = g2_words(&p.b);
    let proof: Vec<String> = [ax, ay].into_iter().chain(b).chain([cx, cy]).map(|f| f.to_string()).collect();
    json!({ "proof": proof, "values": values })
}

/// `text` for a `//` comment: the record's `model_id` is the owner's free text, and a line
/// break in it would end the comment and put the rest into the contract's code. Anything
/// but printable ASCII is written as `\u{…}`.
fn comment_safe(text: &str) -> String {
    text.chars()
        .map(|c| if c == ' ' || c.is_ascii_graphic() { c.to_string() } else { c.escape_unicode().to_string() })
        .collect()
}

/// Affine coordinates, `(0, 0)` for the identity (the precompiles' encoding of it).
fn coordinates(p: &G1Affine) -> (Fq, Fq) {
    p.xy().unwrap_or_default()
}

/// A G2 point as the pairing precompile reads it: `x.c1, x.c0, y.c1, y.c0`.
fn g2_words(p: &G2Affine) -> [Fq; 4] {
    let (x, y) = p.xy().unwrap_or_default();
    [x.c1, x.c0, y.c1, y.c0]
}

fn word(f: &Fq) -> String {
    hex(&f.into_bigint().to_bytes_be())
}

fn g1_names(name: &str) -> [String; 2] {
    [format!("{name}_X"), format!("{name}_Y")]
}

fn g2_names(name: &str) -> [String; 4] {
    ["X1", "X0", "Y1", "Y0"].map(|part| format!("{name}_{part}"))
}

fn g1_constants(name: &str, p: &G1Affine) -> String {
    let (x, y) = coordinates(p);
    format!("    uint256 private constant {name}_X = {x};\n    uint256 private constant {name}_Y = {y};\n")
}

fn g2_constants(name: &str, p: &G2Affine) -> String {
    let [x1, x0, y1, y0] = g2_words(p);
    format!(
        "    uint256 private constant {name}_X1 = {x1};\n    uint256 private constant {name}_X0 = {x0};\n    \
         uint256 private constant {name}_Y1 = {y1};\n    uint256 private constant {name}_Y0 = {y0};\n"
    )
}

#[cfg(test)]
mod tests {
    use super::comment_safe;

    #[test]
    fn comments_cannot_break_out() {
        let hostile = "m\n}\r\u{2028}function steal() public {}\u{0}é";
        let safe = comment_safe(hostile);
        assert!(safe.chars().all(|c| c == ' ' || c.is_ascii_graphic()), "{safe}");
        assert_eq!(comment_safe("sklearn_mlp v1.2"), "sklearn_mlp v1.2");
    }
}
