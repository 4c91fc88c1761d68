/* zkseal's verifier, C ABI (libzkseal_c.so / .a, from the zkseal-verifier-capi crate). */
#ifndef ZKSEAL_H
#define ZKSEAL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The proof is valid. */
#define ZKSEAL_VALID 0
/* The proof does not hold, or names another model, key or commitment. */
#define ZKSEAL_INVALID 1
/* A file is unreadable: bad encoding, a point off the curve, a wrong version. */
#define ZKSEAL_MALFORMED 2
/* A required pointer is null. */
#define ZKSEAL_BAD_ARGUMENT 3
/* A bug: the verifier panicked (caught; it never unwinds into C). */
#define ZKSEAL_INTERNAL_ERROR 4

/*
 * Verifies a proof bundle (JSON, as `zkseal prove` writes it) against a verifying-key
 * file (`verifying.key`) and a commitment record (JSON), all given as bytes.
 * Returns one of the codes above. When `message` is not NULL, up to `message_len - 1`
 * bytes of the reason (empty when valid) are written there, NUL-terminated.
 * A NULL pointer with length 0 is an empty input. Thread-safe; allocates nothing the
 * caller must free.
 */
int32_t zkseal_verify(const uint8_t *vk, size_t vk_len,
                      const uint8_t *record_json, size_t record_len,
                      const uint8_t *bundle_json, size_t bundle_len,
                      char *message, size_t message_len);

/*
 * As zkseal_verify; in addition, when the proof is valid and `opened` is not NULL,
 * writes there (NUL-terminated, up to `opened_len - 1` bytes; empty otherwise) the one
 * commitment of the record that the proof opened, as "<record field> <value>":
 * "commitment_point <hex>" (Lego) or "commitment <decimal>" (Poseidon). The record's
 * other commitments are not checked by the proof. 96 bytes always suffice.
 */
int32_t zkseal_verify_opened(const uint8_t *vk, size_t vk_len,
                             const uint8_t *record_json, size_t record_len,
                             const uint8_t *bundle_json, size_t bundle_len,
                             char *message, size_t message_len,
                             char *opened, size_t opened_len);

/*
 * As zkseal_verify_opened, and the proof must answer the caller's own query: the
 * `input_len` real input values at `input` (every inference's input, flattened row-major,
 * one inference after another) quantized by the model's rule, round(v * 2^input_scale)
 * with halves rounded up and the key's input scale, must be the bundle's input integers.
 * Otherwise ZKSEAL_INVALID, with a message naming the first value that differs (a value
 * missing or left over differs too). A NULL `input` with length 0 is an empty input.
 */
int32_t zkseal_verify_input(const uint8_t *vk, size_t vk_len,
                            const uint8_t *record_json, size_t record_len,
                            const uint8_t *bundle_json, size_t bundle_len,
                            const double *input, size_t input_len,
                            char *message, size_t message_len,
                            char *opened, size_t opened_len);

#ifdef __cplusplus
}
#endif

#endif /* ZKSEAL_H */
