/* Session-ticket keys shared by every jianyid behind one load balancer
 * ([tls] ticket_key_file, base/ticket_key_file.h), so that a ticket one
 * instance issued resumes on another. New tickets are sealed with the
 * first key; a ticket of an older one still opens and is renewed. The file
 * is read at start and on SIGHUP (docs/OPERATIONS.md "Several instances
 * behind HAProxy" rotates it). */
#ifndef JY_TICKET_KEYS_H
#define JY_TICKET_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include "ticket_key_file.h"

/* ctx seals and opens its tickets with a copy of keys (freed with ctx). */
bool ticket_keys_install(SSL_CTX *ctx, const struct ticket_keys *keys, char *err, size_t errlen);
/* Loads path and installs its keys into ctx; false and err on failure. */
bool ticket_keys_use_file(SSL_CTX *ctx, const char *path, char *err, size_t errlen);
/* The ticket key callback's work: enc 1 seals with the newest key (1, or
 * -1 on error); enc 0 opens: 0 for a name it does not know (a full
 * handshake follows), 1 for the newest key, 2 for an older one (renew). */
int ticket_keys_crypt(const struct ticket_keys *k, unsigned char name[16], unsigned char *iv,
		      EVP_CIPHER_CTX *cctx, EVP_MAC_CTX *hctx, int enc);

#endif
