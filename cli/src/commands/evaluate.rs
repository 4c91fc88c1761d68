//! `zkseal evaluate MODEL.zkq --data TEST.jsonl [--onnx MODEL.onnx] [--labels …] [--json]`
//!
//! The model file holds only the quantized model, so the float model to compare with is
//! imported again from the ONNX file, which must be the one the model came from (its
//! blake3 is in the model's metadata). Without `--onnx`, the quantized model is still
//! measured against the labels or targets the data carries.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args;
use serde_json::{json, Value};
use zkseal_core::format::hex;
use zkseal_core::input::{read_labelled, sample_text, Label, Labelled};
use zkseal_core::model::float::FloatModel;
use zkseal_core::quant::eval::{declared_input_range, dequantize, evaluate, quantize_input};
use zkseal_core::quant::quantize::{OutputKind, QuantReport, WORST};
use zkseal_core::Model;
use zkseal_onnx::{import_onnx, MAX_ONNX_BYTES};

use super::import::{quality_text, read_labels};
use super::load_model;
use crate::files::{read_limited, MAX_INPUT_BYTES};

/// Lines named in lists of refused or misclassified samples (JSON has them all).
const LINES_NAMED: usize = 10;

#[derive(Args)]
pub struct Evaluate {
    /// The quantized model file.
    model: PathBuf,
    /// Test samples, JSONL: one {"input": [...]} per line, with the true class as
    /// "label": INDEX or "label": "NAME" (classifiers) or the true value as
    /// "target": NUMBER (regressions) to measure accuracy.
    #[arg(long)]
    data: PathBuf,
    /// The ONNX file the model was imported from (checked by its blake3): the float
    /// model the quantized one is compared with. Without it only accuracy against the
    /// labels or targets is measured.
    #[arg(long)]
    onnx: Option<PathBuf>,
    /// Class names in output order, for string labels when the model file names none:
    /// a text file with one label per line, or a comma-separated list.
    #[arg(long, value_name = "FILE_OR_LIST")]
    labels: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// A line's truth, checked against the model.
enum Known {
    Class(usize),
    Target(Vec<f64>),
}

/// What `evaluate` counted over the data.
#[derive(Default)]
struct Tally {
    samples: usize,
    /// Lines the quantized model refused.
    refused: Vec<usize>,
    /// Float against quantized (with `--onnx`).
    report: QuantReport,
    truths: Truths,
}

/// Accuracy against the data's truth: correct decisions, or errors against targets.
#[derive(Default)]
struct Truths {
    labelled: usize,
    quant_correct: usize,
    float_correct: usize,
    misclassified: Vec<usize>,
    targets: usize,
    /// Target lines the quantized model answered: the errors below are over them.
    answered: usize,
    quant_error_sum: f64,
    quant_error_max: f64,
    float_error_sum: f64,
    /// Largest |quantized − target| per line, largest first.
    worst: Vec<(usize, f64)>,
}

impl Evaluate {
    pub fn run(self) -> Result<()> {
        let model = load_model(&self.model)?;
        let outputs = model.arch.output().len();
        let kind = OutputKind::of(outputs, &model.meta.stripped_head);
        let float = self.onnx.as_ref().map(|path| float_model(&model, path)).transpose()?;
        let labels = match &self.labels {
            Some(arg) => read_labels(arg)?,
            None => model.meta.class_labels.clone(),
        };
        let text = sample_text(read_limited(&self.data, MAX_INPUT_BYTES)?)
            .with_context(|| format!("--data {}", self.data.display()))?;
        let shape: Vec<usize> = model.arch.input.shape.iter().map(|&d| d as usize).collect();
        let mut tally = Tally::default();
        for (line, parsed) in read_labelled(&text, &shape) {
            tally.samples += 1;
            let at = || format!("--data {} line {line}", self.data.display());
            let Labelled { values: x, label, target } = parsed.with_context(at)?;
            let quant = quantize_input(&model.arch, &x)
                .and_then(|q| evaluate(&model.arch, &model.weights, &q))
                .map(|t| dequantize(model.arch.output(), t.output()))
                .ok();
            if quant.is_none() {
                tally.refused.push(line);
            }
            let float_y = float.as_ref().map(|f| f.evaluate(&x));
            if let Some(f) = &float_y {
                tally.report.add(line, f, quant.as_deref());
            }
            if let Some(truth) = resolve(label, target, kind, outputs, &labels).with_context(at)? {
                tally.truths.add(line, &truth, kind, quant.as_deref(), float_y.as_deref());
            }
        }
        if tally.samples == 0 {
            bail!("--data {}: no samples in the file; give one {{\"input\": [...]}} per line", self.data.display());
        }
        let summary = summary(&model, kind, float.is_some(), &tally);
        if self.json {
            println!("{summary}");
        } else {
            print_text(&summary);
        }
        Ok(())
    }
}

/// The JSON summary of `tally`; `compared` when the float model was run.
fn summary(model: &Model, kind: OutputKind, compared: bool, tally: &Tally) -> Value {
    let (report, truths, refused) = (&tally.report, &tally.truths, &tally.refused);
    let mut s = json!({
        "model_id": hex(&model.model_id()),
        "output_kind": kind,
        "outputs": model.arch.output().len(),
        "samples": tally.samples,
        "refused": refused.len(),
        "refused_lines": refused,
    });
    if compared {
        let worst: Vec<Value> = report.worst.iter().map(|&(l, e)| json!({ "line": l, "error": e })).collect();
        let mut f = json!({
            "output_kind": kind,
            "samples": report.samples,
            "refused": report.overflows,
            "max_abs_error": report.max_abs_error,
            "mean_abs_error": report.mean_abs_error,
            "output_max": report.output_max,
            "worst": worst,
        });
        if let Some(agree) = report.agree(kind) {
            f["agreement"] = json!(agree);
        }
        s["float_vs_quantized"] = f;
    }
    if truths.labelled > 0 {
        let rate = |n: usize| n as f64 / truths.labelled as f64;
        s["accuracy"] = json!({
            "labelled": truths.labelled,
            "quantized": rate(truths.quant_correct),
            "quantized_correct": truths.quant_correct,
            "misclassified_lines": truths.misclassified,
        });
        if compared {
            s["accuracy"]["float"] = json!(rate(truths.float_correct));
            s["accuracy"]["float_correct"] = json!(truths.float_correct);
        }
    }
    if truths.targets > 0 {
        let mean = |sum: f64| if truths.answered > 0 { sum / truths.answered as f64 } else { 0.0 };
        let worst: Vec<Value> = truths.worst.iter().map(|&(l, e)| json!({ "line": l, "error": e })).collect();
        s["targets"] = json!({
            "samples": truths.targets,
            "answered": truths.answered,
            "quantized_mae": mean(truths.quant_error_sum),
            "quantized_max_error": truths.quant_error_max,
            "worst": worst,
        });
        if compared {
            s["targets"]["float_mae"] = json!(mean(truths.float_error_sum));
        }
    }
    s
}

fn print_text(s: &Value) {
    let lines = |v: &Value| {
        let all: Vec<String> = v.as_array().into_iter().flatten().map(Value::to_string).collect();
        let more = if all.len() > LINES_NAMED { ", …" } else { "" };
        format!("{}{more}", all[..all.len().min(LINES_NAMED)].join(", "))
    };
    let errors = |v: &Value| {
        let all: Vec<String> = v
            .as_array()
            .into_iter()
            .flatten()
            .map(|w| format!("line {} ({:.6})", w["line"], w["error"].as_f64().unwrap_or(0.0)))
            .collect();
        all.join(", ")
    };
    println!("model_id             {}", s["model_id"].as_str().unwrap_or_default());
    println!("output               {} ({} output(s))", s["output_kind"].as_str().unwrap_or_default(), s["outputs"]);
    println!("samples              {}, refused by the quantized model {}", s["samples"], s["refused"]);
    if s["refused"].as_u64().unwrap_or(0) > 0 {
        println!("refused lines        {}", lines(&s["refused_lines"]));
    }
    match s.get("float_vs_quantized") {
        Some(f) => {
            println!("float vs quantized   {}", quality_text(f));
            println!("worst samples        {}", errors(&f["worst"]));
        }
        None => println!("float vs quantized   not compared (give --onnx with the model's ONNX file)"),
    }
    if let Some(a) = s.get("accuracy") {
        let pct = |v: &Value| format!("{:.2} %", 100.0 * v.as_f64().unwrap_or(0.0));
        let float = match a.get("float") {
            Some(f) => format!(", float {} ({}/{})", pct(f), a["float_correct"], a["labelled"]),
            None => String::new(),
        };
        println!(
            "accuracy             quantized {} ({}/{}){float}",
            pct(&a["quantized"]),
            a["quantized_correct"],
            a["labelled"]
        );
        if a["misclassified_lines"].as_array().is_some_and(|l| !l.is_empty()) {
            println!("misclassified lines  {}", lines(&a["misclassified_lines"]));
        }
    }
    if let Some(t) = s.get("targets") {
        let f = |v: &Value| v.as_f64().unwrap_or(0.0);
        let float = t.get("float_mae").map(|m| format!(", float MAE {:.6}", f(m))).unwrap_or_default();
        println!(
            "against targets      quantized MAE {:.6}, max error {:.6}{float} ({} of {} lines answered)",
            f(&t["quantized_mae"]),
            f(&t["quantized_max_error"]),
            t["answered"],
            t["samples"]
        );
        println!("farthest from target {}", errors(&t["worst"]));
    }
}

/// The float model of the ONNX file `path`, which must be `model`'s source.
fn float_model(model: &Model, path: &Path) -> Result<FloatModel> {
    let bytes = read_limited(path, MAX_ONNX_BYTES)?;
    let mut imported = import_onnx(&bytes, &path.display().to_string())?;
    if imported.meta.source_blake3 != model.meta.source_blake3 {
        bail!(
            "--onnx {}: not the ONNX file this model was imported from (its blake3 is {}, the model's source is \
             {}); pass the file given to `zkseal import`",
            path.display(),
            imported.meta.source_blake3,
            model.meta.source_blake3
        );
    }
    // The float reference clips as the quantized model's first layer does.
    imported.model.input_range = declared_input_range(&model.arch);
    Ok(imported.model)
}

/// The truth of a line that matters for the model: the label of a classifier, the
/// target of a regression; checked against the model.
fn resolve(
    label: Option<Label>,
    target: Option<Vec<f64>>,
    kind: OutputKind,
    outputs: usize,
    labels: &[String],
) -> Result<Option<Known>> {
    let classes = match kind {
        OutputKind::Classes => outputs,
        OutputKind::Binary => 2,
        OutputKind::Value => match (target, label) {
            (Some(t), _) if t.len() != outputs => {
                bail!("\"target\" holds {} value(s), but the model has {outputs} output(s)", t.len())
            }
            (Some(t), _) => return Ok(Some(Known::Target(t))),
            (None, Some(_)) => {
                bail!("the model outputs one value (a regression): give the true value as \"target\", not \"label\"")
            }
            (None, None) => return Ok(None),
        },
    };
    match (label, target) {
        (Some(Label::Class(c)), _) if c < classes => Ok(Some(Known::Class(c))),
        (Some(Label::Class(c)), _) => bail!("label {c} is not a class of the model (0 to {})", classes - 1),
        (Some(Label::Name(name)), _) => {
            match labels.iter().position(|l| *l == name) {
                Some(c) if c < classes => Ok(Some(Known::Class(c))),
                _ if labels.is_empty() => {
                    bail!("label \"{name}\": the model names no classes; pass --labels with its class names, in output order")
                }
                _ => bail!("label \"{name}\" is not one of the model's class labels {labels:?}"),
            }
        }
        (None, Some(_)) => bail!("the model is a classifier: give the true class as \"label\", not \"target\""),
        (None, None) => Ok(None),
    }
}

impl Truths {
    fn add(&mut self, line: usize, truth: &Known, kind: OutputKind, quant: Option<&[f64]>, float: Option<&[f64]>) {
        match truth {
            Known::Class(c) => {
                self.labelled += 1;
                let decided = |y: Option<&[f64]>| y.and_then(|y| kind.decision(y)) == Some(*c);
                if decided(quant) {
                    self.quant_correct += 1;
                } else if quant.is_some() {
                    self.misclassified.push(line);
                }
                self.float_correct += usize::from(decided(float));
            }
            Known::Target(t) => {
                self.targets += 1;
                let error = |y: &[f64]| y.iter().zip(t).map(|(a, b)| (a - b).abs()).fold(0.0f64, f64::max);
                // Both models' errors over the lines the quantized one answered, to compare like with like.
                if let Some(q) = quant {
                    self.answered += 1;
                    let e = error(q);
                    self.quant_error_sum += e;
                    self.quant_error_max = self.quant_error_max.max(e);
                    let at = self.worst.partition_point(|&(_, w)| w >= e);
                    if at < WORST {
                        self.worst.insert(at, (line, e));
                        self.worst.truncate(WORST);
                    }
                    if let Some(f) = float {
                        self.float_error_sum += error(f);
                    }
                }
            }
        }
    }
}
