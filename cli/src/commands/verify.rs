//! `zkseal verify --vk VERIFYING_KEY --commitment COMMITMENT.json PROOF.json [--input INPUT.json] [--json]`
//! `zkseal verify --vk … --commitment … --batch PROOFS.jsonl [--json]`
//!
//! Exit 0: valid (every proof, for --batch) and, with --input, about that input. Exit 1:
//! invalid (any mismatch of proof, public values, commitment, key, or another input).
//! Exit 2: a file is unreadable or malformed.

use std::path::{Path, PathBuf};

use clap::Args;
use serde_json::{json, Map, Value};
use zkseal_circuits::input::{parse_input, parse_samples};
use zkseal_halo2::verify::Halo2Verifier;
use zkseal_halo2::BACKEND_HALO2;
use zkseal_verifier::{quantize_value, verify, CommitmentRecord, Opened, ProofBundle, Verified, Verifier, VerifyError};

use super::FileKind;
use crate::files::{read_limited, MAX_INPUT_BYTES};

/// Largest verifying key, record or bundle read.
const MAX_BYTES: usize = 64 << 20;

#[derive(Args)]
#[command(after_help = "\
What a valid proof shows: the committed model maps the bundle's input integers to its \
output integers. verify prints them dequantized (int · 2^-scale, the key's scales), the \
argmax and its label (several outputs) or the value (one output; with a Sigmoid head, \
also the class its sign decides and that class's label) and, when the record names a \
Softmax or Sigmoid head, the probabilities computed from the proven outputs \
(not proven themselves). With --input it also checks the proof answers your input: each \
value quantized as ⌊v·2^input_scale + ½⌋ must be the bundle's.\n\n\
Exit codes: 0 valid, 1 invalid (or another input), 2 unreadable or malformed files.")]
pub struct Verify {
    /// The verifying key (KEYS_DIR/verifying.key from `zkseal setup`).
    #[arg(long)]
    vk: PathBuf,
    /// The model's public commitment record (from `zkseal commit`).
    #[arg(long)]
    commitment: PathBuf,
    /// The proof bundle (from `zkseal prove`).
    #[arg(required_unless_present = "batch", conflicts_with = "batch")]
    proof: Option<PathBuf>,
    /// Many proofs of this model (JSONL: bundles, or the lines `prove --batch` writes),
    /// checked together (one pairing product; bad proofs named by bisection).
    #[arg(long)]
    batch: Option<PathBuf>,
    /// Your own input (`{"input": [...]}` or EZKL's `{"input_data": [[...]]}`; for a key of
    /// B inferences per proof, B lines of those or one object of all B inputs' values): the
    /// proof must answer exactly this query, or verify exits 1 naming the first value that
    /// differs.
    #[arg(long, conflicts_with = "batch")]
    input: Option<PathBuf>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

/// A refusal: exit code, status and reason.
type Refusal = (i32, &'static str, String);

fn refusal(e: VerifyError) -> Refusal {
    if e.is_malformed() {
        (2, "malformed", e.to_string())
    } else {
        (1, "invalid", e.to_string())
    }
}

impl Verify {
    /// The process exit code.
    pub fn run(self) -> i32 {
        if let Some(batch) = &self.batch {
            return self.run_batch(batch);
        }
        match self.run_one() {
            Ok((backend, record, v)) if self.json => {
                let answer = Answer::new(&v, &record);
                answer.warnings(&record).iter().for_each(|w| eprintln!("{w}"));
                let mut result = client_json(&answer);
                result.insert("backend".into(), json!(backend));
                result.insert("model_id".into(), json!(v.model_id));
                result.insert("opened".into(), opened_json(&v.opened));
                result.insert("inferences".into(), json!(v.inferences));
                result.insert("input_checked".into(), json!(self.input.is_some()));
                self.report(0, "valid", "the proof is valid", Some(Value::Object(result)))
            }
            Ok((_, record, v)) => {
                let answer = Answer::new(&v, &record);
                answer.warnings(&record).iter().for_each(|w| eprintln!("{w}"));
                println!("valid: {}", json!(v.output_float));
                println!("opened: {}", v.opened);
                for line in client_text(&answer) {
                    println!("{line}");
                }
                if let Some(input) = &self.input {
                    println!("input check: {} is the proven input ({} values)", input.display(), v.input.len());
                }
                0
            }
            Err((code, status, reason)) => self.report(code, status, &reason, None),
        }
    }

    /// Reads, parses and verifies; with `--input`, checks the proof answers it. The
    /// bundle's backend, the record and the verdict.
    fn run_one(&self) -> Result<(String, CommitmentRecord, Verified), Refusal> {
        let proof = self.proof.as_ref().expect("clap requires PROOF or --batch");
        let read = |p: &PathBuf| read_limited(p, MAX_BYTES).map_err(|e| (2, "unreadable", format!("{e:#}")));
        let (vk, record, bundle) = (read(&self.vk)?, read(&self.commitment)?, read(proof)?);
        let files = Files { vk: &self.vk, record: &self.commitment, bundle: proof };
        let malformed = |reason| (2, "malformed", reason);
        files.check_key(&vk).map_err(malformed)?;
        let record: CommitmentRecord =
            serde_json::from_slice(&record).map_err(|e| malformed(files.not_a_record(&record, &bundle, e)))?;
        let bundle: ProofBundle =
            serde_json::from_slice(&bundle).map_err(|e| malformed(files.not_a_bundle(&bundle, e)))?;
        let verified = if bundle.backend == BACKEND_HALO2 {
            Halo2Verifier::new(&vk, &record).and_then(|v| v.verify(&bundle))
        } else {
            verify(&vk, &record, &bundle)
        }
        .map_err(refusal)?;
        if let Some(path) = &self.input {
            check_input(path, &verified)?;
        }
        Ok((bundle.backend, record, verified))
    }

    fn report(&self, code: i32, status: &str, reason: &str, detail: Option<Value>) -> i32 {
        if self.json {
            let mut out = json!({ "status": status, "valid": code == 0, "reason": reason });
            if let Some(d) = detail {
                out["result"] = d;
            }
            println!("{out}");
        } else {
            eprintln!("{status}: {reason}");
        }
        code
    }
}

/// The paths of the three files, to name a mix-up of them.
struct Files<'a> {
    vk: &'a Path,
    record: &'a Path,
    bundle: &'a Path,
}

const ORDER: &str = "the order is zkseal verify --vk VERIFYING_KEY --commitment RECORD BUNDLE";

impl Files<'_> {
    /// Refuses a `--vk` that is recognisably another kind of file (a key's own format
    /// errors are the verifier's to report).
    fn check_key(&self, vk: &[u8]) -> Result<(), String> {
        match FileKind::of(vk) {
            FileKind::VerifyingKey | FileKind::Halo2Key | FileKind::Unknown => Ok(()),
            FileKind::ProvingKey => Err(format!(
                "{} (--vk) is a Groth16 proving key; pass the verifying key, verifying.key in the same directory",
                self.vk.display()
            )),
            kind => Err(format!("{} (--vk) is {}, not a verifying key; {ORDER}", self.vk.display(), kind.describe())),
        }
    }

    /// Why the `--commitment` file is not a record: another kind of file when it is one.
    fn not_a_record(&self, record: &[u8], bundle: &[u8], e: serde_json::Error) -> String {
        let path = self.record.display();
        match FileKind::of(record) {
            FileKind::Record | FileKind::Unknown => format!("{path}: malformed commitment record: {e}"),
            FileKind::Bundle if FileKind::of(bundle) == FileKind::Record => format!(
                "{path} (--commitment) is a proof bundle and {} a commitment record: they are swapped; {ORDER}",
                self.bundle.display()
            ),
            kind => format!("{path} (--commitment) is {}, not a commitment record; {ORDER}", kind.describe()),
        }
    }

    /// Why the positional file is not a bundle: another kind of file when it is one.
    fn not_a_bundle(&self, bundle: &[u8], e: serde_json::Error) -> String {
        let path = self.bundle.display();
        match FileKind::of(bundle) {
            FileKind::Bundle | FileKind::Unknown => format!("{path}: malformed proof bundle: {e}"),
            FileKind::Proofs => {
                format!("{path} holds proofs one per line (what `prove --batch` writes): verify it with --batch {path}")
            }
            kind => format!("{path} is {}, not a proof bundle; {ORDER}", kind.describe()),
        }
    }
}

/// Checks that the input file at `path` is the query `v` answers: read as `prove --input`
/// reads it, quantized by the model's rule, equal to the proven input integers.
fn check_input(path: &Path, v: &Verified) -> Result<(), Refusal> {
    let at = path.display();
    let bytes = read_limited(path, MAX_INPUT_BYTES).map_err(|e| (2, "unreadable", format!("{e:#}")))?;
    let text = String::from_utf8(bytes).map_err(|_| (2, "malformed", format!("{at} is not UTF-8 text")))?;
    let n = v.input.len() / v.inferences as usize;
    let values =
        if v.inferences == 1 { parse_input(&text) } else { parse_samples(&text, n).map(|samples| samples.concat()) }
            .map_err(|e| (2, "malformed", format!("{at}: {e}")))?;
    let Err(VerifyError::InputMismatch { index, given, expected }) = v.check_input(&values) else {
        return Ok(());
    };
    let per = if v.inferences > 1 { format!(" (inference {}, value {})", index / n, index % n) } else { String::new() };
    let count = format!("{at} has {given} values, the proof's input {expected} ({} inference(s) of {n})", v.inferences);
    let reason = match values.get(index) {
        Some(&x) if index < expected => {
            let q = quantize_value(x, v.input_scale).map_or("no integer".into(), |q| q.to_string());
            let count = if given == expected { String::new() } else { format!("; and {count}") };
            format!(
                "the proof answers another input: {at} value {index}{per} is {x}, which quantizes to {q} \
                 (⌊v·2^{} + ½⌋), the proof's input is {}{count}; ask for a proof of this input",
                v.input_scale, v.input[index]
            )
        }
        _ => format!("the proof answers another input: {count}; give every inference's input, in order"),
    };
    Err((1, "invalid", reason))
}

/// Largest batch file read.
const MAX_BATCH_BYTES: usize = 1 << 30;

/// Each line of a batch file: its number and its bundle, or why it is unreadable.
type BatchLines = Vec<(usize, Result<ProofBundle, String>)>;

impl Verify {
    fn run_batch(&self, batch: &PathBuf) -> i32 {
        // Exit codes as for one proof: an unreadable file or a malformed key or record
        // is 2, a key and record that do not belong together is 1 for every line.
        let loaded = (|| -> Result<(AnyVerifier, CommitmentRecord, BatchLines), Refusal> {
            let read = |p: &PathBuf, limit| read_limited(p, limit).map_err(|e| (2, "unreadable", format!("{e:#}")));
            let files = Files { vk: &self.vk, record: &self.commitment, bundle: batch };
            let (record, key) = (read(&self.commitment, MAX_BYTES)?, read(&self.vk, MAX_BYTES)?);
            files.check_key(&key).map_err(|reason| (2, "malformed", reason))?;
            let record: CommitmentRecord = serde_json::from_slice(&record).map_err(|e| {
                let reason = match FileKind::of(&record) {
                    FileKind::Record | FileKind::Unknown => {
                        format!("{}: malformed commitment record: {e}", self.commitment.display())
                    }
                    kind => format!(
                        "{} (--commitment) is {}, not a commitment record; the order is zkseal verify \
                         --vk VERIFYING_KEY --commitment RECORD --batch PROOFS",
                        self.commitment.display(),
                        kind.describe()
                    ),
                };
                (2, "malformed", reason)
            })?;
            let verifier = if key.starts_with(zkseal_halo2::keys::MAGIC) {
                AnyVerifier::Halo2(Box::new(Halo2Verifier::new(&key, &record).map_err(refusal)?))
            } else {
                AnyVerifier::Groth16(Box::new(Verifier::new(&key, &record).map_err(refusal)?))
            };
            let bytes = read(batch, MAX_BATCH_BYTES)?;
            let kind = FileKind::of(&bytes);
            // One pretty-printed bundle, or any other single file, is not a JSONL of proofs
            // (a bundle on one line is: a batch of one).
            let one_bundle = kind == FileKind::Bundle && bytes.iter().filter(|&&b| b == b'\n').count() > 1;
            if one_bundle || !matches!(kind, FileKind::Bundle | FileKind::Proofs | FileKind::Unknown) {
                let hint = if one_bundle { "; verify it without --batch" } else { "" };
                return Err((
                    2,
                    "malformed",
                    format!("{} (--batch) is {}, not proofs one per line{hint}", batch.display(), kind.describe()),
                ));
            }
            let text =
                String::from_utf8(bytes).map_err(|_| (2, "malformed", format!("{} is not UTF-8", batch.display())))?;
            let lines = text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(i, l)| (i + 1, bundle_of(l)))
                .collect();
            Ok((verifier, record, lines))
        })();
        let (verifier, record, lines) = match loaded {
            Ok(x) => x,
            Err((code, status, reason)) => return self.report(code, status, &reason, None),
        };
        let bundles: Vec<ProofBundle> = lines.iter().filter_map(|(_, b)| b.as_ref().ok().cloned()).collect();
        let mut verdicts = match &verifier {
            AnyVerifier::Groth16(v) => v.verify_batch(&bundles),
            // One derived key for the whole file; each proof checked on its own.
            AnyVerifier::Halo2(v) => bundles.iter().map(|b| v.verify(b)).collect::<Vec<_>>(),
        }
        .into_iter();
        let (mut valid, mut invalid, mut malformed) = (0, 0, 0);
        let mut opened = None;
        // The record's claims that cannot be shown are named once, at the first valid line.
        let mut warned = false;
        for (line, bundle) in &lines {
            let verdict = match bundle {
                Err(e) => Err(("malformed", e.clone())),
                Ok(_) => verdicts
                    .next()
                    .expect("one verdict per bundle")
                    .map_err(|e| (if e.is_malformed() { "malformed" } else { "invalid" }, e.to_string())),
            };
            match &verdict {
                Ok(v) => {
                    valid += 1;
                    opened = Some(v.opened.clone());
                }
                Err(("malformed", _)) => malformed += 1,
                Err(_) => invalid += 1,
            }
            if self.json {
                let out = match &verdict {
                    Ok(v) => {
                        let answer = Answer::new(v, &record);
                        if !warned {
                            answer.warnings(&record).iter().for_each(|w| eprintln!("{w}"));
                            warned = true;
                        }
                        let mut out = client_json(&answer);
                        out.extend([
                            ("line".into(), json!(line)),
                            ("status".into(), json!("valid")),
                            ("valid".into(), json!(true)),
                            ("reason".into(), json!("the proof is valid")),
                            ("opened".into(), opened_json(&v.opened)),
                            ("inferences".into(), json!(v.inferences)),
                        ]);
                        Value::Object(out)
                    }
                    Err((status, reason)) => {
                        json!({ "line": line, "status": status, "valid": false, "reason": reason })
                    }
                };
                println!("{out}");
            } else if let Err((status, reason)) = &verdict {
                eprintln!("line {line}: {status}: {reason}");
            }
        }
        if !self.json {
            println!("{valid} valid, {invalid} invalid, {malformed} malformed");
            if let Some(o) = &opened {
                println!("opened: {o}");
            }
        }
        if malformed > 0 {
            2
        } else if invalid > 0 || valid == 0 {
            1
        } else {
            0
        }
    }
}

