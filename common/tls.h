/* TLS context set-up shared by both sides: TLS 1.3 by default (1.2 only when
 * configured, then only forward-secret AEAD suites), ALPN "jianyi/1", peer
 * verification on both sides, renegotiation and compression off. */
#ifndef JY_TLS_H
#define JY_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <openssl/ssl.h>

struct jy_tls_files {
	const char *cert_file;   /* PEM certificate (chain) presented to the peer */
	const char *key_file;    /* PEM private key */
	const char *ca_file;     /* PEM CA bundle that peers must chain to */
	bool allow_tls12;        /* accept TLS 1.2 as well as 1.3 */
	/* Server: a second CA whose certificates clients may present (the
	 * enrollment's issuing CA), and clients may then come without any
	 * certificate (session.c lets those only enroll). NULL: mutual TLS only. */
	const char *issuing_ca_file;
	/* Client: present no certificate (enrollment); cert_file and key_file unused. */
	bool no_client_cert;
};

/* Both return NULL and write a one-line reason (naming the file at fault)
 * into err on failure. */
SSL_CTX *jy_tls_server_ctx(const struct jy_tls_files *files, char *err, size_t errlen);
SSL_CTX *jy_tls_client_ctx(const struct jy_tls_files *files, char *err, size_t errlen);

/* Drains OpenSSL's error queue into buf (the last, most specific, reason
 * first); "no error" if the queue was empty. Returns buf. */
const char *jy_tls_drain_errors(char *buf, size_t buflen);

/* SHA-256 fingerprint of the certificate's DER encoding, lowercase hex. */
bool jy_tls_cert_sha256(X509 *cert, char out[65]);

/* Sets TCP_NODELAY (libevent does not; without it new TLS 1.3 connections
 * stall ~40 ms before the first answer). */
bool jy_socket_nodelay(int fd);

#endif
