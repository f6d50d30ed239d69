/* The to-do list kept in the mirror (see mirror_todo.h). */
#include "mirror_todo.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_i18n.h"
#include "mirror_internal.h"
#include "xalloc.h"

bool mirror_todo_ensure(struct mirror *m)
{
	/* one row: the last answer, packed */
	if (sqlite3_exec(m->db,
			 "CREATE TABLE IF NOT EXISTS todo (\n"
			 "  id INTEGER PRIMARY KEY CHECK (id = 1),\n"
			 "  taken_at TEXT NOT NULL, answer BLOB NOT NULL);\n",
			 NULL, NULL, NULL) != SQLITE_OK)
		return mirror_fail_db(m, "adding the to-do table");
	return true;
}

bool mirror_put_todo(struct mirror *m, const Jianyi__TodoResponse *r)
{
	size_t len = jianyi__todo_response__get_packed_size(r);
	uint8_t *blob = jy_xmalloc(len ? len : 1);
	sqlite3_stmt *st;
	char now[32];
	bool ok;

	jianyi__todo_response__pack(r, blob);
	mirror_now_text(now, sizeof now);
	if (sqlite3_prepare_v2(m->db, "INSERT OR REPLACE INTO todo (id, taken_at, answer) "
			       "VALUES (1, ?1, ?2)", -1, &st, NULL) != SQLITE_OK) {
		free(blob);
		return mirror_fail_db(m, _("storing the to-do list"));
	}
	mirror_bind_str(st, 1, now);
	sqlite3_bind_blob(st, 2, blob, (int)len, SQLITE_STATIC);
	ok = mirror_run_stmt(m, st, _("storing the to-do list"));
	sqlite3_finalize(st);
	free(blob);
	return ok;
}

/* Whether state is one of the names in list (NULL-terminated). */
static bool state_in(const char *state, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(state, *list) == 0)
			return true;
	return false;
}

/* The states in which an open deadline of kind is still open
 * (jy_open_deadlines, 03_calendar.sql); NULL: every state but the
 * follow-up's exceptions. */
static bool deadline_open(const char *kind, const char *state)
{
	static const char *const reply[] = { "assigned", "disputed", "accepted", "in_progress", NULL };
	static const char *const handling[] = { "assigned", "accepted", "in_progress", "rehandling",
						NULL };
	static const char *const ended[] = { "withdrawn", "merged", "converted", NULL };

	if (strcmp(kind, "reply") == 0)
		return state_in(state, reply);
	if (strcmp(kind, "rehandle") == 0)
		return strcmp(state, "rehandling") == 0;
	if (strcmp(kind, "opinion") == 0)
		return state_in(state, handling);
	if (strcmp(kind, "dispute") == 0)
		return strcmp(state, "assigned") == 0;
	if (strcmp(kind, "follow_up") == 0)
		return !state_in(state, ended);
	if (strcmp(kind, "evaluation") == 0)
		return strcmp(state, "replied") == 0;
	return true;   /* a newer server's deadline: kept */
}

bool mirror_todo_still_due(const char *kind, const char *deadline_kind, const char *state)
{
	static const struct {
		const char *kind;
		const char *states[5];
	} rules[] = {
		{ "register", { "submitted" } },
		{ "close", { "evaluated", "withdrawn", "merged", "converted" } },
		{ "assign", { "registered" } },
		{ "decide_dispute", { "disputed" } },
		{ "approve_extension", { "accepted", "in_progress", "rehandling" } },
		{ "accept", { "assigned" } },
		{ "plan", { "accepted" } },
		{ "contact", { "in_progress" } },
		{ "reply", { "in_progress" } },
		{ "rehandle", { "rehandling" } },
		{ "cosign", { "draft" } },
		{ "evaluate", { "replied" } },
		{ "revise", { "returned" } },
	};

	if (strcmp(kind, "overdue") == 0)
		return deadline_open(deadline_kind, state);
	if (strcmp(kind, "opinion") == 0 || strcmp(kind, "follow_up") == 0)
		return deadline_open(kind, state);
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
		if (strcmp(kind, rules[i].kind) == 0)
			return state_in(state, rules[i].states);
	return true;   /* a newer server's kind: kept */
}

/* Days since 1970-01-01 of "YYYY-MM-DD"; false when it is not one. */
static bool day_number(const char *date, int64_t *days)
{
	int y, mo, d;
	char tail;

	if (sscanf(date, "%4d-%2d-%2d%c", &y, &mo, &d, &tail) != 3 || mo < 1 || mo > 12 || d < 1 ||
	    d > 31)
		return false;
	/* the proleptic Gregorian calendar's day count (civil to days) */
	y -= mo <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	*days = era * 146097 + doe - 719468;
	return true;
}

/* The case's state as the mirror holds it ("" when it holds no such case). */
static bool case_state(struct mirror *m, int64_t id, char *state, size_t len)
{
	char idtext[32];

	snprintf(idtext, sizeof idtext, "%" PRId64, id);
	return mirror_exec1(m, "SELECT state FROM cases WHERE id = ?1", state, len, idtext,
			    (char *)NULL);
}

/* Keeps the items still due, counted from today (the others freed). */
static bool recheck(struct mirror *m, Jianyi__TodoResponse *r, const char *today)
{
	int64_t now, due;
	size_t kept = 0;

	if (!day_number(today, &now))
		return mirror_fail(m, _("'%s' is not a date (YYYY-MM-DD)"), today);
	for (size_t i = 0; i < r->n_items; i++) {
		Jianyi__TodoItem *it = r->items[i];
		char state[32];

		if (!case_state(m, it->suggestion_id, state, sizeof state))
			return false;
		if (state[0] == '\0' || !mirror_todo_still_due(it->kind, it->deadline_kind, state)) {
			jianyi__todo_item__free_unpacked(it, NULL);
			continue;
		}
		if (it->due[0] != '\0' && day_number(it->due, &due)) {
			it->days_left = (int32_t)(due - now);
			it->overdue = due < now;
		}
		r->items[kept++] = it;
	}
	r->n_items = kept;
	if (r->today != protobuf_c_empty_string)   /* unpack's shared "" */
		free(r->today);
	r->today = jy_xstrdup(today);
	return true;
}

bool mirror_todo(struct mirror *m, const char *today, Jianyi__TodoResponse **out,
		 char *taken_at, size_t taken_len)
{
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	taken_at[0] = '\0';
	if (sqlite3_prepare_v2(m->db, "SELECT taken_at, answer FROM todo WHERE id = 1", -1, &st,
			       NULL) != SQLITE_OK)
		return mirror_fail_db(m, _("reading the to-do list"));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const void *b = sqlite3_column_blob(st, 1);
		int n = sqlite3_column_bytes(st, 1);
		const unsigned char *t = sqlite3_column_text(st, 0);

		snprintf(taken_at, taken_len, "%s", t ? (const char *)t : "");
		*out = b || n == 0 ? jianyi__todo_response__unpack(NULL, (size_t)n, b) : NULL;
		if (*out == NULL) {
			sqlite3_finalize(st);
			return mirror_fail(m, _("the stored to-do list is damaged (it does not decode)"));
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return mirror_fail_db(m, _("reading the to-do list"));
	if (*out != NULL && !recheck(m, *out, today)) {
		jianyi__todo_response__free_unpacked(*out, NULL);
		*out = NULL;
		return false;
	}
	return true;
}
