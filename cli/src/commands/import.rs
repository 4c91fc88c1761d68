//! `zkseal import MODEL.onnx -o MODEL.zkq [--calibration SAMPLES.jsonl] [--input-range LO:HI] [--labels …]`

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args;
use serde_json::{json, Value};
use zkseal_core::format::{hex, CalibrationInfo};
use zkseal_core::input::{read_samples, sample_text, Sample};
use zkseal_core::model::shape::numel;
use zkseal_core::quant::quantize::{
    assess, calibrate, compare, quantize, synthetic_samples, synthetic_samples_in, OutputKind, Problem, QuantReport,
    CALIBRATION_RULE,
};
use zkseal_core::{Model, QuantConfig};
use zkseal_onnx::{import_onnx, MAX_ONNX_BYTES};

use super::inspect::{calibration_text, input_range_json, input_range_text};
use crate::files::{read_limited, read_text, write_atomic, MAX_INPUT_BYTES};

/// Samples used when no calibration set is given.
const SYNTHETIC_SAMPLES: usize = 64;

#[derive(Args)]
pub struct Import {
    /// The ONNX model.
    model: PathBuf,
    /// Where to write the quantized model file.
    #[arg(short, long)]
    output: PathBuf,
    /// Calibration inputs: JSONL, one {"input": [...]} or {"input_data": [[...]]} per line
    /// (nested lists in the model's input shape, or flat), or one EZKL-style
    /// {"input_data": [s1, s2, ...]} object listing the samples. At least 20 samples; a
    /// calibration whose samples the quantized model refuses, or on which it is far from
    /// the float model, is refused (see --accept-poor-calibration). Without it, 64
    /// pseudo-random inputs uniform in [-1, 1) (or over --input-range) are used.
    #[arg(long)]
    calibration: Option<PathBuf>,
    /// Clip every input value to [LO, HI] as the model's first, proven layer (e.g.
    /// --input-range -3:3 for standardized data): inputs beyond it are clipped rather than
    /// refused, and the input's scale comes from the range.
    #[arg(long, value_name = "LO:HI", allow_hyphen_values = true, value_parser = parse_range)]
    input_range: Option<(f64, f64)>,
    /// Class names in output order, for a model whose file names none: a text file with
    /// one label per line, or a comma-separated list (cat,dog,bird). Their count must be
    /// the model's number of outputs, or two for a binary classifier (one logit read by a
    /// Sigmoid), the class below 0 first (no,yes).
    #[arg(long, value_name = "FILE_OR_LIST")]
    labels: Option<String>,
    /// Write the model even when the calibration is refused (too few samples, samples
    /// the quantized model refuses, poor agreement or error), with a warning; the
    /// accepted problems are recorded in the model file for `inspect`.
    #[arg(long)]
    accept_poor_calibration: bool,
    /// Signed bit width of the input and every activation.
    #[arg(long, default_value_t = QuantConfig::default().activation_bits)]
    activation_bits: u32,
    /// Signed bit width of every weight.
    #[arg(long, default_value_t = QuantConfig::default().weight_bits)]
    weight_bits: u32,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

/// `LO:HI`: two finite numbers, `LO < HI` (either may be negative: `-3:3`, `-5:-1`).
fn parse_range(text: &str) -> Result<(f64, f64), String> {
    let usage = "write the range as LO:HI with LO < HI, e.g. --input-range -3:3 or --input-range 0:1";
    let (lo, hi) = text.split_once(':').ok_or_else(|| format!("'{text}' has no ':'; {usage}"))?;
    let number = |s: &str| s.trim().parse::<f64>().ok().filter(|v| v.is_finite());
    match (number(lo), number(hi)) {
        (Some(lo), Some(hi)) if lo < hi => Ok((lo, hi)),
        (Some(_), Some(_)) => Err(format!("'{text}': LO must be below HI; {usage}")),
        _ => Err(format!("'{text}': LO and HI must be finite numbers; {usage}")),
    }
}

/// Class labels from `--labels`: a file (one label per non-empty line) or a list.
pub(crate) fn read_labels(arg: &str) -> Result<Vec<String>> {
    let path = Path::new(arg);
    let labels: Vec<String> = if path.is_file() {
        let text = read_text(path, MAX_INPUT_BYTES)?;
        text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()
    } else {
        arg.split(',').map(|l| l.trim().to_string()).collect()
    };
    if labels.iter().any(String::is_empty) || labels.is_empty() {
        bail!("--labels '{arg}': a label is empty; give a file with one label per line, or a list such as cat,dog");
    }
    Ok(labels)
}

impl Import {
    pub fn run(self) -> Result<()> {
        let bytes = read_limited(&self.model, MAX_ONNX_BYTES)?;
        let mut imported = import_onnx(&bytes, &self.model.display().to_string())?;
        imported.model.input_range = self.input_range;
        let outputs = imported.model.layers.last().map_or(0, |l| numel(&l.output_shape));
        if let Some(arg) = &self.labels {
            let labels = read_labels(arg)?;
            // A binary classifier's one logit decides between two classes.
            let binary = OutputKind::of(outputs, &imported.meta.stripped_head) == OutputKind::Binary;
            if binary && labels.len() != 2 {
                bail!(
                    "--labels '{arg}' gives {} label(s), but the model is a binary classifier (one logit read by a \
                     Sigmoid): give two labels, the class below 0 first (no,yes)",
                    labels.len()
                );
            }
            if !binary && labels.len() != outputs {
                let file = if Path::new(arg).is_file() { "" } else { " (no file of that name either)" };
                bail!(
                    "--labels '{arg}' gives {} label(s){file}, but the model has {outputs} output(s); give one \
                     label per output, in output order",
                    labels.len()
                );
            }
            imported.meta.class_labels = labels;
        }
        let shape = imported.model.input_shape.clone();
        let samples: Vec<Sample> = match &self.calibration {
            Some(path) => sample_text(read_limited(path, MAX_INPUT_BYTES)?)
                .and_then(|text| read_samples(&text, &shape))
                .with_context(|| format!("--calibration {}", path.display()))?,
            None => {
                let values = match self.input_range {
                    Some(range) => synthetic_samples_in(SYNTHETIC_SAMPLES, numel(&shape), range),
                    None => synthetic_samples(SYNTHETIC_SAMPLES, numel(&shape)),
                };
                let at = |i: usize| format!("synthetic sample {}", i + 1);
                values.into_iter().enumerate().map(|(i, values)| Sample { at: at(i), values }).collect()
            }
        };
        let values: Vec<Vec<f64>> = samples.iter().map(|s| s.values.clone()).collect();
        let config = QuantConfig { activation_bits: self.activation_bits, weight_bits: self.weight_bits };
        let cal = calibrate(&imported.model, &values)?;
        let (arch, weights) = quantize(&imported.model, &cal, &config)?;
        let report = compare(&imported.model, &arch, &weights, &values);
        let kind = OutputKind::of(outputs, &imported.meta.stripped_head);
        let problems = match self.calibration {
            Some(_) => assess(&cal, &report, kind, |i| samples[i].at.clone()),
            None => Vec::new(),
        };
        self.refuse_or_warn(&problems)?;
        imported.meta.calibration = Some(Box::new(CalibrationInfo {
            rule: CALIBRATION_RULE.into(),
            synthetic: self.calibration.is_none(),
            samples: cal.samples as u64,
            outliers: cal.outliers.len() as u64,
            input_min: cal.input_seen.0,
            input_max: cal.input_seen.1,
            accepted: problems.iter().map(Problem::to_string).collect(),
        }));
        let model = Model::new(arch, weights, imported.meta)?;
        if self.calibration.is_none() {
            eprintln!("warning: {}", synthetic_warning(&model, self.input_range));
        }
        write_atomic(&self.output, &model.to_bytes())?;
        self.print(&model, &report, kind, &samples)
    }

