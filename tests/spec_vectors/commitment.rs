//! `commitment.md` §2–§3: the Lego scheme (the blinding §2.3, point encodings §2.5, the
//! constraint table §2.12) and the Poseidon commitment over BN254 (circomlib's Poseidon
//! §3.1, the header's domain tag §3.3, the vectors of §3.6, the circomlibjs constants
//! §3.7).

use ark_bn254::{Fr, G1Affine};
use ark_ec::AffineRepr;
use ark_ff::PrimeField;
use light_poseidon::{Poseidon, PoseidonHasher};
use serde_json::Value;
use zkseal_core::commitment::{
    packing_plan, slot_value, value_widths, values, Salt, CHUNK, COMMITMENT_VERSION, DOMAIN_TAG, PACK_BITS,
};
use zkseal_core::format::hex;
use zkseal_core::model::op::Op;
use zkseal_core::quant::arch::{Architecture, LayerWeights, QLayer, Rescale, TensorSpec, Weights};
use zkseal_prover::lego::{blinding, point_hex};
use zkseal_r1cs::commitment::{chain_hash, commit, header, pack};
use zkseal_r1cs::estimate::constraint_count;
use zkseal_r1cs::Scheme;
use zkseal_tests::{data, digits_model, DIGITS_MODELS};
use zkseal_verifier::parse_point;

use crate::extract::{
    after, code_blocks, dec, dec_i64, doc, first_dec, hexv, ints, leading_int, skip_filler, table, unquote, Doc,
};
use crate::{fr_dec, fr_hex, golden, hex_to_dec};

// ---------------------------------------------------------------------------------------
// The Lego scheme

#[test]
fn lego_blinding_vector() {
    let d = doc("commitment.md");
    let s = d.section("2.3");
    let block = code_blocks(&s, "").into_iter().next().expect("§2.3's formula block");
    let context = after(&block, "context = \"").split('"').next().unwrap().to_string();
    assert!(s.contains(&format!("those {} ASCII bytes", context.len())), "the context's length");
    let policy = table(&d.section("6."), "Constant");
    assert!(policy[0][0].contains(&format!("blinding context `\"{context}\"`")), "§6 names the same context");
    let salt_byte = u8::from_str_radix(&hexv(&s, "salt = 32 bytes of"), 16).unwrap();
    let salt = Salt([salt_byte; 32]);
    let expected = dec(&s, "`r = ");

    // §2.3's construction, from the text.
    let mut wide = [0u8; 64];
    blake3::Hasher::new_derive_key(&context).update(&salt.0).finalize_xof().fill(&mut wide);
    let r = Fr::from_le_bytes_mod_order(&wide);
    assert_eq!(fr_dec(&r), expected, "§2.3 from the text");
    assert_eq!(fr_dec(&blinding(&salt)), expected, "lego::blinding");
    let g: Value = serde_json::from_str(&std::fs::read_to_string(data("golden.json")).unwrap()).unwrap();
    assert_eq!(g["lego_blinding_salt_5a"].as_str(), Some(expected.as_str()));
    assert_eq!(salt_byte, 0x5a);
}

#[test]
fn point_encoding_vectors() {
    let s = doc("commitment.md").section("2.5");
    let g = G1Affine::generator();
    assert_eq!(g.x().unwrap(), ark_bn254::Fq::from(1u64));
    assert_eq!(g.y().unwrap(), ark_bn254::Fq::from(2u64));
    assert_eq!(point_hex(&g), hexv(&s, "the G1 generator `(1, 2)` is"));
    assert_eq!(point_hex(&-g), hexv(&s, "`(1, q − 2)` is"));
    for text in [point_hex(&g), point_hex(&-g)] {
        assert_eq!(parse_point("test", &text).unwrap(), if text.ends_with("00") { g } else { -g });
    }
}

#[test]
fn constraint_table_matches_the_estimates() {
    let s = doc("commitment.md").section("2.12");
    let rows = table(&s, "Model");
    assert_eq!(rows.len(), DIGITS_MODELS.len(), "§2.12 lists every bundled model");
    for row in rows {
        let name = unquote(&row[0]);
        assert!(DIGITS_MODELS.contains(&name), "{name}");
        let (_, m) = digits_model(name);
        let num = |c: &str| c.replace(',', "").parse::<u64>().unwrap();
        assert_eq!(num(&row[1]), constraint_count(&m.arch, Scheme::Lego, 1), "{name}: Lego");
        assert_eq!(num(&row[2]), constraint_count(&m.arch, Scheme::Poseidon, 1), "{name}: Poseidon");
    }
}

