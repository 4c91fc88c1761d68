//! JSON from others: field elements at or above the modulus, integers beyond i64,
//! duplicated, missing and unknown fields, deep nesting, absurd claimed sizes.

use serde_json::{Map, Value};
use zkseal_core::input::{parse_input, parse_samples};
use zkseal_prover::commit::SaltFile;
use zkseal_verifier::{verify, verify_bytes, CommitmentScheme, VerifyError};

use crate::{tiny, SCHEMES};

const MODULUS: &str = "21888242871839275222246405745257275088548364400416034343698204186575808495617";

/// `a + b` for decimal strings.
fn add_decimal(a: &str, b: &str) -> String {
    let (a, b): (Vec<u32>, Vec<u32>) =
        (a.bytes().rev().map(|d| (d - b'0') as u32).collect(), b.bytes().rev().map(|d| (d - b'0') as u32).collect());
    let mut out = Vec::new();
    let mut carry = 0;
    for i in 0..a.len().max(b.len()) {
        let s = a.get(i).unwrap_or(&0) + b.get(i).unwrap_or(&0) + carry;
        out.push(char::from(b'0' + (s % 10) as u8));
        carry = s / 10;
    }
    if carry > 0 {
        out.push('1');
    }
    out.iter().rev().collect()
}

fn object(v: &impl serde::Serialize) -> Map<String, Value> {
    match serde_json::to_value(v).expect("serializes") {
        Value::Object(m) => m,
        _ => unreachable!("a struct serializes to an object"),
    }
}

fn text(m: &Map<String, Value>) -> String {
    Value::Object(m.clone()).to_string()
}

#[test]
fn field_elements_at_or_above_the_modulus_are_refused_not_reduced() {
    let p = tiny(CommitmentScheme::Poseidon);
    let c = &p.record.commitment;
    let aliases = [
        add_decimal(c, MODULUS),
        MODULUS.to_string(),
        add_decimal(MODULUS, "1"),
        "1".repeat(78),
        "9".repeat(100),
        format!("0{c}"),
        format!("+{c}"),
        format!("-{c}"),
        format!(" {c}"),
        format!("{c}.0"),
        String::new(),
    ];
    for alias in aliases {
        let mut bundle = p.bundle.clone();
        bundle.commitment = alias.clone();
        let e = verify(&p.vk, &p.record, &bundle).expect_err(&alias);
        assert!(e.is_malformed(), "bundle commitment {alias}: {e}");
        let mut record = p.record.clone();
        record.commitment = alias.clone();
        let e = verify(&p.vk, &record, &p.bundle).expect_err(&alias);
        assert!(e.is_malformed(), "record commitment {alias}: {e}");
    }
}

#[test]
fn public_integers_beyond_i64_are_refused() {
    let p = tiny(CommitmentScheme::Lego);
    let record = serde_json::to_vec(&p.record).expect("record");
    for field in ["input", "output"] {
        for v in ["9223372036854775808", "-9223372036854775809", "18446744073709551616", MODULUS, "1.5", "1e3", "\"1\""]
        {
            let m = object(&p.bundle);
            let original = m[field][0].to_string();
            let bundle = text(&m).replacen(&format!("\"{field}\":[{original}"), &format!("\"{field}\":[{v}"), 1);
            let e = verify_bytes(&p.vk, &record, bundle.as_bytes()).expect_err(v);
            assert!(e.is_malformed(), "{field}[0] = {v}: {e}");
        }
        // In range for the format, outside any honest value: the pairing refuses.
        for v in [i64::MIN, i64::MAX] {
            let mut b = p.bundle.clone();
            if field == "input" {
                b.input[0] = v
            } else {
                b.output[0] = v;
                b.output_float[0] = v as f64 * 2f64.powi(-b.output_scale)
            }
            let e = verify(&p.vk, &p.record, &b).expect_err("extreme value");
            assert!(
                matches!(e, VerifyError::PairingCheckFailed | VerifyError::OutputFloatMismatch),
                "{field}[0] = {v}: {e}"
            );
        }
    }
}

#[test]
fn duplicated_missing_or_unknown_fields_are_refused() {
    for scheme in SCHEMES {
        let p = tiny(scheme);
        let (record, bundle) = (object(&p.record), object(&p.bundle));
        let check = |what: &str, record: &str, bundle: &str, malformed: bool| {
            let e = verify_bytes(&p.vk, record.as_bytes(), bundle.as_bytes()).expect_err(what);
            assert!(!malformed || e.is_malformed(), "{scheme:?}: {what}: {e}");
        };
        assert!(verify_bytes(&p.vk, text(&record).as_bytes(), text(&bundle).as_bytes()).is_ok());
        for (name, doc) in [("record", &record), ("bundle", &bundle)] {
            let other = if name == "record" { text(&bundle) } else { text(&record) };
            let pair = |t: String| if name == "record" { (t, other.clone()) } else { (other.clone(), t) };
            for (key, value) in doc {
                // A repeated field, first with its own value, then with another.
                for dup in [value.to_string(), "0".into()] {
                    let t = format!("{{\"{key}\":{dup},{}", &text(doc)[1..]);
                    let (r, b) = pair(t);
                    check(&format!("{name}.{key} repeated"), &r, &b, true);
                }
                let mut m = doc.clone();
                m.remove(key);
                let (r, b) = pair(text(&m));
                // The halo2 backend's value: Groth16 proofs do not open it (version 2
                // records lack it).
                if key == "commitment_pallas" {
                    assert!(verify_bytes(&p.vk, r.as_bytes(), b.as_bytes()).is_ok(), "{scheme:?}: {key} missing");
                    continue;
                }
                // Optional (Lego-only) fields: missing, they no longer match the other file.
                let optional = matches!(key.as_str(), "commitment_point" | "vk_digest");
                check(&format!("{name}.{key} missing"), &r, &b, !optional);
            }
            let mut m = doc.clone();
            m.insert("weights".into(), Value::from(1));
            let (r, b) = pair(text(&m));
            check(&format!("{name} with an unknown field"), &r, &b, true);
        }
    }
}

