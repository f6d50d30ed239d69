/* The embedded private PostgreSQL cluster (see embedded_pg.h).
 *
 * Layout under the jianyid data directory:
 *   <data_dir>/pg                 the cluster (PGDATA), mode 0700
 *   <data_dir>/pg/run             the Unix socket directory (no TCP port)
 *   <data_dir>/pg/log/postgresql.log
 *   <data_dir>/archive            the WAL archive (the default of
 *                                 [embedded] archive_dir; docs/OPERATIONS.md
 *                                 "Backups and point-in-time restore")
 *
 * PostgreSQL refuses to run as root, so when we are root the tools run as
 * the "postgres" user through runuser. Commands are started with fork+exec
 * and argv arrays, never through a shell, so paths with spaces work. */
#include "embedded_pg.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "log.h"
#include "xalloc.h"

#define PG_USER "postgres"
#define PG_SOCKET_NAME "/.s.PGSQL.5432"

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	return s;
}

/* Runs argv (as the user as_user through runuser, or as ourselves when
 * as_user is NULL) and waits for it. Its stdout+stderr go to out
 * (truncated, NUL-terminated). Returns the exit status, or -1 when it could
 * not be run or died from a signal. */
static int run(const char *const *argv, const char *as_user, char *out, size_t outlen)
{
	const char *full[32];
	size_t n = 0, len = 0;
	int fds[2], status;
	pid_t pid;

	if (as_user) {
		full[n++] = "runuser";
		full[n++] = "-u";
		full[n++] = as_user;
		full[n++] = "--";
	}
	for (size_t i = 0; argv[i] && n < 31; i++)
		full[n++] = argv[i];
	full[n] = NULL;

	out[0] = '\0';
	if (pipe2(fds, O_CLOEXEC) != 0) {
		snprintf(out, outlen, "pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(out, outlen, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		/* postgres cannot read root's home; every path we pass is absolute. */
		if (chdir("/") != 0)
			_exit(126);
		execvp(full[0], (char *const *)full);
		fprintf(stderr, "cannot run %s: %s\n", full[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		char buf[512];
		ssize_t r = read(fds[0], buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		/* Keep the end of the output: errors come last. */
		if (len + (size_t)r >= outlen) {
			size_t drop = len + (size_t)r - (outlen - 1);
			if (drop >= len) {
				len = 0;
			} else {
				memmove(out, out + drop, len - drop);
				len -= drop;
			}
			if ((size_t)r > outlen - 1)
				r = (ssize_t)(outlen - 1);
		}
		memcpy(out + len, buf, (size_t)r);
		len += (size_t)r;
		out[len] = '\0';
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	/* Trim the trailing newline for one-line error messages. */
	while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == ' '))
		out[--len] = '\0';
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The last few lines of the server log, flattened to one line, for errors. */
static void log_tail(const struct embedded_pg *pg, char *buf, size_t buflen)
{
	char *path = xasprintf("%s/log/postgresql.log", pg->pgdata);
	FILE *f = fopen(path, "r");
	size_t n = 0;

	buf[0] = '\0';
	free(path);
	if (!f)
		return;
	if (fseek(f, -600, SEEK_END) != 0)
		rewind(f);
	n = fread(buf, 1, buflen - 1, f);
	fclose(f);
	buf[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (buf[i] == '\n')
			buf[i] = '|';
}

/* Makes sure path is a directory (not a symbolic link) with mode. Only a
 * directory this call creates is given to owner, and only one it creates or
 * we own gets mode: an existing one of another user keeps both, so a
 * cluster that another user runs is never taken from it. The
 * mode is set through a descriptor opened with O_NOFOLLOW, so a link that
 * the cluster's user put in place of a directory is refused, never followed
 * (as root, following it would chmod or chown whatever it points to). */
static bool make_dir(const char *path, mode_t mode, const struct passwd *owner,
		     char *err, size_t errlen)
{
	bool created = mkdir(path, mode) == 0;
	int fd;

	if (!created && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
		return false;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		struct stat lst;
		bool link = lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode);
		snprintf(err, errlen, "%s is not a directory (%s); refusing to use it", path,
			 link ? "a symbolic link" : strerror(errno));
		return false;
	}
	if (created && owner && fchown(fd, owner->pw_uid, owner->pw_gid) != 0) {
		snprintf(err, errlen, "cannot chown %s to %s: %s", path, owner->pw_name, strerror(errno));
		close(fd);
		return false;
	}
	struct stat st;
	bool ours = fstat(fd, &st) == 0 && st.st_uid == geteuid();
	if ((created || ours) && fchmod(fd, mode) != 0) {
		snprintf(err, errlen, "cannot chmod %s: %s", path, strerror(errno));
		close(fd);
		return false;
	}
	close(fd);
	return true;
}

/* Who runs the cluster's tools. An existing cluster: its owner, whoever
 * that is (the postgres user when jianyid ran as root, the service user
 * when it ran as one). A new one: ourselves, or the postgres user when we
 * are root (PostgreSQL refuses to run as root). Fills *pw (NULL: ourselves)
 * and returns false, with the reason, when we may not act on the cluster. */
static bool cluster_user(const char *pgdata, struct passwd **pw, char *err, size_t errlen)
{
	bool root = geteuid() == 0;
	struct stat st;
	/* Its folder's owner is the cluster's (we may not even see inside). */
	bool exists = lstat(pgdata, &st) == 0 && S_ISDIR(st.st_mode);

	*pw = NULL;
	if (!exists) {
		if (root && !(*pw = getpwnam(PG_USER))) {
			snprintf(err, errlen, "running as root but there is no '%s' user to run "
				 "PostgreSQL as (install postgresql)", PG_USER);
			return false;
		}
		return true;
	}
	if (st.st_uid == geteuid())
		return true;
	struct passwd *owner = getpwuid(st.st_uid);
	if (!root) {
		snprintf(err, errlen, "the PostgreSQL cluster %s belongs to the user %s, not to us; "
			 "run this as that user (runuser -u %s -- jianyid ...) or as root",
			 pgdata, owner ? owner->pw_name : "(unknown)", owner ? owner->pw_name : "USER");
		return false;
	}
	if (!owner || st.st_uid == 0) {
		snprintf(err, errlen, "the PostgreSQL cluster %s belongs to %s; PostgreSQL cannot "
			 "run as that user", pgdata, owner ? owner->pw_name : "an unknown user id");
		return false;
	}
	*pw = owner;
	return true;
}

/* The newest /usr/lib/postgresql/<N>/bin that holds initdb. */
static char *find_bindir(void)
{
	DIR *d = opendir("/usr/lib/postgresql");
	struct dirent *e;
	long best = -1;

	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		char *end, path[PATH_MAX];
		long v = strtol(e->d_name, &end, 10);
		if (end == e->d_name || *end || v <= best)
			continue;
		snprintf(path, sizeof path, "/usr/lib/postgresql/%s/bin/initdb", e->d_name);
		if (access(path, X_OK) == 0)
			best = v;
	}
	closedir(d);
	return best < 0 ? NULL : xasprintf("/usr/lib/postgresql/%ld/bin", best);
}

/* A libpq conninfo value in single quotes (backslash escapes ' and \). */
static char *conninfo_quote(const char *s)
{
	char *out = jy_xmalloc(2 * strlen(s) + 3), *p = out;
	*p++ = '\'';
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			*p++ = '\\';
		*p++ = *s;
	}
	*p++ = '\'';
	*p = '\0';
	return out;
}

/* A shell single-quoted word: pg_ctl passes -o through /bin/sh. */
static char *shell_quote(const char *s)
{
	char *out = jy_xmalloc(4 * strlen(s) + 3), *p = out;
	*p++ = '\'';
	for (; *s; s++) {
		if (*s == '\'') {
			memcpy(p, "'\\''", 4);
			p += 4;
		} else {
			*p++ = *s;
		}
	}
	*p++ = '\'';
	*p = '\0';
	return out;
}

/* s with every % doubled: archive_command expands %p and %f, so a % of the
 * archive's path must not be read as one of them. */
static char *percent_escape(const char *s)
{
	char *out = jy_xmalloc(2 * strlen(s) + 1), *p = out;
	for (; *s; s++) {
		if (*s == '%')
			*p++ = '%';
		*p++ = *s;
	}
	*p = '\0';
	return out;
}

/* The archive_command that copies a finished WAL file %p into dir as %f,
 * the way PostgreSQL's documentation advises: never over an existing file
 * (one with the same bytes, left by a copy whose success was not recorded,
 * counts as done; a different one fails), and only a file that is synced
 * to disk gets its final name, so the archive never holds a torn file. Any
 * failing step fails the command, and PostgreSQL keeps the WAL file and
 * tries again. */
static char *archive_command(const char *dir)
{
	char *q = shell_quote(dir), *d = percent_escape(q);
	char *cmd = xasprintf("if test -f %1$s/%%f; then cmp -s %%p %1$s/%%f; "
			      "else cp %%p %1$s/%%f.part && sync %1$s/%%f.part && "
			      "mv %1$s/%%f.part %1$s/%%f && sync %1$s; fi", d);
	free(q);
	free(d);
	return cmd;
}

/* Where WAL goes: the [embedded] archive_dir setting (NULL: the default,
 * data_dir/archive; "off": nowhere, returns NULL with err empty). The
 * directory is made (owned by the cluster's user when we create it as
 * root) and resolved to an absolute path, since archive_command runs in
 * the cluster's directory. NULL with err set: it cannot be used. */
static char *archive_dir_ready(const struct embedded_pg *pg, const char *setting,
			       const struct passwd *pw, char *err, size_t errlen)
{
	char real[PATH_MAX], *dir;

	err[0] = '\0';
	if (setting && strcmp(setting, "off") == 0)
		return NULL;
	dir = setting ? jy_xstrdup(setting) : xasprintf("%s/archive", pg->data_dir);
	if (!make_dir(dir, 0700, pw, err, errlen)) {
		free(dir);
		return NULL;
	}
	if (!realpath(dir, real)) {
		snprintf(err, errlen, "cannot resolve the WAL archive %s: %s", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	free(dir);
	/* An existing directory keeps its owner: the cluster's user must be
	 * able to write into it, or every archiving attempt would fail. */
	const char *argv[] = { "test", "-w", real, "-a", "-x", real, NULL };
	char out[256];
	if (run(argv, pw ? pw->pw_name : NULL, out, sizeof out) != 0) {
		snprintf(err, errlen, "the WAL archive %s is not writable by %s, who runs the "
			 "cluster (archive_dir)", real, pw ? pw->pw_name : "us");
		return NULL;
	}
	return jy_xstrdup(real);
}

/* The postgres options of every start: only the socket in the cluster's
 * run directory, and WAL archiving when there is an archive. Given at each
 * start rather than written into postgresql.conf, so a cluster made before
 * archiving existed gets it at its next start, and the setting is the
 * configuration's, never a stale copy. pg_ctl passes them through /bin/sh. */
static char *start_options(const struct embedded_pg *pg)
{
	char *qsock = shell_quote(pg->socket_dir), *opts;

	if (!pg->archive_dir) {
		opts = xasprintf("-c listen_addresses='' -c unix_socket_directories=%s", qsock);
	} else {
		char *cmd = archive_command(pg->archive_dir);
		char *setting = xasprintf("archive_command=%s", cmd);
		char *qcmd = shell_quote(setting);
		opts = xasprintf("-c listen_addresses='' -c unix_socket_directories=%s "
				 "-c archive_mode=on -c %s", qsock, qcmd);
		free(cmd);
		free(setting);
		free(qcmd);
	}
	free(qsock);
	return opts;
}

/* A cluster made before jianyid asked initdb for data checksums has none:
 * say so once at start, with what the operator can do (docs/OPERATIONS.md
 * "Backups and point-in-time restore"). */
static void note_checksums(const struct embedded_pg *pg)
{
	const char *keys[] = { "host", "dbname", "user", "connect_timeout", NULL };
	const char *vals[] = { pg->socket_dir, "postgres", PG_USER, "10", NULL };
	PGconn *conn = PQconnectdbParams(keys, vals, 0);
	PGresult *res = PQstatus(conn) == CONNECTION_OK ? PQexec(conn, "SHOW data_checksums") : NULL;

	if (PQresultStatus(res) == PGRES_TUPLES_OK && strcmp(PQgetvalue(res, 0, 0), "off") == 0)
		jy_warn("event=pg_no_checksums pgdata=%s hint=\"stop jianyid, then pg_checksums "
			"--enable -D %s\"", pg->pgdata, pg->pgdata);
	PQclear(res);
	PQfinish(conn);
}

/* Creates role and database "jianyi" if they are missing. Names are
 * constants, so the DDL text holds no outside value. */
static bool create_role_and_db(const struct embedded_pg *pg, char *err, size_t errlen)
{
	const char *keys[] = { "host", "dbname", "user", "connect_timeout", NULL };
	const char *vals[] = { pg->socket_dir, "postgres", PG_USER, "10", NULL };
	const char *name[1] = { "jianyi" };
	PGconn *conn = PQconnectdbParams(keys, vals, 0);
	PGresult *res = NULL;
	bool ok = false;

	if (PQstatus(conn) != CONNECTION_OK) {
		snprintf(err, errlen, "cannot connect to the embedded cluster at %s: %s",
			 pg->socket_dir, PQerrorMessage(conn));
		goto out;
	}
	res = PQexecParams(conn, "SELECT 1 FROM pg_roles WHERE rolname = $1",
			   1, NULL, name, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		goto sqlfail;
	if (PQntuples(res) == 0) {
		PQclear(res);
		res = PQexec(conn, "CREATE ROLE jianyi LOGIN");
		/* 42710: another jianyid created it meanwhile. */
		if (PQresultStatus(res) != PGRES_COMMAND_OK &&
		    strcmp(PQresultErrorField(res, PG_DIAG_SQLSTATE) ?: "", "42710") != 0)
			goto sqlfail;
	}
	PQclear(res);
	res = PQexecParams(conn, "SELECT 1 FROM pg_database WHERE datname = $1",
			   1, NULL, name, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		goto sqlfail;
	if (PQntuples(res) == 0) {
		PQclear(res);
		res = PQexec(conn, "CREATE DATABASE jianyi OWNER jianyi ENCODING 'UTF8' TEMPLATE template0");
		if (PQresultStatus(res) != PGRES_COMMAND_OK &&
		    strcmp(PQresultErrorField(res, PG_DIAG_SQLSTATE) ?: "", "42P04") != 0)
			goto sqlfail;
	}
	ok = true;
	goto out;
sqlfail:
	snprintf(err, errlen, "cannot create role/database jianyi: %s",
		 res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
out:
	PQclear(res);
	PQfinish(conn);
	return ok;
}

bool embedded_pg_start(struct embedded_pg *pg, const char *data_dir, const char *bindir,
		       char *err, size_t errlen)
{
	return embedded_pg_start_archiving(pg, data_dir, bindir, "off", err, errlen);
}

bool embedded_pg_start_archiving(struct embedded_pg *pg, const char *data_dir, const char *bindir,
				 const char *archive, char *err, size_t errlen)
{
	struct passwd *pw = NULL;
	const char *as = NULL;
	char out[1024], tail[700], real[PATH_MAX];
	char *initdb = NULL, *pg_ctl = NULL, *version_file = NULL, *log_file = NULL;
	char *opts = NULL, *qhost = NULL;
	struct stat st;
	bool ok = false;
	int rc;

	memset(pg, 0, sizeof *pg);
	if (!data_dir || !*data_dir) {
		snprintf(err, errlen, "no data directory configured");
		return false;
	}
	if (!make_dir(data_dir, 0755, NULL, err, errlen))
		return false;
	if (!realpath(data_dir, real)) {
		snprintf(err, errlen, "cannot resolve %s: %s", data_dir, strerror(errno));
		return false;
	}
	pg->data_dir = jy_xstrdup(real);
	pg->pgdata = xasprintf("%s/pg", real);
	pg->socket_dir = xasprintf("%s/pg/run", real);
	if (strlen(pg->socket_dir) + strlen(PG_SOCKET_NAME) + 1 >
	    sizeof(((struct sockaddr_un *)0)->sun_path)) {
		snprintf(err, errlen, "data directory path %s is too long for a Unix socket "
			 "(the socket path must fit in %zu bytes); choose a shorter --data-dir",
			 real, sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
		goto out;
	}
	pg->bindir = bindir ? jy_xstrdup(bindir) : find_bindir();
	if (!pg->bindir) {
		snprintf(err, errlen, "no PostgreSQL found under /usr/lib/postgresql/<N>/bin "
			 "(install postgresql or set the PostgreSQL bin directory)");
		goto out;
	}
	initdb = xasprintf("%s/initdb", pg->bindir);
	pg_ctl = xasprintf("%s/pg_ctl", pg->bindir);
	if (access(initdb, X_OK) != 0 || access(pg_ctl, X_OK) != 0) {
		snprintf(err, errlen, "%s does not hold initdb and pg_ctl", pg->bindir);
		goto out;
	}

	if (!cluster_user(pg->pgdata, &pw, err, errlen))
		goto out;
	as = pw ? pw->pw_name : NULL;
	if (as) {
		const char *argv[] = { "test", "-x", pg->data_dir, NULL };
		if (run(argv, as, out, sizeof out) != 0) {
			snprintf(err, errlen, "the %s user cannot reach %s (directory permissions); "
				 "choose --data-dir under /var/lib or /tmp", as, pg->data_dir);
			goto out;
		}
	}
	if (!make_dir(pg->pgdata, 0700, pw, err, errlen))
		goto out;

	version_file = xasprintf("%s/PG_VERSION", pg->pgdata);
	if (stat(version_file, &st) != 0) {
		const char *argv[] = { initdb, "-D", pg->pgdata, "-U", PG_USER, "--auth=trust",
				       "--encoding=UTF8", "--locale=C.UTF-8", "--lc-collate=C", "--data-checksums",
				       "--no-instructions", NULL };
		jy_info("event=pg_initdb pgdata=%s", pg->pgdata);
		if (run(argv, as, out, sizeof out) != 0) {
			snprintf(err, errlen, "initdb failed for %s: %s", pg->pgdata, out);
			goto out;
		}
	}
	{
		char *run_dir = pg->socket_dir, *log_dir = xasprintf("%s/log", pg->pgdata);
		bool made = make_dir(run_dir, 0700, pw, err, errlen) &&
			    make_dir(log_dir, 0700, pw, err, errlen);
		free(log_dir);
		if (!made)
			goto out;
	}
	pg->archive_dir = archive_dir_ready(pg, archive, pw, err, errlen);
	if (!pg->archive_dir && err[0])
		goto out;

	{
		const char *argv[] = { pg_ctl, "-D", pg->pgdata, "status", NULL };
		rc = run(argv, as, out, sizeof out);
	}
	if (rc == 0) {
		jy_info("event=pg_already_running pgdata=%s", pg->pgdata);
	} else {
		log_file = xasprintf("%s/log/postgresql.log", pg->pgdata);
		opts = start_options(pg);
		const char *argv[] = { pg_ctl, "-D", pg->pgdata, "-w", "-t", "60", "-l", log_file,
				       "-o", opts, "start", NULL };
		jy_info("event=pg_start pgdata=%s archive=%s", pg->pgdata,
			pg->archive_dir ? pg->archive_dir : "off");
		if (run(argv, as, out, sizeof out) != 0) {
			log_tail(pg, tail, sizeof tail);
			snprintf(err, errlen, "pg_ctl start failed: %s; log: %s", out, tail);
			goto out;
		}
		pg->started_by_us = true;
		free(pg->run_as);
		pg->run_as = as ? jy_xstrdup(as) : NULL;
	}

	if (!create_role_and_db(pg, err, errlen))
		goto out;
	note_checksums(pg);
	qhost = conninfo_quote(pg->socket_dir);
	pg->conninfo = xasprintf("host=%s dbname=jianyi user=jianyi", qhost);
	ok = true;
out:
	free(initdb);
	free(pg_ctl);
	free(version_file);
	free(log_file);
	free(opts);
	free(qhost);
	if (!ok) {
		embedded_pg_stop(pg);
		embedded_pg_free(pg);
	}
	return ok;
}

void embedded_pg_stop(struct embedded_pg *pg)
{
	char out[512], *pg_ctl;

	if (!pg->started_by_us || !pg->bindir)
		return;
	pg_ctl = xasprintf("%s/pg_ctl", pg->bindir);
	const char *argv[] = { pg_ctl, "-D", pg->pgdata, "-m", "fast", "-w", "stop", NULL };
	if (run(argv, pg->run_as, out, sizeof out) != 0)
		jy_warn("event=pg_stop_failed pgdata=%s", pg->pgdata);
	else
		jy_info("event=pg_stopped pgdata=%s", pg->pgdata);
	pg->started_by_us = false;
	free(pg_ctl);
}

void embedded_pg_free(struct embedded_pg *pg)
{
	free(pg->data_dir);
	free(pg->pgdata);
	free(pg->socket_dir);
	free(pg->bindir);
	free(pg->conninfo);
	free(pg->run_as);
	free(pg->archive_dir);
	memset(pg, 0, sizeof *pg);
}
