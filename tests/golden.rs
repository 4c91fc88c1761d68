//! Golden vectors: every bundled model's `model_id`, architecture digest, Poseidon
//! commitment and Pallas commitment (`commitment_pallas`, both under a fixed test salt),
//! the Lego blinding derived from that salt, and
//! constraint counts under both schemes; and, for keys from a seeded setup (tests
//! only), the verifying key's digest and the Lego commitment point. Committed in
//! `tests/data/golden.json`, so CI checks them on another machine; computed again under
//! 1 and 3 threads. Any change to import, quantization, the file format, key generation
//! or the commitment shows up here.
//! `ZKSEAL_BLESS=1 cargo test -p zkseal-tests --test golden` rewrites the file.

use std::collections::BTreeMap;

use rand::rngs::StdRng;
use rand::SeedableRng;
use serde_json::{json, Value};
use zkseal_core::commitment::Salt;
use zkseal_core::format::hex;
use zkseal_halo2::commitment::commit as pallas_commit;
use zkseal_halo2::fp_hex;
use zkseal_prover::commit::commitment_record;
use zkseal_prover::lego::blinding;
use zkseal_prover::setup::setup;
use zkseal_r1cs::commitment::commit;
use zkseal_r1cs::estimate::constraint_count;
use zkseal_r1cs::Scheme;
use zkseal_tests::{data, digits_model, DIGITS_MODELS};
use zkseal_verifier::{field_to_decimal, vk_digest, CommitmentScheme};

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
                "commitment_pallas_salt_5a": fp_hex(&pallas_commit(&m.arch, &m.architecture_digest(), &m.weights, &salt)),
                "constraints": constraint_count(&m.arch, Scheme::Poseidon, 1),
                "constraints_lego": constraint_count(&m.arch, Scheme::Lego, 1),
            }),
        );
    }
    let (_, m) = digits_model("sklearn_mlp");
    let key = setup(&m.arch, CommitmentScheme::Lego, 1, &mut StdRng::seed_from_u64(1)).expect("setup");
    let record = commitment_record(&m, &salt, Some(&key)).expect("record");
    json!({
        "models": out,
        "lego_blinding_salt_5a": field_to_decimal(&blinding(&salt)),
        "sklearn_mlp_lego_setup_seed_1": {
            "vk_digest": vk_digest(&key.verifying_key_file()),
            "commitment_point_salt_5a": record.commitment_point,
        },
    })
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

#[test]
fn the_same_under_any_thread_count() {
    let golden: Value = serde_json::from_str(&std::fs::read_to_string(data("golden.json")).unwrap()).unwrap();
    for threads in [1, 3] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("thread pool");
        assert_eq!(pool.install(current), golden, "{threads} thread(s)");
    }
}
