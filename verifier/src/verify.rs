//! Verification of a proof bundle against a verifying key and a commitment record.
//!
//! Groth16 (arkworks, BN254), accept iff
//! `e(A, B) = e(α, β)·e(Σ aᵢ·ICᵢ, γ)·e(C, δ)` (Poseidon scheme, public values
//! `a = (1, commitment, input…, output…)`), or
//! `e(A, B) = e(α, β)·e(D, γ')·e(Σ aᵢ·ICᵢ, γ)·e(C, δ)` (Lego scheme, `a = (1, input…,
//! output…)`, `D` the record's commitment point). The factor `T = e(α, β)[·e(D, γ')]`
//! is the same for every proof and computed once. Before the pairing, every binding the
//! pairing cannot see is checked: same model, scheme and commitment as the record, the
//! key's architecture is the record's, the bundle names this key.

use crate::prelude::*;
use ark_bn254::{Bn254, Fr, G1Affine, G1Projective, G2Affine};
use ark_ec::pairing::{Pairing, PairingOutput};
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{BigInteger, PrimeField};
use ark_groth16::{prepare_verifying_key, PreparedVerifyingKey, Proof, VerifyingKey};

use crate::binding::Binding;
use crate::bundle::{ProofBundle, BACKEND_GROTH16};
use crate::error::VerifyError;
use crate::field::{int_to_canonical, parse_canonical, Canonical};
use crate::keys::{decode_vk_file, hex, unhex, vk_digest, KeyHeader};
use crate::proof::{decode_proof, PROOF_BYTES};
use crate::record::CommitmentRecord;
use crate::scheme::{parse_point, CommitmentScheme};
use crate::verdict::{Opened, Verified};

/// Parses the record and bundle JSON, then `verify`.
pub fn verify_bytes(vk_file: &[u8], record_json: &[u8], bundle_json: &[u8]) -> Result<Verified, VerifyError> {
    let record: CommitmentRecord =
        serde_json::from_slice(record_json).map_err(|e| VerifyError::malformed("commitment record", e))?;
    let bundle: ProofBundle =
        serde_json::from_slice(bundle_json).map_err(|e| VerifyError::malformed("proof bundle", e))?;
    // Both are owned here: moved, not cloned, which keeps `Clone` out of the wasm build.
    Verifier::with_record(vk_file, record)?.verify(&bundle)
}

/// Verifies `bundle` with the key file `vk_file` for the model of `record`.
pub fn verify(vk_file: &[u8], record: &CommitmentRecord, bundle: &ProofBundle) -> Result<Verified, VerifyError> {
    Verifier::new(vk_file, record)?.verify(bundle)
}

/// A verifying key and a commitment record, decoded and checked once, against which
/// any number of bundles are verified.
pub struct Verifier {
    pub(crate) header: KeyHeader,
    pub(crate) pvk: PreparedVerifyingKey<Bn254>,
    /// `T`, the pairing factor every proof shares (module docs).
    pub(crate) target: PairingOutput<Bn254>,
    pub(crate) digest: String,
    binding: Binding,
    record: CommitmentRecord,
    pub(crate) record_commitment: Canonical,
    pub(crate) record_point: Option<G1Affine>,
    commitment_g2: Option<G2Affine>,
}

/// A bundle that passed every check except the pairing: the proof, and its public
/// inputs in the order of the key's IC (the constant one left out).
pub struct Checked {
    /// The decoded proof, its points validated.
    pub proof: Proof<Bn254>,
    /// The public inputs: (Poseidon) the commitment, then the `input` and `output` integers.
    pub public: Vec<Canonical>,
}

impl Verifier {
    /// Checks the record against the key and decodes both (every point validated).
    pub fn new(vk_file: &[u8], record: &CommitmentRecord) -> Result<Self, VerifyError> {
        Self::with_record(vk_file, record.clone())
    }

