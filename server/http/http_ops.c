/* Operations endpoints: /healthz (the process answers), /readyz (it can do
 * useful work: a ready database connection, the listener up, not draining)
 * and /metrics (Prometheus text exposition format 0.0.4). None of them
 * touches the database: they must answer while it is down. */
#include "http.h"

#include <stdio.h>
#include <string.h>

#include "accept_guard.h"
#include "db.h"
#include "metrics.h"
#include "net.h"
#include "process_stats.h"
#include "read_pool.h"
#include "protocol.h"

void http_ops_healthz(struct http_env *env, struct evhttp_request *req, const char *path,
		      struct evkeyvalq *query)
{
	(void)env;
	(void)path;
	(void)query;
	http_send_text(req, HTTP_OK, "ok\n");
}

void http_ops_readyz(struct http_env *env, struct evhttp_request *req, const char *path,
		     struct evkeyvalq *query)
{
	(void)path;
	(void)query;
	struct db_pool_stats st, portal;
	db_pool_get_stats(env->net->db, &st);
	db_pool_get_stats(env->portal_db, &portal);
	const char *why = NULL;
	if (env->net->draining)
		why = "draining";
	else if (!env->net->listener)
		why = "protocol listener is not up";
	else if (!http_listening(env))
		why = "HTTP listener is not up";
	else if (st.ready == 0)
		why = "no database connection is ready";
	else if (portal.ready == 0)
		why = "no portal database connection is ready";
	if (why) {
		char text[128];
		snprintf(text, sizeof text, "not ready: %s\n", why);
		http_send_text(req, 503, text);
	} else {
		http_send_text(req, HTTP_OK, "ready\n");
	}
}

static void metric(struct evbuffer *b, const char *name, const char *type, const char *help,
		   unsigned long long value)
{
	evbuffer_add_printf(b, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n", name, help, name, type, name,
			    value);
}

/* The public HTTP side and the portal's own database pool. */
static void write_http_side(struct http_env *env, struct evbuffer *b)
{
	struct http_side_stats hs;
	http_stats(env, &hs);
	metric(b, "jianyid_http_connections_open", "gauge", "Public HTTP connections open now.",
	       hs.open);
	metric(b, "jianyid_http_connections_refused_total", "counter",
	       "Public HTTP connections closed at once: http_max_connections were open.", hs.refused);
	metric(b, "jianyid_http_request_deadline_total", "counter",
	       "Public HTTP connections closed because a request was not read within http_request_timeout.",
	       hs.timed_out);
	metric(b, "jianyid_http_accept_errors_total", "counter",
	       "Accept errors on the public HTTP listener (e.g. out of descriptors).", hs.accept_errors);
	metric(b, "jianyid_tls_accept_errors_total", "counter",
	       "Accept errors on the protocol listener (e.g. out of descriptors).",
	       accept_guard_errors(env->net->accept_guard));
	metric(b, "jianyid_portal_stats_computed_total", "counter",
	       "Statistics queries sent for /stats (the page is cached for portal_cache_seconds).",
	       (unsigned long long)env->portal_stats_computed);
	struct db_pool_stats ps;
	db_pool_get_stats(env->portal_db, &ps);
	metric(b, "jianyid_portal_db_queue_depth", "gauge",
	       "Portal queries waiting for one of the portal's own connections.", ps.queued);
}

/* Time queries waited for a connection of each pool (queue to sent). */
static void write_db_wait(struct http_env *env, struct evbuffer *b)
{
	struct db_pool_stats main_pool, portal;
	db_pool_get_stats(env->net->db, &main_pool);
	evbuffer_add_printf(b,
		"# HELP jianyid_db_wait_seconds Time a query waited for a free database connection, by pool.\n"
		"# TYPE jianyid_db_wait_seconds histogram\n");
	jy_histogram_write(&main_pool.wait, "jianyid_db_wait_seconds", "pool=\"main\"", b);
	if (env->portal_db) {
		db_pool_get_stats(env->portal_db, &portal);
		jy_histogram_write(&portal.wait, "jianyid_db_wait_seconds", "pool=\"portal\"", b);
	}
	if (env->read_db) {
		struct db_read_stats rs;
		db_read_pool_get_stats(env->read_db, &rs);
		jy_histogram_write(&rs.pool.wait, "jianyid_db_wait_seconds", "pool=\"read\"", b);
	}
}

/* The read-only pool (db/read_pool.h), when there is one: whether it
 * serves, the lag its probe saw, where the reads it may take went. */
