//! `zkseal audit`: every value of a commitment record recomputed from the weights and
//! the salt, each reported as match / mismatch / not checked / absent; exit 0 only when
//! every value present matches, 1 otherwise, 2 for unusable files.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{data, ok, p, zkseal};
use serde_json::Value;
use zkseal_core::Model;

/// Every value `zkseal commit` writes besides the version, in the audit's order.
const FIELDS: [&str; 10] = [
    "salt_file.model_id",
    "scheme",
    "model_id",
    "architecture_digest",
    "commitment",
    "commitment_point",
    "vk_digest",
    "commitment_pallas",
    "labels",
    "head",
];

/// Class names given to model `a` at import (torch's export names none).
const LABELS: &str = "zero,one,two,three,four,five,six,seven,eight,nine";

/// Model `a` (torch_mlp, with `LABELS` and no stripped head) and its Lego keys `k1`; `b`: other weights of the same
/// architecture; `c`: another architecture; `k2`: a second setup of `a`'s architecture.
/// Records: `a`, `b` with `k1`; `a2`: `a` (same salt) with `k2`; `ap`: `a` (same salt),
/// Poseidon scheme; `c`: Poseidon scheme. Each model has its own salt file.
struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Self {
        let f = Fixture { dir: tempfile::tempdir().unwrap() };
        let (onnx, cal) = (data("models/torch_mlp.onnx"), data("digits/calibration.jsonl"));
        ok(&["import", p(&onnx), "-o", p(&f.path("a.zkq")), "--calibration", p(&cal), "--labels", LABELS]);
        let a = Model::from_bytes(&std::fs::read(f.path("a.zkq")).unwrap()).unwrap();
        let mut weights = a.weights.clone();
        let w = &mut weights.layers[0].weight[0];
        *w = if *w >= 0 { *w - 1 } else { *w + 1 };
        let b = Model::new(a.arch.clone(), weights, a.meta.clone()).unwrap();
        std::fs::write(f.path("b.zkq"), b.to_bytes()).unwrap();
        let mut arch = a.arch.clone();
        arch.layers[0].name.push_str("_renamed");
        let c = Model::new(arch, a.weights.clone(), a.meta.clone()).unwrap();
        std::fs::write(f.path("c.zkq"), c.to_bytes()).unwrap();

        for keys in ["k1", "k2"] {
            ok(&["setup", p(&f.path("a.zkq")), "-o", p(&f.path(keys))]);
        }
        f.commit("a", "a", &["--pk", p(&f.pk("k1"))], false);
        f.commit("b", "b", &["--pk", p(&f.pk("k1"))], false);
        f.commit("a", "a2", &["--pk", p(&f.pk("k2"))], true);
        f.commit("a", "ap", &["--scheme", "poseidon"], true);
        f.commit("c", "c", &["--scheme", "poseidon"], false);
        f
    }

    fn commit(&self, model: &str, record: &str, key: &[&str], reuse_salt: bool) {
        let (zkq, out, salt) = (
            self.path(&format!("{model}.zkq")),
            self.path(&format!("{record}.json")),
            self.path(&format!("{model}.salt")),
        );
        let mut args = vec!["commit", p(&zkq), "-o", p(&out), "--salt", p(&salt)];
        args.extend_from_slice(key);
        if reuse_salt {
            args.push("--reuse-salt");
        }
        ok(&args);
    }

    fn path(&self, f: &str) -> PathBuf {
        self.dir.path().join(f)
    }

    fn pk(&self, keys: &str) -> PathBuf {
        self.path(keys).join("proving.key")
    }

    fn record(&self, name: &str) -> Value {
        serde_json::from_str(&std::fs::read_to_string(self.path(&format!("{name}.json"))).unwrap()).unwrap()
    }

    fn write(&self, name: &str, record: &Value) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, serde_json::to_string_pretty(record).unwrap()).unwrap();
        path
    }

    fn salt_file(&self, model: &str) -> Value {
        serde_json::from_str(&std::fs::read_to_string(self.path(&format!("{model}.salt"))).unwrap()).unwrap()
    }

    fn secret(&self, model: &str) -> String {
        self.salt_file(model)["salt"].as_str().unwrap().to_string()
    }

    /// `audit MODEL --salt SALT --commitment RECORD [extra]`: exit code, stdout, stderr.
    fn audit(&self, model: &str, salt: &str, record: &Path, extra: &[&str]) -> (i32, String, String) {
        let (zkq, salt) = (self.path(&format!("{model}.zkq")), self.path(&format!("{salt}.salt")));
        let out = zkseal(&[&["audit", p(&zkq), "--salt", p(&salt), "--commitment", p(record)], extra].concat());
        let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
        let shown = (out.status.code().expect("an exit code"), text(out.stdout), text(out.stderr));
        for model in ["a", "b", "c"] {
            let secret = self.secret(model);
            assert!(!format!("{}{}", shown.1, shown.2).to_lowercase().contains(&secret), "the salt was printed");
        }
        shown
    }

    /// `audit … --json`: exit code and each field's status (the JSON's `ok` checked
    /// against the code).
    fn statuses(&self, model: &str, salt: &str, record: &Path, extra: &[&str]) -> (i32, BTreeMap<String, String>) {
        let (code, out, err) = self.audit(model, salt, record, &[extra, &["--json"]].concat());
        let report: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {err}"));
        assert_eq!(report["ok"], code == 0, "{out}");
        let fields = report["fields"].as_array().unwrap();
        let statuses: BTreeMap<String, String> = fields
            .iter()
            .map(|f| (f["field"].as_str().unwrap().to_string(), f["status"].as_str().unwrap().to_string()))
            .collect();
        let names: Vec<&str> = fields.iter().map(|f| f["field"].as_str().unwrap()).collect();
        assert_eq!(names, FIELDS, "one entry per value, in order");
        for f in fields.iter().filter(|f| f["status"] == "mismatch") {
            assert!(f["expected"].is_string() && f["found"].is_string(), "{f}");
            assert_ne!(f["expected"], f["found"], "{f}");
        }
        (code, statuses)
    }
}

