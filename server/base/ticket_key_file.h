/* The session-ticket key file ([tls] ticket_key_file) shared by every
 * jianyid behind one load balancer: 1 to TICKET_KEYS_MAX keys of 80 bytes
 * each, the newest first, each a 16-byte name (sent in the clear inside
 * each ticket, to find its key), a 32-byte HMAC-SHA256 key and a 32-byte
 * AES-256 key, as OpenSSL's ticket key callback uses them. Read and
 * checked here (at start, by the configuration's checks, and on every
 * TLS reload); net/ticket_keys.h seals and opens tickets with them. */
#ifndef JY_TICKET_KEY_FILE_H
#define JY_TICKET_KEY_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TICKET_KEY_BYTES 80
#define TICKET_KEYS_MAX 4

struct ticket_key {
	uint8_t name[16];
	uint8_t hmac[32];
	uint8_t aes[32];
};

struct ticket_keys {
	struct ticket_key key[TICKET_KEYS_MAX];
	size_t n;
};

/* Reads path; false and err naming what is wrong when it is missing, not a
 * regular file, open to others or writable by its group, not a whole
 * number of keys (1 to TICKET_KEYS_MAX), or two keys share a name. */
bool ticket_keys_load(const char *path, struct ticket_keys *out, char *err, size_t errlen);
/* Overwrites the keys in memory. */
void ticket_keys_wipe(struct ticket_keys *k);

#endif
