#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <openssl/err.h>

#include "enum_names.h"
#include "frame.h"
#include "protocol.h"
#include "tls.h"

extern char **environ;

static void exit_on_sanitizer_report(void);

uint64_t harness_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);
	return v && *v ? v : fallback;
}

bool harness_valgrind(void)
{
	const char *v = getenv("JIANYI_VALGRIND");
	return v && *v;
}

int harness_time_scale(void)
{
	int n = atoi(env_or("JIANYI_TIME_SCALE", "1"));
	return n > 1 ? n : 1;
}

/* Fills argv with JIANYI_VALGRIND split at spaces, then a log file under
 * dir (%p: valgrind keeps the process's pid); returns the count. */
static int valgrind_argv(const char *dir, char **argv, int max)
{
	static char words[1024];
	static char logopt[340];
	snprintf(words, sizeof words, "%s", env_or("JIANYI_VALGRIND", ""));
	int n = 0;
	for (char *save = NULL, *w = strtok_r(words, " ", &save); w && n < max - 1;
	     w = strtok_r(NULL, " ", &save))
		argv[n++] = w;
	snprintf(logopt, sizeof logopt, "--log-file=%s/valgrind-%%p.log", dir);
	argv[n++] = logopt;
	return n;
}

const char *harness_cli(struct harness *h)
{
	static char cmd[1536];
	const char *cli = env_or("JIANYI_CLI", "jianyi");
	if (!harness_valgrind())
		return cli;
	snprintf(cmd, sizeof cmd, "%s --log-file=%s/valgrind-%%p.log %s",
		 getenv("JIANYI_VALGRIND"), h->dir, cli);
	return cmd;
}

void harness_cli_env(struct harness *h, const struct cli_call *c, char *buf, size_t len)
{
	int port = c->port ? c->port : (c->sp ? c->sp->port : 0);
	/* English unless c->env names another locale (test_cli_zh.c) */
	snprintf(buf, len,
		 "LC_ALL= LC_MESSAGES= LANGUAGE= LANG=C.UTF-8 %s%sJIANYI_SERVER=127.0.0.1:%d JIANYI_CA=%s/ca.crt JIANYI_CERT=%s/%s.crt "
		 "JIANYI_KEY=%s/%s.key JIANYI_MIRROR=%s XDG_CONFIG_HOME=/nonexistent",
		 c->env ? c->env : "", c->env ? " " : "", port, h->pki, h->pki, c->who, h->pki,
		 c->who, c->mirror ? c->mirror : "");
}

/* The file's first len - 1 bytes into buf (NUL-terminated); nothing when
 * buf is NULL. */
static void read_into(const char *path, char *buf, size_t len)
{
	if (!buf || len == 0)
		return;
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, len - 1, f) : 0;
	buf[n] = '\0';
	if (f)
		fclose(f);
}

int harness_cli_run(struct harness *h, const struct cli_call *c, const char *args,
		    char *out, size_t outlen, char *err, size_t errlen)
{
	char env[2048], outfile[300], errfile[300];
	harness_cli_env(h, c, env, sizeof env);
	snprintf(outfile, sizeof outfile, "%s/cli.out", h->dir);
	snprintf(errfile, sizeof errfile, "%s/cli.err", h->dir);
	size_t cmdlen = strlen(env) + strlen(harness_cli(h)) + strlen(args) + 2 * sizeof outfile + 32;
	char *cmd = malloc(cmdlen);
	if (!cmd)
		fail_msg("out of memory");
	snprintf(cmd, cmdlen, "%s %s %s >%s 2>%s </dev/null", env, harness_cli(h), args, outfile,
		 errfile);
	int st = system(cmd);
	free(cmd);
	read_into(outfile, out, outlen);
	read_into(errfile, err, errlen);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void tail_file(const char *path, long max_lines)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char line[1024];
	long lines = 0;
	while (fgets(line, sizeof line, f))
		lines++;
	rewind(f);
	long skip = lines > max_lines ? lines - max_lines : 0;
	fprintf(stderr, "---- %s (last lines) ----\n", path);
	while (fgets(line, sizeof line, f))
		if (skip-- <= 0)
			fputs(line, stderr);
	fclose(f);
}

