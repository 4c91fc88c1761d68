//! The canonical model file: round trip, identity, and refusal of damaged bytes.

use zkseal_core::format::{
    architecture_digest, architecture_from_bytes, architecture_to_bytes, FormatError, MODEL_FORMAT_VERSION, MODEL_MAGIC,
};
use zkseal_core::Model;
use zkseal_tests::digits_model;

#[test]
fn round_trip_is_exact_and_ids_are_deterministic() {
    for name in ["torch_mlp", "torch_cnn"] {
        let (_, a) = digits_model(name);
        let (_, b) = digits_model(name);
        let bytes = a.to_bytes();
        assert_eq!(bytes, b.to_bytes(), "{name}: import is deterministic");
        assert_eq!(Model::from_bytes(&bytes).unwrap(), a);
        assert_eq!(a.model_id(), *blake3::hash(&bytes).as_bytes());
        let arch = architecture_to_bytes(&a.arch);
        assert_eq!(architecture_from_bytes(&arch).unwrap(), a.arch);
        assert_eq!(a.architecture_digest(), *blake3::hash(&arch).as_bytes());
    }
}

#[test]
fn weights_change_the_model_id_not_the_architecture_digest() {
    let (_, model) = digits_model("torch_mlp");
    let mut other = model.clone();
    other.weights.layers[0].weight[0] += 1;
    let other = Model::new(other.arch, other.weights, other.meta).unwrap();
    assert_ne!(model.model_id(), other.model_id());
    assert_eq!(model.architecture_digest(), other.architecture_digest());
    assert_eq!(architecture_digest(&model.arch), architecture_digest(&other.arch));
}

#[test]
fn every_truncation_is_refused() {
    let (_, model) = digits_model("torch_cnn");
    let bytes = model.to_bytes();
    for len in 0..bytes.len() {
        assert!(Model::from_bytes(&bytes[..len]).is_err(), "truncation to {len} bytes accepted");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(matches!(Model::from_bytes(&longer), Err(FormatError::Trailing(1))));
}

#[test]
fn damaged_bytes_never_panic_and_never_keep_the_id() {
    let (_, model) = digits_model("torch_mlp");
    let bytes = model.to_bytes();
    for i in (0..bytes.len()).step_by(7) {
        for bit in [0, 3, 7] {
            let mut b = bytes.clone();
            b[i] ^= 1 << bit;
            // A flip may decode to another valid model, but never to this one.
            if let Ok(m) = Model::from_bytes(&b) {
                assert_ne!(m.model_id(), model.model_id());
            }
        }
    }
}

#[test]
fn wrong_magic_version_and_absurd_lengths_are_refused() {
    let (_, model) = digits_model("torch_mlp");
    let bytes = model.to_bytes();
    let arch = architecture_to_bytes(&model.arch);
    assert!(matches!(Model::from_bytes(&arch), Err(FormatError::Magic { .. })));
    assert!(matches!(architecture_from_bytes(&bytes), Err(FormatError::Magic { .. })));
    let mut v3 = bytes.clone();
    v3[8] = 3;
    assert!(matches!(Model::from_bytes(&v3), Err(FormatError::Version { found: 3, .. })));
    // A payload whose first container claims 2^60 elements must fail without allocating.
    let mut huge = MODEL_MAGIC.to_vec();
    huge.extend_from_slice(&MODEL_FORMAT_VERSION.to_le_bytes());
    huge.extend_from_slice(&[0xfd, 0, 0, 0, 0, 0, 0, 0, 0x10]);
    assert!(matches!(Model::from_bytes(&huge), Err(FormatError::Decode(_))));
}

#[test]
fn inconsistent_models_are_refused() {
    let (_, model) = digits_model("torch_mlp");
    let mut m = model.clone();
    m.weights.layers[0].weight.pop();
    assert!(Model::from_bytes(&m.to_bytes()).is_err(), "short weight tensor");
    let mut m = model.clone();
    m.weights.layers[0].weight[0] = 1 << 40;
    assert!(Model::from_bytes(&m.to_bytes()).is_err(), "weight beyond its width");
    let mut m = model.clone();
    m.arch.layers[0].output.scale += 1;
    assert!(Model::from_bytes(&m.to_bytes()).is_err(), "shift no longer matches the scales");
    let mut m = model;
    m.arch.input.shape = vec![1 << 20, 1 << 20];
    assert!(Model::from_bytes(&m.to_bytes()).is_err(), "absurd input shape");
}
