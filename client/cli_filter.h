/* The case filter (ListSuggestionsRequest) that list and export share: its
 * flags and their parsing, written once. */
#ifndef JY_CLI_FILTER_H
#define JY_CLI_FILTER_H

#include <stdbool.h>

#include "cli_commands.h"
#include "cli_i18n.h"
#include "jianyi.h"

/* The filter's rows of a command's option table (texts N_(), printed with _()). */
#define CLI_FILTER_OPTIONS \
	{ "state", N_("S"), N_("only cases in state S (draft, submitted, ..., converted)") }, \
	{ "unit", N_("ID"), N_("only cases the handling unit ID is assigned to") }, \
	{ "deputy", N_("ID"), N_("only cases of deputy ID (lead or co-signer)") }, \
	{ "category", N_("C"), N_("only cases of category C (e.g. 交通)") }, \
	{ "term", N_("N"), N_("only cases registered in term N (1 to 99)") }, \
	{ "session", N_("N"), N_("only cases registered in session N (1 to 20)") }, \
	{ "key", NULL, N_("only key suggestions (重点)") }, \
	{ "overdue", NULL, N_("only cases past their reply deadline") }, \
	{ "text", N_("T"), N_("only cases whose title or body contains T") }

/* Fills the filter fields of lr from the CLI_FILTER_OPTIONS flags (lr keeps
 * pointers into the command line). false: a bad flag, already reported. */
bool cli_get_filter(const struct cli_invocation *inv, Jianyi__ListSuggestionsRequest *lr);

#endif
