//! Lowering of the nodes that read the activation into float layers.

use onnx_protobuf::NodeProto;

use super::attrs::Attrs;
use super::builder::Builder;
use super::image;
use super::tensor::ConstTensor;
use super::{ImportErrorKind as E, MalformedKind as M, UnsupportedKind as U};
use zkseal_core::model::op::Op;
use zkseal_core::model::shape::{broadcast_map, broadcasts_to, numel, ShapeError};

/// ONNX element types a Cast may convert an activation to without changing it.
const FLOAT_TYPES: [i64; 3] = [1, 10, 11];

/// Lowers `node`, whose input `act_pos` is the current activation.
pub(super) fn lower(b: &mut Builder, node: &NodeProto, act_pos: usize) -> Result<(), E> {
    let a = Attrs(node);
    let name = node.name.as_str();
    if b.pending_pad.is_some() && !["Conv", "Pad", "Identity", "Cast", "Dropout"].contains(&node.op_type.as_str()) {
        return Err(U::PadWithoutConv.into());
    }
    match node.op_type.as_str() {
        "Identity" => {}
        "Dropout" => {
            if let Some(t) = b.const_input(node, 2)? {
                if t.as_i64()?.iter().any(|&v| v != 0) {
                    return Err(U::DropoutTraining.into());
                }
            }
        }
        "Cast" => {
            let to = a.int_or("to", 0)?;
            if !FLOAT_TYPES.contains(&to) {
                return Err(U::ActivationCast(to).into());
            }
        }
        "Shape" => return shape_of(b, node),
        "Relu" => b.push(name, Op::Relu, None, &[])?,
        "Gemm" => gemm(b, node, act_pos)?,
        "MatMul" => matmul(b, node, act_pos)?,
        "Conv" => image::conv(b, node)?,
        "MaxPool" | "AveragePool" => image::pool(b, node)?,
        "GlobalAveragePool" => b.push(name, Op::GlobalAvgPool, None, &[])?,
        "ReduceMean" => image::reduce_mean(b, node)?,
        "Pad" => image::pad(b, node)?,
        "Flatten" => {
            let shape = b.shape().to_vec();
            // Flatten's axis lies in [−r, r]: the split point, not an element axis.
            let r = shape.len() as i64;
            let v = a.int_or("axis", 1)?;
            let axis = usize::try_from(if v < 0 { v + r } else { v })
                .ok()
                .filter(|&x| x <= shape.len())
                .ok_or(M::FlattenAxis(v))?;
            b.push_reshape(name, vec![numel(&shape[..axis]), numel(&shape[axis..])])?;
        }
        "Reshape" => reshape(b, node)?,
        "Squeeze" | "Unsqueeze" => {
            let axes = match a.ints("axes")? {
                Some(v) => Some(v),
                None => b.const_input(node, 1)?.map(ConstTensor::as_i64).transpose()?,
            };
            let shape = squeeze_shape(b.shape(), axes, node.op_type == "Unsqueeze")?;
            b.push_reshape(name, shape)?;
        }
        "Transpose" => {
            let rank = b.shape().len();
            let perm: Vec<i64> = a.ints("perm")?.unwrap_or_else(|| (0..rank as i64).rev().collect());
            if perm.iter().enumerate().any(|(i, &p)| p != i as i64) {
                let perm = perm
                    .iter()
                    .map(|&p| u32::try_from(p).map_err(|_| ShapeError::Permutation))
                    .collect::<Result<_, _>>()?;
                b.push(name, Op::Transpose { perm }, None, &[])?;
            }
        }
        "BatchNormalization" => batch_norm(b, node)?,
        "Add" | "Sub" | "Mul" | "Div" => elementwise(b, node, act_pos)?,
        "Scaler" => {
            // ai.onnx.ml Scaler: y = (x − offset)·scale along the last axis.
            if b.shape().is_empty() {
                return Err(U::ScalerOnScalar.into());
            }
            let n = *b.shape().last().expect("rank ≥ 1");
            let take = |v: Option<Vec<f32>>, default: f64| -> Result<Vec<f64>, E> {
                match v {
                    None => Ok(vec![default; n]),
                    Some(v) if v.len() == 1 => Ok(vec![v[0] as f64; n]),
                    Some(v) if v.len() == n => Ok(v.iter().map(|&x| x as f64).collect()),
                    Some(v) => Err(M::ScalerLength(v.len()).into()),
                }
            };
            let scale = take(a.floats("scale")?, 1.0)?;
            let offset = take(a.floats("offset")?, 0.0)?;
            let c: Vec<f64> = offset.iter().zip(&scale).map(|(o, s)| -o * s).collect();
            per_axis(b, name, b.shape().len() - 1, &scale, &c)?;
        }
        _ => return Err(E::UnsupportedOp),
    }
    b.bind_outputs(node);
    Ok(())
}

