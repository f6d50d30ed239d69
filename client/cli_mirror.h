/* How commands reach the mirror: opening the configured file for sync, for
 * offline reading and queueing (checked against our certificate and CA),
 * and the choice between the server and the mirror for reading commands. */
#ifndef JY_CLI_MIRROR_H
#define JY_CLI_MIRROR_H

#include <stdbool.h>

#include "cli_commands.h"
#include "mirror_read.h"
#include "mirror_sync.h"   /* cli_cert_sha256 */

/* The configured mirror for offline use: it must exist and belong to the
 * holder of our certificate under our CA. NULL: reason printed, *rc set. */
struct mirror *cli_mirror_offline(const struct cli_invocation *inv, int *rc);

/* For reading commands: with --offline, the mirror; else the server, and
 * when the server cannot be reached (unavailable, timed out) and a mirror
 * is configured, the mirror with a note on stderr saying so. Exactly one of
 * *c and *m is set on success; false: reason printed, *rc set. */
bool cli_connect_or_mirror(const struct cli_invocation *inv, struct jy_client **c,
			   struct mirror **m, int *rc);

/* The note on stderr that an answer comes from the mirror, and as of when. */
void cli_mirror_note(struct mirror *m);

#endif
