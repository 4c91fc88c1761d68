//! The batch's line handling and its resume rules, with a stand-in prover whose
//! "proof" is the quantized input: every case runs in milliseconds (the CLI tests
//! `cli/tests/batch_resume.rs` repeat the main ones with real proofs).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;
use zkseal_core::quant::rounding::quantize_value;
use zkseal_verifier::ProofBundle;

use super::{limited_lines, prove_batch, BatchLine, BatchProver, BatchSummary, ResumeNote};
use crate::ProverError;

/// The stand-in's input scale: 0.3 and 0.26 quantize alike, 0.3 and 0.4 do not.
const SCALE: i32 = 2;

/// Proves `B` inputs by quantizing them; refuses negative values, as a real prover
/// refuses inputs out of range.
struct Fake {
    b: usize,
    proofs: AtomicUsize,
}

impl Fake {
    fn new(b: usize) -> Self {
        Fake { b, proofs: AtomicUsize::new(0) }
    }
}

impl BatchProver for Fake {
    fn inferences(&self) -> usize {
        self.b
    }
    fn model_id(&self) -> &str {
        "fake-model"
    }
    fn made(&self, bundle: &ProofBundle) -> bool {
        bundle.vk_digest == "fake-key"
    }
    fn proof_bytes(&self) -> u64 {
        1
    }
    fn prove_inputs(&self, inputs: &[&[f64]]) -> Result<ProofBundle, ProverError> {
        self.proofs.fetch_add(1, Ordering::SeqCst);
        let values: Vec<f64> = inputs.concat();
        if values.iter().any(|v| *v < 0.0) {
            return Err(ProverError::Malformed { what: "input", reason: "a negative input".into() });
        }
        let input: Vec<i64> = values.iter().map(|v| quantize_value(*v, SCALE).expect("small")).collect();
        Ok(ProofBundle {
            version: 1,
            backend: "fake".into(),
            scheme: "fake".into(),
            model_id: "fake-model".into(),
            architecture_digest: String::new(),
            commitment: String::new(),
            commitment_point: None,
            vk_digest: "fake-key".into(),
            inferences: self.b as u32,
            output: input.clone(),
            input,
            input_scale: SCALE,
            output_scale: SCALE,
            output_float: values,
            proof: String::new(),
        })
    }
}

/// A scratch directory, removed afterwards.
struct Dir(PathBuf);

