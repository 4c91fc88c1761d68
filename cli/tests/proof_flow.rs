//! `setup → commit → prove → verify` through the binary, under both commitment
//! schemes: exit codes (0 valid, 1 invalid, 2 malformed), the secret salt file, and
//! the prover's refusals.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{code, data, ok, p, zkseal};
use serde_json::Value;

struct Flow {
    dir: tempfile::TempDir,
}

impl Flow {
    fn path(&self, f: &str) -> PathBuf {
        self.dir.path().join(f)
    }

    /// Imports `model` under `tag`, makes Lego keys from its architecture file alone
    /// (`{tag}.keys/`), and commits with them.
    fn commit(&self, model: &str, tag: &str) {
        self.commit_with(model, tag, &[]);
    }

    /// As `commit`, with more `setup` arguments.
    fn commit_with(&self, model: &str, tag: &str, setup_args: &[&str]) {
        let onnx = data(&format!("models/{model}.onnx"));
        let cal = data("digits/calibration.jsonl");
        let (zkq, zka, keys) = (self.path(&format!("{tag}.zkq")), self.path(&format!("{tag}.zka")), self.keys(tag));
        ok(&["import", p(&onnx), "-o", p(&zkq), "--calibration", p(&cal)]);
        ok(&["arch", p(&zkq), "-o", p(&zka)]);
        ok(&[&["setup", p(&zka), "-o", p(&keys)], setup_args].concat());
        ok(&[
            "commit",
            p(&zkq),
            "--pk",
            p(&keys.join("proving.key")),
            "-o",
            p(&self.path(&format!("{tag}.commitment.json"))),
            "--salt",
            p(&self.path(&format!("{tag}.salt"))),
        ]);
    }

    fn keys(&self, tag: &str) -> PathBuf {
        self.path(&format!("{tag}.keys"))
    }

    fn verify(&self, vk: &str, commitment: &str, proof: &str) -> (i32, String) {
        code(&["verify", "--vk", p(&self.path(vk)), "--commitment", p(&self.path(commitment)), p(&self.path(proof))])
    }
}

/// Two models committed under the default (Lego) scheme: `a` (torch_mlp) and `b`
/// (sklearn_mlp, another architecture), each with its own keys, record and salt.
fn two_models() -> Flow {
    let f = Flow { dir: tempfile::tempdir().unwrap() };
    f.commit("torch_mlp", "a");
    f.commit("sklearn_mlp", "b");
    f
}

impl Flow {
    fn pk(&self, tag: &str) -> PathBuf {
        self.keys(tag).join("proving.key")
    }

    /// The first digits test sample as `x.json`.
    fn input(&self) -> PathBuf {
        let input = self.path("x.json");
        let line = std::fs::read_to_string(data("digits/test.jsonl")).unwrap().lines().next().unwrap().to_string();
        std::fs::write(&input, line).unwrap();
        input
    }

    /// `a`'s proof of `x.json` as `proof.json`.
    fn prove_a(&self) -> PathBuf {
        let (input, out) = (self.input(), self.path("proof.json"));
        ok(&[
            "prove",
            p(&self.path("a.zkq")),
            "--pk",
            p(&self.pk("a")),
            "--salt",
            p(&self.path("a.salt")),
            "--input",
            p(&input),
            "-o",
            p(&out),
            "--commitment",
            p(&self.path("a.commitment.json")),
        ]);
        out
    }
}

