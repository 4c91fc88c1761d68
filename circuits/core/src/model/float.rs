//! The float model: what the importer produces before quantization.
//!
//! Parameters are `f64` (BatchNorm and constant folding happen in `f64`), and the
//! float evaluator is the yardstick for calibration and for the quantization error.

use super::apply::apply;
use super::op::Op;

/// A layer with float parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct FloatLayer {
    /// The ONNX node the layer came from (the first one, when several were folded).
    pub name: String,
    pub op: Op,
    pub output_shape: Vec<usize>,
    /// `(weight, bias)` for Dense / Conv2d / Affine.
    pub params: Option<(Vec<f64>, Vec<f64>)>,
}

/// A chain of float layers.
#[derive(Clone, Debug, PartialEq)]
pub struct FloatModel {
    pub input_shape: Vec<usize>,
    /// The owner's declared input range `[lo, hi]` (`import --input-range`): every
    /// input value is clipped to it before the first layer, by this evaluator and, as
    /// the quantized model's first layer, by the circuits.
    pub input_range: Option<(f64, f64)>,
    pub layers: Vec<FloatLayer>,
}

impl FloatModel {
    /// Shape of layer `i`'s input.
    pub fn input_shape_of(&self, i: usize) -> &[usize] {
        if i == 0 {
            &self.input_shape
        } else {
            &self.layers[i - 1].output_shape
        }
    }

    /// Every layer's output, in order; the last is the model's output.
    /// `x` must have the input's element count.
    pub fn evaluate_trace(&self, x: &[f64]) -> Vec<Vec<f64>> {
        let clipped = self.clip_input(x);
        let mut trace: Vec<Vec<f64>> = Vec::with_capacity(self.layers.len());
        for (i, layer) in self.layers.iter().enumerate() {
            let input = if i == 0 { &clipped } else { &trace[i - 1] };
            let params = layer.params.as_ref().map(|(w, b)| (w.as_slice(), b.as_slice()));
            let y =
                apply(&layer.op, input, self.input_shape_of(i), &layer.output_shape, params, &|sum, n| sum / n as f64);
            trace.push(y);
        }
        trace
    }

    /// The model's output on `x`.
    pub fn evaluate(&self, x: &[f64]) -> Vec<f64> {
        self.evaluate_trace(x).pop().unwrap_or_else(|| self.clip_input(x))
    }

    /// `x` clipped to the declared input range (unchanged without one).
    pub fn clip_input(&self, x: &[f64]) -> Vec<f64> {
        match self.input_range {
            Some((lo, hi)) => x.iter().map(|v| v.clamp(lo, hi)).collect(),
            None => x.to_vec(),
        }
    }
}
