//! snarkjs's Groth16 files: `verification_key.json`, `proof.json`, `public.json`.
//!
//! snarkjs checks `e(−A, B)·e(α, β)·e(Σ aᵢ·ICᵢ, γ)·e(C, δ) = 1` with `a = (1, public…)`:
//! zkseal's equation under the Poseidon scheme, the same key and the same public inputs
//! (the commitment, then every input and output integer as a field element). Under the
//! Lego scheme the commitment point `D` is paired with its own `[γ']₂`, a fifth pairing
//! snarkjs's key format cannot hold (folding `D` into `IC₀` would pair it with `[γ]₂`
//! instead), so Lego proofs are not exported.

use anyhow::{bail, Result};
use serde_json::{json, Value};
use zkseal_verifier::{canonical_to_decimal, Checked, CommitmentScheme, Verifier};

use super::{g1_json, g2_json};

/// The three files' contents, for a bundle `checked` by `verifier`.
pub struct Files {
    pub verification_key: Value,
    pub proof: Value,
    pub public: Value,
}

pub fn files(verifier: &Verifier, checked: &Checked) -> Result<Files> {
    let scheme = verifier.header().scheme;
    if scheme != CommitmentScheme::Poseidon {
        bail!(
            "snarkjs cannot verify {} proofs: their commitment point is paired with its own [γ']₂, which \
             snarkjs's key format has no place for; use keys made with `setup --scheme poseidon`",
            scheme.name()
        );
    }
    let vk = verifier.key();
    let verification_key = json!({
        "protocol": "groth16",
        "curve": "bn128",
        "nPublic": checked.public.len(),
        "vk_alpha_1": g1_json(&vk.alpha_g1),
        "vk_beta_2": g2_json(&vk.beta_g2),
        "vk_gamma_2": g2_json(&vk.gamma_g2),
        "vk_delta_2": g2_json(&vk.delta_g2),
        "IC": vk.gamma_abc_g1.iter().map(g1_json).collect::<Vec<_>>(),
    });
    let p = &checked.proof;
    let proof = json!({
        "protocol": "groth16",
        "curve": "bn128",
        "pi_a": g1_json(&p.a),
        "pi_b": g2_json(&p.b),
        "pi_c": g1_json(&p.c),
    });
    let public = json!(checked.public.iter().map(canonical_to_decimal).collect::<Vec<_>>());
    Ok(Files { verification_key, proof, public })
}
