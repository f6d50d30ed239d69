/* jianyi sync --mirror FILE [--follow]: sends the outbox, then pulls the
 * change feed from the mirror's cursor into the mirror, page by page. */
#ifndef JY_CLI_SYNC_H
#define JY_CLI_SYNC_H

#include "cli_commands.h"

extern const struct cli_option cli_sync_options[];

int cli_run_sync(const struct cli_invocation *inv);

#endif