    /// Refuses the problems of a calibration, or with `--accept-poor-calibration` warns.
    fn refuse_or_warn(&self, problems: &[Problem]) -> Result<()> {
        if problems.is_empty() {
            return Ok(());
        }
        if !self.accept_poor_calibration {
            let all: Vec<String> = problems.iter().map(Problem::to_string).collect();
            bail!(
                "calibration refused: {} (or pass --accept-poor-calibration to write the model anyway)",
                all.join("; ")
            );
        }
        for p in problems {
            eprintln!("warning: POOR CALIBRATION ACCEPTED (--accept-poor-calibration): {p}");
        }
        Ok(())
    }

    fn print(&self, model: &Model, report: &QuantReport, kind: OutputKind, samples: &[Sample]) -> Result<()> {
        let info = model.meta.calibration.as_ref().context("the calibration just recorded")?;
        let quality = quality_json(report, kind, samples);
        if self.json {
            let summary = json!({
                "output": self.output.display().to_string(),
                "model_id": hex(&model.model_id()),
                "architecture_digest": hex(&model.architecture_digest()),
                "layers": model.arch.layers.len(),
                "parameters": model.arch.parameter_count(),
                "stripped_head": model.meta.stripped_head,
                "class_labels": model.meta.class_labels,
                "calibration": info,
                "input_range": input_range_json(&model.arch),
                "quantization": quality,
            });
            println!("{summary}");
            return Ok(());
        }
        println!("wrote {}", self.output.display());
        println!("model_id             {}", hex(&model.model_id()));
        println!("architecture digest  {}", hex(&model.architecture_digest()));
        println!("layers {}, parameters {}", model.arch.layers.len(), model.arch.parameter_count());
        if !model.meta.stripped_head.is_empty() {
            println!("classifier head stripped (outputs are its logits): {}", model.meta.stripped_head.join(", "));
        }
        if !model.meta.class_labels.is_empty() {
            println!("class labels         {}", model.meta.class_labels.join(", "));
        }
        println!("calibration          {}", calibration_text(info));
        println!("input range          {}", input_range_text(&model.arch));
        println!("quantization         {}", quality_text(&quality));
        Ok(())
    }
}

/// What the synthetic calibration means for the inputs the model accepts.
fn synthetic_warning(model: &Model, range: Option<(f64, f64)>) -> String {
    let spread = match range {
        Some((lo, hi)) => format!("uniform over the input range [{lo}, {hi}]"),
        None => "uniform in [-1, 1)".into(),
    };
    format!(
        "no --calibration given: the scales come from {SYNTHETIC_SAMPLES} pseudo-random inputs {spread}, not from \
         your data; the model accepts inputs in {}. Give --calibration with samples of real inputs{}",
        input_range_text(&model.arch),
        if range.is_none() { ", or --input-range LO:HI to clip inputs to the range your data takes" } else { "" }
    )
}

/// The quantized model against the float model on the calibration samples, by output kind.
pub(crate) fn quality_json(report: &QuantReport, kind: OutputKind, samples: &[Sample]) -> Value {
    let mut q = json!({
        "output_kind": kind,
        "samples": report.samples,
        "refused": report.overflows,
        "refused_samples": report.refused.iter().map(|&i| &samples[i].at).collect::<Vec<_>>(),
        "max_abs_error": report.max_abs_error,
        "mean_abs_error": report.mean_abs_error,
        "output_max": report.output_max,
        "worst": report.worst.iter().map(|&(i, e)| json!({ "at": samples[i].at, "error": e })).collect::<Vec<_>>(),
    });
    if let Some(agree) = report.agree(kind) {
        q["agreement"] = json!(agree);
    }
    q
}

/// One line of `quality_json`.
pub(crate) fn quality_text(q: &Value) -> String {
    let compared = q["samples"].as_u64().unwrap_or(0) - q["refused"].as_u64().unwrap_or(0);
    let f = |key: &str| q[key].as_f64().unwrap_or(0.0);
    let head = match q["output_kind"].as_str() {
        Some("classes") => {
            format!("argmax agreement {}/{compared}, max |logit error| {:.5}", q["agreement"], f("max_abs_error"))
        }
        Some("binary") => format!(
            "decision agreement (logit > 0) {}/{compared}, max |logit error| {:.5}",
            q["agreement"],
            f("max_abs_error")
        ),
        _ => format!(
            "mean |error| {:.6}, max |error| {:.6} (largest output {:.5})",
            f("mean_abs_error"),
            f("max_abs_error"),
            f("output_max")
        ),
    };
    format!("{head}, refused {} of {} samples", q["refused"], q["samples"])
}