#[test]
fn only_the_record_versions_read_are_accepted() {
    for scheme in SCHEMES {
        let p = tiny(scheme);
        for (version, read) in [(0, false), (1, false), (2, true), (3, true), (4, false), (u32::MAX, false)] {
            let mut record = p.record.clone();
            record.format_version = version;
            let got = verify(&p.vk, &record, &p.bundle);
            if read {
                assert!(got.is_ok(), "{scheme:?}: version {version}: {got:?}");
            } else {
                let e = got.expect_err("an unread version");
                assert!(matches!(e, VerifyError::Version { .. }) && e.is_malformed(), "{scheme:?}: {version}: {e}");
            }
        }
    }
}

#[test]
fn deep_nesting_and_absurd_claims_are_refused_without_allocating() {
    let p = tiny(CommitmentScheme::Lego);
    let record = serde_json::to_vec(&p.record).expect("record");
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let bundle = text(&object(&p.bundle)).replacen("\"input\":[", &format!("\"input\":[{deep},"), 1);
    assert!(verify_bytes(&p.vk, &record, bundle.as_bytes()).expect_err("deep").is_malformed());
    assert!(verify_bytes(&p.vk, deep.as_bytes(), bundle.as_bytes()).expect_err("deep").is_malformed());
    assert!(parse_input(&format!("{{\"input\": {deep}}}")).is_err());
    assert!(parse_samples(&format!("{{\"input_data\": {deep}}}"), 6).is_err());

    let mut b = p.bundle.clone();
    b.inferences = u32::MAX;
    assert_eq!(verify(&p.vk, &p.record, &b), Err(VerifyError::InferenceCount { key: 1, bundle: u32::MAX }));
    let mut b = p.bundle.clone();
    b.input.clear();
    assert!(matches!(verify(&p.vk, &p.record, &b), Err(VerifyError::PublicInputCount { .. })));
}

#[test]
fn every_truncation_of_a_bundle_or_record_is_malformed() {
    for scheme in SCHEMES {
        let p = tiny(scheme);
        let (record, bundle) = (serde_json::to_vec(&p.record).unwrap(), serde_json::to_vec(&p.bundle).unwrap());
        for len in 0..bundle.len() {
            let e = verify_bytes(&p.vk, &record, &bundle[..len]).expect_err("truncated bundle");
            assert!(e.is_malformed(), "{scheme:?}: bundle truncated to {len}: {e}");
        }
        for len in 0..record.len() {
            let e = verify_bytes(&p.vk, &record[..len], &bundle).expect_err("truncated record");
            assert!(e.is_malformed(), "{scheme:?}: record truncated to {len}: {e}");
        }
        // The proof itself, cut to every shorter length (and padded by one byte).
        let proof = zkseal_verifier::unhex(&p.bundle.proof).unwrap();
        for len in (0..proof.len()).chain([proof.len() + 1]) {
            let mut cut = proof.clone();
            cut.resize(len, 0);
            let mut b = p.bundle.clone();
            b.proof = zkseal_core::format::hex(&cut);
            assert!(verify(&p.vk, &p.record, &b).expect_err("cut proof").is_malformed(), "proof of {len} bytes");
        }
    }
}

#[test]
fn salt_file_errors_never_echo_the_salt() {
    let secret = "5ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2";
    for body in [
        format!("{{\"version\": \"{secret}\", \"model_id\": \"x\", \"salt\": \"{secret}\"}}"),
        format!("{{\"version\": 1, \"model_id\": \"{secret}\", \"salt\": [\"{secret}\"]}}"),
        format!("{{\"version\": 1, \"salt\": \"{secret}\", \"salt\": \"{secret}\", \"model_id\": \"x\"}}"),
        format!("{{\"version\": 1, \"model_id\": \"x\", \"salt\": \"{secret}\", \"{secret}\": 1}}"),
        format!("{{\"version\": 1, \"model_id\": \"x\", \"salt\": \"{secret}"),
        secret.to_string(),
    ] {
        let e = SaltFile::parse(&body).err().expect("refused");
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains("5ec2e7"), "the error shows the salt: {shown}");
    }
}
