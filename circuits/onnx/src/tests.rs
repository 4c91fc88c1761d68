//! Hostile and edge-case graphs built in memory: each is refused with the right error
//! (and before any large allocation), or imported as the spec says.

use onnx_protobuf::tensor_proto::DataLocation;
use onnx_protobuf::tensor_shape_proto::{dimension, Dimension};
use onnx_protobuf::{
    type_proto, AttributeProto, GraphProto, Message, ModelProto, NodeProto, OperatorSetIdProto, TensorProto,
    TensorShapeProto, TypeProto, ValueInfoProto,
};

use super::{
    import_onnx, GraphKind as G, ImportErrorKind as E, MalformedKind as M, TooLargeKind, UnsupportedKind as U,
};

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

fn node(op: &str, inputs: &[&str], outputs: &[&str]) -> NodeProto {
    NodeProto {
        name: format!("{op}_0"),
        op_type: op.into(),
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: outputs.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}

fn floats(name: &str, dims: &[i64], v: &[f32]) -> TensorProto {
    TensorProto { name: name.into(), dims: dims.to_vec(), data_type: 1, float_data: v.to_vec(), ..Default::default() }
}

fn bytes(opset: i64, input: &[i64], nodes: Vec<NodeProto>, inits: Vec<TensorProto>, outputs: &[&str]) -> Vec<u8> {
    let graph = GraphProto {
        name: "g".into(),
        node: nodes,
        initializer: inits,
        input: vec![value_info("x", input)],
        output: outputs.iter().map(|o| value_info(o, &[])).collect(),
        ..Default::default()
    };
    let model = ModelProto {
        ir_version: 8,
        opset_import: vec![OperatorSetIdProto { domain: String::new(), version: opset, ..Default::default() }],
        graph: Some(graph).into(),
        ..Default::default()
    };
    model.write_to_bytes().expect("encode")
}

fn kind(b: &[u8]) -> E {
    import_onnx(b, "t.onnx").expect_err("must be refused").kind
}

/// x[1,4] → Gemm(W[3,4] transB, b[3]) → y
fn gemm_model(extra: Vec<NodeProto>, out: &str) -> Vec<u8> {
    let mut g = node("Gemm", &["x", "W", "b"], &["g"]);
    g.attribute.push(AttributeProto {
        name: "transB".into(),
        i: 1,
        type_: onnx_protobuf::attribute_proto::AttributeType::INT.into(),
        ..Default::default()
    });
    let mut nodes = vec![g];
    nodes.extend(extra);
    bytes(13, &[1, 4], nodes, vec![floats("W", &[3, 4], &[0.5; 12]), floats("b", &[3], &[0.1, 0.2, 0.3])], &[out])
}

#[test]
fn a_plain_gemm_imports() {
    let m = import_onnx(&gemm_model(vec![], "g"), "t.onnx").unwrap().model;
    assert_eq!(m.layers.len(), 1);
    let y = m.evaluate(&[1.0, 1.0, 1.0, 1.0]);
    for (got, want) in y.iter().zip([2.1, 2.2, 2.3]) {
        // The bias is stored as f32.
        assert!((got - want).abs() < 1e-6, "{got} vs {want}");
    }
}

#[test]
fn absurd_dimensions_are_refused_before_allocation() {
    let b = bytes(13, &[1, 1 << 40], vec![node("Relu", &["x"], &["y"])], vec![], &["y"]);
    assert!(matches!(kind(&b), E::Shape(_)));
    let huge = TensorProto { name: "W".into(), dims: vec![1 << 20, 1 << 20], data_type: 1, ..Default::default() };
    let b = bytes(13, &[1, 4], vec![node("MatMul", &["x", "W"], &["y"])], vec![huge], &["y"]);
    assert_eq!(kind(&b), E::TooLarge(TooLargeKind::ConstantShape(vec![1 << 20, 1 << 20])));
    let negative = TensorProto { name: "W".into(), dims: vec![-4], data_type: 1, ..Default::default() };
    let b = bytes(13, &[1, 4], vec![node("Relu", &["x"], &["y"])], vec![negative], &["y"]);
    assert_eq!(kind(&b), E::Malformed(M::NegativeDimension(-4)));
}

#[test]
fn inconsistent_or_external_tensor_data_is_refused() {
    let short =
        TensorProto { name: "W".into(), dims: vec![4], data_type: 1, raw_data: vec![0; 3], ..Default::default() };
    let b = bytes(13, &[1, 4], vec![node("Relu", &["x"], &["y"])], vec![short], &["y"]);
    assert!(matches!(kind(&b), E::Malformed(M::TensorLength { .. })));
    let external = TensorProto {
        name: "W".into(),
        dims: vec![4],
        data_type: 1,
        data_location: DataLocation::EXTERNAL.into(),
        ..Default::default()
    };
    let b = bytes(13, &[1, 4], vec![node("Relu", &["x"], &["y"])], vec![external], &["y"]);
    assert_eq!(kind(&b), E::Unsupported(U::ExternalData("W".into())));
}

#[test]
fn opsets_outside_the_range_are_refused() {
    for opset in [1, 6, 22, 1000] {
        let b = bytes(opset, &[1, 4], vec![node("Relu", &["x"], &["y"])], vec![], &["y"]);
        assert_eq!(kind(&b), E::Opset(opset));
    }
}

#[test]
fn softmax_inside_the_network_is_not_a_head() {
    let b = gemm_model(vec![node("Softmax", &["g"], &["s"]), node("Relu", &["s"], &["y"])], "y");
    let err = import_onnx(&b, "t.onnx").unwrap_err();
    assert_eq!(err.kind, E::Unsupported(U::ReadsHead("Relu".into())), "{err}");
    assert!(err.to_string().contains("node 'Relu_0' (Relu)"), "{err}");
}

#[test]
fn a_head_is_stripped_and_the_logits_proven() {
    let b = gemm_model(vec![node("Sigmoid", &["g"], &["p"]), node("ArgMax", &["g"], &["label"])], "p");
    let imported = import_onnx(&b, "t.onnx").unwrap();
    assert_eq!(imported.meta.stripped_head, vec!["Sigmoid", "ArgMax"]);
    assert_eq!(imported.model.layers.len(), 1);
}

#[test]
fn intermediate_outputs_and_branches_are_refused() {
    let b = gemm_model(vec![node("Relu", &["g"], &["y"])], "g");
    assert_eq!(kind(&b), E::Graph(G::IntermediateOutput("g".into())));
    let b = gemm_model(vec![node("Relu", &["g"], &["r"]), node("Relu", &["g"], &["y"])], "y");
    assert_eq!(kind(&b), E::Unsupported(U::Branching));
    let b = gemm_model(vec![node("Relu", &["nowhere"], &["y"])], "y");
    assert_eq!(kind(&b), E::Graph(G::UnknownInput("nowhere".into())));
}

#[test]
fn constant_folds_and_division_by_zero() {
    let zero = floats("z", &[1], &[0.0]);
    let b = bytes(13, &[1, 4], vec![node("Div", &["x", "z"], &["y"])], vec![zero], &["y"]);
    assert_eq!(kind(&b), E::Malformed(M::DivisionByZero));
    // Sub(x, c) then Mul(·, d): one Affine layer, y = (x − 1)·2.
    let b = bytes(
        13,
        &[1, 4],
        vec![node("Sub", &["x", "c"], &["s"]), node("Mul", &["s", "d"], &["y"])],
        vec![floats("c", &[], &[1.0]), floats("d", &[1], &[2.0])],
        &["y"],
    );
    let m = import_onnx(&b, "t.onnx").unwrap().model;
    assert_eq!(m.layers.len(), 1);
    assert_eq!(m.evaluate(&[0.0, 1.0, 2.0, 3.0]), vec![-2.0, 0.0, 2.0, 4.0]);
}

fn ints_attr(name: &str, v: &[i64]) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        ints: v.to_vec(),
        type_: onnx_protobuf::attribute_proto::AttributeType::INTS.into(),
        ..Default::default()
    }
}

