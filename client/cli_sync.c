/* jianyi sync (see cli_sync.h).
 *
 * A FeedEvent says what happened (kind, states, version, details) but not
 * what the case now is (title, units, deadline, plan, ...), so the mirror
 * reads every case the feed touched with GetSuggestion (the case and its
 * whole timeline as the server shows it to us), pipelined up to the
 * server's in-flight limit. Reading a case once per page would read a busy
 * case again in every page of a long first sync; so a page only marks its
 * cases stale, in the same SQLite transaction as the page's cursor, and the
 * stale cases are read and stored when many have gathered and whenever the
 * feed is caught up (each batch in its own transaction, clearing the
 * marks). Killed at any point, the mirror holds the cursor of its last
 * committed page and every case that page and the ones before touched is
 * either stored after it or still marked: resuming reads the rest. A case
 * read is as of the moment of reading, possibly ahead of the cursor; the
 * feed brings those newer events later and the case is read again, so once
 * caught up every case equals the server's. A case we may no longer see
 * (reassigned away) is dropped from the mirror. */
#include "cli_sync.h"
#include "cli_i18n.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_flags.h"
#include "cli_mirror.h"
#include "cli_outbox.h"
#include "mirror_attach.h"
#include "cli_output.h"
#include "cli_reasons.h"
#include "jianyi.h"
#include "protocol.h"
#include "xalloc.h"

#define PAGE_DEFAULT 250
#define PAGE_MAX 5000
#define LIVE_BATCH 500
#define REFRESH_BATCH 500      /* cases read and stored per transaction */
#define FRAME_SLACK 2048       /* a fetched chunk leaves this much of a frame */
#define STALE_MAX 5000         /* cases left stale before reading them mid-sync */
#define BACKOFF_MIN_MS 500
#define BACKOFF_MAX_MS 30000

const struct cli_option cli_sync_options[] = {
	{ "follow", NULL, N_("after catching up, stay connected and apply events as they happen") },
	{ "page-size", N_("N"), N_("events per page, 1 to 5000 (default 250)") },
	{ 0 },
};

struct sync_ctx {
	struct jy_client *c;
	struct mirror *m;
	int page_size;              /* this Sync's page: halved while the server says too big */
	int page_want;              /* what the user asked for */
	bool tty;                   /* progress on stderr */
	char cursor[MIRROR_CURSOR_MAX];
	int64_t events, cases, pages;
	int fatal_rc;               /* exit status when S_FATAL */
	double t0;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

enum outcome { S_OK, S_RETRY, S_FATAL };

/* A mirror failure is fatal: the file needs a person. */
static enum outcome mirror_fatal(struct sync_ctx *x)
{
	mirror_rollback(x->m);
	cli_fail(CLI_EXIT_FAILURE, "%s", mirror_error(x->m));
	return S_FATAL;
}

static enum outcome link_failed(const struct jy_error *err, const char *doing)
{
	char why[1024];

	cli_status_sentence(err, why, sizeof why);
	if (err->code == JIANYI__STATUS_CODE__STATUS_UNAVAILABLE ||
	    err->code == JIANYI__STATUS_CODE__STATUS_DEADLINE_EXCEEDED ||
	    err->code == JIANYI__STATUS_CODE__STATUS_RESOURCE_EXHAUSTED) {
		fprintf(stderr, _("jianyi: sync: %s: %s\n"), doing, why);
		return S_RETRY;
	}
	cli_fail(CLI_EXIT_FAILURE, _("sync: %s: %s"), doing, why);
	return S_FATAL;
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
static enum outcome fetch_cases(struct sync_ctx *x, const int64_t *ids, size_t n,
				Jianyi__Envelope **answers)
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
	return S_OK;
}

static void progress(struct sync_ctx *x, bool done)
{
	double dt = now_s() - x->t0;

	if (!x->tty)
		return;
	fputc('\r', stderr);
	fprintf(stderr, _("sync: %" PRId64 " events, %" PRId64 " cases, %.0f events/s  %s"),
		x->events, x->cases, dt > 0 ? (double)x->events / dt : 0.0, done ? "\n" : "");
	fflush(stderr);
}

/* Reads and stores up to REFRESH_BATCH stale cases per transaction until
 * at most keep are left. */
static enum outcome refresh(struct sync_ctx *x, int64_t keep)
{
	int64_t ids[REFRESH_BATCH], total;
	size_t k;