/// `{"field": …, "value": …}`: the record field a proof opened and its value.
fn opened_json(o: &Opened) -> Value {
    json!({ "field": o.field(), "value": o.value() })
}

/// The verifier a batch's key calls for.
enum AnyVerifier {
    Groth16(Box<Verifier>),
    Halo2(Box<Halo2Verifier>),
}

/// A batch line: a bundle, or `prove --batch`'s `{"line", "bundle"}` / `{"line", "error"}`.
fn bundle_of(line: &str) -> Result<ProofBundle, String> {
    let v: Value = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    if let Some(e) = v.get("error").and_then(|e| e.as_str()) {
        return Err(format!("no proof: {e}"));
    }
    let bundle = v.get("bundle").cloned().unwrap_or(v);
    serde_json::from_value(bundle).map_err(|e| format!("malformed proof bundle: {e}"))
}

/// A probability function on one inference's outputs, and its name.
type Head = (&'static str, fn(&[f64]) -> Vec<f64>);

/// What a valid proof says, in the terms a client reads: the proven values dequantized
/// with the key's scales, each inference's argmax and label or value, and the head's
/// probabilities (computed here from the proven outputs, not proven).
struct Answer<'a> {
    v: &'a Verified,
    /// One inference's output count.
    n_out: usize,
    /// The record's labels, when there is one per class.
    labels: Option<&'a [String]>,
    head: Option<Head>,
    /// One logit read by a Sigmoid: class 1 when it is above 0.
    binary: bool,
}

