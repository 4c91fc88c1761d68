//! `prove --batch` resumed over an input file that changed (real proofs): the proofs
//! file answers the input file as it is now, line by line. Also `infer --batch` over bad
//! lines, and `prove` with a salt file or record made before the model was re-imported.

mod common;

use std::path::{Path, PathBuf};

use common::{code, data, ok, p, zkseal};
use serde_json::Value;

struct Flow {
    dir: tempfile::TempDir,
}

impl Flow {
    fn new() -> Self {
        Flow { dir: tempfile::tempdir().unwrap() }
    }

    fn path(&self, f: &str) -> PathBuf {
        self.dir.path().join(f)
    }

    /// Imports `model` as `m.zkq` (calibrated on `calibration`), makes keys from its
    /// architecture alone (`keys/`), and commits (`m.salt`, `m.json`).
    fn commit(&self, model: &str, calibration: &str, setup_args: &[&str]) {
        let (zkq, zka, keys) = (self.path("m.zkq"), self.path("m.zka"), self.path("keys"));
        self.import(model, calibration);
        ok(&["arch", p(&zkq), "-o", p(&zka)]);
        ok(&[&["setup", p(&zka), "-o", p(&keys)], setup_args].concat());
        let (pk, record, salt) = (self.pk(), self.path("m.json"), self.path("m.salt"));
        ok(&["commit", p(&zkq), "--pk", p(&pk), "-o", p(&record), "--salt", p(&salt)]);
    }

    fn import(&self, model: &str, calibration: &str) {
        let (onnx, cal) = (data(&format!("models/{model}.onnx")), data(calibration));
        ok(&["import", p(&onnx), "-o", p(&self.path("m.zkq")), "--calibration", p(&cal)]);
    }

    fn pk(&self) -> PathBuf {
        self.path("keys/proving.key")
    }

