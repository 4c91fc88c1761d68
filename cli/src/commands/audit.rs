//! `zkseal audit MODEL.zkq --salt SALT_FILE --commitment RECORD.json [--pk KEYS_DIR/proving.key] [--json]`
//!
//! The auditor's check of a commitment record, given the weights and the salt (shown
//! under agreement): every value in the record is recomputed with the functions
//! `zkseal commit` uses (`commitment_record`) and reported as match, mismatch
//! (expected and found), not checked (and why) or absent.
//!
//! Exit 0: every value present in the record was recomputed and matches. Exit 1: a
//! mismatch, or a value present that could not be checked (a commitment point without
//! `--pk`). Exit 2: a file is unreadable or malformed, or the proving key is for another
//! architecture. The salt is never printed: every line out is scrubbed of it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args;
use serde_json::{json, Value};
use zkseal_core::format::hex;
use zkseal_core::Model;
use zkseal_prover::commit::{commitment_record, SaltFile};
use zkseal_prover::keys::ProvingKeyFile;
use zkseal_prover::ProverError;
use zkseal_verifier::{CommitmentRecord, CommitmentScheme};

use super::{key_backend, load_model, peek_proving_key, read_proving_key, MAX_KEY_BYTES};
use crate::files::{read_limited, read_text};
use zkseal_prover::backend::Backend;

/// Largest commitment record read.
const MAX_RECORD_BYTES: usize = 1 << 20;

#[derive(Args)]
pub struct Audit {
    /// The quantized model file (the weights the record should commit to).
    model: PathBuf,
    /// The secret salt file the owner committed with (from `zkseal commit`).
    #[arg(long)]
    salt: PathBuf,
    /// The public commitment record to audit.
    #[arg(long)]
    commitment: PathBuf,
    /// The Lego proving key (from `zkseal setup`): needed to recompute a
    /// `commitment_point` and its `vk_digest`. A halo2 key is accepted and not needed.
    #[arg(long)]
    pk: Option<PathBuf>,
    /// Print one JSON object: `ok` and a per-field `fields` array.
    #[arg(long)]
    json: bool,
}

/// What became of one value of the record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    Match,
    Mismatch,
    NotChecked,
    /// Not in the record (a Poseidon record's point, a version 2 record's Pallas value).
    Absent,
}

impl Status {
    fn name(self) -> &'static str {
        match self {
            Status::Match => "match",
            Status::Mismatch => "mismatch",
            Status::NotChecked => "not_checked",
            Status::Absent => "absent",
        }
    }

    fn text(self) -> &'static str {
        match self {
            Status::NotChecked => "not checked",
            s => s.name(),
        }
    }
}

struct Check {
    field: &'static str,
    status: Status,
    /// The recomputed value.
    expected: Option<String>,
    /// The record's value.
    found: Option<String>,
    reason: Option<String>,
}

impl Check {
    fn new(field: &'static str, status: Status) -> Self {
        Check { field, status, expected: None, found: None, reason: None }
    }

    /// Compares the recomputed `expected` with the record's `found`.
    fn compare(field: &'static str, expected: String, found: &str, same: fn(&str, &str) -> bool) -> Self {
        let status = if same(&expected, found) { Status::Match } else { Status::Mismatch };
        Check { expected: Some(expected), found: Some(found.to_string()), ..Check::new(field, status) }
    }

    fn not_checked(field: &'static str, found: &str, reason: impl Into<String>) -> Self {
        Check { found: Some(found.to_string()), reason: Some(reason.into()), ..Check::new(field, Status::NotChecked) }
    }

    fn absent(field: &'static str, reason: &str) -> Self {
        Check { reason: Some(reason.to_string()), ..Check::new(field, Status::Absent) }
    }

    fn because(mut self, reason: impl Into<String>) -> Self {
        if self.status != Status::Match {
            self.reason = Some(reason.into());
        }
        self
    }

    fn to_json(&self) -> Value {
        let mut out = json!({ "field": self.field, "status": self.status.name() });
        if self.status == Status::Match {
            out["value"] = json!(self.found);
        } else {
            for (name, v) in [("expected", &self.expected), ("found", &self.found), ("reason", &self.reason)] {
                if let Some(v) = v {
                    out[name] = json!(v);
                }
            }
        }
        out
    }

    fn to_text(&self) -> String {
        let mut line = format!("{:<20} {}", self.field, self.status.text());
        match self.status {
            Status::Match => {
                let _ = write!(line, "  {}", self.found.as_deref().unwrap_or_default());
            }
            Status::Mismatch => {
                let (e, f) = (self.expected.as_deref().unwrap_or("-"), self.found.as_deref().unwrap_or("(absent)"));
                let _ = write!(line, ": expected {e}, found {f}");
            }
            Status::NotChecked | Status::Absent => {}
        }
        if let Some(r) = &self.reason {
            let sep = if self.status == Status::Mismatch { " (" } else { ": " };
            let _ = write!(line, "{sep}{r}{}", if self.status == Status::Mismatch { ")" } else { "" });
        }
        line
    }
}

