/* jianyid's conninfo (see conninfo.h). */
#include "conninfo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* How many entries a comma-separated list has (0 for NULL or ""). */
static unsigned count_list(const char *list)
{
	unsigned n = list && *list ? 1 : 0;
	for (const char *p = list; p && *p; p++)
		n += *p == ',';
	return n;
}

/* The first line of a libpq message. */
static void first_line(char *dst, size_t len, const char *msg)
{
	snprintf(dst, len, "%.*s", (int)strcspn(msg ? msg : "", "\n"), msg ? msg : "");
}

/* conninfo parsed, or NULL with the reason in err naming the setting. */
static PQconninfoOption *parse(const char *setting, const char *conninfo, char *err, size_t errlen)
{
	char *why = NULL, line[200];
	PQconninfoOption *opts = PQconninfoParse(conninfo, &why);
	if (!opts) {
		first_line(line, sizeof line, why ? why : "out of memory");
		snprintf(err, errlen, "database.%s is not a libpq connection string: %s", setting, line);
		PQfreemem(why);
	}
	return opts;
}

bool db_read_conninfo_check(const char *conninfo, char *err, size_t errlen)
{
	PQconninfoOption *opts = parse("read_conninfo", conninfo, err, errlen);
	PQconninfoFree(opts);
	return opts != NULL;
}

bool db_conninfo_check(const char *conninfo, char *err, size_t errlen)
{
	PQconninfoOption *opts = parse("conninfo", conninfo, err, errlen);
	unsigned hosts = 0;
	const char *target = NULL;

	if (!opts)
		return false;
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		if (strcmp(o->keyword, "host") == 0 || strcmp(o->keyword, "hostaddr") == 0) {
			unsigned n = count_list(o->val);
			hosts = n > hosts ? n : hosts;
		} else if (strcmp(o->keyword, "target_session_attrs") == 0) {
			target = o->val;
		}
	}
	/* With several hosts libpq takes the first that answers, a standby
	 * included, unless told to want a server that accepts writes. */
	bool writable = target && (strcmp(target, "read-write") == 0 || strcmp(target, "primary") == 0);
	if (hosts > 1 && !writable)
		snprintf(err, errlen, "database.conninfo names %u hosts but not "
			 "target_session_attrs=read-write: jianyid could connect to a read-only "
			 "standby", hosts);
	PQconninfoFree(opts);
	return hosts <= 1 || writable;
}

/* list (n entries) turned by k places: "a,b,c" by 1 is "b,c,a". */
static char *turn_list(const char *list, unsigned n, unsigned k)
{
	size_t len = strlen(list);
	char *out = jy_xmalloc(len + 2), *p = out;
	const char *entry[64];
	size_t elen[64];
	const char *s = list;

	for (unsigned i = 0; i < n; i++) {
		entry[i] = s;
		elen[i] = strcspn(s, ",");
		s += elen[i] + (s[elen[i]] == ',');
	}
	for (unsigned i = 0; i < n; i++) {
		unsigned j = (i + k) % n;
		if (i > 0)
			*p++ = ',';
		memcpy(p, entry[j], elen[j]);
		p += elen[j];
	}
	*p = '\0';
	return out;
}

PGconn *db_connect_start(const char *conninfo, const char *application_name, unsigned attempt)
{
	PQconninfoOption *opts = PQconninfoParse(conninfo, NULL);
	unsigned hosts = 0, n = 0;

	if (!opts)
		return PQconnectStart(conninfo);   /* libpq reports what is wrong */
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		n++;
		if (strcmp(o->keyword, "host") == 0 || strcmp(o->keyword, "hostaddr") == 0) {
			unsigned c = count_list(o->val);
			hosts = c > hosts ? c : hosts;
		}
	}
	bool turn = hosts >= 2 && hosts <= 64 && attempt % hosts != 0;
	const char **keys = jy_xcalloc(n + 2, sizeof *keys);
	const char **vals = jy_xcalloc(n + 2, sizeof *vals);
	char **turned = jy_xcalloc(n + 1, sizeof *turned);
	unsigned m = 0;
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		if (!o->val)
			continue;
		keys[m] = o->keyword;
		vals[m] = o->val;
		bool listed = strcmp(o->keyword, "host") == 0 || strcmp(o->keyword, "hostaddr") == 0 ||
			      strcmp(o->keyword, "port") == 0;
		if (turn && listed && count_list(o->val) == hosts)
			vals[m] = turned[m] = turn_list(o->val, hosts, attempt % hosts);
		m++;
	}
	if (application_name) {   /* the last of a keyword's values wins */
		keys[m] = "application_name";
		vals[m++] = application_name;
	}
	PGconn *conn = PQconnectStartParams(keys, vals, 0);
	for (unsigned i = 0; i < m; i++)
		free(turned[i]);
	free(turned);
	free(keys);
	free(vals);
	PQconninfoFree(opts);
	return conn;
}
