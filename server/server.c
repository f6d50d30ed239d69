#include "server.h"

#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <event2/listener.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include "bootstrap.h"
#include "embedded_pg.h"
#include "feed.h"
#include "http.h"
#include "jobs.h"
#include "listener.h"
#include "log.h"
#include "metrics.h"
#include "notice_push.h"
#include "notifier.h"
#include "pbjson.h"
#include "revocation.h"
#include "session.h"
#include "sql_registry.h"
#include "tls.h"

/* See reap(): a few frames' worth, so that ordinary closes never trim. */
#define TRIM_AFTER_RELEASED_BYTES (4u * 1024u * 1024u)

static SSL_CTX *build_tls(const struct jy_config *cfg, char *err, size_t errlen)
{
	struct jy_tls_files f = { cfg->cert_file, cfg->key_file, cfg->ca_file, cfg->allow_tls12 };
	return jy_tls_server_ctx(&f, err, errlen);
}

bool server_reload_tls(struct jy_server *srv)
{
	char err[512];
	/* Build the new context completely before touching the old one: a bad
	 * reload leaves the server as it was. */
	SSL_CTX *fresh = build_tls(srv->cfg, err, sizeof err);
	if (!fresh) {
		char q[600];
		jy_error("event=tls_reload_failed reason=%s", jy_log_quote(err, q, sizeof q));
		return false;
	}
	SSL_CTX *old = srv->tls;
	srv->tls = fresh;
	SSL_CTX_free(old); /* sessions hold their own reference through their SSL */
	jy_info("event=tls_reloaded cert=%s", srv->cfg->cert_file);
	return true;
}

void server_session_opened(struct jy_server *srv, struct session *s)
{
	TAILQ_INSERT_TAIL(&srv->sessions, s, link);
	srv->nsessions++;
	srv->sessions_total++;
}

void server_session_closed(struct jy_server *srv, struct session *s)
{
	TAILQ_REMOVE(&srv->sessions, s, link);
	srv->nsessions--;
	server_maybe_exit(srv);
}

void server_maybe_exit(struct jy_server *srv)
{
	if (srv->draining && srv->nsessions == 0 && srv->nlinger == 0)
		event_base_loopexit(srv->base, NULL);
}

static void reap(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct jy_server *srv = arg;
	struct session *s;
	while ((s = TAILQ_FIRST(&srv->graveyard)) != NULL) {
		TAILQ_REMOVE(&srv->graveyard, s, link);
		session_free(s);
	}
	/* Input buffers of sessions that held large incomplete frames return
	 * to malloc as many chunks it keeps; after such a flood, give the
	 * memory back to the system. Later, not now: libevent finalizes a
	 * freed bufferevent (and frees its buffers) on a later iteration. */
	if (srv->input_released >= TRIM_AFTER_RELEASED_BYTES) {
		srv->input_released = 0;
		struct timeval soon = { 0, 200 * 1000 };
		evtimer_add(srv->trim_timer, &soon);
	}
}

static void trim(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	malloc_trim(0);
}

static void on_drain_timeout(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct jy_server *srv = arg;
	jy_warn("event=drain_timeout sessions=%u", srv->nsessions);
	event_base_loopexit(srv->base, NULL);
}

static void begin_drain(struct jy_server *srv, const char *why)
{
	if (srv->draining) {
		jy_warn("event=second_signal action=exit_now");
		event_base_loopexit(srv->base, NULL);
		return;
	}
	srv->draining = true;
	jy_info("event=draining signal=%s sessions=%u", why, srv->nsessions);
	if (srv->listener)
		evconnlistener_disable(srv->listener);
	struct session *s = TAILQ_FIRST(&srv->sessions), *next;
	for (; s; s = next) {
		next = TAILQ_NEXT(s, link);
		session_begin_drain(s);
	}
	if (srv->nsessions == 0 && srv->nlinger == 0) {
		event_base_loopexit(srv->base, NULL);
		return;
	}
	struct timeval tv = { (time_t)srv->cfg->drain_timeout_s, 0 };
	evtimer_add(srv->drain_timer, &tv);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	struct jy_server *srv = arg;
	if (sig == SIGHUP)
		server_reload_tls(srv);
	else
		begin_drain(srv, sig == SIGTERM ? "TERM" : "INT");
}

