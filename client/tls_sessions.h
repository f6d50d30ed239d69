/* TLS 1.3 session resumption for libjianyi: the last session ticket each
 * server gave us, offered again on the next connection to that server, so
 * a reconnecting client (jianyi watch, a load tool after a server restart)
 * skips the certificate exchange and the signatures of a full handshake.
 *
 * The tickets live with the SSL_CTX that made them (ex_data), never in a
 * global table: a ticket stands for the client certificate it was issued
 * against, so a new certificate (a new context, see tls_cache.h) must start
 * with no tickets. The server still maps the certificate to an account on
 * every connection, resumed or not, so a revoked certificate is refused
 * even when its session resumes. */
#ifndef JY_CLIENT_TLS_SESSIONS_H
#define JY_CLIENT_TLS_SESSIONS_H

#include <stdbool.h>
#include <openssl/ssl.h>

/* Makes ctx keep the tickets servers send (one per server key). False when
 * OpenSSL could not allocate the store; the context then works without
 * resumption. */
bool jy_tls_sessions_enable(SSL_CTX *ctx);

/* Before the handshake: tags ssl with the server's key (e.g. "host:port
 * name") so tickets it receives are filed under it, and offers the ticket
 * kept for that key, if any. Harmless on a context without a store. */
void jy_tls_sessions_offer(SSL *ssl, const char *server_key);

/* Forgets the ticket kept for server_key in ctx (after a failed handshake,
 * so the next attempt is a full one). */
void jy_tls_sessions_forget(SSL_CTX *ctx, const char *server_key);

#endif
