//! `zkseal`: import → quantize → (commit → setup → prove → verify, in later issues).
//!
//! Each subcommand lives in `commands/`, a clap struct with `run()`. Errors print as
//! one line on stderr with exit code 1 (clap's usage errors exit 2).

mod commands;
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
    /// Describe a model file: layers, shapes, scales, bit widths, digests.
    Inspect(commands::inspect::Inspect),
    /// Write the weight-free architecture file (.zka) of a model.
    Arch(commands::arch::Arch),
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Import(c) => c.run(),
        Command::Infer(c) => c.run(),
        Command::Inspect(c) => c.run(),
        Command::Arch(c) => c.run(),
    };
    if let Err(e) = result {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}