impl<'a> Answer<'a> {
    fn new(v: &'a Verified, record: &'a CommitmentRecord) -> Self {
        let n_out = v.output.len() / v.inferences as usize;
        let head = match record.head.as_deref() {
            Some("Softmax" | "LogSoftmax") => Some(("softmax", softmax as fn(&[f64]) -> Vec<f64>)),
            Some("Sigmoid") => Some(("sigmoid", sigmoid as fn(&[f64]) -> Vec<f64>)),
            _ => None,
        };
        let binary = n_out == 1 && record.head.as_deref() == Some("Sigmoid");
        let classes = if binary { 2 } else { n_out };
        let labels = (record.labels.len() == classes).then_some(record.labels.as_slice());
        Answer { v, n_out, labels, head, binary }
    }

    /// What of `record`'s claims this answer leaves out, and why (for stderr, once).
    fn warnings(&self, record: &CommitmentRecord) -> Vec<String> {
        let mut out = Vec::new();
        if !record.labels.is_empty() && self.labels.is_none() {
            let classes = if self.binary {
                "binary classifier's 2 classes".to_string()
            } else {
                format!("model's {} outputs", self.n_out)
            };
            out.push(format!(
                "warning: the record has {} labels for the {classes}, so no label is shown; ask the owner to \
                 commit again",
                record.labels.len(),
            ));
        }
        if let (Some(head), None) = (&record.head, self.head) {
            out.push(format!(
                "warning: the record names the head '{head}', which verify does not apply (it applies Softmax, \
                 LogSoftmax and Sigmoid), so no probability is shown"
            ));
        }
        out
    }

