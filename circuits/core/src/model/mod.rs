//! What a model is: its ops, their shapes, and the computation both evaluators share.

pub mod apply;
pub mod float;
pub mod kernels;
pub mod op;
pub mod shape;
