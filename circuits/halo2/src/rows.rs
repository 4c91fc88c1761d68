//! The rows a circuit's layout uses, counted without a witness.
//!
//! `keys::min_k` picks `k` from this count, so it decides every key file's bytes. halo2's
//! own measurement, `dev::CircuitCost` (its `max_rows`), keeps the count in a private
//! field in halo2_proofs 0.4.1, readable only from its `Debug` text. This module measures
//! the same thing through the public API instead: `RowCounter` is an `Assignment` that
//! records, as `CircuitCost`'s `Layout` does, one more than the largest row given to
//! `enable_selector`, `assign_advice` or `assign_fixed` (lookup tables included; not
//! `fill_from_row`, which `Layout` ignores too), and `count_rows` runs the circuit's
//! floor planner on it as `CircuitCost::measure` does.
//!
//! The floor planner also needs the circuit's constant columns, which
//! `ConstraintSystem` keeps private as well: `ModelConfig` names its one.

use ff::Field;
use halo2_proofs::circuit::{SimpleFloorPlanner, Value};
use halo2_proofs::plonk::{
    Advice, Any, Assigned, Assignment, Column, ConstraintSystem, Error, Fixed, FloorPlanner, Instance, Selector,
};

use crate::circuit::{ModelCircuit, ModelConfig};

/// An `Assignment` that only counts rows: one more than the largest row index any cell
/// or selector of the layout was assigned at (`CircuitCost`'s `max_rows`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RowCounter {
    rows: usize,
}

impl RowCounter {
    /// The rows counted so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    fn update(&mut self, row: usize) {
        self.rows = self.rows.max(row + 1);
    }
}

impl<F: Field> Assignment<F> for RowCounter {
    fn enter_region<NR, N>(&mut self, _: N)
    where
        NR: Into<String>,
        N: FnOnce() -> NR,
    {
    }

    fn exit_region(&mut self) {}

    fn enable_selector<A, AR>(&mut self, _: A, _: &Selector, row: usize) -> Result<(), Error>
    where
        A: FnOnce() -> AR,
        AR: Into<String>,
    {
        self.update(row);
        Ok(())
    }

    fn query_instance(&self, _: Column<Instance>, _: usize) -> Result<Value<F>, Error> {
        Ok(Value::unknown())
    }

    fn assign_advice<V, VR, A, AR>(&mut self, _: A, _: Column<Advice>, row: usize, _: V) -> Result<(), Error>
    where
        V: FnOnce() -> Value<VR>,
        VR: Into<Assigned<F>>,
        A: FnOnce() -> AR,
        AR: Into<String>,
    {
        self.update(row);
        Ok(())
    }

    fn assign_fixed<V, VR, A, AR>(&mut self, _: A, _: Column<Fixed>, row: usize, _: V) -> Result<(), Error>
    where
        V: FnOnce() -> Value<VR>,
        VR: Into<Assigned<F>>,
        A: FnOnce() -> AR,
        AR: Into<String>,
    {
        self.update(row);
        Ok(())
    }

    fn copy(&mut self, _: Column<Any>, _: usize, _: Column<Any>, _: usize) -> Result<(), Error> {
        Ok(())
    }

    /// Not counted, as in `CircuitCost` (the rest of a lookup table's column is filled
    /// from the row after its last value to the end).
    fn fill_from_row(&mut self, _: Column<Fixed>, _: usize, _: Value<Assigned<F>>) -> Result<(), Error> {
        Ok(())
    }

    fn push_namespace<NR, N>(&mut self, _: N)
    where
        NR: Into<String>,
        N: FnOnce() -> NR,
    {
    }

    fn pop_namespace(&mut self, _: Option<String>) {}
}

/// Rows the layout of `circuit` uses, lookup tables included: what
/// `CircuitCost::measure(k, circuit)` reports as `max_rows`, without its bound `2^k`.
/// Fails where the circuit's `synthesize` does.
pub fn count_rows(circuit: &ModelCircuit<'_>) -> Result<usize, Error> {
    let mut cs = ConstraintSystem::default();
    let config = ModelConfig::configure(&mut cs);
    let constants = vec![config.constants];
    let mut counter = RowCounter::default();
    SimpleFloorPlanner::synthesize(&mut counter, circuit, config, constants)?;
    Ok(counter.rows())
}

#[cfg(test)]
mod tests {
    use halo2_proofs::dev::CircuitCost;
    use halo2_proofs::plonk::Circuit;
    use pasta_curves::vesta;
    use zkseal_core::format::architecture_digest;
    use zkseal_core::model::op::{Op, Window2d};
    use zkseal_core::quant::arch::{accumulator_bits, Architecture, QLayer, Rescale, TensorSpec};

