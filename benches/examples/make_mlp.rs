//! Writes a random fully connected network as ONNX, with calibration and test inputs,
//! for the scaling study (`benches/README.md`, "Scaling").
//!
//! `cargo run --release -p zkseal-benches --example make_mlp -- 64,128,10 DIR`
//! writes `DIR/mlp_64_128_10.onnx` (Gemm + Relu layers, He-scaled uniform weights from
//! a fixed seed: benchmark fixtures, not trained models), `DIR/…_cal.json` (32 inputs, concatenated)
//! and `DIR/…_input.json` (one input). Inputs are uniform in [0, 1).

use std::path::PathBuf;

use onnx_protobuf::tensor_shape_proto::{dimension, Dimension};
use onnx_protobuf::{
    type_proto, GraphProto, Message, ModelProto, NodeProto, OperatorSetIdProto, TensorProto, TensorShapeProto,
    TypeProto, ValueInfoProto,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn value_info(name: &str, dims: &[i64]) -> ValueInfoProto {
    let dim =
        dims.iter().map(|&d| Dimension { value: Some(dimension::Value::DimValue(d)), ..Default::default() }).collect();
    let tensor = type_proto::Tensor {
        elem_type: 1,
        shape: Some(TensorShapeProto { dim, ..Default::default() }).into(),
        ..Default::default()
    };
    ValueInfoProto {
        name: name.into(),
        type_: Some(TypeProto { value: Some(type_proto::Value::TensorType(tensor)), ..Default::default() }).into(),
        ..Default::default()
    }
}

fn node(op: &str, name: String, inputs: &[&str], output: &str) -> NodeProto {
    NodeProto {
        name,
        op_type: op.into(),
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: vec![output.to_string()],
        ..Default::default()
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, widths, dir] = &args[..] else {
        eprintln!("usage: make_mlp WIDTHS (e.g. 64,128,10) DIR");
        std::process::exit(2);
    };
    let widths: Vec<i64> = widths.split(',').map(|w| w.parse().expect("widths are integers")).collect();
    assert!(widths.len() >= 2 && widths.iter().all(|&w| w > 0), "at least two positive widths");
    let stem = format!("mlp_{}", widths.iter().map(|w| w.to_string()).collect::<Vec<_>>().join("_"));
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("create DIR");
    let mut rng = StdRng::seed_from_u64(widths.iter().sum::<i64>() as u64);

    let (mut nodes, mut inits) = (Vec::new(), Vec::new());
    let mut cur = "x".to_string();
    let mut params = 0usize;
    for (i, pair) in widths.windows(2).enumerate() {
        let (n_in, n_out) = (pair[0], pair[1]);
        let bound = (6.0 / n_in as f32).sqrt();
        let w: Vec<f32> = (0..n_in * n_out).map(|_| rng.gen_range(-bound..bound)).collect();
        let b: Vec<f32> = (0..n_out).map(|_| rng.gen_range(-0.1..0.1)).collect();
        params += w.len() + b.len();
        let (wn, bn, y) = (format!("W{i}"), format!("b{i}"), format!("h{i}"));
        inits.push(TensorProto {
            name: wn.clone(),
            dims: vec![n_out, n_in],
            data_type: 1,
            float_data: w,
            ..Default::default()
        });
        inits.push(TensorProto {
            name: bn.clone(),
            dims: vec![n_out],
            data_type: 1,
            float_data: b,
            ..Default::default()
        });
        let mut gemm = node("Gemm", format!("gemm{i}"), &[&cur, &wn, &bn], &y);
        gemm.attribute.push(onnx_protobuf::AttributeProto {
            name: "transB".into(),
            i: 1,
            type_: onnx_protobuf::attribute_proto::AttributeType::INT.into(),
            ..Default::default()
        });
        nodes.push(gemm);
        cur = y;
        if i + 2 < widths.len() {
            let r = format!("r{i}");
            nodes.push(node("Relu", format!("relu{i}"), &[&cur], &r));
            cur = r;
        }
    }
    let graph = GraphProto {
        name: stem.clone(),
        node: nodes,
        initializer: inits,
        input: vec![value_info("x", &[1, widths[0]])],
        output: vec![value_info(&cur, &[1, *widths.last().unwrap()])],
        ..Default::default()
    };
    let model = ModelProto {
        ir_version: 8,
        producer_name: "zkseal make_mlp".into(),
        opset_import: vec![OperatorSetIdProto { domain: String::new(), version: 13, ..Default::default() }],
        graph: Some(graph).into(),
        ..Default::default()
    };
    std::fs::write(dir.join(format!("{stem}.onnx")), model.write_to_bytes().expect("encode")).expect("write onnx");
    // EZKL's input formats, which `zkseal import --calibration` and `prove --input` also
    // read: one object, the calibration samples concatenated.
    let mut samples = |n: i64| {
        let x: Vec<f64> = (0..n * widths[0]).map(|_| (rng.gen::<f64>() * 1000.0).round() / 1000.0).collect();
        serde_json::json!({ "input_data": [x] }).to_string()
    };
    std::fs::write(dir.join(format!("{stem}_cal.json")), samples(32)).expect("write calibration");
    std::fs::write(dir.join(format!("{stem}_input.json")), samples(1)).expect("write input");
    println!("{} ({params} parameters)", dir.join(format!("{stem}.onnx")).display());
}
