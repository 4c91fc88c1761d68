//! `zkseal infer MODEL.zkq --input INPUT.json [--json]`
//! `zkseal infer MODEL.zkq --batch INPUTS.jsonl --json`

use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Args;
use serde_json::{json, Value};
use zkseal_core::input::{parse_input, parse_jsonl};
use zkseal_core::quant::eval::{dequantize, evaluate, quantize_input};
use zkseal_core::quant::quantize::OutputKind;
use zkseal_core::Model;

use super::load_model;
use crate::files::{read_text, MAX_INPUT_BYTES};

#[derive(Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["input", "batch"])))]
pub struct Infer {
    /// The quantized model file.
    model: PathBuf,
    /// One input: {"input": [...]} or {"input_data": [[...]]}, flattened row-major.
    #[arg(long)]
    input: Option<PathBuf>,
    /// Many inputs, one object per line (JSONL); one result per sample. A line that
    /// cannot be run gets an error in its place ({"line": N, "error": "..."} with
    /// --json), the rest are still run, and the command then exits 1.
    #[arg(long)]
    batch: Option<PathBuf>,
    /// Print JSON (one object per sample, JSONL for --batch).
    #[arg(long)]
    json: bool,
}

impl Infer {
    pub fn run(self) -> Result<()> {
        let model = load_model(&self.model)?;
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        if let Some(path) = &self.input {
            let values =
                parse_input(&read_text(path, MAX_INPUT_BYTES)?).with_context(|| format!("{}", path.display()))?;
            let result = infer_one(&model, &values).with_context(|| format!("{}", path.display()))?;
            self.print(&mut out, &result)?;
        }
        if let Some(path) = &self.batch {
            let text = read_text(path, MAX_INPUT_BYTES)?;
            // A bad line is that line's result, as in `prove --batch`: the other lines
            // are still answered, and the exit code says some were not.
            let (mut count, mut failed) = (0usize, Vec::new());
            for (line, values) in parse_jsonl(&text) {
                count += 1;
                match values.map_err(anyhow::Error::from).and_then(|v| infer_one(&model, &v)) {
                    Ok(mut result) => {
                        result["line"] = json!(line);
                        self.print(&mut out, &result)?;
                    }
                    Err(e) => {
                        self.print_error(&mut out, line, &format!("{e:#}"))?;
                        failed.push(line);
                    }
                }
            }
            if !failed.is_empty() {
                let shown: Vec<String> = failed.iter().take(MAX_LINES_NAMED).map(usize::to_string).collect();
                let more = if failed.len() > MAX_LINES_NAMED { ", …" } else { "" };
                bail!(
                    "{}: {} of {count} input line(s) could not be run (line {}{more}); their reasons are in the output",
                    path.display(),
                    failed.len(),
                    shown.join(", ")
                );
            }
        }
        Ok(())
    }

    /// A `--batch` line that could not be run, in the place of its result.
    fn print_error(&self, out: &mut impl Write, line: usize, reason: &str) -> Result<()> {
        if self.json {
            writeln!(out, "{}", json!({ "line": line, "error": reason }))?;
        } else {
            // Parse errors already name their line.
            let prefix = format!("line {line}: ");
            writeln!(out, "error (line {line}): {}", reason.strip_prefix(&prefix).unwrap_or(reason))?;
        }
        Ok(())
    }

    fn print(&self, out: &mut impl Write, result: &Value) -> Result<()> {
        if self.json {
            writeln!(out, "{result}")?;
        } else {
            let label = result.get("label").map(|l| format!(" (label {l})")).unwrap_or_default();
            if let Some(best) = result.get("argmax") {
                writeln!(out, "argmax {best}{label}")?;
            }
            if let Some(class) = result.get("class") {
                let p = result["probability"].as_f64().unwrap_or(f64::NAN);
                writeln!(out, "class {class}{label}, probability {p:.4} (sigmoid of the output)")?;
            }
            writeln!(out, "output {}", result["output"])?;
        }
        Ok(())
    }
}

/// Failing `--batch` lines named in the final error; the output has them all.
const MAX_LINES_NAMED: usize = 10;

/// The exact integer output of `model` on float input `values`, and its real values.
fn infer_one(model: &Model, values: &[f64]) -> Result<Value> {
    let q = quantize_input(&model.arch, values)?;
    let trace = evaluate(&model.arch, &model.weights, &q)?;
    let spec = model.arch.output();
    let output = dequantize(spec, trace.output());
    let mut result = json!({
        "output": output,
        "output_int": trace.output(),
        "output_scale": spec.scale,
    });
    // What the output means decides what is shown: an argmax of one value is always 0.
    // Dequantizing keeps order and sign, so the floats decide as the integers would.
    let kind = OutputKind::of(output.len(), &model.meta.stripped_head);
    let decided = kind.decision(&output);
    match (kind, decided) {
        (OutputKind::Classes, Some(best)) => result["argmax"] = json!(best),
        (OutputKind::Binary, Some(class)) => {
            result["class"] = json!(class);
            result["probability"] = json!(1.0 / (1.0 + (-output[0]).exp()));
        }
        _ => {}
    }
    if let Some(label) = decided.and_then(|i| model.meta.class_labels.get(i)) {
        result["label"] = json!(label);
    }
    Ok(result)
}
