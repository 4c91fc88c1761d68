//! The canonical model file (`.zkq`) and the architecture file (`.zka`).
//!
//! Layout (`specs/model-file.md`): 8 magic bytes, a little-endian `u32` format
//! version, then the bincode-2 standard encoding (little endian, varint integers) of
//! the payload, and nothing after it. Decoding accepts only canonical bytes (decode,
//! re-encode, compare), so a model has exactly one file and `model_id = blake3(file)`
//! names it. The architecture file holds the weight-free part; its blake3 is the
//! architecture digest, which keys and proofs will bind.

use bincode::{Decode, Encode};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::quant::arch::{ArchError, Architecture, Weights};

pub const MODEL_MAGIC: [u8; 8] = *b"ZKSEALQ\0";
pub const ARCH_MAGIC: [u8; 8] = *b"ZKSEALA\0";
/// Version of the model file (`.zkq`), bumped on any change to its payload layout or to
/// the semantics it encodes. Version 2 added `Metadata::calibration`.
pub const MODEL_FORMAT_VERSION: u32 = 2;
/// Version of the architecture file (`.zka`). Kept apart from the model file's so that a
/// change to the model file alone (its metadata) leaves every architecture digest, and
/// the keys and proofs that bind one, unchanged.
pub const ARCH_FORMAT_VERSION: u32 = 1;
/// Files above this size are refused before decoding.
pub const MAX_FILE_BYTES: usize = 256 << 20;

const HEADER_LEN: usize = 12;

/// What the importer learned about the source, kept for `inspect`; not part of the
/// architecture, so it does not change what setup and proofs bind.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Encode, Decode)]
pub struct Metadata {
    /// blake3 of the ONNX file, hex.
    pub source_blake3: String,
    /// ONNX `producer_name` and `producer_version`.
    pub producer: String,
    /// Default-domain opset of the source.
    pub opset: u32,
    /// Classifier-head ops that were stripped: the model outputs the logits they read.
    pub stripped_head: Vec<String>,
    /// Class labels in logit order, when the head named them (or `import --labels`).
    pub class_labels: Vec<String>,
    /// How `import` calibrated the scales; `None` for a model made otherwise. Boxed: most
    /// code moves models around and never reads it.
    pub calibration: Option<Box<CalibrationInfo>>,
}

/// What `import` calibrated on and how (`specs/quantization.md` §7.2), for `inspect`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Encode, Decode)]
pub struct CalibrationInfo {
    /// The range rule, by name (`quant::quantize::CALIBRATION_RULE`).
    pub rule: String,
    /// Whether the samples were the synthetic set (no `--calibration` file).
    pub synthetic: bool,
    pub samples: u64,
    /// Samples the rule left out of at least one tensor's range as outliers.
    pub outliers: u64,
    /// Smallest and largest input value over every sample (finite, `min ≤ max`).
    pub input_min: f64,
    pub input_max: f64,
    /// The problems the owner accepted with `import --accept-poor-calibration`.
    pub accepted: Vec<String>,
}

// `Model::new` refuses non-finite bounds, so equality is reflexive on every model.
impl Eq for CalibrationInfo {}

/// A quantized model: architecture, weights, metadata.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Encode, Decode)]
pub struct Model {
    pub arch: Architecture,
    pub weights: Weights,
    pub meta: Metadata,
}

