/* Bringing a mirror up to date (see mirror_sync.h). */
#include "mirror_sync.h"
#include "cli_i18n.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "cli_output.h"
#include "cli_reasons.h"
#include "mirror_attach.h"
#include "mirror_todo.h"
#include "protocol.h"
#include "tls.h"
#include "xalloc.h"

#define LIVE_BATCH 500
#define REFRESH_BATCH 500      /* cases read and stored per transaction */
#define FRAME_SLACK 2048       /* a fetched chunk leaves this much of a frame */
#define STALE_MAX 5000         /* cases left stale before reading them mid-sync */

bool cli_cert_sha256(const char *path, char out[65], char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	X509 *x;
	bool ok;

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return false;
	}
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	ok = x != NULL && jy_tls_cert_sha256(x, out);
	X509_free(x);
	if (!ok)
		snprintf(err, errlen, _("%s: not a PEM certificate"), path);
	return ok;
}

double mirror_sync_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A mirror failure is fatal: the file needs a person. */
static enum mirror_sync_outcome mirror_fatal(struct mirror_sync *x)
{
	mirror_rollback(x->m);
	cli_fail(CLI_EXIT_FAILURE, "%s", mirror_error(x->m));
	return SYNC_FATAL;
}

static enum mirror_sync_outcome link_failed(const struct jy_error *err, const char *doing)
{
	char why[1024];

	cli_status_sentence(err, why, sizeof why);
	if (err->code == JIANYI__STATUS_CODE__STATUS_UNAVAILABLE ||
	    err->code == JIANYI__STATUS_CODE__STATUS_DEADLINE_EXCEEDED ||
	    err->code == JIANYI__STATUS_CODE__STATUS_RESOURCE_EXHAUSTED) {
		fprintf(stderr, _("jianyi: sync: %s: %s\n"), doing, why);
		return SYNC_RETRY;
	}
	cli_fail(CLI_EXIT_FAILURE, _("sync: %s: %s"), doing, why);
	return SYNC_FATAL;
}

/* Distinct case ids of the events, in order of first appearance. */
static size_t distinct_cases(Jianyi__FeedEvent *const *ev, size_t n, int64_t *ids)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		bool seen = false;
		/* pages are at most 5000 events: a scan back is cheap next to a fetch */
		for (size_t j = k; j > 0 && !seen; j--)
			seen = ids[j - 1] == ev[i]->suggestion_id;
		if (!seen)
			ids[k++] = ev[i]->suggestion_id;
	}
	return k;
}

/* GetSuggestion for every id, pipelined; answers[i] for ids[i] (the
 * envelope, whatever its status). */
static enum mirror_sync_outcome fetch_cases(struct mirror_sync *x, const int64_t *ids,
					    size_t n, Jianyi__Envelope **answers)
{
	const Jianyi__Welcome *w = jy_welcome(x->c);
	size_t window = w->limits != NULL && w->limits->max_in_flight > 0 ?
			w->limits->max_in_flight : JY_DEFAULT_MAX_IN_FLIGHT;
	size_t nsent = 0, nreceived = 0;
	uint64_t first = 0, id;
	struct jy_error err;

	while (nreceived < n) {
		Jianyi__Envelope *resp = NULL;
		while (nsent < n && nsent - nreceived < window) {
			Jianyi__Request req;
			Jianyi__GetSuggestionRequest g;
			jy_request_get(&req, &g, ids[nsent]);
			if (!jy_send(x->c, &req, &id, &err))
				return link_failed(&err, _("reading cases"));
			if (nsent == 0)
				first = id;
			nsent++;
		}
		/* false with a response: a refusal (not found, denied) for that case */
		if (!jy_receive(x->c, &resp, &err) && resp == NULL)
			return link_failed(&err, _("reading cases"));
		if (resp->id < first || resp->id - first >= nsent || answers[resp->id - first]) {
			jy_envelope_free(resp);
			err.code = JIANYI__STATUS_CODE__STATUS_INTERNAL;
			snprintf(err.message, sizeof err.message, _("an answer to a request not made"));
			return link_failed(&err, _("reading cases"));
		}
		answers[resp->id - first] = resp;
		nreceived++;
	}
	return SYNC_OK;
}

void mirror_sync_progress(struct mirror_sync *x, bool done)
{
	double dt = mirror_sync_clock() - x->t0;

	if (!x->tty)
		return;
	fputc('\r', stderr);
	fprintf(stderr, _("sync: %" PRId64 " events, %" PRId64 " cases, %.0f events/s  %s"),
		x->events, x->cases, dt > 0 ? (double)x->events / dt : 0.0, done ? "\n" : "");
	fflush(stderr);
}

/* Reads and stores up to REFRESH_BATCH stale cases per transaction until
 * at most keep are left. */
