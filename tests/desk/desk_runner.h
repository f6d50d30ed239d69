/* What the desk tests share: whether the real desk can be driven here
 * (built, Xvfb, a D-Bus session, dogtail), the Python that drives it, and
 * the exit code that skips. */
#ifndef JY_DESK_RUNNER_H
#define JY_DESK_RUNNER_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "jianyi.pb-c.h"

#define DESK_PYTHON "/usr/bin/python3"   /* Debian's, where python3-dogtail is */
#define DESK_SKIP 77

/* Whether a shell command exits 0. */
int desk_sh_ok(const char *cmd);

/* Why the desk cannot be driven here, or NULL when it can. */
const char *desk_missing(void);

/* Where the screenshots go: JIANYI_DESK_SCREENSHOTS, else tmp/screenshots
 * (made if missing). */
void desk_shots_dir(char *buf, size_t len, const char *tmp);

/* How many events of kind the case's timeline holds. */
size_t desk_events_of(const Jianyi__GetSuggestionResponse *g, const char *kind);

/* A desk test's main: its group run, or skipped (DESK_SKIP, the reason
 * printed) when desk_missing says the desk cannot be driven here. */
#define desk_run_tests(name, tests, setup, teardown) \
	desk_run_group(name, tests, sizeof(tests) / sizeof((tests)[0]), setup, teardown)
int desk_run_group(const char *name, const struct CMUnitTest *tests, size_t n,
		   CMFixtureFunction setup, CMFixtureFunction teardown);

#endif
