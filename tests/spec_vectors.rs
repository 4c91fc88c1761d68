//! The specs' test vectors, read from `specs/*.md` and recomputed with the crates' code,
//! so that a spec and the code cannot drift apart.
//!
//! Each test reads a markdown file, finds a section by its heading number, extracts the
//! values the text states (by the label that precedes each, such as `e_0 =` or
//! `**Commitment:**`) and compares them with what the code computes. Extraction is strict:
//! a section, label, code block or table row that cannot be found, or is found more than
//! once where one is expected, fails the test. Rewording a vector's label therefore means
//! updating this file, which is the point.
//!
//! Covered: `commitment.md` (Lego blinding §2.3, point encodings §2.5, circomlib's Poseidon
//! §3.1, the header's domain tag §3.3, the Poseidon commitments and their intermediate
//! values §3.6, the circomlibjs constants §3.7, the record examples and versions §5–§6, the
//! Pallas commitment's constants, permutation, calls and commitments §7, the constraint
//! table §2.12); `proof-bundle.md` (the bundle example §5 and its proof bytes §2, the
//! record version in §6 and §8, the `infer --json` example §7.2, the input-file table
//! §7.3); `model-file.md` (varint and op encodings §2–§3, the model file test vector §8);
//! `quantization.md` (the rounding examples §1–§2, the AvgPool and Affine examples §4, the
//! synthetic calibration stream §7.2, `scale_for` §7.3, the worked example §9); and
//! `circuit.md` (the mean-gadget costs of §3).

use ark_bn254::{Fr, G1Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInteger, PrimeField as ArkPrimeField};
use ark_serialize::CanonicalDeserialize;
use ff::{Field, PrimeField};
use halo2_gadgets::poseidon::primitives::{P128Pow5T3, Spec};
use light_poseidon::{Poseidon, PoseidonHasher};
use serde_json::Value;
use zkseal_circuits::commitment::{
    chain_hash, commit, header, pack, packing_plan, slot_value, value_widths, values, Salt, CHUNK, COMMITMENT_VERSION,
    DOMAIN_TAG, PACK_BITS,
};
use zkseal_circuits::format::{architecture_digest, architecture_from_bytes, architecture_to_bytes, hex, FormatError};
use zkseal_circuits::input::{parse_input, parse_jsonl};
use zkseal_circuits::model::float::{FloatLayer, FloatModel};
use zkseal_circuits::model::op::{Op, Window2d};
use zkseal_circuits::quant::arch::{Architecture, LayerWeights, QLayer, Rescale, TensorSpec, Weights};
use zkseal_circuits::quant::eval::{dequantize, evaluate, quantize_input};
use zkseal_circuits::quant::quantize::{calibrate, quantize, synthetic_samples};
use zkseal_circuits::quant::rounding::{div_round, quantize_value, rescale, scale_for, signed_bits};
use zkseal_circuits::r1cs::estimate::constraint_count;
use zkseal_circuits::r1cs::pool::mean_cost;
use zkseal_circuits::r1cs::Scheme;
use zkseal_circuits::{Metadata, Model, QuantConfig};
use zkseal_halo2::{fp_from_hex, fp_hex, Fp};
use zkseal_prover::lego::{blinding, point_hex};
use zkseal_tests::{data, digits_model, DIGITS_MODELS};
use zkseal_verifier::{
    field_to_decimal, parse_point, CommitmentRecord, CommitmentScheme, ProofBundle, BUNDLE_VERSION, KEY_VERSION,
    OLDEST_RECORD_VERSION, PROOF_BYTES, RECORD_VERSION,
};

// ---------------------------------------------------------------------------------------
// Reading the specs

/// One markdown file of `specs/`.
struct Doc {
    name: &'static str,
    text: String,
}

fn doc(name: &'static str) -> Doc {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("specs").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Doc { name, text }
}

/// Lines that are headings (outside code fences): `(line index, level, title)`.
fn headings(text: &str) -> Vec<(usize, usize, String)> {
    let mut fenced = false;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let level = line.chars().take_while(|&c| c == '#').count();
        if level > 0 && line[level..].starts_with(' ') {
            out.push((i, level, line[level..].trim().to_string()));
        }
    }
    out
}

impl Doc {
    /// The body of the one section whose heading title starts with `number` (such as
    /// `3.6.1` or `7.`), up to the next heading of the same or a higher level. A number
    /// matches a title only when followed by a space or a period, so `2.1` does not match
    /// `2.12`.
    fn section(&self, number: &str) -> String {
        let heads = headings(&self.text);
        let found: Vec<&(usize, usize, String)> = heads
            .iter()
            .filter(|(_, _, title)| {
                title
                    .strip_prefix(number)
                    .is_some_and(|rest| rest.starts_with(' ') || (!number.ends_with('.') && rest.starts_with('.')))
            })
            .collect();
        assert_eq!(found.len(), 1, "{}: expected one section '{number}', found {}", self.name, found.len());
        let (start, level, _) = *found[0];
        let end = heads.iter().find(|(i, l, _)| *i > start && *l <= level).map_or(usize::MAX, |(i, _, _)| *i);
        self.text
            .lines()
            .enumerate()
            .filter(|(i, _)| *i > start && *i < end)
            .map(|(_, l)| l)
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// The text right after the one occurrence of `label` in `text`.
fn after<'a>(text: &'a str, label: &str) -> &'a str {
    let n = text.matches(label).count();
    assert_eq!(n, 1, "expected the label {label:?} exactly once, found it {n} times in:\n{text}");
    &text[text.find(label).unwrap() + label.len()..]
}

