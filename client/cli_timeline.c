/* See cli_timeline.h. The server names beside their ids the units an
 * event's details mention and the organization its actor spoke for
 * (docs/WORKFLOW.md "The timeline"). Events stored before it did, or a
 * name it left out, fall back on the case's units when it was never
 * reassigned (its units then are the ones every event speaks of), and
 * otherwise on the id. */
#include "cli_timeline.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli_clock.h"
#include "cli_i18n.h"
#include "cli_output.h"
#include "cli_render.h"
#include "cli_terms.h"
#include "xalloc.h"

#define TEXT_MAX_COLUMNS 160   /* longer texts: see --json */

struct ctx {
	const Jianyi__Suggestion *s;
	bool units_known;            /* no reassign: the case's units are the events' */
};

/* A string member of the details ("" when absent). */
static const char *str(struct json_object *d, const char *key)
{
	struct json_object *v;

	if (d == NULL || !json_object_object_get_ex(d, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}

static int64_t num(struct json_object *d, const char *key)
{
	struct json_object *v;

	if (d == NULL || !json_object_object_get_ex(d, key, &v))
		return 0;
	return json_object_get_int64(v);
}

static bool flag(struct json_object *d, const char *key)
{
	struct json_object *v;

	return d != NULL && json_object_object_get_ex(d, key, &v) && json_object_get_boolean(v);
}

/* A unit as a person reads it: the server's name, the case's (known, when
 * the case was never reassigned), or the id. */
static void put_unit(const char *name, const char *known, int64_t id, char *buf, size_t len)
{
	if (name[0] != '\0')
		snprintf(buf, len, "%s", name);
	else if (known != NULL && known[0] != '\0')
		snprintf(buf, len, "%s", known);
	else
		snprintf(buf, len, _("unit no. %" PRId64), id);
}

/* The units of an assign or reassign event, by name. */
static void put_units(const struct ctx *x, struct json_object *d, char *buf, size_t len)
{
	struct json_object *co = NULL, *names = NULL;
	size_t nco = 0;
	char lead[256];

	if (json_object_object_get_ex(d, "co_unit_ids", &co) && json_object_is_type(co, json_type_array))
		nco = json_object_array_length(co);
	if (!json_object_object_get_ex(d, "co_unit_names", &names) ||
	    !json_object_is_type(names, json_type_array) || json_object_array_length(names) != nco)
		names = NULL;
	put_unit(str(d, "lead_unit_name"), x->units_known ? x->s->lead_unit : NULL,
		 num(d, "lead_unit_id"), lead, sizeof lead);
	snprintf(buf, len, _("lead unit %s"), lead);
	if (nco == 0)
		return;
	strncat(buf, _(", co-handling units "), len - strlen(buf) - 1);
	for (size_t i = 0; i < nco; i++) {
		struct json_object *name = names ? json_object_array_get_idx(names, i) : NULL;
		char one[256];

		put_unit(json_object_is_type(name, json_type_string) ? json_object_get_string(name) : "",
			 x->units_known && nco == x->s->n_co_units ? x->s->co_units[i] : NULL,
			 json_object_get_int64(json_object_array_get_idx(co, i)), one, sizeof one);
		if (i > 0)
			strncat(buf, _(", "), len - strlen(buf) - 1);
		strncat(buf, one, len - strlen(buf) - 1);
	}
}

/* The texts an edit or a correction changed, in words: "title, text". */
static void put_changes(struct json_object *d, char *buf, size_t len)
{
	static const struct {
		const char *key, *word;
	} fields[] = { { "title", N_("title") }, { "body", N_("text") }, { "category", N_("category") } };
	struct json_object *changes, *v;

	buf[0] = '\0';
	if (!json_object_object_get_ex(d, "changes", &changes))
		return;
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (json_object_object_get_ex(changes, fields[i].key, &v)) {
			size_t n = strlen(buf);
			snprintf(buf + n, len - n, "%s%s", n ? _(", ") : "", _(fields[i].word));
		}
	if (json_object_object_get_ex(d, "added", &v)) {
		size_t n = strlen(buf);
		snprintf(buf + n, len - n, _("%s%zu co-signers asked"), n ? _(", ") : "",
			 json_object_array_length(v));
	}
	if (json_object_object_get_ex(d, "removed", &v)) {
		size_t n = strlen(buf);
		snprintf(buf + n, len - n, _("%s%zu co-signers taken off"), n ? _(", ") : "",
			 json_object_array_length(v));
	}
}

/* What the event did, as the rest of a sentence whose subject is the actor;
 * *text: the free text that follows it (reason, note, reply), or "". */
static void describe(const struct ctx *x, const Jianyi__TimelineEvent *e, struct json_object *d,
		     char *buf, size_t len, const char **text)
{
	const char *k = e->kind;
	char units[1024];

	*text = str(d, "reason");
	if (strcmp(k, "create") == 0) {
		snprintf(buf, len, _("drafted the suggestion “%s”"), str(d, "title"));
		*text = "";
	} else if (strcmp(k, "register") == 0 && num(d, "term") > 0) {
		snprintf(buf, len, _("registered it (term %" PRId64 ", session %" PRId64 ")"),
			 num(d, "term"), num(d, "session"));
	} else if (strcmp(k, "merge") == 0) {
		if (str(d, "into_suggestion_title")[0] != '\0')
			snprintf(buf, len, _("merged it into suggestion #%" PRId64 " “%s”"),
				 num(d, "into_suggestion_id"), str(d, "into_suggestion_title"));
		else
			snprintf(buf, len, _("merged it into suggestion #%" PRId64),
				 num(d, "into_suggestion_id"));
	} else if (strcmp(k, "convert") == 0) {
		snprintf(buf, len, _("converted it to a %s"), cli_case_kind_text(str(d, "to_kind")));
	} else if (strcmp(k, "assign") == 0 || strcmp(k, "reassign") == 0) {
		const char *due = str(d, "reply_deadline");   /* "": the default */
		bool first = strcmp(k, "assign") == 0;

		put_units(x, d, units, sizeof units);
		if (due[0] != '\0')
			snprintf(buf, len, first ? _("assigned it: %s, reply due %s%s") :
				 _("reassigned it: %s, reply due %s%s"), units, due,
				 flag(d, "key") ? _(" (key suggestion)") : "");
		else
			snprintf(buf, len, first ? _("assigned it: %s%s") : _("reassigned it: %s%s"),
				 units, flag(d, "key") ? _(" (key suggestion)") : "");
	} else if (strcmp(k, "plan") == 0) {
		snprintf(buf, len, _("fixed the handling plan: handler %s, done by %s"),
			 str(d, "handler_name"), str(d, "promised_date"));
		*text = str(d, "plan");
	} else if (strcmp(k, "contact") == 0) {
		char day[64];

		/* no date: the day it was recorded */
		if (str(d, "date")[0] != '\0')
			snprintf(day, sizeof day, "%s", str(d, "date"));
		else
			cli_clock_date(e->at, day, sizeof day);
		snprintf(buf, len, _("recorded a contact %s (%s, %s)"), cli_phase_text(str(d, "phase")),
			 cli_method_text(str(d, "method")), day);
		*text = str(d, "note");
	} else if (strcmp(k, "opinion") == 0) {
		snprintf(buf, len, "%s", _("sent the co-handling opinion"));
		*text = str(d, "text");
	} else if (strcmp(k, "extend") == 0) {
		snprintf(buf, len, _("asked for %" PRId64 " more days"), num(d, "days"));
	} else if (strcmp(k, "approve_extension") == 0) {
		snprintf(buf, len, "%s", flag(d, "approve") ? _("approved the extension") :
			 _("rejected the extension"));
	} else if (strcmp(k, "reply") == 0 || strcmp(k, "follow_up") == 0) {
		snprintf(buf, len, strcmp(k, "reply") == 0 ? _("replied, result class %s") :
			 _("reported progress, result class %s"), cli_class_text(str(d, "result_class")));
		*text = str(d, "text");
	} else if (strcmp(k, "evaluate") == 0) {
		snprintf(buf, len, _("evaluated the reply: attitude %s, result %s"),
			 cli_answer_text(str(d, "attitude")), cli_answer_text(str(d, "result")));
		*text = str(d, "comment");
	} else if (strcmp(k, "supervise") == 0) {
		snprintf(buf, len, _("recorded %s"), cli_supervision_text(str(d, "kind")));
		*text = str(d, "text");
	} else if (strcmp(k, "edit") == 0 || strcmp(k, "correct") == 0) {
		put_changes(d, units, sizeof units);
		snprintf(buf, len, strcmp(k, "edit") == 0 ? _("revised the suggestion (%s)") :
			 _("corrected the registered text (%s)"), units);
	} else if (strcmp(k, "evaluation_outcome") == 0) {
		snprintf(buf, len, _("evaluation round %" PRId64 " closed: %" PRId64 " of %" PRId64
				     " evaluating deputies answered"),
			 num(d, "round"), num(d, "forms"), num(d, "evaluators"));
	} else if (strcmp(k, "attach") == 0) {
		snprintf(buf, len, _("attached \"%s\" to %s"), str(d, "name"),
			 cli_attach_target_text(str(d, "attached_to")));
	} else {
		snprintf(buf, len, "%s", cli_action_text(k));
	}
}

/* Free text on one line: line breaks and tabs become spaces. */
static char *one_line(const char *s)
{
	char *t = jy_xstrdup(s);

	for (char *p = t; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	return t;
}

/* Actions only the lead unit takes: their actor speaks for it. */
static bool by_the_lead_unit(const char *kind)
{
	static const char *const kinds[] = {
		"accept", "plan", "contact", "extend", "reply", "follow_up", NULL };

	for (int i = 0; kinds[i] != NULL; i++)
		if (strcmp(kinds[i], kind) == 0)
			return true;
	return false;
}

/* Appends text to buf at *n, cut where buf ends. */
static void put(char *buf, size_t len, size_t *n, const char *text)
{
	int w = snprintf(buf + *n, len - *n, "%s", text);

	if (w > 0)
		*n = *n + (size_t)w < len ? *n + (size_t)w : len - 1;
}

/* An event of the case this one was merged into (shown in the merged
 * case's timeline): which case, by number and, when given, title. */
static void put_other_case(struct json_object *d, char *buf, size_t len, size_t *n)
{
	char on[512];

	if (num(d, "suggestion_id") <= 0)
		return;
	if (str(d, "suggestion_title")[0] != '\0')
		snprintf(on, sizeof on, _(" (on suggestion #%" PRId64 " “%s”)"), num(d, "suggestion_id"),
			 str(d, "suggestion_title"));
	else
		snprintf(on, sizeof on, _(" (on suggestion #%" PRId64 ")"), num(d, "suggestion_id"));
	put(buf, len, n, on);
}

/* One event as its sentence, into buf. */
static void sentence(const struct ctx *x, const Jianyi__TimelineEvent *e, char *buf, size_t len)
{
	struct json_object *d = json_tokener_parse(e->details);
	bool by_lead_unit = by_the_lead_unit(e->kind);
	const char *text;
	char when[64], what[2048], states[256];
	size_t n = 0;

	buf[0] = '\0';
	cli_clock_minute(e->at, when, sizeof when);
	describe(x, e, d, what, sizeof what, &text);
	put(buf, len, &n, when);
	put(buf, len, &n, "  ");
	if (str(d, "actor_organization_name")[0] != '\0') {
		put(buf, len, &n, str(d, "actor_organization_name"));
		put(buf, len, &n, " ");
	} else if (by_lead_unit && x->units_known && x->s->lead_unit[0] != '\0') {
		put(buf, len, &n, x->s->lead_unit);   /* an event stored before the names */
		put(buf, len, &n, " ");
	}
	if (e->actor_name[0] != '\0' || e->actor_login[0] != '\0') {
		put(buf, len, &n, e->actor_name[0] != '\0' ? e->actor_name : e->actor_login);
		put(buf, len, &n, " ");
	}
	put(buf, len, &n, what);
	put_other_case(d, buf, len, &n);
	if (text[0] != '\0') {
		char *line = one_line(text), *cut = cli_fit(line, TEXT_MAX_COLUMNS);

		/* TRANSLATORS: between what an event did and its text */
		put(buf, len, &n, _(": "));
		put(buf, len, &n, cut);
		free(cut);
		free(line);
	}
	if (e->from_state != JIANYI__STATE__STATE_UNSPECIFIED && e->from_state != e->to_state) {
		snprintf(states, sizeof states, _(" (%s → %s)"), cli_state_text(e->from_state),
			 cli_state_text(e->to_state));
		put(buf, len, &n, states);
	}
	json_object_put(d);
}

char **cli_timeline_sentences(Jianyi__TimelineEvent *const *ev, size_t n, const Jianyi__Suggestion *s)
{
	struct ctx x = { .s = s, .units_known = true };
	char **out = jy_xcalloc(n + 1, sizeof *out);
	char buf[4096];

	for (size_t i = 0; i < n; i++)
		if (strcmp(ev[i]->kind, "reassign") == 0)
			x.units_known = false;
	for (size_t i = 0; i < n; i++) {
		sentence(&x, ev[i], buf, sizeof buf);
		out[i] = jy_xstrdup(buf);
	}
	return out;
}

void cli_timeline_sentences_free(char **lines)
{
	if (lines == NULL)
		return;
	for (char **p = lines; *p != NULL; p++)
		free(*p);
	free(lines);
}

void cli_print_timeline(Jianyi__TimelineEvent *const *ev, size_t n, const Jianyi__Suggestion *s)
{
	char **lines = cli_timeline_sentences(ev, n, s);

	for (size_t i = 0; i < n; i++) {
		cli_put_clean(lines[i]);
		putchar('\n');
	}
	cli_timeline_sentences_free(lines);
}
