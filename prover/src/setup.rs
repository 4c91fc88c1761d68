//! Key generation from the architecture alone.
//!
//! Groth16's circuit-specific setup samples the toxic waste (α, β, γ, δ, τ) from the
//! operating system's randomness, evaluates the QAP of the model circuit at τ and
//! discards the waste. The circuit's shape depends only on the architecture, so whoever
//! runs setup (an auditor) never needs the weights, and the owner never holds the waste.

use ark_bn254::Bn254;
use ark_groth16::Groth16;
use ark_snark::SNARK;
use rand::{CryptoRng, RngCore};
use zkseal_core::commitment::value_widths;
use zkseal_core::format::architecture_digest;
use zkseal_core::Architecture;
use zkseal_r1cs::circuit::ModelCircuit;
use zkseal_r1cs::Scheme;
use zkseal_verifier::{CommitmentScheme, KeyHeader, MAX_INFERENCES};

use crate::keys::ProvingKeyFile;
use crate::ProverError;

/// The circuit's form of a commitment scheme.
pub fn circuit_scheme(scheme: CommitmentScheme) -> Scheme {
    match scheme {
        CommitmentScheme::Poseidon => Scheme::Poseidon,
        CommitmentScheme::Lego => Scheme::Lego,
    }
}

/// The header every key of `arch` under `scheme`, `inferences` per proof, carries.
pub fn key_header(arch: &Architecture, scheme: CommitmentScheme, inferences: u32) -> KeyHeader {
    KeyHeader {
        scheme,
        inferences,
        architecture_digest: architecture_digest(arch),
        output_scale: arch.output().scale,
        input_len: arch.input.len() as u32,
        output_len: arch.output().len() as u32,
        input_scale: arch.input.scale,
    }
}

/// Makes the proving key (whose `verifying_key_file` is the verifying key) for `arch`
/// under `scheme`, proving `inferences` inferences per proof. Callers outside tests
/// pass `rand::rngs::OsRng`.
pub fn setup<R: RngCore + CryptoRng>(
    arch: &Architecture,
    scheme: CommitmentScheme,
    inferences: u32,
    rng: &mut R,
) -> Result<ProvingKeyFile, ProverError> {
    if !(1..=MAX_INFERENCES).contains(&inferences) {
        return Err(ProverError::Inferences { requested: inferences as usize, key: None });
    }
    let header = key_header(arch, scheme, inferences);
    let circuit_scheme = circuit_scheme(scheme);
    crate::resources::check_machine(arch, circuit_scheme, inferences as usize)?;
    let circuit = || ModelCircuit {
        arch,
        arch_digest: header.architecture_digest,
        scheme: circuit_scheme,
        inferences: inferences as usize,
        witness: None,
    };
    match scheme {
        CommitmentScheme::Poseidon => {
            let (pk, _vk) = Groth16::<Bn254>::circuit_specific_setup(circuit(), rng)?;
            Ok(ProvingKeyFile { header, pk, commitment_key: None })
        }
        CommitmentScheme::Lego => {
            let (pk, ck) = crate::lego::generate(circuit, value_widths(arch).len(), rng)?;
            Ok(ProvingKeyFile { header, pk, commitment_key: Some(ck) })
        }
    }
}
