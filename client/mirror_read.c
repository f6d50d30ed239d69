/* Reading the mirror offline (see mirror_read.h). */
#include "mirror_read.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_i18n.h"
#include "enum_names.h"
#include "mirror_internal.h"
#include "xalloc.h"

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return jy_xstrdup(t ? (const char *)t : "");
}

/* A stored packed Suggestion; a blob that does not unpack is a damaged file. */
static Jianyi__Suggestion *unpack_case(struct mirror *m, sqlite3_stmt *st, int col, int64_t id)
{
	const void *b = sqlite3_column_blob(st, col);
	int n = sqlite3_column_bytes(st, col);
	Jianyi__Suggestion *s = b ? jianyi__suggestion__unpack(NULL, (size_t)n, b) : NULL;

	if (s == NULL)
		mirror_fail(m, _("case %" PRId64 " is damaged (its stored record does not decode)"), id);
	return s;
}

void mirror_free_get(Jianyi__GetSuggestionResponse *g)
{
	if (g == NULL)
		return;
	if (g->suggestion != NULL)
		jianyi__suggestion__free_unpacked(g->suggestion, NULL);
	for (size_t i = 0; i < g->n_timeline; i++) {
		Jianyi__TimelineEvent *e = g->timeline[i];
		free(e->at);
		free(e->kind);
		free(e->actor_login);
		free(e->actor_name);
		free(e->details);
		free(e);
	}
	free(g->timeline);
	free(g->allowed_actions);
	free(g);
}

/* The stored "plan,reply" back into g's allowed_actions. */
static void allowed_actions(Jianyi__GetSuggestionResponse *g, const unsigned char *text)
{
	char *copy = jy_xstrdup(text ? (const char *)text : ""), *save = NULL;
	size_t cap = 0;

	for (char *t = strtok_r(copy, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
		int v;
		if (!jy_enum_value(&jianyi__action__descriptor, t, &v))
			continue;   /* a newer jianyi's action */
		if (g->n_allowed_actions == cap) {
			cap = cap ? 2 * cap : 8;
			g->allowed_actions = jy_xreallocarray(g->allowed_actions, cap,
							      sizeof *g->allowed_actions);
		}
		g->allowed_actions[g->n_allowed_actions++] = (Jianyi__Action)v;
	}
	free(copy);
}

bool mirror_get_case(struct mirror *m, int64_t id, Jianyi__GetSuggestionResponse **out)
{
	sqlite3_stmt *st;
	Jianyi__GetSuggestionResponse *g;
	size_t cap = 0;
	int rc;

	*out = NULL;
	if (sqlite3_prepare_v2(m->db, "SELECT suggestion, allowed_actions FROM cases WHERE id = ?1", -1,
			       &st, NULL) != SQLITE_OK)
		return mirror_fail_db(m, _("reading a case"));
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return rc == SQLITE_DONE ? true : mirror_fail_db(m, _("reading a case"));
	}
	g = jy_xcalloc(1, sizeof *g);
	jianyi__get_suggestion_response__init(g);
	g->suggestion = unpack_case(m, st, 0, id);
	allowed_actions(g, sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	if (g->suggestion == NULL) {
		mirror_free_get(g);
		return false;
	}
	if (sqlite3_prepare_v2(m->db, "SELECT seq, at, kind, actor_login, actor_name, from_state, "
			       "to_state, details FROM timeline WHERE case_id = ?1 ORDER BY seq", -1,
			       &st, NULL) != SQLITE_OK) {
		mirror_free_get(g);
		return mirror_fail_db(m, _("reading a timeline"));
	}
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		Jianyi__TimelineEvent *e = jy_xmalloc(sizeof *e);
		jianyi__timeline_event__init(e);
		e->sequence = sqlite3_column_int64(st, 0);
		e->at = col_dup(st, 1);
		e->kind = col_dup(st, 2);
		e->actor_login = col_dup(st, 3);
		e->actor_name = col_dup(st, 4);
		e->from_state = mirror_column_state(st, 5);
		e->to_state = mirror_column_state(st, 6);
		e->details = col_dup(st, 7);
		if (g->n_timeline == cap) {
			cap = cap ? cap * 2 : 16;
			g->timeline = jy_xrealloc(g->timeline, cap * sizeof *g->timeline);
		}
		g->timeline[g->n_timeline++] = e;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		mirror_free_get(g);
		return mirror_fail_db(m, _("reading a timeline"));
	}
	*out = g;
	return true;
}

void mirror_free_list(Jianyi__ListSuggestionsResponse *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n_suggestions; i++)
		jianyi__suggestion__free_unpacked(l->suggestions[i], NULL);
	free(l->suggestions);
	free(l);
}

/* The longest text filter jy_list takes (server/sql/functions/05_reads.sql:
 * jy_p_optional(f, 'text', 200)), in characters. */
#define LIST_TEXT_MAX 200

/* UTF-8 characters in s: the bytes that do not continue one. */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* --unit: the mirror knows the units' ids from the assignments it was shown
 * (mirror_feed.c). An id it does not know is a unit that none of its cases
 * names, unless some unit's id was never shown (a public account is not
 * shown assignments): then it cannot tell, and says so rather than list
 * nothing. */
