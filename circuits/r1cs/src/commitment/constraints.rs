//! The commitment as constraints (`CommitmentGadget`), beside the native `commit`.
//!
//! The packed elements are linear combinations of the value wires (free); their
//! soundness rests on each value being range-checked to its declared width, which the
//! circuit does when it allocates the weights. Each chained Poseidon call is
//! ark-crypto-primitives' sponge gadget with circomlib's width-13 parameters (taken from
//! light-poseidon, whose native hash is the reference): ~505 constraints.

use ark_bn254::Fr;
use ark_crypto_primitives::sponge::constraints::CryptographicSpongeVar;
use ark_crypto_primitives::sponge::poseidon::constraints::PoseidonSpongeVar;
use ark_crypto_primitives::sponge::poseidon::PoseidonConfig;
use ark_r1cs_std::fields::fp::{AllocatedFp, FpVar};
use ark_relations::gr1cs::{LinearCombination, SynthesisError};
use light_poseidon::parameters::bn254_x5::get_poseidon_parameters;

use super::{header, pow2};
use crate::{fr, Result, Synth, Wire};
use zkseal_core::commitment::{packing_plan, Salt, CHUNK, POSEIDON_INPUTS};

/// circomlib's Poseidon(12) as a sponge configuration: rate 13, capacity 0; absorbing
/// `[0, inputs…]` and squeezing one element gives circomlib's output.
pub fn poseidon_config() -> PoseidonConfig<Fr> {
    let width = POSEIDON_INPUTS + 1;
    let p = get_poseidon_parameters::<Fr>(width as u8).expect("circomlib width 13");
    let ark = p.ark.chunks(width).map(<[Fr]>::to_vec).collect();
    PoseidonConfig::new(p.full_rounds, p.partial_rounds, p.alpha, p.mds, ark, width, 0)
}

/// The commitment gadget: given the value wires (canonical order, each already
/// range-checked to its width) and the salt, returns the commitment as a field variable.
pub struct CommitmentGadget;

impl CommitmentGadget {
    pub fn commit(
        s: &Synth,
        arch_digest: &[u8; 32],
        salt: Option<&Salt>,
        values: &[Wire],
        widths: &[u32],
    ) -> Result<FpVar<Fr>> {
        let plan = packing_plan(widths);
        // The salt is private: its two halves are witnesses. The rest of the header is
        // fixed by the architecture, so it enters as constants.
        let dummy = Salt([0; 32]);
        let head = header(arch_digest, salt.unwrap_or(&dummy), plan.len());
        let mut fields: Vec<FpVar<Fr>> = head.iter().map(|&c| FpVar::Constant(c)).collect();
        for i in [4, 5] {
            let value = salt.map(|_| head[i]).filter(|_| s.proving);
            let v = s.cs.new_witness_variable(|| value.ok_or(SynthesisError::AssignmentMissing))?;
            fields[i] = FpVar::Var(AllocatedFp::new(value, v, s.cs.clone()));
        }
        for slots in &plan {
            let mut lc = LinearCombination::zero();
            let mut value = Some(Fr::from(0u64));
            for &(i, off) in slots {
                let w = &values[i];
                let shifted = w.add_scaled(1i128 << (widths[i] - 1), &Wire::constant(1));
                lc.0.extend(shifted.lc.0.iter().map(|(c, v)| (*c * pow2(off), *v)));
                value = value.zip(shifted.value).map(|(acc, x)| acc + fr(x) * pow2(off));
            }
            let var = s.cs.new_lc(|| lc)?;
            fields.push(FpVar::Var(AllocatedFp::new(value.filter(|_| s.proving), var, s.cs.clone())));
        }
        let config = poseidon_config();
        let mut h = FpVar::Constant(Fr::from(0u64));
        for chunk in fields.chunks(CHUNK) {
            let mut sponge = PoseidonSpongeVar::new(s.cs.clone(), &config);
            let mut inputs = vec![FpVar::Constant(Fr::from(0u64)), h];
            inputs.extend_from_slice(chunk);
            inputs.resize(POSEIDON_INPUTS + 1, FpVar::Constant(Fr::from(0u64)));
            sponge.absorb(&inputs)?;
            h = sponge.squeeze_field_elements(1)?.remove(0);
        }
        Ok(h)
    }
}

#[cfg(test)]
mod tests {
    use ark_r1cs_std::GR1CSVar;

    use super::super::{commit, value_widths, values};
    use super::*;
    use crate::range::signed;
    use crate::testing::{satisfied, synth};
    use zkseal_core::model::op::Op;
    use zkseal_core::quant::arch::{Architecture, LayerWeights, QLayer, Rescale, TensorSpec, Weights};

    /// A dense 30 → 1 layer: 31 committed values, two packed elements.
    fn model() -> (Architecture, Weights) {
        let op = Op::Dense { in_features: 30, out_features: 1 };
        let rescale = Rescale { weight_scale: 0, weight_bits: 12, bias_bits: 30, acc_bits: 40, shift: 0 };
        let arch = Architecture {
            input: TensorSpec { shape: vec![1, 30], scale: 0, bits: 8 },
            layers: vec![QLayer {
                name: "d".into(),
                op,
                output: TensorSpec { shape: vec![1, 1], scale: 0, bits: 8 },
                rescale: Some(rescale),
            }],
        };
        let weight: Vec<i64> = (0..30).map(|i| (i * 997 % 4096) - 2048).collect();
        (arch, Weights { layers: vec![LayerWeights { weight, bias: vec![-123_456] }] })
    }

    fn run(weights: &Weights, salt: &Salt) -> (bool, Fr) {
        let (arch, _) = model();
        let s = synth();
        let widths = value_widths(&arch);
        let wires: Vec<Wire> = values(weights).iter().map(|&v| s.witness(Some(v as i128)).unwrap()).collect();
        for (w, &b) in wires.iter().zip(&widths) {
            signed(&s, w, b).unwrap();
        }
        let c = CommitmentGadget::commit(&s, &[7; 32], Some(salt), &wires, &widths).unwrap();
        (satisfied(&s), c.value().unwrap())
    }

    #[test]
    fn gadget_matches_native_commitment() {
        let (arch, weights) = model();
        let salt = Salt([9; 32]);
        let (ok, c) = run(&weights, &salt);
        assert!(ok);
        assert_eq!(c, commit(&arch, &[7; 32], &weights, &salt));
    }

    #[test]
    fn commitment_binds_weights_salt_and_architecture() {
        let (arch, weights) = model();
        let salt = Salt([9; 32]);
        let base = commit(&arch, &[7; 32], &weights, &salt);
        let mut other = weights.clone();
        other.layers[0].weight[29] += 1;
        assert_ne!(commit(&arch, &[7; 32], &other, &salt), base);
        assert_ne!(commit(&arch, &[7; 32], &weights, &Salt([8; 32])), base);
        assert_ne!(commit(&arch, &[6; 32], &weights, &salt), base);
        // Out-of-width weights are refused by the range checks the gadget relies on.
        let mut wide = weights;
        wide.layers[0].weight[0] = 4096;
        assert!(!run(&wide, &salt).0);
    }
}
