/* A small cache of client SSL_CTXs (see tls_cache.h). A process almost
 * always uses a single identity; a few entries let a tool or a test that
 * alternates two keep both contexts, and with them their session tickets
 * (tls_sessions.c), instead of rebuilding a context per connection. */
#include "tls_cache.h"
#include "tls_sessions.h"

#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>

/* What identifies a context: the paths, each file's version on disk, and
 * the protocol floor. */
struct ctx_key {
	char paths[3][1024];
	struct { dev_t dev; ino_t ino; off_t size; struct timespec mtime; } files[3];
	bool allow_tls12;
};

#define CACHE_ENTRIES 4

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	SSL_CTX *ctx;
	struct ctx_key key;
	unsigned long used;      /* last use, for least-recently-used eviction */
} cache[CACHE_ENTRIES];
static unsigned long use_clock;

/* Fills key; false when a path is missing, too long or cannot be stat'ed
 * (then we just do not cache: the context builder reports the error). */
static bool make_key(const struct jy_tls_files *f, struct ctx_key *key)
{
	const char *paths[3] = { f->cert_file, f->key_file, f->ca_file };

	memset(key, 0, sizeof *key);   /* padding too: keys are compared with memcmp */
	key->allow_tls12 = f->allow_tls12;
	for (int i = 0; i < 3; i++) {
		struct stat st;

		if (paths[i] == NULL || strlen(paths[i]) >= sizeof key->paths[i] ||
		    stat(paths[i], &st) != 0)
			return false;
		strcpy(key->paths[i], paths[i]);
		key->files[i].dev = st.st_dev;
		key->files[i].ino = st.st_ino;
		key->files[i].size = st.st_size;
		key->files[i].mtime = st.st_mtim;
	}
	return true;
}

static SSL_CTX *build(const struct jy_tls_files *files, char *err, size_t errlen)
{
	SSL_CTX *ctx = jy_tls_client_ctx(files, err, errlen);

	if (ctx != NULL) {
		/* Idle sessions give their read/write buffers back. */
		SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
		/* Reconnections resume with the ticket the server gave us; if the
		 * store cannot be made they just do full handshakes. */
		(void)jy_tls_sessions_enable(ctx);
	}
	return ctx;
}

SSL_CTX *jy_client_ctx_get(const struct jy_tls_files *files, char *err, size_t errlen)
{
	struct ctx_key key;
	SSL_CTX *ctx;
	int victim = 0;

	if (!make_key(files, &key))
		return build(files, err, errlen);
	pthread_mutex_lock(&cache_lock);
	for (int i = 0; i < CACHE_ENTRIES; i++) {
		if (cache[i].ctx != NULL && memcmp(&key, &cache[i].key, sizeof key) == 0) {
			ctx = cache[i].ctx;
			cache[i].used = ++use_clock;
			SSL_CTX_up_ref(ctx);
			pthread_mutex_unlock(&cache_lock);
			return ctx;
		}
	}
	pthread_mutex_unlock(&cache_lock);

	/* built outside the lock: parsing files takes a while */
	ctx = build(files, err, errlen);
	if (ctx == NULL)
		return NULL;
	pthread_mutex_lock(&cache_lock);
	/* The same paths with older files, else the least recently used. */
	for (int i = 0; i < CACHE_ENTRIES; i++) {
		if (cache[i].ctx != NULL &&
		    memcmp(cache[i].key.paths, key.paths, sizeof key.paths) == 0) {
			victim = i;
			break;
		}
		if (cache[i].used < cache[victim].used)
			victim = i;
	}
	SSL_CTX_free(cache[victim].ctx);   /* the cache's reference; users keep theirs */
	cache[victim].ctx = ctx;
	cache[victim].key = key;
	cache[victim].used = ++use_clock;
	SSL_CTX_up_ref(ctx);        /* one for the cache, one for the caller */
	pthread_mutex_unlock(&cache_lock);
	return ctx;
}
