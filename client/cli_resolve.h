/* Names and numbers where an id is asked for: a unit, committee, station or
 * deputy by its name or part of it, a case by its number (18-2-3 or
 * 第18届第2次会议第3号), through the server's directory (docs/WORKFLOW.md
 * "Directory"). */
#ifndef JY_CLI_RESOLVE_H
#define JY_CLI_RESOLVE_H

#include <stdbool.h>
#include <stdint.h>

#include "cli_commands.h"

/* The id text names for flag (NULL: the positional case), found by asking
 * the server: exactly one match, else a usage error naming the candidates
 * or saying that nothing matched (printed; false). */
bool cli_resolve(const struct cli_invocation *inv, const char *flag, const char *text, int64_t *out);

#endif
