/* Start-up order and database timeouts (the project's "Fixes" issue, item
 * 16): every statement has a statement_timeout, migrations a lock_timeout
 * with retries, and the listeners are bound (addresses checked) before any
 * migration runs: a bad --listen is exit 2 and touches nothing, and so is
 * a bad setting for running behind a balancer (proxy_protocol, proxy_from,
 * a ticket_key_file that is missing, short or open to others). Real
 * PostgreSQL, real jianyid over real TLS. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <cmocka.h>
#include <libpq-fe.h>

#include "harness.h"

static struct harness H;

static int setup(void **state)
{
	(void)state;
	harness_init(&H);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	harness_cleanup(&H);
	return 0;
}

static const char *jianyid_path(void)
{
	const char *p = getenv("JIANYID");
	return p && *p ? p : "jianyid";
}

/* Runs argv (NULL-terminated) with stderr to log; its exit status. */
static int run(char *const argv[], const char *log)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(fd, 2) < 0 || dup2(fd, 1) < 0)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* jianyid with its own (embedded) data directory, which must not exist yet,
 * and the given addresses; its exit status. */
static int start_with(const char *listen, const char *http_listen, const char *data_dir,
		      const char *log)
{
	char cert[320], key[320], ca[320];
	snprintf(cert, sizeof cert, "%s/server.crt", H.pki);
	snprintf(key, sizeof key, "%s/server.key", H.pki);
	snprintf(ca, sizeof ca, "%s/ca.crt", H.pki);
	char *argv[] = { (char *)jianyid_path(), "--listen", (char *)listen,
			 "--http-listen", (char *)http_listen, "--cert", cert, "--key", key,
			 "--ca", ca, "--data-dir", (char *)data_dir, NULL };
	return run(argv, log);
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* A port that something else listens on. */
static int busy_port(int *fd_out)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(fd, 1), 0);
	socklen_t len = sizeof a;
	getsockname(fd, (struct sockaddr *)&a, &len);
	*fd_out = fd;
	return ntohs(a.sin_port);
}

/* The issue: "a bad --listen is exit 2 and touches nothing" (no data
 * directory made, no cluster started, nothing migrated). */
static void bad_listen_exits_2_before_the_database(void **state)
{
	(void)state;
	int fd;
	int port = busy_port(&fd);
	char busy[64], data[320], log[320];
	snprintf(busy, sizeof busy, "127.0.0.1:%d", port);
	const struct { const char *listen, *http; } cases[] = {
		{ "192.0.2.1:7443", "off" },        /* not an address of this machine */
		{ "127.0.0.1:99999", "off" },       /* no such port */
		{ busy, "off" },                    /* in use */
		{ "127.0.0.1:0", busy },            /* the HTTP side's port in use */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(data, sizeof data, "%s/never-%zu", H.dir, i);
		snprintf(log, sizeof log, "%s/bad-listen-%zu.log", H.dir, i);
		uint64_t t0 = harness_now_ms();
		int rc = start_with(cases[i].listen, cases[i].http, data, log);
		printf("--listen %s --http-listen %s: exit %d after %llu ms, data dir %s\n",
		       cases[i].listen, cases[i].http, rc,
		       (unsigned long long)(harness_now_ms() - t0), exists(data) ? "made" : "untouched");
		assert_int_equal(rc, 2);
		assert_false(exists(data));
		assert_true(harness_file_has(log, "listen"));
	}
	close(fd);
}

/* Behind a balancer: each bad setting is exit 2 naming it, before the
 * database is touched. */
static void bad_balance_settings_exit_2(void **state)
{
	(void)state;
	char keys[320], short_keys[320], open_keys[320];
	snprintf(keys, sizeof keys, "%s/ticket.key", H.dir);
	snprintf(short_keys, sizeof short_keys, "%s/short.key", H.dir);
	snprintf(open_keys, sizeof open_keys, "%s/open.key", H.dir);
	static const uint8_t zero[160];
	const struct { const char *path; size_t len; mode_t mode; } files[] = {
		{ keys, 80, 0600 }, { short_keys, 40, 0600 }, { open_keys, 80, 0644 },
	};
	for (size_t i = 0; i < 3; i++) {
		int fd = open(files[i].path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, zero, files[i].len), (ssize_t)files[i].len);
		assert_int_equal(fchmod(fd, files[i].mode), 0);
		close(fd);
	}
	char missing[340];
	snprintf(missing, sizeof missing, "%s/none.key", H.dir);
	const struct { const char *server, *ticket_file, *says; } cases[] = {
		{ "proxy_protocol = v1", NULL, "server.proxy_protocol: 'v1' is not off or v2" },
		{ "proxy_protocol = v2\nproxy_from = 10.0.0.0/33", NULL, "server.proxy_from" },
		{ "proxy_from = balancer.example", NULL, "'balancer.example' is not an IPv4" },
		{ "[http]\nproxy_protocol = v1", NULL, "http.proxy_protocol: 'v1' is not off or v2" },
		{ "[http]\nproxy_protocol = v2\nproxy_from = 10.0.0.0/33", NULL, "http.proxy_from" },
		{ "[database]\nread_conninfo = host=a dbname", NULL,
		  "database.read_conninfo is not a libpq connection string" },
		{ "[database]\nread_max_lag = 0", NULL, "database.read_max_lag" },
		{ "", missing, "No such file" },
		{ "", short_keys, "holds 40 bytes" },
		{ "", open_keys, "chmod 600" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char ini[320], data[320], log[320];
		snprintf(ini, sizeof ini, "%s/balance-%zu.ini", H.dir, i);
		snprintf(data, sizeof data, "%s/never-balance-%zu", H.dir, i);
		snprintf(log, sizeof log, "%s/balance-%zu.log", H.dir, i);
		FILE *f = fopen(ini, "w");
		assert_non_null(f);
		fprintf(f, "[server]\nlisten = 127.0.0.1:0\nhttp_listen = off\nmetrics_listen = off\n%s\n"
			"[tls]\ncert = %s/server.crt\nkey = %s/server.key\nca = %s/ca.crt\n"
			"ticket_key_file = %s\n[embedded]\ndata_dir = %s\n",
			cases[i].server, H.pki, H.pki, H.pki,
			cases[i].ticket_file ? cases[i].ticket_file : keys, data);
		fclose(f);
		char *argv[] = { (char *)jianyid_path(), "--config", ini, NULL };
		int rc = run(argv, log);
		if (rc != 2 || !harness_file_has(log, cases[i].says))
			fail_msg("case %zu: exit %d; %s should say \"%s\"", i, rc, log, cases[i].says);
		assert_false(exists(data));
	}
}