static enum mirror_sync_outcome refresh(struct mirror_sync *x, int64_t keep)
{
	int64_t ids[REFRESH_BATCH], total;
	size_t k;

	for (;;) {
		if (!mirror_stale(x->m, REFRESH_BATCH, ids, &k, &total))
			return mirror_fatal(x);
		if (total <= keep || k == 0)
			return SYNC_OK;
		Jianyi__Envelope *answers[REFRESH_BATCH] = { 0 };
		enum mirror_sync_outcome o = fetch_cases(x, ids, k, answers);
		if (o == SYNC_OK && !mirror_begin(x->m))
			o = mirror_fatal(x);
		for (size_t i = 0; o == SYNC_OK && i < k; i++) {
			Jianyi__Response *r = answers[i]->response;
			int code = r->status ? (int)r->status->code : 0;
			bool ok;
			struct jy_error terr;
			if (code == 0 && r->body_case == JIANYI__RESPONSE__BODY_GET_SUGGESTION &&
			    r->get_suggestion->suggestion != NULL &&
			    r->get_suggestion->suggestion->id == ids[i]) {
				/* A long timeline comes in pages: the rest, one call
				 * each (nothing else is in flight now). */
				if (!jy_timeline_complete(x->c, r->get_suggestion, &terr)) {
					mirror_rollback(x->m);
					o = link_failed(&terr, _("reading cases"));
					break;
				}
				ok = mirror_put_case(x->m, r->get_suggestion);
			} else if (code == JIANYI__STATUS_CODE__STATUS_NOT_FOUND ||
				   code == JIANYI__STATUS_CODE__STATUS_PERMISSION_DENIED) {
				/* no longer ours to see */
				ok = mirror_drop_case(x->m, ids[i]) && mirror_drop_attachments(x->m, ids[i]);
			} else {
				struct jy_error err = { .code = code ? code
								     : JIANYI__STATUS_CODE__STATUS_INTERNAL };
				char why[512];

				if (!cli_reason_status(r->status, why, sizeof why))
					snprintf(why, sizeof why, "%s", r->status && r->status->message[0]
						 ? r->status->message : _("unexpected answer"));
				snprintf(err.message, sizeof err.message, _("case %" PRId64 ": %s"), ids[i], why);
				mirror_rollback(x->m);
				o = link_failed(&err, _("reading cases"));
				break;
			}
			if (!ok)
				o = mirror_fatal(x);
		}
		if (o == SYNC_OK && !mirror_commit(x->m))
			o = mirror_fatal(x);
		for (size_t i = 0; i < k; i++)
			if (answers[i] != NULL)
				jy_envelope_free(answers[i]);
		if (o != SYNC_OK)
			return o;
		x->cases += (int64_t)k;
		mirror_sync_progress(x, false);
	}
}

/* Records n events that end at cursor: their cases marked stale and the
 * cursor, in one transaction; then refreshes when enough are stale. */
static enum mirror_sync_outcome apply(struct mirror_sync *x, Jianyi__FeedEvent *const *ev,
				      size_t n, const char *cursor, int64_t keep_stale)
{
	int64_t *ids = jy_xcalloc(n ? n : 1, sizeof *ids);
	size_t k = distinct_cases(ev, n, ids);
	bool ok = mirror_begin(x->m);

	for (size_t i = 0; ok && i < k; i++)
		ok = mirror_mark_stale(x->m, ids[i]);
	ok = ok && mirror_set_cursor(x->m, cursor, (int64_t)n) && mirror_commit(x->m);
	free(ids);
	if (!ok)
		return mirror_fatal(x);
	snprintf(x->cursor, sizeof x->cursor, "%s", cursor);
	x->events += (int64_t)n;
	return refresh(x, keep_stale);
}

