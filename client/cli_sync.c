/* jianyi sync (see cli_sync.h); the work itself is mirror_sync.c's. */
#include "cli_sync.h"
#include "cli_i18n.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_flags.h"
#include "cli_mirror.h"
#include "cli_outbox.h"
#include "cli_output.h"
#include "jianyi.h"
#include "mirror_sync.h"

#define PAGE_MAX 5000
#define BACKOFF_MIN_MS 500
#define BACKOFF_MAX_MS 30000

const struct cli_option cli_sync_options[] = {
	{ "follow", NULL, N_("after catching up, stay connected and apply events as they happen") },
	{ "page-size", N_("N"), N_("events per page, 1 to 5000 (default 250)") },
	{ 0 },
};

bool cli_sync_catch_up(const struct cli_invocation *inv, struct jy_client *c, struct mirror *m)
{
	struct mirror_sync x = { .c = c, .m = m, .page_size = MIRROR_SYNC_PAGE,
				 .page_want = MIRROR_SYNC_PAGE, .fatal_rc = CLI_EXIT_FAILURE };
	char ca[65], err[800];

	if (!cli_cert_sha256(inv->settings.ca, ca, err, sizeof err)) {
		cli_fail(CLI_EXIT_USAGE, "%s", err);
		return false;
	}
	if (!mirror_bind(m, inv->settings.server, jy_welcome(c)->identity, ca) ||
	    !mirror_set_time_zone(m, jy_welcome(c)->time_zone) ||
	    !mirror_cursor(m, x.cursor, sizeof x.cursor)) {
		cli_fail(CLI_EXIT_FAILURE, "%s", mirror_error(m));
		return false;
	}
	x.t0 = mirror_sync_clock();
	return mirror_sync_catch_up(&x, false) == SYNC_OK;
}

int cli_run_sync(const struct cli_invocation *inv)
{
	struct mirror_sync x = { .page_size = MIRROR_SYNC_PAGE, .tty = isatty(2),
				 .fatal_rc = CLI_EXIT_FAILURE };
	struct outbox_tally t = { 0 };
	bool follow_on = cli_value(inv, "follow") != NULL;
	char err[800], ca[65];
	unsigned backoff = BACKOFF_MIN_MS;
	long page = 0;
	int rc = CLI_EXIT_FAILURE;

	if (!cli_get_int(inv, "page-size", 1, PAGE_MAX, CLI_OPTIONAL, &page))
		return CLI_EXIT_USAGE;
	if (page > 0)
		x.page_size = (int)page;
	x.page_want = x.page_size;
	if (inv->settings.mirror == NULL)
		return cli_fail(CLI_EXIT_USAGE, _("sync: which mirror? give --mirror FILE, set "
				"JIANYI_MIRROR, or put mirror = FILE in the config file"));
	if (inv->settings.ca == NULL)
		return cli_fail(CLI_EXIT_USAGE, _("no CA certificate: give --ca FILE, set JIANYI_CA, or "
				"put ca = FILE in the config file"));
	if (!cli_cert_sha256(inv->settings.ca, ca, err, sizeof err))
		return cli_fail(CLI_EXIT_USAGE, "%s", err);
	if ((x.m = mirror_open(inv->settings.mirror, true, err, sizeof err)) == NULL)
		return cli_fail(CLI_EXIT_USAGE, "%s", err);
	if (!mirror_cursor(x.m, x.cursor, sizeof x.cursor)) {
		rc = cli_fail(CLI_EXIT_USAGE, "%s", mirror_error(x.m));
		goto out;
	}
	x.t0 = mirror_sync_clock();
	for (;;) {
		enum mirror_sync_outcome o = SYNC_RETRY;
		int64_t before = x.events;
		x.c = cli_connect_or_fail(inv, &rc);
		if (x.c == NULL && rc == CLI_EXIT_USAGE)
			goto out;
		if (x.c != NULL) {
			o = mirror_sync_once(&x, inv->settings.server, ca, inv->flags.json, follow_on, &t);
			jy_close(x.c);
			x.c = NULL;
		}
		if (o == SYNC_FATAL) {
			rc = x.fatal_rc;
			goto out;
		}
		if (o == SYNC_OK)
			break;
		if (!follow_on) {
			rc = CLI_EXIT_FAILURE;
			goto out;   /* a one-off sync reports the failure; run it again */
		}
		if (x.events > before)
			backoff = BACKOFF_MIN_MS;
		fprintf(stderr, _("jianyi: sync: connection lost; resuming from %s in %u ms\n"),
			x.cursor[0] ? x.cursor : "the beginning", backoff);
		usleep(backoff * 1000u);
		backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
	}
	mirror_sync_progress(&x, true);
	{
		double dt = mirror_sync_clock() - x.t0;
		char login[256], at[64];
		int64_t ncases = 0, nevents = 0;
		struct cli_output out;
		if (!mirror_info(x.m, login, sizeof login, at, sizeof at, &ncases, &nevents)) {
			rc = cli_fail(CLI_EXIT_FAILURE, "%s", mirror_error(x.m));
			goto out;
		}
		cli_output_init(&out, inv->flags.json);
		cli_out_str(&out, "mirror", _("mirror"), mirror_path(x.m));
		cli_out_int(&out, "events", _("events applied"), x.events);
		cli_out_int(&out, "cases_fetched", _("cases fetched"), x.cases);
		cli_out_int(&out, "pages", _("pages"), x.pages);
		cli_out_ms(&out, "elapsed_ms", _("elapsed ms"), dt * 1000.0);
		cli_out_int(&out, "events_per_second", _("events/s"),
			    dt > 0 ? (int64_t)((double)x.events / dt) : 0);
		cli_out_int(&out, "cases", _("cases in mirror"), ncases);
		cli_out_int(&out, "outbox_applied", _("outbox applied"), t.applied);
		cli_out_int(&out, "outbox_refused", _("outbox refused"), t.refused);
		cli_out_str(&out, "cursor", _("cursor"), x.cursor);
		rc = cli_output_finish(&out);
		if (rc == CLI_EXIT_OK && t.refused > 0)
			rc = CLI_EXIT_FAILURE;   /* refused writes need the person */
	}
out:
	mirror_close(x.m);
	return rc;
}
