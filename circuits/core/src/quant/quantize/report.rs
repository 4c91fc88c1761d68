//! How far the quantized model is from the float model, and when that is too far.

use serde::Serialize;
use thiserror::Error;

use super::calibration::Calibration;
use crate::model::float::FloatModel;
use crate::quant::arch::{Architecture, Weights};
use crate::quant::eval::{dequantize, evaluate, quantize_input};

/// Fewest calibration samples `import` accepts. Whatever the data, a fresh input exceeds
/// the largest of `n` exchangeable samples on a given tensor with probability
/// `1/(n + 1)`: under 5 % from 20 samples on, before the one bit of headroom. 20 is also
/// the fewest with which the outlier rule can set 2 samples aside (10 %).
pub const MIN_CALIBRATION_SAMPLES: usize = 20;
/// Least share of calibration samples on which the quantized model must take the float
/// model's decision (argmax, or the sign of a binary classifier's logit), in percent.
pub const MIN_AGREEMENT_PERCENT: usize = 95;
/// Largest quantization error accepted, as a share of the float output's largest
/// magnitude over the calibration samples, in percent.
pub const MAX_ERROR_PERCENT: f64 = 5.0;
/// Samples listed as the worst.
pub const WORST: usize = 5;

/// What a model's output means, which decides how it is compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutputKind {
    /// Several outputs: class scores, the decision is the argmax.
    Classes,
    /// One logit read by a stripped Sigmoid: class 1 when it is above 0.
    Binary,
    /// One real value (a regression).
    Value,
}

impl OutputKind {
    /// The kind of a model with `outputs` output values and `stripped_head` ops.
    pub fn of(outputs: usize, stripped_head: &[String]) -> Self {
        match outputs {
            0 | 1 if stripped_head.iter().any(|h| h == "Sigmoid") => OutputKind::Binary,
            0 | 1 => OutputKind::Value,
            _ => OutputKind::Classes,
        }
    }

    /// The class `y` decides, if the output is a decision.
    pub fn decision(self, y: &[f64]) -> Option<usize> {
        match self {
            OutputKind::Classes => Some(argmax(y)),
            OutputKind::Binary => Some(usize::from(y.first().is_some_and(|&v| v > 0.0))),
            OutputKind::Value => None,
        }
    }
}

/// How the quantized model compares with the float model on some samples.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct QuantReport {
    pub samples: usize,
    /// Samples whose quantized output's argmax equals the float output's.
    pub argmax_agree: usize,
    /// Samples whose quantized first output is above 0 exactly when the float one is
    /// (a binary classifier's decision).
    pub sign_agree: usize,
    /// Largest and mean |dequantized − float| over every output value compared.
    pub max_abs_error: f64,
    pub mean_abs_error: f64,
    /// Largest |float output| over the samples compared: the yardstick of the error.
    pub output_max: f64,
    /// Samples the quantized model refused (an input or activation beyond its format).
    pub overflows: usize,
    /// Their indices, ascending.
    pub refused: Vec<usize>,
    /// Up to `WORST` samples with the largest error, largest first: (index, error).
    pub worst: Vec<(usize, f64)>,
    #[serde(skip)]
    error_sum: f64,
    #[serde(skip)]
    error_count: usize,
}

impl QuantReport {
    /// Samples on which the quantized model takes the float model's decision.
    pub fn agree(&self, kind: OutputKind) -> Option<usize> {
        match kind {
            OutputKind::Classes => Some(self.argmax_agree),
            OutputKind::Binary => Some(self.sign_agree),
            OutputKind::Value => None,
        }
    }

    /// Samples both models ran on.
    pub fn compared(&self) -> usize {
        self.samples - self.overflows
    }

    /// Adds sample `index`, with the float output and the quantized one (`None`: refused).
    pub fn add(&mut self, index: usize, float: &[f64], quant: Option<&[f64]>) {
        self.samples += 1;
        let Some(quant) = quant else {
            self.overflows += 1;
            self.refused.push(index);
            return;
        };
        self.argmax_agree += usize::from(argmax(quant) == argmax(float));
        let positive = |y: &[f64]| y.first().is_some_and(|&v| v > 0.0);
        self.sign_agree += usize::from(positive(quant) == positive(float));
        let mut worst = 0.0f64;
        for (q, f) in quant.iter().zip(float) {
            let e = (q - f).abs();
            worst = worst.max(e);
            self.error_sum += e;
            self.error_count += 1;
            self.output_max = self.output_max.max(f.abs());
        }
        self.max_abs_error = self.max_abs_error.max(worst);
        if self.error_count > 0 {
            self.mean_abs_error = self.error_sum / self.error_count as f64;
        }
        let at = self.worst.partition_point(|&(i, e)| e > worst || (e == worst && i < index));
        if at < WORST {
            self.worst.insert(at, (index, worst));
            self.worst.truncate(WORST);
        }
    }
}

