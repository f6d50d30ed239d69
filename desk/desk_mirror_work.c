/* See desk_mirror_work.h. */
#include "desk_mirror_work.h"

#include <glib.h>
#include <inttypes.h>
#include <stdio.h>

#include "cli_i18n.h"
#include "cli_reasons.h"
#include "cli_terms.h"
#include "mirror_attach.h"
#include "mirror_outbox.h"
#include "mirror_read.h"
#include "mirror_sync.h"
#include "mirror_todo.h"

struct desk_mirror_job *desk_mirror_job_new(enum desk_mirror_job_kind kind, const char *path,
					    const struct jy_client_options *o)
{
	struct desk_mirror_job *j = g_new0(struct desk_mirror_job, 1);

	j->kind = kind;
	j->path = g_strdup(path);
	if (o != NULL) {
		desk_conn_copy_init(&j->conn, o);
	}
	return j;
}

void desk_mirror_job_free(struct desk_mirror_job *j)
{
	if (j == NULL)
		return;
	g_free(j->path);
	desk_conn_copy_clear(&j->conn);
	if (j->request != NULL)
		jianyi__request__free_unpacked(j->request, NULL);
	if (j->response != NULL)
		jianyi__response__free_unpacked(j->response, NULL);
	g_free(j);
}

static bool failed(struct desk_mirror_job *j, int code, const char *why)
{
	j->ok = false;
	j->err.code = code;
	g_strlcpy(j->err.message, why, sizeof j->err.message);   /* a long one cut */
	return false;
}

/* The answer as the job's own copy (what r points at may go with the
 * mirror's objects). */
static bool answered(struct desk_mirror_job *j, const Jianyi__Response *r)
{
	size_t n = jianyi__response__get_packed_size(r);
	uint8_t *buf = g_malloc(n ? n : 1);

	jianyi__response__pack(r, buf);
	j->response = jianyi__response__unpack(NULL, n, buf);
	g_free(buf);
	j->ok = j->response != NULL;
	return j->ok;
}

/* The case as the last sync stored it, with the actions the server then
 * allowed on it, and its attachments. */
static bool answer_get(struct desk_mirror_job *j, struct mirror *m)
{
	Jianyi__Response r = JIANYI__RESPONSE__INIT;
	Jianyi__GetSuggestionResponse *g = NULL;
	Jianyi__AttachListResponse *files = NULL;
	bool ok;

	if (!mirror_get_case(m, j->request->get_suggestion->suggestion_id, &g))
		return failed(j, JIANYI__STATUS_CODE__STATUS_INTERNAL, mirror_error(m));
	if (g == NULL)
		return failed(j, JIANYI__STATUS_CODE__STATUS_NOT_FOUND,
			      _("the mirror holds no copy of this case"));
	/* the mirror keeps the case's attachments apart (mirror_attach.h) */
	if (!mirror_attach_list(m, g->suggestion->id, &files)) {
		mirror_free_get(g);
		return failed(j, JIANYI__STATUS_CODE__STATUS_INTERNAL, mirror_error(m));
	}
	g->attachments = files->attachments;
	g->n_attachments = files->n_attachments;
	r.body_case = JIANYI__RESPONSE__BODY_GET_SUGGESTION;
	r.get_suggestion = g;
	ok = answered(j, &r);
	g->attachments = NULL;   /* files' own */
	g->n_attachments = 0;
	mirror_attach_free_list(files);
	mirror_free_get(g);
	return ok;
}

static bool answer_list(struct desk_mirror_job *j, struct mirror *m)
{
	Jianyi__Response r = JIANYI__RESPONSE__INIT;
	Jianyi__ListSuggestionsResponse *l = NULL;
	bool ok;

	if (!mirror_list(m, j->request->list_suggestions, &l))
		return failed(j, JIANYI__STATUS_CODE__STATUS_INTERNAL, mirror_error(m));
	r.body_case = JIANYI__RESPONSE__BODY_LIST_SUGGESTIONS;
	r.list_suggestions = l;
	ok = answered(j, &r);
	mirror_free_list(l);
	return ok;
}

/* Today's date where the congress is (the zone the last sync's Welcome
 * gave), as the server counts days. */
