//! Batch proving: every line of a JSONL input file, in parallel, into a JSONL proof
//! file, resumable and crash-safe.
//!
//! Inputs stream in chunks of a few proofs per core; each chunk is proved in parallel
//! (rayon) with the one shared proving key, then appended in input order, one whole
//! line per `write`, and synced. Memory does not grow with the file. A re-run reads
//! the proofs file, skips the inputs already there, and cuts a torn last line (a run
//! killed mid-write) before appending. With a key of `B > 1` inferences per proof,
//! consecutive groups of `B` non-empty input lines share a proof. A run that can last
//! hours can be stopped between chunks (a deadline, a signal): what is written stays,
//! and the next run resumes after it.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;

use rand::rngs::OsRng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use zkseal_circuits::input::parse_jsonl_line;
use zkseal_verifier::ProofBundle;

use zkseal_halo2::prove::Halo2Prover;

use crate::prove::Prover;
use crate::resources::{available_memory, groth16_proof_bytes, proofs_in_flight};
use crate::ProverError;

/// Proofs per core between two syncs of the output.
const PROOFS_PER_CORE: usize = 2;

/// The longest input line read: a hostile file with no newline must not be read whole
/// into memory (a single input file has the same limit).
pub const MAX_LINE_BYTES: u64 = 256 << 20;

/// One line of a proofs file: the input line(s) it answers, and its proof or why none.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchLine {
    /// The (first) input line, 1-based.
    pub line: usize,
    /// Every input line the proof carries, in order, when the key proves `B > 1`
    /// inferences per proof.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<usize>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bundle: Option<ProofBundle>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What a batch run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BatchSummary {
    /// Entries (proofs or errors) already in the proofs file when the run started.
    pub skipped: usize,
    /// Proofs made (each of `B` inputs).
    pub proved: usize,
    /// Entries (one input line, or a group of `B`) that could not be proved (bad JSON,
    /// out of range, a short last group); recorded as `error` lines, not retried on
    /// resume.
    pub failed: usize,
    /// Whether `stop` ended the run before the last input.
    pub stopped: bool,
    /// Entries not yet in the proofs file when the run ended (0 unless stopped).
    pub remaining: usize,
}

/// What `prove_batch` needs of a prover; both backends' provers have it.
pub trait BatchProver: Sync {
    /// `B`: inferences per proof.
    fn inferences(&self) -> usize;
    fn model_id(&self) -> &str;
    /// Whether `bundle` was made with this prover's key and commitment.
    fn made(&self, bundle: &ProofBundle) -> bool;
    /// Bytes one proof in flight needs beyond the shared key.
    fn proof_bytes(&self) -> u64;
    /// One proof of `inputs` (`B` of them), or why there is none.
    fn prove_inputs(&self, inputs: &[&[f64]]) -> Result<ProofBundle, String>;
}

impl BatchProver for Prover<'_> {
    fn inferences(&self) -> usize {
        Prover::inferences(self)
    }
    fn model_id(&self) -> &str {
        Prover::model_id(self)
    }
    fn made(&self, bundle: &ProofBundle) -> bool {
        Prover::made(self, bundle)
    }
    fn proof_bytes(&self) -> u64 {
        groth16_proof_bytes(self.domain())
    }
    fn prove_inputs(&self, inputs: &[&[f64]]) -> Result<ProofBundle, String> {
        self.prove_all(inputs, &mut OsRng).map_err(|e| e.to_string())
    }
}

impl BatchProver for Halo2Prover<'_> {
    fn inferences(&self) -> usize {
        Halo2Prover::inferences(self)
    }
    fn model_id(&self) -> &str {
        Halo2Prover::model_id(self)
    }
    fn made(&self, bundle: &ProofBundle) -> bool {
        Halo2Prover::made(self, bundle)
    }
    fn proof_bytes(&self) -> u64 {
        Halo2Prover::proof_bytes(self)
    }
    fn prove_inputs(&self, inputs: &[&[f64]]) -> Result<ProofBundle, String> {
        self.prove_all(inputs).map_err(|e| e.to_string())
    }
}

