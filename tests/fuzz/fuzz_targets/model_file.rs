//! Model (`.zkq`) and architecture (`.zka`) files of arbitrary bytes: refused with a
//! reason, or decoded into a model that satisfies every invariant and re-encodes to the
//! same bytes (the format is canonical, so `model_id` names one model).
#![no_main]

use libfuzzer_sys::fuzz_target;
use zkseal_core::format::{architecture_from_bytes, architecture_to_bytes};
use zkseal_core::Model;

fuzz_target!(|data: &[u8]| {
    if let Ok(model) = Model::from_bytes(data) {
        assert_eq!(model.to_bytes(), data, "a model file decodes only from its canonical bytes");
    }
    if let Ok(arch) = architecture_from_bytes(data) {
        assert_eq!(architecture_to_bytes(&arch), data, "an architecture decodes only from its canonical bytes");
    }
});
