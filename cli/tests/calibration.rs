//! Calibration you can trust and accuracy you can measure: `import` refuses calibration
//! data that is broken, too small or not sample data at all (unless told to accept it),
//! estimates ranges robustly, reports by output kind and takes `--input-range` and
//! `--labels`; `inspect` shows how a model was calibrated; `evaluate` measures a model
//! on the owner's own data.

mod common;

use std::path::{Path, PathBuf};

use common::{code, data, ok, onnx_dense, p, zkseal};
use serde_json::{json, Value};

/// Standardized-looking values in [-3, 3), deterministic.
fn values(n: usize, len: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut s = seed;
    let mut next = move || {
        s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((s >> 11) as f64 / (1u64 << 53) as f64) * 6.0 - 3.0
    };
    (0..n).map(|_| (0..len).map(|_| next()).collect()).collect()
}

fn write_jsonl(path: &Path, lines: &[Value]) {
    std::fs::write(path, lines.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
}

fn samples_jsonl(path: &Path, samples: &[Vec<f64>]) {
    write_jsonl(path, &samples.iter().map(|s| json!({ "input": s })).collect::<Vec<_>>());
}

/// y = 0.8·x0 − 0.5·x1 + 0.3·x2 + 0.1: a one-output regression.
const W: [f32; 3] = [0.8, -0.5, 0.3];

fn regression(dir: &Path) -> PathBuf {
    let path = dir.join("reg.onnx");
    std::fs::write(&path, onnx_dense(&[W.to_vec()], &[0.1], None)).unwrap();
    path
}

fn float_regression(x: &[f64]) -> f64 {
    0.1f32 as f64 + x.iter().zip(W).map(|(v, w)| v * w as f64).sum::<f64>()
}

/// Runs a command that must fail with exit 1 and one line on stderr; that line.
fn fails(args: &[&str]) -> String {
    let (status, err) = code(args);
    assert_eq!(status, 1, "{args:?}: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "not one line: {err}");
    err
}

#[test]
fn an_absurd_sample_is_refused_and_once_accepted_does_not_collapse_the_scales() {
    let dir = tempfile::tempdir().unwrap();
    let onnx = regression(dir.path());
    let mut samples = values(40, 3, 1);
    samples[16][1] = 1e30;
    let cal = dir.path().join("cal.jsonl");
    samples_jsonl(&cal, &samples);
    let out = dir.path().join("m.zkq");
    let err = fails(&["import", p(&onnx), "-o", p(&out), "--calibration", p(&cal)]);
    assert!(
        err.contains("calibration refused: the quantized model refuses 1 calibration sample(s) (line 17)"),
        "{err}"
    );
    assert!(err.contains("--input-range LO:HI") && err.contains("--accept-poor-calibration"), "{err}");
    assert!(!out.exists(), "no model written");

    let run = zkseal(&["import", p(&onnx), "-o", p(&out), "--calibration", p(&cal), "--accept-poor-calibration"]);
    assert!(run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("warning: POOR CALIBRATION ACCEPTED"), "{stderr}");
    // The scales come from the 39 real samples: a real input infers its value.
    let x = dir.path().join("x.json");
    std::fs::write(&x, json!({ "input": samples[0] }).to_string()).unwrap();
    let r: Value = serde_json::from_str(&ok(&["infer", p(&out), "--input", p(&x), "--json"])).unwrap();
    let y = r["output"][0].as_f64().unwrap();
    assert!((y - float_regression(&samples[0])).abs() < 1e-3, "{y}");

    let info: Value = serde_json::from_str(&ok(&["inspect", p(&out), "--json"])).unwrap();
    let c = &info["source"]["calibration"];
    assert_eq!(
        (c["samples"].as_u64(), c["outliers"].as_u64(), c["input_max"].as_f64()),
        (Some(40), Some(1), Some(1e30))
    );
    assert_eq!(c["rule"], "clipped_max_p90x64");
    assert!(c["accepted"][0].as_str().unwrap().contains("line 17"));
    let text = ok(&["inspect", p(&out)]);
    assert!(
        text.contains("40 samples (from --calibration), rule clipped_max_p90x64: 1 left out as outliers"),
        "{text}"
    );
    assert!(text.contains("POOR CALIBRATION ACCEPTED"), "{text}");
}

#[test]
fn too_few_samples_and_files_that_are_not_samples_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let onnx = regression(dir.path());
    let out = dir.path().join("m.zkq");
    let cal = dir.path().join("cal.jsonl");
    let import = |cal: &Path| fails(&["import", p(&onnx), "-o", p(&out), "--calibration", p(cal)]);
    samples_jsonl(&cal, &values(5, 3, 2));
    let err = import(&cal);
    assert!(err.contains("only 5 calibration samples") && err.contains("give more samples"), "{err}");

    let bundle = json!({ "version": 1, "model_id": "ab", "input": [1, 2, 3], "output": [4], "proof": "00" });
    std::fs::write(&cal, serde_json::to_string_pretty(&bundle).unwrap()).unwrap();
    let err = import(&cal);
    assert!(err.contains("cal.jsonl: this is a zkseal proof bundle"), "{err}");
    std::fs::write(&cal, json!({ "format_version": 2, "model_id": "ab", "commitment": "1" }).to_string()).unwrap();
    assert!(import(&cal).contains("commitment record or salt file"));
    std::fs::write(&cal, b"ZKSEALPK\x02\x00\x00\x00\xff\xfe").unwrap();
    assert!(import(&cal).contains("this is a zkseal key, not sample data"));
    std::fs::write(&cal, "{\"features\": [1, 2, 3]}\n{\"features\": [1, 2, 3]}\n").unwrap();
    let err = import(&cal);
    assert!(err.contains("line 1: this is an object without \"input\" or \"input_data\""), "{err}");
    assert!(err.contains("one {\"input\": [...]} object per line"), "{err}");
    std::fs::write(&cal, "{\"input\": [1, 2, 3]}\n{\"input\": [1, NaN, 3]}\n").unwrap();
    let err = import(&cal);
    assert!(err.contains("line 2: invalid JSON: NaN at column 15 is not a number JSON allows"), "{err}");
    assert!(err.contains("replace it with a finite number, or drop the sample"), "{err}");
    assert!(!out.exists());
}

#[test]
fn ezkl_sample_lists_are_accepted_and_shapes_checked() {
    let dir = tempfile::tempdir().unwrap();
    let lines = std::fs::read_to_string(data("digits/calibration.jsonl")).unwrap();
    let samples: Vec<Value> =
        lines.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()["input"].clone()).collect();
    let ezkl = dir.path().join("ezkl.json");
    std::fs::write(&ezkl, json!({ "input_data": samples }).to_string()).unwrap();
    let onnx = data("models/torch_mlp.onnx");
    let (a, b) = (dir.path().join("a.zkq"), dir.path().join("b.zkq"));
    ok(&["import", p(&onnx), "-o", p(&a), "--calibration", p(&data("digits/calibration.jsonl"))]);
    ok(&["import", p(&onnx), "-o", p(&b), "--calibration", p(&ezkl)]);
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap(), "the same 200 samples, the same model");

    // 8x8 nested rows: the CNN's shape [1, 1, 8, 8], not the MLP's [1, 64].
    let square = |v: &Value| -> Value {
        let v: Vec<f64> = serde_json::from_value(v.clone()).unwrap();
        json!(v.chunks(8).map(<[f64]>::to_vec).collect::<Vec<_>>())
    };
    let nested = dir.path().join("nested.jsonl");
    write_jsonl(&nested, &samples.iter().map(|s| json!({ "input": square(s) })).collect::<Vec<_>>());
    ok(&["import", p(&data("models/torch_cnn.onnx")), "-o", p(&a), "--calibration", p(&nested)]);
    let err = fails(&["import", p(&onnx), "-o", p(&a), "--calibration", p(&nested)]);
    assert!(err.contains("line 1: the input's nested lists have shape [8, 8], but the model takes [1, 64]"), "{err}");
}

