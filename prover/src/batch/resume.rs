//! Resuming a batch: which entries of an existing proofs file still answer the input
//! file, and a rewrite of the file without the others.
//!
//! An entry is kept only for a group of input lines whose text is, byte for byte, the
//! text it was proved for (`input_blake3`), and whose values quantize to the integers
//! its proof carries. A line that changed is proved again; a proof whose input moved
//! to other line numbers is kept for its new lines (the proof is of the input, not of a
//! line number); an entry that answers nothing now is removed. Entries are never
//! appended twice for one line: the file is rewritten (temp file, then rename) before
//! anything new is appended.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;

use zkseal_core::atomic::replace_file;
use zkseal_core::input::parse_jsonl_line;
use zkseal_core::quant::rounding::quantize_value;
use zkseal_verifier::unhex;

use super::{limited_lines, read_line, BatchLine, BatchProver, Groups, MAX_LINE_BYTES};
use crate::ProverError;

/// Why an entry of the proofs file was not kept as it was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResumeNote {
    /// The text of `lines` is not the text the entry was proved for: proved again.
    Changed { lines: Vec<usize> },
    /// `B > 1`: the group at `lines` is not the group `was` the entry's proof carries.
    Regrouped { lines: Vec<usize>, was: Vec<usize> },
    /// The entry's digest matches its lines, but its proof's input integers are not
    /// their values (a file edited by hand): proved again.
    WrongProof { lines: Vec<usize> },
    /// An error entry written before zkseal recorded `input_blake3`: nothing says which
    /// input it was for, so the lines are proved again.
    Unchecked { lines: Vec<usize> },
    /// The input proved as `was` is now on `lines`: its proof is kept, renumbered.
    Moved { lines: Vec<usize>, was: Vec<usize> },
    /// The entry for `was` answers no input group now: removed.
    Removed { was: Vec<usize> },
}

impl ResumeNote {
    /// Whether its group is proved again (its entry was dropped).
    pub fn reproves(&self) -> bool {
        !matches!(self, ResumeNote::Moved { .. } | ResumeNote::Removed { .. })
    }
}

impl fmt::Display for ResumeNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let it = |l: &[usize]| if l.len() == 1 { "it" } else { "them" };
        match self {
            ResumeNote::Changed { lines } => {
                let was = if lines.len() == 1 { "it was" } else { "they were" };
                write!(f, "{} changed since {was} proved; re-proving {}", named(lines), it(lines))
            }
            ResumeNote::Regrouped { lines, was } => write!(
                f,
                "{} form one proof's group now, {} did when it was proved; re-proving them",
                named(lines),
                named(was)
            ),
            ResumeNote::WrongProof { lines } => write!(
                f,
                "the proof recorded for {} is not of its input (its input integers differ); re-proving {}",
                named(lines),
                it(lines)
            ),
            ResumeNote::Unchecked { lines } => write!(
                f,
                "the error entry for {}, written by an older zkseal, does not record which input it was for; re-proving {}",
                named(lines),
                it(lines)
            ),
            ResumeNote::Moved { lines, was } => {
                let hold = if lines.len() == 1 { "holds" } else { "hold" };
                write!(f, "{} {hold} the input proved as {}; that proof is kept for {}", named(lines), named(was), it(lines))
            }
            ResumeNote::Removed { was } => write!(
                f,
                "the entry for {} answers no input line now (deleted, emptied or moved); removed it",
                named(was)
            ),
        }
    }
}

/// "line 3" or "lines 3, 4".
fn named(lines: &[usize]) -> String {
    let list: Vec<String> = lines.iter().map(usize::to_string).collect();
    format!("{} {}", if lines.len() == 1 { "line" } else { "lines" }, list.join(", "))
}

/// blake3 of a group's lines, each line's text (without its line ending) followed by
/// one `\n`: for one line, what `sed -n 3p INPUTS | b3sum` prints.
pub(super) fn input_digest(group: &[(usize, String)]) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    for (_, text) in group {
        hasher.update(text.as_bytes());
        hasher.update(b"\n");
    }
    *hasher.finalize().as_bytes()
}

/// The input file's group boundaries and texts, as one digest: a run compares the one
/// it planned with and the one it proved from, to notice a file edited meanwhile.
#[derive(Default)]
pub(super) struct Fingerprint(blake3::Hasher);

impl Fingerprint {
    pub(super) fn add(&mut self, group: &[(usize, String)], digest: &[u8; 32]) {
        for (line, _) in group {
            self.0.update(&(*line as u64).to_le_bytes());
        }
        self.0.update(digest);
    }

    pub(super) fn finish(&self) -> [u8; 32] {
        *self.0.finalize().as_bytes()
    }
}

