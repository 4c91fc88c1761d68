//! Every chip under MockProver, with honest and tampered witnesses, against its native
//! twin.

use halo2_proofs::circuit::{Layouter, SimpleFloorPlanner, Value};
use halo2_proofs::dev::{MockProver, VerifyFailure};
use halo2_proofs::plonk::{Circuit, ConstraintSystem, Error};
use zkseal_halo2::chips::commit::{CommitChip, CommitInstructions};
use zkseal_halo2::chips::divide::{DivSpec, DivWitness, DivideChip};
use zkseal_halo2::chips::dot::{dot_native, DotChip, MACS};
use zkseal_halo2::chips::max::MaxChip;
use zkseal_halo2::chips::range::{RangeChip, RangeInstructions, Width};
use zkseal_halo2::chips::Cell;
use zkseal_halo2::circuit::ModelConfig;
use zkseal_halo2::commitment::{chain_hash, pack as pack_native};
use zkseal_halo2::{fe, Fp};

/// What the harness lays out; each case's result cell is public row 0.
#[derive(Clone, Debug)]
enum Case {
    /// Range-check each value; no public output.
    Range(Vec<(Fp, Width)>),
    /// Pack signed values of the widths; the packed elements are public.
    Pack(Vec<i64>, Vec<u32>),
    /// `b + Σ x·w` with the given running accumulators (None: honest).
    Dot { x: Vec<i64>, w: Vec<i64>, b: i64, accs: Option<Vec<i128>> },
    /// A division of `acc`, with a witness override `(q, r, σ)`.
    Divide { acc: i128, spec: DivSpec, wit: Option<(i128, i128, i128)> },
    /// The max of a window, with a claimed value.
    Max { window: Vec<i64>, bits: u32, claim: Option<i128> },
    /// Chained Poseidon of the values.
    Chain(Vec<Fp>),
}

#[derive(Clone, Debug)]
struct Harness(Case);

fn load(layouter: &mut impl Layouter<Fp>, config: &ModelConfig, vals: &[Fp]) -> Result<Vec<Cell>, Error> {
    let col = config.arith.advice[0];
    layouter.assign_region(
        || "load",
        |mut region| {
            vals.iter().enumerate().map(|(i, &v)| region.assign_advice(|| "v", col, i, || Value::known(v))).collect()
        },
    )
}

fn ints(v: &[i64]) -> Vec<Fp> {
    v.iter().map(|&x| fe(x as i128)).collect()
}

impl Circuit<Fp> for Harness {
    type Config = ModelConfig;
    type FloorPlanner = SimpleFloorPlanner;

    fn without_witnesses(&self) -> Self {
        self.clone()
    }

    fn configure(meta: &mut ConstraintSystem<Fp>) -> ModelConfig {
        ModelConfig::configure(meta)
    }

    fn synthesize(&self, c: ModelConfig, mut layouter: impl Layouter<Fp>) -> Result<(), Error> {
        let range = RangeChip::construct(c.range.clone());
        range.load_table(&mut layouter)?;
        let outs: Vec<Cell> = match &self.0 {
            Case::Range(vals) => {
                let cells = load(&mut layouter, &c, &vals.iter().map(|v| v.0).collect::<Vec<_>>())?;
                for (cell, (_, w)) in cells.iter().zip(vals) {
                    range.range_check(&mut layouter, cell, *w)?;
                }
                vec![]
            }
            Case::Pack(values, widths) => {
                let vals: Vec<_> = values.iter().map(|&v| Value::known(fe(v as i128))).collect();
                range.pack(&mut layouter, &vals, widths)?.1
            }
            Case::Dot { x, w, b, accs } => {
                let xs = load(&mut layouter, &c, &ints(x))?;
                let ws = load(&mut layouter, &c, &ints(w))?;
                let b = load(&mut layouter, &c, &ints(&[*b]))?.remove(0);
                let chip = DotChip::construct(c.dot.clone());
                vec![match accs {
                    None => zkseal_halo2::chips::dot::DotInstructions::dot(&chip, &mut layouter, &xs, &ws, &b)?,
                    Some(a) => {
                        let a: Vec<_> = a.iter().map(|&v| Value::known(fe(v))).collect();
                        chip.assign(&mut layouter, &xs, &ws, &b, &a)?
                    }
                }]
            }
            Case::Divide { acc, spec, wit } => {
                let acc = load(&mut layouter, &c, &[fe(*acc)])?.remove(0);
                let chip = DivideChip::construct(c.divide.clone());
                let wit = match wit {
                    None => spec.witness(acc.value().copied()),
                    Some((q, r, s)) => {
                        DivWitness { q: Value::known(fe(*q)), r: Value::known(fe(*r)), sign: Value::known(fe(*s)) }
                    }
                };
                vec![chip.assign(&mut layouter, &acc, *spec, wit)?]
            }
            Case::Max { window, bits, claim } => {
                let cells = load(&mut layouter, &c, &ints(window))?;
                let chip = MaxChip::construct(c.max.clone());
                vec![match claim {
                    None => zkseal_halo2::chips::max::MaxInstructions::max(&chip, &mut layouter, &cells, *bits)?,
                    Some(v) => chip.assign(&mut layouter, &cells, *bits, Value::known(fe(*v)))?,
                }]
            }
            Case::Chain(vals) => {
                let cells = load(&mut layouter, &c, vals)?;
                vec![CommitChip::construct(c.commit.clone()).chain_hash(&mut layouter, &cells)?]
            }
        };
        for (i, out) in outs.iter().enumerate() {
            layouter.constrain_instance(out.cell(), c.instance, i)?;
        }
        Ok(())
    }
}

