#include "server.h"

#include <fcntl.h>
#include <errno.h>
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
#ifdef JY_HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "bootstrap.h"
#include "conninfo.h"
#include "dispatch.h"
#include "embedded_pg.h"
#include "feed.h"
#include "http.h"
#include "jobs.h"
#include "listener.h"
#include "log.h"
#include "metrics.h"
#include "notice_push.h"
#include "notifier.h"
#include "observe.h"
#include "pbjson.h"
#include "read_pool.h"
#include "revocation.h"
#include "session.h"
#include "statements.h"
#include "ticket_keys.h"
#include "tls.h"
#include "enroll_ca.h"

/* See reap(): a few frames' worth, so that ordinary closes never trim. */
#define TRIM_AFTER_RELEASED_BYTES (4u * 1024u * 1024u)

static SSL_CTX *build_tls(const struct jy_config *cfg, char *err, size_t errlen)
{
	struct jy_tls_files f = { cfg->cert_file, cfg->key_file, cfg->ca_file, cfg->allow_tls12,
				  cfg->issuing_cert_file, false };
	SSL_CTX *ctx = jy_tls_server_ctx(&f, err, errlen);
	/* Shared ticket keys, read again on every reload (rotation). */
	if (ctx && cfg->ticket_key_file && !ticket_keys_use_file(ctx, cfg->ticket_key_file, err, errlen)) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

bool server_reload_tls(struct jy_server *srv)
{
	char err[512];
	/* Build the new context completely before touching the old one: a bad
	 * reload leaves the server as it was. */
	SSL_CTX *fresh = build_tls(srv->net.cfg, err, sizeof err);
	if (!fresh) {
		char q[600];
		jy_error("event=tls_reload_failed reason=%s", jy_log_quote(err, q, sizeof q));
		return false;
	}
	SSL_CTX *old = srv->net.tls;
	srv->net.tls = fresh;
	SSL_CTX_free(old); /* sessions hold their own reference through their SSL */
	jy_info("event=tls_reloaded cert=%s", srv->net.cfg->cert_file);
	return true;
}

/* The network layer's hooks (net.h). */
static void dispatch(void *app, struct request *req, const Jianyi__Request *body)
{
	struct jy_server *srv = app;
	dispatch_request(&srv->api, req, body);
}

static void session_closing(void *app, struct session *s)
{
	(void)app;
	if (s->feed_sub)
		feed_unsubscribe(s);
	if (s->notice_follower)
		notice_push_unfollow(s);
}

static void drained(void *app)
{
	struct jy_server *srv = app;
	event_base_loopexit(srv->net.base, NULL);
}

static void reap(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct jy_server *srv = arg;
	struct session *s;
	while ((s = TAILQ_FIRST(&srv->net.graveyard)) != NULL) {
		TAILQ_REMOVE(&srv->net.graveyard, s, link);
		session_free(s);
	}
	/* Input buffers of sessions that held large incomplete frames return
	 * to malloc as many chunks it keeps; after such a flood, give the
	 * memory back to the system. Later, not now: libevent finalizes a
	 * freed bufferevent (and frees its buffers) on a later iteration. */
	if (srv->net.input_released >= TRIM_AFTER_RELEASED_BYTES) {
		srv->net.input_released = 0;
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
	jy_warn("event=drain_timeout sessions=%u", srv->net.nsessions);
	event_base_loopexit(srv->net.base, NULL);
}

static void begin_drain(struct jy_server *srv, const char *why)
{
	if (srv->net.draining) {
		jy_warn("event=second_signal action=exit_now");
		event_base_loopexit(srv->net.base, NULL);
		return;
	}
	srv->net.draining = true;
	jy_info("event=draining signal=%s sessions=%u", why, srv->net.nsessions);
	if (srv->net.listener)
		evconnlistener_disable(srv->net.listener);
	struct session *s = TAILQ_FIRST(&srv->net.sessions), *next;
	for (; s; s = next) {
		next = TAILQ_NEXT(s, link);
		session_begin_drain(s);
	}
	if (srv->net.nsessions == 0 && srv->net.nlinger == 0) {
		event_base_loopexit(srv->net.base, NULL);
		return;
	}
	struct timeval tv = { (time_t)srv->net.cfg->drain_timeout_s, 0 };
	evtimer_add(srv->drain_timer, &tv);
}

/* ---- the instance id and the access log ------------------------------------ */

/* log.instance, or hostname:pid: it names the machine and the process
 * without a table to look it up in (ps, journalctl _PID=), and differs for
 * every process sharing the database. Characters outside JY_INSTANCE_CHARS
 * become '-'; the host name is cut so that the whole stays within
 * JY_INSTANCE_MAX. */
static void choose_instance(const struct jy_config *cfg, char *out, size_t len)
{
	if (cfg->log_instance) {
		snprintf(out, len, "%s", cfg->log_instance);
		return;
	}
	char host[256] = "", pid[16];
	if (gethostname(host, sizeof host - 1) != 0 || !host[0])
		snprintf(host, sizeof host, "localhost");
	snprintf(pid, sizeof pid, ":%d", (int)getpid());
	size_t keep = JY_INSTANCE_MAX - strlen(pid);
	host[strlen(host) < keep ? strlen(host) : keep] = '\0';
	for (char *c = host; *c; c++)
		if (!strchr(JY_INSTANCE_CHARS, *c))
			*c = '-';
	snprintf(out, len, "%s%s", host, pid);
}

/* Opens [log] access_log (appending) in place of the current one; a failure
 * keeps the current one. */
static bool open_access_log(struct jy_server *srv, char *err, size_t errlen)
{
	const char *path = srv->cfg->access_log;
	int fd = -1;
	if (path && (fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640)) < 0) {
		snprintf(err, errlen, "log.access_log: cannot open %s: %s", path, strerror(errno));
		return false;
	}
	jy_log_set_access_fd(fd);
	if (srv->access_fd >= 0)
		close(srv->access_fd);
	srv->access_fd = fd;
	return true;
}

/* ---- SIGHUP: reload ------------------------------------------------------------ */

struct reload_ctx {
	struct jy_server *srv;
	const struct jy_config *fresh;
};

/* Live settings whose module was switched on or off at start. */
static const char *reload_veto(void *arg, const char *section, const char *key)
{
	struct reload_ctx *rc = arg;
	const struct jy_config *now = rc->srv->cfg, *fresh = rc->fresh;
	if (!strcmp(section, "jobs") && (now->jobs_interval_s == 0 || fresh->jobs_interval_s == 0))
		return "needs a restart (the periodic job is switched on or off at start)";
	if (!strcmp(section, "notifier") && !strcmp(key, "command") &&
	    (!rc->srv->notifier || !fresh->notifier_command))
		return "needs a restart (the notifier is switched on or off at start)";
	return NULL;
}

/* Reads the configuration file again and applies what can change live;
 * a file that does not load or validate changes nothing. */
static void reload_config(struct jy_server *srv)
{
	char err[1024], q[1100];
	struct jy_config fresh;
	if (!srv->cfg->config_path) {
		jy_info("event=config_reload_skipped reason=\"no configuration file (--config)\"");
		return;
	}
	if (!jy_config_reread(srv->cfg, &fresh, err, sizeof err)) {
		jy_error("event=config_reload_failed file=%s reason=%s kept=running_configuration",
			 srv->cfg->config_path, jy_log_quote(err, q, sizeof q));
		jy_config_free(&fresh);
		return;
	}
	/* The reload's own lines at the more verbose of the two levels: going
	 * from warn to info, or info to warn, both show what changed. */
	enum jy_log_level was = JY_LOG_INFO, will = JY_LOG_INFO;
	jy_log_parse_level(srv->cfg->log_level, &was);
	jy_log_parse_level(fresh.log_level, &will);
	jy_log_set_level(was < will ? was : will);
	struct reload_ctx rc = { srv, &fresh };
	unsigned refused = jy_config_apply_live(srv->cfg, &fresh, reload_veto, &rc);
	jy_config_free(&fresh);
	jy_info("event=config_reloaded file=%s not_applied=%u", srv->cfg->config_path, refused);
	jy_log_parse_level(srv->cfg->log_level, &will);
	jy_log_set_level(will);
}

void server_reload(struct jy_server *srv)
{
	char err[512], q[600];
	reload_config(srv);
	/* Again, whether or not its path changed: logrotate moved the old one. */
	if (!open_access_log(srv, err, sizeof err))
		jy_error("event=access_log_reopen_failed reason=%s", jy_log_quote(err, q, sizeof q));
	server_reload_tls(srv);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	struct jy_server *srv = arg;
	if (sig == SIGHUP)
		server_reload(srv);
	else
		begin_drain(srv, sig == SIGTERM ? "TERM" : "INT");
}

static void more_metrics(void *arg, struct evbuffer *out)
{
	struct jy_server *srv = arg;
	observe_write_metrics(srv->observe, out);
}

/* [database] read_conninfo: the reads that may run on a standby get their
 * own pool (db/read_pool.h); the statement timeout is the main pool's. */
static void start_read_pool(struct jy_server *srv, const char *app_name)
{
	const struct jy_config *cfg = srv->cfg;
	if (!cfg->read_conninfo)
		return;
	struct db_read_config rc = { cfg->read_conninfo, cfg->read_pool_size, cfg->max_queue,
				     cfg->statement_timeout_s * 1000u, cfg->read_max_lag_s, app_name };
	srv->read_db = db_read_pool_new(srv->net.base, &rc);
	srv->http.read_db = srv->read_db;
	db_read_pool_start(srv->read_db);
}

static bool write_ready_file(struct jy_server *srv, char *err, size_t errlen)
{
	char host[INET6_ADDRSTRLEN];
	unsigned port;
	listener_local_address(evconnlistener_get_fd(srv->net.listener), host, sizeof host, &port);
	jy_info("event=listening addr=%s port=%u pid=%d", host, port, (int)getpid());
	if (!srv->net.cfg->ready_file)
		return true;
	/* Write then rename, so a watcher never reads half a line. */
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", srv->net.cfg->ready_file);
	FILE *f = fopen(tmp, "w");
	if (!f || fprintf(f, "%s:%u\n", host, port) < 0 || fclose(f) != 0 ||
	    rename(tmp, srv->net.cfg->ready_file) != 0) {
		snprintf(err, errlen, "cannot write ready file %s", srv->net.cfg->ready_file);
		return false;
	}
	return true;
}

/* Type=notify (deploy/systemd): READY=1 once listening and migrated.
 * NOTIFY_SOCKET is jianyid's alone: the private PostgreSQL (built with
 * systemd support) would say READY=1 in its place as soon as it runs, so
 * the variable is out of the environment the children inherit until then. */
static char *notify_socket;

static void notify_socket_take(void)
{
	const char *s = getenv("NOTIFY_SOCKET");
	if (s) {
		notify_socket = strdup(s);
		unsetenv("NOTIFY_SOCKET");
	}
}

static void notify_ready(void)
{
	if (!notify_socket)
		return;
#ifdef JY_HAVE_LIBSYSTEMD
	/* 1: sd_notify takes the variable out again. */
	if (setenv("NOTIFY_SOCKET", notify_socket, 1) == 0)
		sd_notify(1, "READY=1");
#endif
	free(notify_socket);
	notify_socket = NULL;
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
	srv.access_fd = -1;
	srv.net.cfg = cfg;
	char instance[JY_INSTANCE_MAX + 1], app_name[JY_INSTANCE_MAX + 16];
	choose_instance(cfg, instance, sizeof instance);
	jy_log_set_instance(instance);
	snprintf(app_name, sizeof app_name, "jianyid/%s", instance);
	srv.net.hooks = (struct jy_net_hooks){ dispatch, session_closing, drained, &srv };
	srv.http.net = &srv.net;
	srv.http.more_metrics = more_metrics;
	srv.http.more_metrics_arg = &srv;
	TAILQ_INIT(&srv.net.sessions);
	TAILQ_INIT(&srv.net.graveyard);
	srv.net.metrics = jy_metrics_new();
	/* The tests run jianyid with JIANYI_PBJSON_STRICT=1: a SQL answer that
	 * does not match the protocol is then an error, not a silently empty
	 * field (pbjson.h). */
	const char *strict = getenv("JIANYI_PBJSON_STRICT");
	if (strict && strcmp(strict, "1") == 0) {
		pbjson_set_strict(true);
		jy_info("event=pbjson_strict");
	}
	signal(SIGPIPE, SIG_IGN);
	notify_socket_take();
	/* Every session is a descriptor: take all the kernel allows us. */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	if (!open_access_log(&srv, err, sizeof err)) {
		status = 2;
		goto fail;
	}
	srv.net.tls = build_tls(cfg, err, sizeof err);
	if (!srv.net.tls)
		goto fail;
	if (cfg->issuing_cert_file &&
	    !(srv.enroll_ca = enroll_ca_load(cfg->issuing_cert_file, cfg->issuing_key_file, err, sizeof err)))
		goto fail;
	srv.net.base = new_event_base();
	if (!srv.net.base) {
		snprintf(err, sizeof err, "cannot create the event loop");
		goto fail;
	}
	/* Bind both listeners before the database is touched: a bad or busy
	 * address is a usage error (exit 2) that leaves the data directory and
	 * the schema alone. Nothing is accepted before the loop runs, once
	 * everything below is ready; clients that come meanwhile wait in the
	 * kernel's backlog. */
	if (!listener_start(&srv.net, cfg->listen, err, sizeof err) ||
	    !http_start(&srv.http, err, sizeof err)) {
		status = 2;
		goto fail;
	}

	const char *conninfo = cfg->conninfo;
	if (conninfo && !db_conninfo_check(conninfo, err, sizeof err)) {
		status = 2;
		goto fail;
	}
	if (cfg->read_conninfo && !db_read_conninfo_check(cfg->read_conninfo, err, sizeof err)) {
		status = 2;
		goto fail;
	}
	if (!conninfo) {
		if (!embedded_pg_start_archiving(&pg, cfg->data_dir, cfg->pg_bindir, cfg->archive_dir,
						 err, sizeof err))
			goto fail;
		have_pg = true;
		conninfo = pg.conninfo;
		jy_info("event=embedded_postgres data_dir=%s started_now=%s", pg.pgdata,
			pg.started_by_us ? "yes" : "no");
	}
	if (!bootstrap_database(conninfo, cfg->migration_lock_timeout_s, err, sizeof err))
		goto fail;

	struct db_pool_config pc = { conninfo, cfg->pool_size, cfg->max_queue, 10,
				     cfg->statement_timeout_s * 1000u, app_name };
	srv.net.db = db_pool_new(srv.net.base, &pc, jy_statements, STMT_COUNT);
	db_pool_start(srv.net.db);
	/* The anonymous portal's own small pool with a shorter statement
	 * timeout: its visitors never wait in, nor fill, the authenticated
	 * clients' queue. */
	struct db_pool_config ppc = { conninfo, cfg->portal_pool_size, PORTAL_MAX_QUEUE, 10,
				      cfg->portal_statement_timeout_ms, app_name };
	srv.http.portal_db = db_pool_new(srv.net.base, &ppc, jy_statements + STMT_PORTAL_FIRST,
				     JY_PORTAL_STATEMENTS);
	db_pool_start(srv.http.portal_db);
	start_read_pool(&srv, app_name);
	srv.push = notice_push_new(&srv.net);
	srv.feed = feed_new(&srv.net, srv.push, conninfo, app_name);
	feed_start(srv.feed);
	notice_push_start(srv.push);
	srv.notifier = notifier_new(&srv.net);
	notifier_start(srv.notifier);
	srv.jobs = jobs_new(&srv.net, srv.push, srv.notifier);
	jobs_start(srv.jobs);
	srv.observe = observe_new(&srv.net, srv.feed, srv.jobs, srv.notifier);
	observe_start(srv.observe);
	srv.api = (struct api_ctx){ srv.net.base, cfg, srv.net.db, srv.read_db, srv.feed, srv.push,
				    srv.enroll_ca };
	srv.net.revocation = revocation_new(&srv.net);
	revocation_start(srv.net.revocation);
	srv.net.reaper = event_new(srv.net.base, -1, 0, reap, &srv);
	srv.trim_timer = evtimer_new(srv.net.base, trim, &srv);
	srv.drain_timer = evtimer_new(srv.net.base, on_drain_timeout, &srv);
	srv.sig_term = evsignal_new(srv.net.base, SIGTERM, on_signal, &srv);
	srv.sig_int = evsignal_new(srv.net.base, SIGINT, on_signal, &srv);
	srv.sig_hup = evsignal_new(srv.net.base, SIGHUP, on_signal, &srv);
	evsignal_add(srv.sig_term, NULL);
	evsignal_add(srv.sig_int, NULL);
	evsignal_add(srv.sig_hup, NULL);

	/* Last: whoever waits for the ready file may use both sides at once. */
	if (!write_ready_file(&srv, err, sizeof err))
		goto fail;
	notify_ready();

	event_base_dispatch(srv.net.base);
	status = 0;
	jy_info("event=stopping sessions=%u requests=%llu", srv.net.nsessions,
		(unsigned long long)jy_metrics_counter(srv.net.metrics, JY_REQUESTS_READ));
	goto cleanup;

fail:
	{
		char q[1100];
		jy_error("event=startup_failed reason=%s", jy_log_quote(err, q, sizeof q));
		fprintf(stderr, "jianyid: %s\n", err);
	}
cleanup:
	listener_stop(&srv.net);
	/* Close what is left (drain timeout), then fail queued queries: their
	 * callbacks find closed sessions and only release them. */
	while (!TAILQ_EMPTY(&srv.net.sessions))
		session_force_close(TAILQ_FIRST(&srv.net.sessions), "server stopping");
	/* Before the primary pools: a read failing on it is never sent on. */
	db_read_pool_free(srv.read_db);
	srv.read_db = srv.http.read_db = srv.api.read = NULL;
	if (srv.net.db)
		db_pool_free(srv.net.db);
	if (srv.http.portal_db)
		db_pool_free(srv.http.portal_db);
	/* After the pool: subscriptions' queries have all been answered. */
	feed_free(srv.feed);
	notice_push_free(srv.push);
	observe_free(srv.observe);
	jobs_free(srv.jobs);
	notifier_free(srv.notifier);
	revocation_free(srv.net.revocation);
	/* After the pool: its shutdown answered every pending page. */
	http_stop(&srv.http);
	jy_metrics_free(srv.net.metrics);
	if (srv.net.reaper) {
		reap(-1, 0, &srv);
		event_free(srv.net.reaper);
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
	if (srv.net.base)
		event_base_free(srv.net.base);
	SSL_CTX_free(srv.net.tls);
	enroll_ca_free(srv.enroll_ca);
	if (have_pg) {
		embedded_pg_stop(&pg);
		embedded_pg_free(&pg);
	}
	if (cfg->ready_file)
		unlink(cfg->ready_file);
	jy_log_set_access_fd(-1);
	if (srv.access_fd >= 0)
		close(srv.access_fd);
	return status;
}
