/* The case filter of list and export (see cli_filter.h). */
#include "cli_filter.h"

#include "cli_flags.h"
#include "jy_limits.h"

static const char *const states[] = {
	"draft", "submitted", "returned", "registered", "assigned", "disputed", "accepted",
	"in_progress", "replied", "rehandling", "evaluated", "closed", "withdrawn",
	"merged", "converted", NULL,
};

bool cli_get_filter(const struct cli_invocation *inv, Jianyi__ListSuggestionsRequest *lr)
{
	const char *category = NULL, *text = NULL;
	long term = 0, session = 0;
	int state = -1;

	if (!cli_get_choice(inv, "state", states, CLI_OPTIONAL, &state) ||
	    !cli_get_id(inv, "unit", CLI_OPTIONAL, &lr->unit_id) ||
	    !cli_get_id(inv, "deputy", CLI_OPTIONAL, &lr->deputy_id) ||
	    !cli_get_str(inv, "category", CLI_OPTIONAL, &category) ||
	    !cli_get_int(inv, "term", JY_TERM_MIN, JY_TERM_MAX, CLI_OPTIONAL, &term) ||
	    !cli_get_int(inv, "session", JY_SESSION_MIN, JY_SESSION_MAX, CLI_OPTIONAL, &session) ||
	    !cli_get_str(inv, "text", CLI_OPTIONAL, &text))
		return false;
	lr->state = state >= 0 ? (char *)states[state] : (char *)"";
	lr->category = (char *)(category ? category : "");
	lr->text = (char *)(text ? text : "");
	lr->term = (int32_t)term;
	lr->session = (int32_t)session;
	lr->key_only = cli_value(inv, "key") != NULL;
	lr->overdue_only = cli_value(inv, "overdue") != NULL;
	return true;
}
