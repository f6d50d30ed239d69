/* Names and numbers instead of ids (the issue "For the people who use it",
 * section "Names and numbers"): the directory commands list units,
 * committees, stations, deputies and accounts per role, and wherever an id
 * is accepted a name or a part of one that names a single thing is taken
 * too (else a clear error listing the candidates), and a case may be named
 * by its number (18-2-3 or 第18届第2次会议第3号). "A name, a short name, a
 * number and an id all select the same case or unit." */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"
#include "wf_helpers.h"

static char out[64 * 1024], err[4096];

static int cli(const char *who, const char *args)
{
	struct cli_call c = { .sp = &S, .who = who };
	out[0] = err[0] = '\0';
	return harness_cli_run(&H, &c, args, out, sizeof out, err, sizeof err);
}

static const char *id_str(int64_t id)
{
	static char buf[4][32];
	static int next;
	char *b = buf[next++ % 4];
	snprintf(b, sizeof buf[0], "%lld", (long long)id);
	return b;
}

static int64_t number_of(const struct kase *k)
{
	return sql_id("SELECT number FROM suggestions WHERE id = $1::bigint", id_str(k->id));
}

static int64_t lead_of(const struct kase *k)
{
	return sql_id("SELECT organization_id FROM suggestion_units WHERE active AND role = 'lead'"
		      " AND suggestion_id = $1::bigint", id_str(k->id));
}

/* show by id, by short number and by the full number: the same case. */
static void same_case_three_ways(void **state)
{
	(void)state;
	struct kase k;
	prepare(&k, ST_REGISTERED, "关于按编号查找的建议", false);
	int64_t n = number_of(&k);
	char args[160], by_id[8192];
	snprintf(args, sizeof args, "--json show %lld", (long long)k.id);
	assert_int_equal(cli("liaison", args), 0);
	snprintf(by_id, sizeof by_id, "%s", out);
	assert_non_null(strstr(by_id, "关于按编号查找的建议"));
	snprintf(args, sizeof args, "--json show 18-9-%lld", (long long)n);
	if (cli("liaison", args) != 0 || strcmp(out, by_id) != 0)
		fail_msg("show 18-9-%lld: %s%s", (long long)n, out, err);
	snprintf(args, sizeof args, "--json show 第18届第9次会议第%lld号", (long long)n);
	if (cli("liaison", args) != 0 || strcmp(out, by_id) != 0)
		fail_msg("show by the full number: %s%s", out, err);
	/* A number nobody may read here, or that does not exist: not found. */
	snprintf(args, sizeof args, "show 18-9-%lld", (long long)n);
	assert_int_equal(cli("c-clerk", args), 2);
	assert_non_null(strstr(err, "18-9-"));
	assert_int_equal(cli("liaison", "show 18-9-99999"), 2);
	assert_int_equal(cli("liaison", "show 18-9"), 2);
}

/* assign with the lead unit by full name, by a part of it, by id: the same
 * unit; the co-handling unit by name; the case by its number. */
static void same_unit_three_ways(void **state)
{
	(void)state;
	const char *leads[] = { UNIT_A, "交通运输", NULL };
	char args[320];
	for (int i = 0; i < 3; i++) {
		struct kase k;
		prepare(&k, ST_REGISTERED, "关于按名称交办的建议", false);
		snprintf(args, sizeof args, "assign 18-9-%lld --lead %s --co 住房和城乡建设",
			 (long long)number_of(&k), leads[i] ? leads[i] : id_str(unit_a));
		if (cli("gov", args) != 0)
			fail_msg("jianyi %s: %s", args, err);
		assert_int_equal(lead_of(&k), unit_a);
		assert_int_equal(sql_id("SELECT organization_id FROM suggestion_units WHERE active AND role = 'co'"
					" AND suggestion_id = $1::bigint", id_str(k.id)),
				 unit_b);
	}
	/* Several match: the candidates, by name, and nothing done. */
	struct kase k;
	prepare(&k, ST_REGISTERED, "关于名称不唯一的建议", false);
	snprintf(args, sizeof args, "assign %lld --lead 县", (long long)k.id);
	assert_int_equal(cli("gov", args), 2);
	if (!strstr(err, UNIT_A) || !strstr(err, UNIT_B) || !strstr(err, "--lead"))
		fail_msg("the ambiguous name's refusal: %s", err);
	assert_int_equal(lead_of(&k), 0);
	/* None matches. */
	snprintf(args, sizeof args, "assign %lld --lead 市公安局", (long long)k.id);
	assert_int_equal(cli("gov", args), 2);
	assert_non_null(strstr(err, "市公安局"));
	assert_int_equal(lead_of(&k), 0);
}

/* The listings, per role. */
static void directory_per_role(void **state)
{
	(void)state;
	assert_int_equal(cli("gov", "units"), 0);
	const char *units[] = { UNIT_A, UNIT_B, UNIT_C, UNIT_D };
	for (int i = 0; i < 4; i++)
		if (!strstr(out, units[i]))
			fail_msg("units does not list %s:\n%s", units[i], out);
	assert_int_equal(cli("deputy-wang", "deputies --station 城关代表联络站"), 0);
	assert_non_null(strstr(out, WANG));
	assert_non_null(strstr(out, LI));
	assert_int_equal(cli("deputy-wang", "--json deputies 赵"), 0);
	assert_non_null(strstr(out, ZHAO));
	assert_null(strstr(out, WANG));
	assert_int_equal(cli("a-clerk", "stations"), 0);
	assert_non_null(strstr(out, "城关代表联络站"));
	/* Accounts: the liaison committee and the administrator only. */
	assert_int_equal(cli("liaison", "accounts"), 0);
	assert_non_null(strstr(out, "a-clerk"));
	assert_int_equal(cli("a-clerk", "accounts"), 1);
	/* The public has no directory. */
	assert_int_equal(cli("visitor", "units"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(same_case_three_ways, wf_each),
		cmocka_unit_test_setup(same_unit_three_ways, wf_each),
		cmocka_unit_test_setup(directory_per_role, wf_each),
	};
	return cmocka_run_group_tests_name("directory", tests, wf_setup, wf_teardown);
}
