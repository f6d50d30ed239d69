/* Reading the logs the tests' processes write (see harness.h): whether a
 * line says something, and how many lines do. */
#include "harness.h"

#include <stdio.h>
#include <string.h>

bool harness_file_has(const char *path, const char *s)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	char line[2048];
	bool found = false;
	while (!found && fgets(line, sizeof line, f))
		found = strstr(line, s) != NULL;
	fclose(f);
	return found;
}

int harness_file_lines(const char *path, const char *a, const char *b)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	char line[2048];
	int n = 0;
	while (fgets(line, sizeof line, f))
		n += strstr(line, a) && (!b || strstr(line, b));
	fclose(f);
	return n;
}
