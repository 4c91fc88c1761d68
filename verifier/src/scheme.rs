//! The two ways a proof binds the weights (`specs/commitment.md`).

use ark_bn254::G1Affine;
use ark_ec::AffineRepr;
use ark_serialize::CanonicalDeserialize;

use crate::error::VerifyError;
use crate::keys::unhex;

/// How proofs bind the model's weights; named in the keys, the record and the bundle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommitmentScheme {
    /// Weights hashed with Poseidon inside the circuit; the hash is a public input.
    Poseidon,
    /// Commit-carrying Groth16: the proof opens a published curve point that commits
    /// to the weight segment of the witness; no constraint per weight.
    Lego,
}

impl CommitmentScheme {
    /// Both schemes.
    pub const ALL: [CommitmentScheme; 2] = [CommitmentScheme::Lego, CommitmentScheme::Poseidon];

    /// The name records and bundles carry.
    pub fn name(self) -> &'static str {
        match self {
            CommitmentScheme::Poseidon => "poseidon-bn254-circom-v1",
            CommitmentScheme::Lego => "lego-groth16-bn254-v1",
        }
    }

    /// The scheme `name` names; `None` for an unknown name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The code key files carry.
    pub(crate) fn code(self) -> u32 {
        match self {
            CommitmentScheme::Poseidon => 1,
            CommitmentScheme::Lego => 2,
        }
    }

    pub(crate) fn from_code(code: u32) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// Parses a commitment point: 32 bytes of hex, arkworks' compressed G1 encoding,
/// on the curve and in the subgroup, and not the identity.
pub fn parse_point(what: &'static str, text: &str) -> Result<G1Affine, VerifyError> {
    let bytes = unhex(text)
        .filter(|b| b.len() == 32)
        .ok_or_else(|| VerifyError::malformed(what, "commitment_point must be 32 bytes of hex"))?;
    let point = G1Affine::deserialize_compressed(bytes.as_slice()).map_err(|_| VerifyError::Point(what))?;
    if point.is_zero() {
        return Err(VerifyError::Point(what));
    }
    Ok(point)
}