    /// Writes `lines` as the input file and runs the batch: exit code, stdout, stderr.
    fn batch(&self, lines: &[&str], extra: &[&str]) -> (i32, String, String) {
        std::fs::write(self.path("in.jsonl"), lines.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
        let (zkq, pk, salt, inputs, proofs) =
            (self.path("m.zkq"), self.pk(), self.path("m.salt"), self.path("in.jsonl"), self.path("proofs.jsonl"));
        let args = ["prove", p(&zkq), "--pk", p(&pk), "--salt", p(&salt), "--batch", p(&inputs), "-o", p(&proofs)];
        let out = zkseal(&[&args[..], extra].concat());
        let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
        (out.status.code().unwrap(), text(out.stdout), text(out.stderr))
    }

    fn entries(&self) -> Vec<Value> {
        let text = std::fs::read_to_string(self.path("proofs.jsonl")).unwrap();
        text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    }

    /// The proofs file answers the input file as it is: one entry per group of `b`
    /// non-empty lines, naming them, whose proof's outputs are the model's outputs on
    /// those lines (from `infer`), and every proof verifies.
    fn assert_answers(&self, b: usize) {
        let inferred = ok(&["infer", p(&self.path("m.zkq")), "--batch", p(&self.path("in.jsonl")), "--json"]);
        let results: Vec<Value> = inferred.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        let mut entries = self.entries();
        entries.sort_by_key(|e| e["line"].as_u64());
        assert_eq!(entries.len(), results.len().div_ceil(b), "one entry per group");
        for (group, entry) in results.chunks(b).zip(&entries) {
            let lines: Vec<Value> = group.iter().map(|r| r["line"].clone()).collect();
            let named = if b == 1 { vec![entry["line"].clone()] } else { entry["lines"].as_array().unwrap().clone() };
            assert_eq!(named, lines);
            let outputs: Vec<Value> = group.iter().flat_map(|r| r["output_int"].as_array().unwrap().clone()).collect();
            if group.len() == b {
                assert_eq!(entry["bundle"]["output"].as_array().unwrap(), &outputs, "{}", entry["line"]);
            }
        }
        let proofs: String =
            entries.iter().filter(|e| e.get("bundle").is_some()).map(|e| e.to_string() + "\n").collect();
        std::fs::write(self.path("good.jsonl"), proofs).unwrap();
        let (vk, record, good) = (self.path("keys/verifying.key"), self.path("m.json"), self.path("good.jsonl"));
        let (c, err) = code(&["verify", "--vk", p(&vk), "--commitment", p(&record), "--batch", p(&good)]);
        assert_eq!(c, 0, "{err}");
    }
}

fn test_lines(n: usize) -> Vec<String> {
    std::fs::read_to_string(data("digits/test.jsonl")).unwrap().lines().take(n).map(str::to_string).collect()
}

#[test]
fn a_resumed_batch_answers_the_input_file_as_it_is_now() {
    let f = Flow::new();
    f.commit("torch_mlp", "digits/calibration.jsonl", &[]);
    let t = test_lines(7);
    let t: Vec<&str> = t.iter().map(String::as_str).collect();

    let (c, out, err) = f.batch(&t[..4], &[]);
    assert!(c == 0 && out.ends_with(": 4 proved, 0 already there, 0 failed\n"), "{out}{err}");
    f.assert_answers(1);

    // Unchanged: nothing proved or said, the file untouched.
    let before = std::fs::read(f.path("proofs.jsonl")).unwrap();
    let (c, out, err) = f.batch(&t[..4], &[]);
    assert!(c == 0 && out.ends_with(": 0 proved, 4 already there, 0 failed\n") && err.is_empty(), "{out}{err}");
    assert_eq!(std::fs::read(f.path("proofs.jsonl")).unwrap(), before);

    // A changed line: re-proved, said so, and its old proof gone.
    let (c, out, err) = f.batch(&[t[0], t[4], t[2], t[3]], &[]);
    assert_eq!(c, 0, "{err}");
    assert!(
        out.ends_with(": 1 proved, 3 already there, 0 failed (1 re-proved because their input changed)\n"),
        "{out}"
    );
    assert!(err.contains("in.jsonl: line 2 changed since it was proved; re-proving it"), "{err}");
    f.assert_answers(1);

    // An inserted line: only it is proved; the others' proofs follow their input.
    let (c, out, err) = f.batch(&[t[5], t[0], t[4], t[2], t[3]], &["--json"]);
    assert_eq!(c, 0, "{err}");
    let summary: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (&summary["proved"], &summary["already_there"], &summary["moved"], &summary["reproved"]),
        (&Value::from(1), &Value::from(4), &Value::from(4), &Value::from(1))
    );
    assert!(err.contains("line 2 holds the input proved as line 1; that proof is kept for it"), "{err}");
    f.assert_answers(1);

    // A deleted line, then reordered lines: nothing to prove.
    let (c, out, err) = f.batch(&[t[5], t[0], t[2], t[3]], &[]);
    assert!(c == 0 && out.contains(": 0 proved, 4 already there, 0 failed (2 kept for input that moved"), "{out}");
    assert!(err.contains("the entry for line 3 answers no input line now"), "{err}");
    f.assert_answers(1);
    let (c, out, _) = f.batch(&[t[0], t[5], t[3], t[2]], &[]);
    assert!(c == 0 && out.contains(": 0 proved, 4 already there, 0 failed (4 kept for input that moved"), "{out}");
    f.assert_answers(1);

    // A bad line: an error entry, kept while the line stays bad, proved once fixed.
    let bad = r#"{"input": [1]}"#;
    let (c, _, err) = f.batch(&[t[0], bad, t[3], t[2]], &[]);
    assert!(c == 1 && err.contains("1 proof(s) could not be made"), "{err}");
    let (c, out, err) = f.batch(&[t[0], bad, t[3], t[2]], &[]);
    assert!(c == 0 && out.ends_with(": 0 proved, 4 already there, 0 failed\n"), "not retried: {out}{err}");
    let (c, out, err) = f.batch(&[t[0], t[6], t[3], t[2]], &[]);
    assert!(c == 0 && out.contains(": 1 proved, 3 already there, 0 failed"), "{out}{err}");
    assert!(err.contains("line 2 changed since it was proved"), "{err}");
    f.assert_answers(1);

