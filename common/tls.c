#include "tls.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "protocol.h"

/* ALPN wire form: one length byte, then the name. */
static const unsigned char alpn_wire[] = { sizeof(JY_ALPN) - 1, 'j', 'i', 'a', 'n', 'y', 'i', '/', '1' };
_Static_assert(sizeof(JY_ALPN) - 1 == 8, "alpn_wire must match JY_ALPN");

/* TLS 1.2 is only ever offered with forward-secret AEAD suites. */
static const char tls12_ciphers[] =
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

const char *jy_tls_drain_errors(char *buf, size_t buflen)
{
	unsigned long e, last = 0;
	while ((e = ERR_get_error()) != 0)
		last = e;
	if (!last)
		snprintf(buf, buflen, "no error");
	else
		ERR_error_string_n(last, buf, buflen);
	return buf;
}

static int server_alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
			      const unsigned char *in, unsigned int inlen, void *arg)
{
	(void)ssl;
	(void)arg;
	unsigned char *sel = NULL;
	if (SSL_select_next_proto(&sel, outlen, alpn_wire, sizeof alpn_wire, in, inlen) !=
	    OPENSSL_NPN_NEGOTIATED)
		return SSL_TLSEXT_ERR_ALERT_FATAL; /* no_application_protocol alert */
	*out = sel;
	return SSL_TLSEXT_ERR_OK;
}

static SSL_CTX *common_ctx(const SSL_METHOD *method, const struct jy_tls_files *f,
			   char *err, size_t errlen)
{
	char why[256];
	ERR_clear_error();
	SSL_CTX *ctx = SSL_CTX_new(method);
	if (!ctx) {
		snprintf(err, errlen, "cannot create TLS context: %s",
			 jy_tls_drain_errors(why, sizeof why));
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, f->allow_tls12 ? TLS1_2_VERSION : TLS1_3_VERSION);
	SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION |
				 SSL_OP_CIPHER_SERVER_PREFERENCE);
	/* Idle sessions hold no read/write buffers (~30 KiB -> ~20 KiB each). */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	if (f->allow_tls12 && !SSL_CTX_set_cipher_list(ctx, tls12_ciphers)) {
		snprintf(err, errlen, "cannot set TLS 1.2 ciphers: %s",
			 jy_tls_drain_errors(why, sizeof why));
		goto fail;
	}
	if (f->no_client_cert) {
		if (!f->ca_file) {
			snprintf(err, errlen, "a CA file is required");
			goto fail;
		}
		goto verify;
	}
	if (!f->cert_file || !f->key_file || !f->ca_file) {
		snprintf(err, errlen, "a certificate, its key and a CA file are all required");
		goto fail;
	}
	if (SSL_CTX_use_certificate_chain_file(ctx, f->cert_file) != 1) {
		snprintf(err, errlen, "cannot load certificate %s: %s", f->cert_file,
			 jy_tls_drain_errors(why, sizeof why));
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, f->key_file, SSL_FILETYPE_PEM) != 1) {
		snprintf(err, errlen, "cannot load private key %s: %s", f->key_file,
			 jy_tls_drain_errors(why, sizeof why));
		goto fail;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		snprintf(err, errlen, "private key %s does not match certificate %s",
			 f->key_file, f->cert_file);
		goto fail;
	}
verify:
	if (SSL_CTX_load_verify_locations(ctx, f->ca_file, NULL) != 1) {
		snprintf(err, errlen, "cannot load CA file %s: %s", f->ca_file,
			 jy_tls_drain_errors(why, sizeof why));
		goto fail;
	}
	if (f->issuing_ca_file && SSL_CTX_load_verify_locations(ctx, f->issuing_ca_file, NULL) != 1) {
		snprintf(err, errlen, "cannot load issuing CA file %s: %s", f->issuing_ca_file,
			 jy_tls_drain_errors(why, sizeof why));
		goto fail;
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

SSL_CTX *jy_tls_server_ctx(const struct jy_tls_files *files, char *err, size_t errlen)
{
	SSL_CTX *ctx = common_ctx(TLS_server_method(), files, err, errlen);
	if (!ctx)
		return NULL;
	/* Mutual TLS: a client without a certificate chaining to our CA fails
	 * the handshake with a TLS alert. Account mapping happens after. With
	 * enrollment on, a client may come without a certificate (one it shows
	 * must still chain to a CA we trust); such a session may only enroll
	 * (docs/ARCHITECTURE.md "Enrollment"). */
	SSL_CTX_set_verify(ctx, files->issuing_ca_file ? SSL_VERIFY_PEER
				: SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	SSL_CTX_set_verify_depth(ctx, 4);
	SSL_CTX_set_alpn_select_cb(ctx, server_alpn_select, NULL);
	/* Resumption uses stateless TLS 1.3 tickets: the session (with the
	 * client certificate) travels encrypted under this context's ticket key
	 * and the server keeps nothing; a server-side cache would hold every
	 * session in memory. Without shared keys ([tls] ticket_key_file, see
	 * server/net/ticket_keys.h) a reload (SIGHUP) makes a new key, so
	 * earlier tickets then fall back to full handshakes. The account is still
	 * looked up from the certificate on every connection (session.c), so a
	 * revoked certificate is refused even when its session resumes. No
	 * early data (0-RTT): replayable requests are not worth a round trip. */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_clear_options(ctx, SSL_OP_NO_TICKET);
	SSL_CTX_set_max_early_data(ctx, 0);
	/* Clients keep one ticket per server (client/tls_sessions.c): a second
	 * would cost an encryption per handshake for nothing. */
	SSL_CTX_set_num_tickets(ctx, 1);
	/* Binds tickets to this application; OpenSSL wants a context before it
	 * resumes sessions that carry a verified client certificate. */
	SSL_CTX_set_session_id_context(ctx, alpn_wire, sizeof alpn_wire);
	/* A ticket is good for an hour (OpenSSL's default is two): a shorter
	 * window in which a resumed session skips the certificate checks. */
	SSL_CTX_set_timeout(ctx, 3600);
	/* Tell clients which CA we accept (helps clients with several certs). */
	STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(files->ca_file);
	if (names && files->issuing_ca_file)
		SSL_add_file_cert_subjects_to_stack(names, files->issuing_ca_file);
	if (names)
		SSL_CTX_set_client_CA_list(ctx, names);
	ERR_clear_error();
	return ctx;
}

SSL_CTX *jy_tls_client_ctx(const struct jy_tls_files *files, char *err, size_t errlen)
{
	SSL_CTX *ctx = common_ctx(TLS_client_method(), files, err, errlen);
	if (!ctx)
		return NULL;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_verify_depth(ctx, 4);
	if (SSL_CTX_set_alpn_protos(ctx, alpn_wire, sizeof alpn_wire) != 0) {
		snprintf(err, errlen, "cannot set ALPN");
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

bool jy_tls_cert_sha256(X509 *cert, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	if (!cert || X509_digest(cert, EVP_sha256(), md, &n) != 1 || n != 32)
		return false;
	static const char hex[] = "0123456789abcdef";
	for (unsigned i = 0; i < n; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
	return true;
}

bool jy_socket_nodelay(int fd)
{
	int one = 1;
	return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0;
}
