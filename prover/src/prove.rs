//! One proof of inference: quantize the input, run the reference evaluator, build the
//! circuit's witness from its trace, and prove with arkworks' parallel Groth16 prover.

use ark_bn254::Bn254;
use ark_groth16::Groth16;
use ark_serialize::CanonicalSerialize;
use ark_snark::SNARK;
use rand::{CryptoRng, RngCore};
use zkseal_circuits::commitment::{commit, Salt};
use zkseal_circuits::format::hex;
use zkseal_circuits::quant::eval::{dequantize, evaluate, quantize_input};
use zkseal_circuits::r1cs::circuit::{CircuitWitness, ModelCircuit};
use zkseal_circuits::Model;
use zkseal_verifier::{
    field_to_decimal, verify, vk_digest, CommitmentRecord, ProofBundle, BACKEND_GROTH16, BUNDLE_VERSION,
};

use crate::keys::ProvingKeyFile;
use crate::ProverError;

/// Refuses a key made for another architecture, and a record for another model or
/// another commitment.
pub fn check_inputs(
    model: &Model,
    key: &ProvingKeyFile,
    salt: &Salt,
    record: Option<&CommitmentRecord>,
) -> Result<(), ProverError> {
    let digest = model.architecture_digest();
    if key.header.architecture_digest != digest {
        return Err(ProverError::ArchitectureMismatch {
            key: hex(&key.header.architecture_digest),
            model: hex(&digest),
        });
    }
    if let Some(r) = record {
        let model_id = hex(&model.model_id());
        if r.model_id != model_id {
            return Err(ProverError::RecordMismatch { record: r.model_id.clone(), model: model_id });
        }
        if r.commitment != field_to_decimal(&commit(&model.arch, &digest, &model.weights, salt)) {
            return Err(ProverError::CommitmentMismatch);
        }
    }
    Ok(())
}

/// Proves `model(input)` and checks the proof verifies before returning it.
pub fn prove<R: RngCore + CryptoRng>(
    model: &Model,
    key: &ProvingKeyFile,
    salt: &Salt,
    input: &[f64],
    rng: &mut R,
) -> Result<ProofBundle, ProverError> {
    check_inputs(model, key, salt, None)?;
    crate::resources::check_machine(&model.arch)?;
    let arch_digest = model.architecture_digest();
    let q = quantize_input(&model.arch, input)?;
    let trace = evaluate(&model.arch, &model.weights, &q)?;
    let commitment = commit(&model.arch, &arch_digest, &model.weights, salt);
    let witness = CircuitWitness { weights: &model.weights, salt, trace: &trace, commitment };
    let circuit = ModelCircuit { arch: &model.arch, arch_digest, witness: Some(witness) };
    let proof = Groth16::<Bn254>::prove(&key.pk, circuit, rng)?;
    let mut proof_bytes = Vec::with_capacity(128);
    proof.serialize_compressed(&mut proof_bytes).expect("writing to a Vec cannot fail");
    let spec = model.arch.output();
    let vk_file = key.verifying_key_file();
    let bundle = ProofBundle {
        version: BUNDLE_VERSION,
        backend: BACKEND_GROTH16.to_string(),
        model_id: hex(&model.model_id()),
        architecture_digest: hex(&arch_digest),
        commitment: field_to_decimal(&commitment),
        vk_digest: vk_digest(&vk_file),
        input: trace.input.clone(),
        input_scale: model.arch.input.scale,
        output: trace.output().to_vec(),
        output_scale: spec.scale,
        output_float: dequantize(spec, trace.output()),
        proof: hex(&proof_bytes),
    };
    // A proof that would not verify (a wrong key, a bug) is refused here, not
    // published: the check costs a few milliseconds.
    let record = crate::commit::record(bundle.model_id.clone(), bundle.architecture_digest.clone(), &commitment);
    verify(&vk_file, &record, &bundle).map_err(ProverError::SelfCheck)?;
    Ok(bundle)
}