    // A file from a zkseal before input_blake3: its proofs are checked by their input
    // integers, and kept.
    let legacy: String = f
        .entries()
        .into_iter()
        .map(|mut e| {
            e.as_object_mut().unwrap().remove("input_blake3");
            e.to_string() + "\n"
        })
        .collect();
    std::fs::write(f.path("proofs.jsonl"), legacy).unwrap();
    let (c, out, err) = f.batch(&[t[0], t[6], t[3], t[1]], &[]);
    assert!(c == 0 && out.contains(": 1 proved, 3 already there, 0 failed (1 re-proved"), "{out}{err}");
    assert!(err.contains("line 4 changed since it was proved"), "{err}");
}

#[test]
fn groups_of_two_inputs_are_kept_moved_or_proved_again_whole() {
    let f = Flow::new();
    f.commit("sklearn_mlp", "digits/calibration.jsonl", &["--inferences", "2"]);
    let t = test_lines(6);
    let t: Vec<&str> = t.iter().map(String::as_str).collect();
    let (c, out, err) = f.batch(&t[..5], &[]);
    assert!(c == 1 && out.contains(": 2 proved, 0 already there, 1 failed"), "the short last group: {out}{err}");
    f.assert_answers(2);

    // A changed line re-proves its group; the short group is completed by a new line.
    let (c, out, err) = f.batch(&[t[0], t[1], t[2], t[5], t[4], t[3]], &[]);
    assert!(c == 0 && out.contains(": 2 proved, 1 already there, 0 failed (2 re-proved"), "{out}{err}");
    assert!(err.contains("lines 3, 4 changed since they were proved; re-proving them"), "{err}");
    assert!(err.contains("lines 5, 6 form one proof's group now, line 5 did when it was proved"), "{err}");
    f.assert_answers(2);

    // A blank line above moves whole groups: renumbered, not proved.
    let (c, out, err) = f.batch(&["", t[0], t[1], t[2], t[5], t[4], t[3]], &[]);
    assert!(c == 0 && out.contains(": 0 proved, 3 already there, 0 failed (3 kept for input that moved"), "{out}{err}");
    assert!(err.contains("lines 2, 3 hold the input proved as lines 1, 2; that proof is kept for them"), "{err}");
    f.assert_answers(2);
}