/// Normalizes a possibly negative axis for a tensor of `rank` (ONNX convention).
pub(super) fn axis(v: i64, rank: usize) -> Result<usize, E> {
    let a = if v < 0 { v + rank as i64 } else { v };
    usize::try_from(a).ok().filter(|&a| a < rank).ok_or_else(|| M::Axis(v).into())
}

fn shape_of(b: &mut Builder, node: &NodeProto) -> Result<(), E> {
    let a = Attrs(node);
    let dims: Vec<i64> = b.shape().iter().map(|&d| d as i64).collect();
    let rank = dims.len() as i64;
    let clamp = |v: i64| (if v < 0 { v + rank } else { v }).clamp(0, rank) as usize;
    let start = clamp(a.int_or("start", 0)?);
    let end = clamp(a.int_or("end", rank)?).max(start);
    let out = dims[start..end].to_vec();
    let c = ConstTensor::ints(vec![out.len()], out);
    b.set_const(&node.output[0], c)
}

/// `W[o][i]` for a Dense layer from a constant `k × n` matrix (or `n × k` if `transposed`), times `alpha`.
fn dense_weights(m: &ConstTensor, k: usize, n: usize, transposed: bool, alpha: f64) -> Result<Vec<f64>, E> {
    let v = m.as_f64()?;
    let dims_ok = if transposed { m.dims == [n, k] } else { m.dims == [k, n] };
    if !dims_ok {
        return Err(ShapeError::Mismatch {
            expected: if transposed { vec![n, k] } else { vec![k, n] },
            got: m.dims.clone(),
        }
        .into());
    }
    Ok((0..n)
        .flat_map(|o| (0..k).map(move |i| (o, i)))
        .map(|(o, i)| alpha * if transposed { v[o * k + i] } else { v[i * n + o] })
        .collect())
}

/// Dense over the last axis of the current activation, plus `bias` given for every
/// output element (folded into the layer when it varies only along that axis).
fn push_dense(b: &mut Builder, name: &str, w: Vec<f64>, k: usize, n: usize, bias: Option<Vec<f64>>) -> Result<(), E> {
    let op = Op::Dense { in_features: k as u32, out_features: n as u32 };
    b.push(name, op, Some((w, vec![0.0; n])), &[])?;
    if let Some(c) = bias {
        let ones = vec![1.0; c.len()];
        b.elementwise(name, ones, c)?;
    }
    Ok(())
}

/// `C` broadcast to `out` (times `beta`), if present.
fn broadcast_const(c: Option<&ConstTensor>, out: &[usize], beta: f64) -> Result<Option<Vec<f64>>, E> {
    let Some(c) = c else { return Ok(None) };
    if !broadcasts_to(&c.dims, out) {
        return Err(ShapeError::Broadcast { param: c.dims.clone(), x: out.to_vec() }.into());
    }
    let v = c.as_f64()?;
    Ok(Some(broadcast_map(&c.dims, out).into_iter().map(|i| beta * v[i]).collect()))
}