#[test]
fn a_regression_reports_errors_not_argmaxes_and_takes_an_input_range() {
    let dir = tempfile::tempdir().unwrap();
    let onnx = regression(dir.path());
    let out = dir.path().join("m.zkq");
    // No calibration: the synthetic range, and a warning that says what to do.
    let run = zkseal(&["import", p(&onnx), "-o", p(&out)]);
    assert!(run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("no --calibration given") && stderr.contains("accepts inputs in [-2.0, "), "{stderr}");
    assert!(stderr.contains("--input-range LO:HI") && stderr.contains("samples of real inputs"), "{stderr}");

    let run = zkseal(&["import", p(&onnx), "-o", p(&out), "--input-range", "-3:3", "--json"]);
    assert!(run.status.success());
    let summary: Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(summary["input_range"]["lo"], -3.0);
    assert_eq!(
        (summary["input_range"]["hi"].as_f64(), summary["input_range"]["beyond"].as_str()),
        (Some(3.0), Some("clipped"))
    );
    let q = &summary["quantization"];
    assert_eq!(q["output_kind"], "value");
    assert!(q.get("agreement").is_none(), "no argmax for one output: {q}");
    assert!(q["max_abs_error"].as_f64().unwrap() < 1e-2);
    let text = ok(&["inspect", p(&out)]);
    assert!(text.contains("input range          [-3.0, 3.0]; values beyond it are clipped to it"), "{text}");

    let cal = dir.path().join("cal.jsonl");
    samples_jsonl(&cal, &values(40, 3, 3));
    let text = ok(&["import", p(&onnx), "-o", p(&out), "--calibration", p(&cal)]);
    assert!(text.contains("quantization         mean |error|") && !text.contains("argmax"), "{text}");
    assert!(text.contains("values beyond it are refused"), "{text}");

    for (range, needle) in
        [("3:-3", "LO must be below HI"), ("-3", "has no ':'"), ("a:1", "finite numbers"), ("0:inf", "finite")]
    {
        let (status, err) = code(&["import", p(&onnx), "-o", p(&out), "--input-range", range]);
        assert_eq!(status, 2, "{range}: {err}");
        assert!(err.contains(needle) && err.contains("--input-range -3:3"), "{range}: {err}");
    }
}

