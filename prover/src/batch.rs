//! Batch proving: every line of a JSONL input file, in parallel, into a JSONL proof
//! file, resumable and crash-safe.
//!
//! Inputs stream in chunks of a few proofs per core; each chunk is proved in parallel
//! (rayon) with the one shared proving key, then appended in input order, one whole
//! line per `write`, and synced. Memory does not grow with the inputs. Each entry
//! records the blake3 of the exact input text it answers, so a re-run keeps only the
//! entries whose input is still there (`resume`), rewrites the file without the
//! others, and proves the rest. With a key of `B > 1` inferences per proof,
//! consecutive groups of `B` non-empty input lines share a proof. A run that can last
//! hours can be stopped between chunks (a deadline, a signal): what is written stays,
//! and the next run resumes after it.

mod resume;

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

use rand::rngs::OsRng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use zkseal_core::format::hex;
use zkseal_core::input::parse_jsonl_line;
use zkseal_verifier::ProofBundle;

use crate::halo2::Halo2Prover;

use crate::prove::Prover;
use crate::resources::{available_memory, groth16_proof_bytes, proofs_in_flight};
use crate::ProverError;

pub use resume::ResumeNote;

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
    /// blake3 of the exact text of the input line(s) answered, each followed by `\n`,
    /// hex. Absent in files of zkseal versions before it (those entries are checked
    /// by their proof's input integers, see `resume`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_blake3: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bundle: Option<ProofBundle>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What a batch run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BatchSummary {
    /// Entries (proofs or errors) already in the proofs file, for the input they
    /// answer, when the run started: not proved again.
    pub skipped: usize,
    /// Proofs made (each of `B` inputs).
    pub proved: usize,
    /// Entries (one input line, or a group of `B`) that could not be proved (bad JSON,
    /// out of range, a short last group); recorded as `error` lines, not retried on
    /// resume while their lines stay as they are.
    pub failed: usize,
    /// Whether `stop` ended the run before the last input.
    pub stopped: bool,
    /// Entries not yet in the proofs file when the run ended (0 unless stopped).
    pub remaining: usize,
    /// Each entry of the proofs file not kept as it was, in input order (then the
    /// removed ones): a line that changed, moved or went.
    pub notes: Vec<ResumeNote>,
    /// The input file changed while the run read it: an entry kept at the start may
    /// answer an older version of its line. The next run puts that right.
    pub inputs_changed: bool,
}

impl BatchSummary {
    /// Groups proved again because their entry no longer answered them.
    pub fn reproved(&self) -> usize {
        self.notes.iter().filter(|n| n.reproves()).count()
    }

    /// Entries kept for input that moved to other lines (counted in `skipped`).
    pub fn moved(&self) -> usize {
        self.notes.iter().filter(|n| matches!(n, ResumeNote::Moved { .. })).count()
    }

    /// Entries removed because they answer no input group now.
    pub fn removed(&self) -> usize {
        self.notes.iter().filter(|n| matches!(n, ResumeNote::Removed { .. })).count()
    }
}

