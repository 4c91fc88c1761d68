//! Batch proving: every line of a JSONL input file, in parallel, into a JSONL proof
//! file, resumable and crash-safe.
//!
//! Inputs stream in chunks of a few lines per core; each chunk is proved in parallel
//! (rayon) with the one shared proving key, then appended in line order, one whole
//! line per `write`, and synced. Memory does not grow with the file. A re-run reads
//! the proofs file, skips the lines already there, and cuts a torn last line (a run
//! killed mid-write) before appending.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;

use rand::rngs::OsRng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use zkseal_circuits::input::parse_jsonl_line;
use zkseal_verifier::ProofBundle;

use crate::prove::Prover;
use crate::ProverError;

/// Lines proved per core between two syncs of the output.
const LINES_PER_CORE: usize = 2;

/// One line of a proofs file: the input line it answers, and its proof or why none.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchLine {
    pub line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bundle: Option<ProofBundle>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What a batch run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BatchSummary {
    /// Lines already in the proofs file when the run started.
    pub skipped: usize,
    pub proved: usize,
    /// Lines whose input could not be proved (bad JSON, out of range); recorded as
    /// `error` lines, not retried on resume.
    pub failed: usize,
}

/// Proves every input line not yet in `output`; `progress(done, total)` after each chunk.
pub fn prove_batch(
    prover: &Prover,
    inputs: &Path,
    output: &Path,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<BatchSummary, ProverError> {
    let io = |what: &'static str| move |e: std::io::Error| ProverError::Io { what, reason: e.to_string() };
    let done = resume(output, prover)?;
    // A first streaming pass counts the inputs, so progress can show an ETA.
    let total = BufReader::new(File::open(inputs).map_err(io("the inputs"))?)
        .lines()
        .map(|l| l.map(|l| !l.trim().is_empty()))
        .filter(|l| !matches!(l, Ok(false)))
        .count();
    let mut out = OpenOptions::new().create(true).append(true).open(output).map_err(io("the proofs file"))?;
    let mut summary = BatchSummary { skipped: done.len(), ..Default::default() };
    let chunk = LINES_PER_CORE * rayon::current_num_threads().max(1);
    let mut pending: Vec<(usize, String)> = Vec::with_capacity(chunk);
    let reader = BufReader::new(File::open(inputs).map_err(io("the inputs"))?);
    let mut lines = reader.lines().enumerate().peekable();
    progress(done.len(), total);
    while lines.peek().is_some() {
        pending.clear();
        for (i, line) in lines.by_ref() {
            let line_no = i + 1;
            let text = line.map_err(io("the inputs"))?;
            if text.trim().is_empty() || done.contains(&line_no) {
                continue;
            }
            pending.push((line_no, text));
            if pending.len() == chunk {
                break;
            }
        }
        let results: Vec<BatchLine> = pending
            .par_iter()
            .map(|(line, text)| {
                let proved = parse_jsonl_line(text, *line)
                    .map_err(|e| e.to_string())
                    .and_then(|x| prover.prove(&x, &mut OsRng).map_err(|e| e.to_string()));
                match proved {
                    Ok(b) => BatchLine { line: *line, bundle: Some(b), error: None },
                    Err(e) => BatchLine { line: *line, bundle: None, error: Some(e) },
                }
            })
            .collect();
        for r in &results {
            let mut text = serde_json::to_string(r).expect("serializable");
            text.push('\n');
            // One write per line: a kill leaves at most a torn last line, which the
            // next run cuts.
            out.write_all(text.as_bytes()).map_err(io("the proofs file"))?;
            if r.bundle.is_some() {
                summary.proved += 1;
            } else {
                summary.failed += 1;
            }
        }
        out.sync_data().map_err(io("the proofs file"))?;
        progress(summary.skipped + summary.proved + summary.failed, total);
    }
    Ok(summary)
}

/// The input lines `output` already answers, after cutting a torn last line. Refuses
/// a proofs file of another model, key or commitment, or with a damaged line before
/// the last.
fn resume(output: &Path, prover: &Prover) -> Result<HashSet<usize>, ProverError> {
    let model_id = prover.model_id();
    let io = |e: std::io::Error| ProverError::Io { what: "the proofs file", reason: e.to_string() };
    let mut done = HashSet::new();
    let mut file = match OpenOptions::new().read(true).write(true).open(output) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(done),
        Err(e) => return Err(io(e)),
    };
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(io)?;
    let mut keep = 0usize;
    let mut rest = bytes.as_slice();
    while let Some(end) = rest.iter().position(|&b| b == b'\n') {
        let line: BatchLine = serde_json::from_slice(&rest[..end]).map_err(|e| ProverError::Malformed {
            what: "proofs file",
            reason: format!(
                "line {} is damaged ({e}); it is not a torn last line, so nothing is overwritten",
                done.len() + 1
            ),
        })?;
        if let Some(b) = &line.bundle {
            if b.model_id != model_id {
                return Err(ProverError::ProofsFileMismatch { found: b.model_id.clone(), model: model_id.to_string() });
            }
            if !prover.made(b) {
                return Err(ProverError::Malformed {
                    what: "proofs file",
                    reason: format!(
                        "line {} holds a proof for another key or commitment of this model; use another output file",
                        done.len() + 1
                    ),
                });
            }
        }
        done.insert(line.line);
        keep += end + 1;
        rest = &rest[end + 1..];
    }
    if keep != bytes.len() {
        // A torn last line: cut it; its input is proved again.
        file.set_len(keep as u64).map_err(io)?;
        file.seek(SeekFrom::End(0)).map_err(io)?;
    }
    Ok(done)
}
