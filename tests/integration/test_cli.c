/* The jianyi command-line client against a real server: output, --json,
 * exit statuses and one-line errors. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "harness.h"

static struct harness H;
static struct server_proc S;

static int setup(void **state)
{
	(void)state;
	harness_init(&H);
	server_start(&H, &S, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	server_stop(&S, SIGTERM, 10000);
	harness_cleanup(&H);
	return 0;
}

/* Runs the CLI as who with args; captures stdout and stderr; returns the
 * exit status. */
static int cli(const char *who, const char *args, char *out, size_t outlen, char *err, size_t errlen)
{
	struct cli_call c = { .sp = &S, .who = who };
	return harness_cli_run(&H, &c, args, out, outlen, err, errlen);
}

static void whoami_human_and_json(void **state)
{
	(void)state;
	char out[4096], err[1024];
	assert_int_equal(cli("bob", "whoami", out, sizeof out, err, sizeof err), 0);
	assert_non_null(strstr(out, "bob"));
	assert_non_null(strstr(out, "王波"));
	assert_non_null(strstr(out, "县教育局"));
	assert_int_equal(cli("bob", "whoami --json", out, sizeof out, err, sizeof err), 0);
	assert_non_null(strstr(out, "\"login\""));
	assert_non_null(strstr(out, "\"bob\""));
	assert_non_null(strstr(out, "\"unit_clerk\""));
}

static void ping_counts(void **state)
{
	(void)state;
	char out[4096], err[1024];
	assert_int_equal(cli("alice", "ping --count 20 --json", out, sizeof out, err, sizeof err), 0);
	assert_non_null(strstr(out, "20"));
}

static void errors_are_one_line_with_status(void **state)
{
	(void)state;
	char out[4096], err[1024];
	/* Usage error: exit 2, one line naming the flag. */
	assert_int_equal(cli("alice", "ping --count abc", out, sizeof out, err, sizeof err), 2);
	assert_non_null(strstr(err, "--count"));
	assert_non_null(strchr(err, '\n'));
	assert_null(strchr(strchr(err, '\n') + 1, '\n'));
	/* Refused certificate: exit 1 with the server's reason. */
	assert_int_equal(cli("stranger", "whoami", out, sizeof out, err, sizeof err), 1);
	assert_non_null(strstr(err, "unauthenticated"));
	assert_non_null(strstr(err, "not bound"));
	/* A case that does not exist: said from the server's reason (no_case). */
	assert_int_equal(cli("alice", "show 999999", out, sizeof out, err, sizeof err), 1);
	assert_non_null(strstr(err, "not found: There is no case #999999."));
	/* An unknown command. */
	assert_int_equal(cli("alice", "frobnicate", out, sizeof out, err, sizeof err), 2);
}

static void list_as_committee(void **state)
{
	(void)state;
	char out[4096], err[1024];
	assert_int_equal(cli("alice", "list --json", out, sizeof out, err, sizeof err), 0);
	assert_non_null(strstr(out, "\"suggestions\""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(whoami_human_and_json),
		cmocka_unit_test(ping_counts),
		cmocka_unit_test(errors_are_one_line_with_status),
		cmocka_unit_test(list_as_committee),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
