/* The client's transport: TCP connect, mutual TLS 1.3, and reads and writes,
 * each one step at a time on a non-blocking socket; the caller waits (poll()
 * or an event loop) for the direction a step asks for. See transport.h for
 * the error mapping. */
#include "transport.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "protocol.h"
#include "resolve.h"
#include "status.h"
#include "tls.h"
#include "sockbio.h"
#include "tls_cache.h"
#include "lib_i18n.h"
#include "tls_sessions.h"
#include "xalloc.h"

#define DEFAULT_TIMEOUT_MS 10000
#define DEFAULT_SERVER "127.0.0.1:7443"

enum phase { PHASE_RESOLVE, PHASE_TCP, PHASE_TLS, PHASE_READY };

struct jy_transport {
	int fd;
	enum phase phase;
	struct jy_resolve *resolving;  /* the host name's lookup, while it runs */
	struct addrinfo *addrs;        /* the server's addresses, tried in turn */
	struct addrinfo *next_ai;      /* the next to try after the current one */
	int last_errno;                /* why the last address failed */
	SSL_CTX *ctx;
	SSL *ssl;
	int timeout_ms;       /* for messages only; callers pass deadlines */
	int alert;            /* last fatal alert the server sent us, -1: none */
	bool failed;          /* a fatal error happened: no close_notify then */
	char ticket_key[NI_MAXHOST * 2 + 32]; /* where this server's tickets are filed */
	char peer[NI_MAXHOST + 16];
};

/* What a failed connect() or TLS read means, in the reader's language for
 * the failures a person meets (the C library may have no translation). */
static const char *errno_text(int e)
{
	switch (e) {
	case ECONNREFUSED: return _("nothing is listening there (connection refused)");
	case ETIMEDOUT: return _("no answer (timed out)");
	case EHOSTUNREACH: return _("the host cannot be reached");
	case ENETUNREACH: return _("the network cannot be reached");
	case ECONNRESET: return _("the connection was reset");
	case EPIPE: return _("the connection was closed");
	default: return strerror(e);
	}
}

void jy_set_error(struct jy_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	err->code = code;
	err->reason[0] = '\0';
	err->reason_args[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
}

int64_t jy_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int jy_wait_fd(int fd, short events, int64_t deadline)
{
	for (;;) {
		int64_t left = deadline - jy_now_ms();
		struct pollfd p = { .fd = fd, .events = events };
		int n;

		if (left <= 0)
			return 0;
		n = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (n > 0)
			return 1;
		if (n == 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

/* --- Addresses -------------------------------------------------------- */

static bool parse_port(const char *s, uint16_t *port)
{
	unsigned long v = 0;

	if (*s == '\0' || strlen(s) > 5)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	if (v < 1 || v > 65535)
		return false;
	*port = (uint16_t)v;
	return true;
}

bool jy_parse_server(const char *server, char *host, size_t hostlen,
		     uint16_t *port, struct jy_error *err)
{
	const char *h = server, *port_s = NULL, *colon;
	size_t hlen;

	*port = JY_DEFAULT_PORT;
	if (server == NULL || *server == '\0') {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT,
			     _("the server address is empty"));
		return false;
	}
	if (*server == '[') {
		/* "[v6]" or "[v6]:port": brackets keep the port apart */
		const char *close = strchr(server, ']');

		if (close == NULL || close == server + 1 ||
		    (close[1] != '\0' && close[1] != ':')) {
			jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT,
				     _("invalid server address '%s': expected [address]:port"),
				     server);
			return false;
		}
		h = server + 1;
		hlen = (size_t)(close - h);
		if (close[1] == ':')
			port_s = close + 2;
	} else if ((colon = strchr(server, ':')) != NULL && strchr(colon + 1, ':') == NULL) {
		hlen = (size_t)(colon - server);
		port_s = colon + 1;
	} else {
		/* no colon, or several: a bare host name or IPv6 address */
		hlen = strlen(server);
	}
	if (hlen == 0 || hlen >= hostlen) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT,
			     _("invalid server address '%s': %s"), server,
			     hlen == 0 ? _("no host") : _("host name too long"));
		return false;
	}
	if (port_s != NULL && !parse_port(port_s, port)) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT,
			     _("invalid server address '%s': the port must be a number from 1 to 65535"),
			     server);
		return false;
	}
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	return true;
}

static bool is_ip_literal(const char *name)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, name, buf) == 1 || inet_pton(AF_INET6, name, buf) == 1;
}