static bool unit_known(struct mirror *m, int64_t unit_id)
{
	char id[32], n[32];

	snprintf(id, sizeof id, "%" PRId64, unit_id);
	if (!mirror_exec1(m, "SELECT (SELECT count(*) FROM units WHERE id = CAST(?1 AS INTEGER)) + "
			  "(SELECT count(*) = 0 FROM units WHERE id IS NULL)", n, sizeof n, id,
			  (char *)NULL))
		return false;
	if (atoi(n) == 0)
		return mirror_fail(m, _("list --unit %s: this mirror cannot tell (the server never "
				   "showed this account the ids of its cases' units); ask online"), id);
	return true;
}

/* What jy_list would refuse, and what the mirror cannot answer. */
static bool check_filters(struct mirror *m, const Jianyi__ListSuggestionsRequest *q)
{
	if (utf8_chars(q->text) > LIST_TEXT_MAX)
		return mirror_fail(m, _("text is longer than %d characters"), LIST_TEXT_MAX);
	return q->unit_id == 0 || unit_known(m, q->unit_id);
}

bool mirror_list(struct mirror *m, const Jianyi__ListSuggestionsRequest *q,
		 Jianyi__ListSuggestionsResponse **out)
{
	/* The same filters as jy_list; overdue as the server last said, or a
	 * deadline that has passed since while the case is still being handled. */
	static const char sql[] =
		"SELECT id, suggestion FROM cases WHERE id > ?1"
		" AND (?2 = '' OR state = ?2)"
		" AND (?3 = '' OR category = ?3)"
		" AND (?4 = 0 OR term = ?4) AND (?5 = 0 OR session = ?5)"
		" AND (?6 = 0 OR key = 1)"
		" AND (?7 = 0 OR overdue = 1 OR (reply_deadline <> '' AND reply_deadline < ?8"
		"      AND state IN ('assigned', 'disputed', 'accepted', 'in_progress')))"
		" AND (?9 = '' OR instr(lower(title || ' ' || body), lower(?9)) > 0)"
		" AND (?10 = 0 OR id IN (SELECT cu.case_id FROM case_units cu JOIN units u"
		"      ON u.name = cu.unit WHERE u.id = ?10))"
		" ORDER BY id LIMIT ?11";
	Jianyi__ListSuggestionsResponse *l = jy_xcalloc(1, sizeof *l);
	int limit = q->page_size > 0 ? q->page_size : 50, rc;
	sqlite3_stmt *st;
	char today[16];
	time_t t = time(NULL);
	struct tm tm;

	if (!check_filters(m, q)) {
		free(l);
		return false;
	}
	/* The congress's day, as the server's: the CLI has set TZ to the
	 * mirror's time zone (mirror_time_zone) before reading it. */
	localtime_r(&t, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	jianyi__list_suggestions_response__init(l);
	if (sqlite3_prepare_v2(m->db, sql, -1, &st, NULL) != SQLITE_OK) {
		free(l);
		return mirror_fail_db(m, _("listing cases"));
	}
	sqlite3_bind_int64(st, 1, q->after_id);
	mirror_bind_state(st, 2, q->state);
	mirror_bind_str(st, 3, q->category);
	sqlite3_bind_int(st, 4, q->term);
	sqlite3_bind_int(st, 5, q->session);
	sqlite3_bind_int(st, 6, q->key_only);
	sqlite3_bind_int(st, 7, q->overdue_only);
	mirror_bind_str(st, 8, today);
	mirror_bind_str(st, 9, q->text);
	sqlite3_bind_int64(st, 10, q->unit_id);
	sqlite3_bind_int(st, 11, limit + 1);   /* one more: is there a next page? */
	l->suggestions = jy_xcalloc((size_t)limit + 1, sizeof *l->suggestions);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		Jianyi__Suggestion *s;
		if (l->n_suggestions == (size_t)limit) {
			l->next_after_id = l->suggestions[limit - 1]->id;
			break;
		}
		if ((s = unpack_case(m, st, 1, id)) == NULL) {
			sqlite3_finalize(st);
			mirror_free_list(l);
			return false;
		}
		/* list entries leave body and plan empty, as the server's do */
		/* (unset strings point at protobuf-c's shared read-only "") */
		if (s->body[0] != '\0')
			s->body[0] = '\0';
		if (s->plan[0] != '\0')
			s->plan[0] = '\0';
		l->suggestions[l->n_suggestions++] = s;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		mirror_free_list(l);
		return mirror_fail_db(m, _("listing cases"));
	}
	*out = l;
	return true;
}

bool mirror_get_stats(struct mirror *m, const char *group_by, Jianyi__StatsResponse **out,
		      char *taken_at, size_t taken_len)
{
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	if (sqlite3_prepare_v2(m->db, "SELECT taken_at, answer FROM stats WHERE group_by = ?1", -1,
			       &st, NULL) != SQLITE_OK)
		return mirror_fail_db(m, _("reading statistics"));
	mirror_bind_str(st, 1, group_by);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const void *b = sqlite3_column_blob(st, 1);
		int n = sqlite3_column_bytes(st, 1);
		const unsigned char *t = sqlite3_column_text(st, 0);
		snprintf(taken_at, taken_len, "%s", t ? (const char *)t : "");
		*out = b || n == 0 ? jianyi__stats_response__unpack(NULL, (size_t)n, b) : NULL;
		if (*out == NULL) {
			sqlite3_finalize(st);
			return mirror_fail(m, _("the stored statistics are damaged (they do not decode)"));
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return mirror_fail_db(m, _("reading statistics"));
	return true;
}