/// Gemm: `Y = alpha·A'·B' + beta·C` with exactly one of A, B the activation.
fn gemm(b: &mut Builder, node: &NodeProto, act_pos: usize) -> Result<(), E> {
    let a = Attrs(node);
    let name = node.name.as_str();
    let alpha = a.float_or("alpha", 1.0)? as f64;
    let beta = a.float_or("beta", 1.0)? as f64;
    let (ta, tb) = (a.int_or("transA", 0)? != 0, a.int_or("transB", 0)? != 0);
    let c = b.const_input(node, 2)?.cloned();
    if b.shape().len() != 2 {
        return Err(M::GemmInputShape(b.shape().to_vec()).into());
    }
    let transpose = Op::Transpose { perm: vec![1, 0] };
    match act_pos {
        0 => {
            let w = b.const_input(node, 1)?.ok_or(M::Missing { op: "Gemm", what: "B" })?.clone();
            if ta {
                b.push(name, transpose, None, &[])?;
            }
            let [m, k] = [b.shape()[0], b.shape()[1]];
            let n = if tb { w.dims.first() } else { w.dims.get(1) }.copied().unwrap_or(0);
            let weights = dense_weights(&w, k, n, tb, alpha)?;
            let bias = broadcast_const(c.as_ref(), &[m, n], beta)?;
            push_dense(b, name, weights, k, n, bias)
        }
        _ => {
            // Y = A'·B'  ⇔  Yᵀ = B'ᵀ·A'ᵀ: a Dense layer on B'ᵀ with W[m][k] = A'[m][k].
            let w = b.const_input(node, 0)?.ok_or(M::Missing { op: "Gemm", what: "A" })?.clone();
            if !tb {
                b.push(name, transpose.clone(), None, &[])?;
            }
            let [n, k] = [b.shape()[0], b.shape()[1]];
            let m = if ta { w.dims.get(1) } else { w.dims.first() }.copied().unwrap_or(0);
            // A' is m × k; as Dense weights (rows = outputs m) that is A' itself, i.e.
            // `dense_weights` of a k × m matrix given transposed iff A is not.
            let weights = dense_weights(&w, k, m, !ta, alpha)?;
            let bias = broadcast_const(c.as_ref(), &[m, n], beta)?
                .map(|full| (0..n).flat_map(|j| (0..m).map(move |i| (i, j))).map(|(i, j)| full[i * n + j]).collect());
            push_dense(b, name, weights, k, m, bias)?;
            b.push(name, transpose, None, &[])
        }
    }
}

/// MatMul with one constant 2-D operand.
fn matmul(b: &mut Builder, node: &NodeProto, act_pos: usize) -> Result<(), E> {
    let name = node.name.as_str();
    if act_pos > 1 {
        return Err(M::MatMulTooManyInputs.into());
    }
    let other = b.const_input(node, 1 - act_pos)?.ok_or(M::MatMulOneInput)?.clone();
    if other.dims.len() != 2 {
        return Err(U::MatMulConstantRank(other.dims.len()).into());
    }
    let (k, n) = (other.dims[0], other.dims[1]);
    if act_pos == 0 {
        if b.shape().last() != Some(&k) {
            return Err(ShapeError::Mismatch { expected: vec![k], got: b.shape().to_vec() }.into());
        }
        let w = dense_weights(&other, k, n, false, 1.0)?;
        return push_dense(b, name, w, k, n, None);
    }
    // W·X with X of shape [k, cols]: (W·X)ᵀ = Xᵀ·Wᵀ.
    if b.shape().len() != 2 {
        return Err(U::MatMulActivationRank.into());
    }
    let transpose = Op::Transpose { perm: vec![1, 0] };
    b.push(name, transpose.clone(), None, &[])?;
    let (m, kk) = (other.dims[0], other.dims[1]);
    let w = dense_weights(&other, kk, m, true, 1.0)?;
    push_dense(b, name, w, kk, m, None)?;
    b.push(name, transpose, None, &[])
}

fn reshape(b: &mut Builder, node: &NodeProto) -> Result<(), E> {
    let target = b.const_input(node, 1)?.ok_or(M::Missing { op: "Reshape", what: "shape" })?.as_i64()?;
    let allow_zero = Attrs(node).int_or("allowzero", 0)? != 0;
    let x = b.shape().to_vec();
    let mut out = Vec::with_capacity(target.len());
    let mut infer = None;
    for (i, &d) in target.iter().enumerate() {
        match d {
            0 if !allow_zero => out.push(*x.get(i).ok_or(M::ReshapeCopiesMissing)?),
            -1 if infer.is_none() => {
                infer = Some(i);
                out.push(1);
            }
            d if d > 0 => out.push(d as usize),
            _ => return Err(M::ReshapeTarget(target).into()),
        }
    }
    if let Some(i) = infer {
        let known = numel(&out);
        if known == 0 || !numel(&x).is_multiple_of(known) {
            return Err(ShapeError::Mismatch { expected: out, got: x }.into());
        }
        out[i] = numel(&x) / known;
    }
    b.push_reshape(&node.name, out)
}