/// A prover of one model with one key and salt, of either backend (`crate::backend`):
/// what `prove_batch` and every front end drive.
pub trait BatchProver: Sync {
    /// `B`: inferences per proof.
    fn inferences(&self) -> usize;
    fn model_id(&self) -> &str;
    /// Whether `bundle` was made with this prover's key and commitment.
    fn made(&self, bundle: &ProofBundle) -> bool;
    /// Bytes one proof in flight needs beyond the shared key.
    fn proof_bytes(&self) -> u64;
    /// One proof of `inputs` (`B` of them), checked to verify, or why there is none.
    fn prove_inputs(&self, inputs: &[&[f64]]) -> Result<ProofBundle, ProverError>;
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
    fn prove_inputs(&self, inputs: &[&[f64]]) -> Result<ProofBundle, ProverError> {
        self.prove_all(inputs, &mut OsRng)
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
    fn prove_inputs(&self, inputs: &[&[f64]]) -> Result<ProofBundle, ProverError> {
        Ok(self.prove_all(inputs)?)
    }
}

/// Proves every group of input lines `output` does not answer yet (`resume`: an entry
/// answers the exact input text it was proved for); `progress(done, total)` (in proofs)
/// after each chunk. `stop()` is asked before each chunk: when it says so, the run ends
/// there, with the proofs so far written and synced.
pub fn prove_batch(
    prover: &dyn BatchProver,
    inputs: &Path,
    output: &Path,
    progress: &mut dyn FnMut(usize, usize),
    stop: &dyn Fn() -> bool,
) -> Result<BatchSummary, ProverError> {
    let io = |what: &'static str| move |e: std::io::Error| ProverError::Io { what, reason: e.to_string() };
    let group = prover.inferences();
    let existing = resume::read_existing(output, prover)?;
    // A first streaming pass matches the inputs with the entries, and counts them so
    // progress can show an ETA.
    let plan = resume::plan(&existing, inputs, group)?;
    resume::apply(output, &existing, &plan, group)?;
    drop(existing);
    let resume::Plan { done, total, fingerprint: planned, notes, .. } = plan;
    let mut out = OpenOptions::new().create(true).append(true).open(output).map_err(io("the proofs file"))?;
    let mut summary = BatchSummary { skipped: done.len(), notes, ..Default::default() };
    // A chunk's proofs may all be in flight at once (a worker waiting inside one proof's
    // MSM can start another): fewer when memory holds fewer.
    let chunk =
        proofs_in_flight(prover.proof_bytes(), PROOFS_PER_CORE * rayon::current_num_threads(), available_memory());
    let mut groups = Groups {
        lines: limited_lines(File::open(inputs).map_err(io("the inputs"))?, MAX_LINE_BYTES).enumerate(),
        size: group,
    };
    let mut fingerprint = resume::Fingerprint::default();
    let mut read_all = false;
    progress(done.len(), total);
    loop {
        let mut pending: Vec<(Group, [u8; 32])> = Vec::with_capacity(chunk);
        while pending.len() < chunk {
            let Some(g) = groups.next().transpose().map_err(io("the inputs"))? else {
                read_all = true;
                break;
            };
            let digest = resume::input_digest(&g);
            fingerprint.add(&g, &digest);
            if !done.contains(&g[0].0) {
                pending.push((g, digest));
            }
        }
        if pending.is_empty() {
            break;
        }
        if stop() {
            summary.stopped = true;
            break;
        }
        let results: Vec<BatchLine> = pending.par_iter().map(|(g, d)| prove_group(prover, g, d)).collect();
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
    summary.inputs_changed = read_all && fingerprint.finish() != planned;
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

/// Input lines `(line number, text)` that share one proof.
type Group = Vec<(usize, String)>;

/// Consecutive groups of `size` non-empty lines `(line number, text)`; the last may
/// be short.
struct Groups<L> {
    lines: L,
    size: usize,
}

impl<L: Iterator<Item = (usize, std::io::Result<String>)>> Iterator for Groups<L> {
    type Item = std::io::Result<Group>;

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

/// One proof of a group of input lines (whose text has blake3 `digest`), or why there
/// is none.
fn prove_group(prover: &dyn BatchProver, group: &[(usize, String)], digest: &[u8; 32]) -> BatchLine {
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
                prover.prove_inputs(&refs).map_err(|e| e.to_string())
            })
    };
    let lines = (prover.inferences() > 1).then(|| line_numbers.clone());
    let (bundle, error) = match proved {
        Ok(b) => (Some(b), None),
        Err(e) => (None, Some(e)),
    };
    BatchLine { line: line_numbers[0], lines, input_blake3: Some(hex(digest)), bundle, error }
}

#[cfg(test)]
mod tests;
