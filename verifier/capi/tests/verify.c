/* Calls zkseal_verify(), zkseal_verify_opened() and zkseal_verify_input() from C on the
 * files named on the command line and checks the status they return and, when valid,
 * that the opened commitment is named by the record field given. INPUT holds the proof's
 * real input values, separated by spaces: as given they must not change the status; with
 * the first one changed, a valid proof must become invalid, naming value 0.
 *   verify VK RECORD BUNDLE EXPECTED_STATUS OPENED_FIELD INPUT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zkseal.h"

static uint8_t *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(10); }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) { fprintf(stderr, "%s: read failed\n", path); exit(10); }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

int main(int argc, char **argv) {
    if (argc != 7) { fprintf(stderr, "usage: %s VK RECORD BUNDLE EXPECTED_STATUS OPENED_FIELD INPUT\n", argv[0]); return 10; }
    size_t vk_len, record_len, bundle_len;
    uint8_t *vk = slurp(argv[1], &vk_len), *record = slurp(argv[2], &record_len), *bundle = slurp(argv[3], &bundle_len);
    char message[256];
    memset(message, 'x', sizeof message);
    int32_t status = zkseal_verify(vk, vk_len, record, record_len, bundle, bundle_len, message, sizeof message);
    int expected = atoi(argv[4]);
    printf("zkseal_verify -> %d (%s)\n", status, message);
    if (status != expected) { fprintf(stderr, "expected %d\n", expected); return 1; }
    if ((status == ZKSEAL_VALID) != (message[0] == '\0')) { fprintf(stderr, "message must be empty iff valid\n"); return 1; }
    char opened[96];
    memset(opened, 'x', sizeof opened);
    if (zkseal_verify_opened(vk, vk_len, record, record_len, bundle, bundle_len, NULL, 0, opened, sizeof opened) != status) {
        fprintf(stderr, "zkseal_verify_opened disagrees\n");
        return 1;
    }
    printf("opened: %s\n", opened);
    size_t field_len = strlen(argv[5]);
    int names_field = strncmp(opened, argv[5], field_len) == 0 && opened[field_len] == ' ' && strlen(opened) > field_len + 1;
    if ((status == ZKSEAL_VALID) ? !names_field : opened[0] != '\0') {
        fprintf(stderr, "the opened commitment must be \"%s <value>\" iff valid\n", argv[5]);
        return 1;
    }
    if (zkseal_verify(NULL, 3, record, record_len, bundle, bundle_len, NULL, 0) != ZKSEAL_BAD_ARGUMENT) return 1;

    size_t text_len, n = 0;
    char *text = (char *)slurp(argv[6], &text_len), *end;
    text = realloc(text, text_len + 1);
    text[text_len] = '\0';
    double input[4096];
    for (char *p = text; n < 4096; p = end) {
        input[n] = strtod(p, &end);
        if (end == p) break;
        n++;
    }
    char opened_input[96];
    int32_t same = zkseal_verify_input(vk, vk_len, record, record_len, bundle, bundle_len, input, n, message, sizeof message,
                                       opened_input, sizeof opened_input);
    printf("zkseal_verify_input (%zu values) -> %d (%s)\n", n, same, message);
    if (same != status || strcmp(opened, opened_input) != 0) { fprintf(stderr, "the proof's own input changed the verdict\n"); return 1; }
    input[0] += 1.0;
    int32_t other = zkseal_verify_input(vk, vk_len, record, record_len, bundle, bundle_len, input, n, message, sizeof message,
                                        opened_input, sizeof opened_input);
    printf("zkseal_verify_input (value 0 changed) -> %d (%s)\n", other, message);
    int names_value = strstr(message, "value 0 differs") != NULL && opened_input[0] == '\0';
    if (status == ZKSEAL_VALID ? other != ZKSEAL_INVALID || !names_value : other != status) {
        fprintf(stderr, "another input must make a valid proof invalid, naming value 0\n");
        return 1;
    }
    if (zkseal_verify_input(vk, vk_len, record, record_len, bundle, bundle_len, NULL, 3, NULL, 0, NULL, 0) != ZKSEAL_BAD_ARGUMENT) return 1;
    free(text); free(vk); free(record); free(bundle);
    return 0;
}