#[derive(Debug, Error)]
#[non_exhaustive]
pub enum FormatError {
    #[error("file is {0} bytes, above the {MAX_FILE_BYTES}-byte limit")]
    TooLarge(usize),
    #[error("not a zkseal {expected} (bad magic bytes)")]
    Magic { expected: &'static str },
    #[error("{what} format version {found}, but this build reads version {expected}: {}", version_hint(*.found, *.expected))]
    Version { what: &'static str, found: u32, expected: u32 },
    #[error("file is truncated or corrupt: {0}")]
    Decode(String),
    #[error("{0} trailing bytes after the payload")]
    Trailing(usize),
    #[error("non-canonical encoding (the file is not what this payload encodes to)")]
    NonCanonical,
    #[error("invalid model: {0}")]
    Invalid(#[from] ArchError),
    #[error("invalid model metadata: the calibration's input range [{min}, {max}] is not two finite numbers with min ≤ max; re-import the model")]
    Metadata { min: f64, max: f64 },
}

/// What to do about a file of another format version.
fn version_hint(found: u32, expected: u32) -> &'static str {
    if found < expected {
        "make it again from the ONNX file with `zkseal import` (and `zkseal arch` for an architecture file)"
    } else {
        "use the zkseal release that wrote it, or a newer one"
    }
}

fn config() -> bincode::config::Configuration {
    bincode::config::standard()
}

fn encode_file<T: Encode>(magic: [u8; 8], version: u32, payload: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + 64);
    out.extend_from_slice(&magic);
    out.extend_from_slice(&version.to_le_bytes());
    out.extend(bincode::encode_to_vec(payload, config()).expect("encoding to a Vec cannot fail"));
    out
}

fn decode_file<T: Encode + Decode<()>>(
    bytes: &[u8],
    magic: [u8; 8],
    expected: u32,
    what: &'static str,
) -> Result<T, FormatError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(FormatError::TooLarge(bytes.len()));
    }
    if bytes.len() < HEADER_LEN || bytes[..8] != magic {
        return Err(FormatError::Magic { expected: what });
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if version != expected {
        return Err(FormatError::Version { what, found: version, expected });
    }
    let body = &bytes[HEADER_LEN..];
    // bincode allocates a container's claimed length (in memory bytes) before reading
    // it; a limit that grows with the file bounds what a hostile length prefix can
    // claim. An encoded byte never stands for more than 32 bytes of memory here (a
    // layer is ~128 bytes in memory and ≥ 6 encoded), so 64× the file is generous.
    macro_rules! decode_with_limit {
        ($limit:expr) => {
            bincode::decode_from_slice::<T, _>(body, config().with_limit::<{ $limit }>())
        };
    }
    let decoded = match body.len() {
        0..=0xFFFF => decode_with_limit!(1 << 22),
        0x1_0000..=0xF_FFFF => decode_with_limit!(1 << 26),
        0x10_0000..=0xFF_FFFF => decode_with_limit!(1 << 30),
        _ => decode_with_limit!(1 << 34),
    };
    let (payload, used) = decoded.map_err(|e| FormatError::Decode(e.to_string()))?;
    if used != body.len() {
        return Err(FormatError::Trailing(body.len() - used));
    }
    if encode_file(magic, expected, &payload) != bytes {
        return Err(FormatError::NonCanonical);
    }
    Ok(payload)
}

pub use zkseal_verifier::hex;

impl Model {
    /// Checks the invariants and builds the model.
    pub fn new(arch: Architecture, weights: Weights, meta: Metadata) -> Result<Self, FormatError> {
        arch.validate()?;
        arch.check_weights(&weights)?;
        if let Some(c) = &meta.calibration {
            if !(c.input_min.is_finite() && c.input_max.is_finite() && c.input_min <= c.input_max) {
                return Err(FormatError::Metadata { min: c.input_min, max: c.input_max });
            }
        }
        Ok(Model { arch, weights, meta })
    }

    /// The canonical `.zkq` bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        encode_file(MODEL_MAGIC, MODEL_FORMAT_VERSION, self)
    }

    /// Decodes and validates a `.zkq` file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, FormatError> {
        let model: Model = decode_file(bytes, MODEL_MAGIC, MODEL_FORMAT_VERSION, "model file (.zkq)")?;
        Model::new(model.arch, model.weights, model.meta)
    }

    /// `blake3` of the canonical model file.
    pub fn model_id(&self) -> [u8; 32] {
        *blake3::hash(&self.to_bytes()).as_bytes()
    }

    /// Digest of the weight-free architecture (see `architecture_digest`).
    pub fn architecture_digest(&self) -> [u8; 32] {
        architecture_digest(&self.arch)
    }
}

/// The canonical `.zka` bytes of an architecture.
pub fn architecture_to_bytes(arch: &Architecture) -> Vec<u8> {
    encode_file(ARCH_MAGIC, ARCH_FORMAT_VERSION, arch)
}

/// Decodes and validates a `.zka` file.
pub fn architecture_from_bytes(bytes: &[u8]) -> Result<Architecture, FormatError> {
    let arch: Architecture = decode_file(bytes, ARCH_MAGIC, ARCH_FORMAT_VERSION, "architecture file (.zka)")?;
    arch.validate()?;
    Ok(arch)
}

/// `blake3` of the canonical architecture file.
pub fn architecture_digest(arch: &Architecture) -> [u8; 32] {
    *blake3::hash(&architecture_to_bytes(arch)).as_bytes()
}
