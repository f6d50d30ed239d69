/* Reaching the mirror (see cli_mirror.h). */
#include "cli_mirror.h"
#include "cli_i18n.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli_clock.h"
#include "cli_output.h"
#include "cli_reasons.h"
#include "jianyi.h"

struct mirror *cli_mirror_offline(const struct cli_invocation *inv, int *rc)
{
	const struct cli_settings *s = &inv->settings;
	char err[800], cert[65], ca[65], zone[80];
	struct mirror *m;

	if (s->mirror == NULL) {
		*rc = cli_fail(CLI_EXIT_USAGE, _("%s: --offline needs a mirror: give --mirror FILE, set "
			       "JIANYI_MIRROR, or put mirror = FILE in the config file"),
			       inv->cmd->name);
		return NULL;
	}
	if (s->cert == NULL || s->ca == NULL) {
		*rc = cli_fail(CLI_EXIT_USAGE, _("%s: the mirror is opened only with the certificate and "
			       "CA it was synced with: give --cert and --ca"), inv->cmd->name);
		return NULL;
	}
	if (!cli_cert_sha256(s->cert, cert, err, sizeof err) ||
	    !cli_cert_sha256(s->ca, ca, err, sizeof err)) {
		*rc = cli_fail(CLI_EXIT_USAGE, "%s", err);
		return NULL;
	}
	if ((m = mirror_open(s->mirror, false, err, sizeof err)) == NULL) {
		*rc = cli_fail(CLI_EXIT_USAGE, "%s", err);
		return NULL;
	}
	if (!mirror_check_owner(m, cert, ca) || !mirror_time_zone(m, zone, sizeof zone)) {
		*rc = cli_fail(CLI_EXIT_USAGE, "%s", mirror_error(m));
		mirror_close(m);
		return NULL;
	}
	/* offline reads show the dates online ones would */
	cli_clock_use(zone);
	return m;
}

void cli_mirror_note(struct mirror *m)
{
	char login[256], at[64];
	int64_t ncases = 0, nevents = 0;

	if (mirror_info(m, login, sizeof login, at, sizeof at, &ncases, &nevents)) {
		char when[64];

		cli_clock_minute(at, when, sizeof when);
		fprintf(stderr, _("jianyi: from the mirror %s (%" PRId64 " cases, synced %s)\n"),
			mirror_path(m), ncases, at[0] ? when : "never");
	}
}

bool cli_connect_or_mirror(const struct cli_invocation *inv, struct jy_client **c,
			   struct mirror **m, int *rc)
{
	const struct cli_settings *s = &inv->settings;
	struct jy_client_options o = {
		.server = s->server, .cert_file = s->cert, .key_file = s->key,
		.ca_file = s->ca, .timeout_ms = s->timeout_ms,
	};
	struct jy_error err;

	*c = NULL;
	*m = NULL;
	if (inv->flags.offline) {
		if ((*m = cli_mirror_offline(inv, rc)) == NULL)
			return false;
		cli_mirror_note(*m);
		return true;
	}
	/* Without a mirror nothing changes: the usual connection and errors. */
	if (s->mirror == NULL || s->cert == NULL || s->key == NULL || s->ca == NULL)
		return (*c = cli_connect_or_fail(inv, rc)) != NULL;
	if ((*c = jy_connect(&o, &err)) != NULL) {
		cli_clock_use(jy_welcome(*c)->time_zone);
		return true;
	}
	/* Only "cannot reach it" falls back: a refused certificate or a bad
	 * setting is an error to see, not something to hide behind old data. */
	if (err.code != JIANYI__STATUS_CODE__STATUS_UNAVAILABLE &&
	    err.code != JIANYI__STATUS_CODE__STATUS_DEADLINE_EXCEEDED) {
		*rc = cli_fail_status(&err);
		return false;
	}
	char why[1024];

	cli_status_sentence(&err, why, sizeof why);
	fprintf(stderr, _("jianyi: the server cannot be reached (%s); answering from the mirror\n"),
		why);
	if ((*m = cli_mirror_offline(inv, rc)) == NULL)
		return false;
	cli_mirror_note(*m);
	return true;
}
