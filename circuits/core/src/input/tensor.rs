//! A tensor as an input file writes it: nested JSON arrays of numbers, and their shape.

use serde_json::Value;

use super::InputError;
use crate::model::shape::numel;

/// The values of nested arrays, depth first, and the arrays' shape: `None` when ragged
/// (rows of different lengths or depths); `[]` for a bare number.
pub(super) struct Tensor {
    pub values: Vec<f64>,
    pub dims: Option<Vec<usize>>,
}

impl Tensor {
    pub fn read(v: &Value, at: &str) -> Result<Tensor, InputError> {
        let mut values = Vec::new();
        let dims = walk(v, &mut values, at)?;
        Ok(Tensor { values, dims })
    }
}

fn walk(v: &Value, out: &mut Vec<f64>, at: &str) -> Result<Option<Vec<usize>>, InputError> {
    match v {
        Value::Array(items) => {
            let mut inner: Option<Option<Vec<usize>>> = None;
            for item in items {
                let dims = walk(item, out, at)?;
                // Ragged as soon as two rows differ; every row is still read, for its errors.
                inner = Some(match inner {
                    None => dims,
                    Some(seen) if seen == dims => seen,
                    Some(_) => None,
                });
            }
            Ok(match inner {
                None => Some(vec![0]),
                Some(Some(dims)) => Some([vec![items.len()], dims].concat()),
                Some(None) => None,
            })
        }
        Value::Number(n) => {
            out.push(n.as_f64().ok_or_else(|| InputError::NotNumber { at: at.into(), found: n.to_string() })?);
            Ok(Some(Vec::new()))
        }
        other => {
            let found = match other {
                Value::Null => "null",
                Value::Bool(_) => "a boolean",
                Value::String(_) => "a string",
                _ => "an object",
            };
            Err(InputError::NotNumber { at: at.into(), found: found.into() })
        }
    }
}

/// The shape without its leading 1s (batch and single-channel dimensions).
fn core(dims: &[usize]) -> &[usize] {
    let ones = dims.iter().take_while(|&&d| d == 1).count();
    &dims[ones..]
}

/// The samples `t` holds for a model whose input has `shape`: a flat list (or a number)
/// is cut into samples of `numel(shape)` values; nested lists must have the model's shape
/// up to leading 1s, or that shape under one leading batch dimension of any size.
pub(super) fn split(t: Tensor, shape: &[usize], at: &str) -> Result<Vec<Vec<f64>>, InputError> {
    let n = numel(shape);
    let dims = t.dims.ok_or_else(|| InputError::Ragged { at: at.into(), shape: shape.to_vec() })?;
    let fits = dims.len() <= 1 || core(&dims) == core(shape) || core(&dims[1..]) == core(shape);
    if !fits {
        return Err(InputError::Shape { at: at.into(), got: dims, shape: shape.to_vec() });
    }
    if t.values.is_empty() || n == 0 || !t.values.len().is_multiple_of(n) {
        return Err(InputError::Split { total: t.values.len(), sample_len: n });
    }
    Ok(t.values.chunks(n).map(<[f64]>::to_vec).collect())
}
