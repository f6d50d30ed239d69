/* The outbox of writes made offline (jianyi CMD ... --offline): queueing
 * them, "jianyi outbox" to list, send, retry or drop them, and the sending
 * that every "jianyi sync" does first.
 *
 * Sending, in order, with chains and refusals kept: outbox_send.h. After
 * an 'outbox send' that applied writes, the mirror is brought up to date
 * (cli_sync_catch_up), so that offline reads show the results. */
#ifndef JY_CLI_OUTBOX_H
#define JY_CLI_OUTBOX_H

#include <stdbool.h>

#include "cli_commands.h"
#include "jianyi.h"
#include "mirror_outbox.h"
#include "outbox_send.h"

extern const struct cli_option cli_outbox_options[];

int cli_run_outbox(const struct cli_invocation *inv);

/* A write command given --offline: queues req (its idempotency key set) in
 * the mirror's outbox, made on --version or on the case's version in the
 * mirror after the writes queued before it. Prints what was queued;
 * returns the exit status. */
int cli_outbox_queue(const struct cli_invocation *inv, Jianyi__ActRequest *req);

#endif