	for (;;) {
		if (!mirror_stale(x->m, REFRESH_BATCH, ids, &k, &total))
			return mirror_fatal(x);
		if (total <= keep || k == 0)
			return S_OK;
		Jianyi__Envelope *answers[REFRESH_BATCH] = { 0 };
		enum outcome o = fetch_cases(x, ids, k, answers);
		if (o == S_OK && !mirror_begin(x->m))
			o = mirror_fatal(x);
		for (size_t i = 0; o == S_OK && i < k; i++) {
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
		if (o == S_OK && !mirror_commit(x->m))
			o = mirror_fatal(x);
		for (size_t i = 0; i < k; i++)
			if (answers[i] != NULL)
				jy_envelope_free(answers[i]);
		if (o != S_OK)
			return o;
		x->cases += (int64_t)k;
		progress(x, false);
	}
}

/* Records n events that end at cursor: their cases marked stale and the
 * cursor, in one transaction; then refreshes when enough are stale. */
static enum outcome apply(struct sync_ctx *x, Jianyi__FeedEvent *const *ev, size_t n,
			  const char *cursor, int64_t keep_stale)
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
static enum outcome catch_up(struct sync_ctx *x, bool live)
{
	for (;;) {
		Jianyi__Request req = JIANYI__REQUEST__INIT;
		Jianyi__SyncRequest s = JIANYI__SYNC_REQUEST__INIT;
		Jianyi__Envelope *resp = NULL;
		struct jy_error err;
		enum outcome o;
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
			return err.code == JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT ? S_FATAL
				: link_failed(&err, _("syncing"));
		}
		if (resp->response->body_case != JIANYI__RESPONSE__BODY_SYNC ||
		    strlen(resp->response->sync->cursor) >= MIRROR_CURSOR_MAX) {
			jy_envelope_free(resp);
			cli_fail(CLI_EXIT_FAILURE, _("internal: the server's answer to sync has no page"));
			return S_FATAL;
		}
		const Jianyi__SyncResponse *sr = resp->response->sync;
		caught_up = sr->caught_up;
		o = apply(x, sr->events, sr->n_events, sr->cursor, caught_up ? 0 : STALE_MAX);
		jy_envelope_free(resp);
		if (o != S_OK)
			return o;
		x->pages++;
		if (x->page_size < x->page_want)
			x->page_size = x->page_size * 2 < x->page_want ? x->page_size * 2 : x->page_want;
		progress(x, false);
		if (caught_up)
			return S_OK;
	}
}

/* Statistics for offline "stats": the server's answers, as of this sync. */
static enum outcome snapshot_stats(struct sync_ctx *x)
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
	return S_OK;
}

/* Live: applies pushed events in small batches (what has arrived), each
 * with its cursor; back to paging when the server says we fell behind. */
static enum outcome follow(struct sync_ctx *x)
{
	Jianyi__FeedEvent *batch[LIVE_BATCH];
	Jianyi__Envelope *held[LIVE_BATCH];
	struct jy_error err;

	for (;;) {
		enum outcome o = catch_up(x, true);
		if (o != S_OK)
			return o;
		progress(x, false);
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
			o = n > 0 ? apply(x, batch, n, cursor, 0) : S_OK;
			for (size_t i = 0; i < n; i++)
				jy_envelope_free(held[i]);
			if (o != S_OK)
				return o;
			progress(x, false);
			if (resync)
				break;   /* fell behind: page again from our cursor */
		}
	}
}

bool cli_sync_catch_up(const struct cli_invocation *inv, struct jy_client *c, struct mirror *m)
{
	struct sync_ctx x = { .c = c, .m = m, .page_size = PAGE_DEFAULT, .page_want = PAGE_DEFAULT,
			      .fatal_rc = CLI_EXIT_FAILURE };
	char ca[65], err[800];

	if (!cli_cert_sha256(inv->settings.ca, ca, err, sizeof err)) {
		cli_fail(CLI_EXIT_USAGE, "%s", err);
		return false;
	}
	if (!mirror_bind(m, inv->settings.server, jy_welcome(c)->identity, ca) ||
	    !mirror_set_time_zone(m, jy_welcome(c)->time_zone) ||
	    !mirror_cursor(m, x.cursor, sizeof x.cursor)) {
		cli_fail(CLI_EXIT_FAILURE, "%s", mirror_error(m));
		return false;
	}
	x.t0 = now_s();
	return catch_up(&x, false) == S_OK;
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
static enum outcome fetch_attachments(struct sync_ctx *x)
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
			return S_OK;
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
			return S_FATAL;
		}
		ok = mirror_attach_store(x->m, id, received, r->data.data, r->data.len);
		jy_envelope_free(resp);
		if (!ok)
			return mirror_fatal(x);
	}
}

/* One connection's work: bind, outbox, catch up, statistics, follow. */
static enum outcome sync_once(const struct cli_invocation *inv, struct sync_ctx *x,
			      const char *ca_sha256, bool follow_on, struct outbox_tally *t)
{
	struct jy_error err;
	enum outcome o;

	if (!mirror_bind(x->m, inv->settings.server, jy_welcome(x->c)->identity, ca_sha256) ||
	    !mirror_set_time_zone(x->m, jy_welcome(x->c)->time_zone)) {
		x->fatal_rc = cli_fail(CLI_EXIT_USAGE, "%s", mirror_error(x->m));
		return S_FATAL;
	}
	/* Our own writes first, so the pages that follow bring their effect. */
	if (!cli_outbox_send(x->c, x->m, inv->flags.json, t, &err))
		return err.code == JIANYI__STATUS_CODE__STATUS_INTERNAL ? S_FATAL
			: link_failed(&err, _("sending the outbox"));
	if ((o = catch_up(x, false)) != S_OK || (o = snapshot_stats(x)) != S_OK ||
	    (o = fetch_attachments(x)) != S_OK)
		return o;
	return follow_on ? follow(x) : S_OK;
}

