/* More PostgreSQL clusters for the recovery tests (see pg_node.h). */
#include "pg_node.h"

#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#define PG_USER "postgres"

/* Runs the PostgreSQL tool bindir/tool with args (NULL-terminated) as the
 * clusters' user. */
static void pg_tool(struct harness *h, const char *tool, ...)
{
	char path[512];
	char *argv[40];
	int n = 0;
	snprintf(path, sizeof path, "%s/%s", h->pg.bindir, tool);
	if (geteuid() == 0) {
		argv[n++] = "/usr/sbin/runuser";
		argv[n++] = "-u";
		argv[n++] = PG_USER;
		argv[n++] = "--";
	}
	argv[n++] = path;
	va_list ap;
	va_start(ap, tool);
	const char *a;
	while ((a = va_arg(ap, const char *)) != NULL && n < 39)
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n] = NULL;
	harness_must_run(h, argv);
}

/* Gives path to the clusters' user when we are root. */
static void give_to_pg(const char *path)
{
	if (geteuid() != 0)
		return;
	struct passwd *pw = getpwnam(PG_USER);
	if (!pw || chown(path, pw->pw_uid, pw->pw_gid) != 0)
		fail_msg("cannot give %s to %s: %s", path, PG_USER, strerror(errno));
}

void pg_node_dir(struct harness *h, const char *name, char *path, size_t len)
{
	snprintf(path, len, "%s/%s", h->dir, name);
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		fail_msg("mkdir %s: %s", path, strerror(errno));
	give_to_pg(path);
}

void pg_node_basebackup(struct harness *h, const char *from_socket_dir, const char *dir,
			const char *name, bool standby, struct pg_node *n)
{
	char from[400], run[340];
	memset(n, 0, sizeof *n);
	snprintf(n->pgdata, sizeof n->pgdata, "%s/%s", dir, name);
	snprintf(n->log, sizeof n->log, "%s/%s.log", dir, name);
	/* Not the copy's own pg/run: it holds the source's socket lock file,
	 * whose postmaster may still be alive. */
	snprintf(run, sizeof run, "%s-run", name);
	pg_node_dir(h, run, n->socket_dir, sizeof n->socket_dir);
	snprintf(n->conninfo, sizeof n->conninfo, "host=%s dbname=jianyi user=jianyi", n->socket_dir);
	snprintf(from, sizeof from, "host=%s user=" PG_USER, from_socket_dir);
	if (standby)
		pg_tool(h, "pg_basebackup", "-d", from, "-D", n->pgdata, "-c", "fast", "-R", NULL);
	else
		pg_tool(h, "pg_basebackup", "-d", from, "-D", n->pgdata, "-c", "fast", NULL);
}

void pg_node_conf(struct pg_node *n, const char *line)
{
	char path[360];
	snprintf(path, sizeof path, "%s/postgresql.auto.conf", n->pgdata);
	FILE *f = fopen(path, "a");
	if (!f)
		fail_msg("cannot open %s: %s", path, strerror(errno));
	fprintf(f, "%s\n", line);
	fclose(f);
}

void pg_node_start(struct harness *h, struct pg_node *n)
{
	char opts[500];
	snprintf(opts, sizeof opts,
		 "-c listen_addresses='' -c unix_socket_directories='%s' -c archive_mode=off",
		 n->socket_dir);
	pg_tool(h, "pg_ctl", "-D", n->pgdata, "-l", n->log, "-w", "-t", "60", "-o", opts, "start", NULL);
	n->running = true;
}

void pg_node_promote(struct harness *h, struct pg_node *n)
{
	pg_tool(h, "pg_ctl", "-D", n->pgdata, "-w", "-t", "60", "promote", NULL);
}

void pg_node_stop(struct harness *h, struct pg_node *n)
{
	if (!n->running)
		return;
	n->running = false;
	pg_tool(h, "pg_ctl", "-D", n->pgdata, "-m", "fast", "-w", "stop", NULL);
}

/* The parent pid in /proc/PID/stat (after the command's closing paren). */
static long parent_of(const char *pid)
{
	char path[300], line[512];
	snprintf(path, sizeof path, "/proc/%s/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t got = fread(line, 1, sizeof line - 1, f);
	fclose(f);
	line[got] = '\0';
	char *paren = strrchr(line, ')');
	long ppid = -1;
	if (!paren || sscanf(paren + 1, " %*c %ld", &ppid) != 1)
		return -1;
	return ppid;
}

void pg_kill_cluster(const char *pgdata)
{
	char path[360];
	long pm = 0;
	snprintf(path, sizeof path, "%s/postmaster.pid", pgdata);
	FILE *f = fopen(path, "r");
	if (!f || fscanf(f, "%ld", &pm) != 1 || pm <= 1)
		fail_msg("no postmaster pid in %s", path);
	fclose(f);
	/* The children first, while they are still the postmaster's. */
	pid_t kids[256];
	int nkids = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d)) && nkids < 256)
		if (e->d_name[0] >= '0' && e->d_name[0] <= '9' && parent_of(e->d_name) == pm)
			kids[nkids++] = (pid_t)atol(e->d_name);
	if (d)
		closedir(d);
	if (kill((pid_t)pm, SIGKILL) != 0)
		fail_msg("kill -9 %ld: %s", pm, strerror(errno));
	for (int i = 0; i < nkids; i++)
		kill(kids[i], SIGKILL);
	/* Wait until the postmaster is gone (it is not our child). */
	for (int i = 0; i < 500 && kill((pid_t)pm, 0) == 0; i++)
		usleep(10000);
	print_message("PostgreSQL killed: postmaster %ld and %d children (SIGKILL)\n", pm, nkids);
}

PGconn *pg_node_connect(const char *socket_dir, const char *dbname, const char *user)
{
	const char *keys[] = { "host", "dbname", "user", "connect_timeout", NULL };
	const char *vals[] = { socket_dir, dbname, user, "10", NULL };
	PGconn *c = PQconnectdbParams(keys, vals, 0);
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("cannot connect to %s: %s", socket_dir, PQerrorMessage(c));
	return c;
}

void pg_value(PGconn *c, const char *sql, char *buf, size_t len)
{
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) < 1)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	snprintf(buf, len, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
}

void pg_wait_value(PGconn *c, const char *sql, const char *want, int ms)
{
	char got[200] = "";
	for (int waited = 0; waited <= ms; waited += 50) {
		pg_value(c, sql, got, sizeof got);
		if (strcmp(got, want) == 0)
			return;
		usleep(50000);
	}
	fail_msg("%s: still '%s' after %d ms, not '%s'", sql, got, ms, want);
}