static bool write_ready_file(struct jy_server *srv, char *err, size_t errlen)
{
	char host[INET6_ADDRSTRLEN];
	unsigned port;
	listener_local_address(evconnlistener_get_fd(srv->listener), host, sizeof host, &port);
	jy_info("event=listening addr=%s port=%u pid=%d", host, port, (int)getpid());
	if (!srv->cfg->ready_file)
		return true;
	/* Write then rename, so a watcher never reads half a line. */
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", srv->cfg->ready_file);
	FILE *f = fopen(tmp, "w");
	if (!f || fprintf(f, "%s:%u\n", host, port) < 0 || fclose(f) != 0 ||
	    rename(tmp, srv->cfg->ready_file) != 0) {
		snprintf(err, errlen, "cannot write ready file %s", srv->cfg->ready_file);
		return false;
	}
	return true;
}

/* The loop with priorities: the public HTTP side's connections run below
 * everything else (sessions, the database), and the loop looks for
 * higher-priority work after every few of them, so a crowd of anonymous
 * visitors does not add its whole batch to an authenticated request's
 * latency. */
static struct event_base *new_event_base(void)
{
	struct event_config *ec = event_config_new();
	if (!ec)
		return NULL;
	event_config_set_max_dispatch_interval(ec, NULL, JY_HTTP_BATCH, JY_PRIORITY_HTTP);
	struct event_base *base = event_base_new_with_config(ec);
	event_config_free(ec);
	if (base && event_base_priority_init(base, JY_PRIORITIES) != 0) {
		event_base_free(base);
		base = NULL;
	}
	return base;
}

