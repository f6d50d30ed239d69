/* The outbox of writes made offline (see mirror_outbox.h). */
#include "mirror_outbox.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_i18n.h"
#include "enum_names.h"
#include "mirror_internal.h"
#include "xalloc.h"

static const char *const state_names[] = { "pending", "applied", "refused" };

const char *mirror_outbox_state_name(enum outbox_state s)
{
	return state_names[s];
}

bool mirror_outbox_add(struct mirror *m, const Jianyi__ActRequest *req, int64_t *id)
{
	size_t len = jianyi__act_request__get_packed_size(req);
	uint8_t *blob = jy_xmalloc(len ? len : 1);
	char action[JY_ENUM_NAME_MAX];
	sqlite3_stmt *st;
	char now[32];
	int rc;

	jianyi__act_request__pack(req, blob);
	mirror_now_text(now, sizeof now);
	if (sqlite3_prepare_v2(m->db, "INSERT INTO outbox (case_id, action, idempotency_key, "
			       "expected_version, request, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
			       -1, &st, NULL) != SQLITE_OK) {
		free(blob);
		return mirror_fail_db(m, _("queueing a write"));
	}
	sqlite3_bind_int64(st, 1, req->suggestion_id);
	/* ACTION_CONTACT is "contact" (enum_names.h) */
	if (jy_enum_name(&jianyi__action__descriptor, (int)req->action, action, sizeof action) == NULL)
		snprintf(action, sizeof action, "unknown");
	mirror_bind_str(st, 2, action);
	mirror_bind_str(st, 3, req->idempotency_key);
	sqlite3_bind_int(st, 4, req->expected_version);
	sqlite3_bind_blob(st, 5, blob, (int)len, SQLITE_STATIC);
	mirror_bind_str(st, 6, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	free(blob);
	if (rc == SQLITE_CONSTRAINT)
		return mirror_fail(m, _("a write with idempotency key '%s' is already queued"),
				   req->idempotency_key);
	if (rc != SQLITE_DONE)
		return mirror_fail_db(m, _("queueing a write"));
	*id = sqlite3_last_insert_rowid(m->db);
	return true;
}

bool mirror_outbox_case(struct mirror *m, int64_t case_id, int *pending, int32_t *version)
{
	char id[32], v[32];

	snprintf(id, sizeof id, "%" PRId64, case_id);
	if (!mirror_exec1(m, "SELECT count(*) FROM outbox WHERE case_id = CAST(?1 AS INTEGER) AND "
			  "state <> 'applied'", v, sizeof v, id, (char *)NULL))
		return false;
	*pending = atoi(v);
	if (!mirror_exec1(m, "SELECT version FROM cases WHERE id = CAST(?1 AS INTEGER)", v, sizeof v, id,
			  (char *)NULL))
		return false;
	*version = (int32_t)atol(v);
	return true;
}

#define OUTBOX_COLUMNS "id, case_id, action, idempotency_key, expected_version, state, tries, " \
		       "status, message, event_seq, created_at, request, reason, reason_args"

static bool outbox_row(struct mirror *m, sqlite3_stmt *st, struct outbox_entry *e)
{
	const unsigned char *t;
	const void *b;

	memset(e, 0, sizeof *e);
	e->id = sqlite3_column_int64(st, 0);
	e->case_id = sqlite3_column_int64(st, 1);
#define COPY(field, col) \
	t = sqlite3_column_text(st, col); \
	snprintf(e->field, sizeof e->field, "%s", t ? (const char *)t : "")
	COPY(action, 2);
	COPY(key, 3);
	COPY(status, 7);
	COPY(message, 8);
	COPY(created_at, 10);
	COPY(reason, 12);
	COPY(reason_args, 13);
#undef COPY
	e->version = sqlite3_column_int(st, 4);
	t = sqlite3_column_text(st, 5);
	e->state = t && strcmp((const char *)t, "applied") == 0 ? OUTBOX_APPLIED :
		   t && strcmp((const char *)t, "refused") == 0 ? OUTBOX_REFUSED : OUTBOX_PENDING;
	e->tries = sqlite3_column_int(st, 6);
	e->event_seq = sqlite3_column_int64(st, 9);
	b = sqlite3_column_blob(st, 11);
	e->req = b ? jianyi__act_request__unpack(NULL, (size_t)sqlite3_column_bytes(st, 11), b)
		   : NULL;
	if (e->req == NULL || e->req->suggestion_id != e->case_id ||
	    strcmp(e->req->idempotency_key, e->key) != 0)
		return mirror_fail(m, _("outbox entry %" PRId64 " is damaged (its request does not decode)"),
				   e->id);
	return true;
}

void mirror_outbox_free(struct outbox_entry *e, size_t n)
{
	for (size_t i = 0; e != NULL && i < n; i++)
		if (e[i].req != NULL)
			jianyi__act_request__free_unpacked(e[i].req, NULL);
	free(e);
}

bool mirror_outbox_list(struct mirror *m, bool with_applied, struct outbox_entry **out,
			size_t *n)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(m->db, with_applied ?
			       "SELECT " OUTBOX_COLUMNS " FROM outbox ORDER BY id" :
			       "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE state <> 'applied' ORDER BY id",
			       -1, &st, NULL) != SQLITE_OK)
		return mirror_fail_db(m, _("reading the outbox"));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*out = jy_xrealloc(*out, cap * sizeof **out);
		}
		if (!outbox_row(m, st, &(*out)[*n])) {
			(*n)++;
			sqlite3_finalize(st);
			mirror_outbox_free(*out, *n);
			*out = NULL;
			*n = 0;
			return false;
		}
		(*n)++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		mirror_outbox_free(*out, *n);
		*out = NULL;
		*n = 0;
		return mirror_fail_db(m, _("reading the outbox"));
	}
	return true;
}