/// Proves every input line not yet in `output`; `progress(done, total)` (in proofs)
/// after each chunk. `stop()` is asked before each chunk: when it says so, the run ends
/// there, with the proofs so far written and synced.
pub fn prove_batch(
    prover: &impl BatchProver,
    inputs: &Path,
    output: &Path,
    progress: &mut dyn FnMut(usize, usize),
    stop: &dyn Fn() -> bool,
) -> Result<BatchSummary, ProverError> {
    let io = |what: &'static str| move |e: std::io::Error| ProverError::Io { what, reason: e.to_string() };
    let done = resume(output, prover)?;
    let group = prover.inferences();
    // A first streaming pass counts the inputs, so progress can show an ETA.
    let lines = limited_lines(File::open(inputs).map_err(io("the inputs"))?, MAX_LINE_BYTES)
        .map(|l| l.map(|l| !l.trim().is_empty()))
        .filter(|l| !matches!(l, Ok(false)))
        .count();
    let total = lines.div_ceil(group);
    let mut out = OpenOptions::new().create(true).append(true).open(output).map_err(io("the proofs file"))?;
    let mut summary = BatchSummary { skipped: done.len(), ..Default::default() };
    // A chunk's proofs may all be in flight at once (a worker waiting inside one proof's
    // MSM can start another): fewer when memory holds fewer.
    let chunk =
        proofs_in_flight(prover.proof_bytes(), PROOFS_PER_CORE * rayon::current_num_threads(), available_memory());
    let mut groups = Groups {
        lines: limited_lines(File::open(inputs).map_err(io("the inputs"))?, MAX_LINE_BYTES).enumerate(),
        size: group,
    };
    progress(done.len(), total);
    loop {
        let mut pending: Vec<Vec<(usize, String)>> = Vec::with_capacity(chunk);
        while pending.len() < chunk {
            match groups.next().transpose().map_err(io("the inputs"))? {
                Some(g) if done.contains(&g[0].0) => {}
                Some(g) => pending.push(g),
                None => break,
            }
        }
        if pending.is_empty() {
            break;
        }
        if stop() {
            summary.stopped = true;
            break;
        }
        let results: Vec<BatchLine> = pending.par_iter().map(|g| prove_group(prover, g)).collect();
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
    if summary.stopped {
        summary.remaining = total.saturating_sub(summary.skipped + summary.proved + summary.failed);
    }
    Ok(summary)
}

/// Reads the next line of `reader` into `line` (cleared first), newline included:
/// its length, 0 at the end; an error for a line longer than `limit` bytes, which is
/// never read whole.
fn read_line(reader: &mut impl BufRead, line: &mut Vec<u8>, limit: u64) -> std::io::Result<usize> {
    line.clear();
    let n = reader.take(limit + 1).read_until(b'\n', line)?;
    if n as u64 > limit {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, format!("longer than {limit} bytes")));
    }
    Ok(n)
}

