//! zkseal's model core.
//!
//! `zkseal-onnx` (a crate of its own) imports a network into float layers (`model`), `quant` turns them into exact
//! integer arithmetic and evaluates it (the reference semantics every circuit matches),
//! `format` writes and reads the canonical model file, `input` reads sample files,
//! `atomic` writes every output file whole.

pub mod atomic;
pub mod commitment;
pub mod format;
pub mod input;
pub mod model;
pub mod quant;
pub mod r1cs;

pub use format::{Metadata, Model};
pub use quant::arch::{Architecture, Weights};
pub use quant::quantize::QuantConfig;
