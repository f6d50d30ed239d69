/* jianyi sync --mirror FILE [--follow]: sends the outbox, then pulls the
 * change feed from the mirror's cursor into the mirror, page by page. */
#ifndef JY_CLI_SYNC_H
#define JY_CLI_SYNC_H

#include <stdbool.h>

#include "cli_commands.h"
#include "jianyi.h"
#include "mirror_feed.h"

extern const struct cli_option cli_sync_options[];

int cli_run_sync(const struct cli_invocation *inv);

/* Brings the mirror m up to date over c (the feed from its cursor, the
 * cases it touched): 'jianyi outbox send' does it after sending, so that
 * offline reads show what the writes did. Prints why when it fails. */
bool cli_sync_catch_up(const struct cli_invocation *inv, struct jy_client *c, struct mirror *m);

#endif
