/* Integration tests for the database layer against a real PostgreSQL: a
 * private cluster (embedded_pg) in a fresh temporary directory, the
 * migrations, the async pool on an event loop (answers, query errors, an
 * outage with queries in flight and the recovery after it), and the admin
 * commands. The cluster is stopped and removed at the end, even on failure. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>
#include <libpq-fe.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "admin.h"
#include "config.h"
#include "db.h"
#include "embedded_pg.h"
#include "migrate.h"
#include "migrations.h"
#include "statements.h"

extern char **environ;

static char tmpdir[64];
static char data_dir[128];
static struct embedded_pg pg;
static bool pg_up;

/* ---- helpers ------------------------------------------------------------ */

/* Runs argv and returns its exit status (-1 if it could not run). */
static int spawn_wait(char *const argv[])
{
	pid_t pid;
	int st;
	if (posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ) != 0)
		return -1;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* pg_ctl as the user that owns the cluster. */
static int pg_ctl(const char *action, const char *mode)
{
	char bin[512];
	snprintf(bin, sizeof bin, "%s/pg_ctl", pg.bindir);
	char *as_pg[] = { "runuser", "-u", "postgres", "--", bin, "-D", pg.pgdata, "-w",
			  "-m", (char *)mode, (char *)action, NULL };
	return spawn_wait(geteuid() == 0 ? as_pg : as_pg + 4);
}

static PGconn *connect_db(void)
{
	PGconn *c = PQconnectdb(pg.conninfo);
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("cannot connect to %s: %s", pg.conninfo, PQerrorMessage(c));
	return c;
}

/* One value from a query with text parameters; "" for no row. Static buffer. */
static const char *sql1(PGconn *c, const char *sql, int n, const char *const *params)
{
	static char buf[512];
	PGresult *r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	snprintf(buf, sizeof buf, "%s", PQntuples(r) ? PQgetvalue(r, 0, 0) : "");
	PQclear(r);
	return buf;
}

/* A self-signed P-256 certificate valid from now+start_s to now+end_s. */
static void make_cert(const char *path, const char *cn, long start_s, long end_s)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *name;
	FILE *f;
	assert_non_null(key);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), (long)time(NULL) ^ start_s);
	X509_gmtime_adj(X509_getm_notBefore(x), start_s);
	X509_gmtime_adj(X509_getm_notAfter(x), end_s);
	X509_set_pubkey(x, key);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, name);
	assert_true(X509_sign(x, key, EVP_sha256()) > 0);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_true(PEM_write_X509(f, x));
	fclose(f);
	X509_free(x);
	EVP_PKEY_free(key);
}

static int admin(const char *first, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;
	struct jy_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.data_dir = data_dir;  /* exercises the embedded "already running" path */
	cfg.database_named = true;
	argv[argc++] = (char *)first;
	va_start(ap, first);
	for (char *a; (a = va_arg(ap, char *)) && argc < 31;)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	return admin_main(argc, argv, &cfg);
}

/* ---- set-up and tear-down ----------------------------------------------- */

static void cleanup(void)
{
	if (pg_up) {
		pg_ctl("stop", "immediate");
		embedded_pg_free(&pg);
		pg_up = false;
	}
	if (tmpdir[0]) {
		char *rm[] = { "rm", "-rf", tmpdir, NULL };
		/* Exiting backends may still write a file or two: retry briefly. */
		for (int i = 0; i < 5 && access(tmpdir, F_OK) == 0; i++) {
			spawn_wait(rm);
			if (access(tmpdir, F_OK) == 0)
				usleep(200 * 1000);
		}
		tmpdir[0] = '\0';
	}
}

