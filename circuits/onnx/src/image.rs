//! Lowering of the image ops: Conv (with a preceding zero Pad folded in), pooling,
//! ReduceMean over the plane.

use onnx_protobuf::NodeProto;

use super::attrs::Attrs;
use super::builder::Builder;
use super::lower::axis;
use super::tensor::ConstTensor;
use super::window;
use super::{FloatValue, ImportErrorKind as E, MalformedKind as M, UnsupportedKind as U};
use zkseal_core::model::op::Op;
use zkseal_core::model::shape::ShapeError;

pub(super) fn conv(b: &mut Builder, node: &NodeProto) -> Result<(), E> {
    let a = Attrs(node);
    a.require_int("group", 1)?;
    let w = b.const_input(node, 1)?.ok_or(M::Missing { op: "Conv", what: "weights" })?.clone();
    let [o, c, kh, kw] = w.dims.as_slice() else {
        return Err(U::ConvWeights(w.dims.clone()).into());
    };
    let x = b.shape().to_vec();
    if x.len() != 4 {
        return Err(U::ConvInput(x).into());
    }
    let kernel = [*kh as u32, *kw as u32];
    if window::kernel(&a)?.is_some_and(|k| k != kernel) {
        return Err(M::KernelShapeMismatch.into());
    }
    // A preceding zero Pad becomes part of the convolution's own padding.
    let pre = b.pending_pad.take().unwrap_or([0; 4]);
    let padded_hw = [x[2] + (pre[0] + pre[2]) as usize, x[3] + (pre[1] + pre[3]) as usize];
    let mut win = window::resolve(&a, kernel, padded_hw)?;
    for (p, extra) in win.pads.iter_mut().zip(pre) {
        *p += extra;
    }
    let bias = match b.const_input(node, 2)? {
        Some(t) if t.len() == *o => t.as_f64()?,
        Some(t) => return Err(ShapeError::Mismatch { expected: vec![*o], got: t.dims.clone() }.into()),
        None => vec![0.0; *o],
    };
    let op = Op::Conv2d { in_channels: *c as u32, out_channels: *o as u32, window: win };
    b.push(&node.name, op, Some((w.as_f64()?, bias)), &[])
}

pub(super) fn pool(b: &mut Builder, node: &NodeProto) -> Result<(), E> {
    let a = Attrs(node);
    a.require_int("storage_order", 0)?;
    let x = b.shape().to_vec();
    if x.len() != 4 {
        return Err(U::PoolInput(x).into());
    }
    let kernel = window::kernel(&a)?.ok_or(M::Missing { op: "pooling", what: "kernel_shape" })?;
    let window = window::resolve(&a, kernel, [x[2], x[3]])?;
    let op = if node.op_type == "MaxPool" {
        Op::MaxPool { window }
    } else {
        Op::AvgPool { window, count_include_pad: a.int_or("count_include_pad", 0)? != 0 }
    };
    b.push(&node.name, op, None, &[])
}

/// Constant zero padding of the two spatial axes, held until the Conv it feeds.
pub(super) fn pad(b: &mut Builder, node: &NodeProto) -> Result<(), E> {
    let a = Attrs(node);
    let mode = a.string("mode")?.unwrap_or_else(|| "constant".into());
    if mode != "constant" {
        return Err(U::PadMode(mode).into());
    }
    if b.const_input(node, 3)?.is_some() {
        return Err(U::PadAxes.into());
    }
    let pads = match a.ints("pads")? {
        Some(p) => p,
        None => b.const_input(node, 1)?.ok_or(M::Missing { op: "Pad", what: "pads" })?.as_i64()?,
    };
    let value = match b.const_input(node, 2)? {
        Some(t) => t.as_f64()?.first().copied().unwrap_or(0.0),
        None => a.float_or("value", 0.0)? as f64,
    };
    if value != 0.0 {
        return Err(U::PadValue(FloatValue(value)).into());
    }
    // ONNX order: [x1_begin, x2_begin, x3_begin, x4_begin, x1_end, …] over [N, C, H, W].
    if b.shape().len() != 4 || pads.len() != 8 || [0, 1, 4, 5].iter().any(|&i| pads[i] != 0) {
        return Err(U::PadNotSpatial(pads).into());
    }
    let spatial = [pads[2], pads[3], pads[6], pads[7]];
    if spatial.iter().any(|&p| !(0..=u32::MAX as i64 / 2).contains(&p)) {
        return Err(U::PadAmount(pads).into());
    }
    let mut acc = b.pending_pad.unwrap_or([0; 4]);
    for (t, p) in acc.iter_mut().zip(spatial) {
        *t = t.saturating_add(p as u32);
    }
    b.pending_pad = Some(acc);
    Ok(())
}

/// ReduceMean over H and W of an image is GlobalAveragePool.
pub(super) fn reduce_mean(b: &mut Builder, node: &NodeProto) -> Result<(), E> {
    let a = Attrs(node);
    let rank = b.shape().len();
    let axes = match a.ints("axes")? {
        Some(v) => v,
        None => b.const_input(node, 1)?.map(ConstTensor::as_i64).transpose()?.unwrap_or_default(),
    };
    let mut axes = axes.iter().map(|&v| axis(v, rank)).collect::<Result<Vec<_>, _>>()?;
    axes.sort_unstable();
    if rank != 4 || axes != [2, 3] {
        return Err(U::ReduceMeanAxes { axes, rank }.into());
    }
    let channels = b.shape()[1];
    b.push(&node.name, Op::GlobalAvgPool, None, &[])?;
    if a.int_or("keepdims", 1)? == 0 {
        b.push_reshape(&node.name, vec![1, channels])?;
    }
    Ok(())
}