/// `labels` or `head`, the owner's unproven claims about how to read the outputs: the
/// auditor can still say whether they are the model file's. A record without one (older
/// records never carry them) is not faulted for it.
fn claim_check(field: &'static str, found: Option<String>, expected: Option<String>) -> Check {
    match (found, expected) {
        (None, _) => Check::absent(field, "the record makes no such claim"),
        (Some(found), Some(expected)) => Check::compare(field, expected, &found, str::eq),
        (Some(found), None) => Check::compare(field, "(none)".into(), &found, str::eq)
            .because("the model file has none: the record claims what the model does not say"),
    }
}

/// The proving key given with `--pk`, as far as the audit can use it.
enum Key {
    None,
    /// A halo2 key: it opens `commitment_pallas`, which needs no key to recompute.
    Halo2,
    Groth16(Box<ProvingKeyFile>),
}

impl Audit {
    /// The process exit code.
    pub fn run(self) -> i32 {
        let mut secret = None;
        let (code, out) = match self.audit(&mut secret) {
            Ok(checks) => {
                let ok = checks.iter().all(|c| matches!(c.status, Status::Match | Status::Absent));
                (if ok { 0 } else { 1 }, self.render(&checks, ok))
            }
            Err(e) if self.json => (2, json!({ "ok": false, "error": format!("{e:#}") }).to_string()),
            Err(e) => (2, format!("error: {e:#}")),
        };
        let out = scrub(&out, secret.as_deref());
        if code == 2 && !self.json {
            eprintln!("{out}");
        } else {
            println!("{out}");
        }
        code
    }

    /// Recomputes every value; `secret` receives the salt's hex as soon as it is read,
    /// so that nothing printed afterwards can show it.
    fn audit(&self, secret: &mut Option<String>) -> Result<Vec<Check>> {
        let model = load_model(&self.model)?;
        let model_id = hex(&model.model_id());
        let at = |p: &Path| format!("{}", p.display());

        let salt_file = SaltFile::parse(&read_text(&self.salt, 4096)?).with_context(|| at(&self.salt))?;
        let (salt, salt_check) = match salt_file.salt_for(&model) {
            Ok(salt) => (salt, Check::compare("salt_file.model_id", model_id.clone(), &model_id, str::eq)),
            Err(ProverError::SaltMismatch { salt, .. }) => {
                let check = Check::compare("salt_file.model_id", model_id.clone(), &salt, str::eq).because(format!(
                    "{} was drawn for another model; the values below are recomputed with its salt all the same",
                    self.salt.display()
                ));
                // The rest of the file is checked (version, salt) as for this model.
                let file = SaltFile { model_id: model_id.clone(), ..salt_file };
                (file.salt_for(&model).with_context(|| at(&self.salt))?, check)
            }
            Err(e) => return Err(e).with_context(|| at(&self.salt)),
        };
        *secret = Some(hex(&salt.0));

        let record: CommitmentRecord = serde_json::from_slice(&read_limited(&self.commitment, MAX_RECORD_BYTES)?)
            .with_context(|| format!("{}: malformed commitment record", self.commitment.display()))?;
        record.check_version().with_context(|| at(&self.commitment))?;

        let key = match &self.pk {
            None => Key::None,
            Some(pk) if key_backend(pk)? == Backend::Halo2 => {
                // Not needed, but a damaged file is still reported as one.
                zkseal_halo2::keys::KeyFile::from_bytes(&read_limited(pk, MAX_KEY_BYTES)?).with_context(|| at(pk))?;
                Key::Halo2
            }
            Some(pk) => Key::Groth16(Box::new(groth16_key(pk, &model)?)),
        };
        let groth16 = match &key {
            Key::Groth16(k) => Some(k.as_ref()),
            _ => None,
        };
        // What `zkseal commit` would have written for this model, salt and key.
        let fresh = commitment_record(&model, &salt, groth16).context("cannot recompute the commitment record")?;

        let mut checks = vec![salt_check, scheme_check(&record)];
        checks.push(Check::compare("model_id", fresh.model_id.clone(), &record.model_id, str::eq));
        checks.push(Check::compare(
            "architecture_digest",
            fresh.architecture_digest.clone(),
            &record.architecture_digest,
            str::eq,
        ));
        checks.push(Check::compare("commitment", fresh.commitment.clone(), &record.commitment, str::eq));
        let (point, vk) = lego_checks(&record, &fresh, &key);
        checks.extend([point, vk]);
        checks.push(match (&record.commitment_pallas, &fresh.commitment_pallas) {
            (None, _) => Check::absent(
                "commitment_pallas",
                "the record has none (a version 2 record, or one written before the halo2 backend)",
            ),
            (Some(found), Some(expected)) => Check::compare("commitment_pallas", expected.clone(), found, str::eq),
            (Some(found), None) => Check::not_checked("commitment_pallas", found, "not recomputed"),
        });
        let list = |labels: &[String]| (!labels.is_empty()).then(|| json!(labels).to_string());
        checks.push(claim_check("labels", list(&record.labels), list(&fresh.labels)));
        checks.push(claim_check("head", record.head.clone(), fresh.head.clone()));
        Ok(checks)
    }

