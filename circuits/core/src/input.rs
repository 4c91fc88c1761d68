//! Input files: `{"input": [...]}` or EZKL's `{"input_data": [[...]]}`, flattened
//! row-major; a `.jsonl` file holds one such object per line.
//!
//! Sample files (`read_samples`, `read_labelled`) are read more strictly than one input:
//! nested lists must have the model's input shape (or add a leading batch dimension),
//! and zkseal's own JSON files (a proof bundle's `input` holds quantized integers) are
//! refused rather than read as samples.

mod json;
mod tensor;
#[cfg(test)]
mod tests;

use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::Value;
use thiserror::Error;

use crate::model::shape::numel;
use tensor::{split, Tensor};

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
    #[error(
        "{at}the input's nested lists are ragged (rows of different lengths); write each sample as an array of \
         the model's input shape {shape:?}, or as one flat list of its values in row-major order"
    )]
    Ragged { at: String, shape: Vec<usize> },
    #[error(
        "{at}the input's nested lists have shape {got:?}, but the model takes {shape:?} (optionally with a \
         leading batch dimension): reshape the data, or write each sample as one flat list of its {} values in \
         row-major order",
        numel(shape)
    )]
    Shape { at: String, got: Vec<usize>, shape: Vec<usize> },
    #[error(
        "{at}this is {what}, not sample data: give a JSONL file with one {{\"input\": [...]}} object per line \
         (or EZKL's {{\"input_data\": [...]}})"
    )]
    NotSamples { at: String, what: String },
    #[error("{at}holds {count} samples; write one sample per line, so that its \"label\" or \"target\" applies to it")]
    SeveralSamples { at: String, count: usize },
    #[error(
        "{at}\"{key}\" must be {what} (found {found}); write the true class as \"label\": INDEX or \"label\": \
         \"NAME\", the true value as \"target\": NUMBER"
    )]
    Truth { at: String, key: &'static str, what: &'static str, found: String },
}

/// A sample line's true class (`"label"`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Label {
    /// A class index (`"label": 3`; `true` / `false` are 1 / 0).
    Class(usize),
    /// A class name (`"label": "cat"`), to be looked up in the model's class labels.
    Name(String),
}

/// One line of a labelled sample file: the input, and the truth it carries.
#[derive(Clone, Debug, PartialEq)]
pub struct Labelled {
    pub values: Vec<f64>,
    pub label: Option<Label>,
    /// The true output (`"target": 0.7`, or a list for several outputs).
    pub target: Option<Vec<f64>>,
}

/// One sample of a sample file.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// Where it is in the file: `line 3`, `line 3, sample 2`, or `sample 2`.
    pub at: String,
    pub values: Vec<f64>,
}

#[derive(Deserialize)]
struct InputObject {
    input: Option<Value>,
    input_data: Option<Value>,
}

/// An input object as a sample file holds it: also the truth, and the keys that mark
/// zkseal's own files.
#[derive(Deserialize)]
struct SampleObject {
    input: Option<Value>,
    input_data: Option<Value>,
    label: Option<Value>,
    target: Option<Value>,
    proof: Option<IgnoredAny>,
    model_id: Option<IgnoredAny>,
}

/// The flattened values of one input object.
pub fn parse_input(text: &str) -> Result<Vec<f64>, InputError> {
    parse_object(text, "")
}

fn parse_object(text: &str, at: &str) -> Result<Vec<f64>, InputError> {
    let obj: InputObject = from_object(text, at)?;
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
    Ok(Tensor::read(&tensor, at)?.values)
}

/// Deserializes one JSON object (serde would also read a struct from an array).
fn from_object<'a, T: Deserialize<'a>>(text: &'a str, at: &str) -> Result<T, InputError> {
    if !text.trim_start().starts_with('{') {
        return Err(InputError::MissingKey { at: at.into() });
    }
    serde_json::from_str(text).map_err(|e| InputError::Json { at: at.into(), reason: json::reason(text, &e, at) })
}