/* Runs argv with stdout/stderr appended to log; returns the exit status. */
static int run_logged(char *const argv[], const char *log)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(rc));
		return -1;
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void harness_must_run(struct harness *h, char *const argv[])
{
	char log[320];
	snprintf(log, sizeof log, "%s/commands.log", h->dir);
	int rc = run_logged(argv, log);
	if (rc != 0) {
		tail_file(log, 40);
		fail_msg("command %s %s failed with status %d", argv[0], argv[1] ? argv[1] : "", rc);
	}
}

static void pki(struct harness *h, const char *dir, const char *a1, const char *a2,
		const char *a3, const char *a4)
{
	char script[512];
	snprintf(script, sizeof script, "%s/deploy/pki", env_or("JIANYI_SOURCE_ROOT", "."));
	char *argv[] = { script, (char *)a1, (char *)dir, (char *)a2, (char *)a3, (char *)a4, NULL };
	harness_must_run(h, argv);
}

int harness_admin(struct harness *h, ...)
{
	char *argv[96];
	int n = harness_valgrind() ? valgrind_argv(h->dir, argv, 32) : 0;
	argv[n++] = (char *)env_or("JIANYID", "jianyid");
	argv[n++] = "admin";
	argv[n++] = "--database";
	argv[n++] = h->pg.conninfo;
	va_list ap;
	va_start(ap, h);
	const char *a;
	while ((a = va_arg(ap, const char *)) != NULL && n < 95)
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n] = NULL;
	char log[320];
	snprintf(log, sizeof log, "%s/commands.log", h->dir);
	return run_logged(argv, log);
}

void harness_pg_start(struct harness *h)
{
	char err[1024], data[300];
	snprintf(data, sizeof data, "%s/db", h->dir);
	embedded_pg_free(&h->pg);
	memset(&h->pg, 0, sizeof h->pg);
	if (!embedded_pg_start(&h->pg, data, NULL, err, sizeof err))
		fail_msg("cannot start PostgreSQL: %s", err);
	h->pg_running = true;
}

void harness_pg_stop(struct harness *h)
{
	char pg_ctl[512];
	snprintf(pg_ctl, sizeof pg_ctl, "%s/pg_ctl", h->pg.bindir);
	char *as_user[] = { "/usr/sbin/runuser", "-u", "postgres", "--", pg_ctl, "-D", h->pg.pgdata,
			    "-m", "immediate", "-w", "stop", NULL };
	char *direct[] = { pg_ctl, "-D", h->pg.pgdata, "-m", "immediate", "-w", "stop", NULL };
	harness_must_run(h, geteuid() == 0 ? as_user : direct);
	h->pg_running = false;
}