    fn outputs(&self) -> std::slice::Chunks<'_, f64> {
        self.v.output_float.chunks(self.n_out.max(1))
    }

    /// Each inference's argmax: the lowest index of its largest output integer.
    fn argmax(&self) -> Vec<usize> {
        self.v.output.chunks(self.n_out.max(1)).map(|o| (0..o.len()).rev().max_by_key(|&i| o[i]).unwrap_or(0)).collect()
    }

    /// A binary classifier's class per inference: 1 when its logit's integer is above 0.
    fn class(&self) -> Vec<usize> {
        self.v.output.iter().map(|&q| usize::from(q > 0)).collect()
    }

    fn input(&self) -> Vec<f64> {
        let unit = 2f64.powi(-self.v.input_scale);
        self.v.input.iter().map(|&q| q as f64 * unit).collect()
    }

    fn probability(&self) -> Option<(&'static str, Vec<f64>)> {
        let (name, f) = self.head?;
        Some((name, self.outputs().flat_map(f).collect()))
    }
}

fn softmax(x: &[f64]) -> Vec<f64> {
    let max = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = x.iter().map(|&v| (v - max).exp()).collect();
    let sum: f64 = e.iter().sum();
    e.iter().map(|&v| v / sum).collect()
}

fn sigmoid(x: &[f64]) -> Vec<f64> {
    x.iter().map(|&v| 1.0 / (1.0 + (-v).exp())).collect()
}