/// A sample object's tensors (EZKL's `input_data` may list several samples), label and target.
type Parts = (Vec<Value>, Option<Label>, Option<Vec<f64>>);

/// The parts of a sample object; refuses zkseal's own files.
fn sample_object(text: &str, at: &str) -> Result<Parts, InputError> {
    let not = |what: &str| InputError::NotSamples { at: at.into(), what: what.into() };
    let obj: SampleObject = from_object(text, at).map_err(|e| match e {
        InputError::MissingKey { .. } => not("text that is not a JSON object"),
        e => e,
    })?;
    if obj.proof.is_some() {
        return Err(not("a zkseal proof bundle (its \"input\" holds quantized integers)"));
    }
    if obj.model_id.is_some() {
        return Err(not("a zkseal commitment record or salt file"));
    }
    let tensors = match (obj.input, obj.input_data) {
        (Some(v), None) => vec![v],
        (None, Some(Value::Array(tensors))) if !tensors.is_empty() && tensors.iter().all(Value::is_array) => tensors,
        (None, Some(v)) => vec![v],
        (Some(_), Some(_)) => return Err(InputError::BothKeys { at: at.into() }),
        (None, None) => return Err(not("an object without \"input\" or \"input_data\"")),
    };
    let label = obj.label.map(|v| label(v, at)).transpose()?;
    let target = obj.target.map(|v| target(&v, at)).transpose()?;
    Ok((tensors, label, target))
}

fn label(v: Value, at: &str) -> Result<Label, InputError> {
    match v {
        Value::String(name) => Ok(Label::Name(name)),
        Value::Number(n) if n.as_u64().is_some() => Ok(Label::Class(n.as_u64().expect("checked") as usize)),
        Value::Bool(b) => Ok(Label::Class(usize::from(b))),
        other => {
            let what = "a class index (0, 1, …) or a class name";
            Err(InputError::Truth { at: at.into(), key: "label", what, found: other.to_string() })
        }
    }
}

fn target(v: &Value, at: &str) -> Result<Vec<f64>, InputError> {
    let bad = || InputError::Truth {
        at: at.into(),
        key: "target",
        what: "a number or a list of numbers",
        found: v.to_string(),
    };
    let values = Tensor::read(v, at).map_err(|_| bad())?.values;
    if values.is_empty() {
        return Err(bad());
    }
    Ok(values)
}

/// Non-empty lines with their 1-based numbers.
fn lines(text: &str) -> Vec<(usize, &str)> {
    text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).map(|(i, l)| (i + 1, l)).collect()
}

/// Whether `text` is one object spread over its lines (a pretty-printed file), not JSONL:
/// it parses as one, or its first line opens one (so its errors name the file's lines).
fn whole_object(text: &str, lines: &[(usize, &str)]) -> bool {
    lines.len() == 1
        || lines.first().is_some_and(|(_, l)| l.trim() == "{")
        || serde_json::from_str::<Value>(text).is_ok_and(|v| v.is_object())
}

/// Samples of `sample_len` values from a `.jsonl` file (one object per line), or from a
/// single JSON object whose values concatenate several samples (EZKL's calibration
/// files). Nested lists are flattened whatever their shape (`read_samples` checks it).
pub fn parse_samples(text: &str, sample_len: usize) -> Result<Vec<Vec<f64>>, InputError> {
    let lines = lines(text);
    let split_len = |values: Vec<f64>| -> Result<Vec<Vec<f64>>, InputError> {
        if values.is_empty() || sample_len == 0 || !values.len().is_multiple_of(sample_len) {
            return Err(InputError::Split { total: values.len(), sample_len });
        }
        Ok(values.chunks(sample_len).map(<[f64]>::to_vec).collect())
    };
    if whole_object(text, &lines) {
        let (tensors, _, _) = sample_object(text, "")?;
        let mut samples = Vec::new();
        for t in &tensors {
            samples.extend(split_len(Tensor::read(t, "")?.values)?);
        }
        return Ok(samples);
    }
    let samples = lines
        .into_iter()
        .map(|(line, text)| parse_object(text, &format!("line {line}: ")))
        .collect::<Result<Vec<_>, _>>()?;
    if samples.is_empty() {
        return Err(InputError::Empty);
    }
    Ok(samples)
}

