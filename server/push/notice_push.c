/* Live pushes of new notices; see notice_push.h. */
#include "notice_push.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/queue.h>
#include <event2/event.h>
#include <json-c/json.h>

#include "db.h"
#include "feed.h"
#include "log.h"
#include "pbjson.h"
#include "net.h"
#include "session.h"
#include "statements.h"
#include "xalloc.h"

struct notice_follower {
	struct notice_push *np;
	struct session *sess;     /* NULL once the session has gone */
	int64_t account_id;
	int64_t cursor;           /* the newest notice id sent (or shown) */
	bool inflight;            /* a jy_inbox_after query is out */
	bool again;               /* woken while it was out: look again after it */
	TAILQ_ENTRY(notice_follower) link;
};
TAILQ_HEAD(follower_list, notice_follower);

struct notice_push {
	struct jy_net *net;
	struct follower_list followers;
	struct event *poll;
	struct notice_push_stats stats;
};

static void follower_kick(struct notice_follower *f);

/* Detaches f from its session and the list; freed now or, when its query
 * is out, by the query's callback. */
static void follower_drop(struct notice_follower *f)
{
	if (f->sess) {
		f->sess->notice_follower = NULL;
		f->sess = NULL;
		TAILQ_REMOVE(&f->np->followers, f, link);
		f->np->stats.followers--;
	}
	if (!f->inflight)
		free(f);
}

/* Pushes the notices of one answer, oldest first; stops early when the
 * session goes or its output is backed up (the cursor says how far). */
static void follower_push(struct notice_follower *f, json_object *arr)
{
	size_t n = arr && json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
	for (size_t i = 0; i < n && f->sess; i++) {
		if (session_output_backlog(f->sess) > FEED_MAX_BACKLOG) {
			jy_info("event=notice_push_deferred session=%llu backlog=%zu",
				(unsigned long long)f->sess->id, session_output_backlog(f->sess));
			return;
		}
		struct pb_arena arena = { 0 };
		Jianyi__Notice notice = JIANYI__NOTICE__INIT;
		Jianyi__Event ev = JIANYI__EVENT__INIT;
		if (!pbjson_fill_message(&notice.base, json_object_array_get_idx(arr, i), &arena))
			/* Strict mode (the tests) only: the notice still goes out. */
			jy_error("event=answer_mismatch message=Notice error=\"%s\"", pbjson_error());
		ev.kind = "notice";
		ev.sequence = notice.id;
		ev.notice = &notice;
		bool open = session_push_event(f->sess, &ev);
		pb_arena_free(&arena);
		if (!open)
			return;
		if (notice.id > f->cursor)
			f->cursor = notice.id;
		f->np->stats.pushed++;
	}
}

static void on_after(const struct db_result *r, void *arg)
{
	struct notice_follower *f = arg;
	/* f->inflight stays true while we push: a push that closes the session
	 * detaches f (follower_drop) without freeing it under us. */
	if (f->sess) {
		if (r->outcome != DB_OK || PQntuples(r->res) != 1) {
			/* Retried by the next wake-up or the poll, not at once. */
			if (r->outcome != DB_SHUTDOWN)
				jy_warn("event=notice_push_failed session=%llu error=\"%s\"",
					(unsigned long long)f->sess->id, r->error);
			f->again = false;
		} else {
			json_object *doc = json_tokener_parse(PQgetvalue(r->res, 0, 0));
			json_object *v;
			if (doc && json_object_object_get_ex(doc, "notices", &v))
				follower_push(f, v);
			else
				jy_error("event=notice_push_bad_answer session=%llu",
					 (unsigned long long)f->sess->id);
			json_object_put(doc);
		}
	}
	f->inflight = false;
	if (!f->sess) {
		free(f);
		return;
	}
	if (f->again) {
		f->again = false;
		follower_kick(f);
	}
}

static void follower_kick(struct notice_follower *f)
{
	if (!f->sess)
		return;
	if (f->inflight) {
		/* Its query may have read before the commit that woke us. */
		f->again = true;
		return;
	}
	char account[24], after[24], limit[16];
	snprintf(account, sizeof account, "%" PRId64, f->account_id);
	snprintf(after, sizeof after, "%" PRId64, f->cursor);
	snprintf(limit, sizeof limit, "%d", NOTICE_PAGE);
	const char *values[3] = { account, after, limit };
	if (db_query(f->np->net->db, &jy_statements[STMT_INBOX_AFTER], values, on_after, f)) {
		f->inflight = true;
		f->np->stats.queries++;
	}
	/* else the queue is full: the next wake-up or the poll tries again */
}

void notice_push_wake(struct notice_push *np)
{
	if (!np)
		return;
	np->stats.wakeups++;
	struct notice_follower *f, *next;
	for (f = TAILQ_FIRST(&np->followers); f; f = next) {
		next = TAILQ_NEXT(f, link);
		follower_kick(f);
	}
}

void notice_push_follow(struct notice_push *np, struct session *s, int64_t cursor)
{
	if (s->notice_follower)
		follower_drop(s->notice_follower);
	struct notice_follower *f = jy_xcalloc(1, sizeof *f);
	f->np = np;
	f->sess = s;
	f->account_id = s->who.account_id;
	f->cursor = cursor;
	s->notice_follower = f;
	TAILQ_INSERT_TAIL(&np->followers, f, link);
	np->stats.followers++;
	/* Notices raised between its Inbox answer and now woke nobody. */
	follower_kick(f);
}

void notice_push_unfollow(struct session *s)
{
	if (s->notice_follower)
		follower_drop(s->notice_follower);
}

static void poll_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct notice_push *np = arg;
	if (np->stats.followers > 0)
		notice_push_wake(np);
}

struct notice_push *notice_push_new(struct jy_net *net)
{
	struct notice_push *np = jy_xcalloc(1, sizeof *np);
	np->net = net;
	TAILQ_INIT(&np->followers);
	np->poll = event_new(net->base, -1, EV_PERSIST, poll_cb, np);
	if (!np->poll)
		abort();
	return np;
}

void notice_push_start(struct notice_push *np)
{
	struct timeval tv = { NOTICE_POLL_MS / 1000, (NOTICE_POLL_MS % 1000) * 1000 };
	event_add(np->poll, &tv);
}

void notice_push_free(struct notice_push *np)
{
	if (!np)
		return;
	struct notice_follower *f;
	while ((f = TAILQ_FIRST(&np->followers)) != NULL) {
		f->inflight = false; /* the pool is gone: no callback will come */
		follower_drop(f);
	}
	event_free(np->poll);
	free(np);
}

void notice_push_get_stats(const struct notice_push *np, struct notice_push_stats *out)
{
	*out = np->stats;
}
