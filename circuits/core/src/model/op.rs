//! The operations a zkseal model is made of, and their shapes.
//!
//! A model is a chain: each layer reads the previous layer's output (the first reads
//! the model input). Tensors are row-major; image tensors are `[N, C, H, W]` with N = 1.
//! The same `Op` describes the float model (before quantization) and the quantized
//! architecture, so shapes are inferred by one piece of code for both.

use bincode::{Decode, Encode};
use serde::{Deserialize, Serialize};

use super::shape::{numel, ShapeError};

/// Window geometry of a 2-D pooling or convolution.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Encode, Decode)]
pub struct Window2d {
    /// `[kh, kw]`
    pub kernel: [u32; 2],
    /// `[sh, sw]`
    pub stride: [u32; 2],
    /// `[top, left, bottom, right]`, explicit after resolving ONNX `auto_pad`.
    pub pads: [u32; 4],
    /// ONNX `ceil_mode`: the last window may run past the padded input.
    pub ceil_mode: bool,
}

impl Window2d {
    /// Output spatial size `[oh, ow]` for an input of `[h, w]`.
    pub fn output_hw(&self, h: usize, w: usize) -> Result<[usize; 2], ShapeError> {
        let dim = |len: usize, k: u32, s: u32, p0: u32, p1: u32| -> Result<usize, ShapeError> {
            let (k, s) = (k as usize, s as usize);
            let padded = len + p0 as usize + p1 as usize;
            if k == 0 || s == 0 || padded < k {
                return Err(ShapeError::Window { kernel: k, stride: s, padded });
            }
            let span = padded - k;
            let mut out = span / s + 1;
            // ONNX: a ceil-mode window must start inside the input or its left padding.
            if self.ceil_mode && !span.is_multiple_of(s) && (out * s) < len + p0 as usize {
                out += 1;
            }
            Ok(out)
        };
        let [kh, kw] = self.kernel;
        let [sh, sw] = self.stride;
        let [pt, pl, pb, pr] = self.pads;
        if pt >= kh || pb >= kh || pl >= kw || pr >= kw {
            return Err(ShapeError::PadTooLarge);
        }
        Ok([dim(h, kh, sh, pt, pb)?, dim(w, kw, sw, pl, pr)?])
    }

    /// The in-bounds input rows (or columns) covered by output index `o` along one axis,
    /// and the window's extent clipped to the padded input (ONNX's divisor when padding
    /// counts).
    fn axis(&self, axis: usize, o: usize, len: usize) -> (std::ops::Range<usize>, usize) {
        let k = self.kernel[axis] as i64;
        let s = self.stride[axis] as i64;
        let pad_begin = self.pads[axis] as i64;
        let pad_end = self.pads[axis + 2] as i64;
        let start = o as i64 * s - pad_begin;
        let end = (start + k).min(len as i64 + pad_end);
        let padded_extent = (end - start) as usize;
        let lo = start.max(0) as usize;
        let hi = end.min(len as i64).max(lo as i64) as usize;
        (lo..hi, padded_extent)
    }

    /// The window of output `(oy, ox)` over an `h × w` plane.
    pub fn window(&self, oy: usize, ox: usize, h: usize, w: usize) -> PlaneWindow {
        let (rows, ext_h) = self.axis(0, oy, h);
        let (cols, ext_w) = self.axis(1, ox, w);
        PlaneWindow { rows, cols, padded_area: ext_h * ext_w }
    }
}

/// The input positions one pooling output reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlaneWindow {
    pub rows: std::ops::Range<usize>,
    pub cols: std::ops::Range<usize>,
    /// Window area including padded positions (clipped to the padded input).
    pub padded_area: usize,
}

impl PlaneWindow {
    /// Number of real (non-padding) input positions.
    pub fn area(&self) -> usize {
        self.rows.len() * self.cols.len()
    }
}