/// The samples of a calibration file for a model whose input has `shape`: a JSONL file
/// (each line one sample, or a batch of them) or one object holding them all (EZKL's
/// `input_data`, a list of samples or one flat list of their values). Every sample has
/// `numel(shape)` values; nested lists must have the model's shape.
pub fn read_samples(text: &str, shape: &[usize]) -> Result<Vec<Sample>, InputError> {
    let lines = lines(text);
    let tensors_at = |text: &str, at: &str| -> Result<Vec<Vec<f64>>, InputError> {
        let mut samples = Vec::new();
        for t in &sample_object(text, at)?.0 {
            samples.extend(split(Tensor::read(t, at)?, shape, at)?);
        }
        Ok(samples)
    };
    if whole_object(text, &lines) {
        return Ok(numbered(tensors_at(text, "")?, None));
    }
    let mut samples = Vec::new();
    for (line, text) in lines {
        samples.extend(numbered(tensors_at(text, &format!("line {line}: "))?, Some(line)));
    }
    if samples.is_empty() {
        return Err(InputError::Empty);
    }
    Ok(samples)
}

/// Names the samples found at `line` (or in the whole file).
fn numbered(values: Vec<Vec<f64>>, line: Option<usize>) -> Vec<Sample> {
    let several = values.len() > 1;
    values
        .into_iter()
        .enumerate()
        .map(|(i, values)| {
            let at = match line {
                Some(line) if several => format!("line {line}, sample {}", i + 1),
                Some(line) => format!("line {line}"),
                None => format!("sample {}", i + 1),
            };
            Sample { at, values }
        })
        .collect()
}

/// Each line of a labelled `.jsonl` file as one sample of a model whose input has
/// `shape`, with its truth, and its 1-based line number.
pub fn read_labelled<'a>(
    text: &'a str,
    shape: &[usize],
) -> impl Iterator<Item = (usize, Result<Labelled, InputError>)> + 'a {
    let shape = shape.to_vec();
    lines(text).into_iter().map(move |(line, text)| {
        let at = format!("line {line}: ");
        let one = || {
            let (tensors, label, target) = sample_object(text, &at)?;
            let mut samples = Vec::new();
            for t in &tensors {
                samples.extend(split(Tensor::read(t, &at)?, &shape, &at)?);
            }
            match <[Vec<f64>; 1]>::try_from(samples) {
                Ok([values]) => Ok(Labelled { values, label, target }),
                Err(samples) => Err(InputError::SeveralSamples { at: at.clone(), count: samples.len() }),
            }
        };
        (line, one())
    })
}

/// Each line of a `.jsonl` file as one input, with its 1-based line number.
pub fn parse_jsonl(text: &str) -> impl Iterator<Item = (usize, Result<Vec<f64>, InputError>)> + '_ {
    lines(text).into_iter().map(|(line, text)| (line, parse_jsonl_line(text, line)))
}

/// One line (number `line`, 1-based) of a `.jsonl` file as one input.
pub fn parse_jsonl_line(text: &str, line: usize) -> Result<Vec<f64>, InputError> {
    parse_object(text, &format!("line {line}: "))
}

/// Refuses a file that is not text, naming zkseal's binary files.
pub fn sample_text(bytes: Vec<u8>) -> Result<String, InputError> {
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let what = if bytes.starts_with(b"ZKSEALQ\0") {
            "a zkseal model file (.zkq)"
        } else if bytes.starts_with(b"ZKSEALA\0") {
            "a zkseal architecture file (.zka)"
        } else if bytes.starts_with(b"ZKSEAL") || bytes.starts_with(b"ZKSH2") {
            "a zkseal key"
        } else {
            "a binary file (not UTF-8 text)"
        };
        InputError::NotSamples { at: String::new(), what: what.into() }
    })
}