static int group_setup(void **state)
{
	char err[1024];
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/jydb.XXXXXX");
	if (!mkdtemp(tmpdir) || chmod(tmpdir, 0755) != 0) {
		perror("mkdtemp");
		return -1;
	}
	atexit(cleanup);
	snprintf(data_dir, sizeof data_dir, "%s/data", tmpdir);
	if (!embedded_pg_start(&pg, data_dir, NULL, err, sizeof err)) {
		fprintf(stderr, "embedded_pg_start: %s\n", err);
		return -1;
	}
	pg_up = true;
	if (!pg.started_by_us || !strstr(pg.conninfo, "dbname=jianyi")) {
		fprintf(stderr, "unexpected embedded_pg state\n");
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	cleanup();
	return 0;
}

/* ---- migrations --------------------------------------------------------- */

static void test_migrations(void **state)
{
	char err[512];
	int applied = -1;
	bool refused;
	PGconn *c = connect_db();
	(void)state;

	assert_true(migrate_apply(c, &applied, err, sizeof err));
	assert_int_equal(applied, migrate_latest_version());
	assert_true(migrate_latest_version() >= 1);
	assert_true(migrate_apply(c, &applied, err, sizeof err));
	assert_int_equal(applied, 0);
	char expect[16];
	snprintf(expect, sizeof expect, "%d", migrate_latest_version());
	assert_string_equal(sql1(c, "SELECT count(*) FROM schema_migrations", 0, NULL), expect);
	assert_string_equal(sql1(c, "SELECT to_regclass('certificates') IS NOT NULL", 0, NULL), "t");

	/* A database from a newer jianyid is refused, and left alone. */
	PQclear(PQexec(c, "INSERT INTO schema_migrations (version, name) VALUES (9999, 'future')"));
	refused = !migrate_apply(c, &applied, err, sizeof err);
	PQclear(PQexec(c, "DELETE FROM schema_migrations WHERE version = 9999"));
	assert_true(refused);
	assert_non_null(strstr(err, "database schema is version 9999, newer than this jianyid"));
	assert_non_null(strstr(err, "upgrade jianyid"));

	/* Constraints do their job. */
	PGresult *r = PQexec(c, "INSERT INTO organizations (name, kind) VALUES ('x', 'nonsense')");
	assert_int_equal(PQresultStatus(r), PGRES_FATAL_ERROR);
	assert_string_equal(PQresultErrorField(r, PG_DIAG_SQLSTATE), "23514");
	PQclear(r);
	PQfinish(c);
}

/* The versioned schema and the functions files ("One source for each
 * thing" issue, docs/WORKFLOW.md "Where the SQL lives"): an applied
 * versioned file that was edited since is refused at start, naming the
 * file; rows applied before checksums existed get theirs recorded; a
 * functions file is re-applied when its checksum changed, and only then.
 * An edited file is simulated by changing the recorded checksum. */
static void test_sql_checksums(void **state)
{
	char err[512], recorded[80];
	int applied = -1;
	bool refused;
	PGconn *c = connect_db();
	(void)state;

	assert_true(migrate_apply(c, &applied, err, sizeof err));
	snprintf(recorded, sizeof recorded, "%s",
		 sql1(c, "SELECT checksum FROM schema_migrations WHERE version = 3", 0, NULL));
	assert_string_equal(recorded, jy_migrations[2].checksum);

	/* Edited after it was applied: refused, and nothing changes. */
	PQclear(PQexec(c, "UPDATE schema_migrations SET checksum = repeat('0', 64) WHERE version = 3"));
	refused = !migrate_apply(c, &applied, err, sizeof err);
	assert_true(refused);
	assert_non_null(strstr(err, "migration 0003_portal was edited after it was applied"));
	assert_non_null(strstr(err, "server/sql/schema/0003_portal.sql"));
	assert_string_equal(sql1(c, "SELECT checksum FROM schema_migrations WHERE version = 3", 0, NULL),
			    "0000000000000000000000000000000000000000000000000000000000000000");

	/* Applied by a jianyid without checksums: recorded on this start. */
	PQclear(PQexec(c, "UPDATE schema_migrations SET checksum = NULL"));
	assert_true(migrate_apply(c, &applied, err, sizeof err));
	assert_int_equal(applied, 0);
	assert_string_equal(sql1(c, "SELECT checksum FROM schema_migrations WHERE version = 3", 0, NULL),
			    recorded);
	assert_string_equal(sql1(c, "SELECT count(*) FROM schema_migrations WHERE checksum IS NULL",
				 0, NULL), "0");

	/* A functions file whose checksum is unchanged is left alone... */
	assert_string_equal(jy_repeatables[9].name, "09_stats");
	PQclear(PQexec(c, "DROP FUNCTION jy_portal_stats(text)"));
	assert_true(migrate_apply(c, &applied, err, sizeof err));
	assert_string_equal(sql1(c, "SELECT to_regprocedure('jy_portal_stats(text)') IS NULL", 0, NULL), "t");
	/* ...and applied again when it changed. */
	PQclear(PQexec(c, "UPDATE schema_repeatables SET checksum = 'old' WHERE name = '09_stats'"));
	assert_true(migrate_apply(c, &applied, err, sizeof err));
	assert_int_equal(applied, 0);
	assert_string_equal(sql1(c, "SELECT to_regprocedure('jy_portal_stats(text)') IS NULL", 0, NULL), "f");
	assert_string_equal(sql1(c, "SELECT checksum FROM schema_repeatables WHERE name = '09_stats'",
				 0, NULL), jy_repeatables[9].checksum);
	char files[16];
	snprintf(files, sizeof files, "%zu", jy_repeatables_count);
	assert_string_equal(sql1(c, "SELECT count(*) FROM schema_repeatables", 0, NULL), files);
	PQfinish(c);
}

/* ---- the pool ----------------------------------------------------------- */

static const struct db_stmt st_echo = { "t_echo", "SELECT $1::text", 1 };
static const struct db_stmt st_sleep = { "t_sleep", "SELECT pg_sleep($1::float8)", 1 };
static const struct db_stmt st_div0 = { "t_div0", "SELECT 1 / $1::int", 1 };

struct loop {
	struct event_base *base;
	struct db_pool *pool;
	struct event *deadline;
	bool in_query;        /* set around db_query(): callbacks must not see it */
	int pending;          /* answers still expected */
	int ok, unavailable, query_error, other, misplaced, wrong_value;
	char last_sqlstate[8], last_error[256];
	struct timespec last_at;
};

/* Every server statement plus the test's three. */
#define MAX_STMTS 256
static struct db_stmt stmts[MAX_STMTS];
static size_t nstmts;

static void on_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct loop *l = arg;
	(void)fd;
	(void)what;
	event_base_loopbreak(l->base);
}