/// `statuses` as expected: `match` everywhere (but `head`, which the fixture's records
/// do not claim: `absent`) but in `other`.
fn only(other: &[(&str, &str)]) -> BTreeMap<String, String> {
    FIELDS
        .iter()
        .map(|f| {
            let default = if *f == "head" { "absent" } else { "match" };
            let s = other.iter().find(|(name, _)| name == f).map_or(default, |(_, s)| s);
            (f.to_string(), s.to_string())
        })
        .collect()
}

/// The text report's line for `field`.
fn line<'a>(out: &'a str, field: &str) -> &'a str {
    out.lines().find(|l| l.split_whitespace().next() == Some(field)).unwrap_or_else(|| panic!("no {field}: {out}"))
}

#[test]
fn honest_records_match_under_both_schemes() {
    let f = Fixture::new();
    let k1 = f.pk("k1");
    let (code, statuses) = f.statuses("a", "a", &f.path("a.json"), &["--pk", p(&k1)]);
    assert_eq!((code, statuses), (0, only(&[])));
    let (code, out, _) = f.audit("a", "a", &f.path("a.json"), &["--pk", p(&k1)]);
    assert_eq!(code, 0);
    for field in FIELDS.iter().filter(|f| **f != "head") {
        assert!(line(&out, field).contains(" match "), "{out}");
    }
    assert!(line(&out, "head").contains(" absent: the record makes no such claim"), "{out}");
    assert!(out.trim_end().lines().last().unwrap().starts_with("ok:"), "{out}");

    // The Poseidon scheme: no point, no key needed (and a Lego key is no obstacle).
    let poseidon = only(&[("commitment_point", "absent"), ("vk_digest", "absent")]);
    for extra in [&[][..], &["--pk", p(&k1)]] {
        assert_eq!(f.statuses("a", "a", &f.path("ap.json"), extra), (0, poseidon.clone()));
    }
    // A version 2 record has no Pallas commitment.
    let mut v2 = f.record("ap");
    v2["format_version"] = 2.into();
    v2.as_object_mut().unwrap().remove("commitment_pallas");
    let (code, statuses) = f.statuses("a", "a", &f.write("v2.json", &v2), &[]);
    let mut expected = poseidon.clone();
    expected.insert("commitment_pallas".into(), "absent".into());
    assert_eq!((code, statuses), (0, expected));

    // The owner's claims about the outputs: what the model file says, or nothing.
    let mut claims = f.record("a");
    claims["labels"] = serde_json::json!(LABELS.replace("nine", "ten").split(',').collect::<Vec<_>>());
    claims["head"] = "Softmax".into();
    let (code, statuses) = f.statuses("a", "a", &f.write("claims.json", &claims), &["--pk", p(&k1)]);
    assert_eq!((code, statuses), (1, only(&[("labels", "mismatch"), ("head", "mismatch")])));
    let (_, out, _) = f.audit("a", "a", &f.path("claims.json"), &["--pk", p(&k1)]);
    assert!(line(&out, "labels").contains("\"ten\"]"), "{out}");
    assert!(line(&out, "head").contains("expected (none), found Softmax (the model file has none"), "{out}");
    let mut silent = f.record("a");
    silent.as_object_mut().unwrap().remove("labels");
    let (code, statuses) = f.statuses("a", "a", &f.write("silent.json", &silent), &["--pk", p(&k1)]);
    assert_eq!((code, statuses), (0, only(&[("labels", "absent")])));

    // The point is compared as a point: its hex case does not matter.
    let mut upper = f.record("a");
    upper["commitment_point"] = upper["commitment_point"].as_str().unwrap().to_uppercase().into();
    assert_eq!(f.statuses("a", "a", &f.write("upper.json", &upper), &["--pk", p(&k1)]), (0, only(&[])));
}