/// Skips what may sit between a label and its value: spaces, line breaks, backticks,
/// `=`, `:`, `*`.
fn skip_filler(s: &str) -> &str {
    s.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '`' | '=' | ':' | '*'))
}

/// A signed decimal integer at the start of `s` (`−` or `-` for minus), as text without
/// the sign normalised to `-`.
fn leading_int(s: &str) -> Option<String> {
    let (neg, rest) = match s.strip_prefix('−').or_else(|| s.strip_prefix('-')) {
        Some(r) => (true, r),
        None => (false, s),
    };
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    (!digits.is_empty()).then(|| if neg { format!("-{digits}") } else { digits })
}

/// The decimal integer that follows the first occurrence of `label` (which must occur).
fn first_dec(text: &str, label: &str) -> String {
    let i = text.find(label).unwrap_or_else(|| panic!("no label {label:?} in:\n{text}"));
    leading_int(skip_filler(&text[i + label.len()..])).unwrap_or_else(|| panic!("no integer after {label:?}"))
}

/// The decimal integer that follows `label`.
fn dec(text: &str, label: &str) -> String {
    let s = skip_filler(after(text, label));
    leading_int(s).unwrap_or_else(|| panic!("no integer after {label:?}: {:?}", &s[..s.len().min(60)]))
}

fn dec_i64(text: &str, label: &str) -> i64 {
    dec(text, label).parse().unwrap()
}

/// The lowercase hex string that follows `label` (an optional `0x` is skipped).
fn hexv(text: &str, label: &str) -> String {
    let s = skip_filler(after(text, label));
    let s = s.strip_prefix("0x").unwrap_or(s);
    let h: String = s.chars().take_while(|c| c.is_ascii_hexdigit()).collect();
    assert!(!h.is_empty(), "no hex after {label:?}");
    assert_eq!(h, h.to_lowercase(), "hex after {label:?} is not lowercase");
    h
}

/// The fenced code blocks of `text` whose info string is `lang` (`""` for none).
fn code_blocks(text: &str, lang: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<(String, Vec<&str>)> = None;
    for line in text.lines() {
        let t = line.trim_start();
        if let Some(info) = t.strip_prefix("```") {
            match current.take() {
                None => current = Some((info.trim().to_string(), Vec::new())),
                Some((info, body)) => {
                    if info == lang {
                        out.push(body.join("\n"));
                    }
                }
            }
        } else if let Some((_, body)) = current.as_mut() {
            body.push(line);
        }
    }
    assert!(current.is_none(), "unterminated code block");
    out
}

/// The rows of every markdown table whose header row starts with the cell `first`, as
/// trimmed cells (the header and separator rows left out).
fn tables(text: &str, first: &str) -> Vec<Vec<Vec<String>>> {
    let lines: Vec<&str> = text.lines().collect();
    let is_row = |l: &str| l.trim_start().starts_with('|');
    (0..lines.len())
        .filter(|&i| is_row(lines[i]) && (i == 0 || !is_row(lines[i - 1])) && cells(lines[i])[0] == first)
        .map(|i| lines[i + 2..].iter().take_while(|l| is_row(l)).map(|l| cells(l)).collect())
        .collect()
}

/// The rows of the one table whose header row starts with the cell `first`.
fn table(text: &str, first: &str) -> Vec<Vec<String>> {
    let mut found = tables(text, first);
    assert_eq!(found.len(), 1, "expected one table whose first header cell is {first:?}");
    found.remove(0)
}

/// A table row's cells; `\|` inside a cell is a literal bar.
fn cells(line: &str) -> Vec<String> {
    let line = line.trim().trim_start_matches('|').trim_end_matches('|').replace("\\|", "\u{0}");
    line.split('|').map(|c| c.trim().replace('\u{0}', "|")).collect()
}

/// `"`x`"` → `"x"`: a cell or span without its backticks.
fn unquote(s: &str) -> &str {
    s.trim().trim_start_matches('`').trim_end_matches('`')
}

