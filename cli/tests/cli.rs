//! The `zkseal` binary end to end: the flow on a bundled model, exit codes, and
//! hostile inputs (clean one-line errors, no output file left behind).

mod common;

use std::path::{Path, PathBuf};

use common::{data, ok, p, zkseal};
use serde_json::Value;

/// Runs a command that must fail: exit code 1, one line on stderr, returned.
fn fails(args: &[&str]) -> String {
    let out = zkseal(args);
    assert_eq!(out.status.code(), Some(1), "{args:?} should fail");
    let err = String::from_utf8(out.stderr).expect("utf8");
    assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: not one line: {err}");
    assert!(err.starts_with("error: "), "{err}");
    err
}

fn import(dir: &Path, model: &str) -> PathBuf {
    let out = dir.join(format!("{model}.zkq"));
    let onnx = data(&format!("models/{model}.onnx"));
    let cal = data("digits/calibration.jsonl");
    ok(&["import", p(&onnx), "-o", p(&out), "--calibration", p(&cal)]);
    out
}

#[test]
fn import_inspect_infer_on_a_bundled_model() {
    let dir = tempfile::tempdir().unwrap();
    let zkq = import(dir.path(), "sklearn_mlp");
    let info: Value = serde_json::from_str(&ok(&["inspect", p(&zkq), "--json"])).unwrap();
    assert_eq!(info["parameters"], 64 * 32 + 32 + 32 * 10 + 10);
    assert_eq!(info["model_id"].as_str().unwrap().len(), 64);
    assert!(info["source"]["stripped_head"].as_array().unwrap().iter().any(|h| h == "Softmax"));
    let text = ok(&["inspect", p(&zkq)]);
    assert!(text.contains("stripped head") && text.contains("dense"), "{text}");

    let input = dir.path().join("x.json");
    let sample = std::fs::read_to_string(data("digits/test.jsonl")).unwrap().lines().next().unwrap().to_string();
    std::fs::write(&input, &sample).unwrap();
    let r: Value = serde_json::from_str(&ok(&["infer", p(&zkq), "--input", p(&input), "--json"])).unwrap();
    let ints: Vec<i64> = r["output_int"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
    let floats: Vec<f64> = r["output"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    assert_eq!(ints.len(), 10);
    let scale = r["output_scale"].as_i64().unwrap() as i32;
    for (i, f) in ints.iter().zip(&floats) {
        assert_eq!(*i as f64 / 2f64.powi(scale), *f);
    }
    assert_eq!(r["label"], r["argmax"].to_string());
    // EZKL's input format gives the same result.
    let values: Value = serde_json::from_str(&sample).unwrap();
    std::fs::write(&input, serde_json::json!({ "input_data": [values["input"]] }).to_string()).unwrap();
    let r2: Value = serde_json::from_str(&ok(&["infer", p(&zkq), "--input", p(&input), "--json"])).unwrap();
    assert_eq!(r["output_int"], r2["output_int"]);
}

#[test]
fn batch_infer_writes_one_line_per_sample() {
    let dir = tempfile::tempdir().unwrap();
    let zkq = import(dir.path(), "torch_cnn");
    let test = data("digits/test.jsonl");
    let out = ok(&["infer", p(&zkq), "--batch", p(&test), "--json"]);
    let lines: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 300);
    assert_eq!(lines[299]["line"], 300);
    assert!(lines.iter().all(|l| l["output_int"].as_array().unwrap().len() == 10));
}

#[test]
fn import_is_deterministic_and_arch_file_matches() {
    let dir = tempfile::tempdir().unwrap();
    let a = import(dir.path(), "torch_mlp");
    let b = dir.path().join("again.zkq");
    let onnx = data("models/torch_mlp.onnx");
    let cal = data("digits/calibration.jsonl");
    ok(&["import", p(&onnx), "-o", p(&b), "--calibration", p(&cal)]);
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let zka = dir.path().join("m.zka");
    ok(&["arch", p(&a), "-o", p(&zka)]);
    let full: Value = serde_json::from_str(&ok(&["inspect", p(&a), "--json"])).unwrap();
    let arch: Value = serde_json::from_str(&ok(&["inspect", p(&zka), "--json"])).unwrap();
    assert_eq!(full["architecture_digest"], arch["architecture_digest"]);
    assert!(arch.get("model_id").is_none());
}

#[test]
fn hostile_onnx_fails_cleanly_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.zkq");
    let junk = dir.path().join("junk.onnx");
    std::fs::write(&junk, b"\x08\x07\x12\xff\xff\xff\xff\x0fnot an onnx file").unwrap();
    let err = fails(&["import", p(&junk), "-o", p(&out)]);
    assert!(err.contains("junk.onnx"), "{err}");
    let bad = data("ops/bad_unsupported_op.onnx");
    let err = fails(&["import", p(&bad), "-o", p(&out)]);
    assert!(err.contains("Tanh") && err.contains("bad_unsupported_op.onnx"), "{err}");
    let err = fails(&["import", p(&dir.path().join("missing.onnx")), "-o", p(&out)]);
    assert!(err.contains("missing.onnx"), "{err}");
    assert!(!out.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary files left");
}

#[test]
fn bad_inputs_and_model_files_fail_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let zkq = import(dir.path(), "torch_mlp");
    let input = dir.path().join("x.json");
    let mut big = vec!["0"; 64];
    big[5] = "1e300";
    let big = format!("{{\"input\": [{}]}}", big.join(","));
    for (body, needle) in [
        (r#"{"input": [1, 2, 3]}"#, "wrong input length"),
        (r#"{"input": ["NaN"]}"#, "must be numbers"),
        (big.as_str(), "outside the model's input range"),
        (r#"{"input": [1e999]}"#, "invalid JSON"),
        (r#"{"input_data": [[0.5], [0.5]]}"#, "2 tensors"),
        ("not json", "expected an object"),
    ] {
        std::fs::write(&input, body).unwrap();
        let err = fails(&["infer", p(&zkq), "--input", p(&input)]);
        assert!(err.contains(needle), "{err}");
    }
    let bytes = std::fs::read(&zkq).unwrap();
    let cut = dir.path().join("cut.zkq");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let err = fails(&["inspect", p(&cut)]);
    assert!(err.contains("cut.zkq") && err.contains("truncated"), "{err}");
    let err = fails(&["infer", p(&data("models/torch_mlp.onnx")), "--input", p(&input)]);
    assert!(err.contains("bad magic"), "{err}");
}
