//! The verifier behind a C ABI (`zkseal.h`): one call, a status code, and optional
//! buffers for the message and the opened commitment. No allocation crosses the boundary
//! and no panic leaves it.

use std::ffi::c_char;
use std::fmt::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};

use zkseal_verifier::{verify_bytes, VerifyError};

/// The proof is valid.
pub const ZKSEAL_VALID: i32 = 0;
/// The proof does not hold, or names another model, key or commitment.
pub const ZKSEAL_INVALID: i32 = 1;
/// A file is unreadable: bad encoding, a point off the curve, a wrong version.
pub const ZKSEAL_MALFORMED: i32 = 2;
/// A required pointer is null.
pub const ZKSEAL_BAD_ARGUMENT: i32 = 3;
/// A bug: the verifier panicked (it is built and fuzzed never to); caught here, since
/// unwinding into C is undefined.
pub const ZKSEAL_INTERNAL_ERROR: i32 = 4;

/// Verifies a proof bundle (JSON) against a verifying-key file and a commitment record
/// (JSON), all given as bytes. Returns `ZKSEAL_VALID`, `ZKSEAL_INVALID`,
/// `ZKSEAL_MALFORMED` or `ZKSEAL_BAD_ARGUMENT`. When `message` is not null, up to
/// `message_len - 1` bytes of the reason (empty when valid) are written there,
/// NUL-terminated.
///
/// # Safety
/// Each non-null pointer must point to at least its length in readable bytes
/// (`message`: writable), valid for the call. A null pointer with length 0 is an empty
/// input.
#[no_mangle]
pub unsafe extern "C" fn zkseal_verify(
    vk: *const u8,
    vk_len: usize,
    record_json: *const u8,
    record_len: usize,
    bundle_json: *const u8,
    bundle_len: usize,
    message: *mut c_char,
    message_len: usize,
) -> i32 {
    // SAFETY: the caller's contract, which is `zkseal_verify_opened`'s with no `opened`.
    unsafe {
        zkseal_verify_opened(
            vk,
            vk_len,
            record_json,
            record_len,
            bundle_json,
            bundle_len,
            message,
            message_len,
            std::ptr::null_mut(),
            0,
        )
    }
}

/// As `zkseal_verify`; in addition, when the proof is valid and `opened` is not null,
/// writes there (NUL-terminated, up to `opened_len - 1` bytes; empty otherwise) the one
/// commitment of the record the proof opened, as `<record field> <value>`:
/// `commitment_point <hex>` under Lego, `commitment <decimal>` under Poseidon. The
/// record's other commitments are not checked by the proof (`specs/trust-model.md` §4).
/// 96 bytes always suffice.
///
/// # Safety
/// As `zkseal_verify`; a non-null `opened` points to `opened_len` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn zkseal_verify_opened(
    vk: *const u8,
    vk_len: usize,
    record_json: *const u8,
    record_len: usize,
    bundle_json: *const u8,
    bundle_len: usize,
    message: *mut c_char,
    message_len: usize,
    opened: *mut c_char,
    opened_len: usize,
) -> i32 {
    // SAFETY: the caller's contract above; no input to check.
    unsafe {
        run(
            vk,
            vk_len,
            record_json,
            record_len,
            bundle_json,
            bundle_len,
            None,
            message,
            message_len,
            opened,
            opened_len,
        )
    }
}

/// As `zkseal_verify_opened`, and the proof must answer the caller's own query: the
/// `input_len` real input values at `input` (every inference's, flattened row-major, one
/// after another) quantized by the model's rule (`⌊v·2^input_scale + ½⌋`, the key's
/// scale) must be the bundle's input integers. Otherwise `ZKSEAL_INVALID`, with a
/// message naming the first value that differs. A null `input` with length 0 is an
/// empty input (which differs from any proof's).
///
/// # Safety
/// As `zkseal_verify_opened`; a non-null `input` points to `input_len` readable,
/// aligned doubles, valid for the call.
#[no_mangle]
pub unsafe extern "C" fn zkseal_verify_input(
    vk: *const u8,
    vk_len: usize,
    record_json: *const u8,
    record_len: usize,
    bundle_json: *const u8,
    bundle_len: usize,
    input: *const f64,
    input_len: usize,
    message: *mut c_char,
    message_len: usize,
    opened: *mut c_char,
    opened_len: usize,
) -> i32 {
    let input = Some((input, input_len));
    // SAFETY: the caller's contract above.
    unsafe {
        run(
            vk,
            vk_len,
            record_json,
            record_len,
            bundle_json,
            bundle_len,
            input,
            message,
            message_len,
            opened,
            opened_len,
        )
    }
}

