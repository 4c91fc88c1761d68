//! `zkseal export snarkjs --vk VERIFYING_KEY --commitment COMMITMENT.json PROOF.json -o DIR`
//! `zkseal export solidity --vk VERIFYING_KEY --commitment COMMITMENT.json -o Verifier.sol`
//! `zkseal export calldata --vk VERIFYING_KEY --commitment COMMITMENT.json PROOF.json -o CALLDATA.json`

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use zkseal_verifier::{Checked, CommitmentRecord, ProofBundle, Verifier, VerifyError};

use super::FileKind;
use crate::export::{snarkjs, solidity};
use crate::files::{read_limited, write_atomic};

/// Largest key, record or bundle read.
const MAX_BYTES: usize = 64 << 20;

#[derive(Args)]
pub struct Export {
    #[command(subcommand)]
    format: Format,
}

#[derive(Subcommand)]
enum Format {
    /// snarkjs's verification_key.json, proof.json and public.json (Poseidon scheme).
    Snarkjs(Snarkjs),
    /// A Solidity verifier contract for one model's key and commitment (both schemes).
    Solidity(Solidity),
    /// The arguments of the Solidity contract's `verify` for one proof, as JSON.
    Calldata(Calldata),
}

impl Export {
    pub fn run(self) -> Result<()> {
        match self.format {
            Format::Snarkjs(c) => c.run(),
            Format::Solidity(c) => c.run(),
            Format::Calldata(c) => c.run(),
        }
    }
}

#[derive(Args)]
struct Snarkjs {
    #[command(flatten)]
    key: KeyAndRecord,
    /// The proof bundle (from `zkseal prove`); it must verify.
    proof: PathBuf,
    /// The directory to write the three files to.
    #[arg(short, long)]
    output: PathBuf,
}

impl Snarkjs {
    fn run(self) -> Result<()> {
        let verifier = self.key.verifier("to snarkjs")?;
        let (_, checked) = load_proof(&verifier, &self.proof)?;
        let files = snarkjs::files(&verifier, &checked)?;
        std::fs::create_dir_all(&self.output).with_context(|| format!("cannot create {}", self.output.display()))?;
        for (name, value) in [
            ("verification_key.json", &files.verification_key),
            ("proof.json", &files.proof),
            ("public.json", &files.public),
        ] {
            write_atomic(&self.output.join(name), serde_json::to_string_pretty(value)?.as_bytes())?;
        }
        println!("wrote verification_key.json, proof.json, public.json to {}", self.output.display());
        Ok(())
    }
}

#[derive(Args)]
struct Solidity {
    #[command(flatten)]
    key: KeyAndRecord,
    /// The contract's source file to write.
    #[arg(short, long)]
    output: PathBuf,
}

impl Solidity {
    fn run(self) -> Result<()> {
        let verifier = self.key.verifier("to the EVM as a Solidity contract")?;
        let source = solidity::contract(&verifier)?;
        write_atomic(&self.output, source.as_bytes())?;
        println!("wrote contract ZksealVerifier to {}", self.output.display());
        Ok(())
    }
}

#[derive(Args)]
struct Calldata {
    #[command(flatten)]
    key: KeyAndRecord,
    /// The proof bundle (from `zkseal prove`); it must verify.
    proof: PathBuf,
    /// The JSON file to write: `{"proof": [8 decimal words], "values": [integers]}`.
    #[arg(short, long)]
    output: PathBuf,
}

impl Calldata {
    fn run(self) -> Result<()> {
        let verifier = self.key.verifier("to the EVM as calldata")?;
        let (bundle, checked) = load_proof(&verifier, &self.proof)?;
        let values: Vec<i64> = bundle.input.iter().chain(&bundle.output).copied().collect();
        let calldata = solidity::calldata(&checked, &values);
        write_atomic(&self.output, serde_json::to_string_pretty(&calldata)?.as_bytes())?;
        println!("wrote the arguments of verify(proof, values) to {}", self.output.display());
        Ok(())
    }
}

/// The verifying key and the commitment record every export starts from.
#[derive(Args)]
struct KeyAndRecord {
    /// The verifying key (from `zkseal setup`).
    #[arg(long)]
    vk: PathBuf,
    /// The model's commitment record.
    #[arg(long)]
    commitment: PathBuf,
}

impl KeyAndRecord {
    /// The verifier for the key and record; `to` names the export, for the refusal of a
    /// key that cannot be exported.
    fn verifier(&self, to: &str) -> Result<Verifier> {
        let key = read_limited(&self.vk, MAX_BYTES)?;
        match FileKind::of(&key) {
            FileKind::VerifyingKey | FileKind::Unknown => {}
            FileKind::Halo2Key => bail!(
                "{} is a halo2 verifying key: halo2 proofs (PLONK with IPA over the Pasta curves) cannot be \
                 exported {to}, which checks Groth16 proofs over BN254 only; run `zkseal setup` with \
                 `--backend groth16` (the default), then commit and prove with those keys",
                self.vk.display()
            ),
            FileKind::ProvingKey => {
                bail!(
                    "{} is a proving key; pass the verifying key, verifying.key in the same directory",
                    self.vk.display()
                )
            }
            kind => bail!("{} (--vk) is {}, not a verifying key", self.vk.display(), kind.describe()),
        }
        let bytes = read_limited(&self.commitment, MAX_BYTES)?;
        let record: CommitmentRecord = serde_json::from_slice(&bytes).with_context(|| match FileKind::of(&bytes) {
            FileKind::Record | FileKind::Unknown => format!("{}", self.commitment.display()),
            kind => {
                format!("{} (--commitment) is {}, not a commitment record", self.commitment.display(), kind.describe())
            }
        })?;
        Verifier::new(&key, &record).with_context(|| format!("{}", self.vk.display()))
    }
}

/// The bundle at `path`, checked and verified: only a proof zkseal accepts is exported,
/// so the other verifier should agree, not be the first to look.
fn load_proof(verifier: &Verifier, path: &Path) -> Result<(ProofBundle, Checked)> {
    let bundle: ProofBundle =
        serde_json::from_slice(&read_limited(path, MAX_BYTES)?).with_context(|| format!("{}", path.display()))?;
    let checked = verifier.check(&bundle).with_context(|| format!("{}: nothing exported", path.display()))?;
    if !verifier.holds(&checked) {
        bail!("{}: {}; nothing exported", path.display(), VerifyError::PairingCheckFailed);
    }
    Ok((bundle, checked))
}