// ---------------------------------------------------------------------------------------
// The Poseidon commitment over BN254

#[test]
fn circomlib_poseidon_vectors() {
    let s = doc("commitment.md").section("3.1");
    for (label, inputs) in [("`poseidon([1,2])` =", vec![1u64, 2]), ("`poseidon([1,2,3,4])` =", vec![1, 2, 3, 4])] {
        let mut h = Poseidon::<Fr>::new_circom(inputs.len()).unwrap();
        let v: Vec<Fr> = inputs.iter().map(|&x| Fr::from(x)).collect();
        assert_eq!(fr_dec(&h.hash(&v).unwrap()), dec(&s, label), "{label}");
    }
    let rounds = table(&s, "Parameter");
    let row = |name: &str| rounds.iter().find(|r| r[0] == name).unwrap_or_else(|| panic!("row {name}"))[1].clone();
    assert!(row("state width `t`").starts_with("13"));
    assert!(row("full rounds").starts_with("8"));
    assert!(row("partial rounds").starts_with("**65**"));
}

#[test]
fn header_domain_tag() {
    let s = doc("commitment.md").section("3.3");
    let tag_hex = hexv(&s, "read as a big-endian integer:");
    assert_eq!(tag_hex, hex(DOMAIN_TAG));
    assert!(s.contains(&format!("`{}` ({} bytes)", std::str::from_utf8(DOMAIN_TAG).unwrap(), DOMAIN_TAG.len())));
    let tag_dec = dec(&s, &format!("{tag_hex}` ="));
    assert_eq!(tag_dec, hex_to_dec(&tag_hex));
    let h = header(&[0; 32], &Salt([0; 32]), 0);
    assert_eq!(fr_dec(&h[0]), tag_dec);
    assert_eq!(fr_dec(&Fr::from_be_bytes_mod_order(DOMAIN_TAG)), tag_dec);
    let rows = table(&s, "#");
    assert_eq!(rows.len(), 7);
    assert_eq!(rows[1][1], "`COMMITMENT_VERSION`");
    assert_eq!(unquote(&rows[1][2]), COMMITMENT_VERSION.to_string());
    assert_eq!(fr_dec(&h[1]), COMMITMENT_VERSION.to_string());
}

/// One `Dense { in_features: n, out_features: 1 }` layer of the given widths, as §3.6.1
/// describes it.
fn dense_model(n: u32, weight_bits: u32, bias_bits: u32, bias: i64) -> (Architecture, Weights) {
    let rescale = Rescale { weight_scale: 0, weight_bits, bias_bits, acc_bits: 40, shift: 0 };
    let arch = Architecture {
        input: TensorSpec { shape: vec![1, n], scale: 0, bits: 8 },
        layers: vec![QLayer {
            name: "d".into(),
            op: Op::Dense { in_features: n, out_features: 1 },
            output: TensorSpec { shape: vec![1, 1], scale: 0, bits: 8 },
            rescale: Some(rescale),
        }],
    };
    let weight: Vec<i64> = (0..n as i64).map(|i| (i * 997 % 4096) - 2048).collect();
    (arch, Weights { layers: vec![LayerWeights { weight, bias: vec![bias] }] })
}

/// The model, digest and salt a §3.6 vector describes.
pub(crate) struct Vector {
    pub(crate) arch: Architecture,
    pub(crate) weights: Weights,
    pub(crate) digest: [u8; 32],
    pub(crate) salt: Salt,
}

pub(crate) fn vector_361(d: &Doc) -> Vector {
    let s = d.section("3.6.1");
    assert!(s.contains("`w[i] = (i·997 mod 4096) − 2048`"), "§3.6.1's weight formula");
    let n = dec(&s, "in_features:").parse().unwrap();
    assert_eq!(dec(&s, "out_features:"), "1");
    let (arch, weights) = dense_model(
        n,
        dec(&s, "`weight_bits =").parse().unwrap(),
        dec(&s, "`bias_bits =").parse().unwrap(),
        dec_i64(&s, "the bias is"),
    );
    let digest = u8::from_str_radix(&hexv(&s, "The architecture digest is 32 bytes of"), 16).unwrap();
    let salt = u8::from_str_radix(&hexv(&s, "the salt is 32 bytes of"), 16).unwrap();
    Vector { arch, weights, digest: [digest; 32], salt: Salt([salt; 32]) }
}

