use super::*;

#[test]
fn both_formats_accepted() {
    assert_eq!(parse_input(r#"{"input": [1, 2.5]}"#).unwrap(), vec![1.0, 2.5]);
    assert_eq!(parse_input(r#"{"input_data": [[1, 2.5]]}"#).unwrap(), vec![1.0, 2.5]);
    assert_eq!(parse_input(r#"{"input": [[1], [2]], "label": 3}"#).unwrap(), vec![1.0, 2.0]);
}

#[test]
fn malformed_inputs_rejected() {
    assert!(matches!(parse_input(r#"{"input_data": [[1], [2]]}"#), Err(InputError::SeveralTensors { count: 2, .. })));
    assert!(matches!(parse_input(r#"{"input": [1], "input": [2]}"#), Err(InputError::Json { .. })));
    assert!(matches!(parse_input(r#"{"input": [1, "x"]}"#), Err(InputError::NotNumber { .. })));
    assert!(matches!(parse_input(r#"{"input": [1, null]}"#), Err(InputError::NotNumber { .. })));
    assert!(matches!(parse_input(r#"{"x": [1]}"#), Err(InputError::MissingKey { .. })));
    assert!(matches!(parse_input(r#"{"input": [1e400]}"#), Err(InputError::Json { .. })));
    assert!(matches!(parse_input("[1, 2]"), Err(InputError::MissingKey { .. })));
}

#[test]
fn nan_and_infinity_are_named_with_their_place() {
    let err = parse_input("{\"input\": [1, NaN]}").unwrap_err().to_string();
    assert_eq!(
        err,
        "invalid JSON: NaN at line 1, column 15 is not a number JSON allows (JSON has no NaN or Infinity); \
         replace it with a finite number, or drop the sample"
    );
    let text = "{\"input\": [1, 2]}\n\n{\"input\": [\"NaN\", -Infinity]}\n";
    let err = parse_samples(text, 2).unwrap_err().to_string();
    assert!(err.starts_with("line 3: invalid JSON: -Infinity at column 19 is not a number JSON allows"), "{err}");
    // A pretty-printed object: the file's own line.
    let err = read_samples("{\n  \"input\": [\n    1,\n    nan\n  ]\n}\n", &[2]).unwrap_err().to_string();
    assert!(err.starts_with("invalid JSON: nan at line 4, column 5 is not"), "{err}");
    // A word inside a string is not a number at all.
    let err = parse_input("{\"input\": [\"NaN\"], \"note\": \"Infinity\"}").unwrap_err();
    assert!(matches!(err, InputError::NotNumber { .. }), "{err}");
    let err = parse_jsonl_line("{\"input\": [1e999]}", 7).unwrap_err().to_string();
    assert!(
        err.starts_with("line 7: invalid JSON: the number ending at column 16 is beyond binary64's range"),
        "{err}"
    );
}

#[test]
fn samples_from_jsonl_or_concatenated_object() {
    let jsonl = "{\"input\": [1, 2]}\n\n{\"input\": [3, 4]}\n";
    assert_eq!(parse_samples(jsonl, 2).unwrap(), vec![vec![1.0, 2.0], vec![3.0, 4.0]]);
    let ezkl = "{\"input_data\": [[1, 2, 3, 4]]}";
    assert_eq!(parse_samples(ezkl, 2).unwrap(), vec![vec![1.0, 2.0], vec![3.0, 4.0]]);
    assert!(matches!(parse_samples(ezkl, 3), Err(InputError::Split { .. })));
    let bad = "{\"input\": [1, 2]}\n{\"input\": oops}\n";
    let err = parse_samples(bad, 2).unwrap_err().to_string();
    assert!(err.starts_with("line 2: "), "{err}");
}

#[test]
fn ezkl_input_data_may_list_several_samples() {
    let values = |s: Vec<Sample>| s.into_iter().map(|s| s.values).collect::<Vec<_>>();
    let several = "{\"input_data\": [[1, 2], [3, 4], [5, 6]]}";
    let want = vec![vec![1.0, 2.0], vec![3.0, 4.0], vec![5.0, 6.0]];
    assert_eq!(parse_samples(several, 2).unwrap(), want);
    let samples = read_samples(several, &[1, 2]).unwrap();
    assert_eq!(samples.iter().map(|s| s.at.as_str()).collect::<Vec<_>>(), ["sample 1", "sample 2", "sample 3"]);
    assert_eq!(values(samples), want);
    // Each listed sample nested in the model's shape, or one flat list of them all.
    assert_eq!(values(read_samples("{\"input_data\": [[[1, 2]], [[3, 4]], [[5, 6]]]}", &[1, 2]).unwrap()), want);
    assert_eq!(values(read_samples("{\"input_data\": [[1, 2, 3, 4, 5, 6]]}", &[1, 2]).unwrap()), want);
    // A sample of the wrong length is refused, not merged with its neighbour.
    let err = read_samples("{\"input_data\": [[1, 2, 3], [4, 5, 6]]}", &[1, 2]).unwrap_err();
    assert_eq!(err, InputError::Split { total: 3, sample_len: 2 });
}

#[test]
fn nested_lists_must_have_the_models_shape() {
    let shape = [1, 1, 2, 3];
    let ok = |text: &str| read_samples(text, &shape).map(|s| s.len());
    assert_eq!(ok("{\"input\": [1, 2, 3, 4, 5, 6]}"), Ok(1), "flat: only the count matters");
    assert_eq!(ok("{\"input\": [[1, 2, 3], [4, 5, 6]]}"), Ok(1), "the shape without its leading 1s");
    assert_eq!(ok("{\"input\": [[[[1, 2, 3], [4, 5, 6]]]]}"), Ok(1), "the full shape");
    assert_eq!(ok("{\"input\": [[[1, 2, 3], [4, 5, 6]], [[1, 2, 3], [4, 5, 6]]]}"), Ok(2), "a batch of 2");
    let err = read_samples("{\"input\": [[1, 2], [3, 4], [5, 6]]}", &shape).unwrap_err();
    assert_eq!(err, InputError::Shape { at: String::new(), got: vec![3, 2], shape: shape.to_vec() });
    let text = err.to_string();
    assert!(text.contains("[3, 2]") && text.contains("[1, 1, 2, 3]") && text.contains("flat list of its 6"), "{text}");
    let err = read_samples("{\"input\": [1, 2, 3, 4, 5, 6]}\n{\"input\": [[1, 2, 3], [4, 5]]}\n", &shape).unwrap_err();
    assert!(matches!(&err, InputError::Ragged { at, .. } if at == "line 2: "), "{err}");
    // parse_samples, which knows only the length, still flattens.
    assert_eq!(parse_samples("{\"input\": [[1, 2], [3, 4], [5, 6]]}", 6).unwrap().len(), 1);
}

#[test]
fn samples_are_named_by_line() {
    let text = "{\"input\": [1, 2]}\n\n{\"input\": [[3, 4], [5, 6]]}\n";
    let at: Vec<String> = read_samples(text, &[1, 2]).unwrap().into_iter().map(|s| s.at).collect();
    assert_eq!(at, ["line 1", "line 3, sample 1", "line 3, sample 2"]);
    assert_eq!(read_samples("\n \n", &[2]), Err(InputError::Empty));
}

#[test]
fn zkseal_files_and_other_objects_are_not_samples() {
    let bundle = "{\n  \"version\": 1,\n  \"model_id\": \"ab\",\n  \"input\": [3, 4],\n  \"proof\": \"00\"\n}\n";
    let err = read_samples(bundle, &[2]).unwrap_err().to_string();
    assert!(err.starts_with("this is a zkseal proof bundle"), "{err}");
    assert!(err.contains("one {\"input\": [...]} object per line"), "{err}");
    let err = parse_samples(bundle, 2).unwrap_err().to_string();
    assert!(err.starts_with("this is a zkseal proof bundle"), "{err}");
    let record = "{\"format_version\": 2, \"model_id\": \"ab\", \"commitment\": \"1\"}";
    let err = read_samples(record, &[2]).unwrap_err().to_string();
    assert!(err.starts_with("this is a zkseal commitment record or salt file"), "{err}");
    let err = read_samples("{\"input\": [1, 2]}\n{\"inputs\": [1, 2]}\n", &[2]).unwrap_err().to_string();
    assert!(err.starts_with("line 2: this is an object without \"input\" or \"input_data\", not sample data"), "{err}");
    let err = read_samples("1, 2, 3", &[3]).unwrap_err().to_string();
    assert!(err.starts_with("this is text that is not a JSON object"), "{err}");
    let err = sample_text(b"ZKSEALPK\x01\x00\xff".to_vec()).unwrap_err().to_string();
    assert!(err.starts_with("this is a zkseal key, not sample data"), "{err}");
    let err = sample_text(b"ZKSEALQ\0\xff".to_vec()).unwrap_err().to_string();
    assert!(err.starts_with("this is a zkseal model file (.zkq)"), "{err}");
    assert!(sample_text(b"\xff\xfe".to_vec()).unwrap_err().to_string().contains("binary file"));
    assert_eq!(sample_text(b"{}".to_vec()).unwrap(), "{}");
}

#[test]
fn labelled_lines_carry_their_truth() {
    let text = "{\"input\": [1, 2], \"label\": 3}\n{\"input\": [[3, 4]], \"label\": \"cat\"}\n\
                {\"input\": [5, 6], \"target\": 0.5}\n{\"input\": [7, 8], \"target\": [1, 2], \"label\": false}\n\
                {\"input\": [9, 0], \"label\": true}\n{\"input\": [9, 0]}\n";
    let got: Vec<(usize, Labelled)> = read_labelled(text, &[1, 2]).map(|(line, r)| (line, r.unwrap())).collect();
    let l = |values: Vec<f64>, label: Option<Label>, target: Option<Vec<f64>>| Labelled { values, label, target };
    assert_eq!(got[0], (1, l(vec![1.0, 2.0], Some(Label::Class(3)), None)));
    assert_eq!(got[1].1.label, Some(Label::Name("cat".into())));
    assert_eq!((got[2].1.label.clone(), got[2].1.target.clone()), (None, Some(vec![0.5])));
    assert_eq!(got[3].1, l(vec![7.0, 8.0], Some(Label::Class(0)), Some(vec![1.0, 2.0])));
    assert_eq!(got[4].1.label, Some(Label::Class(1)));
    assert_eq!(got[5], (6, l(vec![9.0, 0.0], None, None)));

    let bad = |line: &str| read_labelled(line, &[1, 2]).next().unwrap().1.unwrap_err();
    let err = bad("{\"input\": [1, 2], \"label\": -1}");
    assert!(matches!(err, InputError::Truth { key: "label", .. }), "{err}");
    assert!(err.to_string().contains("\"label\": INDEX"), "{err}");
    assert!(matches!(bad("{\"input\": [1, 2], \"target\": \"x\"}"), InputError::Truth { key: "target", .. }));
    assert!(matches!(bad("{\"input\": [1, 2], \"target\": []}"), InputError::Truth { key: "target", .. }));
    let err = bad("{\"input\": [[1, 2], [3, 4]], \"label\": 1}");
    assert_eq!(err, InputError::SeveralSamples { at: "line 1: ".into(), count: 2 });
}
