/* Ends the sessions whose credentials stopped being valid after their Hello:
 * a revoked certificate or a disabled account (README, "Certificates and
 * accounts"), and a certificate that expires while the session is open.
 *
 * "jianyid admin" sends NOTIFY (payload "accounts") when it revokes or
 * disables; the feed's LISTEN connection hands it to revocation_wake(),
 * which re-checks the certificates of every open session in one query and
 * closes those no longer valid. The same check also runs every few seconds,
 * for a NOTIFY missed while the LISTEN connection was down or a revoke made
 * with plain SQL; expiry is checked every second against each session's
 * certificate, without the database. */
#ifndef JY_REVOCATION_H
#define JY_REVOCATION_H

#include <stdint.h>

struct jy_net;
struct revocation;

struct revocation *revocation_new(struct jy_net *net);
void revocation_start(struct revocation *r);
/* Re-check the open sessions now (coalesced with a check in progress). */
void revocation_wake(struct revocation *r);
/* Counts the wake-ups: a Hello whose account lookup overlapped one asks for
 * another check once identified (its lookup may predate the change). */
uint64_t revocation_epoch(const struct revocation *r);
/* After the pool is freed: its last callback has run. */
void revocation_free(struct revocation *r);

#endif