/* Pages from the cursor until caught up; live: the last Sync subscribes. */
enum mirror_sync_outcome mirror_sync_catch_up(struct mirror_sync *x, bool live)
{
	for (;;) {
		Jianyi__Request req = JIANYI__REQUEST__INIT;
		Jianyi__SyncRequest s = JIANYI__SYNC_REQUEST__INIT;
		Jianyi__Envelope *resp = NULL;
		struct jy_error err;
		enum mirror_sync_outcome o;
		bool caught_up;

		s.cursor = x->cursor;
		s.page_size = x->page_size;
		s.live = live;
		req.body_case = JIANYI__REQUEST__BODY_SYNC;
		req.sync = &s;
		if (!jy_call(x->c, &req, &resp, &err)) {
			if (resp != NULL)
				jy_envelope_free(resp);
			if (err.code == JIANYI__STATUS_CODE__STATUS_RESOURCE_EXHAUSTED && x->page_size > 1) {
				/* A page of large events can pass the frame limit (or the
				 * server is busy): ask again for half as many. */
				x->page_size /= 2;
				continue;
			}
			if (err.code == JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT)
				cli_fail(CLI_EXIT_FAILURE, _("sync: the server refuses the mirror's cursor "
					 "'%s'; the mirror %s was made against another database: "
					 "start a new one"), x->cursor, mirror_path(x->m));
			return err.code == JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT ? SYNC_FATAL
				: link_failed(&err, _("syncing"));
		}
		if (resp->response->body_case != JIANYI__RESPONSE__BODY_SYNC ||
		    strlen(resp->response->sync->cursor) >= MIRROR_CURSOR_MAX) {
			jy_envelope_free(resp);
			cli_fail(CLI_EXIT_FAILURE, _("internal: the server's answer to sync has no page"));
			return SYNC_FATAL;
		}
		const Jianyi__SyncResponse *sr = resp->response->sync;
		caught_up = sr->caught_up;
		o = apply(x, sr->events, sr->n_events, sr->cursor, caught_up ? 0 : STALE_MAX);
		jy_envelope_free(resp);
		if (o != SYNC_OK)
			return o;
		x->pages++;
		if (x->page_size < x->page_want)
			x->page_size = x->page_size * 2 < x->page_want ? x->page_size * 2 : x->page_want;
		mirror_sync_progress(x, false);
		if (caught_up)
			return SYNC_OK;
	}
}

/* Statistics for offline "stats": the server's answers, as of this sync. */
enum mirror_sync_outcome mirror_sync_stats(struct mirror_sync *x)
{
	static const char *const groups[] = { "", "unit", "category", "term_session" };

	for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
		Jianyi__Request req = JIANYI__REQUEST__INIT;
		Jianyi__StatsRequest sr = JIANYI__STATS_REQUEST__INIT;
		Jianyi__Envelope *resp = NULL;
		struct jy_error err;
		sr.group_by = (char *)groups[i];
		req.body_case = JIANYI__REQUEST__BODY_STATS;
		req.stats = &sr;
		if (!jy_call(x->c, &req, &resp, &err)) {
			if (resp != NULL)
				jy_envelope_free(resp);
			/* an account without statistics keeps none; not a sync failure */
			if (err.code == JIANYI__STATUS_CODE__STATUS_PERMISSION_DENIED)
				continue;
			return link_failed(&err, _("reading statistics"));
		}
		bool ok = resp->response->body_case == JIANYI__RESPONSE__BODY_STATS &&
			  mirror_put_stats(x->m, groups[i], resp->response->stats);
		jy_envelope_free(resp);
		if (!ok)
			return mirror_fatal(x);
	}
	return SYNC_OK;
}

/* The to-do list for offline "todo" (mirror_todo.h): the server's answer,
 * as of this sync. */
enum mirror_sync_outcome mirror_sync_todo(struct mirror_sync *x)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__TodoRequest q = JIANYI__TODO_REQUEST__INIT;
	Jianyi__Envelope *resp = NULL;
	struct jy_error err;
	bool ok;

	req.body_case = JIANYI__REQUEST__BODY_TODO;
	req.todo = &q;
	if (!jy_call(x->c, &req, &resp, &err)) {
		if (resp != NULL)
			jy_envelope_free(resp);
		/* an account without a to-do list keeps none; not a sync failure */
		if (err.code == JIANYI__STATUS_CODE__STATUS_PERMISSION_DENIED)
			return SYNC_OK;
		return link_failed(&err, _("reading the to-do list"));
	}
	ok = resp->response->body_case == JIANYI__RESPONSE__BODY_TODO &&
	     mirror_put_todo(x->m, resp->response->todo);
	jy_envelope_free(resp);
	return ok ? SYNC_OK : mirror_fatal(x);
}

/* Live: applies pushed events in small batches (what has arrived), each
 * with its cursor; back to paging when the server says we fell behind. */
enum mirror_sync_outcome mirror_sync_follow(struct mirror_sync *x)
{
	Jianyi__FeedEvent *batch[LIVE_BATCH];
	Jianyi__Envelope *held[LIVE_BATCH];
	struct jy_error err;