#[test]
fn commit_keeps_the_salt_secret_and_refuses_without_writing() {
    let f = two_models();
    // The salt is secret: its own file, mode 0600, absent from the public record.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(f.path("a.salt")).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let salt: Value = serde_json::from_str(&std::fs::read_to_string(f.path("a.salt")).unwrap()).unwrap();
    let record = std::fs::read_to_string(f.path("a.commitment.json")).unwrap();
    assert!(!record.contains(salt["salt"].as_str().unwrap()));
    let rec: Value = serde_json::from_str(&record).unwrap();
    for k in
        ["format_version", "scheme", "model_id", "architecture_digest", "commitment", "commitment_point", "vk_digest"]
    {
        assert!(rec.get(k).is_some(), "record lacks {k}");
    }
    assert_eq!(rec["scheme"], "lego-groth16-bn254-v1", "Lego is the default");
    let pk = f.pk("a");
    let (c, err) = code(&[
        "commit",
        p(&f.path("a.zkq")),
        "--pk",
        p(&pk),
        "-o",
        p(&f.path("x.json")),
        "--salt",
        p(&f.path("a.salt")),
    ]);
    assert_eq!(c, 1, "an existing salt file is never overwritten: {err}");
    let (c, err) = code(&["commit", p(&f.path("a.zkq")), "-o", p(&f.path("x.json")), "--salt", p(&f.path("new.salt"))]);
    assert!(c == 1 && err.contains("--pk"), "the Lego scheme needs the keys: {err}");
    assert!(!f.path("new.salt").exists() && !f.path("x.json").exists(), "nothing written on refusal");
    let other_pk = f.pk("b");
    let (c, err) = code(&[
        "commit",
        p(&f.path("a.zkq")),
        "--pk",
        p(&other_pk),
        "-o",
        p(&f.path("x.json")),
        "--salt",
        p(&f.path("new.salt")),
    ]);
    assert!(c == 1 && err.contains("architecture"), "another architecture's key: {err}");
    assert!(!f.path("new.salt").exists() && !f.path("x.json").exists(), "no salt file left behind");
    ok(&[
        "commit",
        p(&f.path("a.zkq")),
        "--pk",
        p(&pk),
        "-o",
        p(&f.path("again.json")),
        "--salt",
        p(&f.path("a.salt")),
        "--reuse-salt",
    ]);
    assert_eq!(std::fs::read_to_string(f.path("again.json")).unwrap(), record, "commitments are deterministic");
}

#[test]
fn a_proof_verifies_naming_its_commitment_and_tampering_is_invalid_or_malformed() {
    let f = two_models();
    f.prove_a();
    assert_eq!(f.verify("a.keys/verifying.key", "a.commitment.json", "proof.json").0, 0);
    let (vk_a, rec_a, proof_a) = (f.path("a.keys/verifying.key"), f.path("a.commitment.json"), f.path("proof.json"));
    let verify_ok = |extra: &[&str]| {
        let mut args = vec!["verify", "--vk", p(&vk_a), "--commitment", p(&rec_a), p(&proof_a)];
        args.extend(extra);
        ok(&args)
    };
    let v: Value = serde_json::from_str(&verify_ok(&["--json"])).unwrap();
    assert_eq!(v["valid"], true);
    // The verdict names the one commitment the proof opened: under Lego, the point.
    let rec: Value = serde_json::from_str(&std::fs::read_to_string(f.path("a.commitment.json")).unwrap()).unwrap();
    assert_eq!(v["result"]["opened"]["field"], "commitment_point");
    assert_eq!(v["result"]["opened"]["value"], rec["commitment_point"]);
    assert_eq!(v["result"]["backend"], "groth16-bn254");
    let out = verify_ok(&[]);
    assert!(out.contains(&format!("opened: commitment_point {}", rec["commitment_point"].as_str().unwrap())), "{out}");

    // Invalid: another model's commitment, a changed output.
    assert_eq!(f.verify("a.keys/verifying.key", "b.commitment.json", "proof.json").0, 1);
    let mut bundle: Value = serde_json::from_str(&std::fs::read_to_string(f.path("proof.json")).unwrap()).unwrap();
    bundle["output"][0] = Value::from(bundle["output"][0].as_i64().unwrap() + 1);
    let scale = bundle["output_scale"].as_i64().unwrap() as i32;
    bundle["output_float"][0] = Value::from(bundle["output"][0].as_i64().unwrap() as f64 * 2f64.powi(-scale));
    std::fs::write(f.path("tampered.json"), bundle.to_string()).unwrap();
    let (c, err) = f.verify("a.keys/verifying.key", "a.commitment.json", "tampered.json");
    assert_eq!(c, 1, "{err}");
    assert!(err.starts_with("invalid: "), "{err}");

    // Malformed: not JSON, a truncated key, a missing file.
    std::fs::write(f.path("junk.json"), "{\"version\": 1,").unwrap();
    assert_eq!(f.verify("a.keys/verifying.key", "a.commitment.json", "junk.json").0, 2);
    let vk = std::fs::read(f.path("a.keys/verifying.key")).unwrap();
    std::fs::write(f.path("cut.key"), &vk[..vk.len() - 1]).unwrap();
    assert_eq!(f.verify("cut.key", "a.commitment.json", "proof.json").0, 2);
    assert_eq!(f.verify("a.keys/verifying.key", "a.commitment.json", "missing.json").0, 2);
}

