//! Full verification of mutated inputs. The first byte picks a genuine fixture (Lego
//! or Poseidon scheme) and which of its three files the rest of the input replaces:
//! the proof bundle, the commitment record or the verifying key. The oracle: whatever
//! verifies proves exactly the genuine statement (same model, commitment, inputs and
//! outputs), and batch verification agrees with one-by-one verification, for a mutated
//! bundle beside the genuine one and for the genuine bundle (relabelled) under a mutated
//! record, an adversary's commitment point included.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

use zkseal_verifier::{verify_bytes, CommitmentRecord, ProofBundle, Verified, Verifier};

struct Fixture {
    vk: &'static [u8],
    record: &'static [u8],
    bundle: &'static [u8],
}

const FIXTURES: [Fixture; 2] = [
    Fixture {
        vk: include_bytes!("../../data/proofs/lego/verifying.key"),
        record: include_bytes!("../../data/proofs/lego/commitment.json"),
        bundle: include_bytes!("../../data/proofs/lego/proof.json"),
    },
    Fixture {
        vk: include_bytes!("../../data/proofs/poseidon/verifying.key"),
        record: include_bytes!("../../data/proofs/poseidon/commitment.json"),
        bundle: include_bytes!("../../data/proofs/poseidon/proof.json"),
    },
];

/// A fixture decoded once: its verifier, bundle and what the genuine proof verifies.
struct Genuine {
    verifier: Verifier,
    bundle: ProofBundle,
    verified: Verified,
}

fn genuine(i: usize) -> &'static Genuine {
    static CELLS: [OnceLock<Genuine>; 2] = [OnceLock::new(), OnceLock::new()];
    CELLS[i].get_or_init(|| {
        let f = &FIXTURES[i];
        let record: CommitmentRecord = serde_json::from_slice(f.record).expect("fixture record");
        let verifier = Verifier::new(f.vk, &record).expect("fixture key");
        let bundle: ProofBundle = serde_json::from_slice(f.bundle).expect("fixture bundle");
        let verified = verifier.verify(&bundle).expect("the fixture verifies");
        Genuine { verifier, bundle, verified }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let which = usize::from(selector & 1);
    let (f, g) = (&FIXTURES[which], genuine(which));
    let result = match (selector >> 1) % 3 {
        0 => {
            let Ok(bundle) = serde_json::from_slice::<ProofBundle>(rest) else { return };
            let single = g.verifier.verify(&bundle);
            let batch = g.verifier.verify_batch(&[g.bundle.clone(), bundle]);
            assert!(batch[0].is_ok(), "a bad bundle beside a good one failed the good one");
            assert_eq!(batch[1].is_ok(), single.is_ok(), "batch and single verification disagree");
            single
        }
        1 => {
            if let Ok(record) = serde_json::from_slice::<CommitmentRecord>(rest) {
                if let Ok(v) = Verifier::new(f.vk, &record) {
                    // The bundle's labels are outside the proof: an adversary writes them
                    // to match whatever record it hands out.
                    let mut relabelled = g.bundle.clone();
                    relabelled.model_id = record.model_id.clone();
                    relabelled.commitment = record.commitment.clone();
                    relabelled.commitment_point = record.commitment_point.clone();
                    let pair = [g.bundle.clone(), relabelled];
                    let singles: Vec<_> = pair.iter().map(|b| v.verify(b)).collect();
                    assert_eq!(v.verify_batch(&pair), singles, "batch and single verification disagree");
                }
            }
            verify_bytes(f.vk, rest, f.bundle)
        }
        _ => verify_bytes(rest, f.record, f.bundle),
    };
    if let Ok(v) = &result {
        assert_eq!(v, &g.verified, "a mutated file verified a different statement");
    }
});
