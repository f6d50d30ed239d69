/* The client's TLS session tickets, one per server, kept in the SSL_CTX
 * (see tls_sessions.h). */
#include "tls_sessions.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A process talks to one server, or a few behind a load balancer; sixteen
 * is plenty, and a full table evicts round-robin. */
#define MAX_SERVERS 16

struct entry {
	char *key;
	SSL_SESSION *sess;
};

struct store {
	pthread_mutex_t lock;    /* connections in several threads share a context */
	struct entry e[MAX_SERVERS];
	unsigned next_evict;
};

static int ctx_idx = -1;     /* SSL_CTX ex_data: struct store * */
static int ssl_idx = -1;     /* SSL ex_data: char * server key */
static pthread_once_t idx_once = PTHREAD_ONCE_INIT;

static void store_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
		       void *argp)
{
	struct store *st = ptr;

	(void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
	if (st == NULL)
		return;
	for (unsigned i = 0; i < MAX_SERVERS; i++) {
		free(st->e[i].key);
		SSL_SESSION_free(st->e[i].sess);
	}
	pthread_mutex_destroy(&st->lock);
	free(st);
}

static void key_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
		     void *argp)
{
	(void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
	free(ptr);
}

static void make_indexes(void)
{
	ctx_idx = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, store_free);
	ssl_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, key_free);
}

static struct store *store_of(SSL_CTX *ctx)
{
	if (ctx_idx < 0)
		return NULL;
	return SSL_CTX_get_ex_data(ctx, ctx_idx);
}

/* The entry for key, or NULL. Called with the lock held. */
static struct entry *find(struct store *st, const char *key)
{
	for (unsigned i = 0; i < MAX_SERVERS; i++)
		if (st->e[i].key != NULL && strcmp(st->e[i].key, key) == 0)
			return &st->e[i];
	return NULL;
}

static bool still_valid(const SSL_SESSION *sess)
{
	/* An expired ticket would only be refused by the server: do not offer it. */
	return SSL_SESSION_is_resumable(sess) &&
	       SSL_SESSION_get_time(sess) + SSL_SESSION_get_timeout(sess) > (long)time(NULL);
}

/* OpenSSL calls this for every ticket; with TLS 1.3 tickets arrive after
 * the handshake, while the first response is read. We keep a copy, never
 * the connection's own session (returns 0): OpenSSL marks that one not
 * resumable when the connection later ends in a fatal error, as when the
 * server is killed while we read ("unexpected EOF"), which would throw
 * away a ticket still good for the restarted server or for another
 * instance behind the same balancer (docs/OPERATIONS.md "Several instances
 * behind HAProxy"). */
static int on_new_session(SSL *ssl, SSL_SESSION *sess)
{
	const char *key = ssl_idx >= 0 ? SSL_get_ex_data(ssl, ssl_idx) : NULL;
	struct store *st = store_of(SSL_get_SSL_CTX(ssl));
	struct entry *e;
	char *copy;
	SSL_SESSION *kept;

	if (key == NULL || st == NULL || !SSL_SESSION_is_resumable(sess))
		return 0;
	if ((copy = strdup(key)) == NULL)
		return 0;
	if ((kept = SSL_SESSION_dup(sess)) == NULL) {
		free(copy);
		return 0;
	}
	pthread_mutex_lock(&st->lock);
	e = find(st, key);
	if (e == NULL) {
		for (unsigned i = 0; i < MAX_SERVERS && e == NULL; i++)
			if (st->e[i].key == NULL)
				e = &st->e[i];
		if (e == NULL) {
			e = &st->e[st->next_evict];
			st->next_evict = (st->next_evict + 1) % MAX_SERVERS;
		}
	}
	free(e->key);
	SSL_SESSION_free(e->sess);
	e->key = copy;
	e->sess = kept;     /* the newest ticket replaces the older one */
	pthread_mutex_unlock(&st->lock);
	return 0;
}

bool jy_tls_sessions_enable(SSL_CTX *ctx)
{
	struct store *st;

	pthread_once(&idx_once, make_indexes);
	if (ctx_idx < 0 || ssl_idx < 0 || (st = calloc(1, sizeof *st)) == NULL)
		return false;
	pthread_mutex_init(&st->lock, NULL);
	if (!SSL_CTX_set_ex_data(ctx, ctx_idx, st)) {
		store_free(NULL, st, NULL, 0, 0, NULL);
		return false;
	}
	/* Client-side caching only through our callback: OpenSSL's internal
	 * client cache would key sessions by nothing useful. */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
	SSL_CTX_sess_set_new_cb(ctx, on_new_session);
	return true;
}

void jy_tls_sessions_offer(SSL *ssl, const char *server_key)
{
	struct store *st = store_of(SSL_get_SSL_CTX(ssl));
	struct entry *e;
	char *copy;

	if (st == NULL || server_key == NULL || (copy = strdup(server_key)) == NULL)
		return;
	if (!SSL_set_ex_data(ssl, ssl_idx, copy)) {
		free(copy);
		return;
	}
	pthread_mutex_lock(&st->lock);
	e = find(st, server_key);
	/* Each connection gets its own copy: OpenSSL's client updates the
	 * session it resumes from during the handshake, and connections in
	 * other threads resuming from one shared object at the same moment
	 * lost about one resumption in fifteen here (four threads, a thousand
	 * reconnections). Failure of either call just means a full handshake. */
	SSL_SESSION *copy_sess = e != NULL && still_valid(e->sess) ? SSL_SESSION_dup(e->sess) : NULL;
	pthread_mutex_unlock(&st->lock);
	if (copy_sess != NULL) {
		(void)SSL_set_session(ssl, copy_sess);
		SSL_SESSION_free(copy_sess);
	}
}

void jy_tls_sessions_forget(SSL_CTX *ctx, const char *server_key)
{
	struct store *st = store_of(ctx);
	struct entry *e;

	if (st == NULL || server_key == NULL)
		return;
	pthread_mutex_lock(&st->lock);
	e = find(st, server_key);
	if (e != NULL) {
		free(e->key);
		SSL_SESSION_free(e->sess);
		e->key = NULL;
		e->sess = NULL;
	}
	pthread_mutex_unlock(&st->lock);
}