/// One complete line of the proofs file, without its bundle.
struct Entry {
    lines: Vec<usize>,
    /// `input_blake3`; `None` in files of older zkseal versions.
    input: Option<[u8; 32]>,
    /// The bundle's input scale and the blake3 of its input integers (little-endian
    /// i64s); `None` for an error entry.
    proof: Option<(i32, [u8; 32])>,
    at: u64,
    len: usize,
}

/// The complete lines of an existing proofs file.
pub(super) struct Existing {
    entries: Vec<Entry>,
    /// Bytes of complete lines; the file is longer after a torn last line.
    complete: u64,
    len: u64,
}

/// Reads `output`'s entries (none when it does not exist). Refuses a proofs file of
/// another model, key or commitment, or with a damaged line before the last.
pub(super) fn read_existing(output: &Path, prover: &dyn BatchProver) -> Result<Existing, ProverError> {
    let io = |e: std::io::Error| ProverError::Io { what: "the proofs file", reason: e.to_string() };
    let mut existing = Existing { entries: Vec::new(), complete: 0, len: 0 };
    let file = match File::open(output) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(existing),
        Err(e) => return Err(io(e)),
    };
    existing.len = file.metadata().map_err(io)?.len();
    // Line by line: a proofs file of millions of proofs is not read whole.
    let mut reader = BufReader::new(file);
    let mut bytes = Vec::new();
    for number in 1.. {
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
        let lines = line.lines.unwrap_or_else(|| vec![line.line]);
        if lines.first() != Some(&line.line) {
            return Err(damaged(format!("\"lines\" does not start with \"line\" ({})", line.line)));
        }
        let input = match &line.input_blake3 {
            None => None,
            Some(h) => Some(
                unhex(h)
                    .and_then(|b| <[u8; 32]>::try_from(b).ok())
                    .ok_or_else(|| damaged("input_blake3 is not 64 hex digits".into()))?,
            ),
        };
        let proof = match &line.bundle {
            None => None,
            Some(b) => {
                if b.model_id != prover.model_id() {
                    return Err(ProverError::ProofsFileMismatch {
                        found: b.model_id.clone(),
                        model: prover.model_id().to_string(),
                    });
                }
                if !prover.made(b) {
                    return Err(ProverError::Malformed {
                        what: "proofs file",
                        reason: format!(
                            "line {number} holds a proof for another key or commitment of this model; use another output file"
                        ),
                    });
                }
                let mut hasher = blake3::Hasher::new();
                b.input.iter().for_each(|q| {
                    hasher.update(&q.to_le_bytes());
                });
                Some((b.input_scale, *hasher.finalize().as_bytes()))
            }
        };
        existing.entries.push(Entry { lines, input, proof, at: existing.complete, len: n });
        existing.complete += n as u64;
    }
    Ok(existing)
}

/// Whether the values of `group` quantize, at `proof`'s scale, to its input integers.
fn answers(proof: &(i32, [u8; 32]), group: &[(usize, String)]) -> bool {
    let mut hasher = blake3::Hasher::new();
    for (line, text) in group {
        let Ok(values) = parse_jsonl_line(text, *line) else { return false };
        for v in values {
            let Some(q) = quantize_value(v, proof.0) else { return false };
            hasher.update(&q.to_le_bytes());
        }
    }
    hasher.finalize().as_bytes() == &proof.1
}

/// What a run keeps of an existing proofs file, and what it still has to prove.
pub(super) struct Plan {
    /// The first lines of the groups a kept entry answers.
    pub done: HashSet<usize>,
    /// Groups in the input file.
    pub total: usize,
    pub fingerprint: [u8; 32],
    pub notes: Vec<ResumeNote>,
    /// The entries kept, in input order, with their new lines when they moved.
    keep: Vec<(usize, Option<Vec<usize>>)>,
}

