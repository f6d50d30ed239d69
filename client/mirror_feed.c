/* Applying the change feed to the mirror (see mirror_feed.h). */
#include "mirror_feed.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli_i18n.h"
#include "enum_names.h"
#include "mirror_attach.h"
#include "mirror_internal.h"
#include "xalloc.h"

/* --- Transactions and the cursor -------------------------------------------- */

bool mirror_begin(struct mirror *m)
{
	/* IMMEDIATE: two syncs on one file take turns instead of failing at commit */
	if (sqlite3_exec(m->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return mirror_fail_db(m, _("starting a transaction"));
	return true;
}

bool mirror_commit(struct mirror *m)
{
	if (sqlite3_exec(m->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		mirror_fail_db(m, _("committing"));
		sqlite3_exec(m->db, "ROLLBACK", NULL, NULL, NULL);
		return false;
	}
	return true;
}

void mirror_rollback(struct mirror *m)
{
	sqlite3_exec(m->db, "ROLLBACK", NULL, NULL, NULL);
}

bool mirror_cursor(struct mirror *m, char *buf, size_t len)
{
	return mirror_meta_get(m, "cursor", buf, len);
}

bool mirror_set_cursor(struct mirror *m, const char *cursor, int64_t events_added)
{
	char now[32], n[32];

	mirror_now_text(now, sizeof now);
	snprintf(n, sizeof n, "%" PRId64, events_added);
	return mirror_meta_set(m, "cursor", cursor) && mirror_meta_set(m, "synced_at", now) &&
	       mirror_exec1(m, "UPDATE meta SET value = CAST(value AS INTEGER) + CAST(?1 AS INTEGER) "
			    "WHERE key = 'events'", NULL, 0, n, (char *)NULL);
}

/* --- Cases ------------------------------------------------------------------ */


/* "name (unconfirmed)" -> "name" */
static void deputy_name(const char *s, char *out, size_t len)
{
	const char *p = strstr(s, " (");

	snprintf(out, len, "%.*s", p ? (int)(p - s) : (int)strlen(s), s);
}

/* Units' ids: the latest assign or reassign event lists them in the order
 * the case names them (lead, then co-units). */
static bool learn_unit_ids(struct mirror *m, const Jianyi__GetSuggestionResponse *g)
{
	const Jianyi__Suggestion *s = g->suggestion;
	const Jianyi__TimelineEvent *last = NULL;
	json_object *d, *v;
	bool ok = true;

	for (size_t i = 0; i < g->n_timeline; i++)
		if (strcmp(g->timeline[i]->kind, "assign") == 0 ||
		    strcmp(g->timeline[i]->kind, "reassign") == 0)
			last = g->timeline[i];
	if (last == NULL || (d = json_tokener_parse(last->details)) == NULL)
		return true;
	if (json_object_object_get_ex(d, "lead_unit_id", &v) && s->lead_unit[0] != '\0') {
		char id[32];
		snprintf(id, sizeof id, "%" PRId64, json_object_get_int64(v));
		ok = mirror_exec1(m, "UPDATE units SET id = CAST(?2 AS INTEGER) WHERE name = ?1", NULL, 0,
				  s->lead_unit, id, (char *)NULL);
	}
	if (ok && json_object_object_get_ex(d, "co_unit_ids", &v) &&
	    json_object_is_type(v, json_type_array) &&
	    json_object_array_length(v) == s->n_co_units) {
		for (size_t i = 0; ok && i < s->n_co_units; i++) {
			char id[32];
			snprintf(id, sizeof id, "%" PRId64,
				 json_object_get_int64(json_object_array_get_idx(v, i)));
			ok = mirror_exec1(m, "UPDATE units SET id = CAST(?2 AS INTEGER) WHERE name = ?1", NULL,
					  0, s->co_units[i], id, (char *)NULL);
		}
	}
	json_object_put(d);
	return ok;
}

bool mirror_drop_case(struct mirror *m, int64_t id)
{
	char t[32];

	snprintf(t, sizeof t, "%" PRId64, id);
	return mirror_exec1(m, "DELETE FROM cases WHERE id = CAST(?1 AS INTEGER)", NULL, 0, t,
			    (char *)NULL) &&
	       mirror_exec1(m, "DELETE FROM stale WHERE case_id = CAST(?1 AS INTEGER)", NULL, 0, t,
			    (char *)NULL);
}

bool mirror_mark_stale(struct mirror *m, int64_t id)
{
	char t[32];

	snprintf(t, sizeof t, "%" PRId64, id);
	return mirror_exec1(m, "INSERT OR IGNORE INTO stale (case_id) VALUES (CAST(?1 AS INTEGER))",
			    NULL, 0, t, (char *)NULL);
}

bool mirror_stale(struct mirror *m, size_t max, int64_t *ids, size_t *n, int64_t *total)
{
	sqlite3_stmt *st;
	int rc;

	*n = 0;
	if ((*total = mirror_count_rows(m, "SELECT count(*) FROM stale")) < 0)
		return false;
	if (sqlite3_prepare_v2(m->db, "SELECT case_id FROM stale ORDER BY case_id LIMIT ?1", -1, &st,
			       NULL) != SQLITE_OK)
		return mirror_fail_db(m, _("reading the cases to refresh"));
	sqlite3_bind_int64(st, 1, (int64_t)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max)
		ids[(*n)++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return mirror_fail_db(m, _("reading the cases to refresh"));
	return true;
}

/* The actions the account may take, as names (enum_names.h) joined by ','. */
static void allowed_text(const Jianyi__GetSuggestionResponse *g, char *buf, size_t len)
{
	char name[JY_ENUM_NAME_MAX];
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < g->n_allowed_actions; i++) {
		if (!jy_enum_name(&jianyi__action__descriptor, g->allowed_actions[i], name, sizeof name))
			continue;
		int w = snprintf(buf + n, len - n, "%s%s", n ? "," : "", name);
		if (w < 0 || (size_t)w >= len - n) {
			buf[n] = '\0';   /* cannot happen: 24 actions fit */
			return;
		}
		n += (size_t)w;
	}
}

bool mirror_put_case(struct mirror *m, const Jianyi__GetSuggestionResponse *g)
{
	const Jianyi__Suggestion *s = g->suggestion;
	sqlite3_stmt *st = NULL;
	size_t len = jianyi__suggestion__get_packed_size(s);
	uint8_t *blob = jy_xmalloc(len ? len : 1);
	char now[32], name[256], allowed[1024];
	bool ok = false;

	jianyi__suggestion__pack(s, blob);
	mirror_now_text(now, sizeof now);
	/* the timeline, units and deputies go with the row (ON DELETE CASCADE) */
	if (!mirror_drop_case(m, s->id))
		goto done;
	if (sqlite3_prepare_v2(m->db,
			       "INSERT INTO cases (id, state, version, title, body, category, term, "
			       "session, key, overdue, reply_deadline, lead_unit, lead_deputy, "
			       "synced_at, suggestion, allowed_actions) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
			       "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)", -1, &st, NULL) != SQLITE_OK) {
		mirror_fail_db(m, _("storing a case"));
		goto done;
	}
	sqlite3_bind_int64(st, 1, s->id);
	mirror_bind_state(st, 2, s->state);
	sqlite3_bind_int(st, 3, s->version);
	mirror_bind_str(st, 4, s->title);
	mirror_bind_str(st, 5, s->body);
	mirror_bind_str(st, 6, s->category);
	sqlite3_bind_int(st, 7, s->term);
	sqlite3_bind_int(st, 8, s->session);
	sqlite3_bind_int(st, 9, s->key);
	sqlite3_bind_int(st, 10, s->overdue);
	mirror_bind_str(st, 11, s->reply_deadline);
	mirror_bind_str(st, 12, s->lead_unit);
	mirror_bind_str(st, 13, s->lead_deputy);
	mirror_bind_str(st, 14, now);
	sqlite3_bind_blob(st, 15, blob, (int)len, SQLITE_STATIC);
	allowed_text(g, allowed, sizeof allowed);
	mirror_bind_str(st, 16, allowed);
	if (!mirror_run_stmt(m, st, "storing a case"))
		goto done;
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(m->db,
			       "INSERT OR REPLACE INTO timeline (case_id, seq, at, kind, actor_login, "
			       "actor_name, from_state, to_state, details) VALUES (?1, ?2, ?3, ?4, ?5, "
			       "?6, ?7, ?8, ?9)", -1, &st, NULL) != SQLITE_OK) {
		mirror_fail_db(m, _("storing a timeline"));
		goto done;
	}
	for (size_t i = 0; i < g->n_timeline; i++) {
		const Jianyi__TimelineEvent *e = g->timeline[i];
		sqlite3_bind_int64(st, 1, s->id);
		sqlite3_bind_int64(st, 2, e->sequence);
		mirror_bind_str(st, 3, e->at);
		mirror_bind_str(st, 4, e->kind);
		mirror_bind_str(st, 5, e->actor_login);
		mirror_bind_str(st, 6, e->actor_name);
		mirror_bind_state(st, 7, e->from_state);
		mirror_bind_state(st, 8, e->to_state);
		mirror_bind_str(st, 9, e->details);
		if (!mirror_run_stmt(m, st, "storing a timeline"))
			goto done;
	}
	sqlite3_finalize(st);
	st = NULL;
	/* units and deputies */
	for (size_t i = 0; i <= s->n_co_units; i++) {
		const char *u = i == 0 ? s->lead_unit : s->co_units[i - 1];
		char id[32];
		if (u[0] == '\0')
			continue;
		snprintf(id, sizeof id, "%" PRId64, s->id);
		if (!mirror_exec1(m, "INSERT OR IGNORE INTO units (name) VALUES (?1)", NULL, 0, u,
				  (char *)NULL) ||
		    !mirror_exec1(m, "INSERT OR IGNORE INTO case_units (case_id, unit, role) VALUES "
				  "(CAST(?1 AS INTEGER), ?2, ?3)", NULL, 0, id, u, i == 0 ? "lead" : "co",
				  (char *)NULL))
			goto done;
	}
	for (size_t i = 0; i <= s->n_cosigners; i++) {
		const char *d = i == 0 ? s->lead_deputy : s->cosigners[i - 1];
		char id[32];
		if (d[0] == '\0')
			continue;
		deputy_name(d, name, sizeof name);
		snprintf(id, sizeof id, "%" PRId64, s->id);
		if (!mirror_exec1(m, "INSERT OR IGNORE INTO deputies (name) VALUES (?1)", NULL, 0, name,
				  (char *)NULL) ||
		    !mirror_exec1(m, "INSERT OR IGNORE INTO case_deputies (case_id, deputy, role) VALUES "
				  "(CAST(?1 AS INTEGER), ?2, ?3)", NULL, 0, id, name,
				  i == 0 ? "lead" : "cosigner", (char *)NULL))
			goto done;
	}
	ok = learn_unit_ids(m, g) && mirror_put_attachments(m, s->id, g->attachments, g->n_attachments);
done:
	if (st != NULL)
		sqlite3_finalize(st);
	free(blob);
	return ok;
}

bool mirror_put_stats(struct mirror *m, const char *group_by, const Jianyi__StatsResponse *r)
{
	size_t len = jianyi__stats_response__get_packed_size(r);
	uint8_t *blob = jy_xmalloc(len ? len : 1);
	sqlite3_stmt *st;
	char now[32];
	bool ok;

	jianyi__stats_response__pack(r, blob);
	mirror_now_text(now, sizeof now);
	if (sqlite3_prepare_v2(m->db, "INSERT OR REPLACE INTO stats (group_by, taken_at, answer) "
			       "VALUES (?1, ?2, ?3)", -1, &st, NULL) != SQLITE_OK) {
		free(blob);
		return mirror_fail_db(m, _("storing statistics"));
	}
	mirror_bind_str(st, 1, group_by);
	mirror_bind_str(st, 2, now);
	sqlite3_bind_blob(st, 3, blob, (int)len, SQLITE_STATIC);
	ok = mirror_run_stmt(m, st, "storing statistics");
	sqlite3_finalize(st);
	free(blob);
	return ok;
}