fn run(case: Case, public: Vec<Fp>) -> Result<(), Vec<VerifyFailure>> {
    MockProver::run(11, &Harness(case), vec![public]).expect("synthesis").verify()
}

fn ok(case: Case, public: Vec<Fp>) {
    if let Err(e) = run(case.clone(), public) {
        panic!("{case:?} refused: {e:?}");
    }
}

fn refused(case: Case, public: Vec<Fp>) {
    assert!(run(case.clone(), public).is_err(), "{case:?} accepted");
}

// ---- range ----

#[test]
fn range_accepts_every_value_in_range() {
    let cases = [
        (0i128, Width::unsigned(0)),
        (1, Width::unsigned(1)),
        (255, Width::unsigned(8)),
        (4095, Width::unsigned(12)),
        (-2048, Width::signed(12)),
        (2047, Width::signed(12)),
        ((1 << 32) - 1, Width::unsigned(32)),
        (-(1 << 31), Width::signed(32)),
        ((1 << 33) - 1, Width::unsigned(33)),
        (-(1 << 61), Width::signed(62)),
        ((1 << 61) - 1, Width::signed(62)),
        (12345678901, Width::signed(40)),
    ];
    ok(Case::Range(cases.iter().map(|&(v, w)| (fe(v), w)).collect()), vec![]);
}

#[test]
fn range_refuses_every_value_out_of_range() {
    for (v, w) in [
        (1i128, Width::unsigned(0)),
        (2, Width::unsigned(1)),
        (-1, Width::unsigned(8)),
        (256, Width::unsigned(8)),
        (2048, Width::signed(12)),
        (-2049, Width::signed(12)),
        (1 << 32, Width::unsigned(32)),
        (1 << 33, Width::unsigned(33)),
        (1 << 61, Width::signed(62)),
        (-(1 << 61) - 1, Width::signed(62)),
        (1 << 100, Width::unsigned(64)),
    ] {
        refused(Case::Range(vec![(fe(v), w)]), vec![]);
    }
    // A field element that is no small integer.
    refused(Case::Range(vec![(zkseal_halo2::pow2(200), Width::unsigned(32))]), vec![]);
}

#[test]
fn packing_matches_the_native_packing_and_checks_widths() {
    let widths = vec![12, 12, 28, 40, 12, 60, 9];
    let values = vec![-2048, 2047, -(1 << 27), (1 << 39) - 1, 5, -(1 << 59), -256];
    let packed = pack_native(&values, &widths);
    ok(Case::Pack(values.clone(), widths.clone()), packed.clone());
    // A wrong packed value, and a value outside its width (packed as it would be).
    let mut wrong = packed.clone();
    wrong[0] += Fp::from(1);
    refused(Case::Pack(values.clone(), widths.clone()), wrong);
    let mut over = values.clone();
    over[3] = 1 << 39;
    refused(Case::Pack(over.clone(), widths.clone()), pack_native(&over, &widths));
    over = values;
    over[0] = 2048;
    refused(Case::Pack(over.clone(), widths.clone()), pack_native(&over, &widths));
}

// ---- dot ----

#[test]
fn dot_matches_native_for_every_row_fill() {
    for n in [0usize, 1, MACS - 1, MACS, MACS + 1, 3 * MACS + 2] {
        let x: Vec<i64> = (0..n as i64).map(|i| i * 7 - 11).collect();
        let w: Vec<i64> = (0..n as i64).map(|i| 5 - i * 3).collect();
        let expect = dot_native(&x, &w, -9);
        ok(Case::Dot { x: x.clone(), w: w.clone(), b: -9, accs: None }, vec![fe(expect)]);
        refused(Case::Dot { x, w, b: -9, accs: None }, vec![fe(expect + 1)]);
    }
}

#[test]
fn dot_refuses_forged_accumulators() {
    let x = vec![1, 2, 3, 4, 5];
    let w = vec![6, 7, 8, 9, 10];
    let honest = [1 + 6 + 14 + 24 + 36, 1 + 80 + 50];
    ok(Case::Dot { x: x.clone(), w: w.clone(), b: 1, accs: Some(honest.to_vec()) }, vec![fe(131)]);
    // The final sum claimed, a middle row off by one (its next row then breaks).
    refused(Case::Dot { x: x.clone(), w: w.clone(), b: 1, accs: Some(vec![81, 132]) }, vec![fe(132)]);
    refused(Case::Dot { x, w, b: 1, accs: Some(vec![82, 131]) }, vec![fe(131)]);
}