int cli_run_sync(const struct cli_invocation *inv)
{
	struct sync_ctx x = { .page_size = PAGE_DEFAULT, .tty = isatty(2),
			      .fatal_rc = CLI_EXIT_FAILURE };
	struct outbox_tally t = { 0 };
	bool follow_on = cli_value(inv, "follow") != NULL;
	char err[800], ca[65];
	unsigned backoff = BACKOFF_MIN_MS;
	long page = 0;
	int rc = CLI_EXIT_FAILURE;

	if (!cli_get_int(inv, "page-size", 1, PAGE_MAX, CLI_OPTIONAL, &page))
		return CLI_EXIT_USAGE;
	if (page > 0)
		x.page_size = (int)page;
	x.page_want = x.page_size;
	if (inv->settings.mirror == NULL)
		return cli_fail(CLI_EXIT_USAGE, _("sync: which mirror? give --mirror FILE, set "
				"JIANYI_MIRROR, or put mirror = FILE in the config file"));
	if (inv->settings.ca == NULL)
		return cli_fail(CLI_EXIT_USAGE, _("no CA certificate: give --ca FILE, set JIANYI_CA, or "
				"put ca = FILE in the config file"));
	if (!cli_cert_sha256(inv->settings.ca, ca, err, sizeof err))
		return cli_fail(CLI_EXIT_USAGE, "%s", err);
	if ((x.m = mirror_open(inv->settings.mirror, true, err, sizeof err)) == NULL)
		return cli_fail(CLI_EXIT_USAGE, "%s", err);
	if (!mirror_cursor(x.m, x.cursor, sizeof x.cursor)) {
		rc = cli_fail(CLI_EXIT_USAGE, "%s", mirror_error(x.m));
		goto out;
	}
	x.t0 = now_s();
	for (;;) {
		enum outcome o = S_RETRY;
		int64_t before = x.events;
		x.c = cli_connect_or_fail(inv, &rc);
		if (x.c == NULL && rc == CLI_EXIT_USAGE)
			goto out;
		if (x.c != NULL) {
			o = sync_once(inv, &x, ca, follow_on, &t);
			jy_close(x.c);
			x.c = NULL;
		}
		if (o == S_FATAL) {
			rc = x.fatal_rc;
			goto out;
		}
		if (o == S_OK)
			break;
		if (!follow_on) {
			rc = CLI_EXIT_FAILURE;
			goto out;   /* a one-off sync reports the failure; run it again */
		}
		if (x.events > before)
			backoff = BACKOFF_MIN_MS;
		fprintf(stderr, _("jianyi: sync: connection lost; resuming from %s in %u ms\n"),
			x.cursor[0] ? x.cursor : "the beginning", backoff);
		usleep(backoff * 1000u);
		backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
	}
	progress(&x, true);
	{
		double dt = now_s() - x.t0;
		char login[256], at[64];
		int64_t ncases = 0, nevents = 0;
		struct cli_output out;
		if (!mirror_info(x.m, login, sizeof login, at, sizeof at, &ncases, &nevents)) {
			rc = cli_fail(CLI_EXIT_FAILURE, "%s", mirror_error(x.m));
			goto out;
		}
		cli_output_init(&out, inv->flags.json);
		cli_out_str(&out, "mirror", _("mirror"), mirror_path(x.m));
		cli_out_int(&out, "events", _("events applied"), x.events);
		cli_out_int(&out, "cases_fetched", _("cases fetched"), x.cases);
		cli_out_int(&out, "pages", _("pages"), x.pages);
		cli_out_ms(&out, "elapsed_ms", _("elapsed ms"), dt * 1000.0);
		cli_out_int(&out, "events_per_second", _("events/s"),
			    dt > 0 ? (int64_t)((double)x.events / dt) : 0);
		cli_out_int(&out, "cases", _("cases in mirror"), ncases);
		cli_out_int(&out, "outbox_applied", _("outbox applied"), t.applied);
		cli_out_int(&out, "outbox_refused", _("outbox refused"), t.refused);
		cli_out_str(&out, "cursor", _("cursor"), x.cursor);
		rc = cli_output_finish(&out);
		if (rc == CLI_EXIT_OK && t.refused > 0)
			rc = CLI_EXIT_FAILURE;   /* refused writes need the person */
	}
out:
	mirror_close(x.m);
	return rc;
}
