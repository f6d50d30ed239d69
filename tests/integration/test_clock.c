/* One clock (the "Fixes" issue, item 6): every date a person sees — the
 * CLI's case and timeline, an announcement in the CLI and on the portal,
 * the ledger, offline reads from the mirror — is the congress's calendar
 * date in settings.time_zone, and the Welcome carries the zone.
 *
 * The congress's zone is set far from the machine's (UTC, given to the CLI
 * as TZ): Pacific/Kiritimati (UTC+14) from 10:00 UTC on, else
 * Pacific/Pago_Pago (UTC-11), so that the zone's date is not UTC's at any
 * hour of the day and a date printed in the wrong zone shows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "wf_helpers.h"

static const char *zone;
static char zone_today[16], utc_today[16];
static int zone_year;

static char cli_err[4096]; /* the last run's stderr */

/* Runs jianyi args as who (machine zone UTC); stdout into out, stderr into
 * cli_err; exit status. */
static int cli(const char *who, const char *mirror, const char *args, char *out, size_t outlen)
{
	struct cli_call c = { .sp = &S, .who = who, .mirror = mirror, .env = "TZ=UTC" };
	return harness_cli_run(&H, &c, args, out, outlen, cli_err, sizeof cli_err);
}

static void expect_zone_date(const char *what, const char *text)
{
	if (strstr(text, zone_today) == NULL || strstr(text, utc_today) != NULL)
		fail_msg("%s: want the date in %s (%s), not UTC's (%s):\n%s", what, zone, zone_today,
			 utc_today, text);
}

static int setup(void **state)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(utc_today, sizeof utc_today, "%Y-%m-%d", &tm);
	zone = tm.tm_hour >= 10 ? "Pacific/Kiritimati" : "Pacific/Pago_Pago";
	setenv("TZ", zone, 1);
	tzset();
	localtime_r(&now, &tm);
	strftime(zone_today, sizeof zone_today, "%Y-%m-%d", &tm);
	zone_year = tm.tm_year + 1900;
	unsetenv("TZ");
	tzset();
	wf_setup(state);
	sql_exec("UPDATE settings SET value = $1 WHERE key = 'time_zone'", zone);
	return 0;
}

static void one_date_everywhere(void **state)
{
	(void)state;
	static char out[65536], off[65536];
	char args[600], mirror[300], year[16];
	struct kase k;

	/* The Welcome carries the zone. */
	const Jianyi__Welcome *w = jy_welcome(cx("liaison"));
	assert_string_equal(w->time_zone, zone);

	prepare(&k, ST_REGISTERED, "关于统一日期的建议", false);

	/* The CLI: the case's created/updated and its timeline. */
	snprintf(args, sizeof args, "show %lld", (long long)k.id);
	assert_int_equal(cli("liaison", NULL, args, out, sizeof out), 0);
	expect_zone_date("jianyi show", out);

	/* An announcement: the CLI and the portal name the same day. */
	snprintf(year, sizeof year, "%d", zone_year);
	snprintf(args, sizeof args, "excellent nominate %lld --year %s", (long long)k.id, year);
	assert_int_equal(cli("liaison", NULL, args, out, sizeof out), 0);
	snprintf(args, sizeof args, "excellent score %lld --year %s --score 90", (long long)k.id, year);
	assert_int_equal(cli("cmte", NULL, args, out, sizeof out), 0);
	snprintf(args, sizeof args, "excellent announce --year %s --count 1", year);
	assert_int_equal(cli("liaison", NULL, args, out, sizeof out), 0);
	snprintf(args, sizeof args, "excellent list --year %s", year);
	assert_int_equal(cli("liaison", NULL, args, out, sizeof out), 0);
	char want[64];
	snprintf(want, sizeof want, "announced %s,", zone_today);
	if (strstr(out, want) == NULL)
		fail_msg("jianyi excellent list: want '%s':\n%s", want, out);
	struct wf_http r;
	snprintf(args, sizeof args, "/excellent?year=%s", year);
	wf_http_get(args, &r);
	assert_int_equal(r.status, 200);
	snprintf(want, sizeof want, "于 %s 公布", zone_today);
	if (strstr(r.body, want) == NULL)
		fail_msg("portal /excellent: want '%s'", want);
	wf_http_free(&r);

	/* The ledger: the registration date. */
	char csv[300];
	snprintf(csv, sizeof csv, "%s/clock.csv", H.dir);
	unlink(csv);
	snprintf(args, sizeof args, "export --format csv --output '%s'", csv);
	assert_int_equal(cli("liaison", NULL, args, out, sizeof out), 0);
	FILE *f = fopen(csv, "rb");
	assert_non_null(f);
	size_t n = fread(out, 1, sizeof out - 1, f);
	out[n] = '\0';
	fclose(f);
	expect_zone_date("the ledger", strstr(out, "关于统一日期的建议"));

	/* The mirror: offline reads print what online ones print, in the zone
	 * the Welcome gave (kept in the mirror), whatever the machine's. */
	snprintf(mirror, sizeof mirror, "%s/clock.mirror", H.dir);
	unlink(mirror);
	assert_int_equal(cli("liaison", mirror, "sync", out, sizeof out), 0);
	snprintf(args, sizeof args, "show %lld", (long long)k.id);
	assert_int_equal(cli("liaison", mirror, args, out, sizeof out), 0);
	snprintf(args, sizeof args, "show %lld --offline", (long long)k.id);
	assert_int_equal(cli("liaison", mirror, args, off, sizeof off), 0);
	assert_string_equal(out, off);
	expect_zone_date("jianyi show --offline", off);
	/* and the note on stderr says when the mirror was synced, in the zone */
	snprintf(out, sizeof out, "%s", cli_err);
	assert_non_null(strstr(out, "synced "));
	expect_zone_date("the mirror's note", strstr(out, "synced "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(one_date_everywhere, wf_each),
	};
	return cmocka_run_group_tests_name("clock", tests, setup, wf_teardown);
}
