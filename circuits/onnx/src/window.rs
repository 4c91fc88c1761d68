//! Conv / pool window attributes → an explicit `Window2d` (`auto_pad` resolved).

use super::attrs::Attrs;
use super::{AttributeValue, ImportErrorKind as E, MalformedKind as M, UnsupportedKind as U};
use zkseal_core::model::op::Window2d;

fn pair(v: Vec<i64>, attribute: &'static str) -> Result<[u32; 2], E> {
    match v.as_slice() {
        [a, b] if *a > 0 && *b > 0 && *a <= u32::MAX as i64 && *b <= u32::MAX as i64 => Ok([*a as u32, *b as u32]),
        [_, _] => Err(M::NotPositive { attribute, value: v }.into()),
        _ => Err(U::WindowRank { attribute, value: v }.into()),
    }
}

/// Resolves strides, pads and `auto_pad` for `kernel` over an `in_hw` input.
pub fn resolve(a: &Attrs<'_>, kernel: [u32; 2], in_hw: [usize; 2]) -> Result<Window2d, E> {
    a.require_ones("dilations")?;
    let stride = match a.ints("strides")? {
        Some(s) => pair(s, "strides")?,
        None => [1, 1],
    };
    let ceil_mode = a.int_or("ceil_mode", 0)? != 0;
    let auto_pad = a.string("auto_pad")?.unwrap_or_else(|| "NOTSET".into());
    let pads = match auto_pad.as_str() {
        "NOTSET" => match a.ints("pads")? {
            None => [0; 4],
            Some(p) if p.len() == 4 && p.iter().all(|&v| (0..=u32::MAX as i64).contains(&v)) => {
                [p[0] as u32, p[1] as u32, p[2] as u32, p[3] as u32]
            }
            Some(p) => return Err(M::Pads(p).into()),
        },
        "VALID" => [0; 4],
        "SAME_UPPER" | "SAME_LOWER" => {
            // Output = ceil(in / stride); the total padding splits evenly, the odd one
            // at the end (UPPER) or at the beginning (LOWER).
            let mut p = [0u32; 4];
            for axis in 0..2 {
                let (n, s, k) = (in_hw[axis] as u64, stride[axis] as u64, kernel[axis] as u64);
                let out = n.div_ceil(s);
                let total = ((out - 1) * s + k).saturating_sub(n) as u32;
                let small = total / 2;
                let (begin, end) =
                    if auto_pad == "SAME_UPPER" { (small, total - small) } else { (total - small, small) };
                p[axis] = begin;
                p[axis + 2] = end;
            }
            p
        }
        other => {
            return Err(E::UnsupportedAttribute { name: "auto_pad", value: AttributeValue::Str(other.to_string()) })
        }
    };
    Ok(Window2d { kernel, stride, pads, ceil_mode })
}

/// `kernel_shape` as a pair.
pub fn kernel(a: &Attrs<'_>) -> Result<Option<[u32; 2]>, E> {
    a.ints("kernel_shape")?.map(|k| pair(k, "kernel_shape")).transpose()
}
