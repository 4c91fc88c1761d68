//! Every typed error prints the text specs/onnx-import.md quotes (the text the
//! importer printed when these were strings).

use onnx_protobuf::attribute_proto::AttributeType;
use onnx_protobuf::tensor_proto::DataType;

use super::{
    AttributeValue, DynamicShapeKind as D, FloatValue, GraphKind as G, ImportError, ImportErrorKind as E,
    MalformedKind as M, TooLargeKind as T, UnsupportedKind as U,
};

fn check<S: AsRef<str>>(cases: Vec<(E, S)>) {
    for (kind, want) in cases {
        assert_eq!(kind.to_string(), want.as_ref(), "{kind:?}");
    }
}

#[test]
fn unsupported_messages() {
    let u = |k: U, s: &str| (E::from(k), format!("unsupported: {s}"));
    let cases = vec![
        u(U::SparseInitializers, "sparse initializers"),
        u(U::InputElementType { input: "x".into(), elem_type: 7 }, "input 'x' has element type 7 (float inputs only)"),
        u(U::OpDomain("com.microsoft".into()), "op domain 'com.microsoft'"),
        u(
            U::SecondaryOutput { input: "idx".into(), op: "MaxPool".into() },
            "input 'idx' is a secondary output of MaxPool (unsupported)",
        ),
        u(U::TwoActivations, "ops combining two activations (residual or branching graphs)"),
        u(U::Branching, "branching graph: reads an activation another node already consumed"),
        u(U::ReadsHead("Relu".into()), "Relu reading a classifier head's output"),
        u(U::NotConstant("w".into()), "input 'w' must be a constant"),
        u(U::ExternalData("W".into()), "tensor 'W' stores its data in an external file"),
        u(U::Segmented("W".into()), "tensor 'W' is segmented"),
        u(
            U::TensorDataType { tensor: "W".into(), data_type: DataType::COMPLEX64 },
            "tensor 'W' has data type COMPLEX64",
        ),
        u(U::ConstantCast(8), "Cast of a constant to element type 8"),
        u(U::ConstantGather, "constant Gather other than on a 1-D tensor"),
        u(U::ConstantConcat, "constant Concat of tensors that are not 1-D"),
        u(U::ConstantWithoutValue, "Constant without a numeric value"),
        u(U::DropoutTraining, "Dropout in training mode"),
        u(U::ActivationCast(7), "Cast of an activation to element type 7"),
        u(U::ScalerOnScalar, "Scaler on a scalar"),
        u(U::MatMulConstantRank(3), "MatMul with a constant of rank 3"),
        u(U::MatMulActivationRank, "MatMul of a constant by an activation of rank other than 2"),
        u(
            U::EnlargingBroadcast { constant: vec![2, 4], activation: vec![1, 4] },
            "a constant of shape [2, 4] that broadcasting would enlarge the activation [1, 4] with",
        ),
        u(U::DivisionByActivation, "division by an activation"),
        u(U::ConvWeights(vec![3, 2, 3]), "Conv with weights of shape [3, 2, 3] (2-D convolution only)"),
        u(U::ConvInput(vec![1, 2, 4]), "Conv on an input of shape [1, 2, 4] (2-D convolution only)"),
        u(U::PoolInput(vec![1, 4]), "pooling on an input of shape [1, 4] (2-D pooling only)"),
        u(
            U::WindowRank { attribute: "strides", value: vec![1, 1, 1] },
            "strides [1, 1, 1]: only 2-D windows are supported",
        ),
        u(
            U::ReduceMeanAxes { axes: vec![1], rank: 4 },
            "ReduceMean over axes [1] of a tensor of rank 4 (only H and W of an image)",
        ),
        u(U::PadMode("reflect".into()), "Pad mode 'reflect'"),
        u(U::PadAxes, "Pad with explicit axes"),
        u(U::PadValue(FloatValue(1.5)), "Pad with value 1.5"),
        u(U::PadValue(FloatValue(-2.0)), "Pad with value -2"),
        u(
            U::PadNotSpatial(vec![0, 1, 0, 0, 0, 0, 0, 0]),
            "Pad [0, 1, 0, 0, 0, 0, 0, 0] (only zero padding of H and W of an image)",
        ),
        u(U::PadAmount(vec![0, 0, -1, 0, 0, 0, 0, 0]), "Pad [0, 0, -1, 0, 0, 0, 0, 0] (negative or huge)"),
        u(U::PadWithoutConv, "a Pad that does not feed a Conv"),
    ];
    check(cases);
}

