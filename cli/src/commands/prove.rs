//! `zkseal prove MODEL.zkq --pk KEYS_DIR/proving.key --salt SALT_FILE --input INPUT.json -o PROOF.json`
//! `zkseal prove MODEL.zkq --pk … --salt … --batch INPUTS.jsonl -o PROOFS.jsonl`

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use zkseal_core::format::hex;
use zkseal_core::input::{parse_input, parse_samples};
use zkseal_core::Model;
use zkseal_halo2::keys::KeyFile as Halo2KeyFile;
use zkseal_prover::backend::Backend;
use zkseal_prover::batch::{prove_batch, BatchProver};
use zkseal_prover::commit::SaltFile;
use zkseal_prover::ProverError;
use zkseal_verifier::{CommitmentRecord, ProofBundle};

use super::{check_proving_key, key_backend, load_model, peek_proving_key, BackendArg, SchemeArg, MAX_KEY_BYTES};
use crate::files::{read_limited, read_text, write_atomic, MAX_INPUT_BYTES};

#[derive(Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["input", "batch"])))]
pub struct Prove {
    /// The quantized model file.
    model: PathBuf,
    /// The proving key (from `zkseal setup`); proofs use its commitment scheme.
    #[arg(long)]
    pk: PathBuf,
    /// Refuse a key of another proof system (the key decides: a halo2 key proves with
    /// halo2).
    #[arg(long, value_enum)]
    backend: Option<BackendArg>,
    /// Refuse a key of another commitment scheme.
    #[arg(long, value_enum)]
    scheme: Option<SchemeArg>,
    /// The secret salt file (from `zkseal commit`).
    #[arg(long)]
    salt: PathBuf,
    /// The input: {"input": [...]} or {"input_data": [[...]]}. With a key of B > 1
    /// inferences per proof: B inputs, one per line (JSONL), or one object holding the
    /// B inputs' values one after another.
    #[arg(long)]
    input: Option<PathBuf>,
    /// Many inputs (JSONL, one per line), proved in parallel into a JSONL proofs file
    /// ({"line": N, "bundle": {...}} or {"line": N, "error": "..."} per line; with a key
    /// of B > 1 inferences per proof, each B consecutive lines share one proof, listed
    /// in "lines"). Re-running skips the inputs already proved, byte for byte: an entry
    /// whose line changed, moved or went is re-proved, renumbered or removed (the file
    /// is rewritten), and each is named on stderr. A killed run loses no finished proof.
    #[arg(long)]
    batch: Option<PathBuf>,
    /// The published commitment record, checked against the model and salt.
    #[arg(long)]
    commitment: Option<PathBuf>,
    /// Where to write the proof bundle.
    #[arg(short, long)]
    output: PathBuf,
    /// Print the result as one JSON object (no progress bar).
    #[arg(long)]
    json: bool,
    /// --batch: stop starting proofs after this long (e.g. 90s, 45m, 8h; plain numbers
    /// are seconds), keep what is written, exit 124; the same command resumes. Ctrl-C
    /// or SIGTERM stops the same way (exit 130); a second Ctrl-C stops at once.
    #[arg(long, value_parser = parse_duration, requires = "batch")]
    timeout: Option<Duration>,
}

/// `N`, `Ns`, `Nm` or `Nh`.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let (digits, unit) = match text.trim().char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&text.trim()[..i], c),
        _ => (text.trim(), 's'),
    };
    let n: u64 = digits.parse().map_err(|_| format!("'{text}' is not a duration like 90s, 45m or 8h"))?;
    let scale = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        _ => return Err(format!("'{text}': the unit must be s, m or h")),
    };
    n.checked_mul(scale).map(Duration::from_secs).ok_or_else(|| format!("'{text}' is too long"))
}