    fn render(&self, checks: &[Check], ok: bool) -> String {
        if self.json {
            return json!({
                "ok": ok,
                "model": self.model.display().to_string(),
                "commitment": self.commitment.display().to_string(),
                "fields": checks.iter().map(Check::to_json).collect::<Vec<_>>(),
            })
            .to_string();
        }
        let mut out: Vec<String> = checks.iter().map(Check::to_text).collect();
        let named = |s: Status| {
            let fields: Vec<_> = checks.iter().filter(|c| c.status == s).map(|c| c.field).collect();
            (!fields.is_empty()).then(|| format!("{}: {}", s.text(), fields.join(", ")))
        };
        out.push(if ok {
            "ok: every value in the record was recomputed from the model and salt and matches".to_string()
        } else {
            let what: Vec<_> = [Status::Mismatch, Status::NotChecked].into_iter().filter_map(named).collect();
            format!("not ok: {}", what.join("; "))
        });
        out.join("\n")
    }
}

/// `commitment_point` and `vk_digest`: recomputed only with the Lego proving key.
fn lego_checks(record: &CommitmentRecord, fresh: &CommitmentRecord, key: &Key) -> (Check, Check) {
    let pass = "pass --pk KEYS/proving.key (the Lego setup's proving key the record was made with)";
    let unusable = match key {
        Key::None => Some(format!("the value depends on the proving key: {pass}")),
        Key::Halo2 => Some(format!("--pk is a halo2 key, which opens commitment_pallas only: {pass}")),
        Key::Groth16(k) if k.commitment_key.is_none() => {
            Some(format!("--pk is a {} key, which has no commitment key: {pass}", k.header.scheme.name()))
        }
        Key::Groth16(_) => None,
    };
    let (Some(expected_point), Some(expected_vk)) = (&fresh.commitment_point, &fresh.vk_digest) else {
        let reason = unusable.unwrap_or_else(|| format!("not recomputed: {pass}"));
        let one = |field, value: &Option<String>| match value {
            None => Check::absent(field, "the record has none (Poseidon scheme)"),
            Some(found) => Check::not_checked(field, found, reason.clone()),
        };
        return (one("commitment_point", &record.commitment_point), one("vk_digest", &record.vk_digest));
    };
    let vk = match &record.vk_digest {
        None => Check::absent("vk_digest", "the record has none"),
        Some(found) => Check::compare("vk_digest", expected_vk.clone(), found, str::eq)
            .because("the record names other keys than --pk"),
    };
    let point = match &record.commitment_point {
        None => Check::absent("commitment_point", "the record has none"),
        Some(found) if vk.status == Status::Mismatch => Check::not_checked(
            "commitment_point",
            found,
            "the point is relative to the keys the record's vk_digest names, and --pk is not them: pass that \
             setup's proving key",
        ),
        // Compared as points: the hex case does not matter (`specs/commitment.md` §2.5).
        Some(found) => Check::compare("commitment_point", expected_point.clone(), found, str::eq_ignore_ascii_case),
    };
    (point, vk)
}

/// The scheme the record names must agree with the fields it holds: a Lego record has
/// `commitment_point` and `vk_digest`, a Poseidon record neither.
fn scheme_check(record: &CommitmentRecord) -> Check {
    let (point, vk) = (record.commitment_point.is_some(), record.vk_digest.is_some());
    let expected = if point || vk { CommitmentScheme::Lego } else { CommitmentScheme::Poseidon };
    let named = CommitmentScheme::from_name(&record.scheme);
    let status = if named == Some(expected) && point == vk { Status::Match } else { Status::Mismatch };
    let shape = "a Lego record holds commitment_point and vk_digest, a Poseidon record neither";
    Check {
        expected: Some(expected.name().to_string()),
        found: Some(record.scheme.clone()),
        ..Check::new("scheme", status)
    }
    .because(if named.is_none() { format!("an unknown scheme; {shape}") } else { shape.to_string() })
}

/// A Groth16 proving key for `model`'s architecture (the header is checked before a key
/// that may be gigabytes is read).
fn groth16_key(path: &Path, model: &Model) -> Result<ProvingKeyFile> {
    let header = peek_proving_key(path)?;
    let digest = model.architecture_digest();
    if header.architecture_digest != digest {
        bail!(
            "{}: the proving key is for architecture {}, the model's is {}: pass the key `zkseal setup` made from \
             this model's architecture",
            path.display(),
            hex(&header.architecture_digest),
            hex(&digest)
        );
    }
    read_proving_key(path)
}

/// `text` with every occurrence of the salt's hex (any case) replaced by `<salt>`.
fn scrub(text: &str, secret: Option<&str>) -> String {
    let Some(secret) = secret.filter(|s| !s.is_empty()) else { return text.to_string() };
    // ASCII lower-casing keeps every byte offset, so matches index `text` directly.
    let (lower, secret) = (text.to_ascii_lowercase(), secret.to_ascii_lowercase());
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    while let Some(at) = lower[rest..].find(&secret) {
        out.push_str(&text[rest..rest + at]);
        out.push_str("<salt>");
        rest += at + secret.len();
    }
    out.push_str(&text[rest..]);
    out
}
