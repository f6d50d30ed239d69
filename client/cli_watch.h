/* "jianyi watch": the change feed, live. */
#ifndef JY_CLI_WATCH_H
#define JY_CLI_WATCH_H

#include "cli_commands.h"

extern const struct cli_option cli_watch_options[];
int cli_run_watch(const struct cli_invocation *inv);

#endif