impl Prove {
    pub fn run(self) -> Result<()> {
        let model = load_model(&self.model)?;
        let salt_file =
            SaltFile::parse(&read_text(&self.salt, 4096)?).with_context(|| format!("{}", self.salt.display()))?;
        let salt = match salt_file.salt_for(&model) {
            Err(ProverError::SaltMismatch { salt, model: now }) => {
                return Err(self.model_changed("salt file", &self.salt, &salt, &now, &model))
            }
            salt => salt.with_context(|| format!("{}", self.salt.display()))?,
        };
        let record: Option<CommitmentRecord> = match &self.commitment {
            Some(p) => Some(serde_json::from_str(&read_text(p, 1 << 16)?).with_context(|| format!("{}", p.display()))?),
            None => None,
        };
        if let (Some(r), Some(path)) = (&record, &self.commitment) {
            let now = hex(&model.model_id());
            if r.model_id != now {
                return Err(self.model_changed("commitment record", path, &r.model_id, &now, &model));
            }
        }
        let backend = key_backend(&self.pk)?;
        if let Some(want) = self.backend.map(BackendArg::backend) {
            if want != backend {
                bail!("{} is a {} key, not a {} one", self.pk.display(), backend.name(), want.name());
            }
        }
        let limit = match backend {
            Backend::Groth16 => {
                check_proving_key(&self.pk, &model.arch, self.scheme)?;
                MAX_KEY_BYTES
            }
            Backend::Halo2 if self.scheme == Some(SchemeArg::Lego) => bail!("halo2 keys use the Poseidon scheme"),
            Backend::Halo2 => MAX_HALO2_KEY_BYTES,
        };
        let key = read_limited(&self.pk, limit)?;
        let prover = backend
            .system()
            .prover(&model, &key, &salt, record.as_ref())
            .with_context(|| format!("{}", self.pk.display()))?;
        drop(key);
        if let Some(batch) = &self.batch {
            return run_batch(prover.as_ref(), batch, &self.output, self.json, self.timeout);
        }
        let inputs = self.inputs(prover.inferences(), model.arch.input.len())?;
        let refs: Vec<&[f64]> = inputs.iter().map(Vec::as_slice).collect();
        let tag = if backend == Backend::Halo2 { "halo2, " } else { "" };
        self.write(&prover.prove_inputs(&refs)?, tag)
    }

    /// The refusal of a salt file or record that `commit` made for model `made_for`
    /// when the model file is now `now`: most often a model re-imported after `commit`.
    /// Says what to run again, `setup` too when the key no longer fits the model.
    fn model_changed(&self, what: &str, path: &Path, made_for: &str, now: &str, model: &Model) -> anyhow::Error {
        let digest = model.architecture_digest();
        let key = match self.key_architecture() {
            Ok(k) if k == digest => format!(
                "the proving key {} still fits: the architecture is the same ({})",
                self.pk.display(),
                hex(&digest)
            ),
            Ok(k) => format!(
                "the architecture changed too (the proving key {} is for {}, the model's is now {}), so first run `zkseal setup` on the new architecture, then `commit` with the new key",
                self.pk.display(),
                hex(&k),
                hex(&digest)
            ),
            Err(e) => format!("the proving key could not be read to compare architectures ({e:#})"),
        };
        anyhow!(
            "{}: this {what} was made by `zkseal commit` for model {made_for}, but {} is now model {now}: the model file changed since `commit` (re-imported?), or the {what} belongs to another model. Run `zkseal commit {}` again for a new salt file and record, and publish the new record; {key}",
            path.display(),
            self.model.display(),
            self.model.display()
        )
    }

    /// The architecture digest the proving key is for (Groth16: from its header alone).
    fn key_architecture(&self) -> Result<[u8; 32]> {
        if key_backend(&self.pk)? == Backend::Halo2 {
            let key = Halo2KeyFile::from_bytes(&read_limited(&self.pk, MAX_HALO2_KEY_BYTES)?)?;
            return Ok(key.arch_digest);
        }
        Ok(peek_proving_key(&self.pk)?.architecture_digest)
    }

    /// The `--input` file's inputs: one, or `B` for a key of `B` inferences per proof.
    fn inputs(&self, inferences: usize, input_len: usize) -> Result<Vec<Vec<f64>>> {
        let path = self.input.as_ref().expect("clap requires --input or --batch");
        let text = read_text(path, MAX_INPUT_BYTES)?;
        let at = || format!("{}", path.display());
        Ok(match inferences {
            1 => vec![parse_input(&text).with_context(at)?],
            _ => parse_samples(&text, input_len).with_context(at)?,
        })
    }

