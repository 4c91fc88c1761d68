//! The circuit's size from the architecture alone, without synthesizing it.
//!
//! Setup and prove use it to refuse a model too large for the machine before
//! allocating anything; `specs/circuit.md` gives the same formulas. A test checks
//! that it equals the synthesized count for every bundled model.

use zkseal_core::commitment::{packing_plan, value_widths, CHUNK, HEADER_LEN};
use zkseal_core::model::op::Op;
use zkseal_core::quant::arch::Architecture;
use zkseal_core::quant::plan::plan;

use crate::ops::{self, Part};
use crate::{range, Costs, Scheme};

/// Number of constraints of `arch`'s circuit for `inferences` inferences per proof.
pub fn constraint_count(arch: &Architecture, scheme: Scheme, inferences: usize) -> u64 {
    costs(arch, scheme, inferences).total() as u64
}

/// Constraints of `arch`'s circuit by component, as `circuit::costs` counts them: the
/// commitment once, the layers once per inference.
pub fn costs(arch: &Architecture, scheme: Scheme, inferences: usize) -> Costs {
    let commitment = match scheme {
        Scheme::Poseidon => poseidon_cost(arch),
        Scheme::Lego => unused_conv_weights(arch),
    };
    let input = arch.input.len() as u64 * range::cost(arch.input.bits) as u64;
    let (mut linear, mut nonlinear) = (0u64, input);
    // An architecture without a plan (refused by `validate`) costs its input and output
    // checks only.
    for layer in plan(arch).unwrap_or_default() {
        match ops::part(&layer) {
            Part::Linear => linear += ops::cost(&layer),
            Part::Nonlinear => nonlinear += ops::cost(&layer),
        }
    }
    let outputs = arch.output().len() as u64;
    let b = inferences as u64;
    let to = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
    Costs {
        commitment: to(commitment),
        linear: to(linear.saturating_mul(b)),
        nonlinear: to((nonlinear + outputs).saturating_mul(b)),
    }
}

/// Value range checks, the Poseidon chain (504 per call, less the S-boxes of the
/// lanes that start constant), and the final equality.
fn poseidon_cost(arch: &Architecture) -> u64 {
    let widths = value_widths(arch);
    let packed = packing_plan(&widths).len() as u64;
    let calls = (HEADER_LEN as u64 + packed).div_ceil(CHUNK as u64);
    widths.iter().map(|&w| range::cost(w) as u64).sum::<u64>() + 471 * calls + 3 * packed + 3 + 1
}

/// Convolution weights whose tap only ever meets padding: the Lego scheme's only
/// commitment rows (`Synth::isolate_segment`).
fn unused_conv_weights(arch: &Architecture) -> u64 {
    let mut unused = 0u64;
    for (i, layer) in arch.layers.iter().enumerate() {
        if let Op::Conv2d { in_channels, out_channels, window } = &layer.op {
            let (x, y) = (arch.input_of(i).dims(), layer.output.dims());
            // Kernel offsets any output reads, per axis (as `kernels::conv2d_taps` does).
            let (mut rows, mut cols) = (vec![false; window.kernel[0] as usize], vec![false; window.kernel[1] as usize]);
            for oy in 0..y[2] {
                let top = (oy * window.stride[0] as usize) as i64 - window.pads[0] as i64;
                for r in window.window(oy, 0, x[2], x[3]).rows {
                    rows[(r as i64 - top) as usize] = true;
                }
            }
            for ox in 0..y[3] {
                let left = (ox * window.stride[1] as usize) as i64 - window.pads[1] as i64;
                for c in window.window(0, ox, x[2], x[3]).cols {
                    cols[(c as i64 - left) as usize] = true;
                }
            }
            let count = |hit: &[bool]| hit.iter().filter(|&&h| h).count() as u64;
            let live = count(&rows) * count(&cols);
            let kernel = window.kernel[0] as u64 * window.kernel[1] as u64;
            unused += *out_channels as u64 * *in_channels as u64 * (kernel - live);
        }
    }
    unused
}

/// Largest domain BN254's scalar field supports (two-adicity 28).
pub const MAX_DOMAIN: u64 = 1 << 28;

/// What setup and prove of a circuit need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size {
    pub constraints: u64,
    /// The Groth16 evaluation domain: the next power of two above constraints plus
    /// public inputs (arkworks adds one constraint per instance variable).
    pub domain: u64,
    /// Peak memory in bytes: measured at about 3.2 KB per domain element (2^16:
    /// 0.32 GiB; 2^21: 6.0 GiB) plus a fixed 128 MiB.
    pub memory: u64,
}

/// The Groth16 evaluation domain of a circuit of `constraints` constraints and
/// `instance` instance variables (the constant one included): arkworks adds one
/// constraint per instance variable and rounds up to a power of two.
pub fn domain(constraints: u64, instance: u64) -> u64 {
    constraints.saturating_add(instance).checked_next_power_of_two().unwrap_or(u64::MAX)
}

/// The size of `costs`' circuit for `arch` under `scheme`, `inferences` per proof.
pub fn size(arch: &Architecture, scheme: Scheme, inferences: usize, costs: &Costs) -> Size {
    let constraints = costs.total() as u64;
    let commitment_input = u64::from(scheme == Scheme::Poseidon);
    let per_inference = arch.input.len() as u64 + arch.output().len() as u64;
    let instance = (1 + commitment_input).saturating_add(per_inference.saturating_mul(inferences as u64));
    let domain = domain(constraints, instance);
    Size { constraints, domain, memory: domain.saturating_mul(3200).saturating_add(128 << 20) }
}
