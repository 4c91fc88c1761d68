//! `zkseal`: import → quantize → commit → setup → prove → verify.
//!
//! Each subcommand lives in `commands/`, a clap struct with `run()`. Errors print as
//! one line on stderr with exit code 1 (clap's usage errors exit 2); `verify` has its
//! own codes, and `prove --batch` exits 124 when `--timeout` stopped it and 130 when a
//! signal did (the proofs file holds what was done; the same command resumes).

mod commands;
mod export;
mod files;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "zkseal", version, about = "Zero-knowledge proofs of model inference")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import an ONNX model, calibrate and quantize it into a .zkq model file.
    Import(commands::import::Import),
    /// Run the quantized model (the exact integer semantics) on inputs.
    Infer(commands::infer::Infer),
    /// Measure the quantized model on your own test data: against the float model (with
    /// --onnx) and against the labels or targets the data carries.
    Evaluate(commands::evaluate::Evaluate),
    /// Describe a model file: layers, shapes, scales, bit widths, digests.
    Inspect(commands::inspect::Inspect),
    /// Write the weight-free architecture file (.zka) of a model.
    Arch(commands::arch::Arch),
    /// Commit to a model's weights: public record + secret salt file.
    Commit(commands::commit::Commit),
    /// Make proving and verifying keys from a model's architecture alone.
    Setup(commands::setup::Setup),
    /// Prove one inference of a committed model.
    Prove(commands::prove::Prove),
    /// Verify a proof bundle (exit 0 valid, 1 invalid, 2 malformed).
    Verify(commands::verify::Verify),
    /// Write a proof, or a key and commitment, for other verifiers (snarkjs, Solidity).
    Export(commands::export::Export),
    /// Recompute every value of a commitment record from the weights and salt (auditors).
    Audit(commands::audit::Audit),
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Import(c) => c.run(),
        Command::Infer(c) => c.run(),
        Command::Evaluate(c) => c.run(),
        Command::Inspect(c) => c.run(),
        Command::Arch(c) => c.run(),
        Command::Commit(c) => c.run(),
        Command::Setup(c) => c.run(),
        Command::Prove(c) => c.run(),
        Command::Verify(c) => std::process::exit(c.run()),
        Command::Export(c) => c.run(),
        Command::Audit(c) => std::process::exit(c.run()),
    };
    if let Err(e) = result {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}