/// One layer's operation. Parameters (weights) live outside, see `LayerParams`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Encode, Decode)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Op {
    /// `y[.., o] = Σ_i x[.., i]·W[o][i] + b[o]` over the last axis.
    Dense { in_features: u32, out_features: u32 },
    /// 2-D convolution, group 1, dilation 1, on `[1, C, H, W]`:
    /// `y[o, r, c] = Σ_{i, dy, dx} x[i, r·sh + dy − pt, c·sw + dx − pl]·W[o][i][dy][dx] + b[o]`
    /// with out-of-range `x` reading 0.
    Conv2d { in_channels: u32, out_channels: u32, window: Window2d },
    /// `y = x ⊙ m + c`, `m` and `c` of `param_shape`, broadcast to `x` (numpy rules).
    Affine { param_shape: Vec<u32> },
    /// `y = max(x, 0)`.
    Relu,
    /// Maximum over the in-bounds part of each window.
    MaxPool { window: Window2d },
    /// Mean over each window; the divisor counts padded positions iff `count_include_pad`.
    AvgPool { window: Window2d, count_include_pad: bool },
    /// Mean over each whole channel plane: `[1, C, H, W] → [1, C, 1, 1]`.
    GlobalAvgPool,
    /// Same data, new shape (the layer's output shape).
    Reshape,
    /// Axis permutation: output axis `a` is input axis `perm[a]`.
    Transpose { perm: Vec<u32> },
    /// `y = min(max(x, lo), hi)`, the bounds in the input's own units (integers at the
    /// input's scale in a quantized model). The only op that narrows the bit width:
    /// `import --input-range` makes it the first layer, so that any input the input's
    /// (wider) format holds is clipped to the owner's declared range. Last in the enum:
    /// the variant index is the op's tag in the model and architecture files.
    Clip { lo: i64, hi: i64 },
}

impl Op {
    /// Short name for reports.
    pub fn kind(&self) -> &'static str {
        match self {
            Op::Dense { .. } => "dense",
            Op::Conv2d { .. } => "conv2d",
            Op::Affine { .. } => "affine",
            Op::Relu => "relu",
            Op::Clip { .. } => "clip",
            Op::MaxPool { .. } => "max_pool",
            Op::AvgPool { .. } => "avg_pool",
            Op::GlobalAvgPool => "global_avg_pool",
            Op::Reshape => "reshape",
            Op::Transpose { .. } => "transpose",
        }
    }

    /// The op sorted by what it proves: with parameters (accumulators, then a rescale)
    /// or without. Every match over ops that depends on parameters goes through this,
    /// so a new op is sorted here once and every such match then covers it.
    pub fn class(&self) -> OpClass<'_> {
        match self {
            Op::Dense { in_features, out_features } => {
                OpClass::Weighted(WeightedOp::Dense { in_features: *in_features, out_features: *out_features })
            }
            Op::Conv2d { in_channels, out_channels, window } => {
                OpClass::Weighted(WeightedOp::Conv2d { in_channels: *in_channels, out_channels: *out_channels, window })
            }
            Op::Affine { param_shape } => OpClass::Weighted(WeightedOp::Affine { param_shape }),
            Op::Relu => OpClass::Unweighted(UnweightedOp::Relu),
            Op::Clip { lo, hi } => OpClass::Unweighted(UnweightedOp::Clip { lo: *lo, hi: *hi }),
            Op::MaxPool { window } => OpClass::Unweighted(UnweightedOp::MaxPool { window }),
            Op::AvgPool { window, count_include_pad } => {
                OpClass::Unweighted(UnweightedOp::AvgPool { window, count_include_pad: *count_include_pad })
            }
            Op::GlobalAvgPool => OpClass::Unweighted(UnweightedOp::GlobalAvgPool),
            Op::Reshape => OpClass::Unweighted(UnweightedOp::Reshape),
            Op::Transpose { perm } => OpClass::Unweighted(UnweightedOp::Transpose { perm }),
        }
    }

    /// Sizes `(weight, bias)` of the parameters this op carries, if any.
    pub fn param_sizes(&self) -> Option<(usize, usize)> {
        match self.class() {
            OpClass::Weighted(w) => Some(w.param_sizes()),
            OpClass::Unweighted(_) => None,
        }
    }

    /// Number of products summed into one output (the accumulator's fan-in); 1 for an
    /// op without parameters.
    pub fn fan_in(&self) -> usize {
        match self.class() {
            OpClass::Weighted(w) => w.fan_in(),
            OpClass::Unweighted(_) => 1,
        }
    }

    /// The output shape for input shape `x`. `Reshape` has no rule of its own: its
    /// output is given (`declared`) and only the element count is checked.
    pub fn output_shape(&self, x: &[usize], declared: &[usize]) -> Result<Vec<usize>, ShapeError> {
        match self {
            Op::Dense { in_features, out_features } => {
                match x.last() {
                    Some(&k) if k == *in_features as usize => {}
                    _ => return Err(ShapeError::Mismatch { expected: vec![*in_features as usize], got: x.to_vec() }),
                }
                let mut y = x.to_vec();
                *y.last_mut().expect("non-empty") = *out_features as usize;
                Ok(y)
            }
            Op::Conv2d { in_channels, out_channels, window } => {
                let [h, w] = image_hw(x, Some(*in_channels as usize))?;
                let [oh, ow] = window.output_hw(h, w)?;
                Ok(vec![1, *out_channels as usize, oh, ow])
            }
            Op::MaxPool { window } | Op::AvgPool { window, .. } => {
                let [h, w] = image_hw(x, None)?;
                let [oh, ow] = window.output_hw(h, w)?;
                Ok(vec![1, x[1], oh, ow])
            }
            Op::GlobalAvgPool => {
                image_hw(x, None)?;
                Ok(vec![1, x[1], 1, 1])
            }
            Op::Affine { param_shape } => {
                let p: Vec<usize> = param_shape.iter().map(|&d| d as usize).collect();
                if !super::shape::broadcasts_to(&p, x) {
                    return Err(ShapeError::Broadcast { param: p, x: x.to_vec() });
                }
                Ok(x.to_vec())
            }
            Op::Relu | Op::Clip { .. } => Ok(x.to_vec()),
            Op::Reshape => {
                if numel(declared) != numel(x) {
                    return Err(ShapeError::Mismatch { expected: declared.to_vec(), got: x.to_vec() });
                }
                Ok(declared.to_vec())
            }
            Op::Transpose { perm } => {
                let mut seen = vec![false; x.len()];
                if perm.len() != x.len() {
                    return Err(ShapeError::Permutation);
                }
                let mut y = Vec::with_capacity(x.len());
                for &p in perm {
                    let p = p as usize;
                    if p >= x.len() || std::mem::replace(&mut seen[p], true) {
                        return Err(ShapeError::Permutation);
                    }
                    y.push(x[p]);
                }
                Ok(y)
            }
        }
    }
}

