//! Input files: `{"input": [...]}` or EZKL's `{"input_data": [[...]]}`, flattened
//! row-major; a `.jsonl` file holds one such object per line.

use serde::Deserialize;
use serde_json::Value;
use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InputError {
    #[error("{at}invalid JSON: {reason}")]
    Json { at: String, reason: String },
    #[error("{at}expected an object with \"input\" or \"input_data\"")]
    MissingKey { at: String },
    #[error("{at}both \"input\" and \"input_data\" given")]
    BothKeys { at: String },
    #[error("{at}\"input_data\" holds {count} tensors; zkseal models take one input")]
    SeveralTensors { at: String, count: usize },
    #[error("{at}input values must be numbers (found {found})")]
    NotNumber { at: String, found: String },
    #[error("no samples in the file")]
    Empty,
    #[error("{total} values do not split into samples of {sample_len}")]
    Split { total: usize, sample_len: usize },
}

#[derive(Deserialize)]
struct InputObject {
    input: Option<Value>,
    input_data: Option<Value>,
}

/// The flattened values of one input object.
pub fn parse_input(text: &str) -> Result<Vec<f64>, InputError> {
    parse_object(text, "")
}

fn parse_object(text: &str, at: &str) -> Result<Vec<f64>, InputError> {
    // serde would also read a struct from a JSON array; only objects are inputs.
    if !text.trim_start().starts_with('{') {
        return Err(InputError::MissingKey { at: at.into() });
    }
    let obj: InputObject =
        serde_json::from_str(text).map_err(|e| InputError::Json { at: at.into(), reason: e.to_string() })?;
    let tensor = match (obj.input, obj.input_data) {
        (Some(v), None) => v,
        (None, Some(Value::Array(tensors))) if tensors.iter().all(Value::is_array) => {
            if tensors.len() != 1 {
                return Err(InputError::SeveralTensors { at: at.into(), count: tensors.len() });
            }
            tensors.into_iter().next().expect("one tensor")
        }
        (None, Some(v)) => v,
        (Some(_), Some(_)) => return Err(InputError::BothKeys { at: at.into() }),
        (None, None) => return Err(InputError::MissingKey { at: at.into() }),
    };
    let mut out = Vec::new();
    flatten(&tensor, &mut out, at)?;
    Ok(out)
}

fn flatten(v: &Value, out: &mut Vec<f64>, at: &str) -> Result<(), InputError> {
    match v {
        Value::Array(items) => items.iter().try_for_each(|item| flatten(item, out, at)),
        Value::Number(n) => {
            out.push(n.as_f64().ok_or_else(|| InputError::NotNumber { at: at.into(), found: n.to_string() })?);
            Ok(())
        }
        other => {
            let found = match other {
                Value::Null => "null",
                Value::Bool(_) => "a boolean",
                Value::String(_) => "a string",
                _ => "an object",
            };
            Err(InputError::NotNumber { at: at.into(), found: found.into() })
        }
    }
}

/// Samples from a `.jsonl` file (one object per line), or from a single JSON object
/// whose values concatenate several samples of `sample_len` (EZKL's calibration files).
pub fn parse_samples(text: &str, sample_len: usize) -> Result<Vec<Vec<f64>>, InputError> {
    let lines: Vec<(usize, &str)> = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).collect();
    let whole_object = lines.len() != 1 && serde_json::from_str::<InputObject>(text).is_ok();
    if lines.len() == 1 || whole_object {
        let values = parse_object(text, "")?;
        if values.is_empty() || sample_len == 0 || values.len() % sample_len != 0 {
            return Err(InputError::Split { total: values.len(), sample_len });
        }
        return Ok(values.chunks(sample_len).map(<[f64]>::to_vec).collect());
    }
    let samples = lines
        .into_iter()
        .map(|(i, line)| parse_object(line, &format!("line {}: ", i + 1)))
        .collect::<Result<Vec<_>, _>>()?;
    if samples.is_empty() {
        return Err(InputError::Empty);
    }
    Ok(samples)
}

/// Each line of a `.jsonl` file as one input, with its 1-based line number.
pub fn parse_jsonl(text: &str) -> impl Iterator<Item = (usize, Result<Vec<f64>, InputError>)> + '_ {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, line)| (i + 1, parse_jsonl_line(line, i + 1)))
}

/// One line (number `line`, 1-based) of a `.jsonl` file as one input.
pub fn parse_jsonl_line(text: &str, line: usize) -> Result<Vec<f64>, InputError> {
    parse_object(text, &format!("line {line}: "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_formats_accepted() {
        assert_eq!(parse_input(r#"{"input": [1, 2.5]}"#).unwrap(), vec![1.0, 2.5]);
        assert_eq!(parse_input(r#"{"input_data": [[1, 2.5]]}"#).unwrap(), vec![1.0, 2.5]);
        assert_eq!(parse_input(r#"{"input": [[1], [2]], "label": 3}"#).unwrap(), vec![1.0, 2.0]);
    }

    #[test]
    fn malformed_inputs_rejected() {
        assert!(matches!(
            parse_input(r#"{"input_data": [[1], [2]]}"#),
            Err(InputError::SeveralTensors { count: 2, .. })
        ));
        assert!(matches!(parse_input(r#"{"input": [1], "input": [2]}"#), Err(InputError::Json { .. })));
        assert!(matches!(parse_input(r#"{"input": [1, "x"]}"#), Err(InputError::NotNumber { .. })));
        assert!(matches!(parse_input(r#"{"input": [1, null]}"#), Err(InputError::NotNumber { .. })));
        assert!(matches!(parse_input(r#"{"x": [1]}"#), Err(InputError::MissingKey { .. })));
        assert!(matches!(parse_input(r#"{"input": [1e400]}"#), Err(InputError::Json { .. })));
        assert!(matches!(parse_input("[1, 2]"), Err(InputError::MissingKey { .. })));
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
}
