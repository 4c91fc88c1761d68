//! `zkseal export solidity` and `export calldata` on the committed real proofs: what the
//! contract holds, what the calldata says, and the refusals (a bad key, a record for
//! another key, a bundle that does not verify, a contract too big to deploy). The
//! contract's behaviour in an EVM is `tests/evm/run.sh`.

mod common;

use std::path::PathBuf;

use common::{code, data, ok, p};
use serde_json::Value;

struct Fixture {
    vk: PathBuf,
    record: PathBuf,
    proof: PathBuf,
}

fn fixture(scheme: &str) -> Fixture {
    let dir = data(&format!("proofs/{scheme}"));
    Fixture { vk: dir.join("verifying.key"), record: dir.join("commitment.json"), proof: dir.join("proof.json") }
}

fn json(path: &std::path::Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("read")).expect("json")
}

#[test]
fn contract_holds_the_key_and_the_commitment() {
    let out = tempfile::tempdir().unwrap();
    for scheme in ["lego", "poseidon"] {
        let f = fixture(scheme);
        let sol = out.path().join(format!("{scheme}.sol"));
        ok(&["export", "solidity", "--vk", p(&f.vk), "--commitment", p(&f.record), "-o", p(&sol)]);
        let source = std::fs::read_to_string(&sol).unwrap();
        let record = json(&f.record);
        let bundle = json(&f.proof);
        let values = bundle["input"].as_array().unwrap().len() + bundle["output"].as_array().unwrap().len();
        assert!(source.contains(&format!("uint256 public constant VALUES = {values};")), "{scheme}");
        assert!(source.contains(&format!("Verifying key {}.", bundle["vk_digest"].as_str().unwrap())));
        let commitment = record["commitment"].as_str().unwrap();
        let opened = match scheme {
            "lego" => format!("commitment_point {}", record["commitment_point"].as_str().unwrap().to_lowercase()),
            _ => format!("commitment {commitment}"),
        };
        assert!(source.contains(&format!("string public constant OPENED_COMMITMENT = \"{opened}\";")), "{scheme}");
        assert!(source.contains(&format!("// Opens the record's {opened}.")), "{scheme}");
        if scheme == "lego" {
            assert!(source.contains("COMMITMENT_POINT_X") && source.contains("COMMITMENT_GAMMA_Y0"));
            assert!(!source.contains("constant COMMITMENT ="));
        } else {
            assert!(source.contains(&format!("uint256 private constant COMMITMENT = {commitment};")));
            assert!(!source.contains("COMMITMENT_POINT"));
        }

        let calldata = out.path().join(format!("{scheme}.calldata.json"));
        ok(&["export", "calldata", "--vk", p(&f.vk), "--commitment", p(&f.record), p(&f.proof), "-o", p(&calldata)]);
        let c = json(&calldata);
        assert_eq!(c["proof"].as_array().unwrap().len(), 8);
        let expected: Vec<Value> =
            bundle["input"].as_array().unwrap().iter().chain(bundle["output"].as_array().unwrap()).cloned().collect();
        assert_eq!(c["values"].as_array().unwrap(), &expected);
    }
}

#[test]
fn refusals_name_the_problem_and_write_nothing() {
    let out = tempfile::tempdir().unwrap();
    let (lego, poseidon) = (fixture("lego"), fixture("poseidon"));
    let sol = out.path().join("v.sol");

    let cut = out.path().join("cut.key");
    std::fs::write(&cut, &std::fs::read(&lego.vk).unwrap()[..100]).unwrap();
    let (c, err) = code(&["export", "solidity", "--vk", p(&cut), "--commitment", p(&lego.record), "-o", p(&sol)]);
    assert_eq!(c, 1, "{err}");
    assert!(err.contains("verifying key"), "{err}");

    let (c, err) =
        code(&["export", "solidity", "--vk", p(&poseidon.vk), "--commitment", p(&lego.record), "-o", p(&sol)]);
    assert_eq!(c, 1, "{err}");
    assert!(err.contains("scheme"), "{err}");
    assert!(!sol.exists());

    let mut bundle = json(&lego.proof);
    bundle["output"][0] = (bundle["output"][0].as_i64().unwrap() + 1).into();
    bundle["output_float"][0] = (bundle["output"][0].as_i64().unwrap() as f64
        * 2f64.powi(-(bundle["output_scale"].as_i64().unwrap() as i32)))
    .into();
    let bad = out.path().join("bad.json");
    std::fs::write(&bad, serde_json::to_vec(&bundle).unwrap()).unwrap();
    let calldata = out.path().join("c.json");
    let (c, err) = code(&[
        "export",
        "calldata",
        "--vk",
        p(&lego.vk),
        "--commitment",
        p(&lego.record),
        p(&bad),
        "-o",
        p(&calldata),
    ]);
    assert_eq!(c, 1, "{err}");
    assert!(err.contains("pairing check failed") && err.contains("nothing exported"), "{err}");
    assert!(!calldata.exists());
}

/// Five inferences per proof of sklearn_mlp carry 5 · 74 public integers, and the IC
/// table would push the contract past EIP-170's code limit: refused before writing.
#[test]
fn a_contract_too_big_to_deploy_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = |f: &str| dir.path().join(f);
    let onnx = data("models/sklearn_mlp.onnx");
    let cal = data("digits/calibration.jsonl");
    ok(&["import", p(&onnx), "-o", p(&path("m.zkq")), "--calibration", p(&cal)]);
    ok(&["setup", p(&path("m.zkq")), "-o", p(&path("keys")), "--scheme", "poseidon", "--inferences", "5"]);
    ok(&["commit", p(&path("m.zkq")), "--scheme", "poseidon", "-o", p(&path("c.json")), "--salt", p(&path("salt"))]);
    let vk = path("keys").join("verifying.key");
    let sol = path("v.sol");
    let (c, err) = code(&["export", "solidity", "--vk", p(&vk), "--commitment", p(&path("c.json")), "-o", p(&sol)]);
    assert_eq!(c, 1, "{err}");
    assert!(err.contains("EIP-170") && err.contains("370 public values"), "{err}");
    assert!(!sol.exists());
}
