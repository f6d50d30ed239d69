/* The offline list against the server's (issue 12, section 2): the mirror
 * keeps its own copy of jy_list's filters (client/mirror_read.c), so the
 * two are run on the same data and must agree.
 *
 * A county's cases in several states, units, terms and sessions,
 * categories, with and without the key mark, and reply deadlines the day
 * before, of and after today in the congress's zone, are synced into one
 * mirror per viewer (liaison, unit clerks, a deputy, the public). Then, for
 * every filter `jianyi list` takes offline, alone and combined, and for
 * paging, `list --json` online and `list --offline --json` must give the
 * same exit status and, when they answer, the same ids and next page.
 *
 * The congress's zone is set far from UTC+8 and from the machine's (the
 * CLI's TZ): Pacific/Pago_Pago (UTC-11) on a machine in Pacific/Kiritimati
 * (UTC+14), except from 10:00 to 16:00 UTC, when Pago Pago's date is
 * UTC+8's and the two swap. So, outside those hours, a mirror that took
 * 'today' from UTC+8 or from the machine lists for --overdue the cases
 * whose deadline is the zone's today; within them the flag the server
 * stored still covers the cases overdue before the sync.
 *
 * Not the public: a public account's mirror cannot answer as the server
 * does, whatever the filters. Publishing makes no event, so a published
 * case reaches its mirror only with a later event the public is shown; and
 * jy_list filters the public's --key and --overdue on marks it hides from
 * the public (both server side). The assignments' unit ids are not shown
 * to it either: its offline --unit must say that it cannot tell. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "wf_helpers.h"

static const char *zone;
static char zone_today[16];
static char machine_tz[64];    /* "TZ=..." for the CLI: the other far zone */

/* Who sees what differs: everything, a unit's cases (lead or co), a
 * deputy's own and co-signed ones. The public is not among them: see
 * below. */
static const char *const viewers[] = { "liaison", "a-clerk", "b-clerk", "deputy-wang", "deputy-li" };
#define NVIEWERS (sizeof viewers / sizeof viewers[0])

/* ---- the data ---------------------------------------------------------------- */

struct spec {
	const char *title;
	enum stage stage;        /* up to ST_SUBMITTED by prepare, then here */
	bool joint;
	const char *category;
	int term, session;       /* at registration */
	int64_t *lead, *co;      /* at assignment (co may be NULL) */
	bool key;
	int deadline;            /* reply deadline: the zone's today + this (assigned on) */
	const char *published;   /* on the portal under this title (NULL: not) */
};

/* The clerk and head of a lead unit (D has no head: not a lead here). */
static const char *clerk_of(int64_t unit)
{
	return unit == unit_a ? "a-clerk" : unit == unit_b ? "b-clerk" : "c-clerk";
}

static const char *head_of(int64_t unit)
{
	return unit == unit_a ? "a-head" : unit == unit_b ? "b-head" : "c-head";
}