impl Dir {
    fn new(tag: &str) -> Self {
        let path = std::env::temp_dir().join(format!("zkseal-batch-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Dir(path)
    }
    fn inputs(&self) -> PathBuf {
        self.0.join("in.jsonl")
    }
    fn proofs(&self) -> PathBuf {
        self.0.join("proofs.jsonl")
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `{"input": [v]}` for each value; `None` is a blank line.
fn text(values: &[Option<f64>]) -> String {
    values.iter().map(|v| v.map_or(String::new(), |v| format!("{{\"input\": [{v}]}}")) + "\n").collect()
}

/// Writes the inputs and runs the batch over them.
fn run(prover: &Fake, dir: &Dir, inputs: &str) -> BatchSummary {
    std::fs::write(dir.inputs(), inputs).unwrap();
    prover.proofs.store(0, Ordering::SeqCst);
    prove_batch(prover, &dir.inputs(), &dir.proofs(), &mut |_, _| {}, &|| false).unwrap()
}

fn entries(path: &Path) -> Vec<BatchLine> {
    std::fs::read_to_string(path).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// The proofs file answers `inputs` group by group: one entry per group, naming its
/// lines and their digest, whose proof (if any) is of the group's values.
fn assert_answers(dir: &Dir, inputs: &str, b: usize) {
    let lines: Vec<(usize, &str)> =
        inputs.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).map(|(i, l)| (i + 1, l)).collect();
    let mut entries = entries(&dir.proofs());
    entries.sort_by_key(|e| e.line);
    assert_eq!(entries.len(), lines.len().div_ceil(b), "one entry per group");
    for (group, entry) in lines.chunks(b).zip(&entries) {
        let numbers: Vec<usize> = group.iter().map(|(n, _)| *n).collect();
        assert_eq!(entry.lines.clone().unwrap_or_else(|| vec![entry.line]), numbers);
        let joined: String = group.iter().map(|(_, t)| format!("{t}\n")).collect();
        let digest = zkseal_core::format::hex(blake3::hash(joined.as_bytes()).as_bytes());
        assert_eq!(entry.input_blake3.as_deref(), Some(digest.as_str()), "line {}", entry.line);
        if let Some(bundle) = &entry.bundle {
            let values: Vec<i64> = group
                .iter()
                .flat_map(|(_, t)| serde_json::from_str::<Value>(t).unwrap()["input"].as_array().unwrap().clone())
                .map(|v| quantize_value(v.as_f64().unwrap(), SCALE).unwrap())
                .collect();
            assert_eq!(bundle.input, values, "line {}", entry.line);
        }
    }
}

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

#[test]
fn a_resumed_run_keeps_only_entries_whose_input_is_still_on_their_lines() {
    let (f, dir) = (Fake::new(1), Dir::new("b1"));
    let first = text(&[Some(1.0), Some(2.0), Some(3.0), Some(4.0)]);
    assert_eq!(run(&f, &dir, &first).proved, 4);
    assert_answers(&dir, &first, 1);

    // Unchanged: nothing proved, nothing noted, the file untouched.
    let before = std::fs::read(dir.proofs()).unwrap();
    let s = run(&f, &dir, &first);
    assert_eq!((s.proved, s.skipped, s.notes.len()), (0, 4, 0));
    assert_eq!(std::fs::read(dir.proofs()).unwrap(), before);

    // A changed line: proved again, its old entry gone.
    let changed = text(&[Some(9.0), Some(2.0), Some(3.0), Some(4.0)]);
    let s = run(&f, &dir, &changed);
    assert_eq!((s.proved, s.skipped, s.reproved()), (1, 3, 1));
    assert_eq!(s.notes, [ResumeNote::Changed { lines: vec![1] }]);
    assert_answers(&dir, &changed, 1);

    // An inserted line: the others' proofs follow their input to its new line.
    let inserted = text(&[Some(0.5), Some(9.0), Some(2.0), Some(3.0), Some(4.0)]);
    let s = run(&f, &dir, &inserted);
    assert_eq!((s.proved, s.skipped, s.moved()), (1, 4, 4));
    assert_eq!(s.notes[0], ResumeNote::Changed { lines: vec![1] });
    assert_eq!(s.notes[1], ResumeNote::Moved { lines: vec![2], was: vec![1] });
    assert_answers(&dir, &inserted, 1);

    // A deleted line: its entry removed, the later ones renumbered.
    let deleted = text(&[Some(0.5), Some(9.0), Some(3.0), Some(4.0)]);
    let s = run(&f, &dir, &deleted);
    assert_eq!((s.proved, s.skipped, s.moved(), s.removed()), (0, 4, 2, 1));
    assert_eq!(s.notes.last(), Some(&ResumeNote::Removed { was: vec![3] }));
    assert_answers(&dir, &deleted, 1);

    // Reordered lines, and a blank line: nothing proved.
    let reordered = text(&[Some(9.0), Some(0.5), None, Some(3.0), Some(4.0)]);
    let s = run(&f, &dir, &reordered);
    assert_eq!((s.proved, s.skipped, s.moved(), s.removed()), (0, 4, 4, 0));
    assert_answers(&dir, &reordered, 1);
    assert_eq!(f.proofs.load(Ordering::SeqCst), 0);

    // The same input twice: one proof answers both lines.
    let twice = text(&[Some(9.0), Some(9.0)]);
    let s = run(&f, &dir, &twice);
    assert_eq!((s.proved, s.skipped, s.removed()), (0, 2, 3));
    assert_answers(&dir, &twice, 1);

    // Every line gone: every entry removed, the file empty.
    let s = run(&f, &dir, "\n");
    assert_eq!((s.proved, s.skipped, s.removed()), (0, 0, 2));
    assert_eq!(std::fs::read(dir.proofs()).unwrap(), b"");
}

#[test]
fn an_error_entry_stays_while_its_line_does_and_a_fixed_line_is_proved() {
    let (f, dir) = (Fake::new(1), Dir::new("errors"));
    let bad = text(&[Some(1.0), Some(-1.0), Some(3.0)]);
    assert_eq!(run(&f, &dir, &bad).failed, 1);
    let s = run(&f, &dir, &bad);
    assert_eq!((s.proved, s.failed, s.skipped, s.notes.len()), (0, 0, 3, 0), "not retried");
    let fixed = text(&[Some(1.0), Some(2.0), Some(3.0)]);
    let s = run(&f, &dir, &fixed);
    assert_eq!((s.proved, s.failed, s.notes.clone()), (1, 0, vec![ResumeNote::Changed { lines: vec![2] }]));
    assert_answers(&dir, &fixed, 1);
    assert!(entries(&dir.proofs()).iter().all(|e| e.bundle.is_some()));
}

/// Rewrites the proofs file as an older zkseal wrote it: no `input_blake3`.
fn strip_digests(dir: &Dir) {
    let legacy: String = std::fs::read_to_string(dir.proofs())
        .unwrap()
        .lines()
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).unwrap();
            v.as_object_mut().unwrap().remove("input_blake3");
            v.to_string() + "\n"
        })
        .collect();
    std::fs::write(dir.proofs(), legacy).unwrap();
}

#[test]
fn entries_without_a_digest_are_kept_only_when_their_proof_is_of_the_line() {
    let (f, dir) = (Fake::new(1), Dir::new("legacy"));
    let first = text(&[Some(1.0), Some(-1.0), Some(0.3), Some(4.0)]);
    run(&f, &dir, &first);
    strip_digests(&dir);
    // Line 3 now reads 0.26: another text, but the same integers (1 at scale 2), so
    // the old proof is of its input. Line 4 changed; line 2's error cannot be checked.
    let now = text(&[Some(1.0), Some(-1.0), Some(0.26), Some(5.0)]);
    let s = run(&f, &dir, &now);
    assert_eq!(s.notes, [ResumeNote::Unchecked { lines: vec![2] }, ResumeNote::Changed { lines: vec![4] }], "{s:?}");
    assert_eq!((s.skipped, s.proved, s.failed), (2, 1, 1));
    // With digests, the text decides: 5 → 5.1 is a change, though both quantize to 20.
    let s = run(&f, &dir, &text(&[Some(1.0), Some(-1.0), Some(0.26), Some(5.1)]));
    assert_eq!(s.notes, [ResumeNote::Changed { lines: vec![4] }]);
}

#[test]
fn a_proof_that_is_not_of_its_lines_input_is_replaced() {
    let (f, dir) = (Fake::new(1), Dir::new("wrong"));
    let inputs = text(&[Some(1.0), Some(2.0)]);
    run(&f, &dir, &inputs);
    let mut lines = entries(&dir.proofs());
    lines[1].bundle.as_mut().unwrap().input[0] += 1;
    let file: String = lines.iter().map(|l| serde_json::to_string(l).unwrap() + "\n").collect();
    std::fs::write(dir.proofs(), file).unwrap();
    let s = run(&f, &dir, &inputs);
    assert_eq!((s.proved, s.notes.clone()), (1, vec![ResumeNote::WrongProof { lines: vec![2] }]));
    assert_answers(&dir, &inputs, 1);
}

#[test]
fn groups_of_two_are_kept_moved_or_proved_again_whole() {
    let (f, dir) = (Fake::new(2), Dir::new("b2"));
    let five = text(&[Some(1.0), Some(2.0), Some(3.0), Some(4.0), Some(5.0)]);
    let s = run(&f, &dir, &five);
    assert_eq!((s.proved, s.failed), (2, 1), "the short last group is an error");
    // A sixth line completes the last group.
    let six = text(&[Some(1.0), Some(2.0), Some(3.0), Some(4.0), Some(5.0), Some(6.0)]);
    let s = run(&f, &dir, &six);
    assert_eq!((s.proved, s.skipped), (1, 2));
    assert_eq!(s.notes, [ResumeNote::Regrouped { lines: vec![5, 6], was: vec![5] }]);
    assert_answers(&dir, &six, 2);
    // A blank line moves groups whole: renumbered, not proved.
    let blank = text(&[Some(1.0), Some(2.0), None, Some(3.0), Some(4.0), Some(5.0), Some(6.0)]);
    let s = run(&f, &dir, &blank);
    assert_eq!((s.proved, s.moved()), (0, 2));
    assert_eq!(s.notes[0], ResumeNote::Moved { lines: vec![4, 5], was: vec![3, 4] });
    assert_answers(&dir, &blank, 2);
    // A line inserted at the top: every group is new, every old entry goes.
    let shifted = text(&[Some(0.5), Some(1.0), Some(2.0), Some(3.0), Some(4.0), Some(5.0), Some(6.0)]);
    let s = run(&f, &dir, &shifted);
    assert_eq!((s.proved + s.failed, s.skipped), (4, 0));
    assert_answers(&dir, &shifted, 2);
}

#[test]
fn inputs_edited_during_a_run_are_reported_and_put_right_by_the_next() {
    let (f, dir) = (Fake::new(1), Dir::new("race"));
    let first = text(&[Some(1.0), Some(2.0)]);
    run(&f, &dir, &first);
    let edited = text(&[Some(7.0), Some(2.0)]);
    // The first progress call comes after the plan, before the proving pass.
    let mut edit = |_: usize, _: usize| std::fs::write(dir.inputs(), &edited).unwrap();
    let s = prove_batch(&f, &dir.inputs(), &dir.proofs(), &mut edit, &|| false).unwrap();
    assert!(s.inputs_changed, "{s:?}");
    let s = run(&f, &dir, &edited);
    assert!(!s.inputs_changed);
    assert_eq!(s.notes, [ResumeNote::Changed { lines: vec![1] }]);
    assert_answers(&dir, &edited, 1);
}

#[test]
fn a_torn_last_line_and_stale_entries_go_in_one_rewrite() {
    let (f, dir) = (Fake::new(1), Dir::new("torn"));
    run(&f, &dir, &text(&[Some(1.0), Some(2.0), Some(3.0)]));
    let bytes = std::fs::read(dir.proofs()).unwrap();
    std::fs::write(dir.proofs(), &bytes[..bytes.len() - 10]).unwrap();
    let now = text(&[Some(1.0), Some(8.0), Some(3.0)]);
    let s = run(&f, &dir, &now);
    assert_eq!((s.proved, s.skipped), (2, 1));
    assert_answers(&dir, &now, 1);
    let leftovers = std::fs::read_dir(&dir.0).unwrap().count();
    assert_eq!(leftovers, 2, "no temporary file left beside the proofs file");
}

#[test]
fn a_damaged_digest_is_refused_and_nothing_is_overwritten() {
    let (f, dir) = (Fake::new(1), Dir::new("damaged"));
    let inputs = text(&[Some(1.0), Some(2.0)]);
    run(&f, &dir, &inputs);
    let damaged =
        std::fs::read_to_string(dir.proofs()).unwrap().replacen("\"input_blake3\":\"", "\"input_blake3\":\"zz", 1);
    std::fs::write(dir.proofs(), &damaged).unwrap();
    std::fs::write(dir.inputs(), &inputs).unwrap();
    let e = prove_batch(&f, &dir.inputs(), &dir.proofs(), &mut |_, _| {}, &|| false).err().unwrap();
    assert!(
        matches!(&e, ProverError::Malformed { reason, .. } if reason.contains("line 1 is damaged (input_blake3")),
        "{e}"
    );
    assert_eq!(std::fs::read_to_string(dir.proofs()).unwrap(), damaged);
}

#[test]
fn notes_name_the_lines_and_say_what_happens() {
    let note = |n: ResumeNote| n.to_string();
    assert_eq!(note(ResumeNote::Changed { lines: vec![3] }), "line 3 changed since it was proved; re-proving it");
    assert_eq!(
        note(ResumeNote::Changed { lines: vec![3, 4] }),
        "lines 3, 4 changed since they were proved; re-proving them"
    );
    assert_eq!(
        note(ResumeNote::Moved { lines: vec![2], was: vec![1] }),
        "line 2 holds the input proved as line 1; that proof is kept for it"
    );
    assert!(note(ResumeNote::Removed { was: vec![9] }).starts_with("the entry for line 9 answers no input line now"));
}
