/* The outbox of writes made offline (jianyi CMD ... --offline): queueing
 * them, "jianyi outbox" to list, send, retry or drop them, and the sending
 * that every "jianyi sync" does first.
 *
 * Order: writes are sent one at a time in the order they were made. A
 * write the server refuses (a conflict, a rule) is kept as 'refused' with
 * the server's message, and every later write on the same case waits
 * behind it: they were made on top of it (the version each carries counts
 * the earlier ones), so sending them would either fail the same way or,
 * worse, apply a step the person meant to follow the refused one. Writes
 * on other cases go on. A lost link stops the sending; the next send
 * resends the unanswered write with the same idempotency key, and the
 * server answers a key it already applied with its first answer, so each
 * write is applied exactly once.
 *
 * Chains: a write is queued on the version the mirror shows plus the
 * writes queued before it on the case, but the server may have moved the
 * case meanwhile; so within one send, each write after an applied one on
 * the same case goes on the version that one's answer produced. After an
 * 'outbox send' that applied writes, the mirror is brought up to date
 * (cli_sync_catch_up), so that offline reads show the results. */
#ifndef JY_CLI_OUTBOX_H
#define JY_CLI_OUTBOX_H

#include <stdbool.h>

#include "cli_commands.h"
#include "jianyi.h"
#include "mirror_outbox.h"

extern const struct cli_option cli_outbox_options[];

int cli_run_outbox(const struct cli_invocation *inv);

/* A write command given --offline: queues req (its idempotency key set) in
 * the mirror's outbox, made on --version or on the case's version in the
 * mirror after the writes queued before it. Prints what was queued;
 * returns the exit status. */
int cli_outbox_queue(const struct cli_invocation *inv, Jianyi__ActRequest *req);

struct outbox_tally {
	int applied, replayed, refused, waiting;
};

/* Sends the pending writes in order (see above). False when the link
 * failed (err set) or the mirror failed (printed, err code INTERNAL);
 * refusals are not failures here: they are counted and printed. */
bool cli_outbox_send(struct jy_client *c, struct mirror *m, bool json,
		     struct outbox_tally *t, struct jy_error *err);

#endif
