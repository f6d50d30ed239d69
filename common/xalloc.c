#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die_oom(size_t n)
{
	fprintf(stderr, "fatal: out of memory allocating %zu bytes\n", n);
	abort();
}

void *jy_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die_oom(n);
	return p;
}

void *jy_xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		die_oom(count * size);
	return p;
}

void *jy_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		die_oom(n);
	return q;
}

void *jy_xreallocarray(void *p, size_t count, size_t size)
{
	if (size && count > (size_t)-1 / size) {
		fprintf(stderr, "fatal: allocation size overflow (%zu x %zu)\n", count, size);
		abort();
	}
	return jy_xrealloc(p, count * size);
}

char *jy_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = jy_xmalloc(n);
	memcpy(p, s, n);
	return p;
}