/// The three entry points' one body: verify, then check `input` when given.
///
/// # Safety
/// The entry points' contracts.
#[allow(clippy::too_many_arguments)]
unsafe fn run(
    vk: *const u8,
    vk_len: usize,
    record_json: *const u8,
    record_len: usize,
    bundle_json: *const u8,
    bundle_len: usize,
    input: Option<(*const f64, usize)>,
    message: *mut c_char,
    message_len: usize,
    opened: *mut c_char,
    opened_len: usize,
) -> i32 {
    let mut out = Message::new(message, message_len);
    let mut opened = Message::new(opened, opened_len);
    // SAFETY: the caller's contract.
    let (vk, record, bundle) =
        unsafe { (slice(vk, vk_len), slice(record_json, record_len), slice(bundle_json, bundle_len)) };
    // SAFETY: the caller's contract. `Some(None)`: a null input with a non-zero length.
    let input = input.map(|(ptr, len)| unsafe { slice(ptr, len) });
    let (Some(vk), Some(record), Some(bundle), None | Some(Some(_))) = (vk, record, bundle, input) else {
        let _ = out.write_str("a null pointer with a non-zero length");
        return ZKSEAL_BAD_ARGUMENT;
    };
    let check = || {
        let verified = verify_bytes(vk, record, bundle)?;
        if let Some(Some(values)) = input {
            verified.check_input(values)?;
        }
        Ok::<_, VerifyError>(verified)
    };
    match catch_unwind(AssertUnwindSafe(check)) {
        Ok(Ok(v)) => {
            let _ = write!(opened, "{}", v.opened);
            ZKSEAL_VALID
        }
        Ok(Err(e)) => {
            let _ = write!(out, "{e}");
            status(&e)
        }
        Err(_) => {
            let _ = out.write_str("internal error: the verifier panicked");
            ZKSEAL_INTERNAL_ERROR
        }
    }
}

/// The status code of a refusal.
fn status(e: &VerifyError) -> i32 {
    if e.is_malformed() {
        ZKSEAL_MALFORMED
    } else {
        ZKSEAL_INVALID
    }
}

/// `len` values at `ptr`; `None` for a null pointer with a non-zero length.
///
/// # Safety
/// A non-null `ptr` points to `len` readable, aligned values valid for `'a`.
unsafe fn slice<'a, T>(ptr: *const T, len: usize) -> Option<&'a [T]> {
    match (ptr.is_null(), len) {
        (true, 0) => Some(&[]),
        (true, _) => None,
        // SAFETY: the caller's contract.
        (false, _) => Some(unsafe { std::slice::from_raw_parts(ptr, len) }),
    }
}

/// A NUL-terminated message written into the caller's buffer, truncated on a UTF-8
/// boundary to fit.
struct Message {
    buf: *mut u8,
    cap: usize,
    len: usize,
}

impl Message {
    fn new(buf: *mut c_char, cap: usize) -> Self {
        let m = Message { buf: buf.cast(), cap: if buf.is_null() { 0 } else { cap }, len: 0 };
        if m.cap > 0 {
            // SAFETY: `buf` holds `cap ≥ 1` writable bytes (the caller's contract).
            unsafe { *m.buf = 0 };
        }
        m
    }
}

