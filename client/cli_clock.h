/* One clock for everything the CLI prints: the server's timestamps (RFC
 * 3339, UTC) shown as calendar dates and times in the congress's time zone
 * (settings.time_zone), which the Welcome carries and the mirror keeps, so
 * that the CLI, the portal, the ledger and offline reads agree on the day. */
#ifndef JY_CLI_CLOCK_H
#define JY_CLI_CLOCK_H

#include <stddef.h>

/* Shows times in zone (an IANA name, e.g. "Asia/Shanghai") from now on.
 * "" (a server that does not say) keeps the current zone; a name that is
 * not a zone on this machine is reported on stderr and UTC used. The CLI
 * is single-threaded: this sets TZ for the process. */
void cli_clock_use(const char *zone);

/* The zone in use ("" when none was given). */
const char *cli_clock_zone(void);

/* RFC 3339 text as "YYYY-MM-DD HH:MM" / "YYYY-MM-DD" in the zone in use;
 * the text as given if it is not RFC 3339. */
void cli_clock_minute(const char *rfc3339, char *out, size_t outlen);
void cli_clock_date(const char *rfc3339, char *out, size_t outlen);

#endif
