/* What the desk tests share (desk_runner.h). */
#include "desk_runner.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int desk_sh_ok(const char *cmd)
{
	int st = system(cmd);

	return st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

const char *desk_missing(void)
{
	const char *desk = getenv("JIANYI_DESK");

	if (desk == NULL || desk[0] == '\0' || access(desk, X_OK) != 0)
		return "jianyi-desk was not built (libgtk-4-dev)";
	if (!desk_sh_ok("command -v xvfb-run >/dev/null 2>&1"))
		return "xvfb-run is missing (xvfb, xauth)";
	if (!desk_sh_ok("command -v dbus-run-session >/dev/null 2>&1"))
		return "dbus-run-session is missing (dbus)";
	if (!desk_sh_ok(DESK_PYTHON " -c 'import dogtail, pyatspi' >/dev/null 2>&1"))
		return "python3-dogtail or python3-pyatspi is missing";
	return NULL;
}

int desk_run_group(const char *name, const struct CMUnitTest *tests, size_t n,
		   CMFixtureFunction setup, CMFixtureFunction teardown)
{
	const char *why = desk_missing();

	if (why != NULL) {
		printf("SKIP: %s\n", why);
		return DESK_SKIP;
	}
	return _cmocka_run_group_tests(name, tests, n, setup, teardown);
}

void desk_shots_dir(char *buf, size_t len, const char *tmp)
{
	const char *d = getenv("JIANYI_DESK_SCREENSHOTS");

	if (d != NULL && d[0] != '\0')
		snprintf(buf, len, "%s", d);
	else
		snprintf(buf, len, "%s/screenshots", tmp);
	mkdir(buf, 0755);
}

size_t desk_events_of(const Jianyi__GetSuggestionResponse *g, const char *kind)
{
	size_t n = 0;

	for (size_t i = 0; i < g->n_timeline; i++)
		n += strcmp(g->timeline[i]->kind, kind) == 0;
	return n;
}
