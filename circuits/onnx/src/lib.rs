//! ONNX import: a protobuf `ModelProto` → a chain of float layers.
//!
//! The graph is walked in its (topological) node order. Tensors are either constants
//! (initializers, `Constant` nodes, and shape arithmetic on them, evaluated here), the
//! activation (the one tensor flowing from the input through the chain), or the
//! classifier head's outputs (stripped: the model's output is the logits they read).
//! Elementwise constant ops and BatchNormalization fold into the preceding linear layer
//! when there is one. Anything else is an error naming the op, the node and the file.

mod attrs;
mod builder;
mod consts;
mod error;
mod image;
mod lower;
mod tensor;
mod window;

use onnx_protobuf::{Message, ModelProto};

use zkseal_core::format::{hex, Metadata};
use zkseal_core::model::float::FloatModel;

pub use error::{
    AttributeValue, DynamicShapeKind, FloatValue, GraphKind, ImportError, ImportErrorKind, MalformedKind, TooLargeKind,
    UnsupportedKind,
};

/// Default-domain opsets the importer accepts (tested: 11–18).
pub const OPSETS: std::ops::RangeInclusive<i64> = 7..=21;

/// The ops `lower` turns into layers (or no-ops) when they read the activation.
pub const SUPPORTED_OPS: &[&str] = &[
    "Gemm",
    "MatMul",
    "Conv",
    "MaxPool",
    "AveragePool",
    "GlobalAveragePool",
    "ReduceMean",
    "Relu",
    "BatchNormalization",
    "Add",
    "Sub",
    "Mul",
    "Div",
    "Scaler",
    "Pad",
    "Flatten",
    "Reshape",
    "Squeeze",
    "Unsqueeze",
    "Transpose",
    "Shape",
    "Identity",
    "Dropout",
    "Cast",
];

/// Largest ONNX file read.
pub const MAX_ONNX_BYTES: usize = 512 << 20;

/// An imported model: float layers plus what `inspect` reports about the source.
#[derive(Clone, Debug)]
pub struct Imported {
    pub model: FloatModel,
    pub meta: Metadata,
}

/// Imports an ONNX file's bytes; `file` names it in errors.
pub fn import_onnx(bytes: &[u8], file: &str) -> Result<Imported, ImportError> {
    let err = |kind: ImportErrorKind| ImportError { file: file.to_string(), at: String::new(), kind };
    if bytes.len() > MAX_ONNX_BYTES {
        return Err(err(TooLargeKind::File { size: bytes.len(), limit: MAX_ONNX_BYTES }.into()));
    }
    let proto = ModelProto::parse_from_bytes(bytes).map_err(|e| err(ImportErrorKind::Protobuf(e.to_string())))?;
    let opset = proto
        .opset_import
        .iter()
        .find(|o| o.domain.is_empty() || o.domain == "ai.onnx")
        .map(|o| o.version)
        .ok_or_else(|| err(MalformedKind::NoOpset.into()))?;
    if !OPSETS.contains(&opset) {
        return Err(err(ImportErrorKind::Opset(opset)));
    }
    let graph = proto.graph.as_ref().ok_or_else(|| err(MalformedKind::NoGraph.into()))?;
    let built = builder::build(graph).map_err(|(at, kind)| ImportError { file: file.to_string(), at, kind })?;
    let producer = [proto.producer_name.as_str(), proto.producer_version.as_str()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    let meta = Metadata {
        source_blake3: hex(blake3::hash(bytes).as_bytes()),
        producer,
        opset: opset as u32,
        stripped_head: built.head_ops,
        class_labels: built.class_labels,
        calibration: None,
    };
    Ok(Imported { model: built.model, meta })
}

#[cfg(test)]
mod error_tests;
#[cfg(test)]
mod tests;
