/* The reading commands: show (a case and its timeline) and list. */
#ifndef JY_CLI_READ_H
#define JY_CLI_READ_H

#include <stdbool.h>
#include <stdint.h>

#include "cli_commands.h"
#include "jianyi.h"

extern const struct cli_option cli_list_options[];

int cli_run_show(const struct cli_invocation *inv);
int cli_run_list(const struct cli_invocation *inv);

/* Sends GetSuggestion for id (and for the rest of a long timeline). On
 * success *resp holds the answer with the whole timeline (free it with
 * jy_envelope_free) and its suggestion is non-NULL; on failure prints
 * the reason and returns false with *rc set. */
bool cli_fetch_case(struct jy_client *c, int64_t id, Jianyi__Envelope **resp, int *rc);

#endif