pub(crate) fn vector_362(d: &Doc) -> Vector {
    let first = vector_361(d);
    let s = d.section("3.6.2");
    assert!(s.contains("`w[i] = (i·997 mod 4096) − 2048`"), "§3.6.2's weight formula");
    assert!(
        s.contains("The digest\nand salt are the same as in 3.6.1")
            || s.contains("The digest and salt are the same as in 3.6.1")
    );
    let n = dec(&s, "in_features:").parse().unwrap();
    let widths = value_widths(&first.arch);
    let (arch, weights) = dense_model(n, widths[0], *widths.last().unwrap(), dec_i64(&s, "the bias is"));
    assert_eq!(dec(&s, "(width"), widths.last().unwrap().to_string());
    Vector { arch, weights, digest: first.digest, salt: first.salt }
}

#[test]
fn poseidon_one_call_vector() {
    let d = doc("commitment.md");
    let s = d.section("3.6.1");
    let v = vector_361(&d);
    let vals = values(&v.weights);
    let widths = value_widths(&v.arch);

    // Widths and values as listed.
    let w = ints(after(&s, "- Widths:").lines().next().unwrap());
    assert_eq!(w.len(), 3, "“Widths: K × `w`, then `b`”");
    assert_eq!(widths, [vec![w[1] as u32; w[0] as usize], vec![w[2] as u32]].concat());
    let listed = ints(after(&s, "- Values:").split("\n- ").next().unwrap());
    assert_eq!(listed, vals);

    // Plan and slot values.
    let plan = packing_plan(&widths);
    assert_eq!(plan.len().to_string(), dec(&s, "`P ="));
    assert_eq!(plan[0].iter().map(|&(_, off)| off).collect::<Vec<_>>(), (0..20).map(|k| 12 * k).collect::<Vec<_>>());
    assert_eq!(plan[0].last().unwrap().1.to_string(), dec(&s, "holds values 0–19 at offsets `0, 12, …,"));
    assert_eq!(plan[1].last().unwrap(), &(30, dec(&s, "the bias at offset").parse().unwrap()));
    let plan_text = after(&s, "- Plan:").split("\n- ").next().unwrap();
    assert_eq!(plan[1][9].0, 29);
    assert!(plan_text.contains(&format!("at offsets `0, 12, …, {}`", plan[1][9].1)));
    for k in [0usize, 1, 19, 20, 29] {
        assert_eq!(slot_value(vals[k], widths[k]).to_string(), dec(plan_text, &format!("`u_{k} =")), "u_{k}");
    }
    assert_eq!(slot_value(vals[30], widths[30]).to_string(), dec(plan_text, "bias `u_30 ="));

    // Packed elements, decimal and hex.
    let packed = pack(&vals, &widths);
    let block = code_blocks(&s, "").into_iter().next().expect("§3.6.1's e_k block");
    for (k, e) in packed.iter().enumerate() {
        let part = after(&block, &format!("e_{k} =")).split("\ne_").next().unwrap();
        assert_eq!(fr_dec(e), leading_int(skip_filler(part)).unwrap(), "e_{k}");
        let hex_text = after(part, "(hex ");
        let h: String = hex_text.chars().take_while(char::is_ascii_hexdigit).collect();
        assert_eq!(fr_hex(e).trim_start_matches('0'), h.trim_start_matches('0'), "e_{k} in hex");
    }
    assert_eq!(block.matches("e_").count(), packed.len(), "§3.6.1 lists every e_k");

    // Header.
    let h = header(&v.digest, &v.salt, packed.len());
    let hdr = after(&s, "- Header").split("\n- ").next().unwrap();
    assert_eq!(fr_dec(&h[0]), dec(hdr, "`f_0 ="));
    assert_eq!(fr_dec(&h[1]), dec(hdr, "`f_1 ="));
    assert_eq!((fr_dec(&h[2]), fr_dec(&h[3])), (dec(hdr, "`f_2 = f_3 ="), dec(hdr, "`f_2 = f_3 =")));
    assert_eq!((fr_dec(&h[4]), fr_dec(&h[5])), (dec(hdr, "`f_4 = f_5 ="), dec(hdr, "`f_4 = f_5 =")));
    assert_eq!(fr_dec(&h[6]), dec(hdr, "`f_6 ="));

    // The commitment, from the parts and from `commit`.
    let expected = dec(&s, "**Commitment:**");
    let mut fields = h.clone();
    fields.extend(packed);
    assert!(fields.len() <= CHUNK, "one call");
    assert_eq!(fr_dec(&chain_hash(&fields)), expected);
    let mut inputs = vec![Fr::from(0u64)];
    inputs.extend(&fields);
    inputs.resize(12, Fr::from(0u64));
    assert_eq!(
        fr_dec(&Poseidon::<Fr>::new_circom(12).unwrap().hash(&inputs).unwrap()),
        expected,
        "Poseidon12 directly"
    );
    assert_eq!(fr_dec(&commit(&v.arch, &v.digest, &v.weights, &v.salt)), expected);
}