    use super::*;
    use crate::keys::used_rows;
    use crate::params::MAX_K;
    use crate::Fp;

    fn spec(shape: &[u32], scale: i32, bits: u32) -> TensorSpec {
        TensorSpec { shape: shape.to_vec(), scale, bits }
    }

    /// Appends a layer of output `shape` and `bits` at the input's scale (a weighted op
    /// gets 8-bit weights at scale 2, 16-bit biases and a shift of 2).
    fn push(arch: &mut Architecture, op: Op, shape: &[u32], bits: u32) {
        let input = arch.output().clone();
        let rescale = op.param_sizes().map(|_| Rescale {
            weight_scale: 2,
            weight_bits: 8,
            bias_bits: 16,
            acc_bits: accumulator_bits(op.fan_in(), input.bits, 8, 16),
            shift: 2,
        });
        let name = format!("l{}", arch.layers.len());
        arch.layers.push(QLayer { name, op, output: spec(shape, input.scale, bits), rescale });
    }

    fn window(k: u32, s: u32, p: u32) -> Window2d {
        Window2d { kernel: [k, k], stride: [s, s], pads: [p; 4], ceil_mode: false }
    }

    fn mlp() -> Architecture {
        let mut a = Architecture { input: spec(&[1, 32], 4, 8), layers: vec![] };
        push(&mut a, Op::Dense { in_features: 32, out_features: 16 }, &[1, 16], 8);
        push(&mut a, Op::Relu, &[1, 16], 8);
        push(&mut a, Op::Dense { in_features: 16, out_features: 4 }, &[1, 4], 8);
        a
    }

    fn cnn() -> Architecture {
        let mut a = Architecture { input: spec(&[1, 1, 6, 6], 4, 8), layers: vec![] };
        push(&mut a, Op::Conv2d { in_channels: 1, out_channels: 2, window: window(3, 1, 1) }, &[1, 2, 6, 6], 8);
        push(&mut a, Op::Relu, &[1, 2, 6, 6], 8);
        push(&mut a, Op::MaxPool { window: window(2, 2, 0) }, &[1, 2, 3, 3], 8);
        push(&mut a, Op::Reshape, &[1, 18], 8);
        push(&mut a, Op::Dense { in_features: 18, out_features: 3 }, &[1, 3], 8);
        a
    }

    /// Every other op: clip, affine, average pools, transpose.
    fn mixed() -> Architecture {
        let mut a = Architecture { input: spec(&[1, 2, 4, 4], 3, 10), layers: vec![] };
        push(&mut a, Op::Clip { lo: -100, hi: 100 }, &[1, 2, 4, 4], 8);
        push(&mut a, Op::Affine { param_shape: vec![1, 2, 1, 1] }, &[1, 2, 4, 4], 8);
        push(&mut a, Op::AvgPool { window: window(2, 2, 1), count_include_pad: false }, &[1, 2, 3, 3], 8);
        push(&mut a, Op::Transpose { perm: vec![0, 1, 3, 2] }, &[1, 2, 3, 3], 8);
        push(&mut a, Op::GlobalAvgPool, &[1, 2, 1, 1], 8);
        push(&mut a, Op::Reshape, &[1, 2], 8);
        a
    }

    /// `CircuitCost`'s `max_rows`, read from its `Debug` text (the field is private).
    fn cost_max_rows<C: Circuit<Fp> + std::fmt::Debug>(circuit: &C) -> usize {
        let cost = format!("{:?}", CircuitCost::<vesta::Point, C>::measure(MAX_K, circuit));
        let rest = cost.split("max_rows: ").nth(1).expect("CircuitCost's Debug text shows max_rows");
        rest.split(|c: char| !c.is_ascii_digit()).next().and_then(|s| s.parse().ok()).expect("a row count")
    }

    #[test]
    fn rows_are_circuit_costs_max_rows() {
        for (name, arch) in [("mlp", mlp()), ("cnn", cnn()), ("mixed", mixed())] {
            arch.validate().unwrap_or_else(|e| panic!("{name}: {e}"));
            for inferences in [1, 3] {
                let circuit =
                    ModelCircuit { arch: &arch, arch_digest: architecture_digest(&arch), inferences, witness: None };
                let rows = count_rows(&circuit).expect("lays out");
                assert_eq!(rows, cost_max_rows(&circuit), "{name}, {inferences} inferences");
                assert_eq!(used_rows(&circuit).expect("lays out"), rows);
            }
        }
    }
}