#[test]
fn labels_name_the_classes_and_their_count_must_match() {
    let dir = tempfile::tempdir().unwrap();
    let onnx = data("models/torch_mlp.onnx");
    let cal = data("digits/calibration.jsonl");
    let out = dir.path().join("m.zkq");
    let names = "zero,one,two,three,four,five,six,seven,eight,nine";
    ok(&["import", p(&onnx), "-o", p(&out), "--calibration", p(&cal), "--labels", names]);
    let info: Value = serde_json::from_str(&ok(&["inspect", p(&out), "--json"])).unwrap();
    assert_eq!(info["source"]["class_labels"][3], "three");
    let file = dir.path().join("labels.txt");
    std::fs::write(&file, names.replace(',', "\n") + "\n\n").unwrap();
    let b = dir.path().join("b.zkq");
    ok(&["import", p(&onnx), "-o", p(&b), "--calibration", p(&cal), "--labels", p(&file)]);
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&b).unwrap());

    let err = fails(&["import", p(&onnx), "-o", p(&b), "--calibration", p(&cal), "--labels", "cat,dog,bird"]);
    assert!(err.contains("gives 3 label(s) (no file of that name either), but the model has 10 output(s)"), "{err}");
    let err = fails(&["import", p(&onnx), "-o", p(&b), "--calibration", p(&cal), "--labels", "a,,b"]);
    assert!(err.contains("a label is empty"), "{err}");
}