static void loop_init(struct loop *l, unsigned size)
{
	struct db_pool_config cfg = { .conninfo = pg.conninfo, .size = size, .max_queue = 1000,
				      .connect_timeout_s = 5 };
	memset(l, 0, sizeof *l);
	nstmts = 0;
	assert_true(STMT_COUNT + 3 <= MAX_STMTS);
	for (size_t i = 0; i < STMT_COUNT; i++)
		stmts[nstmts++] = jy_statements[i];
	stmts[nstmts++] = st_echo;
	stmts[nstmts++] = st_sleep;
	stmts[nstmts++] = st_div0;
	l->base = event_base_new();
	l->pool = db_pool_new(l->base, &cfg, stmts, nstmts);
	l->deadline = evtimer_new(l->base, on_deadline, l);
	db_pool_start(l->pool);
}

static void loop_free(struct loop *l)
{
	db_pool_free(l->pool);
	event_free(l->deadline);
	event_base_free(l->base);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Runs the loop until nothing is pending or the deadline passes. */
static void loop_run(struct loop *l, double seconds)
{
	double end = now_s() + seconds;
	while (l->pending > 0 && now_s() < end) {
		struct timeval tv = { 0, 50 * 1000 };
		event_add(l->deadline, &tv);
		event_base_loop(l->base, EVLOOP_ONCE);
	}
}

/* Runs the loop for that long whatever is pending. */
static void loop_spin(struct loop *l, double seconds)
{
	double end = now_s() + seconds;
	while (now_s() < end) {
		struct timeval tv = { 0, 20 * 1000 };
		event_add(l->deadline, &tv);
		event_base_loop(l->base, EVLOOP_ONCE);
	}
}

static void on_result(const struct db_result *r, void *arg)
{
	struct loop *l = arg;
	if (l->in_query)
		l->misplaced++;
	l->pending--;
	switch (r->outcome) {
	case DB_OK: l->ok++; break;
	case DB_UNAVAILABLE: l->unavailable++; break;
	case DB_QUERY_ERROR: l->query_error++; break;
	default: l->other++; break;
	}
	snprintf(l->last_sqlstate, sizeof l->last_sqlstate, "%s", r->sqlstate);
	snprintf(l->last_error, sizeof l->last_error, "%s", r->error);
	clock_gettime(CLOCK_MONOTONIC, &l->last_at);
}

struct echo { struct loop *l; char want[16]; };

static void on_echo(const struct db_result *r, void *arg)
{
	struct echo *e = arg;
	if (r->outcome == DB_OK &&
	    (PQntuples(r->res) != 1 || strcmp(PQgetvalue(r->res, 0, 0), e->want) != 0))
		e->l->wrong_value++;
	on_result(r, e->l);
}

static void query(struct loop *l, const struct db_stmt *s, const char *param, db_result_cb cb,
		  void *arg)
{
	const char *p[1] = { param };
	l->in_query = true;
	bool accepted = db_query(l->pool, s, p, cb, arg);
	l->in_query = false;
	assert_true(accepted);
	l->pending++;
}

static void wait_ready(struct loop *l, unsigned want, double seconds)
{
	struct db_pool_stats st;
	double end = now_s() + seconds;
	do {
		struct timeval tv = { 0, 50 * 1000 };
		event_add(l->deadline, &tv);
		event_base_loop(l->base, EVLOOP_ONCE);
		db_pool_get_stats(l->pool, &st);
	} while (st.ready < want && now_s() < end);
	assert_int_equal(st.ready, want);
}

static void test_pool_answers(void **state)
{
	enum { N = 200 };
	static struct echo echoes[N];
	struct loop l;
	struct db_pool_stats st;
	(void)state;

	loop_init(&l, 3);
	/* Queued before any connection is up: they wait, they do not fail. */
	for (int i = 0; i < N; i++) {
		echoes[i].l = &l;
		snprintf(echoes[i].want, sizeof echoes[i].want, "v%d", i);
		query(&l, &st_echo, echoes[i].want, on_echo, &echoes[i]);
	}
	query(&l, &jy_statements[STMT_PING_DB], NULL, on_result, &l);
	query(&l, &jy_statements[STMT_IDENTITY_BY_CERT], "00", on_result, &l);
	loop_run(&l, 20);
	assert_int_equal(l.pending, 0);
	assert_int_equal(l.ok, N + 2);
	assert_int_equal(l.wrong_value, 0);
	assert_int_equal(l.misplaced, 0);
	wait_ready(&l, 3, 10);  /* the last one may still be preparing */
	db_pool_get_stats(l.pool, &st);
	assert_int_equal(st.connections, 3);
	assert_int_equal(st.queued, 0);
	assert_int_equal(st.queries_ok, N + 2);

	/* A statement error reaches the caller with its SQLSTATE, and the
	 * connection stays usable. */
	query(&l, &st_div0, "0", on_result, &l);
	loop_run(&l, 10);
	assert_int_equal(l.query_error, 1);
	assert_string_equal(l.last_sqlstate, "22012");
	assert_non_null(strstr(l.last_error, "division by zero"));
	query(&l, &st_div0, "1", on_result, &l);
	loop_run(&l, 10);
	assert_int_equal(l.ok, N + 3);

	/* Freeing the pool fails what is still pending with DB_SHUTDOWN. */
	query(&l, &st_sleep, "5", on_result, &l);
	query(&l, &st_echo, "x", on_result, &l);
	db_pool_free(l.pool);
	l.pool = NULL;
	assert_int_equal(l.other, 2);
	assert_int_equal(l.pending, 0);
	event_free(l.deadline);
	event_base_free(l.base);
}

struct outage { struct loop *l; bool stopped; };

static void stop_cluster_cb(evutil_socket_t fd, short what, void *arg)
{
	struct outage *o = arg;
	(void)fd;
	(void)what;
	o->stopped = pg_ctl("stop", "immediate") == 0;
}

static void test_pool_outage(void **state)
{
	struct loop l;
	struct outage o = { &l, false };
	struct db_pool_stats st;
	struct embedded_pg again;
	char err[1024];
	double t0;
	(void)state;

	loop_init(&l, 2);
	wait_ready(&l, 2, 10);

	/* Two long queries in flight, then the server dies under them. */
	query(&l, &st_sleep, "30", on_result, &l);
	query(&l, &st_sleep, "30", on_result, &l);
	struct event *kill = evtimer_new(l.base, stop_cluster_cb, &o);
	struct timeval tv = { 0, 300 * 1000 };
	evtimer_add(kill, &tv);
	t0 = now_s();
	loop_run(&l, 15);
	event_free(kill);
	assert_true(o.stopped);
	assert_int_equal(l.pending, 0);
	assert_int_equal(l.unavailable, 2);
	assert_true(now_s() - t0 < 10);
	assert_non_null(strstr(l.last_error, "database unavailable"));

	/* Let the pool notice every connection is gone, then new queries fail
	 * promptly instead of hanging. */
	/* (1.5 s: the back-off has grown past that, so the answer cannot come
	 * from a reconnect attempt failing by chance.) */
	loop_spin(&l, 1.5);
	t0 = now_s();
	query(&l, &jy_statements[STMT_PING_DB], NULL, on_result, &l);
	loop_run(&l, 5);
	assert_int_equal(l.pending, 0);
	assert_int_equal(l.unavailable, 3);
	assert_true(now_s() - t0 < 0.05);
	assert_int_equal(l.misplaced, 0);

	/* Bring the cluster back; the pool recovers on its own. */
	assert_true(embedded_pg_start(&again, data_dir, pg.bindir, err, sizeof err));
	embedded_pg_free(&again);
	t0 = now_s();
	int before_ok = l.ok;
	while (l.ok == before_ok && now_s() - t0 < 15) {
		query(&l, &jy_statements[STMT_PING_DB], NULL, on_result, &l);
		loop_run(&l, 5);
		if (l.ok == before_ok)
			loop_spin(&l, 0.2);
	}
	assert_int_equal(l.ok, before_ok + 1);
	assert_true(now_s() - t0 < 10);
	wait_ready(&l, 2, 10);
	db_pool_get_stats(l.pool, &st);
	assert_true(st.reconnects > 0);
	assert_int_equal(l.misplaced, 0);
	loop_free(&l);
}

/* ---- admin -------------------------------------------------------------- */

static void test_admin(void **state)
{
	char cert[256], cert2[256], expired[256], batch_bad[256], batch_ok[256];
	FILE *f;
	PGconn *c;
	(void)state;

	snprintf(cert, sizeof cert, "%s/t.pem", tmpdir);
	snprintf(cert2, sizeof cert2, "%s/t2.pem", tmpdir);
	snprintf(expired, sizeof expired, "%s/old.pem", tmpdir);
	make_cert(cert, "t", -60, 30L * 86400);
	make_cert(cert2, "t2", -60, 30L * 86400);
	make_cert(expired, "old", -7200, -3600);

	assert_int_equal(admin("migrate", NULL), 0);
	assert_int_equal(admin("org-add", "--name", "County Office", "--kind", "administration", NULL), 0);
	assert_int_equal(admin("org-add", "--name", "Unit A", "--kind", "handling_unit",
			       "--parent", "County Office", NULL), 0);
	/* Usage errors: 2; data errors: 1. */
	assert_int_equal(admin("org-add", "--name", "Y", "--kind", "bogus", NULL), 2);
	assert_int_equal(admin("org-add", "--name", "Y", "--kind", NULL), 2);
	assert_int_equal(admin("org-add", "--name", "Y", "--kind", "handling_unit", "--color", "red", NULL), 2);
	assert_int_equal(admin("org-add", "--name", "Y", "--kind", "handling_unit", "--parent", "Nowhere", NULL), 1);
	assert_int_equal(admin("org-add", "--name", "Unit A", "--kind", "handling_unit", NULL), 1);
	assert_int_equal(admin("org-add", "--help", NULL), 0);

	assert_int_equal(admin("account-add", "--login", "admin1", "--name", "First Admin",
			       "--org", "County Office", "--roles", "admin,leader", "--cert", cert, NULL), 0);
	assert_int_equal(admin("account-add", "--login", "admin1", "--name", "Again",
			       "--org", "County Office", "--roles", "admin", NULL), 1);
	assert_int_equal(admin("account-add", "--login", "Bad Login", "--name", "x",
			       "--org", "County Office", "--roles", "admin", NULL), 2);
	assert_int_equal(admin("account-add", "--login", "x2", "--name", "x",
			       "--org", "County Office", "--roles", "admin,wizard", NULL), 2);
	/* The same certificate for a second account: refused, and the account
	 * is not half-created. */
	assert_int_equal(admin("account-add", "--login", "admin2", "--name", "Second",
			       "--org", "County Office", "--roles", "admin", "--cert", cert, NULL), 1);
	assert_int_equal(admin("account-add", "--login", "admin3", "--name", "Third",
			       "--org", "County Office", "--roles", "unit_clerk", NULL), 0);
	assert_int_equal(admin("cert-bind", "--login", "admin3", "--cert", expired, NULL), 1);
	assert_int_equal(admin("cert-bind", "--login", "admin3", "--cert", cert2, NULL), 0);
	assert_int_equal(admin("cert-bind", "--login", "nobody", "--cert", cert2, NULL), 1);

	c = connect_db();
	assert_string_equal(sql1(c, "SELECT count(*) FROM accounts WHERE login = 'admin2'", 0, NULL), "0");
	const char *admin1[] = { "admin1" };
	const char *sha = sql1(c, "SELECT c.sha256 FROM certificates c JOIN accounts a ON a.id = c.account_id"
				  " WHERE a.login = $1", 1, admin1);
	char sha1[65];
	snprintf(sha1, sizeof sha1, "%s", sha);
	assert_int_equal(strlen(sha1), 64);
	assert_string_equal(sql1(c, "SELECT subject FROM certificates WHERE sha256 = $1", 1,
				 (const char *[]){ sha1 }), "CN=t");

	/* The identity statement the server uses. */
	PGresult *r = PQexecParams(c, jy_statements[STMT_IDENTITY_BY_CERT].sql, 1, NULL, (const char *[]){ sha1 },
				   NULL, NULL, 0);
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	assert_int_equal(PQntuples(r), 1);
	assert_int_equal(PQnfields(r), SQL_IDENTITY_NCOLS);
	assert_string_equal(PQgetvalue(r, 0, SQL_IDENTITY_LOGIN), "admin1");
	assert_string_equal(PQgetvalue(r, 0, SQL_IDENTITY_ROLES), "admin,leader");
	assert_string_equal(PQgetvalue(r, 0, SQL_IDENTITY_ORG_KIND), "administration");
	assert_string_equal(PQgetvalue(r, 0, SQL_IDENTITY_DISABLED), "f");
	assert_string_equal(PQgetvalue(r, 0, SQL_IDENTITY_REVOKED), "f");
	PQclear(r);

	assert_int_equal(admin("account-disable", "--login", "admin1", NULL), 0);
	assert_int_equal(admin("account-disable", "--login", "ghost", NULL), 1);
	assert_int_equal(admin("cert-revoke", "--cert", cert, NULL), 0);
	assert_int_equal(admin("cert-revoke", "--sha256", sha1, NULL), 1);   /* already */
	assert_int_equal(admin("cert-revoke", "--sha256", "abc", NULL), 2);
	assert_string_equal(sql1(c, "SELECT a.disabled::text || (c.revoked_at IS NOT NULL)::text"
				    " FROM certificates c JOIN accounts a ON a.id = c.account_id"
				    " WHERE c.sha256 = $1", 1, (const char *[]){ sha1 }), "truetrue");
	assert_int_equal(admin("account-enable", "--login", "admin1", NULL), 0);
	assert_int_equal(admin("list-accounts", NULL), 0);

	/* batch: all or nothing. */
	snprintf(batch_bad, sizeof batch_bad, "%s/bad.txt", tmpdir);
	snprintf(batch_ok, sizeof batch_ok, "%s/ok.txt", tmpdir);
	f = fopen(batch_bad, "w");
	assert_non_null(f);
	fprintf(f, "# demo load\n\norg-add --name \"Station \\\"North\\\"\" --kind liaison_station\n"
		   "deputy-add --name Wang --term 18 --station \"Station \\\"North\\\"\"\n"
		   "org-add --name Broken --kind nonsense\n");
	fclose(f);
	assert_int_equal(admin("batch", batch_bad, NULL), 1);
	assert_string_equal(sql1(c, "SELECT count(*) FROM organizations WHERE name LIKE 'Station%'", 0, NULL), "0");
	assert_string_equal(sql1(c, "SELECT count(*) FROM deputies", 0, NULL), "0");

	f = fopen(batch_ok, "w");
	assert_non_null(f);
	fprintf(f, "org-add --name \"Station \\\"North\\\"\" --kind liaison_station  # a comment\n"
		   "deputy-add --name Wang --term 18 --station \"Station \\\"North\\\"\" --phone 123\n"
		   "\n   # the deputy's own account comes next, outside the batch\n");
	fclose(f);
	assert_int_equal(admin("batch", batch_ok, NULL), 0);
	assert_string_equal(sql1(c, "SELECT o.name FROM deputies d JOIN organizations o"
				    " ON o.id = d.organization_id WHERE d.name = 'Wang'", 0, NULL),
			    "Station \"North\"");
	char wang[32];
	snprintf(wang, sizeof wang, "%s", sql1(c, "SELECT id FROM deputies WHERE name = 'Wang'", 0, NULL));
	assert_int_equal(admin("account-add", "--login", "wang", "--name", "Wang Wu", "--org",
			       "Station \"North\"", "--roles", "deputy", "--deputy", wang, NULL), 0);
	assert_int_equal(admin("account-add", "--login", "wang2", "--name", "Wang Wu", "--org",
			       "Station \"North\"", "--roles", "deputy", "--deputy", "999999", NULL), 1);
	assert_string_equal(sql1(c, "SELECT deputy_id FROM accounts WHERE login = 'wang'", 0, NULL), wang);
	PQfinish(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_migrations),
		cmocka_unit_test(test_sql_checksums),
		cmocka_unit_test(test_pool_answers),
		cmocka_unit_test(test_admin),
		cmocka_unit_test(test_pool_outage),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
