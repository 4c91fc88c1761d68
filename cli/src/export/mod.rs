//! Writing a zkseal proof and its key in the formats of verifiers no one here wrote
//! (snarkjs's JSON, a Solidity contract).

pub mod snarkjs;
pub mod solidity;

use ark_bn254::{G1Affine, G2Affine};
use ark_ec::AffineRepr;
use serde_json::{json, Value};

/// A G1 point as snarkjs writes it: projective decimal coordinates `[x, y, "1"]`
/// (`["0", "1", "0"]` for the identity).
pub fn g1_json(p: &G1Affine) -> Value {
    match p.xy() {
        Some((x, y)) => json!([x.to_string(), y.to_string(), "1"]),
        None => json!(["0", "1", "0"]),
    }
}

/// A G2 point as snarkjs writes it: `[[x.c0, x.c1], [y.c0, y.c1], ["1", "0"]]`.
pub fn g2_json(p: &G2Affine) -> Value {
    match p.xy() {
        Some((x, y)) => json!([[x.c0.to_string(), x.c1.to_string()], [y.c0.to_string(), y.c1.to_string()], ["1", "0"]]),
        None => json!([["0", "0"], ["1", "0"], ["0", "0"]]),
    }
}