/// Compares quantized with float outputs on `samples`.
pub fn compare(model: &FloatModel, arch: &Architecture, weights: &Weights, samples: &[Vec<f64>]) -> QuantReport {
    let mut report = QuantReport::default();
    for (index, x) in samples.iter().enumerate() {
        let float = model.evaluate(x);
        let quant = quantize_input(arch, x)
            .and_then(|q| evaluate(arch, weights, &q))
            .map(|trace| dequantize(arch.output(), trace.output()));
        report.add(index, &float, quant.as_deref().ok());
    }
    report
}

/// A reason to distrust a calibration; each says what to do.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum Problem {
    #[error(
        "only {samples} calibration samples; ranges from fewer than {MIN_CALIBRATION_SAMPLES} say little about \
         the inputs to come: give more samples of real inputs"
    )]
    TooFewSamples { samples: usize },
    #[error(
        "the quantized model refuses {count} calibration sample(s) ({at}): their values are far beyond what the \
         other samples set; fix or remove them, or declare the inputs' range with --input-range LO:HI"
    )]
    Refused { count: usize, at: String },
    #[error(
        "the quantized model takes the float model's decision on only {agree} of {of} calibration samples \
         (at least {MIN_AGREEMENT_PERCENT} % are required): calibrate on samples of the inputs the model will \
         see, or raise --activation-bits / --weight-bits"
    )]
    PoorAgreement { agree: usize, of: usize },
    #[error(
        "the quantized output is off the float output by up to {max_abs_error:.6}, {percent:.1} % of the largest \
         output magnitude {output_max:.6} (at most {MAX_ERROR_PERCENT} % is accepted): calibrate on samples of the \
         inputs the model will see, or raise --activation-bits / --weight-bits"
    )]
    LargeError { max_abs_error: f64, output_max: f64, percent: f64 },
}

/// The problems of a calibration on the owner's samples; `at(i)` names sample `i`.
pub fn assess(cal: &Calibration, report: &QuantReport, kind: OutputKind, at: impl Fn(usize) -> String) -> Vec<Problem> {
    let mut problems = Vec::new();
    if cal.samples < MIN_CALIBRATION_SAMPLES {
        problems.push(Problem::TooFewSamples { samples: cal.samples });
    }
    if report.overflows > 0 {
        let mut named: Vec<String> = report.refused.iter().take(WORST).map(|&i| at(i)).collect();
        if report.overflows > WORST {
            named.push(format!("and {} more", report.overflows - WORST));
        }
        problems.push(Problem::Refused { count: report.overflows, at: named.join(", ") });
    }
    let of = report.compared();
    if let Some(agree) = report.agree(kind) {
        if agree * 100 < MIN_AGREEMENT_PERCENT * of {
            problems.push(Problem::PoorAgreement { agree, of });
        }
    }
    let percent = if report.output_max > 0.0 {
        100.0 * report.max_abs_error / report.output_max
    } else if report.max_abs_error > 0.0 {
        f64::INFINITY
    } else {
        0.0
    };
    if percent > MAX_ERROR_PERCENT {
        problems.push(Problem::LargeError {
            max_abs_error: report.max_abs_error,
            output_max: report.output_max,
            percent,
        });
    }
    problems
}