#[test]
fn the_prover_refuses_another_models_salt_record_or_key() {
    let f = two_models();
    let (pk, input) = (f.pk("a"), f.input());
    // The prover refuses another model's salt, a mismatching record, another architecture's key.
    let refused = |model: &str, salt: &str, extra: &[&str]| {
        let (zkq, salt, out) = (f.path(model), f.path(salt), f.path("no.json"));
        let mut args = vec!["prove", p(&zkq), "--pk", p(&pk), "--salt", p(&salt), "--input", p(&input), "-o", p(&out)];
        args.extend_from_slice(extra);
        let (c, err) = code(&args);
        assert_eq!(c, 1, "{err}");
        err
    };
    assert!(refused("b.zkq", "a.salt", &[]).contains("salt"));
    assert!(refused("b.zkq", "b.salt", &[]).contains("architecture"));
    let other_record = f.path("b.commitment.json");
    assert!(refused("a.zkq", "a.salt", &["--commitment", p(&other_record)]).contains("record"));
    assert!(!f.path("no.json").exists(), "no proof written on refusal");
}

#[test]
fn a_batch_records_a_bad_line_verifies_together_and_resumes() {
    let f = two_models();
    let pk = f.pk("a");
    // Batch: two good lines and a bad one; the bad one is recorded and fails the run.
    let test_lines: Vec<String> =
        std::fs::read_to_string(data("digits/test.jsonl")).unwrap().lines().take(2).map(str::to_string).collect();
    std::fs::write(f.path("batch.jsonl"), format!("{}\n{{\"input\": [1]}}\n{}\n", test_lines[0], test_lines[1]))
        .unwrap();
    let (zkq, salt_a, batch_in, proofs) =
        (f.path("a.zkq"), f.path("a.salt"), f.path("batch.jsonl"), f.path("proofs.jsonl"));
    let batch = ["prove", p(&zkq), "--pk", p(&pk), "--salt", p(&salt_a), "--batch", p(&batch_in), "-o", p(&proofs)];
    let (c, err) = code(&batch);
    assert!(c == 1 && err.contains("1 proof(s) could not be made"), "{err}");
    let out: Vec<Value> = std::fs::read_to_string(f.path("proofs.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(out.len(), 3);
    for l in out.iter().filter(|l| l.get("bundle").is_some()) {
        std::fs::write(f.path("one.json"), l["bundle"].to_string()).unwrap();
        assert_eq!(f.verify("a.keys/verifying.key", "a.commitment.json", "one.json").0, 0);
    }
    // Batch verification of the good lines; then one of them tampered; the error line.
    let vk_path = f.path("a.keys/verifying.key");
    let rec_path = f.path("a.commitment.json");
    let verify_batch =
        |file: &Path| code(&["verify", "--vk", p(&vk_path), "--commitment", p(&rec_path), "--batch", p(file)]);
    let good: Vec<&Value> = out.iter().filter(|l| l.get("bundle").is_some()).collect();
    let good_file = f.path("good.jsonl");
    std::fs::write(&good_file, good.iter().map(|l| l.to_string() + "\n").collect::<String>()).unwrap();
    assert_eq!(verify_batch(&good_file).0, 0);
    let mut bad = good[1].clone();
    bad["bundle"]["input"][3] = Value::from(bad["bundle"]["input"][3].as_i64().unwrap() + 1);
    std::fs::write(&good_file, format!("{}\n{}\n", good[0], bad)).unwrap();
    let (c, err) = verify_batch(&good_file);
    assert!(c == 1 && err.contains("line 2: invalid"), "{err}");
    assert_eq!(verify_batch(&proofs).0, 2, "a line without a proof is malformed");
    // The key and record checked once, with single verification's exit codes: another
    // model's record is invalid (1), a missing file unreadable (2).
    let other_record = f.path("b.commitment.json");
    let (c, err) = code(&["verify", "--vk", p(&vk_path), "--commitment", p(&other_record), "--batch", p(&good_file)]);
    assert!(c == 1 && err.starts_with("invalid: "), "{c}: {err}");
    let (c, err) = verify_batch(&f.path("missing.jsonl"));
    assert!(c == 2 && err.starts_with("unreadable: "), "{c}: {err}");

    let again = zkseal(&batch);
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 proved, 3 already there"), "resumed: nothing redone");
}

#[test]
fn inspect_splits_the_constraints_by_component() {
    let f = Flow { dir: tempfile::tempdir().unwrap() };
    f.commit("torch_mlp", "a");
    let info: Value = serde_json::from_str(&ok(&["inspect", p(&f.path("a.zkq")), "--json"])).unwrap();
    for scheme in ["lego", "poseidon"] {
        let c = &info["circuit"][scheme]["constraints"];
        assert_eq!(
            c["total"].as_u64().unwrap(),
            ["commitment", "linear", "nonlinear"].iter().map(|k| c[k].as_u64().unwrap()).sum::<u64>()
        );
    }
    assert_eq!(info["circuit"]["lego"]["constraints"]["commitment"], 0, "no constraint per weight");
}

#[test]
fn the_poseidon_scheme_end_to_end() {
    let f = Flow { dir: tempfile::tempdir().unwrap() };
    let (onnx, cal) = (data("models/sklearn_mlp.onnx"), data("digits/calibration.jsonl"));
    let (zkq, keys, salt, record) = (f.path("m.zkq"), f.path("keys"), f.path("m.salt"), f.path("m.json"));
    ok(&["import", p(&onnx), "-o", p(&zkq), "--calibration", p(&cal)]);
    ok(&["setup", p(&zkq), "-o", p(&keys), "--scheme", "poseidon"]);
    ok(&["commit", p(&zkq), "-o", p(&record), "--salt", p(&salt), "--scheme", "poseidon"]);
    let rec: Value = serde_json::from_str(&std::fs::read_to_string(&record).unwrap()).unwrap();
    assert_eq!(rec["scheme"], "poseidon-bn254-circom-v1");
    assert!(rec.get("commitment_point").is_none());
    let input = f.path("x.json");
    std::fs::write(&input, std::fs::read_to_string(data("digits/test.jsonl")).unwrap().lines().next().unwrap())
        .unwrap();
    let (pk, proof) = (keys.join("proving.key"), f.path("proof.json"));
    let prove = |scheme: &str| {
        code(&[
            "prove",
            p(&zkq),
            "--pk",
            p(&pk),
            "--salt",
            p(&salt),
            "--input",
            p(&input),
            "-o",
            p(&proof),
            "--commitment",
            p(&record),
            "--scheme",
            scheme,
        ])
    };
    let (c, err) = prove("lego");
    assert!(c == 1 && err.contains("scheme"), "a key of the other scheme is refused: {err}");
    assert_eq!(prove("poseidon").0, 0);
    assert_eq!(f.verify("keys/verifying.key", "m.json", "proof.json").0, 0);
    let bundle: Value = serde_json::from_str(&std::fs::read_to_string(&proof).unwrap()).unwrap();
    assert_eq!(bundle["scheme"], "poseidon-bn254-circom-v1");
}

#[test]
fn several_inferences_per_proof() {
    let f = Flow { dir: tempfile::tempdir().unwrap() };
    f.commit_with("sklearn_mlp", "m", &["--inferences", "2"]);
    let (zkq, pk, salt) = (f.path("m.zkq"), f.keys("m").join("proving.key"), f.path("m.salt"));
    let test = std::fs::read_to_string(data("digits/test.jsonl")).unwrap();
    let lines: Vec<&str> = test.lines().take(5).collect();
    let prove = |input: &Path, out: &Path| {
        code(&["prove", p(&zkq), "--pk", p(&pk), "--salt", p(&salt), "--input", p(input), "-o", p(out)])
    };

    // Two inputs, one per line: one proof of both.
    std::fs::write(f.path("two.jsonl"), format!("{}\n{}\n", lines[0], lines[1])).unwrap();
    assert_eq!(prove(&f.path("two.jsonl"), &f.path("two.json")).0, 0);
    let (c, err) = f.verify("m.keys/verifying.key", "m.commitment.json", "two.json");
    assert_eq!(c, 0, "{err}");
    let bundle: Value = serde_json::from_str(&std::fs::read_to_string(f.path("two.json")).unwrap()).unwrap();
    assert_eq!(bundle["inferences"], 2);
    assert_eq!(bundle["output"].as_array().unwrap().len(), 20);
    // One input for a key of two: refused, nothing written.
    std::fs::write(f.path("one.jsonl"), format!("{}\n", lines[0])).unwrap();
    let (c, err) = prove(&f.path("one.jsonl"), &f.path("one.json"));
    assert!(c != 0 && err.contains("2 inferences per proof, 1 inputs"), "{err}");
    assert!(!f.path("one.json").exists());

    // A key header claiming 65536 inferences per proof: refused from its first 100 bytes,
    // with the figures, before the (here missing) rest of the key is read.
    let mut head = std::fs::read(&pk).unwrap()[..100].to_vec();
    head[96..100].copy_from_slice(&65536u32.to_le_bytes());
    std::fs::write(f.path("huge.key"), &head).unwrap();
    let huge = f.path("huge.key");
    let (c, err) = code(&[
        "prove",
        p(&zkq),
        "--pk",
        p(&huge),
        "--salt",
        p(&salt),
        "--input",
        p(&f.path("two.jsonl")),
        "-o",
        p(&f.path("huge.json")),
    ]);
    assert!(c == 1 && err.contains("refusing before running out of memory"), "{err}");

    // A batch of five lines: two proofs of two, and the odd line out reported.
    std::fs::write(f.path("five.jsonl"), lines.join("\n")).unwrap();
    let (five, proofs) = (f.path("five.jsonl"), f.path("five.proofs.jsonl"));
    let batch = ["prove", p(&zkq), "--pk", p(&pk), "--salt", p(&salt), "--batch", p(&five), "-o", p(&proofs)];
    let (c, err) = code(&batch);
    assert_eq!(c, 1, "{err}");
    assert!(err.contains("1 proof(s) could not be made"), "{err}");
    let entries: Vec<Value> =
        std::fs::read_to_string(&proofs).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0]["lines"], serde_json::json!([1, 2]));
    assert_eq!(entries[1]["lines"], serde_json::json!([3, 4]));
    assert!(entries[2]["error"].as_str().unwrap().contains("ends with 1 input(s) after line 4"), "{}", entries[2]);
    let kept: String = std::fs::read_to_string(&proofs).unwrap().lines().take(2).map(|l| format!("{l}\n")).collect();
    std::fs::write(f.path("good.jsonl"), kept).unwrap();
    let (c, err) = code(&[
        "verify",
        "--vk",
        p(&f.keys("m").join("verifying.key")),
        "--commitment",
        p(&f.path("m.commitment.json")),
        "--batch",
        p(&f.path("good.jsonl")),
    ]);
    assert_eq!(c, 0, "{err}");
    // Re-running proves nothing new.
    let out = zkseal(&batch);
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 proved, 3 already there"));
    let out = zkseal(&[&batch[..], &["--json"]].concat());
    let summary: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(summary["already_there"], 3);
    assert_eq!((summary["proved"].as_u64(), summary["inferences_per_proof"].as_u64()), (Some(0), Some(2)));
}

