#include "bench_run.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>
#include <cmocka.h>

#include "wf_helpers.h"

int bench_env_int(const char *name, int def)
{
	const char *v = getenv(name);
	if (!v || !*v)
		return def;
	char *end;
	long n = strtol(v, &end, 10);
	if (*end || n < 0 || n > 100000000)
		fail_msg("%s must be a whole number, not '%s'", name, v);
	return (int)n;
}

static const char *program(void)
{
	const char *p = getenv("JIANYI_BENCH");
	return p && *p ? p : "jianyi-bench";
}

struct args {
	char *v[96];
	int n;
};

static void add(struct args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct args *a, const char *fmt, ...)
{
	assert_true(a->n < 94);
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&a->v[a->n++], fmt, ap) < 0)
		abort();
	va_end(ap);
	a->v[a->n] = NULL;
}

static void base_args(struct args *a)
{
	add(a, "%s", program());
	add(a, "--server=127.0.0.1:%d", S.port);
	add(a, "--ca=%s/ca.crt", H.pki);
	add(a, "--certs=%s", H.pki);
}

/* Runs argv with its stdout through a pipe; echoes every line. */
static pid_t spawn(struct args *a, int *out, int *in)
{
	int o[2], i[2];
	/* Close-on-exec: a later child must not keep an earlier holder's stdin
	 * open, or closing it would never let that holder go. */
	assert_int_equal(pipe2(o, O_CLOEXEC), 0);
	assert_int_equal(pipe2(i, O_CLOEXEC), 0);
	pid_t parent = getpid();
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(1);
		dup2(o[1], 1);
		dup2(i[0], 0);
		close(o[0]);
		close(o[1]);
		close(i[0]);
		close(i[1]);
		execvp(a->v[0], a->v);
		fprintf(stderr, "cannot run %s: %s\n", a->v[0], strerror(errno));
		_exit(127);
	}
	close(o[1]);
	close(i[0]);
	*out = o[0];
	*in = i[1];
	for (int k = 0; k < a->n; k++)
		free(a->v[k]);
	return pid;
}

/* utime, stime, cutime, cstime (seconds) and ppid of a process. */
static bool proc_cpu(pid_t pid, double *self, double *children, pid_t *ppid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *p = strrchr(buf, ')');   /* the name may hold spaces */
	int pp;
	unsigned long long ut, st;
	long long cut, cst;
	if (!p || sscanf(p + 2, "%*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %lld %lld",
			 &pp, &ut, &st, &cut, &cst) != 5)
		return false;
	double hz = (double)sysconf(_SC_CLK_TCK);
	*self = (double)(ut + st) / hz;
	*children = (double)(cut + cst) / hz;
	*ppid = pp;
	return true;
}

/* CPU seconds of the fixture's PostgreSQL so far: the postmaster with its
 * reaped children (pgbench's backends, once they exit) and the live ones. */
static double postgres_cpu(void)
{
	char path[512];
	snprintf(path, sizeof path, "%s/postmaster.pid", H.pg.pgdata);
	FILE *f = fopen(path, "r");
	int pm = 0;
	if (!f || fscanf(f, "%d", &pm) != 1) {
		if (f)
			fclose(f);
		return 0;
	}
	fclose(f);
	double self, children, total = 0;
	pid_t ppid;
	if (proc_cpu(pm, &self, &children, &ppid))
		total = self + children;
	DIR *d = opendir("/proc");
	for (struct dirent *e; d && (e = readdir(d));) {
		pid_t pid = (pid_t)atoi(e->d_name);
		if (pid > 0 && proc_cpu(pid, &self, &children, &ppid) && ppid == pm)
			total += self;
	}
	if (d)
		closedir(d);
	return total;
}

static double server_cpu(void)
{
	double self = 0, children;
	pid_t ppid;
	proc_cpu(S.pid, &self, &children, &ppid);
	return self;
}