static bool resolve(struct jy_transport *t, const char *host, uint16_t port,
		    struct jy_error *err)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICSERV };
	char port_s[8];
	int rc;

	snprintf(port_s, sizeof port_s, "%u", (unsigned)port);
	/* getaddrinfo has no timeout of its own and blocks (jy_connect only,
	 * or an IP address); the system resolver's timeout applies */
	rc = getaddrinfo(host, port_s, &hints, &t->addrs);
	if (rc != 0) {
		t->addrs = NULL;
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE,
			     _("cannot resolve '%s': %s"), host,
			     rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		return false;
	}
	t->next_ai = t->addrs;
	t->last_errno = ECONNREFUSED;
	return true;
}

/* Non-blocking: a host name is looked up on glibc's thread (resolve.h)
 * while the caller's loop watches its descriptor; an IP address needs no
 * lookup (getaddrinfo answers at once). */
static bool resolve_start(struct jy_transport *t, const char *host, uint16_t port,
			  bool nonblocking, struct jy_error *err)
{
	if (!nonblocking || is_ip_literal(host))
		return resolve(t, host, port, err);
	if ((t->resolving = jy_resolve_start(host, port, err)) == NULL)
		return false;
	t->phase = PHASE_RESOLVE;
	return true;
}

/* The lookup's answer, once in: its addresses are tried next. */
static enum jy_io resolve_step(struct jy_transport *t, struct jy_error *err)
{
	enum jy_io r = jy_resolve_poll(t->resolving, &t->addrs, err);

	if (r != JY_IO_DONE)
		return r;
	jy_resolve_free(t->resolving);
	t->resolving = NULL;
	t->next_ai = t->addrs;
	t->last_errno = ECONNREFUSED;
	t->phase = PHASE_TCP;
	return JY_IO_DONE;
}

static void close_fd(struct jy_transport *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

static enum jy_io tls_step(struct jy_transport *t, struct jy_error *err);
static bool check_alpn(struct jy_transport *t, struct jy_error *err);

/* The TCP connection stands: TLS on it next. */
static enum jy_io tcp_connected(struct jy_transport *t, struct jy_error *err)
{
	char msg[256];
	BIO *bio;

	if (!jy_socket_nodelay(t->fd)) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE,
			     _("cannot set TCP_NODELAY on the connection to %s: %s"),
			     t->peer, strerror(errno));
		return JY_IO_FAILED;
	}
	bio = jy_sockbio_new(t->fd);
	if (bio == NULL) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INTERNAL,
			     _("cannot create a TLS session: %s"),
			     jy_tls_drain_errors(msg, sizeof msg));
		return JY_IO_FAILED;
	}
	SSL_set_bio(t->ssl, bio, bio);
	t->phase = PHASE_TLS;
	return tls_step(t, err);
}

/* Starts connecting to the next address (e.g. ::1 then 127.0.0.1 for
 * "localhost"); fails when none is left. */
static enum jy_io tcp_next_address(struct jy_transport *t, struct jy_error *err)
{
	for (; t->next_ai != NULL; t->next_ai = t->next_ai->ai_next) {
		const struct addrinfo *ai = t->next_ai;

		close_fd(t);
		t->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			       ai->ai_protocol);
		if (t->fd < 0) {
			t->last_errno = errno;
			continue;
		}
		if (connect(t->fd, ai->ai_addr, ai->ai_addrlen) == 0) {
			t->next_ai = ai->ai_next;
			return tcp_connected(t, err);
		}
		if (errno == EINPROGRESS) {
			t->next_ai = ai->ai_next;
			return JY_IO_WANT_WRITE;
		}
		t->last_errno = errno;
	}
	close_fd(t);
	jy_set_error(err, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE,
		     _("cannot connect to %s: %s"), t->peer, errno_text(t->last_errno));
	return JY_IO_FAILED;
}

/* A connect() in progress: done, failed (try the next address) or not yet. */
static enum jy_io tcp_step(struct jy_transport *t, struct jy_error *err)
{
	struct pollfd p = { .fd = t->fd, .events = POLLOUT };
	int soerr = 0;
	socklen_t len = sizeof soerr;

	if (poll(&p, 1, 0) == 0)
		return JY_IO_WANT_WRITE;   /* called before the socket was ready */
	if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
		soerr = errno;
	if (soerr == 0)
		return tcp_connected(t, err);
	t->last_errno = soerr;
	return tcp_next_address(t, err);
}

/* --- TLS -------------------------------------------------------------- */

/* Records the fatal alert the server sends (with TLS 1.3 its verdict on our
 * certificate arrives after our side of the handshake has finished). */
