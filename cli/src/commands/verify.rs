//! `zkseal verify --vk VERIFYING_KEY --commitment COMMITMENT.json PROOF.json [--input INPUT.json] [--json]`
//! `zkseal verify --vk … --commitment … --batch PROOFS.jsonl [--json]`
//!
//! Exit 0: valid (every proof, for --batch) and, with --input, about that input. Exit 1:
//! invalid (any mismatch of proof, public values, commitment, key, or another input).
//! Exit 2: a file is unreadable or malformed.

use std::path::{Path, PathBuf};

use clap::Args;
use serde_json::{json, Value};
use zkseal_core::input::{parse_input, parse_samples};
use zkseal_verifier::{quantize_value, CommitmentRecord, Opened, ProofBundle, Verified, VerifyError};

use super::FileKind;
use crate::files::{read_limited, MAX_INPUT_BYTES};
use answer::{client_json, client_text, Answer};
use zkseal_prover::backend::{Backend, BundleVerifier};

mod answer;

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
        let verified = any_verifier(&vk, &record).and_then(|v| v.verify(&bundle)).map_err(refusal)?;
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
        let loaded = (|| -> Result<(Box<dyn BundleVerifier>, CommitmentRecord, BatchLines), Refusal> {
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
            let verifier = any_verifier(&key, &record).map_err(refusal)?;
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
        let mut verdicts = verifier.verify_batch(&bundles).into_iter();
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

/// A batch line: a bundle, or `prove --batch`'s `{"line", "bundle"}` / `{"line", "error"}`.
fn bundle_of(line: &str) -> Result<ProofBundle, String> {
    let v: Value = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    if let Some(e) = v.get("error").and_then(|e| e.as_str()) {
        return Err(format!("no proof: {e}"));
    }
    let bundle = v.get("bundle").cloned().unwrap_or(v);
    serde_json::from_value(bundle).map_err(|e| format!("malformed proof bundle: {e}"))
}

/// The verifier of the backend the key belongs to (the key decides, not the bundle).
fn any_verifier(key: &[u8], record: &CommitmentRecord) -> Result<Box<dyn BundleVerifier>, VerifyError> {
    Backend::of_key(key).system().verifier(key, record)
}