    /// Writes the bundle and reports it.
    fn write(&self, bundle: &ProofBundle, tag: &str) -> Result<()> {
        write_atomic(&self.output, serde_json::to_string_pretty(bundle)?.as_bytes())?;
        if self.json {
            let out = json!({ "proof": self.output, "inferences": bundle.inferences, "output": bundle.output_float });
            println!("{out}");
        } else {
            println!("wrote {} ({tag}output {:?})", self.output.display(), bundle.output_float);
        }
        Ok(())
    }
}

/// Largest halo2 key read (the file holds the architecture, not the key itself).
const MAX_HALO2_KEY_BYTES: usize = 64 << 20;

/// `--batch`: a progress bar (count, rate, ETA) when stderr is a terminal and the
/// output is not JSON; stops between chunks at the deadline or on a signal.
fn run_batch(
    prover: &dyn BatchProver,
    inputs: &Path,
    output: &Path,
    json: bool,
    timeout: Option<Duration>,
) -> Result<()> {
    let interrupted = Arc::new(AtomicBool::new(false));
    let flag = interrupted.clone();
    ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            // The second signal: stop now. At worst a torn last line, which the next
            // run cuts.
            std::process::exit(130);
        }
        eprintln!("stopping after the proofs in progress (again to stop now)");
    })
    .context("cannot install the signal handler")?;
    let deadline = timeout.map(|t| Instant::now() + t);
    let timed_out = || deadline.is_some_and(|d| Instant::now() >= d);
    let stop = || interrupted.load(Ordering::SeqCst) || timed_out();
    let bar = (!json && std::io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} proofs, {per_sec}, ETA {eta}").expect("valid template"),
        );
        bar
    });
    let mut progress = |done: usize, total: usize| {
        if let Some(b) = &bar {
            b.set_length(total as u64);
            b.set_position(done as u64);
        }
    };
    let summary = prove_batch(prover, inputs, output, &mut progress, &stop)?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    for note in summary.notes.iter().take(MAX_NOTES_SHOWN) {
        eprintln!("{}: {note}", inputs.display());
    }
    if summary.notes.len() > MAX_NOTES_SHOWN {
        eprintln!("… and {} more entries not kept as they were", summary.notes.len() - MAX_NOTES_SHOWN);
    }
    if json {
        let out = json!({
            "proofs_file": output,
            "proved": summary.proved,
            "already_there": summary.skipped,
            "failed": summary.failed,
            "reproved": summary.reproved(),
            "moved": summary.moved(),
            "removed": summary.removed(),
            "inferences_per_proof": prover.inferences(),
            "stopped": summary.stopped,
            "remaining": summary.remaining,
        });
        println!("{out}");
    } else {
        let mut resumed: Vec<String> = Vec::new();
        for (n, what) in [
            (summary.reproved(), "re-proved because their input changed"),
            (summary.moved(), "kept for input that moved to other lines"),
            (summary.removed(), "removed: they answer no input line now"),
        ] {
            if n > 0 {
                resumed.push(format!("{n} {what}"));
            }
        }
        let resumed = if resumed.is_empty() { String::new() } else { format!(" ({})", resumed.join("; ")) };
        println!(
            "{}: {} proved, {} already there, {} failed{resumed}",
            output.display(),
            summary.proved,
            summary.skipped,
            summary.failed
        );
    }
    if summary.stopped {
        let (why, code) = if interrupted.load(Ordering::SeqCst) { ("a signal", 130) } else { ("--timeout", 124) };
        eprintln!(
            "stopped by {why}: {} proof(s) left; run the same command again to resume from {}",
            summary.remaining,
            output.display()
        );
        std::process::exit(code);
    }
    if summary.inputs_changed {
        bail!(
            "{} changed while this run read it, so an entry kept from an earlier run may answer an older version of its line; run the same command again to bring {} up to date",
            inputs.display(),
            output.display()
        );
    }
    if summary.failed > 0 {
        bail!("{} proof(s) could not be made; the input lines and reasons are in {}", summary.failed, output.display());
    }
    Ok(())
}

/// Resume notes printed one per line; a file rewritten wholesale gets a count for the
/// rest, not a screenful per line.
const MAX_NOTES_SHOWN: usize = 20;