static void congress_today(struct mirror *m, char *out, size_t len)
{
	char zone[80] = "";
	GTimeZone *tz = NULL;
	GDateTime *now;
	char *text;

	if (mirror_time_zone(m, zone, sizeof zone) && zone[0] != '\0')
		tz = g_time_zone_new_identifier(zone);
	if (tz == NULL)
		tz = g_time_zone_new_local();
	now = g_date_time_new_now(tz);
	text = g_date_time_format(now, "%Y-%m-%d");
	g_strlcpy(out, text, len);
	g_free(text);
	g_date_time_unref(now);
	g_time_zone_unref(tz);
}

/* The to-do list the last sync stored, checked against the mirror's cases
 * and counted from today (mirror_todo.h). */
static bool answer_todo(struct desk_mirror_job *j, struct mirror *m)
{
	Jianyi__Response r = JIANYI__RESPONSE__INIT;
	Jianyi__TodoResponse *t = NULL;
	char today[16];
	bool ok;

	congress_today(m, today, sizeof today);
	if (!mirror_todo(m, today, &t, j->todo_taken_at, sizeof j->todo_taken_at))
		return failed(j, JIANYI__STATUS_CODE__STATUS_INTERNAL, mirror_error(m));
	if (t == NULL)
		return failed(j, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE,
			      _("offline, and the mirror holds no to-do list yet"));
	r.body_case = JIANYI__RESPONSE__BODY_TODO;
	r.todo = t;
	ok = answered(j, &r);
	jianyi__todo_response__free_unpacked(t, NULL);
	return ok;
}

/* Into the outbox, as "jianyi CMD --offline" queues it: made on the
 * mirror's version of the case after the writes queued before it. */
static bool answer_act(struct desk_mirror_job *j, struct mirror *m)
{
	Jianyi__Response r = JIANYI__RESPONSE__INIT;
	Jianyi__ActResponse a = JIANYI__ACT_RESPONSE__INIT;
	Jianyi__ActRequest *act = j->request->act;
	int pending = 0;
	int32_t version = 0;
	int64_t id;
	char key[128], *had;
	bool ok;

	if (!mirror_outbox_case(m, act->suggestion_id, &pending, &version))
		return failed(j, JIANYI__STATUS_CODE__STATUS_INTERNAL, mirror_error(m));
	if (version == 0)
		return failed(j, JIANYI__STATUS_CODE__STATUS_NOT_FOUND,
			      _("the mirror holds no copy of this case"));
	act->expected_version = version + pending;
	had = act->idempotency_key;
	if (pending > 0) {
		/* the form's key names the version shown, which the writes
		 * queued before this one share */
		snprintf(key, sizeof key, "%s-q%d", had, pending);
		act->idempotency_key = key;
	}
	ok = mirror_outbox_add(m, act, &id);
	act->idempotency_key = had;
	if (!ok)
		return failed(j, JIANYI__STATUS_CODE__STATUS_INTERNAL, mirror_error(m));
	r.body_case = JIANYI__RESPONSE__BODY_ACT;
	r.act = &a;
	return answered(j, &r);
}

/* The outbox's count and its first refusal in words (cli_reasons.h), and
 * when the mirror last synced. */
static void status(struct desk_mirror_job *j, struct mirror *m)
{
	struct outbox_entry *e;
	size_t n;
	char login[256];
	int64_t ncases, nevents;

	if (!mirror_info(m, login, sizeof login, j->synced_at, sizeof j->synced_at, &ncases,
			 &nevents))
		j->synced_at[0] = '\0';
	if (!mirror_outbox_list(m, false, &e, &n))
		return;
	j->pending = 0;
	j->refused[0] = '\0';
	j->refused_id = 0;
	for (size_t i = 0; i < n; i++) {
		if (e[i].state == OUTBOX_PENDING) {
			j->pending++;
		} else if (e[i].state == OUTBOX_REFUSED && j->refused[0] == '\0') {
			struct jy_error why = { 0 };
			char text[700];

			j->refused_id = e[i].id;
			snprintf(why.message, sizeof why.message, "%s", e[i].message);
			snprintf(why.reason, sizeof why.reason, "%s", e[i].reason);
			snprintf(why.reason_args, sizeof why.reason_args, "%s", e[i].reason_args);
			cli_error_text(&why, text, sizeof text);
			/* TRANSLATORS: an action kept offline that the server then refused:
			 * the action, the case's number, why */
			snprintf(j->refused, sizeof j->refused, _("Not done: %s on case %" PRId64
				 " was refused: %s"), cli_action_text(e[i].action), e[i].case_id, text);
		}
	}
	mirror_outbox_free(e, n);
}

