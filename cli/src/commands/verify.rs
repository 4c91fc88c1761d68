//! `zkseal verify --vk VERIFYING_KEY --commitment COMMITMENT.json PROOF.json [--json]`
//!
//! Exit 0: valid. Exit 1: invalid (any mismatch of proof, public values, commitment,
//! key). Exit 2: a file is unreadable or malformed.

use std::path::PathBuf;

use clap::Args;
use serde_json::json;
use zkseal_verifier::verify_bytes;

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
    proof: PathBuf,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

impl Verify {
    /// The process exit code.
    pub fn run(self) -> i32 {
        let read = |p: &PathBuf| read_limited(p, MAX_BYTES).map_err(|e| format!("{e:#}"));
        let files = read(&self.vk).and_then(|vk| Ok((vk, read(&self.commitment)?, read(&self.proof)?)));
        let (vk, record, bundle) = match files {
            Ok(f) => f,
            Err(e) => return self.report(2, "unreadable", &e, None),
        };
        match verify_bytes(&vk, &record, &bundle) {
            Ok(v) => self.report(
                0,
                "valid",
                "the proof is valid",
                Some(json!({ "model_id": v.model_id, "output": v.output_float, "output_int": v.output })),
            ),
            Err(e) if e.is_malformed() => self.report(2, "malformed", &e.to_string(), None),
            Err(e) => self.report(1, "invalid", &e.to_string(), None),
        }
    }

    fn report(&self, code: i32, status: &str, reason: &str, detail: Option<serde_json::Value>) -> i32 {
        if self.json {
            let mut out = json!({ "status": status, "valid": code == 0, "reason": reason });
            if let Some(d) = detail {
                out["result"] = d;
            }
            println!("{out}");
        } else if code == 0 {
            println!("valid: {}", detail.map(|d| d["output"].to_string()).unwrap_or_default());
        } else {
            eprintln!("{status}: {reason}");
        }
        code
    }
}