#[test]
fn evaluate_measures_a_classifier_on_labelled_data() {
    let dir = tempfile::tempdir().unwrap();
    let onnx = data("models/torch_mlp.onnx");
    let out = dir.path().join("m.zkq");
    let text = ok(&["import", p(&onnx), "-o", p(&out), "--calibration", p(&data("digits/calibration.jsonl"))]);
    assert!(text.contains("quantization         argmax agreement 200/200"), "{text}");
    let test = data("digits/test.jsonl");
    let r: Value =
        serde_json::from_str(&ok(&["evaluate", p(&out), "--data", p(&test), "--onnx", p(&onnx), "--json"])).unwrap();
    assert_eq!(
        (r["samples"].as_u64(), r["refused"].as_u64(), r["output_kind"].as_str()),
        (Some(300), Some(0), Some("classes"))
    );
    assert_eq!(r["float_vs_quantized"]["agreement"], 300);
    let reference: Value =
        serde_json::from_str(&std::fs::read_to_string(data("models/torch_mlp.reference.json")).unwrap()).unwrap();
    assert_eq!(r["accuracy"]["float"], reference["float_test_accuracy"]);
    assert_eq!(r["accuracy"]["labelled"], 300);
    let wrong = r["accuracy"]["misclassified_lines"].as_array().unwrap().len() as u64;
    assert_eq!(r["accuracy"]["quantized_correct"].as_u64().unwrap() + wrong, 300);
    assert_eq!(r["float_vs_quantized"]["worst"].as_array().unwrap().len(), 5);

    // Without the ONNX: accuracy only. With another ONNX: refused.
    let text = ok(&["evaluate", p(&out), "--data", p(&test)]);
    assert!(text.contains("not compared (give --onnx") && text.contains("accuracy             quantized 9"), "{text}");
    let err = fails(&["evaluate", p(&out), "--data", p(&test), "--onnx", p(&data("models/torch_cnn.onnx"))]);
    assert!(err.contains("not the ONNX file this model was imported from"), "{err}");
    // String labels need class names.
    let named = dir.path().join("named.jsonl");
    write_jsonl(
        &named,
        &[json!({ "input": vec![0.0; 64], "label": "three" }), json!({ "input": vec![1e6; 64], "label": 1 })],
    );
    let err = fails(&["evaluate", p(&out), "--data", p(&named)]);
    assert!(err.contains("line 1") && err.contains("pass --labels"), "{err}");
    let r: Value = serde_json::from_str(&ok(&[
        "evaluate",
        p(&out),
        "--data",
        p(&named),
        "--labels",
        "0,1,2,three,4,5,6,7,8,9",
        "--json",
    ]))
    .unwrap();
    // A refused line counts against accuracy but is listed as refused, not misclassified.
    assert_eq!((r["accuracy"]["labelled"].as_u64(), r["refused_lines"].clone()), (Some(2), json!([2])));
    assert!(!r["accuracy"]["misclassified_lines"].as_array().unwrap().contains(&json!(2)));
    assert!(r["accuracy"]["quantized_correct"].as_u64().unwrap() <= 1);
}

#[test]
fn evaluate_measures_a_regression_and_a_binary_classifier() {
    let dir = tempfile::tempdir().unwrap();
    let onnx = regression(dir.path());
    let cal = dir.path().join("cal.jsonl");
    samples_jsonl(&cal, &values(40, 3, 4));
    let out = dir.path().join("m.zkq");
    ok(&["import", p(&onnx), "-o", p(&out), "--calibration", p(&cal)]);
    let test: Vec<Vec<f64>> = values(30, 3, 5);
    let mut lines: Vec<Value> =
        test.iter().map(|x| json!({ "input": x, "target": float_regression(x) + 0.25 })).collect();
    lines[7] = json!({ "input": [1e6, 0, 0], "target": 0.0 });
    let data_file = dir.path().join("test.jsonl");
    write_jsonl(&data_file, &lines);
    let r: Value =
        serde_json::from_str(&ok(&["evaluate", p(&out), "--data", p(&data_file), "--onnx", p(&onnx), "--json"]))
            .unwrap();
    assert_eq!((r["output_kind"].as_str(), r["refused"].as_u64()), (Some("value"), Some(1)));
    assert_eq!(r["refused_lines"], json!([8]));
    let t = &r["targets"];
    assert_eq!((t["samples"].as_u64(), t["answered"].as_u64()), (Some(30), Some(29)));
    assert!((t["float_mae"].as_f64().unwrap() - 0.25).abs() < 1e-6, "{t}");
    assert!((t["quantized_mae"].as_f64().unwrap() - 0.25).abs() < 1e-2, "{t}");
    assert!(r.get("accuracy").is_none() && r["float_vs_quantized"].get("agreement").is_none());
    let text = ok(&["evaluate", p(&out), "--data", p(&data_file)]);
    assert!(
        text.contains("refused lines        8") && text.contains("against targets      quantized MAE 0.2"),
        "{text}"
    );
    write_jsonl(&data_file, &[json!({ "input": [0, 0, 0], "label": 1 })]);
    assert!(fails(&["evaluate", p(&out), "--data", p(&data_file)]).contains("give the true value as \"target\""));

    // A binary classifier: one logit read by a Sigmoid; the decision is its sign.
    let binary = dir.path().join("bin.onnx");
    std::fs::write(&binary, onnx_dense(&[W.to_vec()], &[0.1], Some("Sigmoid"))).unwrap();
    let text = ok(&["import", p(&binary), "-o", p(&out), "--calibration", p(&cal)]);
    assert!(text.contains("decision agreement (logit > 0) 40/40"), "{text}");
    let labelled: Vec<Value> =
        test.iter().map(|x| json!({ "input": x, "label": usize::from(float_regression(x) > 0.0) })).collect();
    write_jsonl(&data_file, &labelled);
    let r: Value =
        serde_json::from_str(&ok(&["evaluate", p(&out), "--data", p(&data_file), "--onnx", p(&binary), "--json"]))
            .unwrap();
    assert_eq!(r["output_kind"], "binary");
    assert_eq!((r["accuracy"]["float"].as_f64(), r["float_vs_quantized"]["agreement"].as_u64()), (Some(1.0), Some(30)));
}

