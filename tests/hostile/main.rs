//! The hostile-input suite: what a verifier embedded in a client, or a prover serving
//! requests, may be handed. Every case ends in a typed refusal; none in a panic, a hang,
//! an allocation the input does not justify, or an accepted forgery.
//!
//! Elsewhere: every truncation and damaged byte of a model file (`model_file.rs`),
//! every bit flip of every fixture's proof (`proofs.rs`), absurd ONNX dimensions
//! (`circuits/onnx/src/tests.rs`), hostile CLI files (`cli/tests/`). The fuzz targets
//! under `tests/fuzz/` search the same inputs at random.

mod json;
mod keys;
mod points;

use std::sync::OnceLock;

use zkseal_tests::{op_fixture, op_model, prove_model, Proved};
use zkseal_verifier::CommitmentScheme;

/// A proof of one inference of the smallest single-op model (6 inputs, 4 outputs), so
/// that every byte and bit of its files can be tried in a test.
fn tiny(scheme: CommitmentScheme) -> &'static Proved {
    static LEGO: OnceLock<Proved> = OnceLock::new();
    static POSEIDON: OnceLock<Proved> = OnceLock::new();
    let cell = match scheme {
        CommitmentScheme::Lego => &LEGO,
        _ => &POSEIDON,
    };
    cell.get_or_init(|| {
        let input = op_fixture("gemm_plain").inputs[0].clone();
        prove_model(op_model("gemm_plain"), &[input], 5, scheme)
    })
}

/// Runs `f(0..n)` on every core. Plain threads, not rayon: verification uses rayon
/// inside, and a rayon worker waiting on it would steal further cases onto its own
/// stack until it overflows.
fn each_in_parallel(n: usize, f: impl Fn(usize) + Sync) {
    let threads = std::thread::available_parallelism().map_or(2, |t| t.get());
    std::thread::scope(|s| {
        for t in 0..threads {
            let f = &f;
            s.spawn(move || (t..n).step_by(threads).for_each(f));
        }
    });
}

const SCHEMES: [CommitmentScheme; 2] = [CommitmentScheme::Lego, CommitmentScheme::Poseidon];