#[test]
fn a_batch_stops_on_timeout_or_signal_and_resumes() {
    let f = Flow { dir: tempfile::tempdir().unwrap() };
    f.commit("torch_mlp", "a");
    let lines: Vec<String> =
        std::fs::read_to_string(data("digits/test.jsonl")).unwrap().lines().take(40).map(str::to_string).collect();
    std::fs::write(f.path("in.jsonl"), lines.join("\n") + "\n").unwrap();
    let (zkq, pk, salt, inputs, proofs) =
        (f.path("a.zkq"), f.keys("a").join("proving.key"), f.path("a.salt"), f.path("in.jsonl"), f.path("out.jsonl"));
    let batch = ["prove", p(&zkq), "--pk", p(&pk), "--salt", p(&salt), "--batch", p(&inputs), "-o", p(&proofs)];
    let written = || std::fs::read_to_string(&proofs).map_or(0, |t| t.lines().count());

    let (c, err) = code(&[&batch[..], &["--timeout", "0"]].concat());
    assert_eq!(c, 124, "{err}");
    assert!(err.contains("stopped by --timeout: 40 proof(s) left"), "{err}");
    assert_eq!(written(), 0);
    let (c, err) = code(&[&batch[..], &["--timeout", "5y"]].concat());
    assert!(c == 2 && err.contains("unit must be s, m or h"), "{err}");

    // Ctrl-C once the first proofs are written: the chunk in flight finishes, exit 130.
    let child = Command::new(env!("CARGO_BIN_EXE_zkseal"))
        .args(batch)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run zkseal");
    let start = std::time::Instant::now();
    while written() == 0 && start.elapsed().as_secs() < 120 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill");
    let out = child.wait_with_output().expect("wait");
    let err = String::from_utf8_lossy(&out.stderr);
    let stopped_at = written();
    if out.status.code() == Some(130) {
        assert!(err.contains("stopped by a signal") && stopped_at < 40, "{err}");
    } else {
        // The signal came after the last chunk began: the run simply finished.
        assert!(out.status.success() && stopped_at == 40, "{err}");
    }
    let out = zkseal(&batch);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("{stopped_at} already there")));
    let mut seen: Vec<u64> = std::fs::read_to_string(&proofs)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["line"].as_u64().unwrap())
        .collect();
    seen.sort();
    assert_eq!(seen, (1..=40).collect::<Vec<u64>>(), "every input once");
}