void harness_init(struct harness *h)
{
	static bool registered;
	if (!registered && atexit(exit_on_sanitizer_report) == 0)
		registered = true;
	memset(h, 0, sizeof *h);
	snprintf(h->dir, sizeof h->dir, "/tmp/jianyi-it-XXXXXX");
	if (!mkdtemp(h->dir))
		fail_msg("mkdtemp: %s", strerror(errno));
	chmod(h->dir, 0755); /* the postgres user must reach the cluster below */
	snprintf(h->pki, sizeof h->pki, "%s/pki", h->dir);
	char other[300];
	snprintf(other, sizeof other, "%s/pki-other", h->dir);

	pki(h, h->pki, "ca", NULL, NULL, NULL);
	pki(h, h->pki, "server", "server", NULL, NULL);
	const char *clients[] = { "alice", "bob", "carol", "dave", "stranger" };
	for (size_t i = 0; i < sizeof clients / sizeof clients[0]; i++)
		pki(h, h->pki, "client", clients[i], NULL, NULL);
	pki(h, h->pki, "client", "expired", "--expired", NULL);
	pki(h, other, "ca", NULL, NULL, NULL);
	pki(h, other, "client", "foreign", NULL, NULL);
	/* The foreign certificate lives with ours so client_opts finds it. */
	char *cp[] = { "/bin/cp", NULL, NULL, (char *)h->pki, NULL };
	char src[320];
	snprintf(src, sizeof src, "%s/foreign.crt", other);
	cp[1] = src;
	char src2[320];
	snprintf(src2, sizeof src2, "%s/foreign.key", other);
	cp[2] = src2;
	harness_must_run(h, cp);

	harness_pg_start(h);

	char batch[320];
	snprintf(batch, sizeof batch, "%s/accounts.batch", h->dir);
	FILE *f = fopen(batch, "w");
	assert_non_null(f);
	fprintf(f,
		"org-add --name 联工委 --kind liaison_committee\n"
		"org-add --name 县教育局 --kind handling_unit\n"
		"account-add --login alice --name 李丽 --org 联工委 --roles liaison_officer,admin --cert %1$s/alice.crt\n"
		"account-add --login bob --name 王波 --org 县教育局 --roles unit_clerk --cert %1$s/bob.crt\n"
		"account-add --login carol --name 陈卡 --org 县教育局 --roles unit_head --cert %1$s/carol.crt\n"
		"account-add --login dave --name 戴维 --org 县教育局 --roles unit_clerk --cert %1$s/dave.crt\n"
		"cert-revoke --cert %1$s/carol.crt\n"
		"account-disable --login dave\n",
		h->pki);
	fclose(f);
	int rc = harness_admin(h, "batch", batch, NULL);
	if (rc != 0) {
		char log[320];
		snprintf(log, sizeof log, "%s/commands.log", h->dir);
		tail_file(log, 40);
		fail_msg("loading accounts failed (%d)", rc);
	}
}

void harness_client_cert(struct harness *h, const char *who)
{
	pki(h, h->pki, "client", who, NULL, NULL);
}

void harness_client_cert_key(struct harness *h, const char *who, const char *key_type)
{
	pki(h, h->pki, "client", who, "--key-type", key_type);
}