/// Index of the first largest value.
pub fn argmax<T: PartialOrd + Copy>(v: &[T]) -> usize {
    let mut best = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[best] {
            best = i;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cal(samples: usize) -> Calibration {
        Calibration { input_max: 1.0, layer_max: vec![], samples, input_seen: (0.0, 1.0), outliers: vec![] }
    }

    #[test]
    fn the_output_kind_decides_what_a_decision_is() {
        let head = |h: &[&str]| h.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(OutputKind::of(10, &head(&["Softmax"])), OutputKind::Classes);
        assert_eq!(OutputKind::of(1, &head(&["Sigmoid"])), OutputKind::Binary);
        assert_eq!(OutputKind::of(1, &[]), OutputKind::Value);
        assert_eq!(OutputKind::Classes.decision(&[0.1, 0.7, 0.7]), Some(1));
        assert_eq!(OutputKind::Binary.decision(&[0.0]), Some(0), "sigmoid(0) = 0.5 is not class 1");
        assert_eq!(OutputKind::Binary.decision(&[1e-9]), Some(1));
        assert_eq!(OutputKind::Value.decision(&[3.0]), None);
    }

    #[test]
    fn the_report_counts_errors_agreement_and_the_worst_samples() {
        let mut r = QuantReport::default();
        r.add(0, &[1.0, -2.0], Some(&[1.5, -2.0]));
        r.add(1, &[1.0], None);
        r.add(2, &[-1.0, 4.0], Some(&[-1.25, 3.0]));
        r.add(3, &[0.5, 0.0], Some(&[0.0, 0.5]));
        assert_eq!((r.samples, r.overflows, r.refused.clone(), r.compared()), (4, 1, vec![1], 3));
        assert_eq!((r.argmax_agree, r.sign_agree), (2, 2));
        assert_eq!((r.max_abs_error, r.mean_abs_error, r.output_max), (1.0, 2.75 / 6.0, 4.0));
        assert_eq!(r.worst, [(2, 1.0), (0, 0.5), (3, 0.5)], "largest first, ties by position");
        for i in 10..20 {
            r.add(i, &[0.0], Some(&[0.75]));
        }
        assert_eq!(r.worst.len(), WORST);
        assert_eq!(r.worst[..2], [(2, 1.0), (10, 0.75)]);
        assert_eq!((r.agree(OutputKind::Classes), r.agree(OutputKind::Value)), (Some(r.argmax_agree), None));
    }

    #[test]
    fn good_calibration_has_no_problems() {
        let mut r = QuantReport::default();
        (0..20).for_each(|i| r.add(i, &[1.0, 2.0], Some(&[1.0, 2.05])));
        assert_eq!(assess(&cal(20), &r, OutputKind::Classes, |i| format!("line {i}")), []);
    }

    #[test]
    fn each_threshold_is_a_problem() {
        let line = |i: usize| format!("line {}", i + 1);
        let mut r = QuantReport::default();
        (0..19).for_each(|i| r.add(i, &[1.0, 2.0], Some(&[1.0, 2.0])));
        let problems = assess(&cal(19), &r, OutputKind::Classes, line);
        assert_eq!(problems, [Problem::TooFewSamples { samples: 19 }]);
        assert!(problems[0].to_string().contains("give more samples"), "{}", problems[0]);

        // 7 refused: five named, then the count of the rest.
        (19..26).for_each(|i| r.add(i, &[1.0], None));
        let problems = assess(&cal(26), &r, OutputKind::Classes, line);
        let at = "line 20, line 21, line 22, line 23, line 24, and 2 more".to_string();
        assert_eq!(problems, [Problem::Refused { count: 7, at }]);
        assert!(problems[0].to_string().contains("--input-range LO:HI"), "{}", problems[0]);

        // 95 % agreement passes, below fails; a regression has no decision to agree on.
        let mut r = QuantReport::default();
        (0..19).for_each(|i| r.add(i, &[1.0, 2.0], Some(&[1.0, 2.0])));
        r.add(19, &[1.0, 1.01], Some(&[1.01, 1.0]));
        assert_eq!(assess(&cal(20), &r, OutputKind::Classes, line), []);
        r.add(20, &[-1.0, 1.0], Some(&[1.0, -1.0]));
        assert_eq!(assess(&cal(21), &r, OutputKind::Classes, line)[0], Problem::PoorAgreement { agree: 19, of: 21 });
        assert!(!assess(&cal(21), &r, OutputKind::Binary, line)
            .iter()
            .any(|p| matches!(p, Problem::PoorAgreement { .. })));

        // The error bar: 5 % of the largest float output.
        let mut r = QuantReport::default();
        (0..20).for_each(|i| r.add(i, &[2.0], Some(&[2.0625])));
        assert_eq!(assess(&cal(20), &r, OutputKind::Value, line), []);
        r.add(20, &[2.0], Some(&[2.25]));
        let problems = assess(&cal(21), &r, OutputKind::Value, line);
        assert!(matches!(problems[..], [Problem::LargeError { percent, .. }] if percent == 12.5));
        // Every float output 0: any error is too large.
        let mut r = QuantReport::default();
        (0..20).for_each(|i| r.add(i, &[0.0], Some(&[0.001])));
        assert!(matches!(assess(&cal(20), &r, OutputKind::Value, line)[..], [Problem::LargeError { .. }]));
    }
}
