/* The client's TLS contexts, shared between connections. Building an
 * SSL_CTX parses the certificate, key and CA bundle and costs tens of KiB;
 * a process that opens many connections with the same files (a load tool
 * keeps a thousand idle sessions) should pay that once. */
#ifndef JY_CLIENT_TLS_CACHE_H
#define JY_CLIENT_TLS_CACHE_H

#include <stddef.h>
#include <openssl/ssl.h>
#include "tls.h"

/* Returns a client context for these files, new or shared; the caller owns
 * one reference (SSL_CTX_free). A file changed on disk (other inode, size
 * or modification time) gets a fresh context, so renewed certificates are
 * picked up. NULL with a reason naming the file in err on failure. */
SSL_CTX *jy_client_ctx_get(const struct jy_tls_files *files, char *err, size_t errlen);

#endif