bool mirror_outbox_get(struct mirror *m, int64_t id, struct outbox_entry *e, bool *found)
{
	sqlite3_stmt *st;
	int rc;
	bool ok = true;

	*found = false;
	memset(e, 0, sizeof *e);
	if (sqlite3_prepare_v2(m->db, "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE id = ?1", -1,
			       &st, NULL) != SQLITE_OK)
		return mirror_fail_db(m, _("reading the outbox"));
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*found = true;
		ok = outbox_row(m, st, e);
	} else if (rc != SQLITE_DONE) {
		ok = mirror_fail_db(m, _("reading the outbox"));
	}
	sqlite3_finalize(st);
	return ok;
}

static bool outbox_update(struct mirror *m, const char *sql, int64_t id, const char *a,
			  const char *b)
{
	char t[32];

	snprintf(t, sizeof t, "%" PRId64, id);
	return mirror_exec1(m, sql, NULL, 0, t, a ? a : "", b ? b : "", (char *)NULL);
}

bool mirror_outbox_applied(struct mirror *m, int64_t id, int64_t event_seq)
{
	char seq[32];

	snprintf(seq, sizeof seq, "%" PRId64, event_seq);
	return outbox_update(m, "UPDATE outbox SET state = 'applied', tries = tries + 1, "
			     "event_seq = CAST(?2 AS INTEGER), status = 'ok', message = ?3 "
			     "WHERE id = CAST(?1 AS INTEGER)", id, seq, "");
}

bool mirror_outbox_refused(struct mirror *m, int64_t id, const struct jy_error *why)
{
	char t[32];

	snprintf(t, sizeof t, "%" PRId64, id);
	return mirror_exec1(m, "UPDATE outbox SET state = 'refused', tries = tries + 1, "
			    "status = ?2, message = ?3, reason = ?4, reason_args = ?5 "
			    "WHERE id = CAST(?1 AS INTEGER)", NULL, 0, t, jy_status_str(why->code),
			    why->message, why->reason, why->reason_args, (char *)NULL);
}

bool mirror_outbox_tried(struct mirror *m, int64_t id)
{
	char t[32];

	snprintf(t, sizeof t, "%" PRId64, id);
	return mirror_exec1(m, "UPDATE outbox SET tries = tries + 1 WHERE id = CAST(?1 AS INTEGER)",
			    NULL, 0, t, (char *)NULL);
}

bool mirror_outbox_retry(struct mirror *m, int64_t id, int32_t version)
{
	char v[32];
	sqlite3_stmt *st;
	struct outbox_entry e;
	bool found, ok;

	if (!mirror_outbox_get(m, id, &e, &found))
		return false;
	if (!found)
		return mirror_fail(m, _("no outbox entry %" PRId64), id);
	if (e.state != OUTBOX_REFUSED) {
		jianyi__act_request__free_unpacked(e.req, NULL);
		return mirror_fail(m, _("outbox entry %" PRId64 " is %s, not refused"), id,
				   mirror_outbox_state_name(e.state));
	}
	/* The request itself carries the version: repack it. A refusal was
	 * never stored under its key on the server, so the key stays. */
	if (version > 0)
		e.req->expected_version = version;
	size_t len = jianyi__act_request__get_packed_size(e.req);
	uint8_t *blob = jy_xmalloc(len ? len : 1);
	jianyi__act_request__pack(e.req, blob);
	snprintf(v, sizeof v, "%d", e.req->expected_version);
	ok = sqlite3_prepare_v2(m->db, "UPDATE outbox SET state = 'pending', status = '', "
				"message = '', reason = '', reason_args = '', expected_version = ?2, "
				"request = ?3 WHERE id = ?1", -1, &st, NULL) == SQLITE_OK;
	if (ok) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int(st, 2, e.req->expected_version);
		sqlite3_bind_blob(st, 3, blob, (int)len, SQLITE_STATIC);
		ok = mirror_run_stmt(m, st, "retrying an outbox entry");
		sqlite3_finalize(st);
	} else {
		mirror_fail_db(m, _("retrying an outbox entry"));
	}
	free(blob);
	jianyi__act_request__free_unpacked(e.req, NULL);
	return ok;
}

bool mirror_outbox_drop(struct mirror *m, int64_t id)
{
	char t[32];

	snprintf(t, sizeof t, "%" PRId64, id);
	if (!mirror_exec1(m, "DELETE FROM outbox WHERE id = CAST(?1 AS INTEGER) AND state <> 'applied'",
			  NULL, 0, t, (char *)NULL))
		return false;
	if (sqlite3_changes(m->db) == 0)
		return mirror_fail(m, _("no pending or refused outbox entry %s"), t);
	return true;
}
