/* jianyi units, committees, stations, deputies, accounts: the directory,
 * names with their ids (docs/WORKFLOW.md "Directory"). */
#ifndef JY_CLI_DIRECTORY_H
#define JY_CLI_DIRECTORY_H

#include "cli_commands.h"

extern const struct cli_option cli_directory_options[];
extern const struct cli_option cli_deputies_options[];

/* The command's name is the directory's kind. */
int cli_run_directory(const struct cli_invocation *inv);

#endif
