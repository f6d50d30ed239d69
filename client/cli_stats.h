/* jianyi stats: the measures (README.md "Statistics") per unit, category or
 * term/session; definitions in README.md "Statistics". */
#ifndef JY_CLI_STATS_H
#define JY_CLI_STATS_H

#include "cli_commands.h"

extern const struct cli_option cli_stats_options[];

int cli_run_stats(const struct cli_invocation *inv);

#endif