fn int_attr(name: &str, v: i64) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        i: v,
        type_: onnx_protobuf::attribute_proto::AttributeType::INT.into(),
        ..Default::default()
    }
}

fn int64s(name: &str, v: &[i64]) -> TensorProto {
    TensorProto {
        name: name.into(),
        dims: vec![v.len() as i64],
        data_type: 7,
        int64_data: v.to_vec(),
        ..Default::default()
    }
}

/// x[1,2,4,4] → (Pad) → Conv(W[3,2,3,3]) with the given conv pads.
fn conv_model(pad_node: bool, conv_pads: &[i64]) -> Vec<u8> {
    let w: Vec<f32> = (0..54).map(|i| ((i * 7 % 11) as f32 - 5.0) / 8.0).collect();
    let mut conv = node("Conv", &[if pad_node { "p" } else { "x" }, "W"], &["y"]);
    conv.attribute.push(ints_attr("pads", conv_pads));
    let mut nodes = vec![conv];
    let mut inits = vec![floats("W", &[3, 2, 3, 3], &w)];
    if pad_node {
        nodes.insert(0, node("Pad", &["x", "pads"], &["p"]));
        inits.push(int64s("pads", &[0, 0, 1, 1, 0, 0, 1, 1]));
    }
    bytes(13, &[1, 2, 4, 4], nodes, inits, &["y"])
}