static void info_callback(const SSL *ssl, int where, int ret)
{
	struct jy_transport *t = SSL_get_app_data(ssl);
	int desc = ret & 0xff;

	/* SSL_CB_READ_ALERT shares the SSL_CB_ALERT bit with SSL_CB_WRITE_ALERT:
	 * test the read bit too, or our own alerts would count as the server's */
	if ((where & SSL_CB_ALERT) && (where & SSL_CB_READ) && t != NULL &&
	    desc != SSL_AD_CLOSE_NOTIFY && desc != SSL_AD_USER_CANCELLED)
		t->alert = ret;
}

/* Alerts by which a server says it does not accept our certificate. */
static bool alert_refuses_certificate(int desc)
{
	switch (desc) {
	case SSL_AD_BAD_CERTIFICATE:
	case SSL_AD_UNSUPPORTED_CERTIFICATE:
	case SSL_AD_CERTIFICATE_REVOKED:
	case SSL_AD_CERTIFICATE_EXPIRED:
	case SSL_AD_CERTIFICATE_UNKNOWN:
	case SSL_AD_UNKNOWN_CA:
	case SSL_AD_ACCESS_DENIED:
	case SSL_AD_CERTIFICATE_REQUIRED:
		return true;
	default:
		return false;
	}
}

enum tls_op { TLS_HANDSHAKE, TLS_READ, TLS_WRITE };

static const char *const tls_doing[] = {
	[TLS_HANDSHAKE] = N_("handshaking"), [TLS_READ] = N_("reading"), [TLS_WRITE] = N_("writing"),
};

/* Turns a failed SSL_* call (op) into err. */
static void tls_failure(struct jy_transport *t, enum tls_op op, int ssl_err,
			int saved_errno, struct jy_error *err)
{
	unsigned long first = ERR_peek_last_error();
	char reason[256];
	long verify;

	jy_tls_drain_errors(reason, sizeof reason);   /* never leave the queue dirty */
	/* After a failed write the server may still have left its reason (an
	 * alert) for us to read: keep reading possible then. */
	t->failed = !(op == TLS_WRITE && ssl_err == SSL_ERROR_SYSCALL);
	if (t->alert >= 0) {
		const char *text = SSL_alert_desc_string_long(t->alert);
		int desc = t->alert & 0xff;

		if (strcmp(text, "unknown") == 0)
			text = reason;
		if (alert_refuses_certificate(desc))
			jy_set_error(err, JIANYI__STATUS_CODE__STATUS_UNAUTHENTICATED,
				     _("the server refused our certificate: %s"), text);
		else
			jy_set_error(err, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE,
				     _("the server ended the TLS session while we were %s: %s"),
				     _(tls_doing[op]), text);
		return;
	}
	verify = SSL_get_verify_result(t->ssl);
	if (ssl_err == SSL_ERROR_SSL && verify != X509_V_OK) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_UNAUTHENTICATED,
			     _("cannot verify the server's certificate: %s"),
			     X509_verify_cert_error_string(verify));
		return;
	}
	if (ssl_err == SSL_ERROR_ZERO_RETURN ||
	    (ssl_err == SSL_ERROR_SYSCALL && saved_errno == 0) ||
	    (ssl_err == SSL_ERROR_SSL &&
	     ERR_GET_REASON(first) == SSL_R_UNEXPECTED_EOF_WHILE_READING)) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE,
			     _("server closed the connection"));
		return;
	}
	if (ssl_err == SSL_ERROR_SYSCALL) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE,
			     _("connection to %s failed while %s: %s"), t->peer, _(tls_doing[op]),
			     errno_text(saved_errno));
		return;
	}
	jy_set_error(err, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE,
		     _("TLS error with %s while %s: %s"), t->peer, _(tls_doing[op]), reason);
}

/* One attempt at an SSL call, without waiting: done (*done: bytes moved),
 * or the direction the socket must be ready in before the next attempt. */
static enum jy_io tls_try(struct jy_transport *t, enum tls_op op, void *buf, size_t len,
			  size_t *done, struct jy_error *err)
{
	int rc, e;

	if (t->failed) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE,
			     _("the connection to %s is broken"), t->peer);
		return JY_IO_FAILED;
	}
	errno = 0;
	ERR_clear_error();
	switch (op) {
	case TLS_HANDSHAKE:
		rc = SSL_connect(t->ssl);
		break;
	case TLS_READ:
		rc = SSL_read_ex(t->ssl, buf, len, done);
		break;
	default:
		rc = SSL_write_ex(t->ssl, buf, len, done);
		break;
	}
	if (rc == 1)
		return JY_IO_DONE;
	e = SSL_get_error(t->ssl, rc);
	if (e == SSL_ERROR_WANT_READ)
		return JY_IO_WANT_READ;
	if (e == SSL_ERROR_WANT_WRITE)
		return JY_IO_WANT_WRITE;
	tls_failure(t, op, e, errno, err);
	return JY_IO_FAILED;
}