static void write_read_pool(struct http_env *env, struct evbuffer *b)
{
	struct db_read_stats rs;
	if (!env->read_db)
		return;
	db_read_pool_get_stats(env->read_db, &rs);
	metric(b, "jianyid_db_read_pool_serving", "gauge",
	       "1 while reads that may run on a standby go to the read pool, 0 while they go to the primary.",
	       rs.serving);
	if (rs.lag_known)
		evbuffer_add_printf(b,
			"# HELP jianyid_db_read_lag_seconds The read pool's replication lag at the last probe "
			"(-1: the standby could not tell).\n# TYPE jianyid_db_read_lag_seconds gauge\n"
			"jianyid_db_read_lag_seconds %.3f\n", rs.lag_s);
	evbuffer_add_printf(b,
		"# HELP jianyid_db_read_queries_total Reads that may run on a standby, by the pool they were sent to.\n"
		"# TYPE jianyid_db_read_queries_total counter\n"
		"jianyid_db_read_queries_total{pool=\"read\"} %llu\n"
		"jianyid_db_read_queries_total{pool=\"primary\"} %llu\n",
		rs.to_read, rs.to_primary);
	metric(b, "jianyid_db_read_retried_total", "counter",
	       "Reads that failed on the read pool (server gone, recovery conflict) and were sent to the primary.",
	       rs.retried);
	metric(b, "jianyid_db_read_fallbacks_total", "counter",
	       "Times the read pool stopped serving (too far behind, unreachable).", rs.fallbacks);
	metric(b, "jianyid_db_read_connections_ready", "gauge", "The read pool's connections ready.",
	       rs.pool.ready);
}

/* Which build answers, as Prometheus' *_build_info convention has it. */
static void write_build_info(struct evbuffer *b)
{
	evbuffer_add_printf(b,
		"# HELP jianyid_build_info The running jianyid's version (the value is always 1).\n"
		"# TYPE jianyid_build_info gauge\n"
		"jianyid_build_info{version=\"%s\",protocol=\"%d\"} 1\n",
		JY_SOFTWARE_VERSION, JY_PROTOCOL_VERSION);
}

void http_ops_metrics(struct http_env *env, struct evhttp_request *req, const char *path,
		      struct evkeyvalq *query)
{
	(void)path;
	(void)query;
	struct db_pool_stats st;
	db_pool_get_stats(env->net->db, &st);
	struct evbuffer *b = evbuffer_new();
	metric(b, "jianyid_sessions_open", "gauge", "Protocol connections open now.", env->net->nsessions);
	metric(b, "jianyid_sessions_total", "counter", "Protocol connections accepted.",
	       (unsigned long long)jy_metrics_counter(env->net->metrics, JY_SESSIONS_TOTAL));
	metric(b, "jianyid_sessions_refused_total", "counter",
	       "Protocol connections refused (over the limit, draining, unknown certificate).",
	       (unsigned long long)jy_metrics_counter(env->net->metrics, JY_SESSIONS_REFUSED));
	metric(b, "jianyid_sessions_handshaking", "gauge",
	       "Protocol connections still in the TLS handshake (bounded by max_handshakes).",
	       env->net->nhandshaking);
	metric(b, "jianyid_handshakes_refused_total", "counter",
	       "Connections closed at accept because max_handshakes were in progress.",
	       (unsigned long long)jy_metrics_counter(env->net->metrics, JY_HANDSHAKES_REFUSED));
	evbuffer_add_printf(b,
		"# HELP jianyid_tls_handshakes_total Completed TLS handshakes, by kind (resumed: a session ticket).\n"
		"# TYPE jianyid_tls_handshakes_total counter\n"
		"jianyid_tls_handshakes_total{kind=\"full\"} %llu\n"
		"jianyid_tls_handshakes_total{kind=\"resumed\"} %llu\n",
		(unsigned long long)jy_metrics_counter(env->net->metrics, JY_TLS_FULL),
		(unsigned long long)jy_metrics_counter(env->net->metrics, JY_TLS_RESUMED));
	jy_metrics_write_requests(env->net->metrics, b);
	/* db_pool_stats counts busy connections among the ready ones; the two
	 * states here do not overlap, so they add up to the connected ones. */
	evbuffer_add_printf(b,
		"# HELP jianyid_db_connections Database connections: ready = connected and idle, "
		"busy = a query in flight.\n# TYPE jianyid_db_connections gauge\n"
		"jianyid_db_connections{state=\"ready\"} %u\njianyid_db_connections{state=\"busy\"} %u\n",
		st.ready - st.busy, st.busy);
	metric(b, "jianyid_db_queue_depth", "gauge", "Queries waiting for a connection.", st.queued);
	evbuffer_add_printf(b,
		"# HELP jianyid_db_queries_total Database queries finished, by outcome.\n"
		"# TYPE jianyid_db_queries_total counter\n"
		"jianyid_db_queries_total{outcome=\"ok\"} %llu\n"
		"jianyid_db_queries_total{outcome=\"failed\"} %llu\n",
		st.queries_ok, st.queries_failed);
	metric(b, "jianyid_db_reconnects_total", "counter", "Database reconnection attempts.",
	       st.reconnects);
	write_db_wait(env, b);
	write_read_pool(env, b);
	write_http_side(env, b);
	if (env->more_metrics)
		env->more_metrics(env->more_metrics_arg, b);
	write_build_info(b);
	jy_process_metrics_write(b);
	http_send(req, HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", b);
	evbuffer_free(b);
}
