//! `commitment.md` §5–§6: the record examples, and the record's version wherever a spec
//! states it.

use zkseal_core::commitment::Salt;
use zkseal_core::format::hex;
use zkseal_halo2::{fp_from_hex, fp_hex};
use zkseal_r1cs::commitment::commit;
use zkseal_tests::digits_model;
use zkseal_verifier::{
    parse_point, CommitmentRecord, CommitmentScheme, BUNDLE_VERSION, KEY_VERSION, OLDEST_RECORD_VERSION, RECORD_VERSION,
};

use crate::extract::{code_blocks, dec, doc, leading_int, skip_filler, table};
use crate::{fr_dec, golden};

#[test]
fn record_examples_are_real_version_3_records() {
    let d = doc("commitment.md");
    let s = d.section("5.");
    let blocks = code_blocks(&s, "json");
    assert_eq!(blocks.len(), 2, "§5 has a Poseidon and a Lego example");
    let (_, m) = digits_model("torch_mlp");
    let salt = Salt([0x5a; 32]);
    let commitment = fr_dec(&commit(&m.arch, &m.architecture_digest(), &m.weights, &salt));
    let pallas = fp_hex(&zkseal_halo2::commitment::commit(&m.arch, &m.architecture_digest(), &m.weights, &salt));
    let mut schemes = Vec::new();
    for block in &blocks {
        let r: CommitmentRecord = serde_json::from_str(block).unwrap_or_else(|e| panic!("{e}: {block}"));
        assert_eq!(r.format_version, RECORD_VERSION);
        r.check_version().unwrap();
        assert_eq!(r.model_id, hex(&m.model_id()));
        assert_eq!(r.architecture_digest, hex(&m.architecture_digest()));
        assert_eq!(r.commitment, commitment);
        assert_eq!(
            r.commitment_pallas.as_deref(),
            Some(pallas.as_str()),
            "every version 3 record has commitment_pallas"
        );
        assert!(fp_from_hex(&pallas).is_some());
        let scheme = CommitmentScheme::from_name(&r.scheme).expect("scheme");
        match scheme {
            CommitmentScheme::Lego => {
                let point = r.commitment_point.as_deref().expect("a Lego record has a point");
                let _ = parse_point("record", point).unwrap();
                let vk = r.vk_digest.as_deref().expect("a Lego record names its keys");
                assert!(vk.len() == 64 && vk.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
            }
            _ => assert!(r.commitment_point.is_none() && r.vk_digest.is_none()),
        }
        // The field order is the writer's.
        assert_eq!(&serde_json::to_string_pretty(&r).unwrap(), block);
        schemes.push(scheme);
    }
    assert_eq!(schemes, [CommitmentScheme::Poseidon, CommitmentScheme::Lego]);
    assert_eq!(commitment, golden("torch_mlp", "commitment_salt_5a"));
    assert_eq!(pallas, golden("torch_mlp", "commitment_pallas_salt_5a"));
}

/// Every statement of the record's version, in every spec, is the code's.
#[test]
fn record_versions_agree_everywhere() {
    let mut seen = 0;
    for name in ["commitment.md", "proof-bundle.md", "circuit-halo2.md"] {
        let d = doc(name);
        for (label, value) in [
            ("`RECORD_VERSION` = ", RECORD_VERSION),
            ("`RECORD_VERSION` | ", RECORD_VERSION),
            ("`OLDEST_RECORD_VERSION` = ", OLDEST_RECORD_VERSION),
        ] {
            for (i, _) in d.text.match_indices(label) {
                let v = leading_int(skip_filler(&d.text[i + label.len()..])).expect("a version number");
                assert_eq!(v, value.to_string(), "{name}: {label}");
                seen += 1;
            }
        }
    }
    assert!(seen >= 5, "the version statements were not found ({seen})");
    let c = doc("commitment.md");
    assert_eq!(
        dec(&c.section("5."), "`zkseal commit` writes `format_version` = `RECORD_VERSION` ="),
        RECORD_VERSION.to_string()
    );
    let p = doc("proof-bundle.md");
    let steps = table(&p.section("6."), "#");
    let step3 = &steps.iter().find(|r| r[0] == "3").expect("step 3")[1];
    assert!(
        step3.starts_with(&format!("`{OLDEST_RECORD_VERSION} ≤ record.format_version ≤ {RECORD_VERSION}`")),
        "{step3}"
    );
    let versions = table(&p.section("8."), "Constant");
    let row = |name: &str| versions.iter().find(|r| r[0] == name).unwrap_or_else(|| panic!("§8: {name}"))[1].clone();
    assert_eq!(row("`RECORD_VERSION`"), RECORD_VERSION.to_string());
    assert_eq!(row("`BUNDLE_VERSION`"), BUNDLE_VERSION.to_string());
    assert_eq!(row("`KEY_VERSION`"), KEY_VERSION.to_string());
    let halo2 = doc("circuit-halo2.md").section("8.");
    assert!(halo2.contains(&format!("format version {OLDEST_RECORD_VERSION} or {RECORD_VERSION}")));
}