/// `[h, w]` of a `[1, C, H, W]` tensor, checking C when given.
fn image_hw(x: &[usize], channels: Option<usize>) -> Result<[usize; 2], ShapeError> {
    match x {
        [1, c, h, w] if channels.is_none_or(|want| want == *c) => Ok([*h, *w]),
        _ => Err(ShapeError::Mismatch { expected: vec![1, channels.unwrap_or(0), 0, 0], got: x.to_vec() }),
    }
}

/// An op sorted by what it proves (`Op::class`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpClass<'a> {
    /// Parameters, summed into accumulators that a rescale brings to the output format.
    Weighted(WeightedOp<'a>),
    /// No parameters: the output keeps the input's format (a clip may narrow it).
    Unweighted(UnweightedOp<'a>),
}

/// The ops with parameters, borrowed from an `Op`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WeightedOp<'a> {
    Dense {
        in_features: u32,
        out_features: u32,
    },
    Conv2d {
        in_channels: u32,
        out_channels: u32,
        window: &'a Window2d,
    },
    /// `y = x ⊙ m + c`: `m` is the weight, `c` the bias.
    Affine {
        param_shape: &'a [u32],
    },
}

impl WeightedOp<'_> {
    /// Sizes `(weight, bias)` of the parameters. Affine's "weight" is its multiplier
    /// `m` and its "bias" the addend `c`.
    pub fn param_sizes(&self) -> (usize, usize) {
        match *self {
            WeightedOp::Dense { in_features, out_features } => {
                (in_features as usize * out_features as usize, out_features as usize)
            }
            WeightedOp::Conv2d { in_channels, out_channels, window } => {
                let k = window.kernel[0] as usize * window.kernel[1] as usize;
                (out_channels as usize * in_channels as usize * k, out_channels as usize)
            }
            WeightedOp::Affine { param_shape } => {
                let n = param_shape.iter().map(|&d| d as usize).product();
                (n, n)
            }
        }
    }

    /// Number of products summed into one output.
    pub fn fan_in(&self) -> usize {
        match *self {
            WeightedOp::Dense { in_features, .. } => in_features as usize,
            WeightedOp::Conv2d { in_channels, window, .. } => {
                in_channels as usize * window.kernel[0] as usize * window.kernel[1] as usize
            }
            WeightedOp::Affine { .. } => 1,
        }
    }
}

/// The ops without parameters, borrowed from an `Op`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnweightedOp<'a> {
    Relu,
    Clip { lo: i64, hi: i64 },
    MaxPool { window: &'a Window2d },
    AvgPool { window: &'a Window2d, count_include_pad: bool },
    GlobalAvgPool,
    Reshape,
    Transpose { perm: &'a [u32] },
}