/// The client fields of `verify --json`'s `result` and of each valid `--batch --json` line.
fn client_json(a: &Answer<'_>) -> Map<String, Value> {
    let v = a.v;
    let mut out = Map::new();
    out.insert("output".into(), json!(v.output_float));
    out.insert("output_int".into(), json!(v.output));
    out.insert("input".into(), json!(a.input()));
    out.insert("input_int".into(), json!(v.input));
    out.insert("input_scale".into(), json!(v.input_scale));
    if a.n_out == 1 {
        out.insert("value".into(), json!(v.output_float));
        if a.binary {
            let class = a.class();
            if let Some(labels) = a.labels {
                out.insert("label".into(), json!(class.iter().map(|&i| &labels[i]).collect::<Vec<_>>()));
            }
            out.insert("class".into(), json!(class));
        }
    } else {
        let argmax = a.argmax();
        if let Some(labels) = a.labels {
            out.insert("label".into(), json!(argmax.iter().map(|&i| &labels[i]).collect::<Vec<_>>()));
        }
        out.insert("argmax".into(), json!(argmax));
    }
    if let Some((function, values)) = a.probability() {
        out.insert("probability".into(), json!({ "function": function, "values": values, "proven": false }));
    }
    out
}

/// The lines `verify` prints after `valid:` and `opened:`; with several inferences per
/// proof, each line is prefixed `inference K: `.
fn client_text(a: &Answer<'_>) -> Vec<String> {
    let v = a.v;
    let b = v.inferences as usize;
    let n_in = v.input.len() / b;
    let (input, argmax, probability) = (a.input(), a.argmax(), a.probability());
    let mut lines = Vec::new();
    for (k, output) in a.outputs().enumerate() {
        let at = if b > 1 { format!("inference {k}: ") } else { String::new() };
        lines.push(format!("{at}input: {}", json!(input[k * n_in..(k + 1) * n_in])));
        let i = argmax[k];
        if a.n_out == 1 {
            lines.push(format!("{at}value: {}", output[0]));
            if a.binary {
                let c = usize::from(v.output[k] > 0);
                let label = a.labels.map_or(String::new(), |l| format!(" (label {})", json!(l[c])));
                lines.push(format!("{at}class: {c}{label} (the logit's sign)"));
            }
        } else {
            let label = a.labels.map_or(String::new(), |l| format!(" (label {})", json!(l[i])));
            lines.push(format!("{at}argmax: {i}{label}"));
        }
        if let Some((function, p)) = &probability {
            let p = &p[k * a.n_out..(k + 1) * a.n_out];
            let shown = match (*function, a.n_out) {
                (_, 1) => format!("{:.4} ({function} of the output", p[0]),
                ("softmax", _) => format!("{:.4} ({function} of the outputs, at the argmax", p[i]),
                _ => format!(
                    "[{}] ({function} of each output",
                    p.iter().map(|x| format!("{x:.4}")).collect::<Vec<_>>().join(", ")
                ),
            };
            lines.push(format!("{at}probability: {shown}; computed here from the proven outputs, not proven)"));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verified(inferences: u32, output: Vec<i64>, output_scale: i32) -> Verified {
        let output_float = output.iter().map(|&q| q as f64 * 2f64.powi(-output_scale)).collect();
        Verified {
            model_id: "m".into(),
            opened: Opened::Commitment("1".into()),
            inferences,
            input: (0..2 * inferences as i64).collect(),
            input_scale: 2,
            output,
            output_float,
        }
    }

    fn record(labels: &[&str], head: Option<&str>) -> CommitmentRecord {
        CommitmentRecord {
            format_version: 3,
            scheme: "poseidon-bn254-circom-v1".into(),
            model_id: "m".into(),
            architecture_digest: "a".into(),
            commitment: "1".into(),
            commitment_point: None,
            vk_digest: None,
            commitment_pallas: None,
            labels: labels.iter().map(|l| l.to_string()).collect(),
            head: head.map(str::to_string),
        }
    }

    #[test]
    fn a_classifier_shows_argmax_label_and_softmax_per_inference() {
        // Two inferences of three outputs; the first has a tie (lowest index wins).
        let v = verified(2, vec![4, 4, 0, -1, 0, 8], 2);
        let r = record(&["cat", "dog", "eel"], Some("Softmax"));
        let a = Answer::new(&v, &r);
        assert!(a.warnings(&r).is_empty());
        let j = Value::Object(client_json(&a));
        assert_eq!(j["argmax"], json!([0, 2]));
        assert_eq!(j["label"], json!(["cat", "eel"]));
        assert_eq!(j["input"], json!([0.0, 0.25, 0.5, 0.75]));
        assert_eq!(j["input_int"], json!([0, 1, 2, 3]));
        assert_eq!(j["probability"]["function"], "softmax");
        assert_eq!(j["probability"]["proven"], false);
        let p: Vec<f64> = serde_json::from_value(j["probability"]["values"].clone()).unwrap();
        assert_eq!(p.len(), 6);
        assert!((p[..3].iter().sum::<f64>() - 1.0).abs() < 1e-12 && (p[3..].iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!((p[0] - p[1]).abs() < 1e-15 && p[0] > p[2]);
        assert!(j.get("value").is_none());
        let t = client_text(&a);
        assert_eq!(t[0], "inference 0: input: [0.0,0.25]");
        assert_eq!(t[1], "inference 0: argmax: 0 (label \"cat\")");
        assert!(
            t[2].starts_with("inference 0: probability: 0.4223 (softmax of the outputs, at the argmax;"),
            "{}",
            t[2]
        );
        assert!(t[2].ends_with("not proven)"), "{}", t[2]);
        assert_eq!(t[4], "inference 1: argmax: 2 (label \"eel\")");
    }

    #[test]
    fn one_output_shows_its_value_and_sigmoid() {
        let v = verified(1, vec![-4], 2);
        let r = record(&[], Some("Sigmoid"));
        let a = Answer::new(&v, &r);
        let j = Value::Object(client_json(&a));
        assert_eq!(j["value"], json!([-1.0]));
        assert_eq!(j["class"], json!([0]));
        assert!(j.get("argmax").is_none() && j.get("label").is_none());
        assert_eq!(j["probability"]["values"], json!([1.0 / (1.0 + 1f64.exp())]));
        assert_eq!(
            client_text(&a),
            [
                "input: [0.0,0.25]",
                "value: -1",
                "class: 0 (the logit's sign)",
                "probability: 0.2689 (sigmoid of the output; computed here from the proven outputs, not proven)"
            ]
        );
        // A regression (no Sigmoid head) has a value and no class.
        let r = record(&[], None);
        let j = Value::Object(client_json(&Answer::new(&v, &r)));
        assert!(j.get("class").is_none() && j.get("probability").is_none(), "{j}");
    }

    #[test]
    fn a_binary_classifier_names_its_class_per_inference() {
        // A logit of exactly 0 is class 0, as in `infer` and `evaluate`.
        let v = verified(3, vec![3, 0, -2], 1);
        let r = record(&["stay", "churn"], Some("Sigmoid"));
        let a = Answer::new(&v, &r);
        assert!(a.warnings(&r).is_empty());
        let j = Value::Object(client_json(&a));
        assert_eq!((&j["class"], &j["label"]), (&json!([1, 0, 0]), &json!(["churn", "stay", "stay"])));
        let t = client_text(&a);
        assert_eq!(t[2], "inference 0: class: 1 (label \"churn\") (the logit's sign)");
        assert_eq!(t[6], "inference 1: class: 0 (label \"stay\") (the logit's sign)");
        let one = record(&["churn"], Some("Sigmoid"));
        let w = Answer::new(&v, &one).warnings(&one);
        assert!(w.len() == 1 && w[0].contains("1 labels for the binary classifier's 2 classes"), "{w:?}");
    }

    #[test]
    fn claims_that_cannot_be_shown_are_left_out_with_a_warning() {
        let v = verified(1, vec![1, 2], 0);
        for (r, warning) in [
            (record(&["only one"], None), "1 labels for the model's 2 outputs"),
            (record(&[], Some("Hardmax")), "the head 'Hardmax'"),
        ] {
            let a = Answer::new(&v, &r);
            let w = a.warnings(&r);
            assert!(w.len() == 1 && w[0].contains(warning), "{w:?}");
            let j = Value::Object(client_json(&a));
            assert!(j.get("label").is_none() && j.get("probability").is_none(), "{j}");
            assert_eq!(j["argmax"], json!([1]));
        }
        let plain = record(&[], None);
        let a = Answer::new(&v, &plain);
        assert!(a.warnings(&plain).is_empty());
        assert_eq!(client_text(&a), ["input: [0.0,0.25]", "argmax: 1"]);
    }
}
