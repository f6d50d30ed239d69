/* [database] conninfo (server/db/conninfo.h): a string libpq cannot parse
 * and a host list without target_session_attrs=read-write are refused with
 * a clear reason; each connection attempt after a failure starts at the
 * next host of a list (docs/OPERATIONS.md "Failover"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "conninfo.h"

static bool check(const char *conninfo, char *err, size_t len)
{
	err[0] = '\0';
	return db_conninfo_check(conninfo, err, len);
}

static void checks_conninfo(void **state)
{
	(void)state;
	char err[300];
	assert_true(check("host=db.example.org dbname=jianyi user=jianyi", err, sizeof err));
	assert_true(check("host=/var/run/postgresql dbname=jianyi", err, sizeof err));
	assert_true(check("host=a,b dbname=jianyi target_session_attrs=read-write", err, sizeof err));
	assert_true(check("host=a,b dbname=jianyi target_session_attrs=primary", err, sizeof err));
	assert_true(check("postgresql://a:5432,b:5433/jianyi?target_session_attrs=read-write", err,
			  sizeof err));

	assert_false(check("host=a,b dbname=jianyi", err, sizeof err));
	assert_non_null(strstr(err, "names 2 hosts"));
	assert_non_null(strstr(err, "target_session_attrs=read-write"));
	assert_false(check("host=a,b dbname=jianyi target_session_attrs=any", err, sizeof err));
	assert_false(check("postgresql://a,b,c/jianyi", err, sizeof err));
	assert_non_null(strstr(err, "names 3 hosts"));

	assert_false(check("host=a dbname", err, sizeof err));
	assert_non_null(strstr(err, "database.conninfo is not a libpq connection string"));
	assert_false(check("host=a nosuchkey=1", err, sizeof err));
	assert_non_null(strstr(err, "nosuchkey"));

	/* The read-only pool's: several hosts need no target_session_attrs. */
	assert_true(db_read_conninfo_check("host=a,b dbname=jianyi", err, sizeof err));
	assert_true(db_read_conninfo_check("host=a,b dbname=jianyi target_session_attrs=standby", err,
					   sizeof err));
	assert_false(db_read_conninfo_check("host=a dbname", err, sizeof err));
	assert_non_null(strstr(err, "database.read_conninfo is not a libpq connection string"));
}

/* The value of keyword in conn's options, into buf. */
static void option(PGconn *conn, const char *keyword, char *buf, size_t len)
{
	PQconninfoOption *opts = PQconninfo(conn);
	buf[0] = '\0';
	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		if (strcmp(o->keyword, keyword) == 0 && o->val)
			snprintf(buf, len, "%s", o->val);
	PQconninfoFree(opts);
}

static void turns_the_host_list(void **state)
{
	(void)state;
	const char *ci = "host=/nonexistent/a,/nonexistent/b,/nonexistent/c port=1,2,3 dbname=jianyi "
			 "target_session_attrs=read-write connect_timeout=1";
	const char *want_host[] = { "/nonexistent/a,/nonexistent/b,/nonexistent/c",
				    "/nonexistent/b,/nonexistent/c,/nonexistent/a",
				    "/nonexistent/c,/nonexistent/a,/nonexistent/b",
				    "/nonexistent/a,/nonexistent/b,/nonexistent/c" };
	const char *want_port[] = { "1,2,3", "2,3,1", "3,1,2", "1,2,3" };
	for (unsigned attempt = 0; attempt < 4; attempt++) {
		char host[200], port[40], attrs[40];
		PGconn *conn = db_connect_start(ci, NULL, attempt);
		assert_non_null(conn);
		option(conn, "host", host, sizeof host);
		option(conn, "port", port, sizeof port);
		option(conn, "target_session_attrs", attrs, sizeof attrs);
		assert_string_equal(host, want_host[attempt]);
		assert_string_equal(port, want_port[attempt]);
		assert_string_equal(attrs, "read-write");
		PQfinish(conn);
	}
	/* One host (or one port for all): nothing to turn. */
	PGconn *conn = db_connect_start("host=/nonexistent/a,/nonexistent/b port=7 dbname=x", NULL, 1);
	char port[40], host[200];
	option(conn, "port", port, sizeof port);
	option(conn, "host", host, sizeof host);
	assert_string_equal(port, "7");
	assert_string_equal(host, "/nonexistent/b,/nonexistent/a");
	PQfinish(conn);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(checks_conninfo),
		cmocka_unit_test(turns_the_host_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
