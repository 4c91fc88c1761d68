//! Golden vectors: every bundled model's `model_id`, architecture digest, Poseidon
//! commitment (under a fixed test salt), the Lego blinding derived from that salt, and
//! constraint counts under both schemes, committed in `tests/data/golden.json`.
//! Any change to import, quantization, the file format or the commitment shows up here.
//! `ZKSEAL_BLESS=1 cargo test -p zkseal-tests --test golden` rewrites the file.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use zkseal_circuits::commitment::{commit, Salt};
use zkseal_circuits::format::hex;
use zkseal_circuits::r1cs::estimate::constraint_count;
use zkseal_circuits::r1cs::Scheme;
use zkseal_prover::lego::blinding;
use zkseal_tests::{data, digits_model, DIGITS_MODELS};
use zkseal_verifier::field_to_decimal;

fn current() -> Value {
    let salt = Salt([0x5a; 32]);
    let mut out = BTreeMap::new();
    for name in DIGITS_MODELS {
        let (_, m) = digits_model(name);
        let c = commit(&m.arch, &m.architecture_digest(), &m.weights, &salt);
        out.insert(
            name.to_string(),
            json!({
                "model_id": hex(&m.model_id()),
                "architecture_digest": hex(&m.architecture_digest()),
                "commitment_salt_5a": field_to_decimal(&c),
                "constraints": constraint_count(&m.arch, Scheme::Poseidon, 1),
                "constraints_lego": constraint_count(&m.arch, Scheme::Lego, 1),
            }),
        );
    }
    json!({ "models": out, "lego_blinding_salt_5a": field_to_decimal(&blinding(&salt)) })
}

#[test]
fn digests_and_commitments_match_the_golden_vectors() {
    let path = data("golden.json");
    let now = current();
    if std::env::var_os("ZKSEAL_BLESS").is_some() {
        std::fs::write(&path, serde_json::to_string_pretty(&now).unwrap() + "\n").unwrap();
    }
    let golden: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("tests/data/golden.json")).unwrap();
    assert_eq!(now, golden, "golden vectors changed: bump the format/commitment version if intended, then bless");
}
