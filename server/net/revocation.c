/* Ends sessions whose certificate or account stopped being valid; see
 * revocation.h. */
#include "revocation.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <event2/event.h>

#include "db.h"
#include "log.h"
#include "net.h"
#include "session.h"
#include "statements.h"
#include "xalloc.h"

/* The database re-check without a NOTIFY: bounds how long a revoke made
 * with plain SQL (or while the LISTEN connection was down) goes unnoticed. */
#define RECHECK_EVERY_S 5

struct revocation {
	struct jy_net *net;
	struct event *tick;       /* every second: expiry; every RECHECK_EVERY_S: the database */
	unsigned ticks;
	uint64_t epoch;           /* wake-ups so far */
	bool running;             /* a STMT_CERTS_ENDED query is out */
	bool again;               /* woken while it was out: check once more */
};

static void recheck(struct revocation *r);

static const char *why_reason(const char *why)
{
	if (strcmp(why, "revoked") == 0)
		return "certificate_revoked";
	if (strcmp(why, "disabled") == 0)
		return "account_disabled";
	return "certificate_unknown";
}

static const char *why_message(const char *why)
{
	if (strcmp(why, "revoked") == 0)
		return "your certificate was revoked";
	if (strcmp(why, "disabled") == 0)
		return "your account was disabled";
	return "your certificate is no longer bound to an account";
}

/* The certificates of the identified sessions as a text[] literal; their
 * SHA-256s are lowercase hex (computed by us), so they need no quoting.
 * NULL when there is none. */
static char *ready_certs(struct jy_net *net)
{
	size_t n = 0;
	struct session *s;
	TAILQ_FOREACH(s, &net->sessions, link)
		n += s->state == SESS_READY && !s->enroll_only;
	if (n == 0)
		return NULL;
	char *buf = jy_xmalloc(2 + n * 65), *p = buf;
	*p++ = '{';
	TAILQ_FOREACH(s, &net->sessions, link) {
		if (s->state != SESS_READY || s->enroll_only) /* no certificate */
			continue;
		if (p > buf + 1)
			*p++ = ',';
		memcpy(p, s->cert_sha256, 64);
		p += 64;
	}
	*p++ = '}';
	*p = '\0';
	return buf;
}

static void end_sessions_with(struct jy_net *net, const char *sha, const char *why)
{
	struct session *s, *next;
	for (s = TAILQ_FIRST(&net->sessions); s; s = next) {
		next = TAILQ_NEXT(s, link); /* ending may unlink s */
		if (s->state == SESS_READY && strcmp(s->cert_sha256, sha) == 0)
			session_end_credentials(s, why_reason(why), why_message(why));
	}
}

static void on_checked(const struct db_result *res, void *arg)
{
	struct revocation *r = arg;
	r->running = false;
	if (res->outcome == DB_SHUTDOWN)
		return;
	if (res->outcome != DB_OK) {
		/* The next tick tries again; sessions keep their last verdict.
		 * An outage is logged by the pool already. */
		char q[300];
		jy_log(res->outcome == DB_UNAVAILABLE ? JY_LOG_DEBUG : JY_LOG_WARN,
		       "event=credentials_recheck_failed sqlstate=%s error=%s", res->sqlstate,
		       jy_log_quote(res->error, q, sizeof q));
	} else {
		for (int i = 0; i < PQntuples(res->res); i++)
			end_sessions_with(r->net, PQgetvalue(res->res, i, 0),
					  PQgetvalue(res->res, i, 1));
	}
	if (r->again) {
		r->again = false;
		recheck(r);
	}
}

static void recheck(struct revocation *r)
{
	if (r->running) {
		r->again = true;
		return;
	}
	char *certs = ready_certs(r->net);
	if (!certs)
		return;
	const char *params[1] = { certs };
	r->running = db_query(r->net->db, &jy_statements[STMT_CERTS_ENDED], params, on_checked, r);
	if (!r->running)
		jy_warn("event=credentials_recheck_failed error=\"database queue full\"");
	free(certs);
}

/* Sessions whose certificate's notAfter has passed. */
static void end_expired(struct jy_net *net)
{
	time_t now = time(NULL);
	struct session *s, *next;
	for (s = TAILQ_FIRST(&net->sessions); s; s = next) {
		next = TAILQ_NEXT(s, link);
		if (s->state == SESS_READY && s->cert_not_after && now >= s->cert_not_after)
			session_end_credentials(s, "certificate_expired", "your certificate expired");
	}
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct revocation *r = arg;
	end_expired(r->net);
	if (++r->ticks % RECHECK_EVERY_S == 0)
		recheck(r);
}

struct revocation *revocation_new(struct jy_net *net)
{
	struct revocation *r = jy_xcalloc(1, sizeof *r);
	r->net = net;
	r->tick = event_new(net->base, -1, EV_PERSIST, on_tick, r);
	if (!r->tick)
		abort();
	return r;
}

void revocation_start(struct revocation *r)
{
	struct timeval one = { 1, 0 };
	event_add(r->tick, &one);
}

void revocation_wake(struct revocation *r)
{
	if (!r)
		return;
	r->epoch++;
	recheck(r);
}

uint64_t revocation_epoch(const struct revocation *r)
{
	return r ? r->epoch : 0;
}

void revocation_free(struct revocation *r)
{
	if (!r)
		return;
	event_free(r->tick);
	free(r);
}