    /// As `new`, keeping `record`.
    fn with_record(vk_file: &[u8], record: CommitmentRecord) -> Result<Self, VerifyError> {
        let bad_record = |reason: &str| VerifyError::malformed("commitment record", reason);
        record.check_version()?;
        let scheme = CommitmentScheme::from_name(&record.scheme)
            .ok_or_else(|| bad_record(&format!("unknown scheme '{}'", record.scheme)))?;
        let record_commitment = parse_canonical(&record.commitment)
            .ok_or_else(|| bad_record("commitment is not a canonical field element"))?;
        let record_point =
            record.commitment_point.as_deref().map(|p| parse_point("commitment record", p)).transpose()?;
        let lego = scheme == CommitmentScheme::Lego;
        if lego != record_point.is_some() || lego != record.vk_digest.is_some() {
            return Err(bad_record("commitment_point and vk_digest are required by the Lego scheme only"));
        }
        let key = decode_vk_file(vk_file)?;
        // Formats are checked above; from here on a failure is a mismatch, not garbage.
        if scheme != key.header.scheme {
            return Err(VerifyError::SchemeMismatch {
                key: key.header.scheme.name(),
                what: "commitment record",
                named: record.scheme.clone(),
            });
        }
        let key_arch = hex(&key.header.architecture_digest);
        if record.architecture_digest != key_arch {
            return Err(VerifyError::ArchitectureMismatch {
                key: key_arch,
                what: "commitment record",
                named: record.architecture_digest.clone(),
            });
        }
        let digest = vk_digest(vk_file);
        let pvk = prepare_verifying_key(&key.vk);
        let base = PairingOutput(pvk.alpha_g1_beta_g2);
        let target = match (key.commitment_g2, record_point, &record.vk_digest) {
            (None, None, None) => base,
            (Some(gamma2), Some(d), Some(record_key)) => {
                if *record_key != digest {
                    return Err(VerifyError::RecordKeyMismatch { record: record_key.clone(), key: digest });
                }
                base + Bn254::pairing(d, gamma2)
            }
            _ => return Err(VerifyError::malformed("verifying key", "its scheme and commitment [γ']₂ disagree")),
        };
        let binding = Binding {
            backend: BACKEND_GROTH16,
            scheme: key.header.scheme.name(),
            model_id: record.model_id.clone(),
            architecture_digest: record.architecture_digest.clone(),
            commitment: record.commitment.clone(),
            commitment_point: record.commitment_point.clone(),
            vk_digest: digest.clone(),
            inferences: key.header.inferences,
            input_len: key.header.input_len as usize,
            output_len: key.header.output_len as usize,
            input_scale: key.header.input_scale,
            output_scale: key.header.output_scale,
        };
        Ok(Verifier {
            header: key.header,
            pvk,
            target,
            digest,
            binding,
            record,
            record_commitment,
            record_point,
            commitment_g2: key.commitment_g2,
        })
    }

    /// Verifies one bundle.
    pub fn verify(&self, bundle: &ProofBundle) -> Result<Verified, VerifyError> {
        let c = self.check(bundle)?;
        if self.holds(&c) {
            Ok(self.verified(bundle))
        } else {
            Err(VerifyError::PairingCheckFailed)
        }
    }

    /// The pairing equation (module docs) for a bundle that passed `check`.
    pub fn holds(&self, c: &Checked) -> bool {
        let ic = self.public_inputs(&c.public);
        let lhs = Bn254::multi_pairing(
            [c.proof.a, ic.into_affine(), c.proof.c],
            [c.proof.b.into(), self.pvk.gamma_g2_neg_pc.clone(), self.pvk.delta_g2_neg_pc.clone()],
        );
        lhs == self.target
    }

    /// The header of the verifying key this verifier was made with.
    pub fn header(&self) -> &KeyHeader {
        &self.header
    }

    /// The commitment record this verifier was made with (checked against the key).
    pub fn record(&self) -> &CommitmentRecord {
        &self.record
    }

    /// What every bundle for this key and record says beside its proof.
    pub fn binding(&self) -> &Binding {
        &self.binding
    }

    /// The digest of the verifying-key file (bundles name their key by it).
    pub fn vk_digest(&self) -> &str {
        &self.digest
    }

    /// The record's commitment, as the integer it is (the first public input under the
    /// Poseidon scheme).
    pub fn commitment(&self) -> &Canonical {
        &self.record_commitment
    }