static void make_case(const struct spec *sp)
{
	struct kase k;
	struct jy_act a;
	char id[32], v[64];

	prepare(&k, sp->stage < ST_SUBMITTED ? sp->stage : ST_SUBMITTED, sp->title, sp->joint);
	if (sp->stage >= ST_REGISTERED) {
		wf_act_init(&a, A(REGISTER), k.id, k.version);
		a.reg.term = sp->term;
		a.reg.session = sp->session;
		ok_step("liaison", &a, &k, "registered", NULL);
	}
	if (sp->stage >= ST_ASSIGNED) {
		wf_act_init(&a, A(ASSIGN), k.id, k.version);
		valid_params(&a, A(ASSIGN));
		a.assign.lead_unit_id = *sp->lead;
		a.assign.n_co_unit_ids = sp->co ? 1 : 0;
		a.assign.co_unit_ids = sp->co;
		ok_step("gov", &a, &k, "assigned", NULL);
	}
	if (sp->stage >= ST_ACCEPTED)
		act(clerk_of(*sp->lead), A(ACCEPT), &k, "accepted");
	if (sp->stage >= ST_IN_PROGRESS_NOCONTACT)
		act(clerk_of(*sp->lead), A(PLAN), &k, "in_progress");
	if (sp->stage >= ST_IN_PROGRESS)
		act(clerk_of(*sp->lead), A(CONTACT), &k, "in_progress");
	if (sp->stage >= ST_REPLIED)
		act(head_of(*sp->lead), A(REPLY), &k, "replied");

	/* What no action sets to a chosen value: set before the first sync,
	 * so the mirror reads it as the server shows it. */
	snprintf(id, sizeof id, "%lld", (long long)k.id);
	snprintf(v, sizeof v, "%s|%s", id, sp->category);
	sql_exec("UPDATE suggestions SET category = split_part($1, '|', 2) "
		 "WHERE id = split_part($1, '|', 1)::bigint", v);
	if (sp->key)
		sql_exec("UPDATE suggestions SET key = true WHERE id = $1::bigint", id);
	if (sp->stage >= ST_ASSIGNED) {
		char day[16];
		wf_date_add(day, sizeof day, zone_today, sp->deadline);
		snprintf(v, sizeof v, "%s|%s", id, day);
		sql_exec("UPDATE suggestions SET reply_deadline = split_part($1, '|', 2)::date "
			 "WHERE id = split_part($1, '|', 1)::bigint", v);
	}
	if (sp->published != NULL) {
		snprintf(v, sizeof v, "%s|", id);
		strncat(v, sp->published, sizeof v - strlen(v) - 1);
		sql_exec("UPDATE suggestions SET published = true, "
			 "published_title = split_part($1, '|', 2), published_summary = '公开摘要' "
			 "WHERE id = split_part($1, '|', 1)::bigint", v);
	}
}

