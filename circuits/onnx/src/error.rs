//! Import errors: the file and node at fault, and a typed reason whose text
//! specs/onnx-import.md §10 gives.

use std::fmt;

use onnx_protobuf::attribute_proto::AttributeType;
use onnx_protobuf::tensor_proto::DataType;
use thiserror::Error;

use zkseal_core::model::shape::ShapeError;

/// An import failure: the file, the node if there is one, what went wrong.
#[derive(Debug, Error)]
#[error("{file}: {at}{kind}")]
pub struct ImportError {
    pub file: String,
    /// `node 'NAME' (OP): ` or empty.
    pub at: String,
    pub kind: ImportErrorKind,
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImportErrorKind {
    /// The protobuf parser's own message.
    #[error("not a valid ONNX protobuf: {0}")]
    Protobuf(String),
    #[error(
        "unsupported op; zkseal imports {} (specs/onnx-import.md §4 gives their conditions) and strips a \
         classifier head of {} (§6); re-export the model without this op",
        crate::SUPPORTED_OPS.join(", "),
        crate::builder::HEAD_OPS.join(", ")
    )]
    UnsupportedOp,
    #[error("unsupported: {0}")]
    Unsupported(UnsupportedKind),
    /// An attribute whose value the lowering does not implement.
    #[error("unsupported attribute {name}={value}")]
    UnsupportedAttribute { name: &'static str, value: AttributeValue },
    #[error("malformed model: {0}")]
    Malformed(MalformedKind),
    #[error("{0}")]
    Graph(GraphKind),
    #[error("dynamic or unknown shape: {0}")]
    DynamicShape(DynamicShapeKind),
    #[error("unsupported opset {0} (zkseal reads default-domain opsets 7 to 21)")]
    Opset(i64),
    #[error("too large: {0}")]
    TooLarge(TooLargeKind),
    #[error(transparent)]
    Shape(#[from] ShapeError),
}

// Not `#[from]`: that would also make the detail the error's `source()`, and a
// reporter printing the chain would repeat it.
macro_rules! from_detail {
    ($($detail:ident => $variant:ident),*) => {$(
        impl From<$detail> for ImportErrorKind {
            fn from(d: $detail) -> Self {
                ImportErrorKind::$variant(d)
            }
        }
    )*};
}
from_detail!(
    UnsupportedKind => Unsupported,
    MalformedKind => Malformed,
    GraphKind => Graph,
    DynamicShapeKind => DynamicShape,
    TooLargeKind => TooLarge
);

/// The value of an unsupported attribute, as the model gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttributeValue {
    Int(i64),
    Ints(Vec<i64>),
    Str(String),
}

impl fmt::Display for AttributeValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttributeValue::Int(v) => write!(f, "{v}"),
            AttributeValue::Ints(v) => write!(f, "{v:?}"),
            AttributeValue::Str(v) => write!(f, "{v}"),
        }
    }
}

/// A real number in an error, compared by its bits (so errors stay `Eq`).
#[derive(Debug, Clone, Copy)]
pub struct FloatValue(pub f64);

impl PartialEq for FloatValue {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}

impl Eq for FloatValue {}

