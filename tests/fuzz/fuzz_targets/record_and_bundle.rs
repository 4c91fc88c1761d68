//! The JSON a verifier or prover reads from others: commitment records, proof bundles,
//! inputs and sample files, field elements and curve points. Refused with a reason or
//! parsed; what parses re-serializes to JSON that parses to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zkseal_core::input::{parse_input, parse_jsonl, parse_samples};
use zkseal_verifier::{field_to_decimal, parse_field, parse_point, CommitmentRecord, ProofBundle};

fuzz_target!(|data: &[u8]| {
    if let Ok(record) = serde_json::from_slice::<CommitmentRecord>(data) {
        let again = serde_json::to_vec(&record).expect("a record serializes");
        assert_eq!(serde_json::from_slice::<CommitmentRecord>(&again).expect("round trip"), record);
    }
    if let Ok(bundle) = serde_json::from_slice::<ProofBundle>(data) {
        let again = serde_json::to_vec(&bundle).expect("a bundle serializes");
        let back: ProofBundle = serde_json::from_slice(&again).expect("round trip");
        assert_eq!(back.output, bundle.output);
        assert_eq!(back.proof, bundle.proof);
    }
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = parse_input(text);
    let _ = parse_samples(text, 64);
    parse_jsonl(text).for_each(drop);
    if let Some(x) = parse_field(text) {
        // Canonical: one decimal string per field element, nothing reduced mod p.
        assert_eq!(field_to_decimal(&x), text);
    }
    let _ = parse_point("fuzz", text);
});
