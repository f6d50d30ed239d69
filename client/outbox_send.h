/* Sending the outbox of writes made offline (jianyi sync, jianyi outbox
 * send, and the desk when its link is back).
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
 * the same case goes on the version that one's answer produced. */
#ifndef JY_OUTBOX_SEND_H
#define JY_OUTBOX_SEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jianyi.h"
#include "mirror_outbox.h"

/* Cases kept blocked (behind a refused write) within one send at most. */
#define OUTBOX_MAX_BLOCKED 4096

struct outbox_tally {
	int applied, replayed, refused, waiting;
};

/* Sends the pending writes in order (see above). False when the link
 * failed (err set) or the mirror failed (printed, err code INTERNAL);
 * refusals are not failures here: they are counted and printed on stderr.
 * json (or quiet): the applied ones are not printed. */
bool cli_outbox_send(struct jy_client *c, struct mirror *m, bool json,
		     struct outbox_tally *t, struct jy_error *err);

/* Whether case_id is among the n blocked ones. */
bool outbox_is_blocked(const int64_t *blocked, size_t n, int64_t case_id);

#endif
