/* Sending a write so that a lost answer never makes a retry act twice (the
 * server answers a key it already applied with its first answer): on
 * 'unavailable' the write is sent once more, on a new connection, with the
 * same idempotency key; when no answer comes at all, the person is told
 * that the outcome is unknown and given the key to rerun the command with
 * (--idempotency-key K), and --json prints it on stdout. */
#ifndef JY_CLI_WRITE_H
#define JY_CLI_WRITE_H

#include <stdbool.h>

#include "cli_commands.h"
#include "jianyi.h"

/* Sends req (a write carrying an idempotency key) on *c, which may be
 * replaced by a new connection (or NULL when none could be made). True with
 * *resp on an OK answer; false with the failure printed and *rc set (and
 * *resp kept when an answer came). rerun_key: the key the person reruns
 * the command with. */
bool cli_call_write(const struct cli_invocation *inv, struct jy_client **c,
		    const Jianyi__Request *req, const char *rerun_key,
		    Jianyi__Envelope **resp, int *rc);

#endif
