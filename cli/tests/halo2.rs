//! `--backend halo2` through the binary: setup (deterministic, from the architecture
//! file alone), commit, prove and verify (single and --batch, resumed), and the exit
//! codes of tampered proofs, damaged keys and mixed backends.

mod common;

use std::path::PathBuf;

use common::{code, data, ok, p};
use serde_json::Value;

struct Flow {
    dir: tempfile::TempDir,
}

impl Flow {
    fn path(&self, f: &str) -> PathBuf {
        self.dir.path().join(f)
    }

    fn verify(&self, vk: &str, proof: &str) -> (i32, String) {
        code(&["verify", "--vk", p(&self.path(vk)), "--commitment", p(&self.path("rec.json")), p(&self.path(proof))])
    }

    /// `verify --batch` of `file` against `k1`'s key: the exit code and stderr.
    fn verify_batch(&self, file: &std::path::Path) -> (i32, String) {
        let (vk, rec) = (self.path("k1/verifying.key"), self.path("rec.json"));
        code(&["verify", "--vk", p(&vk), "--commitment", p(&rec), "--batch", p(file)])
    }

    fn write(&self, f: &str, v: &Value) {
        std::fs::write(self.path(f), serde_json::to_string(v).unwrap()).unwrap();
    }
}

#[test]
fn halo2_flow_and_exit_codes() {
    let f = Flow { dir: tempfile::tempdir().unwrap() };
    let onnx = data("models/torch_mlp.onnx");
    let cal = data("digits/calibration.jsonl");
    let (zkq, zka) = (f.path("m.zkq"), f.path("m.zka"));
    ok(&["import", p(&onnx), "-o", p(&zkq), "--calibration", p(&cal)]);
    ok(&["arch", p(&zkq), "-o", p(&zka)]);
    ok(&["setup", p(&zka), "--backend", "halo2", "-o", p(&f.path("k1"))]);
    // Anyone recomputes the same keys from the architecture, from the model file too.
    ok(&["setup", p(&zkq), "--backend", "halo2", "-o", p(&f.path("k2"))]);
    let vk = std::fs::read(f.path("k1/verifying.key")).unwrap();
    assert_eq!(vk, std::fs::read(f.path("k2/verifying.key")).unwrap());
    assert_eq!(vk, std::fs::read(f.path("k1/proving.key")).unwrap());
    let (c, err) = code(&["setup", p(&zka), "--backend", "halo2", "--scheme", "lego", "-o", p(&f.path("k3"))]);
    assert!(c != 0 && err.contains("Poseidon"), "{err}");

    let pk = f.path("k1/proving.key");
    ok(&["commit", p(&zkq), "--pk", p(&pk), "-o", p(&f.path("rec.json")), "--salt", p(&f.path("salt.json"))]);
    let rec: Value = serde_json::from_str(&std::fs::read_to_string(f.path("rec.json")).unwrap()).unwrap();
    assert_eq!(rec["commitment_pallas"].as_str().map(str::len), Some(64));

    let input = f.path("in.json");
    let first = std::fs::read_to_string(data("digits/test.jsonl")).unwrap().lines().next().unwrap().to_string();
    std::fs::write(&input, &first).unwrap();
    let salt = f.path("salt.json");
    let prove = |out: &str, extra: &[&str]| {
        let out = f.path(out);
        let base = ["prove", p(&zkq), "--pk", p(&pk), "--salt", p(&salt), "--input", p(&input), "-o", p(&out)];
        code(&[&base[..], extra].concat())
    };
    assert_eq!(prove("proof.json", &["--commitment", p(&f.path("rec.json")), "--backend", "halo2"]).0, 0);
    let bundle: Value = serde_json::from_str(&std::fs::read_to_string(f.path("proof.json")).unwrap()).unwrap();
    assert_eq!(bundle["backend"], "halo2-ipa-pasta");
    assert_eq!(f.verify("k1/verifying.key", "proof.json"), (0, String::new()));

    // The key decides the backend: a halo2 bundle against a Groth16 key of the same
    // architecture and record, and a Groth16 bundle against the halo2 key, are malformed.
    ok(&["setup", p(&zka), "--scheme", "poseidon", "-o", p(&f.path("g"))]);
    let (c, err) = f.verify("g/verifying.key", "proof.json");
    assert!(c == 2 && err.contains("unsupported backend 'halo2-ipa-pasta'"), "{c}: {err}");
    let g_pk = f.path("g/proving.key");
    let g_out = f.path("g_proof.json");
    ok(&["prove", p(&zkq), "--pk", p(&g_pk), "--salt", p(&salt), "--input", p(&input), "-o", p(&g_out)]);
    assert_eq!(f.verify("g/verifying.key", "g_proof.json"), (0, String::new()));
    let (c, err) = f.verify("k1/verifying.key", "g_proof.json");
    assert!(c == 2 && err.contains("unsupported backend 'groth16-bn254'"), "{c}: {err}");

    // Refused before proving: another backend named; nothing written.
    let (c, err) = prove("no.json", &["--backend", "groth16"]);
    assert!(c != 0 && err.contains("halo2 key"), "{err}");
    assert!(!f.path("no.json").exists());

    // --batch: three inputs proved in parallel, all valid; a re-run finds them there.
    let samples = std::fs::read_to_string(data("digits/test.jsonl")).unwrap();
    let three: Vec<&str> = samples.lines().take(3).collect();
    let (inputs, proofs) = (f.path("inputs.jsonl"), f.path("proofs.jsonl"));
    std::fs::write(&inputs, three.join("\n")).unwrap();
    let batch =
        ["prove", p(&zkq), "--pk", p(&pk), "--salt", p(&salt), "--batch", p(&inputs), "-o", p(&proofs), "--json"];
    let out: Value = serde_json::from_str(&ok(&batch)).unwrap();
    assert_eq!((out["proved"].as_u64(), out["failed"].as_u64()), (Some(3), Some(0)));
    let out: Value = serde_json::from_str(&ok(&batch)).unwrap();
    assert_eq!((out["proved"].as_u64(), out["already_there"].as_u64()), (Some(0), Some(3)));
    assert_eq!(f.verify_batch(&proofs).0, 0);

    // Tampered public values: invalid (exit 1).
    let mut t = bundle.clone();
    t["input"][10] = Value::from(t["input"][10].as_i64().unwrap() + 1);
    f.write("t1.json", &t);
    let (c, err) = f.verify("k1/verifying.key", "t1.json");
    assert_eq!(c, 1, "{err}");
    let mut t = bundle.clone();
    let mut proof = t["proof"].as_str().unwrap().to_string();
    let mid = proof.len() / 2;
    proof.replace_range(mid..mid + 1, if &proof[mid..mid + 1] == "0" { "1" } else { "0" });
    t["proof"] = Value::from(proof);
    f.write("t2.json", &t);
    assert_eq!(f.verify("k1/verifying.key", "t2.json").0, 1);
    // A byte appended to an honest proof: refused as malformed (one encoding per proof).
    let mut t = bundle.clone();
    t["proof"] = Value::from(format!("{}00", t["proof"].as_str().unwrap()));
    f.write("t3.json", &t);
    let (c, err) = f.verify("k1/verifying.key", "t3.json");
    assert!(c == 2 && err.contains("after its end"), "{c}: {err}");

    // A damaged key: malformed (exit 2); a truncated one too.
    let mut bad = vk.clone();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    std::fs::write(f.path("bad.key"), &bad).unwrap();
    let (c, err) = f.verify("bad.key", "proof.json");
    assert_eq!(c, 2, "{err}");
    std::fs::write(f.path("short.key"), &vk[..vk.len() / 2]).unwrap();
    assert_eq!(f.verify("short.key", "proof.json").0, 2);

    // --batch: the honest proof and the tampered ones, named by line.
    let lines =
        [&bundle, &serde_json::from_str::<Value>(&std::fs::read_to_string(f.path("t1.json")).unwrap()).unwrap()]
            .iter()
            .map(|b| serde_json::to_string(b).unwrap())
            .collect::<Vec<_>>()
            .join("\n");
    std::fs::write(f.path("batch.jsonl"), lines).unwrap();
    let (c, err) = f.verify_batch(&f.path("batch.jsonl"));
    assert_eq!(c, 1);
    assert!(err.contains("line 2: invalid"), "{err}");
}