void harness_batch(struct harness *h, const char *text)
{
	static int n;
	char batch[320];
	snprintf(batch, sizeof batch, "%s/extra-%d.batch", h->dir, ++n);
	FILE *f = fopen(batch, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	int rc = harness_admin(h, "batch", batch, NULL);
	if (rc != 0) {
		char log[320];
		snprintf(log, sizeof log, "%s/commands.log", h->dir);
		tail_file(log, 40);
		fail_msg("loading batch %s failed (%d)", batch, rc);
	}
}

/* Servers a test started and has not stopped (a failed assertion leaves the
 * test early): harness_cleanup kills them. Pids, not pointers: a test's
 * server_proc may live on its stack. */
static pid_t started[64];

static void track_server(pid_t pid, bool add)
{
	for (size_t i = 0; i < sizeof started / sizeof started[0]; i++) {
		if (add && started[i] == 0) {
			started[i] = pid;
			return;
		}
		if (!add && started[i] == pid) {
			started[i] = 0;
			return;
		}
	}
}

static void stop_leftover_servers(void)
{
	for (size_t i = 0; i < sizeof started / sizeof started[0]; i++) {
		if (started[i] > 0) {
			kill(started[i], SIGKILL);
			waitpid(started[i], NULL, 0);
			started[i] = 0;
		}
	}
}

static bool sanitizer_report(const char *path);
static bool sanitizer_reported;

/* cmocka does not count a failure in a group teardown (where servers are
 * usually stopped) in its exit status: a sanitizer report still fails the
 * test program. */
static void exit_on_sanitizer_report(void)
{
	if (sanitizer_reported) {
		fflush(stdout);
		fflush(stderr);
		_exit(1);
	}
}

void harness_teardown(struct harness *h, struct server_proc *sp)
{
	if (sp->pid > 0)
		server_stop(sp, SIGTERM, 10000);
	harness_cleanup(h);
}

void harness_cleanup(struct harness *h)
{
	stop_leftover_servers();
	/* Servers stopped by the test, the ones killed just now, and the
	 * admin commands (commands.log). */
	bool reports = false;
	char pattern[320];
	snprintf(pattern, sizeof pattern, "%s/*.log", h->dir);
	glob_t g;
	if (h->dir[0] && glob(pattern, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			reports |= sanitizer_report(g.gl_pathv[i]);
		globfree(&g);
	}
	if (h->pg_running)
		embedded_pg_stop(&h->pg);
	embedded_pg_free(&h->pg);
	if (!getenv("JIANYI_KEEP_TMP") && !reports && h->dir[0]) {
		char *rm[] = { "/bin/rm", "-rf", h->dir, NULL };
		run_logged(rm, "/dev/null");
	} else {
		fprintf(stderr, "kept %s\n", h->dir);
	}
	if (reports)
		fail_msg("a sanitizer or valgrind reported an error in a jianyid or jianyi process "
			 "(logs kept in %s)", h->dir);
}

static int server_counter;

/* The port in a ready file ("host:port"), 0 if there is none (that
 * listener is off). */
static int read_ready_port(const char *path)
{
	int port = 0;
	FILE *f = fopen(path, "r");
	char line[128];
	if (f && fgets(line, sizeof line, f)) {
		char *colon = strrchr(line, ':');
		port = colon ? atoi(colon + 1) : 0;
	}
	if (f)
		fclose(f);
	return port;
}



void server_start(struct harness *h, struct server_proc *sp, const char *extra)
{
	memset(sp, 0, sizeof *sp);
	int n = ++server_counter;
	char ini[320];
	snprintf(ini, sizeof ini, "%s/server-%d.ini", h->dir, n);
	snprintf(sp->log, sizeof sp->log, "%s/server-%d.log", h->dir, n);
	snprintf(sp->ready, sizeof sp->ready, "%s/server-%d.ready", h->dir, n);
	snprintf(sp->http_ready, sizeof sp->http_ready, "%s/server-%d.http-ready", h->dir, n);
	snprintf(sp->metrics_ready, sizeof sp->metrics_ready, "%s/server-%d.metrics-ready", h->dir, n);
	FILE *f = fopen(ini, "w");
	assert_non_null(f);
	fprintf(f,
		"[server]\nlisten = 127.0.0.1:0\nhttp_listen = 127.0.0.1:0\nmetrics_listen = 127.0.0.1:0\n"
		"[tls]\ncert = %1$s/server.crt\nkey = %1$s/server.key\nca = %1$s/ca.crt\n"
		"[database]\nconninfo = %2$s\npool_size = 2\n"
		"[log]\nlevel = %3$s\n",
		h->pki, h->pg.conninfo, env_or("JIANYI_TEST_LOG_LEVEL", "info"));
	/* The caller's lines last, so they win: bare lines belong to [server];
	 * text starting with a section header brings its own sections (inih
	 * takes a section again, a later value replaces an earlier one). */
	if (extra && extra[0])
		fprintf(f, "%s%s\n", extra[0] == '[' ? "" : "[server]\n", extra);
	fclose(f);
	char *argv[48];
	int argc = harness_valgrind() ? valgrind_argv(h->dir, argv, 32) : 0;
	char *server_argv[] = { (char *)env_or("JIANYID", "jianyid"), "--config", ini,
				"--ready-file", sp->ready, "--http-ready-file", sp->http_ready,
				"--metrics-ready-file", sp->metrics_ready, NULL };
	memcpy(argv + argc, server_argv, sizeof server_argv);
	pid_t parent = getpid();
	sp->pid = fork();
	if (sp->pid < 0)
		fail_msg("fork: %s", strerror(errno));
	if (sp->pid == 0) {
		/* The server dies with the test, even when a failed assertion or a
		 * crash skips the test's own clean-up. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(1);
		int log = open(sp->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		int null = open("/dev/null", O_WRONLY);
		if (log < 0 || null < 0 || dup2(log, 2) < 0 || dup2(null, 1) < 0)
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	track_server(sp->pid, true);
	if (harness_valgrind())
		snprintf(sp->vglog, sizeof sp->vglog, "%s/valgrind-%d.log", h->dir, (int)sp->pid);
	int wait_s = 20 * harness_time_scale();
	uint64_t deadline = harness_now_ms() + (uint64_t)wait_s * 1000u;
	while (harness_now_ms() < deadline) {
		FILE *r = fopen(sp->ready, "r");
		if (r) {
			char line[128] = "";
			if (fgets(line, sizeof line, r)) {
				char *colon = strrchr(line, ':');
				sp->port = colon ? atoi(colon + 1) : 0;
			}
			fclose(r);
			/* jianyid writes the HTTP ready file first (unless the
			 * test turned the HTTP side off). */
			FILE *hr = fopen(sp->http_ready, "r");
			if (hr) {
				if (fgets(line, sizeof line, hr)) {
					char *hc = strrchr(line, ':');
					sp->http_port = hc ? atoi(hc + 1) : 0;
				}
				fclose(hr);
			}
			sp->metrics_port = read_ready_port(sp->metrics_ready);
			if (sp->port > 0)
				return;
		}
		int st;
		if (waitpid(sp->pid, &st, WNOHANG) == sp->pid) {
			track_server(sp->pid, false);
			tail_file(sp->log, 40);
			fail_msg("jianyid exited during start-up");
		}
		usleep(20000);
	}
	tail_file(sp->log, 40);
	fail_msg("jianyid did not become ready in %d s", wait_s);
}

/* A sanitized jianyid (or jianyid admin) reports to its stderr, which is
 * its log, and may carry on (UBSan) or exit: either way the test fails.
 * So does valgrind's log of a jianyid or jianyi (valgrind-PID.log): any
 * error, or a definite leak (--errors-for-leak-kinds=definite counts it in
 * the summary). A SIGKILLed process has no summary, hence the headlines.
 * Returns true when path holds a report. */
static bool sanitizer_report(const char *path)
{
	/* event=answer_mismatch: jianyid in strict mode (JIANYI_PBJSON_STRICT)
	 * found a SQL answer that does not match the protocol. */
	static const char *const marks[] = { "event=answer_mismatch",
					      "ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
					      "runtime error:", "WARNING: ThreadSanitizer",
					      "Invalid read of", "Invalid write of", "Invalid free()",
					      "Mismatched free()", "depends on uninitialised value",
					      "Use of uninitialised value", "Syscall param",
					      "Source and destination overlap", "are definitely lost",
					      "signal 11 (SIGSEGV)" };
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	char line[2048];
	bool found = false;
	while (!found && fgets(line, sizeof line, f)) {
		for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
			if (strstr(line, marks[i]))
				found = true;
		const char *sum = strstr(line, "ERROR SUMMARY: ");
		if (sum && atoi(sum + strlen("ERROR SUMMARY: ")) > 0)
			found = true;
	}
	fclose(f);
	if (found) {
		sanitizer_reported = true;
		bool vg = strstr(path, "/valgrind-") != NULL;
		fprintf(stderr, "%s report in %s:\n", vg ? "valgrind" : "sanitizer", path);
		tail_file(path, vg ? 400 : 40);
	}
	return found;
}

bool server_alive(struct server_proc *sp)
{
	if (sp->pid <= 0)
		return false;
	if (waitpid(sp->pid, NULL, WNOHANG) == sp->pid) {
		track_server(sp->pid, false);
		sp->pid = 0;
		return false;
	}
	return true;
}

int server_stop(struct server_proc *sp, int sig, int timeout_ms)
{
	if (sp->pid <= 0)
		return -1;
	kill(sp->pid, sig);
	uint64_t deadline = harness_now_ms() + (uint64_t)timeout_ms * (uint64_t)harness_time_scale();
	int st;
	while (harness_now_ms() < deadline) {
		pid_t r = waitpid(sp->pid, &st, WNOHANG);
		if (r == sp->pid) {
			track_server(sp->pid, false);
			sp->pid = 0;
			if (sanitizer_report(sp->log))
				fail_msg("jianyid reported a sanitizer error (%s)", sp->log);
			if (sp->vglog[0] && sanitizer_report(sp->vglog))
				fail_msg("valgrind reported an error or a leak in jianyid (%s)", sp->vglog);
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		}
		usleep(10000);
	}
	kill(sp->pid, SIGKILL);
	waitpid(sp->pid, &st, 0);
	track_server(sp->pid, false);
	sp->pid = 0;
	tail_file(sp->log, 40);
	return -1;
}

void client_opts(struct harness *h, struct server_proc *sp, const char *who,
		 struct jy_client_options *o, char *buf, size_t buflen)
{
	/* buf holds: server\0cert\0key\0ca\0 */
	memset(o, 0, sizeof *o);
	size_t per = buflen / 4;
	snprintf(buf, per, "127.0.0.1:%d", sp->port);
	snprintf(buf + per, per, "%s/%s.crt", h->pki, who);
	snprintf(buf + 2 * per, per, "%s/%s.key", h->pki, who);
	snprintf(buf + 3 * per, per, "%s/ca.crt", h->pki);
	o->server = buf;
	o->cert_file = buf + per;
	o->key_file = buf + 2 * per;
	o->ca_file = buf + 3 * per;
	o->timeout_ms = 10000 * harness_time_scale();
}

struct jy_client *client_connect(struct harness *h, struct server_proc *sp, const char *who)
{
	struct jy_client_options o;
	char buf[2048];
	client_opts(h, sp, who, &o, buf, sizeof buf);
	struct jy_error e;
	struct jy_client *c = jy_connect(&o, &e);
	if (!c) {
		tail_file(sp->log, 40);
		fail_msg("connect as %s failed: %s: %s", who, jy_status_str(e.code), e.message);
	}
	return c;
}

struct jy_client *client_try_connect(struct harness *h, int port, const char *who,
				     int timeout_ms, struct jy_error *e)
{
	struct server_proc sp;
	memset(&sp, 0, sizeof sp);
	sp.port = port;
	struct jy_client_options o;
	char buf[2048];
	client_opts(h, &sp, who, &o, buf, sizeof buf);
	o.timeout_ms = timeout_ms;
	return jy_connect(&o, e);
}

static void call_answered(struct jy_client *c, Jianyi__Request *req)
{
	Jianyi__Envelope *resp = NULL;
	struct jy_error err;
	assert_true(jy_call(c, req, &resp, &err));
	jy_envelope_free(resp);
}

void client_call_ping(struct jy_client *c, const void *payload, size_t len)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__PingRequest p = JIANYI__PING_REQUEST__INIT;
	p.payload.data = (uint8_t *)payload;
	p.payload.len = payload ? len : 0;
	req.body_case = JIANYI__REQUEST__BODY_PING;
	req.ping = &p;
	call_answered(c, &req);
}