#[test]
fn the_salt_never_reaches_the_terminal() {
    let f = Flow { dir: tempfile::tempdir().unwrap() };
    f.commit("torch_mlp", "a");
    let salt_file: Value = serde_json::from_str(&std::fs::read_to_string(f.path("a.salt")).unwrap()).unwrap();
    let secret = salt_file["salt"].as_str().unwrap().to_string();
    let (zkq, pk, salt) = (f.path("a.zkq"), f.keys("a").join("proving.key"), f.path("a.salt"));
    let input = f.path("x.json");
    std::fs::write(&input, std::fs::read_to_string(data("digits/test.jsonl")).unwrap().lines().next().unwrap())
        .unwrap();
    let record = f.path("a.commitment.json");
    let (z, k, s, i, r) = (p(&zkq), p(&pk), p(&salt), p(&input), p(&record));
    let bad_salt = f.path("bad.salt");
    std::fs::write(&bad_salt, format!("{{\"version\": \"{secret}\", \"salt\": \"{secret}\"")).unwrap();
    let outs = [f.path("p.json"), f.path("q.json"), f.path("r.json")];
    let runs: Vec<Vec<&str>> = vec![
        vec!["prove", z, "--pk", k, "--salt", s, "--input", i, "-o", p(&outs[0])],
        vec!["prove", z, "--pk", k, "--salt", s, "--input", i, "--json", "-o", p(&outs[1])],
        vec!["prove", z, "--pk", k, "--salt", p(&bad_salt), "--input", i, "-o", p(&outs[2])],
        vec!["commit", z, "--pk", k, "-o", r, "--salt", s, "--reuse-salt"],
        vec!["commit", z, "--pk", k, "-o", r, "--salt", p(&bad_salt), "--reuse-salt"],
        vec!["inspect", z, "--json"],
    ];
    for args in runs {
        let out = zkseal(&args);
        let shown = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(!shown.contains(&secret[..16]), "{args:?} printed the salt: {shown}");
    }
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&salt).unwrap().permissions().mode() & 0o777, 0o600);
}

