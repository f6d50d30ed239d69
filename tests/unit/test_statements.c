/* The statement registry (server/db/statements.c): every row filled in,
 * names unique, and each row's parameter count the number of placeholders
 * its SQL uses ($1..$n, each at least once), so the pool binds exactly what
 * the text expects. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "statements.h"

/* The highest $n in sql, and whether every $1..$n appears. */
static int placeholders(const char *sql, bool *all)
{
	bool seen[100] = { false };
	int max = 0;
	for (const char *p = strchr(sql, '$'); p; p = strchr(p + 1, '$')) {
		char *end;
		long n = strtol(p + 1, &end, 10);
		if (end == p + 1 || n < 1 || n >= 100)
			continue;
		seen[n] = true;
		if (n > max)
			max = (int)n;
	}
	*all = true;
	for (int i = 1; i <= max; i++)
		*all = *all && seen[i];
	return max;
}

static void every_row_is_complete(void **state)
{
	(void)state;
	for (size_t i = 0; i < STMT_COUNT; i++) {
		const struct db_stmt *s = &jy_statements[i];
		assert_non_null(s->name);
		assert_non_null(s->sql);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(s->name, jy_statements[j].name);
	}
}

static void parameter_counts_match_the_text(void **state)
{
	(void)state;
	for (size_t i = 0; i < STMT_COUNT; i++) {
		const struct db_stmt *s = &jy_statements[i];
		bool all;
		int n = placeholders(s->sql, &all);
		if (n != s->nparams || !all)
			fail_msg("statement %s: nparams %d, but its SQL uses $1..$%d%s", s->name,
				 s->nparams, n, all ? "" : " with gaps");
	}
}

static void portal_statements_are_the_last(void **state)
{
	(void)state;
	assert_true(JY_PORTAL_STATEMENTS > 0);
	for (size_t i = STMT_PORTAL_FIRST; i < STMT_COUNT; i++)
		assert_memory_equal(jy_statements[i].name, "portal_", 7);
	for (size_t i = 0; i < STMT_PORTAL_FIRST; i++)
		assert_true(strncmp(jy_statements[i].name, "portal_", 7) != 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_row_is_complete),
		cmocka_unit_test(parameter_counts_match_the_text),
		cmocka_unit_test(portal_statements_are_the_last),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
