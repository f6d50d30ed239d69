/* jianyi todo (待办): what the caller has to do now, for each of their
 * roles, soonest deadline first (docs/WORKFLOW.md "To-do"). */
#ifndef JY_CLI_TODO_H
#define JY_CLI_TODO_H

#include "cli_commands.h"

extern const struct cli_option cli_todo_options[];

int cli_run_todo(const struct cli_invocation *inv);

#endif