/// The lines of `file`, each at most `limit` bytes (a longer one is an error).
fn limited_lines<R: Read>(file: R, limit: u64) -> impl Iterator<Item = std::io::Result<String>> {
    let mut reader = BufReader::new(file);
    let mut count = 0usize;
    let mut line = Vec::new();
    std::iter::from_fn(move || {
        count += 1;
        let at = |e: std::io::Error| std::io::Error::new(e.kind(), format!("line {count} is {e}"));
        match read_line(&mut reader, &mut line, limit) {
            Ok(0) => None,
            Ok(_) => {
                let text = line.strip_suffix(b"\n").map(|l| l.strip_suffix(b"\r").unwrap_or(l)).unwrap_or(&line);
                Some(
                    String::from_utf8(text.to_vec())
                        .map_err(|_| at(std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8"))),
                )
            }
            Err(e) => Some(Err(at(e))),
        }
    })
}

/// Consecutive groups of `size` non-empty lines `(line number, text)`; the last may
/// be short.
struct Groups<L> {
    lines: L,
    size: usize,
}

impl<L: Iterator<Item = (usize, std::io::Result<String>)>> Iterator for Groups<L> {
    type Item = std::io::Result<Vec<(usize, String)>>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut group = Vec::with_capacity(self.size);
        for (i, line) in self.lines.by_ref() {
            match line {
                Err(e) => return Some(Err(e)),
                Ok(text) if text.trim().is_empty() => {}
                Ok(text) => {
                    group.push((i + 1, text));
                    if group.len() == self.size {
                        break;
                    }
                }
            }
        }
        (!group.is_empty()).then_some(Ok(group))
    }
}

/// One proof of a group of input lines, or why there is none.
fn prove_group(prover: &impl BatchProver, group: &[(usize, String)]) -> BatchLine {
    let line_numbers: Vec<usize> = group.iter().map(|(l, _)| *l).collect();
    let proved = if group.len() != prover.inferences() {
        Err(format!(
            "the file ends with {} input(s) after line {}; a proof carries {}",
            group.len(),
            line_numbers[0] - 1,
            prover.inferences()
        ))
    } else {
        group
            .iter()
            .map(|(line, text)| parse_jsonl_line(text, *line).map_err(|e| e.to_string()))
            .collect::<Result<Vec<_>, _>>()
            .and_then(|inputs| {
                let refs: Vec<&[f64]> = inputs.iter().map(Vec::as_slice).collect();
                prover.prove_inputs(&refs)
            })
    };
    let lines = (prover.inferences() > 1).then(|| line_numbers.clone());
    match proved {
        Ok(b) => BatchLine { line: line_numbers[0], lines, bundle: Some(b), error: None },
        Err(e) => BatchLine { line: line_numbers[0], lines, bundle: None, error: Some(e) },
    }
}

/// The input lines `output` already answers, after cutting a torn last line. Refuses
/// a proofs file of another model, key or commitment, or with a damaged line before
/// the last.
fn resume(output: &Path, prover: &impl BatchProver) -> Result<HashSet<usize>, ProverError> {
    let model_id = prover.model_id();
    let io = |e: std::io::Error| ProverError::Io { what: "the proofs file", reason: e.to_string() };
    let mut done = HashSet::new();
    let mut file = match OpenOptions::new().read(true).write(true).open(output) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(done),
        Err(e) => return Err(io(e)),
    };
    // Line by line: a proofs file of millions of proofs is not read whole.
    let mut keep = 0u64;
    let mut number = 0usize;
    let mut reader = BufReader::new(&file);
    let mut bytes = Vec::new();
    loop {
        number += 1;
        let damaged = |reason: String| ProverError::Malformed {
            what: "proofs file",
            reason: format!(
                "line {number} is damaged ({reason}); it is not a torn last line, so nothing is overwritten"
            ),
        };
        let n = match read_line(&mut reader, &mut bytes, MAX_LINE_BYTES) {
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => return Err(damaged(e.to_string())),
            n => n.map_err(io)?,
        };
        if n == 0 || bytes.last() != Some(&b'\n') {
            // The end, perhaps after a torn last line.
            break;
        }
        let line: BatchLine = serde_json::from_slice(&bytes).map_err(|e| damaged(e.to_string()))?;
        if let Some(b) = &line.bundle {
            if b.model_id != model_id {
                return Err(ProverError::ProofsFileMismatch { found: b.model_id.clone(), model: model_id.to_string() });
            }
            if !prover.made(b) {
                return Err(ProverError::Malformed {
                    what: "proofs file",
                    reason: format!(
                        "line {number} holds a proof for another key or commitment of this model; use another output file"
                    ),
                });
            }
        }
        done.insert(line.line);
        keep += n as u64;
    }
    drop(reader);
    if keep != file.metadata().map_err(io)?.len() {
        // A torn last line: cut it; its input is proved again.
        file.set_len(keep).map_err(io)?;
        file.seek(SeekFrom::End(0)).map_err(io)?;
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::limited_lines;

    #[test]
    fn lines_longer_than_the_limit_are_refused_not_read_whole() {
        let text = "{\"input\": [1]}\r\n\nshort\n0123456789abcdef\nlast";
        let lines: Vec<Result<String, String>> =
            limited_lines(text.as_bytes(), 10).map(|l| l.map_err(|e| e.to_string())).take(4).collect();
        assert_eq!(lines[0], Err("line 1 is longer than 10 bytes".to_string()));
        let lines: Vec<String> = limited_lines(text.as_bytes(), 64).map(Result::unwrap).collect();
        assert_eq!(lines, ["{\"input\": [1]}", "", "short", "0123456789abcdef", "last"]);
        let e = limited_lines(&b"ok\n\xff\xfe\n"[..], 64).nth(1).unwrap().unwrap_err();
        assert_eq!(e.to_string(), "line 2 is not UTF-8");
    }
}
