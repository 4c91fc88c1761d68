//! `proof-bundle.md`: the bundle example §5 and its proof bytes §2, the verification
//! procedure's cross references §6, the `infer --json` example §7.2, the input-file table
//! §7.3.

use ark_serialize::CanonicalDeserialize;
use serde_json::Value;
use zkseal_core::format::hex;
use zkseal_core::input::{parse_input, parse_jsonl};
use zkseal_core::quant::eval::{dequantize, evaluate, quantize_input};
use zkseal_tests::{data, digits_model};
use zkseal_verifier::{CommitmentScheme, ProofBundle, BUNDLE_VERSION, PROOF_BYTES};

use crate::extract::{code_blocks, doc, float, hexv, table, unquote};
use crate::golden;

/// The first line of `tests/data/digits/test.jsonl`, as `infer` and `prove` read it.
fn first_test_input() -> Vec<f64> {
    let text = std::fs::read_to_string(data("digits/test.jsonl")).unwrap();
    let (line, values) = parse_jsonl(&text).next().expect("a first line");
    assert_eq!(line, 1);
    values.unwrap()
}

fn bytes_of_hex(h: &str) -> Vec<u8> {
    assert_eq!(h.len() % 2, 0);
    (0..h.len()).step_by(2).map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap()).collect()
}
#[test]
fn bundle_example() {
    let d = doc("proof-bundle.md");
    let s = d.section("5.");
    let block = code_blocks(&s, "json").into_iter().next().expect("§5's example");
    let b: ProofBundle = serde_json::from_str(&block).unwrap();
    let (_, m) = digits_model("torch_mlp");
    assert_eq!(b.version, BUNDLE_VERSION);
    assert_eq!(b.scheme, CommitmentScheme::Poseidon.name());
    assert_eq!(b.model_id, hex(&m.model_id()));
    assert_eq!(b.architecture_digest, hex(&m.architecture_digest()));
    assert_eq!(b.commitment, golden("torch_mlp", "commitment_salt_5a"), "the record of commitment.md §5");
    assert_eq!(b.inferences, 1);
    let q = quantize_input(&m.arch, &first_test_input()).unwrap();
    assert_eq!(b.input, q);
    assert_eq!(b.input_scale, m.arch.input.scale);
    let y = evaluate(&m.arch, &m.weights, &q).unwrap();
    assert_eq!(b.output, y.output());
    assert_eq!(b.output_scale, m.arch.output().scale);
    assert_eq!(b.output_float, dequantize(m.arch.output(), y.output()));
    let proof = bytes_of_hex(&b.proof);
    assert_eq!(proof.len(), PROOF_BYTES);
    ark_groth16::Proof::<ark_bn254::Bn254>::deserialize_compressed(&proof[..]).expect("a valid proof encoding");

    // §2 describes this proof's first byte flags.
    let p2 = d.section("2.");
    let last = u8::from_str_radix(&hexv(&p2, "`A` is bytes `0..32` and ends in"), 16).unwrap();
    assert_eq!(last, proof[31]);
    assert!(p2.contains(if last & 0x80 == 0 { "the smaller root" } else { "the larger root" }));
    assert_eq!(last & 0x40, 0, "A is not the identity");
}

#[test]
fn cross_references_of_the_verification_procedure() {
    let s = doc("proof-bundle.md").section("6.");
    let steps = table(&s, "#");
    assert_eq!(steps.iter().map(|r| r[0].parse::<usize>().unwrap()).collect::<Vec<_>>(), (1..=25).collect::<Vec<_>>());
    let step = |n: usize| steps[n - 1][1].clone();
    assert!(step(10).contains("record.architecture_digest"), "step 10 ties the record's digest to the key's");
    assert!(step(20).contains("step 10 tied the record's to the key's"));
    assert!(step(15).contains("parsed once in step 6") && step(6).contains("commitment_point"));
    assert!(step(24).contains("output_float"));
    assert!(s.contains("steps 12–16 before 17–25"));
}

#[test]
fn infer_json_example() {
    let d = doc("proof-bundle.md");
    let s = d.section("7.2");
    let block = code_blocks(&s, "json").into_iter().next().expect("§7.2's example");
    let line = block.trim();
    assert_eq!(line.lines().count(), 1);
    let v: Value = serde_json::from_str(line).unwrap();
    let obj = v.as_object().unwrap();
    let keys: Vec<&String> = obj.keys().collect();
    assert_eq!(keys, ["argmax", "output", "output_int", "output_scale"], "alphabetical, as listed in the table");
    assert_eq!(serde_json::to_string(&v).unwrap(), line, "compact, as serde_json writes it");
    let listed: Vec<String> = table(&s, "Key").iter().map(|r| unquote(&r[0]).to_string()).collect();
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(listed, sorted);
    assert_eq!(listed, ["argmax", "class", "label", "line", "output", "output_int", "output_scale", "probability"]);

    let (_, m) = digits_model("torch_mlp");
    let y = evaluate(&m.arch, &m.weights, &quantize_input(&m.arch, &first_test_input()).unwrap()).unwrap();
    let ints: Vec<i64> = obj["output_int"].as_array().unwrap().iter().map(|x| x.as_i64().unwrap()).collect();
    assert_eq!(ints, y.output());
    let floats: Vec<f64> = obj["output"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
    assert_eq!(floats, dequantize(m.arch.output(), y.output()));
    assert_eq!(obj["output_scale"], m.arch.output().scale);
    let best = zkseal_core::quant::quantize::argmax(y.output());
    assert_eq!(obj["argmax"], best);

    // The labelled variant.
    let (_, sk) = digits_model("sklearn_mlp");
    let labels: Vec<String> = (0..10).map(|i| i.to_string()).collect();
    assert_eq!(sk.meta.class_labels, labels);
    assert!(s.contains("whose labels\nare `\"0\"` … `\"9\"`") || s.contains("whose labels are `\"0\"` … `\"9\"`"));
    let y = evaluate(&sk.arch, &sk.weights, &quantize_input(&sk.arch, &first_test_input()).unwrap()).unwrap();
    let best = zkseal_core::quant::quantize::argmax(y.output());
    assert!(s.contains(&format!("`\"label\":\"{}\"`", sk.meta.class_labels[best])));
}

#[test]
fn input_file_table() {
    let s = doc("proof-bundle.md").section("7.3");
    let rows = table(&s, "Text");
    assert!(rows.len() >= 10, "§7.3's examples");
    for row in rows {
        let text = unquote(&row[0]);
        let got = parse_input(text);
        match row[1].strip_prefix("refused: ") {
            Some(msg) => {
                let err = got.expect_err(text).to_string();
                let msg = unquote(msg);
                let prefix = msg.split('…').next().unwrap();
                assert!(err.starts_with(prefix), "{text}: {err:?} does not start with {prefix:?}");
                if !msg.contains('…') {
                    assert_eq!(err, msg, "{text}");
                }
            }
            None => {
                let expected: Vec<f64> = unquote(&row[1]).split(", ").map(float).collect();
                assert_eq!(got.unwrap_or_else(|e| panic!("{text}: {e}")), expected, "{text}");
            }
        }
    }
    // The rule the section states, on the bundled file that motivated it.
    assert!(s.contains("**Only two keys are read: `input` and `input_data`.**"));
    let line = std::fs::read_to_string(data("digits/test.jsonl")).unwrap().lines().next().unwrap().to_string();
    let v: Value = serde_json::from_str(&line).unwrap();
    assert!(v.get("label").is_some(), "test.jsonl carries a label");
    assert_eq!(parse_input(&line).unwrap(), first_test_input());
}
