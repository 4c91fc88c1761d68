//! Fixed-point quantization: the integer semantics, the quantizer and the reference
//! evaluator (`specs/quantization.md`).

pub mod arch;
pub mod eval;
pub mod plan;
pub mod quantize;
pub mod rounding;

#[cfg(test)]
mod ops_exact;