impl fmt::Display for FloatValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// Something valid ONNX that zkseal does not import. Tensor, input and op names
/// are the file's own.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnsupportedKind {
    // The graph.
    #[error("sparse initializers")]
    SparseInitializers,
    #[error("input '{input}' has element type {elem_type} (float inputs only)")]
    InputElementType { input: String, elem_type: i32 },
    #[error("op domain '{0}'")]
    OpDomain(String),
    #[error("input '{input}' is a secondary output of {op} (unsupported)")]
    SecondaryOutput { input: String, op: String },
    #[error("ops combining two activations (residual or branching graphs)")]
    TwoActivations,
    #[error("branching graph: reads an activation another node already consumed")]
    Branching,
    #[error("{0} reading a classifier head's output")]
    ReadsHead(String),
    #[error("input '{0}' must be a constant")]
    NotConstant(String),
    // Constant tensors and constant folding.
    #[error("tensor '{0}' stores its data in an external file")]
    ExternalData(String),
    #[error("tensor '{0}' is segmented")]
    Segmented(String),
    #[error("tensor '{tensor}' has data type {data_type:?}")]
    TensorDataType { tensor: String, data_type: DataType },
    #[error("Cast of a constant to element type {0}")]
    ConstantCast(i64),
    #[error("constant Gather other than on a 1-D tensor")]
    ConstantGather,
    #[error("constant Concat of tensors that are not 1-D")]
    ConstantConcat,
    #[error("Constant without a numeric value")]
    ConstantWithoutValue,
    // Lowering.
    #[error("Dropout in training mode")]
    DropoutTraining,
    #[error("Cast of an activation to element type {0}")]
    ActivationCast(i64),
    #[error("Scaler on a scalar")]
    ScalerOnScalar,
    #[error("MatMul with a constant of rank {0}")]
    MatMulConstantRank(usize),
    #[error("MatMul of a constant by an activation of rank other than 2")]
    MatMulActivationRank,
    #[error("a constant of shape {constant:?} that broadcasting would enlarge the activation {activation:?} with")]
    EnlargingBroadcast { constant: Vec<usize>, activation: Vec<usize> },
    #[error("division by an activation")]
    DivisionByActivation,
    // Images.
    #[error("Conv with weights of shape {0:?} (2-D convolution only)")]
    ConvWeights(Vec<usize>),
    #[error("Conv on an input of shape {0:?} (2-D convolution only)")]
    ConvInput(Vec<usize>),
    #[error("pooling on an input of shape {0:?} (2-D pooling only)")]
    PoolInput(Vec<usize>),
    /// A window attribute (`strides`, `kernel_shape`) that is not a pair.
    #[error("{attribute} {value:?}: only 2-D windows are supported")]
    WindowRank { attribute: &'static str, value: Vec<i64> },
    #[error("ReduceMean over axes {axes:?} of a tensor of rank {rank} (only H and W of an image)")]
    ReduceMeanAxes { axes: Vec<usize>, rank: usize },
    #[error("Pad mode '{0}'")]
    PadMode(String),
    #[error("Pad with explicit axes")]
    PadAxes,
    #[error("Pad with value {0}")]
    PadValue(FloatValue),
    #[error("Pad {0:?} (only zero padding of H and W of an image)")]
    PadNotSpatial(Vec<i64>),
    #[error("Pad {0:?} (negative or huge)")]
    PadAmount(Vec<i64>),
    #[error("a Pad that does not feed a Conv")]
    PadWithoutConv,
}