// ---- divide ----

#[test]
fn divide_matches_the_reference_rounding() {
    use zkseal_core::quant::rounding::{div_round, rescale};
    for acc in [-1000i64, -513, -512, -511, -3, -2, -1, 0, 1, 2, 511, 512, 1000] {
        for shift in [0, 1, 3] {
            for relu in [false, true] {
                let spec = DivSpec::rescale(shift, 12, relu);
                let q = rescale(acc, shift) as i128;
                assert_eq!(spec.output(acc as i128), if relu { q.max(0) } else { q });
                ok(Case::Divide { acc: acc as i128, spec, wit: None }, vec![fe(spec.output(acc as i128))]);
            }
        }
        for n in [1usize, 3, 4, 9] {
            let spec = DivSpec::mean(n, 12);
            assert_eq!(spec.output(acc as i128), div_round(acc, n as u64) as i128);
            ok(Case::Divide { acc: acc as i128, spec, wit: None }, vec![fe(spec.output(acc as i128))]);
        }
        let spec = DivSpec::relu(12);
        ok(Case::Divide { acc: acc as i128, spec, wit: None }, vec![fe((acc as i128).max(0))]);
    }
    // A wide shift: remainders of 40 bits.
    let spec = DivSpec::rescale(40, 16, false);
    let acc = (1i128 << 52) + 12345;
    ok(Case::Divide { acc, spec, wit: None }, vec![fe(rescale(acc as i64, 40) as i128)]);
}

#[test]
fn divide_refuses_tampered_witnesses() {
    let spec = DivSpec::rescale(3, 8, false);
    // 37 + 4 = 5·8 + 1
    let honest = |q, r, s| Case::Divide { acc: 37, spec, wit: Some((q, r, s)) };
    ok(honest(5, 1, 1), vec![fe(5)]);
    refused(honest(5, 1, 1), vec![fe(6)]);
    refused(honest(6, 1, 1), vec![fe(6)]); // wrong output
    refused(honest(4, 9, 1), vec![fe(4)]); // remainder out of range
    refused(honest(6, -7, 1), vec![fe(6)]); // negative remainder
    refused(honest(5, 1, 0), vec![fe(5)]); // wrong sign
    refused(honest(5 + 256, 1 - 2048, 1), vec![fe(5 + 256)]); // output out of range
                                                              // The mean's second remainder check: div 6 (n = 3), r = 6 or 7 passes the 3-bit check alone.
    let spec = DivSpec::mean(3, 8);
    // 2·4 + 3 = 11 = 1·6 + 5
    ok(Case::Divide { acc: 4, spec, wit: Some((1, 5, 1)) }, vec![fe(1)]);
    // 2·5 + 3 = 13 = 2·6 + 1, and also 1·6 + 7 with r = 7 < 2^3: only r ≤ 5 refuses it.
    ok(Case::Divide { acc: 5, spec, wit: Some((2, 1, 1)) }, vec![fe(2)]);
    refused(Case::Divide { acc: 5, spec, wit: Some((1, 7, 1)) }, vec![fe(1)]);
    refused(Case::Divide { acc: 4, spec, wit: Some((0, 11, 1)) }, vec![fe(0)]);
    // A ReLU forced to the wrong branch.
    let spec = DivSpec::relu(8);
    refused(Case::Divide { acc: -5, spec, wit: Some((-5, 0, 1)) }, vec![fe(-5)]);
    refused(Case::Divide { acc: -5, spec, wit: Some((-5, 0, 0)) }, vec![fe(-5)]);
    refused(Case::Divide { acc: 5, spec, wit: Some((5, 0, 0)) }, vec![fe(0)]);
}

// ---- max ----

#[test]
fn max_accepts_only_the_maximum() {
    let window = vec![-7i64, 3, -2, 3];
    ok(Case::Max { window: window.clone(), bits: 8, claim: None }, vec![fe(3)]);
    ok(Case::Max { window: vec![-128], bits: 8, claim: None }, vec![fe(-128)]);
    for claim in [4i128, -2, -7, 100, -200] {
        refused(Case::Max { window: window.clone(), bits: 8, claim: Some(claim) }, vec![fe(claim)]);
    }
}

// ---- Poseidon chain ----

#[test]
fn chain_matches_the_native_hash() {
    for n in [1usize, 11, 12, 23] {
        let vals: Vec<Fp> = (0..n as u64).map(|i| Fp::from(i * 1000 + 7)).collect();
        let h = chain_hash(&vals);
        ok(Case::Chain(vals.clone()), vec![h]);
        refused(Case::Chain(vals), vec![h + Fp::from(1)]);
    }
}
