//! Full verification of mutated inputs. The first byte picks a genuine fixture (Lego
//! or Poseidon scheme) and which of its three files the rest of the input replaces:
//! the proof bundle, the commitment record or the verifying key. The oracle: whatever
//! verifies proves exactly the genuine statement (same model, commitment, inputs and
//! outputs), and batch verification agrees with one-by-one verification.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zkseal_verifier::{verify_bytes, ProofBundle, Verified, Verifier};

struct Fixture {
    vk: &'static [u8],
    record: &'static [u8],
    bundle: &'static [u8],
}

const FIXTURES: [Fixture; 2] = [
    Fixture {
        vk: include_bytes!("../fixtures/lego/verifying.key"),
        record: include_bytes!("../fixtures/lego/commitment.json"),
        bundle: include_bytes!("../fixtures/lego/proof.json"),
    },
    Fixture {
        vk: include_bytes!("../fixtures/poseidon/verifying.key"),
        record: include_bytes!("../fixtures/poseidon/commitment.json"),
        bundle: include_bytes!("../fixtures/poseidon/proof.json"),
    },
];

fn same_statement(a: &Verified, b: &Verified) -> bool {
    (&a.model_id, &a.commitment, &a.commitment_point, a.inferences, &a.input, &a.output)
        == (&b.model_id, &b.commitment, &b.commitment_point, b.inferences, &b.input, &b.output)
        && a.output_float == b.output_float
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let f = &FIXTURES[usize::from(selector & 1)];
    let genuine = verify_bytes(f.vk, f.record, f.bundle).expect("the fixture verifies");
    let result = match (selector >> 1) % 3 {
        0 => verify_bytes(f.vk, f.record, rest),
        1 => verify_bytes(f.vk, rest, f.bundle),
        _ => verify_bytes(rest, f.record, f.bundle),
    };
    if let Ok(v) = &result {
        assert!(same_statement(v, &genuine), "a mutated file verified a different statement: {v:?}");
    }
    if (selector >> 1) % 3 == 0 {
        let Ok(bundle) = serde_json::from_slice::<ProofBundle>(rest) else { return };
        let record = serde_json::from_slice(f.record).expect("fixture record");
        let verifier = Verifier::new(f.vk, &record).expect("fixture key");
        let genuine_bundle: ProofBundle = serde_json::from_slice(f.bundle).expect("fixture bundle");
        let batch = verifier.verify_batch(&[genuine_bundle, bundle]);
        assert!(batch[0].is_ok(), "a bad bundle beside a good one failed the good one");
        assert_eq!(batch[1].is_ok(), result.is_ok(), "batch and single verification disagree");
    }
});
