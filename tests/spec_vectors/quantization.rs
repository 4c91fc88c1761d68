//! `quantization.md`: the rounding examples §1–§2, the AvgPool and Affine examples §4, the
//! synthetic calibration stream §7.2, `scale_for` §7.3, the worked example §9.

use zkseal_core::model::float::{FloatLayer, FloatModel};
use zkseal_core::model::op::{Op, Window2d};
use zkseal_core::quant::arch::{Architecture, LayerWeights, QLayer, Rescale, TensorSpec, Weights};
use zkseal_core::quant::eval::{dequantize, evaluate, quantize_input};
use zkseal_core::quant::quantize::{calibrate, quantize, synthetic_samples};
use zkseal_core::quant::rounding::{div_round, quantize_value, rescale, scale_for, signed_bits};
use zkseal_core::QuantConfig;

use crate::extract::{after, code_blocks, doc, float, ints, leading_int, table};
use crate::model_file::worked_example_model;

/// Arguments as the specs write them: integers, decimals, `2^k`.
fn arg(s: &str) -> f64 {
    match s.trim().split_once('^') {
        Some((b, e)) => float(b).powi(float(e) as i32),
        None => float(s),
    }
}

/// Every `` `f(a, b) = r` `` example of `f` in `text`: `(arguments, result)`.
fn calls(text: &str, f: &str) -> Vec<(Vec<f64>, i64)> {
    let pattern = format!("`{f}(");
    let numeric = |a: &str| {
        let a = a.trim().replace('−', "-");
        !a.is_empty() && a.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '^'))
    };
    text.match_indices(&pattern)
        .filter_map(|(i, _)| {
            let rest = &text[i + pattern.len()..];
            let close = rest.find(')').unwrap();
            let args: Vec<&str> = rest[..close].split(',').collect();
            // `f(a, k)` names the function; only calls on numbers are examples.
            if !args.iter().all(|a| numeric(a)) {
                return None;
            }
            let result = rest[close + 1..].trim_start().strip_prefix('=').map(str::trim_start).and_then(leading_int);
            let result =
                result.unwrap_or_else(|| panic!("`{f}(…)` on numbers without `= result`: {:?}", &rest[..close + 1]));
            Some((args.into_iter().map(arg).collect(), result.parse().unwrap()))
        })
        .collect()
}

#[test]
fn rounding_function_examples() {
    let d = doc("quantization.md");
    let mut seen = 0;
    for (args, r) in calls(&d.text, "signed_bits") {
        assert_eq!(signed_bits(args[0] as u128) as i64, r, "signed_bits{args:?}");
        seen += 1;
    }
    for (args, r) in calls(&d.text, "rescale") {
        assert_eq!(rescale(args[0] as i64, args[1] as u32), r, "rescale{args:?}");
        seen += 1;
    }
    for (args, r) in calls(&d.text, "div_round") {
        assert_eq!(div_round(args[0] as i64, args[1] as u64), r, "div_round{args:?}");
        seen += 1;
    }
    for (args, r) in calls(&d.text, "scale_for") {
        assert_eq!(scale_for(args[0], args[1]) as i64, r, "scale_for{args:?}");
        seen += 1;
    }
    assert!(seen >= 2 + 4 + 1 + 3, "the examples were not found ({seen})");

    // §2.1: quantize_value.
    let s = d.section("2.1");
    let ex = after(&s, "Examples:").split("\n\n").next().unwrap();
    let spans: Vec<&str> = ex.split('`').skip(1).step_by(2).collect();
    assert_eq!(spans, ["0.5 → 1", "−0.5 → 0", "−0.625", "→ −2", "1e30"]);
    for span in &spans[..2] {
        let (v, q) = span.split_once(" → ").unwrap();
        assert_eq!(quantize_value(float(v), 0), Some(float(q) as i64), "{span}");
    }
    assert!(ex.contains("`−0.625` at scale 2 (that is, −2.5) `→ −2`"));
    assert_eq!(quantize_value(-0.625, 2), Some(-2));
    assert!(
        ex.contains("NaN, ∞ and `1e30`\nat scale 0 are refused")
            || ex.contains("NaN, ∞ and `1e30` at scale 0 are refused")
    );
    for v in [f64::NAN, f64::INFINITY, 1e30] {
        assert_eq!(quantize_value(v, 0), None, "{v}");
    }
    assert!(s.contains("`fl(x + 0.5)` would not be: it rounds\n   `0.49999999999999994` up to 1"));
    assert_eq!(0.49999999999999994_f64 + 0.5, 1.0);
    assert_eq!(quantize_value(0.49999999999999994, 0), Some(0));

    // §2.3: div_round as fractions.
    let s = d.section("2.3");
    let ex = after(&s, "Examples:").lines().next().unwrap();
    let spans: Vec<&str> = ex.split('`').skip(1).step_by(2).collect();
    assert_eq!(spans.len(), 3);
    for span in spans {
        let (frac, q) = span.split_once(" → ").unwrap();
        let (a, b) = frac.split_once('/').unwrap();
        assert_eq!(div_round(float(a) as i64, float(b) as u64), float(q) as i64, "{span}");
    }
}