static PGconn *pg_connect(void)
{
	PGconn *c = PQconnectdb(H.pg.conninfo);
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	return c;
}

static void pg_must(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
}

static int inbox(struct jy_client *c, struct jy_error *e)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__InboxRequest in = JIANYI__INBOX_REQUEST__INIT;
	in.limit = 10;
	req.body_case = JIANYI__REQUEST__BODY_INBOX;
	req.inbox = &in;
	Jianyi__Envelope *resp = NULL;
	bool ok = jy_call(c, &req, &resp, e);
	jy_envelope_free(resp);
	return ok ? 0 : e->code;
}

/* The issue: "every statement has a statement_timeout"; a request stuck on
 * a lock held elsewhere is answered with a retryable error within it
 * instead of hanging, and the server serves it once the lock is gone. */
static void request_behind_a_lock_times_out(void **state)
{
	(void)state;
	struct server_proc sp;
	server_start(&H, &sp, "[database]\nstatement_timeout = 1");
	struct jy_client *c = client_connect(&H, &sp, "alice");
	struct jy_error e = { 0 };
	assert_int_equal(inbox(c, &e), 0);

	PGconn *locker = pg_connect();
	pg_must(locker, "BEGIN");
	pg_must(locker, "LOCK TABLE notice_recipients IN ACCESS EXCLUSIVE MODE");
	uint64_t t0 = harness_now_ms();
	int code = inbox(c, &e);
	uint64_t ms = harness_now_ms() - t0;
	printf("inbox behind a lock: code %d after %llu ms: %s\n", code, (unsigned long long)ms,
	       e.message);
	assert_int_equal(code, JIANYI__STATUS_CODE__STATUS_DEADLINE_EXCEEDED);
	assert_non_null(strstr(e.message, "statement_timeout"));
	assert_true(ms < (uint64_t)3000 * harness_time_scale());
	pg_must(locker, "ROLLBACK");
	PQfinish(locker);

	assert_int_equal(inbox(c, &e), 0);
	jy_close(c);
	assert_int_equal(server_stop(&sp, SIGTERM, 10000), 0);
}

/* The issue: "migrations a lock_timeout with retries ... and a clear log
 * line": a migration that cannot get a table's lock gives up after
 * migration_lock_timeout, says so, and succeeds once the lock is free. */
static void migration_waits_with_lock_timeout_and_retries(void **state)
{
	(void)state;
	char ini[320], log[320];
	snprintf(ini, sizeof ini, "%s/migrate.ini", H.dir);
	snprintf(log, sizeof log, "%s/migrate.log", H.dir);
	FILE *f = fopen(ini, "w");
	assert_non_null(f);
	fprintf(f, "[database]\nconninfo = %s\nmigration_lock_timeout = 1\n", H.pg.conninfo);
	fclose(f);

	PGconn *locker = pg_connect();
	pg_must(locker, "BEGIN");
	pg_must(locker, "LOCK TABLE schema_migrations IN ACCESS EXCLUSIVE MODE");
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *argv[] = { (char *)jianyid_path(), "admin", "--config", ini, "migrate", NULL };
		_exit(run(argv, log));
	}
	usleep(2500 * 1000); /* two lock timeouts */
	pg_must(locker, "ROLLBACK");
	PQfinish(locker);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_true(harness_file_has(log, "event=migration_lock_timeout attempt=1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bad_listen_exits_2_before_the_database),
		cmocka_unit_test(bad_balance_settings_exit_2),
		cmocka_unit_test(request_behind_a_lock_times_out),
		cmocka_unit_test(migration_waits_with_lock_timeout_and_retries),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
