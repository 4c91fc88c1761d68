//! zkseal's model core: what every front end and both circuits share.
//!
//! `model` is the IR (`Op`, shapes, the float and integer kernels), `quant` turns float
//! layers into exact integer arithmetic and evaluates it (the reference semantics every
//! circuit matches bit for bit), `format` writes and reads the canonical model and
//! architecture files, `input` reads sample files, `commitment` fixes which integers the
//! weight commitment hashes and in what order (the hashes themselves live with the circuit
//! of their field: `zkseal-r1cs` over BN254, `zkseal-halo2` over Pallas), `atomic` writes
//! every output file whole. ONNX import is `zkseal-onnx`; the circuits are `zkseal-r1cs`
//! (Groth16) and `zkseal-halo2` (PLONK/IPA).

pub mod atomic;
pub mod commitment;
pub mod format;
pub mod input;
pub mod model;
pub mod quant;

pub use format::{Metadata, Model};
pub use quant::arch::{Architecture, Weights};
pub use quant::quantize::QuantConfig;
