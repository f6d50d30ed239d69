/* "jianyi inbox": the caller's deadline notices (reminders, overdue
 * notices), live with --follow; "jianyi inbox read ID..." marks them read. */
#ifndef JY_CLI_INBOX_H
#define JY_CLI_INBOX_H

#include "cli_commands.h"

/* At most this many ids after "read" (the command's max_args is one more). */
#define CLI_INBOX_MAX_READ (CLI_MAX_ARGS - 1)

extern const struct cli_option cli_inbox_options[];
int cli_run_inbox(const struct cli_invocation *inv);

#endif
