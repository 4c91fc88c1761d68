//! What a client reads from `zkseal verify`: the proven values dequantized, the argmax
//! and label, the head's probabilities (labelled not proven), `--input` (the proof
//! answers this exact query), the record's `labels` and `head`; and the messages for
//! files given in the wrong place (a record and a bundle swapped, a key for a bundle, a
//! proofs file without --batch, a halo2 key to `export`).

mod common;

use std::path::PathBuf;

use common::{code, data, ok, p, zkseal};
use serde_json::{json, Value};

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Self {
        Dir(tempfile::tempdir().unwrap())
    }

    fn path(&self, f: &str) -> PathBuf {
        self.0.path().join(f)
    }

    fn write(&self, f: &str, text: &str) -> PathBuf {
        let path = self.path(f);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn json(&self, f: &str) -> Value {
        serde_json::from_str(&std::fs::read_to_string(self.path(f)).unwrap()).unwrap()
    }

    /// Imports `model` (calibrated on the digits) as `{tag}.zkq`, makes keys (`{tag}.keys/`,
    /// with more `setup` arguments) and commits (`{tag}.json`, salt `{tag}.salt`).
    fn commit(&self, model: &str, tag: &str, setup: &[&str]) {
        self.commit_on(model, "digits", tag, setup);
    }

    /// As `commit`, calibrated on `data/{set}/calibration.jsonl`.
    fn commit_on(&self, model: &str, set: &str, tag: &str, setup: &[&str]) {
        self.import_and_commit(model, set, tag, &[], setup);
    }

    /// As `commit_on`, with more `import` arguments.
    fn import_and_commit(&self, model: &str, set: &str, tag: &str, import: &[&str], setup: &[&str]) {
        let (zkq, keys) = (self.path(&format!("{tag}.zkq")), self.path(&format!("{tag}.keys")));
        let onnx = data(&format!("models/{model}.onnx"));
        let calibration = data(&format!("{set}/calibration.jsonl"));
        ok(&[&["import", p(&onnx), "-o", p(&zkq), "--calibration", p(&calibration)], import].concat());
        ok(&[&["setup", p(&zkq), "-o", p(&keys)], setup].concat());
        let (record, salt) = (self.path(&format!("{tag}.json")), self.path(&format!("{tag}.salt")));
        ok(&["commit", p(&zkq), "--pk", p(&keys.join("proving.key")), "-o", p(&record), "--salt", p(&salt)]);
    }

    /// Proves `input` (a file in this directory) with `tag`'s keys into `out`.
    fn prove(&self, tag: &str, input: &str, out: &str, extra: &[&str]) {
        let (zkq, pk) = (self.path(&format!("{tag}.zkq")), self.path(&format!("{tag}.keys/proving.key")));
        let (salt, record) = (self.path(&format!("{tag}.salt")), self.path(&format!("{tag}.json")));
        let (input, out) = (self.path(input), self.path(out));
        let args = ["prove", p(&zkq), "--pk", p(&pk), "--salt", p(&salt), "--input", p(&input), "-o", p(&out)];
        ok(&[&args[..], &["--commitment", p(&record)], extra].concat());
    }

    /// `verify` of `proof` against `tag`'s key and record, with more arguments: exit code,
    /// stdout and stderr.
    fn verify(&self, tag: &str, proof: &str, extra: &[&str]) -> (i32, String, String) {
        let (vk, record) = (self.path(&format!("{tag}.keys/verifying.key")), self.path(&format!("{tag}.json")));
        let out =
            zkseal(&[&["verify", "--vk", p(&vk), "--commitment", p(&record), p(&self.path(proof))], extra].concat());
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        (out.status.code().unwrap(), text(&out.stdout), text(&out.stderr))
    }
}

/// Line `n` (0-based) of the digits test set: `{"input": [64 floats], "label": L}`.
fn digit(n: usize) -> String {
    std::fs::read_to_string(data("digits/test.jsonl")).unwrap().lines().nth(n).unwrap().to_string()
}