#[test]
fn malformed_messages() {
    let m = |k: M, s: &str| (E::from(k), format!("malformed model: {s}"));
    let cases = vec![
        m(M::NoOpset, "no default-domain opset_import"),
        m(M::NoGraph, "model has no graph"),
        m(M::NodeWithoutOutputs, "node without outputs"),
        m(M::AttributeType { name: "axes", expected: AttributeType::INTS }, "attribute 'axes' should be INTS"),
        m(M::AttributeWithoutTensor("value"), "attribute 'value' has no tensor"),
        m(M::Missing { op: "Conv", what: "weights" }, "Conv without weights"),
        m(M::Missing { op: "pooling", what: "kernel_shape" }, "pooling without kernel_shape"),
        m(M::MissingInput(1), "missing input 1"),
        m(M::MissingBatchNormInput(3), "BatchNormalization input 3 missing"),
        m(M::MatMulOneInput, "MatMul needs two inputs"),
        m(M::MatMulTooManyInputs, "MatMul with more than two inputs"),
        m(M::BinaryArity("Add".into()), "Add takes two inputs"),
        m(M::BinaryOneInput, "binary op with one input"),
        m(M::NegativeDimension(-4), "negative dimension -4"),
        m(M::UnknownDataType(99), "unknown data type 99"),
        m(M::TensorLength { tensor: "W".into(), values: 0, dims: vec![4] }, "tensor 'W' has 0 values for shape [4]"),
        m(M::NotNumeric, "expected a numeric constant, found strings"),
        m(M::NotInteger, "expected an integer constant"),
        m(M::GatherIndex(-7), "Gather index -7 out of range"),
        m(M::ReshapeCount { values: 6, dims: vec![4] }, "Reshape of 6 values to [4]"),
        m(M::ConstantOfShapeValue, "ConstantOfShape value must hold one number"),
        m(M::ConstantBroadcast { op: "Mul".into(), x: vec![2], y: vec![3] }, "Mul of shapes [2] and [3]"),
        m(M::IntegerOverflow { op: "Div".into() }, "integer Div overflows or divides by zero"),
        m(M::ReshapeCopiesMissing, "Reshape copies a missing dimension"),
        m(M::ReshapeTarget(vec![-1, -1]), "Reshape target [-1, -1]"),
        m(M::Axis(5), "axis 5 out of range"),
        m(M::FlattenAxis(-9), "Flatten axis -9 out of range"),
        m(M::RepeatedUnsqueezeAxis, "repeated Unsqueeze axis"),
        m(M::SqueezeNotOne, "Squeeze of a dimension that is not 1"),
        m(M::GemmInputShape(vec![1, 2, 3]), "Gemm input of shape [1, 2, 3] (must be 2-D)"),
        m(M::ScalerLength(3), "Scaler parameter of length 3"),
        m(M::BatchNormRank, "BatchNormalization on a tensor of rank < 2"),
        m(M::BatchNormLengths, "BatchNormalization parameters of different lengths"),
        m(M::DivisionByZero, "division by a zero constant"),
        m(M::KernelShapeMismatch, "kernel_shape disagrees with the weights"),
        m(M::NotPositive { attribute: "strides", value: vec![0, 1] }, "strides must be positive, got [0, 1]"),
        m(M::Pads(vec![1, 1]), "pads [1, 1] (expected 4 non-negative values)"),
    ];
    check(cases);
}

#[test]
fn graph_shape_size_and_attribute_messages() {
    let cases = vec![
        (
            G::Inputs { names: vec!["a".into(), "b".into()] }.into(),
            r#"the graph has 2 inputs ["a", "b"]; zkseal models take exactly one"#,
        ),
        (G::Inputs { names: vec![] }.into(), "the graph has 0 inputs []; zkseal models take exactly one"),
        (G::InputNotTensor("x".into()).into(), "input 'x' is not a tensor"),
        (G::UnknownInput("nowhere".into()).into(), "input 'nowhere' is not produced by any earlier node"),
        (
            G::AfterHead.into(),
            "reads the activation after the classifier head began; zkseal proves one chain ending in the logits",
        ),
        (G::NoOutputs.into(), "the graph has no outputs"),
        (
            G::IntermediateOutput("g".into()).into(),
            "graph output 'g' is an intermediate activation; zkseal proves one output",
        ),
        (G::OutputNotFromInput("c".into()).into(), "graph output 'c' is not computed from the input"),
        (G::Empty.into(), "the graph computes nothing zkseal can prove"),
        (D::NoShape("x".into()).into(), "dynamic or unknown shape: input 'x' has no shape"),
        (
            D::Symbolic { input: "x".into(), dim: 1, param: "n".into() }.into(),
            "dynamic or unknown shape: input 'x' dimension 1 is symbolic ('n')",
        ),
        (
            D::NotPositive { input: "x".into(), dim: 2, value: -1 }.into(),
            "dynamic or unknown shape: input 'x' dimension 2 is -1",
        ),
        (D::Unknown { input: "x".into(), dim: 1 }.into(), "dynamic or unknown shape: input 'x' dimension 1 is unknown"),
        (T::File { size: 536870913, limit: 536870912 }.into(), "too large: 536870913 bytes (limit 536870912)"),
        (T::InputDimension(1 << 40).into(), "too large: input dimension 1099511627776"),
        (T::ConstantRank(9).into(), "too large: constant of rank 9"),
        (T::ConstantShape(vec![1 << 20, 1 << 20]).into(), "too large: constant of shape [1048576, 1048576]"),
        (T::ConstantOfShape(vec![1 << 30, 4]).into(), "too large: ConstantOfShape [1073741824, 4]"),
        (E::UnsupportedAttribute { name: "group", value: AttributeValue::Int(2) }, "unsupported attribute group=2"),
        (
            E::UnsupportedAttribute { name: "dilations", value: AttributeValue::Ints(vec![2, 2]) },
            "unsupported attribute dilations=[2, 2]",
        ),
        (
            E::UnsupportedAttribute { name: "auto_pad", value: AttributeValue::Str("SAME".into()) },
            "unsupported attribute auto_pad=SAME",
        ),
        (E::Protobuf("unexpected EOF".into()), "not a valid ONNX protobuf: unexpected EOF"),
        (E::Opset(22), "unsupported opset 22 (zkseal reads default-domain opsets 7 to 21)"),
    ];
    check(cases);
    let err = ImportError {
        file: "model.onnx".into(),
        at: "node 'conv1' (Conv): ".into(),
        kind: E::UnsupportedAttribute { name: "group", value: AttributeValue::Int(2) },
    };
    assert_eq!(err.to_string(), "model.onnx: node 'conv1' (Conv): unsupported attribute group=2");
}

#[test]
fn details_are_not_error_sources() {
    // A reporter walking `source()` would print the detail twice.
    use std::error::Error as _;
    assert!(E::from(M::NoGraph).source().is_none());
    assert!(E::from(U::Branching).source().is_none());
}