void client_call_whoami(struct jy_client *c)
{
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__WhoAmIRequest w = JIANYI__WHO_AM_IREQUEST__INIT;
	req.body_case = JIANYI__REQUEST__BODY_WHOAMI;
	req.whoami = &w;
	call_answered(c, &req);
}

SSL *raw_tls_connect(struct harness *h, struct server_proc *sp, const char *who)
{
	char err[512], cert[320], key[320], ca[320];
	snprintf(ca, sizeof ca, "%s/ca.crt", h->pki);
	SSL_CTX *ctx;
	if (who) {
		snprintf(cert, sizeof cert, "%s/%s.crt", h->pki, who);
		snprintf(key, sizeof key, "%s/%s.key", h->pki, who);
		struct jy_tls_files f = { cert, key, ca, false };
		ctx = jy_tls_client_ctx(&f, err, sizeof err);
		if (!ctx)
			fail_msg("client ctx: %s", err);
	} else {
		ctx = SSL_CTX_new(TLS_client_method());
		SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
		SSL_CTX_load_verify_locations(ctx, ca, NULL);
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
		static const unsigned char alpn[] = { 8, 'j', 'i', 'a', 'n', 'y', 'i', '/', '1' };
		SSL_CTX_set_alpn_protos(ctx, alpn, sizeof alpn);
	}
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)sp->port) };
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
		fail_msg("connect: %s", strerror(errno));
	jy_socket_nodelay(fd);
	struct timeval tv = { 5 * harness_time_scale(), 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	SSL *ssl = SSL_new(ctx);
	SSL_CTX_free(ctx);
	SSL_set_fd(ssl, fd);
	if (SSL_connect(ssl) != 1) {
		ERR_clear_error();
		raw_tls_close(ssl);
		return NULL;
	}
	return ssl;
}

