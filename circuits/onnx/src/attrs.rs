//! Typed access to a node's attributes.

use onnx_protobuf::attribute_proto::AttributeType as T;
use onnx_protobuf::{AttributeProto, NodeProto};

use super::tensor::{decode, ConstTensor};
use super::{AttributeValue, ImportErrorKind as E, MalformedKind as M};

pub struct Attrs<'a>(pub &'a NodeProto);

impl<'a> Attrs<'a> {
    fn get(&self, name: &'static str, want: T) -> Result<Option<&'a AttributeProto>, E> {
        match self.0.attribute.iter().find(|a| a.name == name) {
            None => Ok(None),
            Some(a) => match a.type_.enum_value() {
                Ok(t) if t == want || t == T::UNDEFINED => Ok(Some(a)),
                _ => Err(M::AttributeType { name, expected: want }.into()),
            },
        }
    }

    pub fn int(&self, name: &'static str) -> Result<Option<i64>, E> {
        Ok(self.get(name, T::INT)?.map(|a| a.i))
    }

    pub fn int_or(&self, name: &'static str, default: i64) -> Result<i64, E> {
        Ok(self.int(name)?.unwrap_or(default))
    }

    pub fn ints(&self, name: &'static str) -> Result<Option<Vec<i64>>, E> {
        Ok(self.get(name, T::INTS)?.map(|a| a.ints.clone()))
    }

    pub fn float_or(&self, name: &'static str, default: f32) -> Result<f32, E> {
        Ok(self.get(name, T::FLOAT)?.map_or(default, |a| a.f))
    }

    pub fn floats(&self, name: &'static str) -> Result<Option<Vec<f32>>, E> {
        Ok(self.get(name, T::FLOATS)?.map(|a| a.floats.clone()))
    }

    pub fn string(&self, name: &'static str) -> Result<Option<String>, E> {
        Ok(self.get(name, T::STRING)?.map(|a| String::from_utf8_lossy(&a.s).into_owned()))
    }

    pub fn strings(&self, name: &'static str) -> Result<Option<Vec<String>>, E> {
        Ok(self
            .get(name, T::STRINGS)?
            .map(|a| a.strings.iter().map(|s| String::from_utf8_lossy(s).into_owned()).collect()))
    }

    pub fn tensor(&self, name: &'static str) -> Result<Option<ConstTensor>, E> {
        match self.get(name, T::TENSOR)? {
            None => Ok(None),
            Some(a) => match a.t.as_ref() {
                Some(t) => decode(t).map(Some),
                None => Err(M::AttributeWithoutTensor(name).into()),
            },
        }
    }

    /// Fails on an attribute the lowering does not implement, unless it has the
    /// value that makes it a no-op.
    pub fn require_int(&self, name: &'static str, allowed: i64) -> Result<(), E> {
        match self.int(name)? {
            Some(v) if v != allowed => Err(E::UnsupportedAttribute { name, value: AttributeValue::Int(v) }),
            _ => Ok(()),
        }
    }

    pub fn require_ones(&self, name: &'static str) -> Result<(), E> {
        match self.ints(name)? {
            Some(v) if v.iter().any(|&d| d != 1) => {
                Err(E::UnsupportedAttribute { name, value: AttributeValue::Ints(v) })
            }
            _ => Ok(()),
        }
    }
}
