//! Model-core benchmarks over the five bundled models: ONNX import, calibration plus
//! quantization, one integer inference, and the `.zkq` round trip.
//!
//! `cargo bench -p zkseal-benches` (see README.md for the recorded figures).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use zkseal_benches::{calibration_samples, model_bytes, quantized_model, test_sample, MODELS};
use zkseal_core::quant::eval::{evaluate, quantize_input};
use zkseal_core::quant::quantize::{calibrate, quantize};
use zkseal_core::{Model, QuantConfig};
use zkseal_onnx::import_onnx;

/// Everything a bench needs for one model, prepared untimed.
struct Fixture {
    name: &'static str,
    onnx: Vec<u8>,
    model: Model,
}

fn fixtures() -> Vec<Fixture> {
    MODELS
        .iter()
        .map(|&name| {
            let onnx = model_bytes(name);
            let model = quantized_model(name);
            Fixture { name, onnx, model }
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let samples = calibration_samples();
    assert_eq!(samples.len(), 200, "calibration.jsonl should hold 200 samples");
    let sample = test_sample();
    let fixtures = fixtures();
    let config = QuantConfig::default();

    let mut g = c.benchmark_group("import");
    for f in &fixtures {
        g.bench_with_input(BenchmarkId::from_parameter(f.name), &f.onnx, |b, onnx| {
            b.iter(|| import_onnx(black_box(onnx), "bench").expect("import"))
        });
    }
    g.finish();

    // Calibration runs the float model on all 200 samples: the slowest group, so fewer
    // samples and a longer window.
    let mut g = c.benchmark_group("quantize");
    g.sample_size(20).measurement_time(Duration::from_secs(4));
    for f in &fixtures {
        let float = import_onnx(&f.onnx, f.name).expect("import").model;
        g.bench_with_input(BenchmarkId::from_parameter(f.name), &float, |b, float| {
            b.iter(|| {
                let cal = calibrate(black_box(float), black_box(&samples)).expect("calibrate");
                quantize(float, &cal, &config).expect("quantize")
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("infer");
    for f in &fixtures {
        g.bench_with_input(BenchmarkId::from_parameter(f.name), &f.model, |b, m| {
            b.iter(|| {
                let q = quantize_input(&m.arch, black_box(&sample)).expect("quantize_input");
                evaluate(&m.arch, &m.weights, &q).expect("evaluate")
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("model_file");
    for f in &fixtures {
        g.bench_with_input(BenchmarkId::from_parameter(f.name), &f.model, |b, m| {
            b.iter(|| {
                let bytes = black_box(m).to_bytes();
                Model::from_bytes(black_box(&bytes)).expect("from_bytes")
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = model_core;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = benches
}
criterion_main!(model_core);
