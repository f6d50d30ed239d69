/* jianyi deadlines and jianyi overdue: the deadlines still owed on the
 * cases the caller may see (docs/WORKFLOW.md "Deadlines"). */
#ifndef JY_CLI_DEADLINES_H
#define JY_CLI_DEADLINES_H

#include "cli_commands.h"

extern const struct cli_option cli_deadlines_options[];
extern const struct cli_option cli_overdue_options[];

/* "overdue" asks only for deadlines already past, most overdue first. */
int cli_run_deadlines(const struct cli_invocation *inv);

#endif