    /// Under the Lego scheme, the record's commitment point `D` and the key's `[γ']₂`,
    /// the pair whose pairing `new` folded into the target.
    pub fn commitment_pairing(&self) -> Option<(G1Affine, G2Affine)> {
        self.record_point.zip(self.commitment_g2)
    }

    /// The Groth16 verifying key (without the Lego `[γ']₂`, which `new` folded into
    /// the target).
    pub fn key(&self) -> &VerifyingKey<Bn254> {
        &self.pvk.vk
    }

    /// `IC₀ + Σ aⱼ·ICⱼ₊₁` for one proof. The public values are mostly the model's
    /// integers, which as field elements are either below 2⁶⁴ or a negative below 2⁶⁴
    /// in magnitude: double-and-add over those few bits (then added or subtracted)
    /// beats a full-width MSM, and keeps the MSM's code out of the wasm build. A
    /// full-width value (the Poseidon commitment) is multiplied in full.
    pub(crate) fn public_inputs(&self, public: &[Canonical]) -> G1Projective {
        let ic = &self.pvk.vk.gamma_abc_g1;
        let mut acc = G1Projective::from(ic[0]);
        let small = |n: &Canonical| n.0[1..].iter().all(|&l| l == 0);
        for (v, base) in public.iter().zip(&ic[1..]) {
            let mut minus_v = Fr::MODULUS;
            minus_v.sub_with_borrow(v);
            if small(v) {
                acc += base.mul_bigint([v.0[0]]);
            } else if small(&minus_v) {
                acc -= base.mul_bigint([minus_v.0[0]]);
            } else {
                acc += base.mul_bigint(v);
            }
        }
        acc
    }

    /// Every check but the pairing: formats first (anything unreadable is malformed,
    /// whatever else is wrong), then the bindings the pairing does not cover. What
    /// passes is what the pairing checks (exports to other verifiers start here).
    pub fn check(&self, bundle: &ProofBundle) -> Result<Checked, VerifyError> {
        self.binding.check_format(bundle)?;
        if CommitmentScheme::from_name(&bundle.scheme).is_none() {
            return Err(VerifyError::malformed("proof bundle", format!("unknown scheme '{}'", bundle.scheme)));
        }
        let commitment = parse_canonical(&bundle.commitment)
            .ok_or_else(|| VerifyError::malformed("proof bundle", "commitment is not a canonical field element"))?;
        // The record's point was parsed once in `new`; the bundle's is decoded only when
        // its text differs (decompression is a square root, not free per proof).
        let same_point = bundle.commitment_point == self.record.commitment_point;
        let point = match &bundle.commitment_point {
            Some(p) if !same_point => Some(parse_point("proof bundle", p)?),
            _ => self.record_point.filter(|_| same_point),
        };
        let proof_bytes = unhex(&bundle.proof).filter(|b| b.len() == PROOF_BYTES).ok_or_else(|| {
            VerifyError::malformed("proof bundle", format!("proof must be {PROOF_BYTES} bytes of hex"))
        })?;
        let proof = decode_proof(&proof_bytes).ok_or(VerifyError::Point("proof"))?;
        self.binding.check(bundle, commitment == self.record_commitment && point == self.record_point)?;
        let head = (self.header.scheme == CommitmentScheme::Poseidon).then_some(commitment);
        let public =
            head.into_iter().chain(bundle.input.iter().chain(&bundle.output).map(|&v| int_to_canonical(v))).collect();
        Ok(Checked { proof, public })
    }
}

impl Verifier {
    /// The record's commitment that this verifier's proofs open: under Lego the point
    /// `D`, under Poseidon the hash (`Verified`).
    pub fn opened(&self) -> Opened {
        match &self.record.commitment_point {
            // `new` decoded it: 32 bytes of hex of a canonical compressed point, whose
            // lower-case form is the point's one encoding.
            Some(point) => Opened::CommitmentPoint(point.to_ascii_lowercase()),
            None => Opened::Commitment(self.record.commitment.clone()),
        }
    }

    /// The verdict for a bundle that passed every check.
    pub(crate) fn verified(&self, bundle: &ProofBundle) -> Verified {
        Verified::new(bundle, self.opened())
    }
}
