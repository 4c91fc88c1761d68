//! `zkseal inspect MODEL.zkq|ARCH.zka [--inferences B] [--json]`

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use serde_json::{json, Value};
use zkseal_core::format::{architecture_digest, hex, CalibrationInfo, ARCH_FORMAT_VERSION, MODEL_FORMAT_VERSION};
use zkseal_core::quant::arch::Architecture;
use zkseal_core::quant::eval::accepted_input_range;
use zkseal_core::quant::rounding::pow2;
use zkseal_r1cs::estimate::{costs, size};
use zkseal_r1cs::Scheme;
use zkseal_verifier::MAX_INFERENCES;

use super::ModelOrArch;

#[derive(Args)]
pub struct Inspect {
    /// A model file (.zkq) or an architecture file (.zka).
    model: PathBuf,
    /// Size the circuits for B inferences per proof (as `setup --inferences`).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=MAX_INFERENCES as i64))]
    inferences: u32,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

impl Inspect {
    pub fn run(self) -> Result<()> {
        let report = match ModelOrArch::load(&self.model)? {
            ModelOrArch::Arch(arch) => {
                let extra = json!({ "file": "architecture", "format_version": ARCH_FORMAT_VERSION });
                describe(&arch, self.inferences, extra)
            }
            ModelOrArch::Model(model) => {
                let extra = json!({
                    "file": "model",
                    "format_version": MODEL_FORMAT_VERSION,
                    "model_id": hex(&model.model_id()),
                    "source": model.meta,
                });
                describe(&model.arch, self.inferences, extra)
            }
        };
        if self.json {
            println!("{report}");
        } else {
            print_text(&report);
        }
        Ok(())
    }
}

fn describe(arch: &Architecture, b: u32, mut report: Value) -> Value {
    let layers: Vec<Value> = arch
        .layers
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let params = l.op.param_sizes().map_or(0, |(w, b)| w + b);
            json!({
                "index": i,
                "name": l.name,
                "kind": l.op.kind(),
                "op": l.op,
                "input_shape": arch.input_of(i).shape,
                "output": l.output,
                "parameters": params,
                "rescale": l.rescale,
            })
        })
        .collect();
    report["architecture_digest"] = json!(hex(&architecture_digest(arch)));
    report["input"] = json!(arch.input);
    report["input_range"] = input_range_json(arch);
    report["output"] = json!(arch.output());
    report["parameters"] = json!(arch.parameter_count());
    report["layers"] = json!(layers);
    // The Groth16 circuit's size depends on the architecture and scheme only; counted
    // without building it, so inspecting a huge model is cheap.
    for (name, scheme) in [("lego", Scheme::Lego), ("poseidon", Scheme::Poseidon)] {
        let c = costs(arch, scheme, b as usize);
        let size = size(arch, scheme, b as usize, &c);
        report["circuit"][name] = json!({
            "inferences": b,
            "constraints": {
                "commitment": c.commitment,
                "linear": c.linear,
                "nonlinear": c.nonlinear,
                "total": c.total(),
            },
            "groth16_domain": size.domain,
            "memory_estimate_bytes": size.memory,
        });
    }
    report
}

fn print_text(r: &Value) {
    let s = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
    if let Some(id) = r.get("model_id") {
        println!("model_id             {}", s(id));
    }
    println!("architecture digest  {}", s(&r["architecture_digest"]));
    println!("format version       {}", r["format_version"]);
    if let Some(src) = r.get("source") {
        println!(
            "source               {} (opset {}), blake3 {}",
            s(&src["producer"]),
            src["opset"],
            s(&src["source_blake3"])
        );
        let head = src["stripped_head"].as_array().map_or(0, Vec::len);
        if head > 0 {
            println!("stripped head        {} (the model outputs the logits they read)", src["stripped_head"]);
        }
        if src["class_labels"].as_array().is_some_and(|l| !l.is_empty()) {
            println!("class labels         {}", src["class_labels"]);
        }
        match serde_json::from_value::<CalibrationInfo>(src["calibration"].clone()) {
            Ok(info) => {
                println!("calibration          {}", calibration_text(&info));
                for problem in &info.accepted {
                    println!("POOR CALIBRATION ACCEPTED (--accept-poor-calibration): {problem}");
                }
            }
            Err(_) => println!("calibration          not recorded"),
        }
    }
    let spec = |t: &Value| format!("{} q{} ({}-bit)", t["shape"], t["scale"], t["bits"]);
    println!("input                {}", spec(&r["input"]));
    println!("input range          {}", range_text(&r["input_range"]));
    println!("output               {}", spec(&r["output"]));
    println!("parameters           {}", r["parameters"]);
    for scheme in ["lego", "poseidon"] {
        let c = &r["circuit"][scheme];
        let n = &c["constraints"];
        println!(
            "{:<21}{} constraints (commitment {}, linear layers {}, nonlinearities {}), domain {}, ~{:.2} GiB",
            format!("circuit ({scheme})"),
            n["total"],
            n["commitment"],
            n["linear"],
            n["nonlinear"],
            c["groth16_domain"],
            c["memory_estimate_bytes"].as_f64().unwrap_or(0.0) / (1u64 << 30) as f64
        );
    }
    println!();
    println!(
        "{:>3}  {:<16} {:<24} {:<26} {:>9}  rescale",
        "#", "kind", "name", "output (shape, scale, bits)", "params"
    );
    for l in r["layers"].as_array().into_iter().flatten() {
        let rescale = match &l["rescale"] {
            Value::Null => String::new(),
            x => format!(
                "w q{} {}-bit, shift {}, acc {}-bit",
                x["weight_scale"], x["weight_bits"], x["shift"], x["acc_bits"]
            ),
        };
        println!(
            "{:>3}  {:<16} {:<24} {:<26} {:>9}  {rescale}",
            s(&l["index"]),
            s(&l["kind"]),
            s(&l["name"]),
            spec(&l["output"]),
            s(&l["parameters"])
        );
    }
}

/// The real input values a model accepts, and what happens to those beyond them.
pub fn input_range_json(arch: &Architecture) -> Value {
    let (lo, hi, clipped) = accepted_input_range(arch);
    json!({
        "lo": lo,
        "hi": hi,
        "beyond": if clipped { "clipped" } else { "refused" },
        "format_limit": pow2(arch.input.bits as i32 - 1 - arch.input.scale),
    })
}

/// `input_range_json` in words.
pub fn input_range_text(arch: &Architecture) -> String {
    range_text(&input_range_json(arch))
}

fn range_text(r: &Value) -> String {
    let range = format!("[{}, {}]", r["lo"], r["hi"]);
    match r["beyond"].as_str() {
        Some("clipped") => format!(
            "{range}; values beyond it are clipped to it (beyond ±{}, the input format's limit, refused)",
            r["format_limit"]
        ),
        _ => format!("{range}; values beyond it are refused"),
    }
}

/// What a model was calibrated on, in words.
pub fn calibration_text(info: &CalibrationInfo) -> String {
    let source = if info.synthetic { "synthetic, no --calibration" } else { "from --calibration" };
    format!(
        "{} samples ({source}), rule {}: {} left out as outliers; input values seen in [{}, {}]",
        info.samples, info.rule, info.outliers, info.input_min, info.input_max
    )
}
