/* libjianyi's reconnection back-off: every delay lies in the upper half of
 * an interval that doubles from the minimum to the maximum, delays differ
 * between clients (jitter), and a reset starts again from the minimum. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "jianyi.h"

static void doubles_within_bounds(void **state)
{
	(void)state;
	struct jy_backoff b;
	jy_backoff_init(&b, 100, 5000);
	unsigned cur = 100;
	for (int i = 0; i < 20; i++) {
		unsigned d = jy_backoff_next(&b);
		assert_true(d >= cur / 2 && d <= cur);
		cur = cur * 2 > 5000 ? 5000 : cur * 2;
	}
	assert_int_equal(b.cur_ms, 5000);   /* capped, never past max */
	jy_backoff_reset(&b);
	unsigned d = jy_backoff_next(&b);
	assert_true(d >= 50 && d <= 100);
}

static void clients_spread_out(void **state)
{
	(void)state;
	/* A thousand clients dropped together: their first delays are not all
	 * the same (the point of the jitter). */
	static struct jy_backoff b[1000];
	unsigned lo = 1000, hi = 0;
	for (int i = 0; i < 1000; i++) {
		jy_backoff_init(&b[i], 1000, 30000);
		unsigned d = jy_backoff_next(&b[i]);
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
	}
	assert_true(lo >= 500 && hi <= 1000);
	assert_true(hi - lo >= 250);
}

static void odd_bounds(void **state)
{
	(void)state;
	struct jy_backoff b;
	jy_backoff_init(&b, 0, 0);   /* both raised to 1 ms */
	for (int i = 0; i < 5; i++)
		assert_true(jy_backoff_next(&b) <= 1);
	jy_backoff_init(&b, 300, 100);   /* max below min: min wins */
	for (int i = 0; i < 5; i++)
		assert_true(jy_backoff_next(&b) <= 300);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(doubles_within_bounds),
		cmocka_unit_test(clients_spread_out),
		cmocka_unit_test(odd_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