/// The committed attack (`tests/batch_binding.rs`): two answers to one input under two
/// weight sets, and a record whose point the owner chose after the proofs so that a batch
/// check blind to the point balances. `verify --batch` refuses both lines, as `verify`
/// refuses each.
#[test]
fn a_commitment_point_forged_after_the_proofs_is_refused_by_verify_batch() {
    let dir = data("attacks/batch_forged_point");
    let (vk, record, proofs) = (dir.join("verifying.key"), dir.join("commitment.json"), dir.join("proofs.jsonl"));
    let out = zkseal(&["verify", "--vk", p(&vk), "--commitment", p(&record), "--batch", p(&proofs), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    for l in &lines {
        assert_eq!((l["status"].as_str(), l["valid"].as_bool()), (Some("invalid"), Some(false)), "{l}");
        assert!(l["reason"].as_str().unwrap().contains("pairing check failed"), "{l}");
    }
    let tmp = tempfile::tempdir().unwrap();
    for (i, line) in std::fs::read_to_string(&proofs).unwrap().lines().enumerate() {
        let one = tmp.path().join(format!("{i}.json"));
        std::fs::write(&one, line).unwrap();
        let (c, err) = code(&["verify", "--vk", p(&vk), "--commitment", p(&record), p(&one)]);
        assert!(c == 1 && err.contains("pairing check failed"), "{c}: {err}");
    }
}