/// A model that breaks ONNX's own rules.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MalformedKind {
    // The model and its nodes.
    #[error("no default-domain opset_import")]
    NoOpset,
    #[error("model has no graph")]
    NoGraph,
    #[error("node without outputs")]
    NodeWithoutOutputs,
    #[error("attribute '{name}' should be {expected:?}")]
    AttributeType { name: &'static str, expected: AttributeType },
    #[error("attribute '{0}' has no tensor")]
    AttributeWithoutTensor(&'static str),
    /// `op` (or op family) lacks the input or attribute `what`.
    #[error("{op} without {what}")]
    Missing { op: &'static str, what: &'static str },
    /// A constant-folded node lacks input `0`.
    #[error("missing input {0}")]
    MissingInput(usize),
    #[error("BatchNormalization input {0} missing")]
    MissingBatchNormInput(usize),
    #[error("MatMul needs two inputs")]
    MatMulOneInput,
    #[error("MatMul with more than two inputs")]
    MatMulTooManyInputs,
    /// An elementwise op (named) without exactly two inputs.
    #[error("{0} takes two inputs")]
    BinaryArity(String),
    #[error("binary op with one input")]
    BinaryOneInput,
    // Constant tensors.
    #[error("negative dimension {0}")]
    NegativeDimension(i64),
    #[error("unknown data type {0}")]
    UnknownDataType(i32),
    #[error("tensor '{tensor}' has {values} values for shape {dims:?}")]
    TensorLength { tensor: String, values: usize, dims: Vec<usize> },
    #[error("expected a numeric constant, found strings")]
    NotNumeric,
    #[error("expected an integer constant")]
    NotInteger,
    // Constant folding.
    #[error("Gather index {0} out of range")]
    GatherIndex(i64),
    #[error("Reshape of {values} values to {dims:?}")]
    ReshapeCount { values: usize, dims: Vec<usize> },
    #[error("ConstantOfShape value must hold one number")]
    ConstantOfShapeValue,
    #[error("{op} of shapes {x:?} and {y:?}")]
    ConstantBroadcast { op: String, x: Vec<usize>, y: Vec<usize> },
    #[error("integer {op} overflows or divides by zero")]
    IntegerOverflow { op: String },
    // Shapes and axes.
    #[error("Reshape copies a missing dimension")]
    ReshapeCopiesMissing,
    #[error("Reshape target {0:?}")]
    ReshapeTarget(Vec<i64>),
    #[error("axis {0} out of range")]
    Axis(i64),
    #[error("Flatten axis {0} out of range")]
    FlattenAxis(i64),
    #[error("repeated Unsqueeze axis")]
    RepeatedUnsqueezeAxis,
    #[error("Squeeze of a dimension that is not 1")]
    SqueezeNotOne,
    #[error("Gemm input of shape {0:?} (must be 2-D)")]
    GemmInputShape(Vec<usize>),
    #[error("Scaler parameter of length {0}")]
    ScalerLength(usize),
    #[error("BatchNormalization on a tensor of rank < 2")]
    BatchNormRank,
    #[error("BatchNormalization parameters of different lengths")]
    BatchNormLengths,
    #[error("division by a zero constant")]
    DivisionByZero,
    // Windows.
    #[error("kernel_shape disagrees with the weights")]
    KernelShapeMismatch,
    /// A window attribute (`strides`, `kernel_shape`) with a value not positive.
    #[error("{attribute} must be positive, got {value:?}")]
    NotPositive { attribute: &'static str, value: Vec<i64> },
    #[error("pads {0:?} (expected 4 non-negative values)")]
    Pads(Vec<i64>),
}

/// A graph that is not one chain from the input to the logits.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum GraphKind {
    #[error("the graph has {} inputs {names:?}; zkseal models take exactly one", .names.len())]
    Inputs { names: Vec<String> },
    #[error("input '{0}' is not a tensor")]
    InputNotTensor(String),
    #[error("input '{0}' is not produced by any earlier node")]
    UnknownInput(String),
    #[error("reads the activation after the classifier head began; zkseal proves one chain ending in the logits")]
    AfterHead,
    #[error("the graph has no outputs")]
    NoOutputs,
    #[error("graph output '{0}' is an intermediate activation; zkseal proves one output")]
    IntermediateOutput(String),
    #[error("graph output '{0}' is not computed from the input")]
    OutputNotFromInput(String),
    #[error("the graph computes nothing zkseal can prove")]
    Empty,
}

/// An input shape that is not static (but for a leading batch dimension).
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DynamicShapeKind {
    #[error("input '{0}' has no shape")]
    NoShape(String),
    #[error("input '{input}' dimension {dim} is symbolic ('{param}')")]
    Symbolic { input: String, dim: usize, param: String },
    #[error("input '{input}' dimension {dim} is {value}")]
    NotPositive { input: String, dim: usize, value: i64 },
    #[error("input '{input}' dimension {dim} is unknown")]
    Unknown { input: String, dim: usize },
}

/// Something over a limit, refused before it is allocated.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TooLargeKind {
    /// The ONNX file's size and `MAX_ONNX_BYTES`.
    #[error("{size} bytes (limit {limit})")]
    File { size: usize, limit: usize },
    #[error("input dimension {0}")]
    InputDimension(i64),
    #[error("constant of rank {0}")]
    ConstantRank(usize),
    #[error("constant of shape {0:?}")]
    ConstantShape(Vec<usize>),
    #[error("ConstantOfShape {0:?}")]
    ConstantOfShape(Vec<usize>),
}