int server_run(struct jy_config *cfg)
{
	char err[1024];
	int status = 1;
	struct embedded_pg pg;
	memset(&pg, 0, sizeof pg);
	bool have_pg = false;
	struct jy_server srv;
	memset(&srv, 0, sizeof srv);
	srv.cfg = cfg;
	TAILQ_INIT(&srv.sessions);
	TAILQ_INIT(&srv.graveyard);
	srv.metrics = jy_metrics_new();
	/* The tests run jianyid with JIANYI_PBJSON_STRICT=1: a SQL answer that
	 * does not match the protocol is then an error, not a silently empty
	 * field (pbjson.h). */
	const char *strict = getenv("JIANYI_PBJSON_STRICT");
	if (strict && strcmp(strict, "1") == 0) {
		pbjson_set_strict(true);
		jy_info("event=pbjson_strict");
	}
	signal(SIGPIPE, SIG_IGN);
	/* Every session is a descriptor: take all the kernel allows us. */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	srv.tls = build_tls(cfg, err, sizeof err);
	if (!srv.tls)
		goto fail;
	srv.base = new_event_base();
	if (!srv.base) {
		snprintf(err, sizeof err, "cannot create the event loop");
		goto fail;
	}
	/* Bind both listeners before the database is touched: a bad or busy
	 * address is a usage error (exit 2) that leaves the data directory and
	 * the schema alone. Nothing is accepted before the loop runs, once
	 * everything below is ready; clients that come meanwhile wait in the
	 * kernel's backlog. */
	if (!listener_start(&srv, cfg->listen, err, sizeof err) ||
	    !http_start(&srv, err, sizeof err)) {
		status = 2;
		goto fail;
	}

	const char *conninfo = cfg->conninfo;
	if (!conninfo) {
		if (!embedded_pg_start(&pg, cfg->data_dir, cfg->pg_bindir, err, sizeof err))
			goto fail;
		have_pg = true;
		conninfo = pg.conninfo;
		jy_info("event=embedded_postgres data_dir=%s started_now=%s", pg.pgdata,
			pg.started_by_us ? "yes" : "no");
	}
	if (!bootstrap_database(conninfo, cfg->migration_lock_timeout_s, err, sizeof err))
		goto fail;

	struct db_pool_config pc = { conninfo, cfg->pool_size, cfg->max_queue, 10,
				     cfg->statement_timeout_s * 1000u };
	srv.db = db_pool_new(srv.base, &pc, jy_all_statements, jy_all_statements_count);
	db_pool_start(srv.db);
	/* The anonymous portal's own small pool with a shorter statement
	 * timeout: its visitors never wait in, nor fill, the authenticated
	 * clients' queue. */
	struct db_pool_config ppc = { conninfo, cfg->portal_pool_size, PORTAL_MAX_QUEUE, 10,
				      cfg->portal_statement_timeout_ms };
	srv.portal_db = db_pool_new(srv.base, &ppc, jy_portal_statements, jy_portal_statements_count);
	db_pool_start(srv.portal_db);
	srv.feed = feed_new(&srv, conninfo);
	feed_start(srv.feed);
	srv.push = notice_push_new(&srv);
	notice_push_start(srv.push);
	srv.notifier = notifier_new(&srv);
	notifier_start(srv.notifier);
	srv.jobs = jobs_new(&srv);
	jobs_start(srv.jobs);
	srv.revocation = revocation_new(&srv);
	revocation_start(srv.revocation);
	srv.reaper = event_new(srv.base, -1, 0, reap, &srv);
	srv.trim_timer = evtimer_new(srv.base, trim, &srv);
	srv.drain_timer = evtimer_new(srv.base, on_drain_timeout, &srv);
	srv.sig_term = evsignal_new(srv.base, SIGTERM, on_signal, &srv);
	srv.sig_int = evsignal_new(srv.base, SIGINT, on_signal, &srv);
	srv.sig_hup = evsignal_new(srv.base, SIGHUP, on_signal, &srv);
	evsignal_add(srv.sig_term, NULL);
	evsignal_add(srv.sig_int, NULL);
	evsignal_add(srv.sig_hup, NULL);

	/* Last: whoever waits for the ready file may use both sides at once. */
	if (!write_ready_file(&srv, err, sizeof err))
		goto fail;

	event_base_dispatch(srv.base);
	status = 0;
	jy_info("event=stopping sessions=%u requests=%llu", srv.nsessions,
		(unsigned long long)srv.requests_total);
	goto cleanup;

fail:
	{
		char q[1100];
		jy_error("event=startup_failed reason=%s", jy_log_quote(err, q, sizeof q));
		fprintf(stderr, "jianyid: %s\n", err);
	}
cleanup:
	listener_stop(&srv);
	/* Close what is left (drain timeout), then fail queued queries: their
	 * callbacks find closed sessions and only release them. */
	while (!TAILQ_EMPTY(&srv.sessions))
		session_force_close(TAILQ_FIRST(&srv.sessions), "server stopping");
	if (srv.db)
		db_pool_free(srv.db);
	if (srv.portal_db)
		db_pool_free(srv.portal_db);
	/* After the pool: subscriptions' queries have all been answered. */
	feed_free(srv.feed);
	notice_push_free(srv.push);
	jobs_free(srv.jobs);
	notifier_free(srv.notifier);
	revocation_free(srv.revocation);
	/* After the pool: its shutdown answered every pending page. */
	http_stop(&srv);
	jy_metrics_free(srv.metrics);
	if (srv.reaper) {
		reap(-1, 0, &srv);
		event_free(srv.reaper);
	}
	if (srv.drain_timer)
		event_free(srv.drain_timer);
	if (srv.trim_timer)
		event_free(srv.trim_timer);
	if (srv.sig_term) {
		event_free(srv.sig_term);
		event_free(srv.sig_int);
		event_free(srv.sig_hup);
	}
	if (srv.base)
		event_base_free(srv.base);
	SSL_CTX_free(srv.tls);
	if (have_pg) {
		embedded_pg_stop(&pg);
		embedded_pg_free(&pg);
	}
	if (cfg->ready_file)
		unlink(cfg->ready_file);
	return status;
}