/// Every signed integer in `s`, in order (`−` or `-` for minus).
fn ints(s: &str) -> Vec<i64> {
    let mut out = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        if let Some(n) = leading_int(rest) {
            let neg_len = if rest.starts_with('−') { '−'.len_utf8() } else { usize::from(rest.starts_with('-')) };
            rest = &rest[neg_len + n.trim_start_matches('-').len()..];
            out.push(n.parse().unwrap());
        } else {
            let c = rest.chars().next().unwrap();
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// A float as the specs write it (`−` for minus).
fn float(s: &str) -> f64 {
    s.trim().replace('−', "-").parse().unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

/// Decimal digits of an unsigned hex integer.
fn hex_to_dec(h: &str) -> String {
    let mut limbs: Vec<u64> = vec![0]; // base 10^9, least significant first
    for c in h.chars() {
        let mut carry = c.to_digit(16).expect("hex digit") as u64;
        for l in limbs.iter_mut() {
            let v = *l * 16 + carry;
            *l = v % 1_000_000_000;
            carry = v / 1_000_000_000;
        }
        while carry > 0 {
            limbs.push(carry % 1_000_000_000);
            carry /= 1_000_000_000;
        }
    }
    let mut s = limbs.last().unwrap().to_string();
    for l in limbs.iter().rev().skip(1) {
        s.push_str(&format!("{l:09}"));
    }
    s
}

fn bytes_of_hex(h: &str) -> Vec<u8> {
    assert_eq!(h.len() % 2, 0);
    (0..h.len()).step_by(2).map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap()).collect()
}

fn fr_dec(f: &Fr) -> String {
    field_to_decimal(f)
}

/// An `Fr` as 64 hex digits, big-endian.
fn fr_hex(f: &Fr) -> String {
    hex(&f.into_bigint().to_bytes_be())
}

/// The golden values of one bundled model (`tests/data/golden.json`).
fn golden(model: &str, key: &str) -> String {
    let g: Value = serde_json::from_str(&std::fs::read_to_string(data("golden.json")).unwrap()).unwrap();
    g["models"][model][key].as_str().unwrap_or_else(|| panic!("golden.json: models.{model}.{key}")).to_string()
}

// ---------------------------------------------------------------------------------------
// commitment.md: the Lego scheme

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
// commitment.md: the Poseidon commitment over BN254

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
struct Vector {
    arch: Architecture,
    weights: Weights,
    digest: [u8; 32],
    salt: Salt,
}

fn vector_361(d: &Doc) -> Vector {
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

fn vector_362(d: &Doc) -> Vector {
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

// ---------------------------------------------------------------------------------------
// commitment.md: the record and the versions

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

// ---------------------------------------------------------------------------------------
// commitment.md §7: the Pallas commitment

fn fp_be(f: &Fp) -> Vec<u8> {
    f.to_repr().iter().rev().copied().collect()
}

/// §7.2's permutation, written from the text.
fn permute(s: &mut [Fp; 3], rc: &[[Fp; 3]], mds: &[[Fp; 3]; 3], full: impl Fn(usize) -> bool) {
    for (r, row) in rc.iter().enumerate() {
        for i in 0..3 {
            s[i] += row[i];
        }
        if full(r) {
            for x in s.iter_mut() {
                *x = x.pow_vartime([5]);
            }
        } else {
            s[0] = s[0].pow_vartime([5]);
        }
        let t = *s;
        for i in 0..3 {
            s[i] = mds[i][0] * t[0] + mds[i][1] * t[1] + mds[i][2] * t[2];
        }
    }
}

/// §7.2–§7.4 written from the text: the permutation, one call, the chain.
struct PallasFromText {
    rc: Vec<[Fp; 3]>,
    mds: [[Fp; 3]; 3],
    capacity: Fp,
    full: Vec<bool>,
}

impl PallasFromText {
    fn new(d: &Doc) -> Self {
        let s = d.section("7.2");
        assert!(s.contains("rounds 0–3 and 60–63 are **full**, rounds 4–59 are **partial**"));
        assert!(s.contains("`R_F = 8`") && s.contains("`R_P = 56`") && s.contains("`x ↦ x^5`"));
        let full = (0..64).map(|r| !(4..60).contains(&r)).collect();
        let (rc, mds, _) = <P128Pow5T3 as Spec<Fp, 3, 2>>::constants();
        let c = d.section("7.3");
        let capacity = dec(&c, "`12·2^64 =");
        assert_eq!(capacity, (12u128 << 64).to_string());
        PallasFromText { rc, mds, capacity: Fp::from_u128(capacity.parse().unwrap()), full }
    }

    fn permute(&self, s: &mut [Fp; 3]) {
        permute(s, &self.rc, &self.mds, |r| self.full[r]);
    }

    fn call(&self, x: &[Fp; 12]) -> Fp {
        let mut s = [Fp::ZERO, Fp::ZERO, self.capacity];
        for k in 0..6 {
            s[0] += x[2 * k];
            s[1] += x[2 * k + 1];
            self.permute(&mut s);
        }
        s[0]
    }

    fn chain(&self, f: &[Fp]) -> Fp {
        f.chunks(11).fold(Fp::ZERO, |h, c| {
            let mut x = [Fp::ZERO; 12];
            x[0] = h;
            x[1..=c.len()].copy_from_slice(c);
            self.call(&x)
        })
    }
}

fn fp_of_hex(h: &str) -> Fp {
    fp_from_hex(h).unwrap_or_else(|| panic!("not a canonical Fp: {h}"))
}

#[test]
fn pallas_field_and_constants() {
    let d = doc("commitment.md");
    let s = d.section("7.");
    let block = code_blocks(&s, "").into_iter().next().expect("§7's modulus block");
    let p_hex = hexv(&block, "p_P =");
    assert_eq!(format!("0x{p_hex}"), Fp::MODULUS);
    assert_eq!(dec(&block, "    ="), hex_to_dec(&p_hex));
    assert_eq!(fp_hex(&-Fp::ONE), format!("{}00", p_hex.strip_suffix("01").expect("p_P ends in 01")));
    let lock = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock")).unwrap();
    assert!(lock.contains("name = \"halo2_poseidon\"\nversion = \"0.2.0\""), "the constants' crate");
    assert!(lock.contains("name = \"halo2_gadgets\"\nversion = \"0.6.0\""));

    let c = d.section("7.2");
    assert!(c.contains("`halo2_poseidon` 0.2.0, `src/fp.rs`"));
    let (rc, mds, _) = <P128Pow5T3 as Spec<Fp, 3, 2>>::constants();
    assert_eq!(rc.len(), 64);
    let mut bytes = Vec::new();
    for x in rc.iter().flatten().chain(mds.iter().flatten()) {
        bytes.extend(fp_be(x));
    }
    assert!(c.contains(&format!("({} bytes)", bytes.len().to_string().replace("6432", "6,432"))));
    assert!(c.contains(&format!("the {} constants", bytes.len() / 32)));
    let block = code_blocks(&c, "").into_iter().next().expect("§7.2's constants block");
    assert_eq!(blake3::hash(&bytes).to_hex().to_string(), hexv(&block, "constants digest ="));
    for (i, row) in mds.iter().enumerate() {
        for (j, x) in row.iter().enumerate() {
            assert_eq!(fp_hex(x), hexv(&block, &format!("MDS[{i}][{j}] =")), "MDS[{i}][{j}]");
        }
        assert_eq!(fp_hex(&rc[0][i]), hexv(&block, &format!("RC[0][{i}]  =")), "RC[0][{i}]");
    }
}

#[test]
fn pallas_permutation_and_call_vectors() {
    let d = doc("commitment.md");
    let p = PallasFromText::new(&d);
    let block = code_blocks(&d.section("7.5.1"), "").into_iter().next().expect("§7.5.1's block");
    let mut s = [Fp::ZERO, Fp::ONE, Fp::from(2)];
    p.permute(&mut s);
    for (i, x) in s.iter().enumerate() {
        assert_eq!(fp_hex(x), hexv(&block, &format!("permute(0, 1, 2)[{i}] =")), "permute(0, 1, 2)[{i}]");
    }
    let x: [Fp; 12] = std::array::from_fn(|i| Fp::from(i as u64 + 1));
    let expected = hexv(&block, "H(1, 2, …, 12)");
    assert_eq!(fp_hex(&p.call(&x)), expected, "§7.3 from the text");
    let lib = halo2_gadgets::poseidon::primitives::Hash::<
        _,
        P128Pow5T3,
        halo2_gadgets::poseidon::primitives::ConstantLength<12>,
        3,
        2,
    >::init()
    .hash(x);
    assert_eq!(fp_hex(&lib), expected, "halo2_gadgets");
    assert_eq!(fp_hex(&zkseal_halo2::commitment::chain_hash(&x[1..])), {
        // A chain over 11 elements is one call with x_1 = h_0 = 0.
        let mut y = x;
        y[0] = Fp::ZERO;
        fp_hex(&p.call(&y))
    });
}

/// The Pallas commitment of a §3.6 vector, by the crate and from the text; the sequence
/// `f` it hashes.
fn pallas_of(v: &Vector, p: &PallasFromText) -> (String, Vec<Fp>) {
    let packed = zkseal_halo2::commitment::pack(&values(&v.weights), &value_widths(&v.arch));
    let h = zkseal_halo2::commitment::PublicHeader::new(&v.digest, packed.len());
    let [s_hi, s_lo] = zkseal_halo2::commitment::bytes32_fields(&v.salt.0);
    let mut f: Vec<Fp> = h.before_salt().to_vec();
    f.extend([s_hi, s_lo, h.count]);
    f.extend(packed);
    // §7.1: the same integers as over BN254.
    let mut bn = header(&v.digest, &v.salt, f.len() - 7);
    bn.extend(pack(&values(&v.weights), &value_widths(&v.arch)));
    assert_eq!(f.iter().map(fp_hex).collect::<Vec<_>>(), bn.iter().map(fr_hex).collect::<Vec<_>>());
    let c = fp_hex(&zkseal_halo2::commitment::commit(&v.arch, &v.digest, &v.weights, &v.salt));
    assert_eq!(fp_hex(&p.chain(&f)), c, "§7.4 from the text");
    assert_eq!(fp_hex(&zkseal_halo2::commitment::chain_hash(&f)), c);
    (c, f)
}

#[test]
fn pallas_one_call_vector() {
    let d = doc("commitment.md");
    let p = PallasFromText::new(&d);
    let s = d.section("7.5.2");
    assert!(s.contains("§3.6.1"));
    let (c, f) = pallas_of(&vector_361(&d), &p);
    let blocks = code_blocks(&s, "");
    assert_eq!(blocks.len(), 2);
    assert_eq!(f.len().to_string(), dec(&s, "`L ="));
    for (k, x) in f.iter().enumerate() {
        assert_eq!(fp_hex(x), hexv(&blocks[0], &format!("f_{k} =")), "f_{k}");
    }
    assert_eq!(blocks[0].lines().count(), f.len());
    assert_eq!(c, hexv(&blocks[1], "commitment_pallas ="));
}

#[test]
fn pallas_two_call_vector() {
    let d = doc("commitment.md");
    let p = PallasFromText::new(&d);
    let s = d.section("7.5.3");
    let (c, f) = pallas_of(&vector_362(&d), &p);
    assert_eq!(f.len().to_string(), dec(&s, "`L ="));
    assert_eq!((f.len() - 7).to_string(), dec(&s, "`P ="));
    let block = code_blocks(&s, "").into_iter().next().expect("§7.5.3's block");
    assert_eq!(fp_hex(&p.chain(&f[..11])), hexv(&block, "h_1 ="));
    assert_eq!(fp_hex(&zkseal_halo2::commitment::chain_hash(&f[..11])), hexv(&block, "h_1 ="));
    assert_eq!(c, hexv(&block, "commitment_pallas = h_2 ="));
    assert_eq!(fp_of_hex(&c), zkseal_halo2::commitment::chain_hash(&f));
}

#[test]
fn pallas_bundled_model_vector() {
    let d = doc("commitment.md");
    let p = PallasFromText::new(&d);
    let s = d.section("7.5.4");
    let (_, m) = digits_model("torch_mlp");
    let v = Vector {
        arch: m.arch.clone(),
        weights: m.weights.clone(),
        digest: m.architecture_digest(),
        salt: Salt([0x5a; 32]),
    };
    let (c, _) = pallas_of(&v, &p);
    assert_eq!(c, hexv(&s, "For `torch_mlp` it is"));
    assert_eq!(c, golden("torch_mlp", "commitment_pallas_salt_5a"));
}

// ---------------------------------------------------------------------------------------
// proof-bundle.md

/// The first line of `tests/data/digits/test.jsonl`, as `infer` and `prove` read it.
fn first_test_input() -> Vec<f64> {
    let text = std::fs::read_to_string(data("digits/test.jsonl")).unwrap();
    let (line, values) = parse_jsonl(&text).next().expect("a first line");
    assert_eq!(line, 1);
    values.unwrap()
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
    assert_eq!(listed, ["argmax", "label", "line", "output", "output_int", "output_scale"]);

    let (_, m) = digits_model("torch_mlp");
    let y = evaluate(&m.arch, &m.weights, &quantize_input(&m.arch, &first_test_input()).unwrap()).unwrap();
    let ints: Vec<i64> = obj["output_int"].as_array().unwrap().iter().map(|x| x.as_i64().unwrap()).collect();
    assert_eq!(ints, y.output());
    let floats: Vec<f64> = obj["output"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
    assert_eq!(floats, dequantize(m.arch.output(), y.output()));
    assert_eq!(obj["output_scale"], m.arch.output().scale);
    let best = zkseal_circuits::quant::quantize::argmax(y.output());
    assert_eq!(obj["argmax"], best);

    // The labelled variant.
    let (_, sk) = digits_model("sklearn_mlp");
    let labels: Vec<String> = (0..10).map(|i| i.to_string()).collect();
    assert_eq!(sk.meta.class_labels, labels);
    assert!(s.contains("whose labels\nare `\"0\"` … `\"9\"`") || s.contains("whose labels are `\"0\"` … `\"9\"`"));
    let y = evaluate(&sk.arch, &sk.weights, &quantize_input(&sk.arch, &first_test_input()).unwrap()).unwrap();
    let best = zkseal_circuits::quant::quantize::argmax(y.output());
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

// ---------------------------------------------------------------------------------------
// model-file.md

#[test]
fn varint_examples() {
    let s = doc("model-file.md").section("2.");
    let rows = tables(&s, "Value");
    let examples: Vec<&Vec<String>> =
        rows.iter().flatten().filter(|r| r[0].starts_with("i64") || r[0].starts_with("u32")).collect();
    assert_eq!(examples.len(), 8);
    let config = bincode::config::standard();
    for row in examples {
        let (ty, value) = row[0].split_once(' ').unwrap();
        let n = ints(value);
        assert_eq!(n.len(), 1);
        let bytes = match ty {
            "i64" => bincode::encode_to_vec(n[0], config).unwrap(),
            "u32" => bincode::encode_to_vec(n[0] as u32, config).unwrap(),
            _ => unreachable!(),
        };
        assert_eq!(hex(&bytes), unquote(&row[1]).replace(' ', ""), "{}", row[0]);
    }
}

#[test]
fn op_encoding_examples() {
    let s = doc("model-file.md").section("3.");
    let rows = table(&s, "Value");
    assert_eq!(rows.len(), 3);
    let config = bincode::config::standard();
    for row in rows {
        let v = unquote(&row[0]);
        let op = if v.starts_with("Conv2d{3, 8, kernel [3,3], stride [2,2], pads [1,1,1,1], ceil_mode true}") {
            Op::Conv2d {
                in_channels: 3,
                out_channels: 8,
                window: Window2d { kernel: [3, 3], stride: [2, 2], pads: [1, 1, 1, 1], ceil_mode: true },
            }
        } else if v.starts_with("AvgPool{kernel [2,2], stride [2,2], pads 0, ceil false, count_include_pad true}") {
            Op::AvgPool {
                window: Window2d { kernel: [2, 2], stride: [2, 2], pads: [0; 4], ceil_mode: false },
                count_include_pad: true,
            }
        } else if v == "Transpose{[0,2,1]}" {
            Op::Transpose { perm: vec![0, 2, 1] }
        } else {
            panic!("unknown example {v}")
        };
        assert_eq!(hex(&bincode::encode_to_vec(&op, config).unwrap()), unquote(&row[1]).replace(' ', ""), "{v}");
    }
}

/// The model of `quantization.md` §9 with `model-file.md` §8's metadata.
fn worked_example_model() -> Model {
    let arch = Architecture {
        input: TensorSpec { shape: vec![1, 2], scale: 14, bits: 16 },
        layers: vec![QLayer {
            name: "fc".into(),
            op: Op::Dense { in_features: 2, out_features: 1 },
            output: TensorSpec { shape: vec![1, 1], scale: 14, bits: 16 },
            rescale: Some(Rescale { weight_scale: 11, weight_bits: 12, bias_bits: 28, acc_bits: 30, shift: 11 }),
        }],
    };
    let weights = Weights { layers: vec![LayerWeights { weight: vec![1536, -614], bias: vec![3355443] }] };
    let meta = Metadata {
        source_blake3: "ab".into(),
        producer: "p".into(),
        opset: 13,
        stripped_head: vec!["Softmax".into()],
        class_labels: vec![],
    };
    Model::new(arch, weights, meta).unwrap()
}

#[test]
fn model_file_vector() {
    let s = doc("model-file.md").section("8.");
    let dump = code_blocks(&s, "").into_iter().next().expect("§8's hex dump");
    let mut bytes = Vec::new();
    for line in dump.lines().filter(|l| !l.trim_start().starts_with("--")) {
        for token in line.split_whitespace() {
            if token.len() == 2 && token.chars().all(|c| c.is_ascii_hexdigit()) {
                bytes.push(u8::from_str_radix(token, 16).unwrap());
            } else {
                break;
            }
        }
    }
    assert_eq!(bytes.len().to_string(), dec(&s, "The `.zkq` file\nis"), "the stated length");
    let m = worked_example_model();
    assert_eq!(hex(&m.to_bytes()), hex(&bytes));
    assert_eq!(Model::from_bytes(&bytes).unwrap(), m);
    assert_eq!(hex(&m.model_id()), hexv(&s, "The `model_id` is"));
    assert_eq!(hex(&blake3::hash(&bytes).as_bytes()[..]), hex(&m.model_id()));

    let zka = architecture_to_bytes(&m.arch);
    assert_eq!(zka.len().to_string(), dec(&s, "of the same model is"));
    let head = after(&s, "after the header\n`").split('`').next().unwrap().replace(' ', "");
    assert_eq!(hex(&zka[..12]), head);
    let (from, to) = {
        let t = after(&s, "the `.zkq` bytes ");
        let n = ints(t.split(' ').next().unwrap());
        (n[0] as usize, n[1] as usize)
    };
    assert_eq!(zka[12..], bytes[from..to]);
    assert_eq!(hex(&architecture_digest(&m.arch)), hexv(&s, "Its architecture digest is"));

    // The two refusals.
    let mut bad = zka.clone();
    let at = 12 + 4; // input spec: shape [1,2] (3 bytes), scale (1 byte), then bits
    assert_eq!(bad[at], 0x10);
    assert!(s.contains("Changing the `bits` byte `10` of `.zka` input spec to `fb 10 00` gives `NonCanonical`"));
    bad.splice(at..at + 1, [0xfb, 0x10, 0x00]);
    assert!(matches!(architecture_from_bytes(&bad), Err(FormatError::NonCanonical)));
    assert!(s.contains("Appending a byte gives `Trailing(1)`"));
    let mut long = zka.clone();
    long.push(0);
    assert!(matches!(architecture_from_bytes(&long), Err(FormatError::Trailing(1))));
}

// ---------------------------------------------------------------------------------------
// quantization.md

/// Arguments as the specs write them: integers, decimals, `2^k`.
fn arg(s: &str) -> f64 {
    match s.trim().split_once('^') {
        Some((b, e)) => float(b).powi(float(e) as i32),
        None => float(s),
    }
}

/// Every `` `f(a, b) = r` `` example of `f` in `text`: `(arguments, result)`.
fn calls(text: &str, f: &str) -> Vec<(Vec<f64>, i64)> {
    let pattern = format!("`{f}(");
    let numeric = |a: &str| {
        let a = a.trim().replace('−', "-");
        !a.is_empty() && a.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '^'))
    };
    text.match_indices(&pattern)
        .filter_map(|(i, _)| {
            let rest = &text[i + pattern.len()..];
            let close = rest.find(')').unwrap();
            let args: Vec<&str> = rest[..close].split(',').collect();
            // `f(a, k)` names the function; only calls on numbers are examples.
            if !args.iter().all(|a| numeric(a)) {
                return None;
            }
            let result = rest[close + 1..].trim_start().strip_prefix('=').map(str::trim_start).and_then(leading_int);
            let result =
                result.unwrap_or_else(|| panic!("`{f}(…)` on numbers without `= result`: {:?}", &rest[..close + 1]));
            Some((args.into_iter().map(arg).collect(), result.parse().unwrap()))
        })
        .collect()
}

#[test]
fn rounding_function_examples() {
    let d = doc("quantization.md");
    let mut seen = 0;
    for (args, r) in calls(&d.text, "signed_bits") {
        assert_eq!(signed_bits(args[0] as u128) as i64, r, "signed_bits{args:?}");
        seen += 1;
    }
    for (args, r) in calls(&d.text, "rescale") {
        assert_eq!(rescale(args[0] as i64, args[1] as u32), r, "rescale{args:?}");
        seen += 1;
    }
    for (args, r) in calls(&d.text, "div_round") {
        assert_eq!(div_round(args[0] as i64, args[1] as u64), r, "div_round{args:?}");
        seen += 1;
    }
    for (args, r) in calls(&d.text, "scale_for") {
        assert_eq!(scale_for(args[0], args[1]) as i64, r, "scale_for{args:?}");
        seen += 1;
    }
    assert!(seen >= 2 + 4 + 1 + 3, "the examples were not found ({seen})");

    // §2.1: quantize_value.
    let s = d.section("2.1");
    let ex = after(&s, "Examples:").split("\n\n").next().unwrap();
    let spans: Vec<&str> = ex.split('`').skip(1).step_by(2).collect();
    assert_eq!(spans, ["0.5 → 1", "−0.5 → 0", "−0.625", "→ −2", "1e30"]);
    for span in &spans[..2] {
        let (v, q) = span.split_once(" → ").unwrap();
        assert_eq!(quantize_value(float(v), 0), Some(float(q) as i64), "{span}");
    }
    assert!(ex.contains("`−0.625` at scale 2 (that is, −2.5) `→ −2`"));
    assert_eq!(quantize_value(-0.625, 2), Some(-2));
    assert!(
        ex.contains("NaN, ∞ and `1e30`\nat scale 0 are refused")
            || ex.contains("NaN, ∞ and `1e30` at scale 0 are refused")
    );
    for v in [f64::NAN, f64::INFINITY, 1e30] {
        assert_eq!(quantize_value(v, 0), None, "{v}");
    }
    assert!(s.contains("`fl(x + 0.5)` would not be: it rounds\n   `0.49999999999999994` up to 1"));
    assert_eq!(0.49999999999999994_f64 + 0.5, 1.0);
    assert_eq!(quantize_value(0.49999999999999994, 0), Some(0));

    // §2.3: div_round as fractions.
    let s = d.section("2.3");
    let ex = after(&s, "Examples:").lines().next().unwrap();
    let spans: Vec<&str> = ex.split('`').skip(1).step_by(2).collect();
    assert_eq!(spans.len(), 3);
    for span in spans {
        let (frac, q) = span.split_once(" → ").unwrap();
        let (a, b) = frac.split_once('/').unwrap();
        assert_eq!(div_round(float(a) as i64, float(b) as u64), float(q) as i64, "{span}");
    }
}

#[test]
fn pooling_and_affine_examples() {
    let d = doc("quantization.md");
    let s = d.section("4.1");
    assert!(s.contains("a `2×2` input `[1,2,3,4]` with kernel 3, stride 1 and pad 1 gives four windows"));
    let rows = table(&s, "Divisor");
    assert_eq!(rows.len(), 2);
    let window = Window2d { kernel: [3, 3], stride: [1, 1], pads: [1, 1, 1, 1], ceil_mode: false };
    for row in rows {
        let count_include_pad = row[0].starts_with("`padded_area");
        let n = ints(&row[0])[0];
        for (col, input) in [(1, [1i64, 2, 3, 4]), (2, [-1, -2, -3, -4])] {
            let expected = *ints(&row[col]).last().unwrap();
            assert_eq!(div_round(input.iter().sum(), n as u64), expected, "{row:?}");
            // And the evaluator on that input: four windows, each holding all four values.
            let spec = TensorSpec { shape: vec![1, 1, 2, 2], scale: 0, bits: 16 };
            let arch = Architecture {
                input: spec.clone(),
                layers: vec![QLayer {
                    name: "p".into(),
                    op: Op::AvgPool { window: window.clone(), count_include_pad },
                    output: spec,
                    rescale: None,
                }],
            };
            arch.validate().unwrap();
            let y = evaluate(&arch, &Weights { layers: vec![] }, &input).unwrap();
            assert_eq!(y.output(), [expected; 4], "{row:?}");
        }
    }

    // §4: Affine broadcasting.
    let s = d.section("4.");
    let ex = after(&s, "Example: `P = [2,1,1]`");
    assert!(ex.starts_with(" with `x` of shape `[1,2,1,2]` gives\nchannel 0 `(x·3+1)` and channel 1 `(x·(−2)+0)`. With shift 1, the inputs"));
    let io = after(ex, "With shift 1, the inputs");
    let (input, output) = io.split_once("give").unwrap();
    let input = ints(input);
    let output = ints(output.split('.').next().unwrap());
    let arch = Architecture {
        input: TensorSpec { shape: vec![1, 2, 1, 2], scale: 1, bits: 16 },
        layers: vec![QLayer {
            name: "a".into(),
            op: Op::Affine { param_shape: vec![2, 1, 1] },
            output: TensorSpec { shape: vec![1, 2, 1, 2], scale: 1, bits: 16 },
            rescale: Some(Rescale { weight_scale: 1, weight_bits: 8, bias_bits: 8, acc_bits: 24, shift: 1 }),
        }],
    };
    arch.validate().unwrap();
    let weights = Weights { layers: vec![LayerWeights { weight: vec![3, -2], bias: vec![1, 0] }] };
    arch.check_weights(&weights).unwrap();
    assert_eq!(evaluate(&arch, &weights, &input).unwrap().output(), output);
}

#[test]
fn synthetic_calibration_stream() {
    let s = doc("quantization.md").section("7.2");
    assert!(s.contains("state = 0x5eed2a1c0ffee000"));
    let block = code_blocks(&s, "").into_iter().nth(1).expect("§7.2's first six values");
    let listed: Vec<f64> = block.split_whitespace().map(float).collect();
    assert_eq!(listed.len(), 6);
    assert_eq!(synthetic_samples(1, 6)[0], listed);
    // Written in shortest round-trip form, so the text is exactly the value.
    let text: Vec<String> = block.split_whitespace().map(|t| t.replace('−', "-")).collect();
    assert_eq!(text, listed.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>());
    assert_eq!(synthetic_samples(2, 3).concat(), listed, "one stream, sample after sample");
}

/// The last integer of the one backtick span that starts with `label`.
fn span_result(text: &str, label: &str) -> i64 {
    let rest = after(text, &format!("`{label}"));
    let span = &rest[..rest.find('`').unwrap()];
    let last = span.rsplit("= ").next().unwrap();
    *ints(last).last().unwrap_or_else(|| panic!("`{label}…`: no result"))
}

#[test]
fn worked_example() {
    let d = doc("quantization.md");
    let s = d.section("9.");
    assert!(s.contains("`Dense(2→1)` layer with `W = [[0.75, −0.3]]` and\n`b = [0.1]`"));
    assert!(s.contains("The calibration samples are `[1.0, −0.5]` and `[0.25, 0.9]`"));
    let float_model = FloatModel {
        input_shape: vec![1, 2],
        layers: vec![FloatLayer {
            name: "fc".into(),
            op: Op::Dense { in_features: 2, out_features: 1 },
            output_shape: vec![1, 1],
            params: Some((vec![0.75, -0.3], vec![0.1])),
        }],
    };
    let samples = vec![vec![1.0, -0.5], vec![0.25, 0.9]];
    let cal = calibrate(&float_model, &samples).unwrap();
    assert_eq!(cal.input_max, 1.0);
    assert_eq!(cal.layer_max, [1.0]);
    let (arch, weights) = quantize(&float_model, &cal, &QuantConfig::default()).unwrap();
    let r = arch.layers[0].rescale.clone().unwrap();
    assert_eq!(arch.input.scale as i64, span_result(&s, "scale_for(1.0, 2^14) ="));
    assert_eq!(r.weight_scale as i64, span_result(&s, "scale_for(0.75, 2047) ="));
    assert!(s.contains(&format!("so `weight_scale = {}`", r.weight_scale)));
    assert_eq!((arch.input.scale + r.weight_scale) as i64, span_result(&s, "acc_scale ="));
    assert_eq!(arch.layers[0].output.scale as i64, span_result(&s, "out_scale ="));
    assert_eq!(r.shift as i64, span_result(&s, "shift ="));
    let wq = after(&s, "`W_q = ");
    let wq = &wq[..wq.find('`').unwrap()];
    assert_eq!(weights.layers[0].weight, ints(wq.rsplit("= ").next().unwrap()));
    assert_eq!(weights.layers[0].bias, [span_result(&s, "b_q =")]);
    assert_eq!(r.bias_bits as i64, span_result(&s, "bias_bits ="));
    assert_eq!(r.acc_bits as i64, span_result(&s, "acc_bits ="));
    assert_eq!(span_result(&s, "products_bits ="), 28);

    // Evaluation on the first sample.
    let x = quantize_input(&arch, &samples[0]).unwrap();
    assert_eq!(x, ints(after(&s, "`x_q = ").split('`').next().unwrap()));
    let acc = weights.layers[0].bias[0] + x[0] * weights.layers[0].weight[0] + x[1] * weights.layers[0].weight[1];
    assert_eq!(acc, span_result(&s, "a ="));
    let y = evaluate(&arch, &weights, &x).unwrap();
    assert_eq!(y.output(), [span_result(&s, "y =")]);
    assert_eq!(zkseal_circuits::quant::rounding::rescale_remainder(acc, r.shift), span_result(&s, "r ="));
    assert!(s.contains(&format!("`{} / 2^14 = {:?}`", y.output()[0], dequantize(arch.output(), y.output())[0])));

    // model-file.md §8 is this model.
    let m = worked_example_model();
    assert_eq!((arch, weights), (m.arch, m.weights));
}

// ---------------------------------------------------------------------------------------
// circuit.md

#[test]
fn mean_gadget_costs() {
    let s = doc("circuit.md").text;
    let ex = after(&s, "Examples with `B = 16`:").split(".\n").next().unwrap().to_string();
    let pieces: Vec<&str> = ex.split(", ").collect();
    assert_eq!(pieces.len(), 3, "{ex}");
    for piece in pieces {
        let n: usize = dec(piece, "`n =").parse().unwrap();
        let cost = *ints(piece.rsplit('=').next().unwrap()).last().unwrap();
        assert_eq!(mean_cost(n, 16) as i64, cost, "{piece}");
    }
}
