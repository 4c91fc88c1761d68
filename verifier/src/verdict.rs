//! What a valid proof establishes, and which of the record's commitments it opened.

use crate::bundle::ProofBundle;
use crate::prelude::*;

/// The one commitment of the record that a proof opened: the weights it used are the
/// ones behind this value, and behind no other value of the record (`specs/trust-model.md`
/// §4). The record's other commitments are the owner's claims, which only an audit with
/// the weights and the salt checks (`zkseal audit`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Opened {
    /// Lego scheme: the commitment point `D` (the record's `commitment_point`, hex).
    /// The proof's weights are `D`'s opening under the commitment key of the record's
    /// `vk_digest`. The record's Poseidon `commitment` is not opened.
    CommitmentPoint(String),
    /// Poseidon scheme: the salted Poseidon hash (the record's `commitment`, decimal),
    /// recomputed in the circuit from the proof's weights.
    Commitment(String),
    /// halo2 backend: the salted Poseidon hash over Pallas (the record's
    /// `commitment_pallas`, hex), recomputed in the circuit from the proof's weights.
    CommitmentPallas(String),
}

impl Opened {
    /// The record field that holds the opened commitment.
    pub fn field(&self) -> &'static str {
        match self {
            Opened::CommitmentPoint(_) => "commitment_point",
            Opened::Commitment(_) => "commitment",
            Opened::CommitmentPallas(_) => "commitment_pallas",
        }
    }

    /// The opened commitment, as the record writes it.
    pub fn value(&self) -> &str {
        match self {
            Opened::CommitmentPoint(v) | Opened::Commitment(v) | Opened::CommitmentPallas(v) => v,
        }
    }
}

/// `FIELD VALUE`, as every front end reports it (`commitment_point 52cd…1d88`).
impl core::fmt::Display for Opened {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} {}", self.field(), self.value())
    }
}

/// What a valid proof establishes, under each scheme (`specs/trust-model.md` §4):
///
/// - **Lego** (`Opened::CommitmentPoint`): the prover knew field elements `v` and a
///   blinding opening the record's point `D` under the commitment key of the record's
///   `vk_digest`, and the circuit run with `v` maps each of the `inferences` inputs to its
///   output. Every proof opening the same `D` uses the same `v`. Not established: that `v`
///   are integers of the declared widths (no constraint range-checks the segment;
///   `specs/commitment.md` §2.11), so that the result is the integer evaluator's.
/// - **Poseidon** (`Opened::Commitment`): the prover knew integer weights of the declared
///   widths (range-checked in the circuit) and a salt whose salted Poseidon hash over
///   BN254 is the record's `commitment`, and the exact integer semantics map `input` to
///   `output` with those weights.
/// - **halo2** (`Opened::CommitmentPallas`): as Poseidon, with the hash over Pallas.
///
/// Under every scheme, not established: that `model_id` (a label: the blake3 of the
/// owner's model file, never an input of the proof) names those weights; that the
/// record's other commitments open to the same weights (Lego: the Poseidon `commitment`;
/// every scheme: the other backend's value); that the weights are any float model's or
/// good. `zkseal audit`, given the weights and salt, checks the first two. `output_float`
/// is `output` dequantized by the key's scale, checked, not proven. That `input` is the
/// client's own input is the client's check (`check_input`).
#[derive(Clone, Debug, PartialEq)]
pub struct Verified {
    /// The bundle's and record's `model_id` (equal, or the proof is refused).
    pub model_id: String,
    /// The commitment the proof opened.
    pub opened: Opened,
    /// Inferences carried; `input`, `output` and `output_float` concatenate them.
    pub inferences: u32,
    /// The proven input integers, every inference's, concatenated.
    pub input: Vec<i64>,
    /// The key's input scale: `input[i]` stands for `input[i]·2^−input_scale`
    /// (`check_input` quantizes a client's input with it).
    pub input_scale: i32,
    /// The proven output integers, every inference's, concatenated.
    pub output: Vec<i64>,
    /// `output` dequantized by the key's output scale (checked, not proven).
    pub output_float: Vec<f64>,
}

impl Verified {
    /// The verdict for `bundle`, which passed every check, opening `opened`.
    pub fn new(bundle: &ProofBundle, opened: Opened) -> Self {
        Verified {
            model_id: bundle.model_id.clone(),
            opened,
            inferences: bundle.inferences,
            input: bundle.input.clone(),
            input_scale: bundle.input_scale,
            output: bundle.output.clone(),
            output_float: bundle.output_float.clone(),
        }
    }
}
