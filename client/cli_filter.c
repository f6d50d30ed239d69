/* The case filter of list and export (see cli_filter.h). */
#include "cli_filter.h"

#include "cli_flags.h"
#include "enum_names.h"
#include "jy_limits.h"

#define NSTATES_MAX 32

/* The --state choices: every State's name but STATE_UNSPECIFIED's, in
 * order (names[i] is value i + 1), ending with NULL. */
static const char *const *state_choices(void)
{
	static char names[NSTATES_MAX][JY_ENUM_NAME_MAX];
	static const char *list[NSTATES_MAX + 1];
	const ProtobufCEnumDescriptor *d = &jianyi__state__descriptor;

	if (list[0] == NULL)
		for (int v = 1, n = 0; v <= NSTATES_MAX && (unsigned)n < d->n_values - 1; v++, n++)
			list[n] = jy_enum_name(d, v, names[n], sizeof names[n]);
	return list;
}

bool cli_get_filter(const struct cli_invocation *inv, Jianyi__ListSuggestionsRequest *lr)
{
	const char *category = NULL, *text = NULL;
	long term = 0, session = 0;
	int state = -1;

	if (!cli_get_choice(inv, "state", state_choices(), CLI_OPTIONAL, &state) ||
	    !cli_get_id(inv, "unit", CLI_OPTIONAL, &lr->unit_id) ||
	    !cli_get_id(inv, "deputy", CLI_OPTIONAL, &lr->deputy_id) ||
	    !cli_get_str(inv, "category", CLI_OPTIONAL, &category) ||
	    !cli_get_int(inv, "term", JY_TERM_MIN, JY_TERM_MAX, CLI_OPTIONAL, &term) ||
	    !cli_get_int(inv, "session", JY_SESSION_MIN, JY_SESSION_MAX, CLI_OPTIONAL, &session) ||
	    !cli_get_str(inv, "text", CLI_OPTIONAL, &text))
		return false;
	lr->state = state >= 0 ? (Jianyi__State)(state + 1) : JIANYI__STATE__STATE_UNSPECIFIED;
	lr->category = (char *)(category ? category : "");
	lr->text = (char *)(text ? text : "");
	lr->term = (int32_t)term;
	lr->session = (int32_t)session;
	lr->key_only = cli_value(inv, "key") != NULL;
	lr->overdue_only = cli_value(inv, "overdue") != NULL;
	return true;
}