/// Fields copied from another record, and the statuses other than `match` they give.
type Splice<'a> = (&'a [&'a str], &'a Value, &'a [(&'a str, &'a str)]);

#[test]
fn each_value_of_other_weights_is_named() {
    let f = Fixture::new();
    let k1 = f.pk("k1");
    let (a, b, c, a2) = (f.record("a"), f.record("b"), f.record("c"), f.record("a2"));
    let cases: [Splice<'_>; 6] = [
        (&["model_id"], &b, &[("model_id", "mismatch")]),
        (&["architecture_digest"], &c, &[("architecture_digest", "mismatch")]),
        (&["commitment"], &b, &[("commitment", "mismatch")]),
        (&["commitment_point", "vk_digest"], &b, &[("commitment_point", "mismatch")]),
        (&["commitment_pallas"], &b, &[("commitment_pallas", "mismatch")]),
        // Another setup's point and digest: the digest is not --pk's, so the point,
        // relative to other keys, cannot be recomputed.
        (&["commitment_point", "vk_digest"], &a2, &[("vk_digest", "mismatch"), ("commitment_point", "not_checked")]),
    ];
    for (i, (fields, from, expected)) in cases.into_iter().enumerate() {
        let mut spliced = a.clone();
        for field in fields {
            spliced[*field] = from[*field].clone();
        }
        assert_ne!(spliced, a, "{fields:?}: the other record must differ");
        let record = f.write(&format!("spliced{i}.json"), &spliced);
        assert_eq!(f.statuses("a", "a", &record, &["--pk", p(&k1)]), (1, only(expected)), "{fields:?}");

        let (code, out, _) = f.audit("a", "a", &record, &["--pk", p(&k1)]);
        assert_eq!(code, 1);
        for (field, status) in expected {
            let l = line(&out, field);
            if *status == "mismatch" {
                let want = format!(
                    "mismatch: expected {}, found {}",
                    a[*field].as_str().unwrap(),
                    spliced[*field].as_str().unwrap()
                );
                assert!(l.contains(&want), "{l}");
            } else {
                assert!(l.contains("not checked"), "{l}");
            }
        }
        let last = out.trim_end().lines().last().unwrap();
        assert!(last.starts_with("not ok:") && last.contains(expected[0].0), "{out}");
    }
}

#[test]
fn wrong_salt_missing_keys_and_bad_files() {
    let f = Fixture::new();
    let (k1, record) = (f.pk("k1"), f.path("a.json"));
    let pk = ["--pk", p(&k1)];

    // A salt drawn for other weights: named, and every salted value differs.
    let (code, statuses) = f.statuses("a", "b", &record, &pk);
    let salted = [("commitment", "mismatch"), ("commitment_point", "mismatch"), ("commitment_pallas", "mismatch")];
    assert_eq!((code, statuses), (1, only(&[&[("salt_file.model_id", "mismatch")][..], &salted].concat())));
    let (_, out, _) = f.audit("a", "b", &record, &pk);
    assert!(line(&out, "salt_file.model_id").contains("drawn for another model"), "{out}");
    // The right model's id but another salt: the salted values only.
    let mut other = f.salt_file("b");
    other["model_id"] = f.record("a")["model_id"].clone();
    std::fs::write(f.path("other.salt"), other.to_string()).unwrap();
    assert_eq!(f.statuses("a", "other", &record, &pk), (1, only(&salted)));

    // A Lego record without --pk, or with a halo2 key: not checked, exit 1.
    let unchecked = only(&[("commitment_point", "not_checked"), ("vk_digest", "not_checked")]);
    assert_eq!(f.statuses("a", "a", &record, &[]), (1, unchecked.clone()));
    let (code, out, _) = f.audit("a", "a", &record, &[]);
    assert_eq!(code, 1);
    assert!(line(&out, "commitment_point").contains("not checked") && out.contains("pass --pk KEYS/proving.key"));
    let a = Model::from_bytes(&std::fs::read(f.path("a.zkq")).unwrap()).unwrap();
    let halo2 = zkseal_halo2::keys::KeyFile {
        k: 12,
        inferences: 1,
        vk_repr: [0; 32],
        arch_digest: a.architecture_digest(),
        arch: a.arch,
    };
    std::fs::write(f.path("halo2.key"), halo2.to_bytes()).unwrap();
    let (code, statuses) = f.statuses("a", "a", &record, &["--pk", p(&f.path("halo2.key"))]);
    assert_eq!((code, statuses), (1, unchecked));
    let (_, out, _) = f.audit("a", "a", &record, &["--pk", p(&f.path("halo2.key"))]);
    assert!(line(&out, "commitment_point").contains("halo2 key"), "{out}");

    // A Groth16 key of another architecture is refused, naming it.
    let (code, out, err) = f.audit("c", "c", &f.path("c.json"), &pk);
    assert_eq!(code, 2, "{out}");
    assert!(err.starts_with("error: ") && err.contains("proving key is for architecture"), "{err}");

    // Unusable files: exit 2, one error line naming the file.
    let bad = |name: &str, text: &[u8]| {
        let path = f.path(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let mut v1 = f.record("a");
    v1["format_version"] = 1.into();
    let mut unknown = f.record("a");
    unknown["extra"] = "x".into();
    let key = std::fs::read(&k1).unwrap();
    let cases: Vec<(PathBuf, &str, PathBuf, Option<PathBuf>)> = vec![
        (bad("bad1.json", b"{\"format_version\": 3,"), "a", f.path("a.zkq"), None),
        (bad("bad2.json", b"[]"), "a", f.path("a.zkq"), None),
        (f.write("bad3.json", &v1), "a", f.path("a.zkq"), None),
        (f.write("bad4.json", &unknown), "a", f.path("a.zkq"), None),
        (f.path("missing.json"), "a", f.path("a.zkq"), None),
        (record.clone(), "a", f.path("a.zkq"), Some(bad("short.key", &key[..key.len() / 2]))),
        (
            record.clone(),
            "a",
            f.path("a.zkq"),
            Some(bad("flipped.key", &{
                let mut k = key.clone();
                *k.last_mut().unwrap() ^= 1;
                k
            })),
        ),
        (record.clone(), "a", f.path("a.zkq"), Some(bad("garbage.key", b"not a key"))),
        (record.clone(), "bad", f.path("a.zkq"), None),
        (record.clone(), "a", bad("bad.zkq", b"ZKSEALQ\0garbage"), None),
    ];
    std::fs::write(f.path("bad.salt"), "{\"version\": 1,").unwrap();
    for (record, salt, model, key) in cases {
        let salt = f.path(&format!("{salt}.salt"));
        let mut args = vec!["audit", p(&model), "--salt", p(&salt), "--commitment", p(&record)];
        if let Some(key) = &key {
            args.extend(["--pk", p(key)]);
        }
        let out = zkseal(&args);
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.starts_with("error: ") && err.trim_end().lines().count() == 1, "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
        let out = zkseal(&[&args[..], &["--json"]].concat());
        assert_eq!(out.status.code(), Some(2));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(report["ok"] == false && report["error"].is_string(), "{report}");
    }

    // A record quoting the salt shows it scrubbed.
    let secret = f.secret("a");
    let mut leaky = f.record("a");
    leaky["commitment_pallas"] = secret.to_uppercase().into();
    let (code, out, _) = f.audit("a", "a", &f.write("leaky.json", &leaky), &pk);
    assert_eq!(code, 1);
    assert!(line(&out, "commitment_pallas").contains("found <salt>"), "{out}");
}