/* The handshake, then the ALPN check. */
static enum jy_io tls_step(struct jy_transport *t, struct jy_error *err)
{
	enum jy_io r = tls_try(t, TLS_HANDSHAKE, NULL, 0, NULL, err);

	if (r != JY_IO_DONE)
		return r;
	if (!check_alpn(t, err))
		return JY_IO_FAILED;
	t->phase = PHASE_READY;
	return JY_IO_DONE;
}

/* Refuses a missing or unreadable file with a message that names it; the
 * TLS layer's own messages are vaguer about why a file failed. */
static bool check_file(const char *path, const char *what, struct jy_error *err)
{
	FILE *f;

	if (path == NULL || *path == '\0') {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT,
			     _("no %s file given"), what);
		return false;
	}
	f = fopen(path, "r");
	if (f == NULL) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT,
			     _("cannot read %s file '%s': %s"), what, path, strerror(errno));
		return false;
	}
	fclose(f);
	return true;
}

/* Sets the name the server's certificate must carry (and SNI for names). */
static bool set_peer_name(struct jy_transport *t, const char *name, struct jy_error *err)
{
	bool ok;

	if (is_ip_literal(name))
		/* SNI may not carry an address (RFC 6066); match the IP SAN */
		ok = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(t->ssl), name) == 1;
	else
		ok = SSL_set_tlsext_host_name(t->ssl, name) == 1 &&
		     SSL_set1_host(t->ssl, name) == 1;
	if (!ok) {
		char reason[256];

		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT,
			     _("invalid server name '%s': %s"), name,
			     jy_tls_drain_errors(reason, sizeof reason));
	}
	return ok;
}

static bool check_alpn(struct jy_transport *t, struct jy_error *err)
{
	const unsigned char *proto = NULL;
	unsigned int len = 0;

	SSL_get0_alpn_selected(t->ssl, &proto, &len);
	if (len == strlen(JY_ALPN) && memcmp(proto, JY_ALPN, len) == 0)
		return true;
	t->failed = true;
	if (len == 0)
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE,
			     _("%s does not speak the Jianyi protocol (no ALPN agreed; expected %s)"),
			     t->peer, JY_ALPN);
	else
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE,
			     _("%s does not speak the Jianyi protocol (ALPN '%.*s'; expected %s)"),
			     t->peer, (int)len, (const char *)proto, JY_ALPN);
	return false;
}

/* A context without a client certificate, never cached and without
 * tickets: a ticket of a connection that had no certificate must never be
 * offered by a later one that has (the server would take it as anonymous). */
static SSL_CTX *anonymous_ctx(struct jy_tls_files *files, char *msg, size_t msglen)
{
	files->no_client_cert = true;
	SSL_CTX *ctx = jy_tls_client_ctx(files, msg, msglen);
	if (ctx != NULL)
		SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	return ctx;
}

struct jy_transport *jy_transport_start(const struct jy_client_options *opts,
					bool nonblocking, bool anonymous, struct jy_error *err)
{
	const char *server = opts->server != NULL ? opts->server : DEFAULT_SERVER;
	struct jy_tls_files files = {
		.cert_file = opts->cert_file, .key_file = opts->key_file,
		.ca_file = opts->ca_file, .allow_tls12 = opts->allow_tls12,
	};
	struct jy_transport *t;
	char host[NI_MAXHOST], msg[sizeof err->message];
	const char *name;
	uint16_t port;

	if (!jy_parse_server(server, host, sizeof host, &port, err) ||
	    (!anonymous && !check_file(opts->cert_file, _("client certificate"), err)) ||
	    (!anonymous && !check_file(opts->key_file, _("client key"), err)) ||
	    !check_file(opts->ca_file, _("CA certificate"), err))
		return NULL;

	t = jy_xcalloc(1, sizeof *t);
	t->fd = -1;
	t->phase = PHASE_TCP;   /* PHASE_RESOLVE while a lookup runs */
	t->alert = -1;
	t->timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms : DEFAULT_TIMEOUT_MS;
	snprintf(t->peer, sizeof t->peer, strchr(host, ':') ? "[%s]:%u" : "%s:%u",
		 host, (unsigned)port);

	t->ctx = anonymous ? anonymous_ctx(&files, msg, sizeof msg)
			   : jy_client_ctx_get(&files, msg, sizeof msg);
	if (t->ctx == NULL) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT, "%s", msg);
		goto fail;
	}
	t->ssl = SSL_new(t->ctx);
	if (t->ssl == NULL) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INTERNAL,
			     _("cannot create a TLS session: %s"),
			     jy_tls_drain_errors(msg, sizeof msg));
		goto fail;
	}
	/* Writes go out a record at a time from a queue that may move as it
	 * grows (jianyi.c): a retried write need not repeat the same buffer. */
	SSL_set_mode(t->ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_set_app_data(t->ssl, t);
	SSL_set_info_callback(t->ssl, info_callback);
	name = opts->server_name != NULL && *opts->server_name ? opts->server_name : host;
	if (!set_peer_name(t, name, err))
		goto fail;
	/* A ticket is only offered to the address and name it came from. */
	snprintf(t->ticket_key, sizeof t->ticket_key, "%s %s", t->peer, name);
	if (!opts->no_resume && !anonymous)
		jy_tls_sessions_offer(t->ssl, t->ticket_key);
	if (!resolve_start(t, host, port, nonblocking, err) ||
	    (t->phase == PHASE_TCP && tcp_next_address(t, err) == JY_IO_FAILED))
		goto fail;
	return t;
fail:
	jy_transport_fail(t);
	jy_transport_close(t);
	return NULL;
}

