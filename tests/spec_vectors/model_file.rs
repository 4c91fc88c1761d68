//! `model-file.md`: the varint and op encodings §2–§3, the model file test vector §8.

use zkseal_core::format::{architecture_digest, architecture_from_bytes, architecture_to_bytes, hex, FormatError};
use zkseal_core::model::op::{Op, Window2d};
use zkseal_core::quant::arch::{Architecture, LayerWeights, QLayer, Rescale, TensorSpec, Weights};
use zkseal_core::{Metadata, Model};

use crate::extract::{after, code_blocks, dec, doc, hexv, ints, table, tables, unquote};

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
pub(crate) fn worked_example_model() -> Model {
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
        calibration: None,
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
