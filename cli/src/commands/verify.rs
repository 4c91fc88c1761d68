//! `zkseal verify --vk VERIFYING_KEY --commitment COMMITMENT.json PROOF.json [--json]`
//! `zkseal verify --vk … --commitment … --batch PROOFS.jsonl [--json]`
//!
//! Exit 0: valid (every proof, for --batch). Exit 1: invalid (any mismatch of proof,
//! public values, commitment, key). Exit 2: a file is unreadable or malformed.

use std::path::PathBuf;

use clap::Args;
use serde_json::json;
use zkseal_halo2::verify::Halo2Verifier;
use zkseal_halo2::BACKEND_HALO2;
use zkseal_verifier::{verify, CommitmentRecord, Opened, ProofBundle, Verified, Verifier, VerifyError};

use crate::files::read_limited;

/// Largest verifying key, record or bundle read.
const MAX_BYTES: usize = 64 << 20;

#[derive(Args)]
pub struct Verify {
    /// The verifying key.
    #[arg(long)]
    vk: PathBuf,
    /// The model's public commitment record.
    #[arg(long)]
    commitment: PathBuf,
    /// The proof bundle.
    #[arg(required_unless_present = "batch", conflicts_with = "batch")]
    proof: Option<PathBuf>,
    /// Many proofs of this model (JSONL: bundles, or the lines `prove --batch` writes),
    /// checked together (one pairing product; bad proofs named by bisection).
    #[arg(long)]
    batch: Option<PathBuf>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

impl Verify {
    /// The process exit code.
    pub fn run(self) -> i32 {
        if let Some(batch) = &self.batch {
            return self.run_batch(batch);
        }
        let read = |p: &PathBuf| read_limited(p, MAX_BYTES).map_err(|e| format!("{e:#}"));
        let proof = self.proof.clone().expect("clap requires PROOF or --batch");
        let files = read(&self.vk).and_then(|vk| Ok((vk, read(&self.commitment)?, read(&proof)?)));
        let (vk, record, bundle) = match files {
            Ok(f) => f,
            Err(e) => return self.report(2, "unreadable", &e, None),
        };
        match verify_any(&vk, &record, &bundle) {
            Ok((backend, v)) if self.json => {
                self.report(0, "valid", "the proof is valid", Some(verdict_json(&backend, &v)))
            }
            Ok((_, v)) => {
                println!("valid: {}", json!(v.output_float));
                println!("opened: {}", v.opened);
                0
            }
            Err(e) => self.refused(e),
        }
    }

    fn refused(&self, e: VerifyError) -> i32 {
        if e.is_malformed() {
            self.report(2, "malformed", &e.to_string(), None)
        } else {
            self.report(1, "invalid", &e.to_string(), None)
        }
    }

    fn report(&self, code: i32, status: &str, reason: &str, detail: Option<serde_json::Value>) -> i32 {
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

/// Largest batch file read.
const MAX_BATCH_BYTES: usize = 1 << 30;

/// Each line of a batch file: its number and its bundle, or why it is unreadable.
type BatchLines = Vec<(usize, Result<ProofBundle, String>)>;

impl Verify {
    fn run_batch(&self, batch: &PathBuf) -> i32 {
        // Exit codes as for one proof: an unreadable file or a malformed key or record
        // is 2, a key and record that do not belong together is 1 for every line.
        let loaded = (|| -> Result<(AnyVerifier, BatchLines), (i32, &'static str, String)> {
            let read = |p: &PathBuf, limit| read_limited(p, limit).map_err(|e| (2, "unreadable", format!("{e:#}")));
            let refused = |e: VerifyError| {
                if e.is_malformed() {
                    (2, "malformed", e.to_string())
                } else {
                    (1, "invalid", e.to_string())
                }
            };
            let record: CommitmentRecord =
                serde_json::from_slice(&read(&self.commitment, MAX_BYTES)?).map_err(|e| {
                    (2, "malformed", format!("{}: malformed commitment record: {e}", self.commitment.display()))
                })?;
            let key = read(&self.vk, MAX_BYTES)?;
            let verifier = if key.starts_with(zkseal_halo2::keys::MAGIC) {
                AnyVerifier::Halo2(Box::new(Halo2Verifier::new(&key, &record).map_err(refused)?))
            } else {
                AnyVerifier::Groth16(Box::new(Verifier::new(&key, &record).map_err(refused)?))
            };
            let text = String::from_utf8(read(batch, MAX_BATCH_BYTES)?)
                .map_err(|_| (2, "malformed", format!("{} is not UTF-8", batch.display())))?;
            let lines = text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(i, l)| (i + 1, bundle_of(l)))
                .collect();
            Ok((verifier, lines))
        })();
        let (verifier, lines) = match loaded {
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
                    Ok(v) => json!({
                        "line": line, "status": "valid", "valid": true, "reason": "the proof is valid",
                        "opened": opened_json(&v.opened),
                    }),
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

/// Parses the record and the bundle once; the bundle's `backend` decides which verifier
/// checks it. The backend's name and the verdict.
fn verify_any(vk: &[u8], record: &[u8], bundle: &[u8]) -> Result<(String, Verified), VerifyError> {
    let malformed = |what, e: serde_json::Error| VerifyError::Malformed { what, reason: e.to_string() };
    let record: CommitmentRecord = serde_json::from_slice(record).map_err(|e| malformed("commitment record", e))?;
    let bundle: ProofBundle = serde_json::from_slice(bundle).map_err(|e| malformed("proof bundle", e))?;
    let verified = if bundle.backend == BACKEND_HALO2 {
        Halo2Verifier::new(vk, &record)?.verify(&bundle)?
    } else {
        verify(vk, &record, &bundle)?
    };
    Ok((bundle.backend, verified))
}

/// `verify --json`'s `result`: what the proof established, and the one commitment of
/// the record it opened (`specs/trust-model.md` §4).
fn verdict_json(backend: &str, v: &Verified) -> serde_json::Value {
    json!({
        "model_id": v.model_id,
        "backend": backend,
        "opened": opened_json(&v.opened),
        "inferences": v.inferences,
        "output": v.output_float,
        "output_int": v.output,
    })
}

/// `{"field": …, "value": …}`: the record field a proof opened and its value.
fn opened_json(o: &Opened) -> serde_json::Value {
    json!({ "field": o.field(), "value": o.value() })
}

/// The verifier a batch's key calls for.
enum AnyVerifier {
    Groth16(Box<Verifier>),
    Halo2(Box<Halo2Verifier>),
}

/// A batch line: a bundle, or `prove --batch`'s `{"line", "bundle"}` / `{"line", "error"}`.
fn bundle_of(line: &str) -> Result<ProofBundle, String> {
    let v: serde_json::Value = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    if let Some(e) = v.get("error").and_then(|e| e.as_str()) {
        return Err(format!("no proof: {e}"));
    }
    let bundle = v.get("bundle").cloned().unwrap_or(v);
    serde_json::from_value(bundle).map_err(|e| format!("malformed proof bundle: {e}"))
}