enum jy_io jy_transport_connect_poll(struct jy_transport *t, struct jy_error *err)
{
	enum jy_io r = JY_IO_DONE;

	if (t->phase == PHASE_RESOLVE)
		r = resolve_step(t, err);
	if (r == JY_IO_DONE && t->phase == PHASE_TCP)
		r = t->fd >= 0 ? tcp_step(t, err) : tcp_next_address(t, err);
	else if (r == JY_IO_DONE && t->phase == PHASE_TLS)
		r = tls_step(t, err);
	if (r == JY_IO_FAILED)
		jy_transport_fail(t);
	return r;
}

void jy_transport_fail(struct jy_transport *t)
{
	/* Whatever went wrong, the next attempt starts with a full handshake. */
	if (t->ctx != NULL && t->ticket_key[0] != '\0')
		jy_tls_sessions_forget(t->ctx, t->ticket_key);
	t->failed = true;
}

void jy_transport_timeout_error(const struct jy_transport *t, struct jy_error *err)
{
	if (t->phase == PHASE_RESOLVE)
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE,
			     _("cannot resolve %s: timed out after %d ms"), t->peer, t->timeout_ms);
	else if (t->phase == PHASE_TCP)
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE,
			     _("cannot connect to %s: timed out after %d ms"), t->peer, t->timeout_ms);
	else
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE,
			     _("TLS handshake with %s timed out after %d ms"), t->peer, t->timeout_ms);
}

enum jy_io jy_transport_write_some(struct jy_transport *t, const void *buf, size_t len,
				   size_t *done, struct jy_error *err)
{
	*done = 0;
	return tls_try(t, TLS_WRITE, (void *)buf, len, done, err);
}

enum jy_io jy_transport_read_some(struct jy_transport *t, void *buf, size_t cap,
				  size_t *got, struct jy_error *err)
{
	*got = 0;
	return tls_try(t, TLS_READ, buf, cap, got, err);
}

bool jy_transport_pending(const struct jy_transport *t)
{
	return t->ssl != NULL && SSL_pending(t->ssl) > 0;
}

bool jy_transport_broken(const struct jy_transport *t)
{
	return t->failed;
}

const char *jy_transport_peer(const struct jy_transport *t)
{
	return t->peer;
}

int jy_transport_fd(const struct jy_transport *t)
{
	return t->resolving != NULL ? jy_resolve_fd(t->resolving) : t->fd;
}

bool jy_transport_resumed(const struct jy_transport *t)
{
	return t->ssl != NULL && SSL_session_reused(t->ssl) == 1;
}

void jy_transport_close(struct jy_transport *t)
{
	if (t == NULL)
		return;
	if (t->ssl != NULL) {
		/* close_notify once; waiting for the server's would only cost time.
		 * Not after a fatal error: OpenSSL forbids it then. */
		if (!t->failed && SSL_is_init_finished(t->ssl))
			(void)SSL_shutdown(t->ssl);
		SSL_free(t->ssl);   /* frees the BIO too */
	}
	close_fd(t);
	jy_resolve_free(t->resolving);
	if (t->addrs != NULL)
		freeaddrinfo(t->addrs);
	SSL_CTX_free(t->ctx);
	ERR_clear_error();
	free(t);
}
