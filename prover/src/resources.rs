//! Refusing work the machine cannot hold, before allocating it.
//!
//! Setup and prove need memory in proportion to the Groth16 domain
//! (`r1cs::estimate::size`); above what is available they stop with a
//! message saying how much is needed, instead of being killed by the kernel.

use zkseal_core::Architecture;
use zkseal_r1cs::estimate::{costs, size, MAX_DOMAIN};
use zkseal_r1cs::Scheme;

use crate::ProverError;

/// Bytes of memory available to this process now (Linux `MemAvailable`), if known.
pub fn available_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

/// Refuses `arch`'s circuit under `scheme`, `inferences` per proof, when it exceeds
/// the field's domain or `available` bytes.
pub fn check_fits(
    arch: &Architecture,
    scheme: Scheme,
    inferences: usize,
    available: Option<u64>,
) -> Result<(), ProverError> {
    let size = size(arch, scheme, inferences, &costs(arch, scheme, inferences));
    let constraints = size.constraints;
    if size.domain > MAX_DOMAIN {
        return Err(ProverError::TooLarge {
            constraints,
            reason: "its Groth16 domain exceeds BN254's 2^28 (the field's two-adicity)".into(),
        });
    }
    let needed = size.memory;
    match available {
        Some(avail) if needed > avail => Err(ProverError::TooLarge {
            constraints,
            reason: format!("it needs about {:.1} GiB of memory and {:.1} GiB is available", gib(needed), gib(avail)),
        }),
        _ => Ok(()),
    }
}

/// `check_fits` against this machine's available memory.
pub fn check_machine(arch: &Architecture, scheme: Scheme, inferences: usize) -> Result<(), ProverError> {
    check_fits(arch, scheme, inferences, available_memory())
}

/// Bytes one proof in flight needs beyond the shared key: its assignment and the
/// QAP's evaluation vectors. Measured at about 770 B per domain element on the 1M-
/// parameter MLP (1.55 GiB peak with a 778 MB key, domain 2^20); 1 KiB is allowed.
const PROOF_BYTES_PER_DOMAIN_ELEMENT: u64 = 1024;

/// Bytes one Groth16 proof over a `domain`-sized circuit needs beyond the shared key.
pub fn groth16_proof_bytes(domain: u64) -> u64 {
    domain.saturating_mul(PROOF_BYTES_PER_DOMAIN_ELEMENT)
}

/// How many proofs of `per_proof` bytes each (beyond the shared key) may be in flight
/// at once: `wanted`, or fewer (at least one) when `available` bytes hold fewer.
pub fn proofs_in_flight(per_proof: u64, wanted: usize, available: Option<u64>) -> usize {
    let per_proof = per_proof.max(1);
    match available {
        Some(avail) => wanted.min((avail / per_proof) as usize).max(1),
        None => wanted.max(1),
    }
}

fn gib(bytes: u64) -> f64 {
    bytes as f64 / (1u64 << 30) as f64
}

#[cfg(test)]
mod tests {
    use zkseal_core::model::op::Op;
    use zkseal_core::quant::arch::{QLayer, Rescale, TensorSpec};

    use super::*;

    fn dense(n_in: u32, n_out: u32) -> Architecture {
        let rescale = Rescale { weight_scale: 0, weight_bits: 12, bias_bits: 40, acc_bits: 50, shift: 0 };
        Architecture {
            input: TensorSpec { shape: vec![1, n_in], scale: 0, bits: 16 },
            layers: vec![QLayer {
                name: "d".into(),
                op: Op::Dense { in_features: n_in, out_features: n_out },
                output: TensorSpec { shape: vec![1, n_out], scale: 0, bits: 16 },
                rescale: Some(rescale),
            }],
        }
    }

    #[test]
    fn proofs_in_flight_follow_the_memory() {
        let groth16 = groth16_proof_bytes;
        assert_eq!(proofs_in_flight(groth16(1 << 16), 8, Some(64 << 30)), 8);
        assert_eq!(proofs_in_flight(groth16(1 << 20), 8, Some(3 << 30)), 3);
        assert_eq!(proofs_in_flight(groth16(1 << 20), 8, Some(1 << 20)), 1, "never fewer than one");
        assert_eq!(proofs_in_flight(groth16(1 << 20), 8, None), 8);
        assert_eq!(proofs_in_flight(groth16(u64::MAX), 8, Some(u64::MAX)), 1);
        assert_eq!(proofs_in_flight(0, 8, Some(0)), 1, "no memory: one at a time");
    }

    #[test]
    fn a_model_larger_than_memory_is_refused_with_the_figures() {
        let small = dense(64, 10);
        for scheme in [Scheme::Poseidon, Scheme::Lego] {
            assert!(check_fits(&small, scheme, 1, Some(64 << 30)).is_ok());
            let err = check_fits(&small, scheme, 1, Some(1 << 20)).unwrap_err().to_string();
            assert!(err.contains("GiB of memory") && err.contains("constraints"), "{err}");
        }
        // 2048 × 2048 weights: ~68M constraints (Poseidon), a 2^27 domain, ~400 GiB.
        let huge = dense(2048, 2048);
        let err = check_fits(&huge, Scheme::Poseidon, 1, Some(24 << 30)).unwrap_err().to_string();
        assert!(err.contains("refusing"), "{err}");
        assert!(check_fits(&huge, Scheme::Poseidon, 1, None).is_ok(), "no memory figure, no memory refusal");
        // 8192 × 8192 (67M weights, one product each): 2^27 domain under Lego too.
        let err = check_fits(&dense(8192, 8192), Scheme::Lego, 1, Some(24 << 30)).unwrap_err().to_string();
        assert!(err.contains("refusing"), "{err}");
        // 4096 × 4096: beyond the largest domain BN254 supports, whatever the memory.
        let err = check_fits(&dense(4096, 4096), Scheme::Poseidon, 1, None).unwrap_err().to_string();
        assert!(err.contains("2^28"), "{err}");
        // Inferences multiply the layers: a 64 × 10 dense layer fits once, not 2^22 times.
        assert!(check_fits(&small, Scheme::Lego, 1 << 22, None).unwrap_err().to_string().contains("2^28"));
        let one = check_fits(&small, Scheme::Lego, 64, Some(1 << 30));
        assert!(one.is_ok(), "{one:?}");
    }
}