#[test]
fn poseidon_two_call_vector() {
    let d = doc("commitment.md");
    let s = d.section("3.6.2");
    let v = vector_362(&d);
    let vals = values(&v.weights);
    let widths = value_widths(&v.arch);
    let packed = pack(&vals, &widths);
    assert_eq!(packed.len().to_string(), first_dec(&s, "`P ="));
    assert_eq!((7 + packed.len()).to_string(), dec(&s, "`L ="));
    let block = code_blocks(&s, "").into_iter().next().expect("§3.6.2's block");
    for (k, e) in packed.iter().enumerate() {
        assert_eq!(fr_dec(e), dec(&block, &format!("e_{k} =")), "e_{k}");
    }
    assert_eq!(fr_dec(packed.last().unwrap()), dec(&s, "the bias alone\n(`e_5 =").to_string());
    let mut fields = header(&v.digest, &v.salt, packed.len());
    fields.extend(packed);
    assert_eq!(fr_dec(&chain_hash(&fields[..CHUNK])), dec(&block, "h_1 ="), "h_1");
    let expected = dec(&block, "commitment = h_2 =");
    assert_eq!(fr_dec(&chain_hash(&fields)), expected);
    assert_eq!(fr_dec(&commit(&v.arch, &v.digest, &v.weights, &v.salt)), expected);

    // The note after the vectors: torch_mlp's value count and packed elements.
    let note = after(&s, "for `tests/data/models/torch_mlp.onnx` (");
    let (_, m) = digits_model("torch_mlp");
    let widths = value_widths(&m.arch);
    assert_eq!(widths.len().to_string(), leading_int(note).unwrap(), "torch_mlp's values");
    assert_eq!(packing_plan(&widths).len().to_string(), dec(note, "`P ="), "torch_mlp's packed elements");
}

#[test]
fn bundled_model_commitment() {
    let s = doc("commitment.md").section("3.6.3");
    let (_, m) = digits_model("torch_mlp");
    let expected = dec(&s, "For `torch_mlp` the commitment is");
    assert_eq!(fr_dec(&commit(&m.arch, &m.architecture_digest(), &m.weights, &Salt([0x5a; 32]))), expected);
    assert_eq!(golden("torch_mlp", "commitment_salt_5a"), expected);
    assert!(s.contains("salt of 32 bytes `0x5a`"));
}

#[test]
fn circomlibjs_constants() {
    let s = doc("commitment.md").section("3.7");
    let js = code_blocks(&s, "js").into_iter().next().expect("§3.7's JavaScript");
    assert_eq!(dec(&js, "const PACK_BITS ="), PACK_BITS.to_string());
    assert_eq!(dec(&js, "i < fields.length; i +="), CHUNK.to_string());
    assert!(js.contains(&format!("{}n,", COMMITMENT_VERSION)) && js.contains("// COMMITMENT_VERSION"));
    assert!(js.contains(&format!("Buffer.from(\"{}\", \"ascii\")", std::str::from_utf8(DOMAIN_TAG).unwrap())));
}