#[test]
fn pooling_and_affine_examples() {
    let d = doc("quantization.md");
    let s = d.section("4.1");
    assert!(s.contains("a `2×2` input `[1,2,3,4]` with kernel 3, stride 1 and pad 1 gives four windows"));
    let rows = table(&s, "Divisor");
    assert_eq!(rows.len(), 2);
    let window = Window2d { kernel: [3, 3], stride: [1, 1], pads: [1, 1, 1, 1], ceil_mode: false };
    for row in rows {
        let count_include_pad = row[0].starts_with("`padded_area");
        let n = ints(&row[0])[0];
        for (col, input) in [(1, [1i64, 2, 3, 4]), (2, [-1, -2, -3, -4])] {
            let expected = *ints(&row[col]).last().unwrap();
            assert_eq!(div_round(input.iter().sum(), n as u64), expected, "{row:?}");
            // And the evaluator on that input: four windows, each holding all four values.
            let spec = TensorSpec { shape: vec![1, 1, 2, 2], scale: 0, bits: 16 };
            let arch = Architecture {
                input: spec.clone(),
                layers: vec![QLayer {
                    name: "p".into(),
                    op: Op::AvgPool { window: window.clone(), count_include_pad },
                    output: spec,
                    rescale: None,
                }],
            };
            arch.validate().unwrap();
            let y = evaluate(&arch, &Weights { layers: vec![] }, &input).unwrap();
            assert_eq!(y.output(), [expected; 4], "{row:?}");
        }
    }

    // §4: Affine broadcasting.
    let s = d.section("4.");
    let ex = after(&s, "Example: `P = [2,1,1]`");
    assert!(ex.starts_with(" with `x` of shape `[1,2,1,2]` gives\nchannel 0 `(x·3+1)` and channel 1 `(x·(−2)+0)`. With shift 1, the inputs"));
    let io = after(ex, "With shift 1, the inputs");
    let (input, output) = io.split_once("give").unwrap();
    let input = ints(input);
    let output = ints(output.split('.').next().unwrap());
    let arch = Architecture {
        input: TensorSpec { shape: vec![1, 2, 1, 2], scale: 1, bits: 16 },
        layers: vec![QLayer {
            name: "a".into(),
            op: Op::Affine { param_shape: vec![2, 1, 1] },
            output: TensorSpec { shape: vec![1, 2, 1, 2], scale: 1, bits: 16 },
            rescale: Some(Rescale { weight_scale: 1, weight_bits: 8, bias_bits: 8, acc_bits: 24, shift: 1 }),
        }],
    };
    arch.validate().unwrap();
    let weights = Weights { layers: vec![LayerWeights { weight: vec![3, -2], bias: vec![1, 0] }] };
    arch.check_weights(&weights).unwrap();
    assert_eq!(evaluate(&arch, &weights, &input).unwrap().output(), output);
}

