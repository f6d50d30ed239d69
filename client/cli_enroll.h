/* jianyi enroll: first run with a one-time code (jianyi.h "Enrollment"). */
#ifndef JY_CLI_ENROLL_H
#define JY_CLI_ENROLL_H

#include "cli_commands.h"

extern const struct cli_option cli_enroll_options[];

int cli_run_enroll(const struct cli_invocation *inv);

#endif