#[test]
fn a_zero_pad_folds_into_the_next_conv() {
    let folded = import_onnx(&conv_model(true, &[0, 0, 0, 0]), "t.onnx").unwrap().model;
    let plain = import_onnx(&conv_model(false, &[1, 1, 1, 1]), "t.onnx").unwrap().model;
    assert_eq!(folded.layers.len(), 1);
    let x: Vec<f64> = (0..32).map(|i| (i as f64 - 16.0) / 10.0).collect();
    assert_eq!(folded.evaluate(&x), plain.evaluate(&x));
    // A Pad that feeds anything but a Conv is refused (zeros would change a max or a mean).
    let b = bytes(
        13,
        &[1, 2, 4, 4],
        vec![node("Pad", &["x", "pads"], &["p"]), node("Relu", &["p"], &["y"])],
        vec![int64s("pads", &[0, 0, 1, 1, 0, 0, 1, 1])],
        &["y"],
    );
    assert_eq!(kind(&b), E::Unsupported(U::PadWithoutConv));
    let b = bytes(
        13,
        &[1, 2, 4, 4],
        vec![node("Pad", &["x", "pads"], &["y"])],
        vec![int64s("pads", &[0, 1, 0, 0, 0, 0, 0, 0])],
        &["y"],
    );
    assert!(matches!(kind(&b), E::Unsupported(U::PadNotSpatial(_))), "channel padding");
}

#[test]
fn reduce_mean_over_the_plane_is_global_average_pooling() {
    let mut rm = node("ReduceMean", &["x"], &["y"]);
    rm.attribute.push(ints_attr("axes", &[-1, 2]));
    rm.attribute.push(int_attr("keepdims", 0));
    let m = import_onnx(&bytes(13, &[1, 2, 2, 2], vec![rm], vec![], &["y"]), "t.onnx").unwrap().model;
    assert_eq!(m.layers.last().unwrap().output_shape, vec![1, 2]);
    assert_eq!(m.evaluate(&[1.0, 2.0, 3.0, 4.0, -1.0, -1.0, -1.0, 3.0]), vec![2.5, 0.0]);
    let mut rm = node("ReduceMean", &["x"], &["y"]);
    rm.attribute.push(ints_attr("axes", &[1]));
    let refused = kind(&bytes(13, &[1, 2, 2, 2], vec![rm], vec![], &["y"]));
    assert_eq!(refused, E::Unsupported(U::ReduceMeanAxes { axes: vec![1], rank: 4 }));
}

#[test]
fn flatten_takes_negative_axes() {
    let mut f = node("Flatten", &["x"], &["y"]);
    f.attribute.push(int_attr("axis", -1));
    let b = bytes(13, &[1, 2, 3], vec![f, node("Relu", &["y"], &["z"])], vec![], &["z"]);
    let m = import_onnx(&b, "t.onnx").unwrap().model;
    assert_eq!(m.layers[0].output_shape, vec![2, 3]);
}

#[test]
fn the_unsupported_op_error_lists_exactly_the_ops_lowering_handles() {
    // Each listed op reaches its lowering (which may then refuse the bare node for
    // another reason); any other op is `UnsupportedOp`, whose message names them all.
    for &op in super::SUPPORTED_OPS {
        let b = bytes(13, &[1, 4], vec![node(op, &["x"], &["y"])], vec![], &["y"]);
        if let Err(e) = import_onnx(&b, "t.onnx") {
            assert_ne!(e.kind, E::UnsupportedOp, "{op}");
        }
    }
    let b = bytes(13, &[1, 4], vec![node("Tanh", &["x"], &["y"])], vec![], &["y"]);
    let err = import_onnx(&b, "t.onnx").unwrap_err();
    assert_eq!(err.kind, E::UnsupportedOp);
    let text = err.to_string();
    assert!(text.starts_with("t.onnx: node 'Tanh_0' (Tanh): unsupported op; zkseal imports Gemm, MatMul"), "{text}");
    for op in super::SUPPORTED_OPS.iter().chain(["Softmax", "Sigmoid", "ZipMap"].iter()) {
        assert!(text.contains(op), "{op} missing from: {text}");
    }
    assert!(text.contains("specs/onnx-import.md") && text.contains("re-export"), "{text}");
}