impl Write for Message {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        if self.cap == 0 {
            return Ok(());
        }
        let room = self.cap - 1 - self.len;
        let mut take = s.len().min(room);
        while !s.is_char_boundary(take) {
            take -= 1;
        }
        // SAFETY: `len + take + 1 ≤ cap` bytes of the caller's buffer.
        unsafe {
            std::ptr::copy_nonoverlapping(s.as_ptr(), self.buf.add(self.len), take);
            self.len += take;
            *self.buf.add(self.len) = 0;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(vk: &[u8], record: &[u8], bundle: &[u8], cap: usize) -> (i32, String) {
        let mut buf = vec![0x55u8; cap];
        let ptr = if cap == 0 { std::ptr::null_mut() } else { buf.as_mut_ptr().cast() };
        // SAFETY: every slice is valid for the call; the buffer has `cap` bytes.
        let code = unsafe {
            zkseal_verify(vk.as_ptr(), vk.len(), record.as_ptr(), record.len(), bundle.as_ptr(), bundle.len(), ptr, cap)
        };
        let end = buf.iter().position(|&b| b == 0).unwrap_or(0);
        (code, String::from_utf8(buf[..end].to_vec()).unwrap())
    }

    #[test]
    fn statuses_and_messages() {
        assert_eq!(call(b"", b"{}", b"{}", 64).0, ZKSEAL_MALFORMED);
        let (code, msg) = call(b"not a key", b"{}", b"{}", 8);
        assert_eq!(code, ZKSEAL_MALFORMED);
        assert_eq!(msg.len(), 7, "truncated to the buffer, NUL-terminated: {msg}");
        assert_eq!(call(b"", b"{}", b"{}", 0).0, ZKSEAL_MALFORMED, "no buffer, no message");
        // SAFETY: null pointers with lengths: refused without being read.
        let code =
            unsafe { zkseal_verify(std::ptr::null(), 5, b"".as_ptr(), 0, b"".as_ptr(), 0, std::ptr::null_mut(), 0) };
        assert_eq!(code, ZKSEAL_BAD_ARGUMENT);
    }

    /// `zkseal_verify_input` on a committed real proof: status, message, opened buffer.
    fn call_input(input: *const f64, len: usize) -> (i32, String, String) {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/data/proofs/lego/");
        let read = |f: &str| std::fs::read(format!("{dir}{f}")).unwrap();
        let (vk, record, bundle) = (read("verifying.key"), read("commitment.json"), read("proof.json"));
        let (mut message, mut opened) = ([0x55u8; 512], [0x55u8; 96]);
        // SAFETY: every slice is valid for the call; `input` is the caller's.
        let code = unsafe {
            zkseal_verify_input(
                vk.as_ptr(),
                vk.len(),
                record.as_ptr(),
                record.len(),
                bundle.as_ptr(),
                bundle.len(),
                input,
                len,
                message.as_mut_ptr().cast(),
                message.len(),
                opened.as_mut_ptr().cast(),
                opened.len(),
            )
        };
        let text = |b: &[u8]| String::from_utf8(b[..b.iter().position(|&c| c == 0).unwrap()].to_vec()).unwrap();
        (code, text(&message), text(&opened))
    }

    #[test]
    fn the_input_check() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/data/proofs/lego/");
        // The bundle's input integers, dequantized: the client's input, exactly.
        let bundle = std::fs::read_to_string(format!("{dir}proof.json")).unwrap();
        let after = |key: &str| &bundle[bundle.find(key).unwrap() + key.len()..];
        let scale: u32 = after("\"input_scale\": ").split(',').next().unwrap().trim().parse().unwrap();
        let ints = after("\"input\": [").split(']').next().unwrap();
        let unit = 1.0 / f64::from(1u32 << scale);
        let mut input: Vec<f64> = ints.split(',').map(|q| q.trim().parse::<i64>().unwrap() as f64 * unit).collect();
        assert_eq!(input.len(), 64);
        let (code, message, opened) = call_input(input.as_ptr(), input.len());
        assert_eq!((code, message.as_str()), (ZKSEAL_VALID, ""));
        assert!(opened.starts_with("commitment_point "), "{opened}");

        input[5] += unit;
        let (code, message, opened) = call_input(input.as_ptr(), input.len());
        assert_eq!(code, ZKSEAL_INVALID);
        assert!(message.contains("value 5 differs"), "{message}");
        assert_eq!(opened, "", "no opened commitment unless valid");
        let (code, message, _) = call_input(input.as_ptr(), 3);
        assert!(code == ZKSEAL_INVALID && message.contains("value 3 differs (3 values given"), "{message}");
        assert_eq!(call_input(std::ptr::null(), 0).0, ZKSEAL_INVALID, "an empty input");
        assert_eq!(call_input(std::ptr::null(), 3).0, ZKSEAL_BAD_ARGUMENT);
    }
}
