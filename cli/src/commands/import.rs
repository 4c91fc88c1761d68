//! `zkseal import MODEL.onnx -o MODEL.zkq [--calibration SAMPLES.jsonl]`

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use serde_json::json;
use zkseal_circuits::format::hex;
use zkseal_circuits::input::parse_samples;
use zkseal_circuits::model::shape::numel;
use zkseal_circuits::onnx::{import_onnx, MAX_ONNX_BYTES};
use zkseal_circuits::quant::quantize::{calibrate, compare, quantize, synthetic_samples};
use zkseal_circuits::{Model, QuantConfig};

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
    /// Calibration inputs: JSONL, one {"input": [...]} or {"input_data": [[...]]} per
    /// line (or one EZKL-style object holding several samples). Without it, 64
    /// pseudo-random inputs uniform in [-1, 1) are used.
    #[arg(long)]
    calibration: Option<PathBuf>,
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

impl Import {
    pub fn run(self) -> Result<()> {
        let bytes = read_limited(&self.model, MAX_ONNX_BYTES)?;
        let imported = import_onnx(&bytes, &self.model.display().to_string())?;
        let sample_len = numel(&imported.model.input_shape);
        let samples = match &self.calibration {
            Some(path) => parse_samples(&read_text(path, MAX_INPUT_BYTES)?, sample_len)
                .with_context(|| format!("{}", path.display()))?,
            None => {
                eprintln!("warning: no --calibration given; scales come from pseudo-random inputs in [-1, 1)");
                synthetic_samples(SYNTHETIC_SAMPLES, sample_len)
            }
        };
        let config = QuantConfig { activation_bits: self.activation_bits, weight_bits: self.weight_bits };
        let cal = calibrate(&imported.model, &samples)?;
        let (arch, weights) = quantize(&imported.model, &cal, &config)?;
        let report = compare(&imported.model, &arch, &weights, &samples);
        let model = Model::new(arch, weights, imported.meta)?;
        write_atomic(&self.output, &model.to_bytes())?;

        let summary = json!({
            "output": self.output.display().to_string(),
            "model_id": hex(&model.model_id()),
            "architecture_digest": hex(&model.architecture_digest()),
            "layers": model.arch.layers.len(),
            "parameters": model.arch.parameter_count(),
            "stripped_head": model.meta.stripped_head,
            "calibration": report,
        });
        if self.json {
            println!("{summary}");
        } else {
            println!("wrote {}", self.output.display());
            println!("model_id             {}", summary["model_id"].as_str().unwrap_or_default());
            println!("architecture digest  {}", summary["architecture_digest"].as_str().unwrap_or_default());
            println!("layers {}, parameters {}", model.arch.layers.len(), model.arch.parameter_count());
            if !model.meta.stripped_head.is_empty() {
                println!("classifier head stripped (outputs are its logits): {}", model.meta.stripped_head.join(", "));
            }
            println!(
                "calibration: {} samples, argmax agreement {}/{}, max |logit error| {:.5}, overflows {}",
                report.samples, report.argmax_agree, report.samples, report.max_abs_error, report.overflows
            );
        }
        Ok(())
    }
}
