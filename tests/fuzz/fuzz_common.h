/* Shared by the fuzz targets: the seed corpus (real requests, encoded with
 * the real codec) and the server's checks on a decoded envelope. */
#ifndef JY_FUZZ_COMMON_H
#define JY_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jianyi.pb-c.h"

/* Every target defines libFuzzer's entry point. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Calls cb once per seed of target ("frame", "envelope", "pbjson" or "proxy_v2"), with
 * a file name for it; returns the number of seeds, 0 for an unknown target. */
typedef void (*fuzz_seed_cb)(const char *name, const uint8_t *data, size_t len, void *arg);
size_t fuzz_seeds(const char *target, fuzz_seed_cb cb, void *arg);

/* What the server does with one decoded envelope from a client, short of
 * the database: the checks of session.c's handle_envelope, then per request
 * type the handler's own checks and encodings (act_validate, the params as
 * JSON, the request hash's packing, the answer's frame). *hello_seen is the
 * session's state: false until a Hello was accepted. Returns false where the
 * server would close the connection. */
bool fuzz_server_envelope(const Jianyi__Envelope *env, bool *hello_seen);

/* Aborts (a finding) with a message. */
void fuzz_fail(const char *what) __attribute__((noreturn));

#endif