#[test]
fn one_output_models_show_their_value_and_a_sigmoid_head_its_probability() {
    let d = Dir::new();
    let row = std::fs::read_to_string(data("tabular/test.jsonl")).unwrap().lines().next().unwrap().to_string();
    d.write("in.json", &row);
    d.commit_on("tabular_binary", "tabular", "b", &[]);
    assert_eq!(d.json("b.json")["head"], "Sigmoid");
    assert!(d.json("b.json").get("labels").is_none());
    d.prove("b", "in.json", "proof.json", &[]);
    let (c, out, err) = d.verify("b", "proof.json", &["--input", p(&d.path("in.json"))]);
    assert_eq!((c, err.as_str()), (0, ""));
    let logit = d.json("proof.json")["output_float"][0].as_f64().unwrap();
    let sigmoid = 1.0 / (1.0 + (-logit).exp());
    assert!(out.contains(&format!("\nvalue: {logit}\n")), "{out}");
    let line =
        format!("probability: {sigmoid:.4} (sigmoid of the output; computed here from the proven outputs, not proven)");
    assert!(out.contains(&line), "{out}");
    assert!(!out.contains("argmax"), "{out}");
    // The decision is the logit's sign, as `infer` and `evaluate` make it.
    let class = usize::from(logit > 0.0);
    assert!(out.contains(&format!("\nclass: {class} (the logit's sign)\n")), "{out}");
    let (_, out, _) = d.verify("b", "proof.json", &["--json"]);
    let r = &serde_json::from_str::<Value>(&out).unwrap()["result"];
    assert_eq!(r["value"], json!([logit]));
    assert_eq!(r["class"], json!([class]));
    assert_eq!(r["probability"], json!({ "function": "sigmoid", "values": [sigmoid], "proven": false }));
    assert!(r.get("argmax").is_none() && r.get("label").is_none());

    // Named classes, and a declared input range: a query far outside it is clipped, proven
    // and verified; one beyond even the input format is refused by name.
    d.import_and_commit("tabular_binary", "tabular", "n", &["--labels", "stay,churn", "--input-range", "-8:8"], &[]);
    assert_eq!(d.json("n.json")["labels"], json!(["stay", "churn"]));
    d.write("far.json", r#"{"input": [0.05, 0.45, -0.15, 1.0, -0.68, 40]}"#);
    d.prove("n", "far.json", "far_proof.json", &[]);
    let (c, out, err) = d.verify("n", "far_proof.json", &["--input", p(&d.path("far.json"))]);
    assert_eq!((c, err.as_str()), (0, ""), "{out}");
    // The proven input is the query as given; the clip to 8 is a layer of the proven model.
    assert!(out.contains(",1.0,") && out.contains(",40.0]\n"), "{out}");
    let logit = d.json("far_proof.json")["output_float"][0].as_f64().unwrap();
    d.write("edge.json", r#"{"input": [0.05, 0.45, -0.15, 1.0, -0.68, 8]}"#);
    let edge: Value =
        serde_json::from_str(&ok(&["infer", p(&d.path("n.zkq")), "--input", p(&d.path("edge.json")), "--json"]))
            .unwrap();
    assert_eq!(edge["output"], json!([logit]), "40 is answered as 8 is");
    let (class, label) = if logit > 0.0 { (1, "churn") } else { (0, "stay") };
    assert!(out.contains(&format!("\nclass: {class} (label \"{label}\") (the logit's sign)\n")), "{out}");
    d.write("absurd.json", r#"{"input": [0, 0, 0, 0, 0, 5000]}"#);
    let (zkq, pk, salt) = (d.path("n.zkq"), d.path("n.keys/proving.key"), d.path("n.salt"));
    let (absurd, out) = (d.path("absurd.json"), d.path("x.json"));
    let (c, err) = code(&["prove", p(&zkq), "--pk", p(&pk), "--salt", p(&salt), "--input", p(&absurd), "-o", p(&out)]);
    assert!(c == 1 && err.contains("5000"), "{err}");

    // A regression: a value, and nothing to turn into a probability.
    d.commit_on("tabular_regression", "tabular", "r", &[]);
    assert!(d.json("r.json").get("head").is_none());
    d.prove("r", "in.json", "proof.json", &[]);
    let (c, out, _) = d.verify("r", "proof.json", &[]);
    assert!(c == 0 && out.contains("\nvalue: ") && !out.contains("probability"), "{out}");
}

#[test]
fn verify_says_what_was_proven_and_checks_the_clients_input() {
    let d = Dir::new();
    d.commit("sklearn_mlp", "m", &[]);
    // The record carries the model file's labels and the head's probability op.
    let record = d.json("m.json");
    assert_eq!(record["labels"], json!(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]));
    assert_eq!(record["head"], "Softmax", "the first of Softmax, ArgMax, ZipMap, … that makes probabilities");
    assert_eq!(record["format_version"], 3);

    d.write("in.json", &digit(0));
    d.prove("m", "in.json", "proof.json", &[]);
    let bundle = d.json("proof.json");

    // Text: the two lines of before, then what a client reads.
    let (c, out, err) = d.verify("m", "proof.json", &[]);
    assert_eq!((c, err.as_str()), (0, ""));
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("valid: [") && lines[1].starts_with("opened: commitment_point "), "{out}");
    let input: Vec<f64> = serde_json::from_value(json!(digit(0).parse::<Value>().unwrap()["input"])).unwrap();
    assert_eq!(lines[2], format!("input: {}", json!(input)), "the proven input, dequantized: the digit itself");
    assert_eq!(lines[3], "argmax: 2 (label \"2\")");
    assert!(lines[4].starts_with("probability: 0.") && lines[4].contains("softmax of the outputs"), "{out}");
    assert!(lines[4].ends_with("not proven)"), "{out}");

    // JSON: the fields of before, and the client's.
    let (c, out, _) = d.verify("m", "proof.json", &["--json"]);
    assert_eq!(c, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    let r = &v["result"];
    for key in ["backend", "inferences", "model_id", "opened", "output", "output_int"] {
        assert!(r.get(key).is_some(), "{key} is still there: {r}");
    }
    assert_eq!(r["output_int"], bundle["output"]);
    assert_eq!(r["input_int"], bundle["input"]);
    assert_eq!(r["input"], json!(input));
    assert_eq!(r["input_scale"], bundle["input_scale"]);
    assert_eq!((&r["argmax"], &r["label"]), (&json!([2]), &json!(["2"])));
    assert_eq!(r["probability"]["function"], "softmax");
    assert_eq!(r["probability"]["proven"], false);
    let probability: Vec<f64> = serde_json::from_value(r["probability"]["values"].clone()).unwrap();
    assert_eq!(probability.len(), 10);
    assert!((probability.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    assert!(probability.iter().enumerate().all(|(i, &q)| q <= probability[2] || i == 2));
    assert_eq!(r["input_checked"], false);
    assert!(r.get("value").is_none(), "ten outputs: argmax, not value");

    // --input: the proof answers exactly this query; EZKL's layout is read too.
    let (c, out, _) = d.verify("m", "proof.json", &["--input", p(&d.path("in.json"))]);
    assert_eq!(c, 0);
    assert!(out.contains("input check: ") && out.contains("is the proven input (64 values)"), "{out}");
    d.write("ezkl.json", &json!({ "input_data": [input] }).to_string());
    let (c, out, _) = d.verify("m", "proof.json", &["--input", p(&d.path("ezkl.json")), "--json"]);
    assert_eq!(c, 0, "{out}");
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap()["result"]["input_checked"], true);

    // Another input: exit 1, naming the first value that differs and both integers.
    d.write("other.json", &digit(1));
    let (c, _, err) = d.verify("m", "proof.json", &["--input", p(&d.path("other.json"))]);
    assert_eq!(c, 1, "{err}");
    assert!(err.starts_with("invalid: the proof answers another input: "), "{err}");
    assert!(
        err.contains("other.json value 2 is 0.125, which quantizes to 2048 (⌊v·2^14 + ½⌋), the proof's input is 7168")
    );
    // Half a quantum below a value still rounds to it; a whole one does not.
    let mut nudged = input.clone();
    nudged[2] -= 0.5 / 16384.0;
    d.write("nudged.json", &json!({ "input": nudged }).to_string());
    assert_eq!(d.verify("m", "proof.json", &["--input", p(&d.path("nudged.json"))]).0, 0, "rounds half up");
    nudged[2] -= 0.5 / 16384.0;
    d.write("nudged.json", &json!({ "input": nudged }).to_string());
    let (c, _, err) = d.verify("m", "proof.json", &["--input", p(&d.path("nudged.json"))]);
    assert!(c == 1 && err.contains("value 2 is 0.4374389648437") && err.contains("quantizes to 7167"), "{err}");
    // The wrong count: exit 1, with the counts.
    d.write("short.json", &json!({ "input": &input[..10] }).to_string());
    let (c, out, _) = d.verify("m", "proof.json", &["--input", p(&d.path("short.json")), "--json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!((c, &v["status"], v.get("result")), (1, &json!("invalid"), None));
    assert!(v["reason"].as_str().unwrap().contains("has 10 values, the proof's input 64"), "{v}");
    // An input file that is not one, or is missing: exit 2.
    d.write("junk.json", "{\"input\": [1, \"x\"]}");
    let (c, _, err) = d.verify("m", "proof.json", &["--input", p(&d.path("junk.json"))]);
    assert!(c == 2 && err.starts_with("malformed: ") && err.contains("junk.json"), "{err}");
    let (c, _, err) = d.verify("m", "proof.json", &["--input", p(&d.path("none.json"))]);
    assert!(c == 2 && err.starts_with("unreadable: "), "{err}");
    // --input is for one proof.
    let (vk, rec) = (d.path("m.keys/verifying.key"), d.path("m.json"));
    let (one, input) = (d.path("proof.json"), d.path("in.json"));
    let batch = ["verify", "--vk", p(&vk), "--commitment", p(&rec), "--batch", p(&one), "--input", p(&input)];
    assert_eq!(code(&batch).0, 2, "a usage error");

    // --batch --json: each valid line carries the outputs, argmax and label.
    let proofs = format!("{}\n{}\n", json!({ "line": 1, "bundle": bundle }), json!({ "line": 2, "error": "x" }));
    let proofs = d.write("proofs.jsonl", &proofs);
    let args = ["verify", "--vk", p(&vk), "--commitment", p(&rec), "--batch", p(&proofs), "--json"];
    let out = zkseal(&args);
    assert_eq!(out.status.code(), Some(2), "the error line is malformed");
    let lines: Vec<Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines[0]["valid"], true);
    assert_eq!((&lines[0]["output_int"], &lines[0]["output"]), (&bundle["output"], &bundle["output_float"]));
    assert_eq!((&lines[0]["argmax"], &lines[0]["label"]), (&json!([2]), &json!(["2"])));
    assert_eq!(lines[0]["probability"]["proven"], false);
    assert_eq!(lines[1]["valid"], false);
    assert!(lines[1].get("output").is_none());
}

#[test]
fn several_inferences_per_proof_and_the_input_check() {
    let d = Dir::new();
    d.commit("sklearn_mlp", "m", &["--inferences", "2"]);
    d.write("two.jsonl", &format!("{}\n{}\n", digit(0), digit(1)));
    d.prove("m", "two.jsonl", "proof.json", &[]);
    let (c, out, err) = d.verify("m", "proof.json", &["--input", p(&d.path("two.jsonl"))]);
    assert_eq!(c, 0, "{err}");
    assert!(out.contains("inference 0: argmax: 2 (label \"2\")"), "{out}");
    assert!(out.contains("inference 1: argmax: 0 (label \"0\")"), "{out}");
    assert!(out.contains("inference 1: probability: "), "{out}");
    let (_, out, _) = d.verify("m", "proof.json", &["--json"]);
    let r = &serde_json::from_str::<Value>(&out).unwrap()["result"];
    assert_eq!((&r["argmax"], &r["label"]), (&json!([2, 0]), &json!(["2", "0"])));
    assert_eq!(r["probability"]["values"].as_array().unwrap().len(), 20);
    // One object holding both inputs' values is the same query.
    let values = |n| digit(n).parse::<Value>().unwrap()["input"].as_array().unwrap().clone();
    let both: Vec<Value> = values(0).into_iter().chain(values(1)).collect();
    d.write("both.json", &json!({ "input": both }).to_string());
    assert_eq!(d.verify("m", "proof.json", &["--input", p(&d.path("both.json"))]).0, 0);
    // The inputs in the other order, or one of them only: another query.
    d.write("swapped.jsonl", &format!("{}\n{}\n", digit(1), digit(0)));
    let (c, _, err) = d.verify("m", "proof.json", &["--input", p(&d.path("swapped.jsonl"))]);
    assert!(c == 1 && err.contains("swapped.jsonl value 2 (inference 0, value 2) is 0.125"), "{err}");
    d.write("one.jsonl", &format!("{}\n", digit(0)));
    let (c, _, err) = d.verify("m", "proof.json", &["--input", p(&d.path("one.jsonl"))]);
    assert!(c == 1 && err.contains("has 64 values, the proof's input 128 (2 inference(s) of 64)"), "{err}");
}

#[test]
fn a_halo2_bundle_is_checked_against_the_input_too_and_old_records_stay_as_they_were() {
    let d = Dir::new();
    d.commit("torch_mlp", "h", &["--backend", "halo2"]);
    // No head and no labels (torch_mlp has neither): the record has the fields of before.
    let keys: Vec<String> = d.json("h.json").as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        keys,
        ["architecture_digest", "commitment", "commitment_pallas", "format_version", "model_id", "scheme"]
    );
    d.write("in.json", &digit(0));
    d.prove("h", "in.json", "proof.json", &["--backend", "halo2"]);
    let (c, out, err) = d.verify("h", "proof.json", &["--input", p(&d.path("in.json")), "--json"]);
    assert_eq!(c, 0, "{err}");
    let r = &serde_json::from_str::<Value>(&out).unwrap()["result"];
    assert_eq!((&r["backend"], &r["input_checked"]), (&json!("halo2-ipa-pasta"), &json!(true)));
    assert!(r.get("label").is_none() && r.get("probability").is_none(), "{r}");
    assert_eq!(r["argmax"].as_array().unwrap().len(), 1);
    d.write("other.json", &digit(1));
    let (c, _, err) = d.verify("h", "proof.json", &["--input", p(&d.path("other.json"))]);
    assert!(c == 1 && err.contains("other.json value 2 is 0.125"), "{err}");

    // A halo2 key cannot be exported to the EVM or snarkjs: said so, not "not a zkseal key".
    let vk = d.path("h.keys/verifying.key");
    let rec = d.path("h.json");
    let (c, err) = code(&["export", "solidity", "--vk", p(&vk), "--commitment", p(&rec), "-o", p(&d.path("V.sol"))]);
    assert_eq!(c, 1);
    assert!(err.contains("is a halo2 verifying key: halo2 proofs"), "{err}");
    assert!(err.contains("cannot be exported to the EVM") && err.contains("--backend groth16"), "{err}");
    let (c, err) = code(&[
        "export",
        "snarkjs",
        "--vk",
        p(&vk),
        "--commitment",
        p(&rec),
        p(&d.path("proof.json")),
        "-o",
        p(&d.path("s")),
    ]);
    assert!(c == 1 && err.contains("cannot be exported to snarkjs"), "{err}");
    assert!(!d.path("V.sol").exists() && !d.path("s").exists(), "nothing written");
}

#[test]
fn files_in_the_wrong_place_are_named() {
    let dir = data("proofs/lego");
    let (vk, rec, proof) = (dir.join("verifying.key"), dir.join("commitment.json"), dir.join("proof.json"));
    let d = Dir::new();
    let verify = |vk: &PathBuf, rec: &PathBuf, proof: &PathBuf, extra: &[&str]| {
        code(&[&["verify", "--vk", p(vk), "--commitment", p(rec), p(proof)], extra].concat())
    };
    let order = "the order is zkseal verify --vk VERIFYING_KEY --commitment RECORD BUNDLE";

    // The record and the bundle swapped.
    let (c, err) = verify(&vk, &proof, &rec, &[]);
    assert_eq!(c, 2, "malformed input keeps its exit code");
    assert!(err.starts_with("malformed: ") && err.contains("(--commitment) is a proof bundle and "), "{err}");
    assert!(err.contains("a commitment record: they are swapped") && err.contains(order), "{err}");
    let out = zkseal(&["verify", "--vk", p(&vk), "--commitment", p(&proof), p(&rec), "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((out.status.code(), &v["status"]), (Some(2), &json!("malformed")));
    assert!(v["reason"].as_str().unwrap().contains("they are swapped"), "{v}");
    // The key where the bundle goes, the record where the key goes, a proving key.
    let (c, err) = verify(&vk, &rec, &vk, &[]);
    assert!(c == 2 && err.contains("is a Groth16 verifying key, not a proof bundle") && err.contains(order), "{err}");
    let (c, err) = verify(&rec, &rec, &proof, &[]);
    assert!(c == 2 && err.contains("(--vk) is a commitment record, not a verifying key"), "{err}");
    let pk = d.write("proving.key", "ZKSEALPK and the rest");
    let (c, err) = verify(&pk, &rec, &proof, &[]);
    assert!(c == 2 && err.contains("is a Groth16 proving key; pass the verifying key"), "{err}");
    // The secret salt file as a record: named, never quoted.
    let salt = d.write("salt.json", r#"{"version": 1, "model_id": "ab", "salt": "5a5a5a5a"}"#);
    let (c, err) = verify(&vk, &salt, &proof, &[]);
    assert!(c == 2 && err.contains("is a salt file (secret") && !err.contains("5a5a"), "{err}");
    // A proofs file (what `prove --batch` writes) without --batch, and a bundle with it.
    let bundle: Value = serde_json::from_slice(&std::fs::read(&proof).unwrap()).unwrap();
    let line = json!({ "line": 1, "bundle": bundle }).to_string();
    let proofs = d.write("proofs.jsonl", &format!("{line}\n{line}\n"));
    let (c, err) = verify(&vk, &rec, &proofs, &[]);
    assert!(c == 2 && err.contains("holds proofs one per line") && err.contains("verify it with --batch"), "{err}");
    let one = d.write("one.jsonl", &format!("{line}\n"));
    let (c, err) = verify(&vk, &rec, &one, &[]);
    assert!(c == 2 && err.contains("verify it with --batch"), "a single `prove --batch` line too: {err}");
    let (c, err) = code(&["verify", "--vk", p(&vk), "--commitment", p(&rec), "--batch", p(&proof)]);
    assert!(c == 2 && err.contains("is a proof bundle, not proofs one per line; verify it without --batch"), "{err}");
    assert_eq!(code(&["verify", "--vk", p(&vk), "--commitment", p(&rec), "--batch", p(&proofs)]).0, 0);
    let (c, err) = code(&["verify", "--vk", p(&vk), "--commitment", p(&proof), "--batch", p(&proofs)]);
    assert!(c == 2 && err.contains("is a proof bundle, not a commitment record"), "{err}");
    // Not JSON at all is still a plain format error.
    let junk = d.write("junk.json", "{\"version\": 1,");
    let (c, err) = verify(&vk, &rec, &junk, &[]);
    assert!(c == 2 && err.contains("junk.json: malformed proof bundle: "), "{err}");
    // export: a bundle given as the record.
    let (c, err) = code(&["export", "solidity", "--vk", p(&vk), "--commitment", p(&proof), "-o", p(&d.path("V.sol"))]);
    assert!(c == 1 && err.contains("(--commitment) is a proof bundle, not a commitment record"), "{err}");
}