int bench_run(const struct county *c, const char *const *extra, double *rps)
{
	struct args a = { 0 };
	base_args(&a);
	add(&a, "--read-ids=%lld-%lld", (long long)c->min_id, (long long)c->max_id);
	char units[64 * 24] = "";
	for (int i = 0; i < c->nunits; i++)
		snprintf(units + strlen(units), sizeof units - strlen(units), "%s%lld", i ? "," : "",
			 (long long)c->units[i]);
	add(&a, "--units=%s", units);
	add(&a, "--working-set=%d:%d", COUNTY_WORK_TERM, COUNTY_WORK_SESSION);
	for (size_t i = 0; extra && extra[i]; i++)
		add(&a, "%s", extra[i]);
	printf("$");
	for (int k = 0; k < a.n; k++)
		printf(" %s", a.v[k]);
	printf("\n");
	fflush(stdout);
	int out, in;
	pid_t pid = spawn(&a, &out, &in);
	close(in);
	FILE *f = fdopen(out, "r");
	char line[1024];
	/* Where the time goes: CPU of jianyid and PostgreSQL while jianyid is
	 * measured (until its RESULT ... op=all line), then PostgreSQL's while
	 * pgbench runs. jianyi-bench prints its own and pgbench's. */
	double srv0 = server_cpu(), pg0 = postgres_cpu(), srv1 = srv0, pg1 = pg0;
	bool boundary = false;
	unsigned long jcount = 0, pcount = 0;
	while (fgets(line, sizeof line, f)) {
		fputs(line, stdout);
		const char *cnt = strstr(line, " count=");
		if (!boundary && strncmp(line, "RESULT side=jianyid", 19) == 0 && strstr(line, " op=all ")) {
			boundary = true;
			srv1 = server_cpu();
			pg1 = postgres_cpu();
			if (cnt)
				jcount = strtoul(cnt + 7, NULL, 10);
			printf("CPU side=jianyid server_seconds=%.2f postgres_seconds=%.2f"
			       " postgres_ms_per_request=%.2f\n", srv1 - srv0, pg1 - pg0,
			       jcount ? 1000.0 * (pg1 - pg0) / (double)jcount : 0.0);
		}
		/* --settle's VACUUM ANALYZE is nobody's request. */
		if (!boundary && strncmp(line, "SETTLED before side=jianyid", 27) == 0) {
			srv0 = server_cpu();
			pg0 = postgres_cpu();
		}
		/* so is the warm-up (jianyi-bench --warmup) */
		if (!boundary && strncmp(line, "WARMED side=jianyid", 19) == 0) {
			srv0 = server_cpu();
			pg0 = postgres_cpu();
		}
		if (boundary && (strncmp(line, "SETTLED before side=pgbench", 27) == 0 ||
				 strncmp(line, "WARMED side=pgbench", 19) == 0))
			pg1 = postgres_cpu();
		if (strncmp(line, "RESULT side=pgbench", 19) == 0 && strstr(line, " op=all ") && cnt)
			pcount = strtoul(cnt + 7, NULL, 10);
		double v;
		const char *p = strstr(line, " rps=");
		if (rps && strncmp(line, "RESULT side=jianyid", 19) == 0 && strstr(line, " op=all ") && p &&
		    sscanf(p, " rps=%lf", &v) == 1)
			*rps = v;
	}
	fclose(f);
	int st;
	waitpid(pid, &st, 0);
	if (boundary && pcount > 0) {   /* pgbench ran (not with --idle or without --pgbench) */
		double pg2 = postgres_cpu();
		printf("CPU side=pgbench postgres_seconds=%.2f postgres_ms_per_request=%.2f\n", pg2 - pg1,
		       pcount ? 1000.0 * (pg2 - pg1) / (double)pcount : 0.0);
	}
	fflush(stdout);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

pid_t bench_idle_start(int n, int *hold, int *ready)
{
	struct args a = { 0 };
	base_args(&a);
	add(&a, "--idle=%d", n);
	int out;
	pid_t pid = spawn(&a, &out, hold);
	FILE *f = fdopen(out, "r");
	char line[256];
	*ready = 0;
	while (fgets(line, sizeof line, f)) {
		fputs(line, stdout);
		if (sscanf(line, "IDLE READY %d", ready) == 1)
			break;
	}
	fclose(f);
	return pid;
}