static void make_county(void)
{
	const struct spec cases[] = {
		{ "县城道路PM2.5治理", ST_DRAFT, false, "环境", 0, 0, NULL, NULL, false, 0 },
		{ "乡村公路养护", ST_SUBMITTED, true, "交通", 0, 0, NULL, NULL, false, 0 },
		{ "学校食堂改造", ST_REGISTERED, false, "教育", 18, 9, NULL, NULL, true, 0 },
		{ "农田水利建设", ST_REGISTERED, true, "农业", 19, 1, NULL, NULL, false, 0 },
		{ "公交线路优化 100%覆盖", ST_ASSIGNED, false, "交通", 18, 9, &unit_a, &unit_b,
		  false, -1, "公开：公交线路" },
		{ "老旧小区加装电梯", ST_ASSIGNED, true, "城建", 19, 1, &unit_b, &unit_d, true, 0 },
		{ "财政预算公开_透明", ST_ACCEPTED, false, "财政", 19, 2, &unit_c, NULL, false, 1 },
		{ "道路照明 pm2.5 监测", ST_ACCEPTED, false, "交通", 18, 9, &unit_a, NULL, true, -1 },
		{ "校车安全管理", ST_IN_PROGRESS_NOCONTACT, false, "教育", 19, 2, &unit_b, &unit_a,
		  false, -30 },
		{ "城区停车难", ST_IN_PROGRESS, true, "交通", 18, 9, &unit_a, &unit_c, false, 0,
		  "公开：道路停车" },
		{ "农村饮水安全", ST_IN_PROGRESS, false, "农业", 19, 1, &unit_c, &unit_d, true, 1 },
		{ "道路绿化提升", ST_IN_PROGRESS, false, "城建", 19, 1, &unit_b, NULL, false, -1 },
		{ "乡镇卫生院建设", ST_REPLIED, false, "卫生", 18, 9, &unit_a, &unit_b, false, -5,
		  "公开：卫生院" },
		{ "县城道路拓宽", ST_REPLIED, true, "交通", 19, 2, &unit_c, NULL, true, 3,
		  "县城道路拓宽" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		make_case(&cases[i]);
}

/* ---- the CLI ------------------------------------------------------------------- */

static char cli_err[8192];

/* jianyi args as who (the machine's zone machine_tz); stdout into out. */
static int cli(const char *who, const char *mirror, const char *args, char *out, size_t outlen)
{
	struct cli_call c = { .sp = &S, .who = who, .mirror = mirror, .env = machine_tz };
	return harness_cli_run(&H, &c, args, out, outlen, cli_err, sizeof cli_err);
}

/* "ids 3,5,8 next 0" from list --json's output, or the exit status when
 * it failed ("exit 2"). */
static void answer_of(int rc, const char *out, char *buf, size_t len)
{
	json_object *o, *a, *n;
	size_t used;

	if (rc != 0) {
		snprintf(buf, len, "exit %d", rc);
		return;
	}
	if ((o = json_tokener_parse(out)) == NULL ||
	    !json_object_object_get_ex(o, "suggestions", &a) ||
	    !json_object_object_get_ex(o, "next_after_id", &n))
		fail_msg("list --json gave no list: %s", out);
	used = (size_t)snprintf(buf, len, "ids");
	for (size_t i = 0; i < json_object_array_length(a) && used < len; i++) {
		json_object *id;
		assert_true(json_object_object_get_ex(json_object_array_get_idx(a, i), "id", &id));
		used += (size_t)snprintf(buf + used, len - used, "%s%lld", i ? "," : " ",
					 (long long)json_object_get_int64(id));
	}
	if (used < len)
		snprintf(buf + used, len - used, " next %lld", (long long)json_object_get_int64(n));
	json_object_put(o);
}

/* How many ids an answer_of text lists. */
static int ids_count(const char *answer)
{
	int n = 0;

	if (strncmp(answer, "ids ", 4) != 0 || answer[4] == 'n')
		return 0;
	for (const char *p = answer + 4; *p && *p != ' '; p++)
		n += *p == ',';
	return n + 1;
}

/* ---- the comparison ---------------------------------------------------------- */

/* The filters: "%A".."%D" stand for the units' ids, "%L" for a 201-character
 * text (one more than the server takes). */
static const char *const filters[] = {
	"",
	"--state draft", "--state submitted", "--state registered", "--state assigned",
	"--state accepted", "--state in_progress", "--state replied", "--state closed",
	"--unit %A", "--unit %B", "--unit %C", "--unit %D",
	"--category 交通", "--category 教育", "--category 无此类",
	"--term 18", "--term 19", "--term 20", "--session 1", "--session 9",
	"--term 19 --session 2",
	"--key", "--overdue",
	"--text 道路", "--text pm2.5", "--text PM2.5", "--text Pm2", "--text %%", "--text _",
	"--text 100%%覆盖", "--text 正文", "--text 公开", "--text 摘要", "--text 无此字样", "--text %L",
	"--state in_progress --unit %A", "--state assigned --overdue", "--overdue --unit %B",
	"--overdue --unit %A --key", "--key --term 18 --session 9", "--category 交通 --text 道路",
	"--overdue --text 道路", "--unit %C --state replied", "--term 19 --unit %D --overdue",
	"--limit 3", "--limit 1 --after %1", "--limit 2 --state in_progress --after %1",
	"--overdue --limit 1",
};

/* filter with its placeholders filled in. */
static void expand(const char *filter, int64_t first_id, char *out, size_t len)
{
	size_t n = 0;

	for (const char *p = filter; *p && n + 220 < len; p++) {
		int64_t v = -1;
		if (*p != '%') {
			out[n++] = *p;
			continue;
		}
		switch (*++p) {
		case 'A': v = unit_a; break;
		case 'B': v = unit_b; break;
		case 'C': v = unit_c; break;
		case 'D': v = unit_d; break;
		case '1': v = first_id + 4; break;
		case 'L':
			for (int i = 0; i < 201; i++)
				out[n++] = 'x';
			continue;
		case '%': out[n++] = '%'; continue;
		default: fail_msg("bad filter placeholder in '%s'", filter);
		}
		n += (size_t)snprintf(out + n, len - n, "%lld", (long long)v);
	}
	out[n] = '\0';
}

static void offline_list_is_the_servers(void **state)
{
	(void)state;
	static char out[262144];
	char mirror[NVIEWERS][300], args[1024], filter[512], on[4096], off[4096];
	int mismatches = 0, compared = 0;

	/* The cases are made in the usual zone (the fixture's dates are
	 * UTC+8's), then the congress moves. */
	make_county();
	sql_exec("UPDATE settings SET value = $1 WHERE key = 'time_zone'", zone);
	int64_t first_id = sql_id("SELECT min(id) FROM suggestions", NULL);
	for (size_t v = 0; v < NVIEWERS; v++) {
		snprintf(mirror[v], sizeof mirror[v], "%s/filters-%s.mirror", H.dir, viewers[v]);
		unlink(mirror[v]);
		if (cli(viewers[v], mirror[v], "sync", out, sizeof out) != 0)
			fail_msg("%s: sync failed: %s", viewers[v], cli_err);
	}
	for (size_t f = 0; f < sizeof filters / sizeof filters[0]; f++) {
		expand(filters[f], first_id, filter, sizeof filter);
		for (size_t v = 0; v < NVIEWERS; v++) {
			snprintf(args, sizeof args, "list --json --limit 500 %s", filter);
			if (strstr(filter, "--limit") != NULL)
				snprintf(args, sizeof args, "list --json %s", filter);
			answer_of(cli(viewers[v], NULL, args, out, sizeof out), out, on, sizeof on);
			strncat(args, " --offline", sizeof args - strlen(args) - 1);
			answer_of(cli(viewers[v], mirror[v], args, out, sizeof out), out, off,
				  sizeof off);
			compared++;
			/* the data has its edges: due yesterday (in the zone) counts,
			 * due today does not */
			if (v == 0 && strcmp(filters[f], "--overdue") == 0 && ids_count(on) != 4)
				fail_msg("the liaison's overdue cases online: %s (want the 4 due "
					 "before the zone's today)", on);
			if (strcmp(on, off) != 0) {
				mismatches++;
				print_message("%-11s list %.60s\n  online:  %s\n  offline: %s\n",
					      viewers[v], filter, on, off);
			}
		}
	}
	/* The public's mirror is never shown the units' ids: offline --unit
	 * says it cannot tell instead of listing nothing. */
	char pub[300];
	snprintf(pub, sizeof pub, "%s/filters-visitor.mirror", H.dir);
	unlink(pub);
	if (cli("visitor", pub, "sync", out, sizeof out) != 0)
		fail_msg("visitor: sync failed: %s", cli_err);
	assert_int_equal(cli("visitor", pub, "list --json --offline", out, sizeof out), 0);
	snprintf(args, sizeof args, "list --json --offline --unit %lld", (long long)unit_a);
	if (cli("visitor", pub, args, out, sizeof out) == 0 || strstr(cli_err, "cannot tell") == NULL)
		fail_msg("the public's offline list --unit answered: %s%s", out, cli_err);

	/* The zone's day must not have turned while we compared. */
	char now[16];
	time_t t = time(NULL);
	struct tm tm;
	setenv("TZ", zone, 1);
	tzset();
	localtime_r(&t, &tm);
	strftime(now, sizeof now, "%Y-%m-%d", &tm);
	unsetenv("TZ");
	tzset();
	if (strcmp(now, zone_today) != 0)
		skip();
	print_message("%d lists compared (%zu filters x %zu viewers), zone %s, today %s\n",
		      compared, sizeof filters / sizeof filters[0], NVIEWERS, zone, zone_today);
	assert_int_equal(mismatches, 0);
}

static int setup(void **state)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	zone = tm.tm_hour >= 10 && tm.tm_hour < 16 ? "Pacific/Kiritimati" : "Pacific/Pago_Pago";
	snprintf(machine_tz, sizeof machine_tz, "TZ=%s",
		 zone[8] == 'K' ? "Pacific/Pago_Pago" : "Pacific/Kiritimati");
	setenv("TZ", zone, 1);
	tzset();
	localtime_r(&now, &tm);
	strftime(zone_today, sizeof zone_today, "%Y-%m-%d", &tm);
	unsetenv("TZ");
	tzset();
	return wf_setup(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(offline_list_is_the_servers, wf_each),
	};
	return cmocka_run_group_tests_name("mirror_filters", tests, setup, wf_teardown);
}
