/* jianyi-desk's first run (docs/DESK.md, "Enrollment" and "How it is
 * tested"): a real PostgreSQL and jianyid that enrolls (deploy/pki's
 * issuing CA), an account and a one-time code from `jianyid admin
 * enroll-code`, and the real desk under Xvfb with a D-Bus session and the
 * AT-SPI bus, started with settings that name the server and the CA but no
 * certificate. desk_enroll.py (dogtail) enrolls it through the window (a
 * wrong address refused first), sees the header name the account, starts
 * it again to see it sign in from the settings alone, revokes the
 * certificate and sees the header say so, and sees another desk refused
 * the same code, each in Chinese. Then the database must agree: one
 * certificate for the account, revoked.
 *
 * Skipped (77) when the desk was not built, or xvfb-run, dbus-run-session
 * or python3-dogtail are missing. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <libpq-fe.h>

#include "harness.h"
#include "desk_runner.h"

#define LOGIN "erin"
#define WHO "鄂琳 · 县教育局"

static struct harness H;
static struct server_proc S;

static int setup(void **state)
{
	char cmd[1024], ini[1200];

	(void)state;
	harness_init(&H);
	snprintf(cmd, sizeof cmd, "%s/deploy/pki issuing %s 2>/dev/null",
		 getenv("JIANYI_SOURCE_ROOT"), H.pki);
	assert_int_equal(system(cmd), 0);
	snprintf(ini, sizeof ini,
		 "[enroll]\nissuing_cert = %1$s/issuing.crt\nissuing_key = %1$s/issuing.key\n"
		 "cert_days = 30\n", H.pki);
	server_start(&H, &S, ini);
	harness_batch(&H, "account-add --login " LOGIN " --name 鄂琳 --org 县教育局 --roles unit_clerk\n");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	harness_teardown(&H, &S);
	return 0;
}

/* `jianyid admin enroll-code --login LOGIN`: the code it prints. */
static void make_code(char *code, size_t len)
{
	char cmd[1200];
	FILE *p;

	snprintf(cmd, sizeof cmd, "%s admin --database '%s' enroll-code --login " LOGIN " 2>/dev/null",
		 getenv("JIANYID"), H.pg.conninfo);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(code, (int)len, p));
	assert_int_equal(pclose(p), 0);
	code[strcspn(code, "\n")] = '\0';
}

/* A settings folder as an administrator might hand it out: the server and
 * the CA, no certificate. */
static void settings_without_certificate(const char *home, const char *server)
{
	char dir[600], path[700];
	FILE *f;

	snprintf(dir, sizeof dir, "%s/jianyi", home);
	assert_int_equal(mkdir(home, 0700), 0);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(path, sizeof path, "%s/client.ini", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "[client]\nserver = %s\nca = %s/ca.crt\n", server, H.pki);
	assert_int_equal(fclose(f), 0);
}

/* One SQL value with one text parameter. */
static void sql(const char *query, const char *param, char *out, size_t len)
{
	PGconn *conn = PQconnectdb(H.pg.conninfo);
	const char *p[1] = { param };
	PGresult *res;

	assert_int_equal(PQstatus(conn), CONNECTION_OK);
	res = PQexecParams(conn, query, 1, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
		fail_msg("%s: %s", query, PQerrorMessage(conn));
	snprintf(out, len, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	PQfinish(conn);
}

static void desk_enrolls_with_a_code(void **state)
{
	char code[128], server[64], home[400], empty[400], revoke[1500], cmd[9000], v[64];
	int st;

	(void)state;
	make_code(code, sizeof code);
	snprintf(server, sizeof server, "127.0.0.1:%d", S.port);
	snprintf(home, sizeof home, "%s/desk-config", H.dir);
	snprintf(empty, sizeof empty, "%s/desk-empty", H.dir);
	settings_without_certificate(home, server);
	assert_int_equal(mkdir(empty, 0700), 0);
	/* the key and certificate go beside the settings (desk_enroll_files.h) */
	snprintf(revoke, sizeof revoke, "%s admin --database '%s' cert-revoke --cert %s/jianyi/enrolled/client.crt",
		 getenv("JIANYID"), H.pg.conninfo, home);
	snprintf(cmd, sizeof cmd,
		 "env PYTHONDONTWRITEBYTECODE=1 LANG=zh_CN.UTF-8 LANGUAGE= JIANYI_LOCALEDIR='%s' HOME='%s' "
		 "GSK_RENDERER=cairo GTK_A11Y=atspi NO_AT_BRIDGE=0 GTK_MODULES=gail:atk-bridge "
		 "DESK_NAME=desk_enroll DESK_EXE='%s' DESK_CONFIG_HOME='%s' DESK_EMPTY_HOME='%s' "
		 "DESK_SERVER='%s' DESK_CA='%s/ca.crt' DESK_CODE='%s' DESK_WHO='%s' "
		 "DESK_REVOKE_CMD=\"%s\" DESK_SHOTS='%s' DESK_SCALE=%d "
		 "xvfb-run -a -s '-screen 0 1366x768x24' dbus-run-session -- "
		 DESK_PYTHON " '%s/tests/desk/desk_enroll.py' 2>&1",
		 getenv("JIANYI_LOCALEDIR"), H.dir, getenv("JIANYI_DESK"), home, empty, server, H.pki,
		 code, WHO, revoke, H.dir, harness_time_scale(), getenv("JIANYI_SOURCE_ROOT"));
	st = system(cmd);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("the desk enrollment scenario failed (status %d): see its output above", st);
	/* what the screens said, the server has: one certificate, revoked */
	sql("SELECT count(*) FILTER (WHERE c.revoked_at IS NOT NULL) || '/' || count(*)"
	    " FROM certificates c JOIN accounts a ON a.id = c.account_id WHERE a.login = $1",
	    LOGIN, v, sizeof v);
	assert_string_equal(v, "1/1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(desk_enrolls_with_a_code),
	};
	return desk_run_tests("test_desk_enroll", tests, setup, teardown);
}