#[test]
fn infer_batch_answers_every_line_and_fails_at_the_end() {
    let f = Flow::new();
    f.import("torch_mlp", "digits/calibration.jsonl");
    let t = test_lines(2);
    let far = serde_json::json!({ "input": vec![1e9; 64] }).to_string();
    let lines = [t[0].as_str(), r#"{"input": [1,"#, r#"{"input": [1]}"#, &far, t[1].as_str()];
    std::fs::write(f.path("in.jsonl"), lines.join("\n") + "\n").unwrap();
    let (zkq, inputs) = (f.path("m.zkq"), f.path("in.jsonl"));

    let out = zkseal(&["infer", p(&zkq), "--batch", p(&inputs), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("in.jsonl: 3 of 5 input line(s) could not be run (line 2, 3, 4)"), "{err}");
    let results: Vec<Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let numbered: Vec<u64> = results.iter().map(|r| r["line"].as_u64().unwrap()).collect();
    assert_eq!(numbered, [1, 2, 3, 4, 5]);
    assert!(results[0]["output_int"].is_array() && results[4]["output_int"].is_array());
    assert!(results[1]["error"].as_str().unwrap().contains("invalid JSON"), "{}", results[1]);
    assert!(results[2]["error"].as_str().unwrap().contains("input length"), "{}", results[2]);
    assert!(results[3]["error"].as_str().unwrap().contains("1000000000"), "{}", results[3]);
    assert_eq!(results[1].as_object().unwrap().len(), 2, "line and error only: {}", results[1]);

    let out = zkseal(&["infer", p(&zkq), "--batch", p(&inputs)]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().filter(|l| l.starts_with("argmax")).count(), 2, "{text}");
    assert!(text.contains("error (line 2): invalid JSON"), "{text}");
}

/// The message of a `prove` refused for a salt file or record that does not belong to
/// the model.
fn refused(f: &Flow, salt: &Path, record: Option<&Path>) -> String {
    let (zkq, pk, input, proof) = (f.path("m.zkq"), f.pk(), f.path("x.json"), f.path("proof.json"));
    std::fs::write(&input, &test_lines(1)[0]).unwrap();
    let mut args = vec!["prove", p(&zkq), "--pk", p(&pk), "--salt", p(salt), "--input", p(&input), "-o", p(&proof)];
    if let Some(r) = record {
        args.extend(["--commitment", p(r)]);
    }
    let (c, err) = code(&args);
    assert_eq!(c, 1, "{err}");
    assert!(!proof.exists(), "no proof written");
    err
}

#[test]
fn a_model_re_imported_after_commit_is_named_with_what_to_run_again() {
    let f = Flow::new();
    f.commit("torch_mlp", "digits/calibration.jsonl", &[]);
    let salt_file: Value = serde_json::from_str(&std::fs::read_to_string(f.path("m.salt")).unwrap()).unwrap();
    let old_id = salt_file["model_id"].as_str().unwrap().to_string();
    let inspect = |what: &str| -> String {
        let info: Value = serde_json::from_str(&ok(&["inspect", p(&f.path("m.zkq")), "--json"])).unwrap();
        info[what].as_str().unwrap_or_else(|| panic!("inspect has no {what}: {info}")).to_string()
    };
    let old_arch = inspect("architecture_digest");

    // Re-imported with other calibration data: other scales, so another architecture.
    f.import("torch_mlp", "digits/test.jsonl");
    let (new_id, new_arch) = (inspect("model_id"), inspect("architecture_digest"));
    assert_ne!(new_id, old_id);
    assert_ne!(new_arch, old_arch, "the scales are part of the architecture");
    let err = refused(&f, &f.path("m.salt"), None);
    for part in [
        format!("this salt file was made by `zkseal commit` for model {old_id}"),
        format!("is now model {new_id}: the model file changed since `commit`"),
        "Run `zkseal commit".to_string(),
        format!("the architecture changed too (the proving key {} is for {old_arch}", f.pk().display()),
        format!("the model's is now {new_arch}), so first run `zkseal setup`"),
    ] {
        assert!(err.contains(&part), "{part} not in: {err}");
    }

    // The same architecture (a salt file of another model of it): commit again, no setup.
    f.import("torch_mlp", "digits/calibration.jsonl");
    let mut other = salt_file.clone();
    other["model_id"] = Value::from("ab".repeat(32));
    std::fs::write(f.path("other.salt"), other.to_string()).unwrap();
    let err = refused(&f, &f.path("other.salt"), None);
    assert!(err.contains(&format!("for model {}", "ab".repeat(32))), "{err}");
    assert!(err.contains(&format!("still fits: the architecture is the same ({old_arch})")), "{err}");
    assert!(!err.contains("setup"), "{err}");

    // A record of the old model beside a salt of the new one.
    let mut record: Value = serde_json::from_str(&std::fs::read_to_string(f.path("m.json")).unwrap()).unwrap();
    record["model_id"] = Value::from("cd".repeat(32));
    std::fs::write(f.path("old.json"), record.to_string()).unwrap();
    let err = refused(&f, &f.path("m.salt"), Some(&f.path("old.json")));
    assert!(err.contains("this commitment record was made by `zkseal commit` for model"), "{err}");
    assert!(err.contains("Run `zkseal commit"), "{err}");
}