/// Matches every group of `inputs` (of `size` lines) with the entry that answers it.
pub(super) fn plan(existing: &Existing, inputs: &Path, size: usize) -> Result<Plan, ProverError> {
    let io = |e: std::io::Error| ProverError::Io { what: "the inputs", reason: e.to_string() };
    let entries = &existing.entries;
    let mut at_line: HashMap<usize, usize> = HashMap::new();
    let mut by_input: HashMap<[u8; 32], usize> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        at_line.entry(e.lines[0]).or_insert(i);
        // Only proofs move: an error's text names its line.
        if let (Some(d), Some(_)) = (e.input, e.proof) {
            by_input.entry(d).or_insert(i);
        }
    }
    // Each entry's fate: kept somewhere, or dropped with a note already given.
    let mut used = vec![false; entries.len()];
    let mut noted = vec![false; entries.len()];
    let mut plan = Plan { done: HashSet::new(), total: 0, fingerprint: [0; 32], notes: Vec::new(), keep: Vec::new() };
    let mut fingerprint = Fingerprint::default();
    let file = File::open(inputs).map_err(io)?;
    for group in (Groups { lines: limited_lines(file, MAX_LINE_BYTES).enumerate(), size }) {
        let group = group.map_err(io)?;
        let digest = input_digest(&group);
        fingerprint.add(&group, &digest);
        plan.total += 1;
        let lines: Vec<usize> = group.iter().map(|(l, _)| *l).collect();
        let in_place = at_line.get(&lines[0]).copied();
        let verdict = in_place.map(|i| {
            let e = &entries[i];
            match (e.input, e.proof) {
                _ if e.lines != lines => Err(ResumeNote::Regrouped { lines: lines.clone(), was: e.lines.clone() }),
                (Some(d), _) if d != digest => Err(ResumeNote::Changed { lines: lines.clone() }),
                (Some(_), Some(p)) if !answers(&p, &group) => Err(ResumeNote::WrongProof { lines: lines.clone() }),
                (Some(_), _) => Ok(()),
                (None, Some(p)) if answers(&p, &group) => Ok(()),
                (None, Some(_)) => Err(ResumeNote::Changed { lines: lines.clone() }),
                (None, None) => Err(ResumeNote::Unchecked { lines: lines.clone() }),
            }
        });
        let moved = || {
            by_input.get(&digest).copied().filter(|&i| {
                let e = &entries[i];
                Some(i) != in_place && e.proof.is_some_and(|p| answers(&p, &group))
            })
        };
        let kept = match verdict {
            Some(Ok(())) => Some((in_place.expect("a verdict has an entry"), None)),
            stale => match moved() {
                Some(i) => {
                    plan.notes.push(ResumeNote::Moved { lines: lines.clone(), was: entries[i].lines.clone() });
                    Some((i, Some(lines.clone())))
                }
                None => {
                    if let (Some(Err(note)), Some(i)) = (stale, in_place) {
                        plan.notes.push(note);
                        noted[i] = true;
                    }
                    None
                }
            },
        };
        if let Some((i, renumbered)) = kept {
            used[i] = true;
            plan.done.insert(lines[0]);
            plan.keep.push((i, renumbered));
        }
    }
    for (i, e) in entries.iter().enumerate() {
        if !used[i] && !noted[i] {
            plan.notes.push(ResumeNote::Removed { was: e.lines.clone() });
        }
    }
    plan.fingerprint = fingerprint.finish();
    Ok(plan)
}

/// Brings `output` in line with `plan`: rewritten with only the kept entries when one
/// is dropped or moves, else only a torn last line cut.
pub(super) fn apply(output: &Path, existing: &Existing, plan: &Plan, size: usize) -> Result<(), ProverError> {
    let io = |e: std::io::Error| ProverError::Io { what: "the proofs file", reason: e.to_string() };
    let rewrite = plan.keep.len() != existing.entries.len() || plan.keep.iter().any(|(_, moved)| moved.is_some());
    if rewrite {
        // The rewrite keeps the file's permission bits.
        let mode = permission_bits(output).map_err(io)?;
        return replace_file(output, mode, |out| copy_kept(output, existing, plan, size, out)).map_err(io);
    }
    if existing.complete != existing.len {
        // A torn last line (a killed run): cut it; its group is proved again.
        OpenOptions::new().write(true).open(output).and_then(|f| f.set_len(existing.complete)).map_err(io)?;
    }
    Ok(())
}

/// Writes the kept entries to `out`, in input order, renumbering the moved ones.
fn copy_kept(output: &Path, existing: &Existing, plan: &Plan, size: usize, out: &mut File) -> std::io::Result<()> {
    let mut reader = BufReader::new(File::open(output)?);
    let mut position = 0u64;
    let mut bytes = Vec::new();
    for (i, moved) in &plan.keep {
        let e = &existing.entries[*i];
        if position != e.at {
            reader.seek(SeekFrom::Start(e.at))?;
        }
        bytes.resize(e.len, 0);
        reader.read_exact(&mut bytes)?;
        position = e.at + e.len as u64;
        match moved {
            None => out.write_all(&bytes)?,
            Some(lines) => {
                let mut line: BatchLine = serde_json::from_slice(&bytes)?;
                line.line = lines[0];
                line.lines = (size > 1).then(|| lines.clone());
                let mut text = serde_json::to_string(&line)?;
                text.push('\n');
                out.write_all(text.as_bytes())?;
            }
        }
    }
    Ok(())
}

/// `path`'s Unix permission bits (0644 elsewhere).
fn permission_bits(path: &Path) -> std::io::Result<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Ok(std::fs::metadata(path)?.permissions().mode() & 0o7777)
    }
    #[cfg(not(unix))]
    {
        std::fs::metadata(path).map(|_| 0o644)
    }
}