#[test]
fn synthetic_calibration_stream() {
    let s = doc("quantization.md").section("7.2");
    assert!(s.contains("state = 0x5eed2a1c0ffee000"));
    let block = code_blocks(&s, "").into_iter().nth(1).expect("§7.2's first six values");
    let listed: Vec<f64> = block.split_whitespace().map(float).collect();
    assert_eq!(listed.len(), 6);
    assert_eq!(synthetic_samples(1, 6)[0], listed);
    // Written in shortest round-trip form, so the text is exactly the value.
    let text: Vec<String> = block.split_whitespace().map(|t| t.replace('−', "-")).collect();
    assert_eq!(text, listed.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>());
    assert_eq!(synthetic_samples(2, 3).concat(), listed, "one stream, sample after sample");
}

/// The last integer of the one backtick span that starts with `label`.
fn span_result(text: &str, label: &str) -> i64 {
    let rest = after(text, &format!("`{label}"));
    let span = &rest[..rest.find('`').unwrap()];
    let last = span.rsplit("= ").next().unwrap();
    *ints(last).last().unwrap_or_else(|| panic!("`{label}…`: no result"))
}

#[test]
fn worked_example() {
    let d = doc("quantization.md");
    let s = d.section("9.");
    assert!(s.contains("`Dense(2→1)` layer with `W = [[0.75, −0.3]]` and\n`b = [0.1]`"));
    assert!(s.contains("The calibration samples are `[1.0, −0.5]` and `[0.25, 0.9]`"));
    let float_model = FloatModel {
        input_shape: vec![1, 2],
        input_range: None,
        layers: vec![FloatLayer {
            name: "fc".into(),
            op: Op::Dense { in_features: 2, out_features: 1 },
            output_shape: vec![1, 1],
            params: Some((vec![0.75, -0.3], vec![0.1])),
        }],
    };
    let samples = vec![vec![1.0, -0.5], vec![0.25, 0.9]];
    let cal = calibrate(&float_model, &samples).unwrap();
    assert_eq!(cal.input_max, 1.0);
    assert_eq!(cal.layer_max, [1.0]);
    let (arch, weights) = quantize(&float_model, &cal, &QuantConfig::default()).unwrap();
    let r = arch.layers[0].rescale.clone().unwrap();
    assert_eq!(arch.input.scale as i64, span_result(&s, "scale_for(1.0, 2^14) ="));
    assert_eq!(r.weight_scale as i64, span_result(&s, "scale_for(0.75, 2047) ="));
    assert!(s.contains(&format!("so `weight_scale = {}`", r.weight_scale)));
    assert_eq!((arch.input.scale + r.weight_scale) as i64, span_result(&s, "acc_scale ="));
    assert_eq!(arch.layers[0].output.scale as i64, span_result(&s, "out_scale ="));
    assert_eq!(r.shift as i64, span_result(&s, "shift ="));
    let wq = after(&s, "`W_q = ");
    let wq = &wq[..wq.find('`').unwrap()];
    assert_eq!(weights.layers[0].weight, ints(wq.rsplit("= ").next().unwrap()));
    assert_eq!(weights.layers[0].bias, [span_result(&s, "b_q =")]);
    assert_eq!(r.bias_bits as i64, span_result(&s, "bias_bits ="));
    assert_eq!(r.acc_bits as i64, span_result(&s, "acc_bits ="));
    assert_eq!(span_result(&s, "products_bits ="), 28);

    // Evaluation on the first sample.
    let x = quantize_input(&arch, &samples[0]).unwrap();
    assert_eq!(x, ints(after(&s, "`x_q = ").split('`').next().unwrap()));
    let acc = weights.layers[0].bias[0] + x[0] * weights.layers[0].weight[0] + x[1] * weights.layers[0].weight[1];
    assert_eq!(acc, span_result(&s, "a ="));
    let y = evaluate(&arch, &weights, &x).unwrap();
    assert_eq!(y.output(), [span_result(&s, "y =")]);
    assert_eq!(zkseal_core::quant::rounding::rescale_remainder(acc, r.shift), span_result(&s, "r ="));
    assert!(s.contains(&format!("`{} / 2^14 = {:?}`", y.output()[0], dequantize(arch.output(), y.output())[0])));

    // model-file.md §8 is this model.
    let m = worked_example_model();
    assert_eq!((arch, weights), (m.arch, m.weights));
}
