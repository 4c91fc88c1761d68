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
use zkseal_circuits::format::architecture_digest;
use zkseal_circuits::r1cs::circuit::ModelCircuit;
use zkseal_circuits::Architecture;
use zkseal_verifier::KeyHeader;

use crate::keys::ProvingKeyFile;
use crate::ProverError;

/// The header every key of `arch` carries.
pub fn key_header(arch: &Architecture) -> KeyHeader {
    KeyHeader {
        architecture_digest: architecture_digest(arch),
        output_scale: arch.output().scale,
        input_len: arch.input.len() as u32,
        output_len: arch.output().len() as u32,
        input_scale: arch.input.scale,
    }
}

/// Makes the proving key (whose `verifying_key_file` is the verifying key) for `arch`.
/// Callers outside tests pass `rand::rngs::OsRng`.
pub fn setup<R: RngCore + CryptoRng>(arch: &Architecture, rng: &mut R) -> Result<ProvingKeyFile, ProverError> {
    crate::resources::check_machine(arch)?;
    let header = key_header(arch);
    let circuit = ModelCircuit { arch, arch_digest: header.architecture_digest, witness: None };
    let (pk, _vk) = Groth16::<Bn254>::circuit_specific_setup(circuit, rng)?;
    Ok(ProvingKeyFile { header, pk })
}
