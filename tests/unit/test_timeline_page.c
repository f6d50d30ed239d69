/* timeline_page: which events of a case's timeline go into one answer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "timeline_page.h"

#define N 10

static Jianyi__TimelineEvent events[N];
static Jianyi__TimelineEvent *ev[N];
static char details[N][200];

/* Ten events with sequences 101, 103, ... (other cases' events fall in
 * between), each with a 100-byte details text: 110 bytes encoded. */
static int setup(void **state)
{
	(void)state;
	for (int i = 0; i < N; i++) {
		jianyi__timeline_event__init(&events[i]);
		events[i].sequence = 101 + 2 * i;
		memset(details[i], 'x', 100);
		details[i][100] = '\0';
		events[i].details = details[i];
		ev[i] = &events[i];
	}
	return 0;
}

static size_t one(void)
{
	size_t n = jianyi__timeline_event__get_packed_size(ev[0]);
	return 1 + 1 + n; /* tag, one-byte length, the event */
}

static void whole_timeline_when_it_fits(void **state)
{
	(void)state;
	size_t start, count;
	assert_int_equal(timeline_page(ev, N, 0, 0, 1 << 20, &start, &count), 0);
	assert_int_equal(start, 0);
	assert_int_equal(count, N);
	/* Exactly enough room is enough. */
	assert_int_equal(timeline_page(ev, N, 0, 0, N * one(), &start, &count), 0);
	assert_int_equal(count, N);
}

static void cut_at_the_budget_and_resumed_after(void **state)
{
	(void)state;
	size_t start, count;
	int64_t next = timeline_page(ev, N, 0, 0, 3 * one() + one() / 2, &start, &count);
	assert_int_equal(start, 0);
	assert_int_equal(count, 3);
	assert_int_equal(next, 105);
	next = timeline_page(ev, N, next, 0, 3 * one() + one() / 2, &start, &count);
	assert_int_equal(start, 3);
	assert_int_equal(count, 3);
	assert_int_equal(next, 111);
	/* A sequence between two of this case's events (a merged target's). */
	next = timeline_page(ev, N, 112, 0, 1 << 20, &start, &count);
	assert_int_equal(start, 6);
	assert_int_equal(count, 4);
	assert_int_equal(next, 0);
}

static void limit_counts_events(void **state)
{
	(void)state;
	size_t start, count;
	assert_int_equal(timeline_page(ev, N, 0, 4, 1 << 20, &start, &count), 107);
	assert_int_equal(count, 4);
	/* The limit that ends exactly at the last event: no next page. */
	assert_int_equal(timeline_page(ev, N, 107, 6, 1 << 20, &start, &count), 0);
	assert_int_equal(start, 4);
	assert_int_equal(count, 6);
}

static void always_one_event(void **state)
{
	(void)state;
	size_t start, count;
	/* No room at all: still one event, so a client moves on. */
	assert_int_equal(timeline_page(ev, N, 0, 0, 0, &start, &count), 101);
	assert_int_equal(count, 1);
	assert_int_equal(timeline_page(ev, N, 117, 0, 0, &start, &count), 0);
	assert_int_equal(start, 9);
	assert_int_equal(count, 1);
}

static void after_the_end_or_empty(void **state)
{
	(void)state;
	size_t start, count;
	assert_int_equal(timeline_page(ev, N, 119, 0, 1 << 20, &start, &count), 0);
	assert_int_equal(start, N);
	assert_int_equal(count, 0);
	assert_int_equal(timeline_page(ev, 0, 0, 0, 1 << 20, &start, &count), 0);
	assert_int_equal(count, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(whole_timeline_when_it_fits),
		cmocka_unit_test(cut_at_the_budget_and_resumed_after),
		cmocka_unit_test(limit_counts_events),
		cmocka_unit_test(always_one_event),
		cmocka_unit_test(after_the_end_or_empty),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