#[test]
fn an_older_model_file_is_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.zkq");
    ok(&[
        "import",
        p(&data("models/torch_mlp.onnx")),
        "-o",
        p(&out),
        "--calibration",
        p(&data("digits/calibration.jsonl")),
    ]);
    let mut bytes = std::fs::read(&out).unwrap();
    bytes[8] = 1;
    std::fs::write(&out, &bytes).unwrap();
    let err = fails(&["inspect", p(&out)]);
    assert!(err.contains("model file (.zkq) format version 1, but this build reads version 2"), "{err}");
    assert!(err.contains("make it again from the ONNX file with `zkseal import`"), "{err}");
    let zka = dir.path().join("m.zka");
    bytes[8] = 2;
    std::fs::write(&out, &bytes).unwrap();
    ok(&["arch", p(&out), "-o", p(&zka)]);
    assert_eq!(std::fs::read(&zka).unwrap()[8..12], [1, 0, 0, 0], "the architecture file keeps version 1");
    let info: Value = serde_json::from_str(&ok(&["inspect", p(&zka), "--json"])).unwrap();
    assert_eq!((info["format_version"].as_u64(), info["input_range"]["beyond"].as_str()), (Some(1), Some("refused")));
}

#[test]
fn infer_says_what_each_kind_of_output_means() {
    let dir = tempfile::tempdir().unwrap();
    let cal = dir.path().join("cal.jsonl");
    samples_jsonl(&cal, &values(40, 3, 6));
    let (out, input) = (dir.path().join("m.zkq"), dir.path().join("x.json"));
    let infer = |x: &[f64]| -> Value {
        std::fs::write(&input, json!({ "input": x }).to_string()).unwrap();
        serde_json::from_str(&ok(&["infer", p(&out), "--input", p(&input), "--json"])).unwrap()
    };

    // A value: neither an argmax (always 0 for one output) nor a class.
    ok(&["import", p(&regression(dir.path())), "-o", p(&out), "--calibration", p(&cal)]);
    let r = infer(&[1.0, -1.0, 0.5]);
    assert!(r.get("argmax").is_none() && r.get("class").is_none() && r.get("label").is_none(), "{r}");
    assert!((r["output"][0].as_f64().unwrap() - float_regression(&[1.0, -1.0, 0.5])).abs() < 0.05, "{r}");

    // A binary classifier decides by the logit's sign, on both sides of 0, with its labels.
    let binary = dir.path().join("bin.onnx");
    std::fs::write(&binary, onnx_dense(&[W.to_vec()], &[0.1], Some("Sigmoid"))).unwrap();
    ok(&["import", p(&binary), "-o", p(&out), "--calibration", p(&cal), "--labels", "no,yes"]);
    for (x, class, label) in [([1.0, -1.0, 0.5], 1, "yes"), ([-1.0, 1.0, -0.5], 0, "no")] {
        let r = infer(&x);
        assert_eq!((&r["class"], &r["label"]), (&json!(class), &json!(label)), "{r}");
        assert!(r.get("argmax").is_none(), "{r}");
        let logit = r["output"][0].as_f64().unwrap();
        assert!((r["probability"].as_f64().unwrap() - 1.0 / (1.0 + (-logit).exp())).abs() < 1e-12, "{r}");
    }
    std::fs::write(&input, json!({ "input": [1.0, -1.0, 0.5] }).to_string()).unwrap();
    let text = ok(&["infer", p(&out), "--input", p(&input)]);
    assert!(text.starts_with("class 1 (label \"yes\"), probability 0.82"), "{text}");
}
