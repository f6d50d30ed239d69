/* The client's sentences for the server's reasons (client/cli_reasons.c),
 * in English (no catalogue bound): arguments named by their codes come out
 * in words, an unknown reason or code never as an internal name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cli_reasons.h"

static void codes_in_words(void **state)
{
	(void)state;
	char buf[512];
	const struct cli_reason_arg args[] = { { "action", "approve_extension" },
					       { "state", "in_progress" } };
	cli_reason_text("wrong_state", args, 2, buf, sizeof buf);
	assert_string_equal(buf, "You cannot decide on an extension while the case is in progress.");
	const struct cli_reason_arg field[] = { { "field", "reply_deadline" }, { "max", "20" } };
	cli_reason_text("too_long", field, 2, buf, sizeof buf);
	assert_string_equal(buf, "The reply deadline is longer than 20 characters.");
	const struct cli_reason_arg roles[] = { { "roles", "liaison_officer,admin" } };
	cli_reason_text("only_role", roles, 1, buf, sizeof buf);
	assert_null(strchr(buf, '_'));
	assert_true(cli_reason_known("no_case"));
	const struct cli_reason_arg record[] = { { "id", "7" }, { "record", "follow_up" },
						 { "event", "12" } };
	cli_reason_text("not_a_record", record, 3, buf, sizeof buf);
	assert_string_equal(buf, "Entry 12 is not a progress report of case #7.");
}

static void unknown_never_shows_a_code(void **state)
{
	(void)state;
	char buf[512];
	const struct cli_reason_arg args[] = { { "action", "sign_off" }, { "state", "on_hold" } };
	cli_reason_text("wrong_state", args, 2, buf, sizeof buf);
	assert_string_equal(buf, "The server refused the request.");
	cli_reason_text("a_newer_reason", args, 2, buf, sizeof buf);
	assert_string_equal(buf, "The server refused the request.");
	assert_false(cli_reason_known("a_newer_reason"));
}

static void from_an_error(void **state)
{
	(void)state;
	char buf[512];
	struct jy_error e = { .code = 2, .message = "no suggestion 7", .reason = "no_case",
			      .reason_args = "id=7\n" };
	cli_error_text(&e, buf, sizeof buf);
	assert_string_equal(buf, "There is no case #7.");
	e.reason[0] = '\0';
	cli_error_text(&e, buf, sizeof buf);   /* libjianyi's own: as it is */
	assert_string_equal(buf, "no suggestion 7");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(codes_in_words),
		cmocka_unit_test(unknown_never_shows_a_code),
		cmocka_unit_test(from_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