static void answer(struct desk_mirror_job *j)
{
	char err[800];
	struct mirror *m = mirror_open(j->path, false, err, sizeof err);

	if (m == NULL) {
		failed(j, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE, err);
		return;
	}
	switch (j->request->body_case) {
	case JIANYI__REQUEST__BODY_GET_SUGGESTION:
		answer_get(j, m);
		break;
	case JIANYI__REQUEST__BODY_LIST_SUGGESTIONS:
		answer_list(j, m);
		break;
	case JIANYI__REQUEST__BODY_TODO:
		answer_todo(j, m);
		break;
	case JIANYI__REQUEST__BODY_ACT:
		answer_act(j, m);
		break;
	default:
		failed(j, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE, _("not connected to the server"));
		break;
	}
	status(j, m);
	mirror_close(m);
}

/* "jianyi sync" once, without following: the outbox sent first, then the
 * feed from the mirror's cursor, statistics and attachments. */
static void sync_mirror(struct desk_mirror_job *j)
{
	char err[800], ca[65];
	struct mirror_sync x = { .page_size = MIRROR_SYNC_PAGE, .page_want = MIRROR_SYNC_PAGE,
				 .fatal_rc = 1 };
	struct outbox_tally t = { 0 };

	if ((x.m = mirror_open(j->path, true, err, sizeof err)) == NULL) {
		failed(j, JIANYI__STATUS_CODE__STATUS_INTERNAL, err);
		return;
	}
	if (!cli_cert_sha256(j->conn.ca, ca, err, sizeof err))
		failed(j, JIANYI__STATUS_CODE__STATUS_INTERNAL, err);
	else if (!mirror_cursor(x.m, x.cursor, sizeof x.cursor))
		failed(j, JIANYI__STATUS_CODE__STATUS_INTERNAL, mirror_error(x.m));
	else if ((x.c = jy_connect(&j->conn.opts, &j->err)) != NULL) {
		x.t0 = mirror_sync_clock();
		j->ok = mirror_sync_once(&x, j->conn.server, ca, true, false, &t) == SYNC_OK;
		j->applied = t.applied;
		if (!j->ok)
			failed(j, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE,
			       _("the mirror could not be brought up to date"));
		jy_close(x.c);
	}
	status(j, x.m);
	mirror_close(x.m);
}

/* "jianyi outbox retry": pending again, on the case's version the mirror
 * shows now (the sync that follows sends it). */
static bool retry(struct desk_mirror_job *j, struct mirror *m)
{
	struct outbox_entry e;
	bool found;
	int pending = 0;
	int32_t version = 0;

	if (!mirror_outbox_get(m, j->outbox_id, &e, &found))
		return false;
	if (found) {
		if (!mirror_outbox_case(m, e.case_id, &pending, &version))
			version = 0;   /* keep the one it was made on */
		jianyi__act_request__free_unpacked(e.req, NULL);
	}
	return mirror_outbox_retry(m, j->outbox_id, version);
}

/* A refused write sent again or dropped, as the person decided. */
static void decide(struct desk_mirror_job *j)
{
	char err[800];
	struct mirror *m = mirror_open(j->path, false, err, sizeof err);

	if (m == NULL) {
		failed(j, JIANYI__STATUS_CODE__STATUS_UNAVAILABLE, err);
		return;
	}
	j->ok = j->kind == DESK_MIRROR_RETRY ? retry(j, m) : mirror_outbox_drop(m, j->outbox_id);
	if (!j->ok)
		failed(j, JIANYI__STATUS_CODE__STATUS_INTERNAL, mirror_error(m));
	status(j, m);
	mirror_close(m);
}

void desk_mirror_job_run(struct desk_mirror_job *j)
{
	if (j->kind == DESK_MIRROR_SYNC)
		sync_mirror(j);
	else if (j->kind == DESK_MIRROR_ANSWER)
		answer(j);
	else
		decide(j);
}
