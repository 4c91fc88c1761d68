//! `verify(vk, commitment, bundle[, input])` for JavaScript: the verifying-key file's
//! bytes, the commitment record's JSON, the proof bundle's JSON and, optionally, the
//! client's own input in; a `Verdict` out. Nothing throws: every refusal is a verdict
//! that says what failed.

#![no_std]

extern crate alloc;

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use wasm_bindgen::prelude::*;
use zkseal_verifier::verify_bytes;

#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// The verifier returns errors and never panics on any input; a panic here is a bug or
/// an allocation failure. Trapping without formatting a message keeps every panic
/// message, file name and the formatting they need out of the `.wasm`.
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// The outcome of one verification.
#[wasm_bindgen(getter_with_clone)]
pub struct Verdict {
    /// The proof holds for this key, commitment and public values.
    pub valid: bool,
    /// A file could not be read (bad encoding, point off the curve, wrong version), as
    /// opposed to a well-formed proof that does not hold.
    pub malformed: bool,
    /// Why it is not valid (empty when valid).
    pub message: String,
    /// The proven outputs, dequantized (all inferences, concatenated); empty unless valid.
    pub output: Vec<f64>,
    /// The proven output integers; empty unless valid.
    pub output_int: Vec<i64>,
    /// The inferences the proof carries (0 unless valid).
    pub inferences: u32,
    /// The record field holding the one commitment the proof opened: `commitment_point`
    /// (Lego) or `commitment` (Poseidon); empty unless valid. The record's other
    /// commitments are the owner's claims, not checked by the proof.
    pub opened_field: String,
    /// That commitment's value, as the record writes it; empty unless valid.
    pub opened: String,
}

/// Verifies `bundle` (JSON) against the verifying-key file `vk` and the commitment
/// record `commitment` (JSON). With `input` (the real input values of every inference,
/// flattened row-major, one after another), the proof is valid only if they quantize to
/// the bundle's input integers: the proof answers this query.
#[wasm_bindgen]
pub fn verify(vk: &[u8], commitment: &str, bundle: &str, input: Option<Vec<f64>>) -> Verdict {
    let mut verdict = verify_bytes(vk, commitment.as_bytes(), bundle.as_bytes());
    if let (Ok(v), Some(i)) = (&verdict, input) {
        if let Err(e) = v.check_input(&i) {
            verdict = Err(e);
        }
    }
    match verdict {
        Ok(v) => Verdict {
            valid: true,
            malformed: false,
            message: String::new(),
            output: v.output_float,
            output_int: v.output,
            inferences: v.inferences,
            opened_field: v.opened.field().to_string(),
            opened: v.opened.value().to_string(),
        },
        Err(e) => Verdict {
            valid: false,
            malformed: e.is_malformed(),
            message: e.to_string(),
            output: Vec::new(),
            output_int: Vec::new(),
            inferences: 0,
            opened_field: String::new(),
            opened: String::new(),
        },
    }
}