/// Shape after Squeeze (`insert == false`) or Unsqueeze of `axes`.
pub(super) fn squeeze_shape(x: &[usize], axes: Option<Vec<i64>>, insert: bool) -> Result<Vec<usize>, E> {
    if insert {
        let axes = axes.ok_or(M::Missing { op: "Unsqueeze", what: "axes" })?;
        let rank = x.len() + axes.len();
        let mut pos = axes.iter().map(|&v| axis(v, rank)).collect::<Result<Vec<_>, _>>()?;
        pos.sort_unstable();
        pos.dedup();
        if pos.len() != axes.len() {
            return Err(M::RepeatedUnsqueezeAxis.into());
        }
        let mut rest = x.iter();
        return Ok((0..rank).map(|i| if pos.contains(&i) { 1 } else { *rest.next().expect("counted") }).collect());
    }
    let drop = match axes {
        None => (0..x.len()).filter(|&i| x[i] == 1).collect::<Vec<_>>(),
        Some(v) => v.iter().map(|&a| axis(a, x.len())).collect::<Result<_, _>>()?,
    };
    if drop.iter().any(|&i| x[i] != 1) {
        return Err(M::SqueezeNotOne.into());
    }
    Ok(x.iter().enumerate().filter(|(i, _)| !drop.contains(i)).map(|(_, &d)| d).collect())
}

/// `y = x·m + c` with `m`, `c` varying along `axis` only.
fn per_axis(b: &mut Builder, name: &str, ax: usize, m: &[f64], c: &[f64]) -> Result<(), E> {
    let shape = b.shape().to_vec();
    if m.len() != shape[ax] || c.len() != shape[ax] {
        return Err(ShapeError::Mismatch { expected: vec![shape[ax]], got: vec![m.len()] }.into());
    }
    let mut pshape = vec![1; shape.len()];
    pshape[ax] = shape[ax];
    let map = broadcast_map(&pshape, &shape);
    b.elementwise(name, map.iter().map(|&i| m[i]).collect(), map.iter().map(|&i| c[i]).collect())
}

fn batch_norm(b: &mut Builder, node: &NodeProto) -> Result<(), E> {
    let a = Attrs(node);
    a.require_int("training_mode", 0)?;
    a.require_int("spatial", 1)?;
    let eps = a.float_or("epsilon", 1e-5)? as f64;
    let get =
        |i: usize| -> Result<Vec<f64>, E> { b.const_input(node, i)?.ok_or(M::MissingBatchNormInput(i))?.as_f64() };
    let (scale, bias, mean, var) = (get(1)?, get(2)?, get(3)?, get(4)?);
    if b.shape().len() < 2 {
        return Err(M::BatchNormRank.into());
    }
    // y = (x − mean)/√(var + eps)·scale + bias = x·m + c
    let m: Vec<f64> = scale.iter().zip(&var).map(|(s, v)| s / (v + eps).sqrt()).collect();
    let c: Vec<f64> = bias.iter().zip(&mean).zip(&m).map(|((bb, mu), m)| bb - mu * m).collect();
    if [scale.len(), bias.len(), mean.len()].iter().any(|&l| l != var.len()) {
        return Err(M::BatchNormLengths.into());
    }
    per_axis(b, &node.name, 1, &m, &c)
}

fn elementwise(b: &mut Builder, node: &NodeProto, act_pos: usize) -> Result<(), E> {
    if act_pos > 1 || node.input.len() != 2 {
        return Err(M::BinaryArity(node.op_type.clone()).into());
    }
    let k = b.const_input(node, 1 - act_pos)?.ok_or(M::BinaryOneInput)?;
    let shape = b.shape().to_vec();
    if !broadcasts_to(&k.dims, &shape) {
        return Err(U::EnlargingBroadcast { constant: k.dims.clone(), activation: shape }.into());
    }
    let v = k.as_f64()?;
    let full: Vec<f64> = broadcast_map(&k.dims, &shape).into_iter().map(|i| v[i]).collect();
    let (ones, zeros) = (vec![1.0; full.len()], vec![0.0; full.len()]);
    let (m, c) = match (node.op_type.as_str(), act_pos) {
        ("Add", _) => (ones, full),
        ("Sub", 0) => (ones, full.iter().map(|v| -v).collect()),
        ("Sub", _) => (full.iter().map(|_| -1.0).collect(), full),
        ("Mul", _) => (full, zeros),
        ("Div", 0) if full.iter().all(|&v| v != 0.0) => (full.iter().map(|v| 1.0 / v).collect(), zeros),
        ("Div", 0) => return Err(M::DivisionByZero.into()),
        _ => return Err(U::DivisionByActivation.into()),
    };
    b.elementwise(&node.name, m, c)
}
