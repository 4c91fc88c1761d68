//! Constant folding: nodes whose inputs are all constants are evaluated at import
//! (exporters compute reshape targets this way, e.g. `x.view(x.size(0), -1)`).

use onnx_protobuf::NodeProto;

use super::attrs::Attrs;
use super::builder::Builder;
use super::lower::squeeze_shape;
use super::tensor::{ConstTensor, Data};
use super::{ImportErrorKind as E, MalformedKind as M, TooLargeKind, UnsupportedKind as U};
use zkseal_core::model::shape::{broadcast_map, numel, MAX_TENSOR_ELEMENTS};

pub(super) fn fold(b: &mut Builder, node: &NodeProto) -> Result<(), E> {
    let a = Attrs(node);
    let input = |i: usize| -> Result<ConstTensor, E> {
        b.const_input(node, i)?.cloned().ok_or_else(|| M::MissingInput(i).into())
    };
    let out = match node.op_type.as_str() {
        "Constant" => constant(&a)?,
        "Identity" => input(0)?,
        "Cast" => {
            let x = input(0)?;
            match a.int_or("to", 0)? {
                1 | 10 | 11 => ConstTensor::floats(x.dims.clone(), x.as_f64()?),
                9 => ConstTensor::ints(x.dims.clone(), x.as_f64()?.iter().map(|&v| i64::from(v != 0.0)).collect()),
                2..=7 | 12 | 13 => {
                    let v = match &x.data {
                        Data::Float(f) => f.iter().map(|v| v.trunc() as i64).collect(),
                        _ => x.as_i64()?,
                    };
                    ConstTensor::ints(x.dims.clone(), v)
                }
                to => return Err(U::ConstantCast(to).into()),
            }
        }
        "Gather" => {
            let (data, idx) = (input(0)?, input(1)?);
            if data.dims.len() != 1 || a.int_or("axis", 0)? != 0 {
                return Err(U::ConstantGather.into());
            }
            let n = data.dims[0] as i64;
            let picks = idx
                .as_i64()?
                .iter()
                .map(|&i| {
                    let j = if i < 0 { i + n } else { i };
                    (0..n).contains(&j).then_some(j as usize).ok_or(M::GatherIndex(i))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let data = match &data.data {
                Data::Int(v) => Data::Int(picks.iter().map(|&i| v[i]).collect()),
                Data::Float(v) => Data::Float(picks.iter().map(|&i| v[i]).collect()),
                Data::Str(v) => Data::Str(picks.iter().map(|&i| v[i].clone()).collect()),
            };
            ConstTensor { dims: idx.dims.clone(), data }
        }
        "Squeeze" | "Unsqueeze" => {
            let x = input(0)?;
            let axes = match a.ints("axes")? {
                Some(v) => Some(v),
                None => b.const_input(node, 1)?.map(ConstTensor::as_i64).transpose()?,
            };
            ConstTensor { dims: squeeze_shape(&x.dims, axes, node.op_type == "Unsqueeze")?, data: x.data }
        }
        "Concat" => {
            let parts = (0..node.input.len()).map(&input).collect::<Result<Vec<_>, _>>()?;
            if parts.iter().any(|p| p.dims.len() != 1) {
                return Err(U::ConstantConcat.into());
            }
            let ints = parts.iter().map(ConstTensor::as_i64).collect::<Result<Vec<_>, _>>();
            match ints {
                Ok(v) => {
                    let v: Vec<i64> = v.concat();
                    ConstTensor::ints(vec![v.len()], v)
                }
                Err(_) => {
                    let v: Vec<f64> = parts.iter().map(ConstTensor::as_f64).collect::<Result<Vec<_>, _>>()?.concat();
                    ConstTensor::floats(vec![v.len()], v)
                }
            }
        }
        "Reshape" => {
            let (x, shape) = (input(0)?, input(1)?.as_i64()?);
            let known: i64 = shape.iter().filter(|&&d| d > 0).product();
            let dims = shape
                .iter()
                .enumerate()
                .map(|(i, &d)| match d {
                    0 => x.dims.get(i).copied().ok_or(M::ReshapeCopiesMissing),
                    -1 if known > 0 => Ok(x.len() / known as usize),
                    d if d > 0 => Ok(d as usize),
                    _ => Err(M::ReshapeTarget(shape.clone())),
                })
                .collect::<Result<Vec<_>, _>>()?;
            if numel(&dims) != x.len() {
                return Err(M::ReshapeCount { values: x.len(), dims }.into());
            }
            ConstTensor { dims, data: x.data }
        }
        "ConstantOfShape" => {
            let dims: Vec<usize> = input(0)?.as_i64()?.iter().map(|&d| d.max(0) as usize).collect();
            if numel(&dims) > MAX_TENSOR_ELEMENTS {
                return Err(TooLargeKind::ConstantOfShape(dims).into());
            }
            let value = a.tensor("value")?.unwrap_or_else(|| ConstTensor::floats(vec![1], vec![0.0]));
            let n = numel(&dims);
            match value.data {
                Data::Int(v) if v.len() == 1 => ConstTensor::ints(dims, vec![v[0]; n]),
                Data::Float(v) if v.len() == 1 => ConstTensor::floats(dims, vec![v[0]; n]),
                _ => return Err(M::ConstantOfShapeValue.into()),
            }
        }
        op @ ("Add" | "Sub" | "Mul" | "Div") => arithmetic(op, &input(0)?, &input(1)?)?,
        _ => return Err(E::UnsupportedOp),
    };
    let name = node.output.first().ok_or(M::NodeWithoutOutputs)?;
    b.set_const(name, out)
}

fn constant(a: &Attrs<'_>) -> Result<ConstTensor, E> {
    if let Some(t) = a.tensor("value")? {
        return Ok(t);
    }
    if let Some(v) = a.ints("value_ints")? {
        return Ok(ConstTensor::ints(vec![v.len()], v));
    }
    if let Some(v) = a.int("value_int")? {
        return Ok(ConstTensor::ints(vec![], vec![v]));
    }
    if let Some(v) = a.floats("value_floats")? {
        return Ok(ConstTensor::floats(vec![v.len()], v.iter().map(|&x| x as f64).collect()));
    }
    if a.0.attribute.iter().any(|x| x.name == "value_float") {
        return Ok(ConstTensor::floats(vec![], vec![a.float_or("value_float", 0.0)? as f64]));
    }
    if let Some(v) = a.strings("value_strings")? {
        return Ok(ConstTensor { dims: vec![v.len()], data: Data::Str(v) });
    }
    Err(U::ConstantWithoutValue.into())
}

/// Numpy-broadcast arithmetic on two constants (integer when both are integers).
fn arithmetic(op: &str, x: &ConstTensor, y: &ConstTensor) -> Result<ConstTensor, E> {
    let rank = x.dims.len().max(y.dims.len());
    let pad = |d: &[usize]| [vec![1; rank - d.len()], d.to_vec()].concat();
    let (dx, dy) = (pad(&x.dims), pad(&y.dims));
    let dims = dx
        .iter()
        .zip(&dy)
        .map(|(&a, &b)| {
            if a == b || b == 1 {
                Ok(a)
            } else if a == 1 {
                Ok(b)
            } else {
                Err(M::ConstantBroadcast { op: op.to_string(), x: x.dims.clone(), y: y.dims.clone() })
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let (ix, iy) = (broadcast_map(&dx, &dims), broadcast_map(&dy, &dims));
    if let (Data::Int(a), Data::Int(b)) = (&x.data, &y.data) {
        let v = ix
            .iter()
            .zip(&iy)
            .map(|(&i, &j)| match op {
                "Add" => a[i].checked_add(b[j]),
                "Sub" => a[i].checked_sub(b[j]),
                "Mul" => a[i].checked_mul(b[j]),
                _ => a[i].checked_div(b[j]),
            })
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| M::IntegerOverflow { op: op.to_string() })?;
        return Ok(ConstTensor::ints(dims, v));
    }
    let (a, b) = (x.as_f64()?, y.as_f64()?);
    let v = ix
        .iter()
        .zip(&iy)
        .map(|(&i, &j)| match op {
            "Add" => a[i] + b[j],
            "Sub" => a[i] - b[j],
            "Mul" => a[i] * b[j],
            _ => a[i] / b[j],
        })
        .collect();
    Ok(ConstTensor::floats(dims, v))
}