void raw_tls_close(SSL *ssl)
{
	if (!ssl)
		return;
	int fd = SSL_get_fd(ssl);
	SSL_free(ssl);
	close(fd);
}

static void set_timeout(SSL *ssl, int timeout_ms)
{
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	setsockopt(SSL_get_fd(ssl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

/* Reads exactly n bytes; 1 ok, 0 closed, -1 timeout. */
static int read_exact(SSL *ssl, void *buf, size_t n, uint64_t deadline)
{
	size_t got = 0;
	while (got < n) {
		int64_t left = (int64_t)deadline - (int64_t)harness_now_ms();
		if (left <= 0)
			return -1;
		set_timeout(ssl, (int)left);
		int r = SSL_read(ssl, (char *)buf + got, (int)(n - got));
		if (r > 0) {
			got += (size_t)r;
			continue;
		}
		int e = SSL_get_error(ssl, r);
		ERR_clear_error();
		if (e == SSL_ERROR_WANT_READ)
			continue; /* timeout slice or TLS 1.3 ticket; the deadline decides */
		return 0;
	}
	return 1;
}

bool raw_wait_closed(SSL *ssl, int timeout_ms)
{
	uint64_t deadline = harness_now_ms() + (uint64_t)timeout_ms * (uint64_t)harness_time_scale();
	char buf[4096];
	for (;;) {
		int r = read_exact(ssl, buf, 1, deadline);
		if (r == 0)
			return true;
		if (r < 0)
			return false;
		/* Data (e.g. a final status): keep reading until the close. */
	}
}

bool raw_send_request(SSL *ssl, uint64_t id, Jianyi__Request *req)
{
	Jianyi__Envelope env = JIANYI__ENVELOPE__INIT;
	env.id = id;
	env.body_case = JIANYI__ENVELOPE__BODY_REQUEST;
	env.request = req;
	uint8_t *buf;
	size_t len;
	char err[200];
	if (!jy_frame_encode(&env, JY_DEFAULT_MAX_FRAME, &buf, &len, err, sizeof err))
		return false;
	int w = SSL_write(ssl, buf, (int)len);
	free(buf);
	return w == (int)len;
}

Jianyi__Envelope *raw_read_envelope(SSL *ssl, int timeout_ms)
{
	uint64_t deadline = harness_now_ms() + (uint64_t)timeout_ms * (uint64_t)harness_time_scale();
	uint8_t hdr[4];
	if (read_exact(ssl, hdr, 4, deadline) != 1)
		return NULL;
	uint32_t n;
	if (jy_frame_peek(hdr, 4, JY_DEFAULT_MAX_FRAME, &n) != JY_FRAME_INCOMPLETE)
		return NULL;
	uint8_t *body = malloc(n);
	if (read_exact(ssl, body, n, deadline) != 1) {
		free(body);
		return NULL;
	}
	char err[200];
	Jianyi__Envelope *env = jy_envelope_decode(body, n, err, sizeof err);
	free(body);
	return env;
}

const char *state_str(int state)
{
	static char names[16][JY_ENUM_NAME_MAX];
	static unsigned next;
	char *buf = names[next++ % 16];
	if (!jy_enum_name(&jianyi__state__descriptor, state, buf, JY_ENUM_NAME_MAX))
		snprintf(buf, JY_ENUM_NAME_MAX, "state %d", state);
	return buf;
}
