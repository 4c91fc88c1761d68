//! `zkseal commit MODEL.zkq --pk KEYS_DIR/proving.key -o COMMITMENT.json --salt SALT_FILE`
//! (or `--scheme poseidon` without keys)

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Args;
use rand::rngs::OsRng;
use zkseal_prover::commit::{commitment_record, fresh_salt, SaltFile};

use super::{key_backend, load_model, load_proving_key, SchemeArg};
use crate::files::{read_text, write_atomic, write_atomic_mode};
use zkseal_prover::backend::Backend;

#[derive(Args)]
pub struct Commit {
    /// The quantized model file.
    model: PathBuf,
    /// Where to write the public commitment record.
    #[arg(short, long)]
    output: PathBuf,
    /// Where to write the secret salt (mode 0600). Keep it: proving needs it.
    #[arg(long)]
    salt: PathBuf,
    /// Commit with the salt already in SALT_FILE instead of drawing a new one.
    #[arg(long)]
    reuse_salt: bool,
    /// The proving key (from `zkseal setup`): the Lego scheme's commitment point is
    /// made with its commitment key. The record takes the key's scheme.
    #[arg(long)]
    pk: Option<PathBuf>,
    /// The scheme (default: the key's; the Poseidon scheme needs no key).
    #[arg(long, value_enum)]
    scheme: Option<SchemeArg>,
}

impl Commit {
    pub fn run(self) -> Result<()> {
        let model = load_model(&self.model)?;
        let key = match (&self.pk, self.scheme) {
            // halo2 keys open the record's Pallas commitment, which every record holds.
            (Some(pk), None | Some(SchemeArg::Poseidon)) if key_backend(pk)? == Backend::Halo2 => None,
            (Some(pk), scheme) => Some(load_proving_key(pk, &model.arch, scheme)?),
            (None, Some(SchemeArg::Poseidon)) => None,
            (None, _) => bail!("the Lego scheme (the default) commits with the keys: pass --pk KEYS_DIR/proving.key"),
        };
        if self.reuse_salt && !self.salt.exists() {
            bail!("--reuse-salt: {} does not exist", self.salt.display());
        }
        let (salt, fresh) = if self.salt.exists() {
            if !self.reuse_salt {
                bail!("{} exists; pass --reuse-salt to commit with the salt it holds", self.salt.display());
            }
            let file =
                SaltFile::parse(&read_text(&self.salt, 4096)?).with_context(|| format!("{}", self.salt.display()))?;
            (file.salt_for(&model).with_context(|| format!("{}", self.salt.display()))?, false)
        } else {
            (fresh_salt(&mut OsRng), true)
        };
        // The record first: a refused commitment leaves no salt file behind.
        let record = commitment_record(&model, &salt, key.as_ref())?;
        if fresh {
            let file = serde_json::to_string_pretty(&SaltFile::new(&model, &salt))?;
            write_atomic_mode(&self.salt, file.as_bytes(), 0o600)?;
        }
        write_atomic(&self.output, serde_json::to_string_pretty(&record)?.as_bytes())?;
        match &record.commitment_point {
            Some(point) => println!("wrote {} ({}, commitment point {point})", self.output.display(), record.scheme),
            None => println!("wrote {} ({}, commitment {})", self.output.display(), record.scheme, record.commitment),
        }
        println!("salt in {} (secret, mode 0600)", self.salt.display());
        Ok(())
    }
}
