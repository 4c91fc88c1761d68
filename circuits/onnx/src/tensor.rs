//! Constant tensors: ONNX initializers and `Constant` node values, decoded with every
//! length checked before anything is allocated.

use onnx_protobuf::tensor_proto::{DataLocation, DataType};
use onnx_protobuf::TensorProto;
use protobuf::Enum;

use super::{ImportErrorKind as E, MalformedKind as M, TooLargeKind, UnsupportedKind as U};
use zkseal_core::model::shape::{numel, MAX_RANK, MAX_TENSOR_ELEMENTS};

/// A constant's values: reals (as `f64`), integers or strings.
#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    Float(Vec<f64>),
    Int(Vec<i64>),
    Str(Vec<String>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ConstTensor {
    pub dims: Vec<usize>,
    pub data: Data,
}

impl ConstTensor {
    pub fn ints(dims: Vec<usize>, v: Vec<i64>) -> Self {
        ConstTensor { dims, data: Data::Int(v) }
    }

    pub fn floats(dims: Vec<usize>, v: Vec<f64>) -> Self {
        ConstTensor { dims, data: Data::Float(v) }
    }

    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        match &self.data {
            Data::Float(v) => v.len(),
            Data::Int(v) => v.len(),
            Data::Str(v) => v.len(),
        }
    }

    /// Values as reals (integers convert exactly up to 2^53).
    pub fn as_f64(&self) -> Result<Vec<f64>, E> {
        match &self.data {
            Data::Float(v) => Ok(v.clone()),
            Data::Int(v) => Ok(v.iter().map(|&x| x as f64).collect()),
            Data::Str(_) => Err(M::NotNumeric.into()),
        }
    }

    /// Values as integers (reals must be integral).
    pub fn as_i64(&self) -> Result<Vec<i64>, E> {
        match &self.data {
            Data::Int(v) => Ok(v.clone()),
            Data::Float(v) if v.iter().all(|x| x.fract() == 0.0 && x.abs() < 9.0e15) => {
                Ok(v.iter().map(|&x| x as i64).collect())
            }
            _ => Err(M::NotInteger.into()),
        }
    }

    /// Values as labels (strings as they are, integers in decimal).
    pub fn as_labels(&self) -> Vec<String> {
        match &self.data {
            Data::Str(v) => v.clone(),
            Data::Int(v) => v.iter().map(i64::to_string).collect(),
            Data::Float(v) => v.iter().map(f64::to_string).collect(),
        }
    }
}

/// Checks an ONNX dims list and converts it.
pub fn dims_of(dims: &[i64]) -> Result<Vec<usize>, E> {
    if dims.len() > MAX_RANK {
        return Err(TooLargeKind::ConstantRank(dims.len()).into());
    }
    let dims =
        dims.iter().map(|&d| usize::try_from(d).map_err(|_| M::NegativeDimension(d))).collect::<Result<Vec<_>, _>>()?;
    if numel(&dims) > MAX_TENSOR_ELEMENTS {
        return Err(TooLargeKind::ConstantShape(dims).into());
    }
    Ok(dims)
}

/// Decodes a `TensorProto`.
pub fn decode(t: &TensorProto) -> Result<ConstTensor, E> {
    if t.data_location.enum_value() == Ok(DataLocation::EXTERNAL) || !t.external_data.is_empty() {
        return Err(U::ExternalData(t.name.clone()).into());
    }
    if t.segment.is_some() {
        return Err(U::Segmented(t.name.clone()).into());
    }
    let dims = dims_of(&t.dims)?;
    let n = numel(&dims);
    let raw = &t.raw_data;
    let dt = t.data_type;
    let ty = DataType::from_i32(dt).ok_or(M::UnknownDataType(dt))?;
    let wrong_len =
        |values: usize| E::Malformed(M::TensorLength { tensor: t.name.clone(), values, dims: dims.clone() });
    // Raw data is little-endian, `size` bytes per element.
    let from_raw = |size: usize| -> Result<Option<Vec<&[u8]>>, E> {
        if raw.is_empty() {
            return Ok(None);
        }
        if raw.len() != n.saturating_mul(size) {
            return Err(wrong_len(raw.len() / size.max(1)));
        }
        Ok(Some(raw.chunks_exact(size).collect()))
    };
    let check = |len: usize| if len == n { Ok(()) } else { Err(wrong_len(len)) };
    let data = match ty {
        DataType::FLOAT => match from_raw(4)? {
            Some(c) => {
                Data::Float(c.iter().map(|b| f32::from_le_bytes(b[..4].try_into().expect("4")) as f64).collect())
            }
            None => {
                check(t.float_data.len())?;
                Data::Float(t.float_data.iter().map(|&x| x as f64).collect())
            }
        },
        DataType::DOUBLE => match from_raw(8)? {
            Some(c) => Data::Float(c.iter().map(|b| f64::from_le_bytes(b[..8].try_into().expect("8"))).collect()),
            None => {
                check(t.double_data.len())?;
                Data::Float(t.double_data.clone())
            }
        },
        DataType::FLOAT16 => match from_raw(2)? {
            Some(c) => Data::Float(c.iter().map(|b| f16_to_f64(u16::from_le_bytes([b[0], b[1]]))).collect()),
            None => {
                check(t.int32_data.len())?;
                Data::Float(t.int32_data.iter().map(|&x| f16_to_f64(x as u16)).collect())
            }
        },
        DataType::INT64 => match from_raw(8)? {
            Some(c) => Data::Int(c.iter().map(|b| i64::from_le_bytes(b[..8].try_into().expect("8"))).collect()),
            None => {
                check(t.int64_data.len())?;
                Data::Int(t.int64_data.clone())
            }
        },
        DataType::INT32 | DataType::INT16 | DataType::INT8 | DataType::UINT8 | DataType::UINT16 | DataType::BOOL => {
            let size = match ty {
                DataType::INT32 => 4,
                DataType::INT16 | DataType::UINT16 => 2,
                _ => 1,
            };
            match from_raw(size)? {
                Some(c) => Data::Int(c.iter().map(|b| int_from_le(b, ty)).collect()),
                None => {
                    check(t.int32_data.len())?;
                    Data::Int(t.int32_data.iter().map(|&x| x as i64).collect())
                }
            }
        }
        DataType::STRING => {
            check(t.string_data.len())?;
            Data::Str(t.string_data.iter().map(|s| String::from_utf8_lossy(s).into_owned()).collect())
        }
        other => return Err(U::TensorDataType { tensor: t.name.clone(), data_type: other }.into()),
    };
    Ok(ConstTensor { dims, data })
}

fn int_from_le(b: &[u8], ty: DataType) -> i64 {
    match ty {
        DataType::INT32 => i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as i64,
        DataType::INT16 => i16::from_le_bytes([b[0], b[1]]) as i64,
        DataType::UINT16 => u16::from_le_bytes([b[0], b[1]]) as i64,
        DataType::INT8 => b[0] as i8 as i64,
        _ => b[0] as i64,
    }
}

/// IEEE half to double, exactly.
fn f16_to_f64(h: u16) -> f64 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = ((h >> 10) & 0x1f) as i32;
    let frac = (h & 0x3ff) as f64;
    sign * match exp {
        0 => frac * 2f64.powi(-24),
        31 if frac == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        e => (1.0 + frac / 1024.0) * 2f64.powi(e - 15),
    }
}