	for (;;) {
		enum mirror_sync_outcome o = mirror_sync_catch_up(x, true);
		if (o != SYNC_OK)
			return o;
		mirror_sync_progress(x, false);
		for (;;) {
			size_t n = 0;
			char cursor[MIRROR_CURSOR_MAX] = "";
			bool resync = false;
			Jianyi__Envelope *ev = NULL;
			if (!jy_next_event(x->c, 60000, &ev, &err)) {
				if (err.code == JIANYI__STATUS_CODE__STATUS_DEADLINE_EXCEEDED)
					continue;
				return link_failed(&err, _("following"));
			}
			/* this one, and whatever else is already here */
			do {
				const Jianyi__Event *e = ev->event;
				if (strcmp(e->kind, "feed") == 0 && e->feed != NULL &&
				    strlen(e->cursor) < sizeof cursor) {
					batch[n] = e->feed;
					held[n++] = ev;
					snprintf(cursor, sizeof cursor, "%s", e->cursor);
				} else {
					resync = strcmp(e->kind, "resync") == 0;
					jy_envelope_free(ev);
				}
				ev = NULL;
			} while (!resync && n < LIVE_BATCH && jy_next_event(x->c, 0, &ev, &err));
			o = n > 0 ? apply(x, batch, n, cursor, 0) : SYNC_OK;
			for (size_t i = 0; i < n; i++)
				jy_envelope_free(held[i]);
			if (o != SYNC_OK)
				return o;
			mirror_sync_progress(x, false);
			if (resync)
				break;   /* fell behind: page again from our cursor */
		}
	}
}

/* The largest chunk both our frames and the server's carry. */
static int32_t attach_chunk(const struct jy_client *c)
{
	const Jianyi__Welcome *w = jy_welcome(c);
	uint32_t frame = w->limits != NULL ? w->limits->max_frame_bytes : JY_DEFAULT_MAX_FRAME;
	int32_t n = JY_ATTACH_CHUNK_MAX;
	if (frame > 2 * FRAME_SLACK && frame - FRAME_SLACK < (uint32_t)n)
		n = (int32_t)(frame - FRAME_SLACK);
	return n;
}

/* The attachments' bytes for offline reading, one chunk per transaction: a
 * fetch cut in the middle goes on from where the stored bytes end. */
enum mirror_sync_outcome mirror_sync_attachments(struct mirror_sync *x)
{
	for (;;) {
		int64_t id, received, size;
		Jianyi__Request req = JIANYI__REQUEST__INIT;
		Jianyi__AttachFetchRequest q = JIANYI__ATTACH_FETCH_REQUEST__INIT;
		Jianyi__Envelope *resp = NULL;
		struct jy_error err;

		if (!mirror_attach_missing(x->m, &id, &received, &size))
			return mirror_fatal(x);
		if (id == 0)
			return SYNC_OK;
		q.attachment_id = id;
		q.offset = received;
		q.length = attach_chunk(x->c);
		req.body_case = JIANYI__REQUEST__BODY_ATTACH_FETCH;
		req.attach_fetch = &q;
		if (!jy_call(x->c, &req, &resp, &err)) {
			if (resp != NULL)
				jy_envelope_free(resp);
			return link_failed(&err, _("fetching attachments"));
		}
		const Jianyi__AttachFetchResponse *r = resp->response->attach_fetch;
		bool ok = resp->response->body_case == JIANYI__RESPONSE__BODY_ATTACH_FETCH &&
			  r->offset == received && r->data.len > 0 &&
			  received + (int64_t)r->data.len <= size;
		if (!ok) {
			jy_envelope_free(resp);
			cli_fail(CLI_EXIT_FAILURE, _("internal: the server's answer to attach_fetch has no bytes"));
			return SYNC_FATAL;
		}
		ok = mirror_attach_store(x->m, id, received, r->data.data, r->data.len);
		jy_envelope_free(resp);
		if (!ok)
			return mirror_fatal(x);
	}
}

/* One connection's work: bind, outbox, catch up, statistics, follow. */
enum mirror_sync_outcome mirror_sync_once(struct mirror_sync *x, const char *server,
					  const char *ca_sha256, bool quiet, bool follow_on,
					  struct outbox_tally *t)
{
	struct jy_error err;
	enum mirror_sync_outcome o;

	if (!mirror_bind(x->m, server, jy_welcome(x->c)->identity, ca_sha256) ||
	    !mirror_set_time_zone(x->m, jy_welcome(x->c)->time_zone)) {
		x->fatal_rc = cli_fail(CLI_EXIT_USAGE, "%s", mirror_error(x->m));
		return SYNC_FATAL;
	}
	/* Our own writes first, so the pages that follow bring their effect. */
	if (!cli_outbox_send(x->c, x->m, quiet, t, &err))
		return err.code == JIANYI__STATUS_CODE__STATUS_INTERNAL ? SYNC_FATAL
			: link_failed(&err, _("sending the outbox"));
	if ((o = mirror_sync_catch_up(x, false)) != SYNC_OK || (o = mirror_sync_stats(x)) != SYNC_OK ||
	    (o = mirror_sync_todo(x)) != SYNC_OK || (o = mirror_sync_attachments(x)) != SYNC_OK)
		return o;
	return follow_on ? mirror_sync_follow(x) : SYNC_OK;
}
